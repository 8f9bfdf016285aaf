"""The operation at a glance: deadline, stages, what waits for staff, claims, flights by the
operation's own day, hubs; counts only."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.permissions import Role
from evac.linkage.models import ReviewItem
from evac.operation.models import AircraftType, Hub, Sortie
from evac.people.models import Person
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration
from evac.reports.dashboard import operation_dashboard
from evac.reports.referrals import Stage


@pytest.fixture
def busy(session, cipher, operation, place):
    """Three persons (two claim SIV), one registration waiting, a pair to review, three
    sorties over two Kabul days (one leaves before midnight UTC but after it in Kabul)."""
    ids = [place("kwn", given_name=name) for name in ("Farida", "Nasir", "Laila")]
    for person_id, claim in zip(ids, ["SIV", "SIV", None], strict=True):
        session.get(Person, person_id).category = claim
    record = RegistrationRecord(full_name="Mohammad Zaman")
    waiting, _ = add_registration(session, cipher=cipher, source="vets", raw={}, record=record)
    c17 = AircraftType(operation_id=operation.id, name="C-17", operator="US military",
                       rated_seats=134, typical_load=400, max_load=823)  # fmt: skip
    session.add(c17)
    session.flush()
    departures = (("RCH1", datetime(2021, 8, 20, 10, tzinfo=UTC), 400),
                  ("RCH2", datetime(2021, 8, 20, 20, tzinfo=UTC), 300),
                  ("RCH3", datetime(2021, 8, 21, 9, tzinfo=UTC), 200))  # fmt: skip
    for callsign, departs, load in departures:
        session.add(Sortie(operation_id=operation.id, aircraft_type_id=c17.id, callsign=callsign,
                           departs_at=departs, planned_load=load))  # fmt: skip
    session.add(Hub(operation_id=operation.id, name="Al Udeid", country="QA", capacity=8000))
    session.add(ReviewItem(operation_id=operation.id, registration_a_id=waiting.id,
                           registration_b_id=waiting.id, probability=0.7))  # fmt: skip
    session.commit()


def test_the_board_counts_what_the_operation_holds(session, operation, busy):
    board = operation_dashboard(session, operation=operation)
    assert board.stages[Stage.registered] == 3 and board.stages[Stage.waiting] == 1
    assert board.claims == [("SIV", 2), ("(none)", 1)]
    assert (board.work.waiting_for_linkage, board.work.reviews_open) == (1, 1)
    assert board.work.registrations == 4
    # Kabul is UTC+4:30: 20:00 UTC on the 20th is the 21st in Kabul
    assert [(d.isoformat(), n, seats) for d, n, seats in board.flights.by_day] == [
        ("2021-08-20", 1, 400),
        ("2021-08-21", 2, 500),
    ]
    assert (board.flights.sorties, board.flights.seats) == (3, 900)
    assert board.deadline_local.strftime("%H:%M") == "23:59"  # 19:29 UTC in Kabul
    assert board.hours_left < 0  # 2021 is over


def test_the_page_is_for_those_who_read_aggregates(settings, busy, auth_headers):
    with TestClient(create_app(settings)) as client:
        page = client.get("/dashboard?lang=fa-AF", headers=auth_headers(Role.planner))
        refused = client.get("/dashboard", headers=auth_headers(Role.partner))
    assert page.status_code == 200 and 'id="reviews-open">۱<' in page.text  # Dari digits
    assert "Al Udeid" in page.text and "Farida" not in page.text
    assert refused.status_code == 403
