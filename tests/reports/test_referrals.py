"""A partner follows its own referrals, as it wrote them, with the stage each reached, and
nothing of another partner's."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from evac.app import create_app
from evac.auth.permissions import Actor, Forbidden, Role
from evac.i18n import language
from evac.people.lifecycle import transition
from evac.people.models import Person, State
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration
from evac.reports.referrals import Stage, list_referrals, referrals_source
from evac.vault.audit import AuditEntry
from tests.conftest import TEST_PASSWORD, csrf_token

OFFICER = Actor("officer", Role.officer)


@pytest.fixture
def referred(session, cipher, place):
    """Two of kwn's people (one called forward), one waiting for linkage, one of another NGO."""
    called = place("kwn", file="kwn.xlsx", given_name="Farida", family_name="Sakhi")
    place("kwn", file="kwn.xlsx", given_name="Nasir", family_name="Wahidi")
    add_registration(session, cipher=cipher, source="kwn", raw={"n": "Laila"},
                     record=RegistrationRecord(full_name="Laila Ahmadi"))  # fmt: skip
    place("vets", given_name="Mohammad", family_name="Zaman")
    person = session.get(Person, called)
    for state in (State.verified, State.eligible, State.called_forward):
        transition(session, person=person, to=state, actor=OFFICER, idempotency_key=f"t-{state}")
    session.commit()


def test_a_partner_sees_its_referrals_and_their_stages(session, cipher, referred):
    partner = Actor("kwn-user", Role.partner, partner_source="kwn")
    referrals = list_referrals(session, cipher=cipher, actor=partner,
                               source=referrals_source(partner, "vets"))  # fmt: skip
    assert referrals.source == "kwn"  # asking for another partner's gets one's own
    assert sorted(r.name for r in referrals.page) == [
        "Farida Sakhi",
        "Laila Ahmadi",
        "Nasir Wahidi",
    ]
    stages = {r.name: r.stage for r in referrals.page}
    assert stages["Farida Sakhi"] == Stage.called_forward
    assert stages["Laila Ahmadi"] == Stage.waiting and stages["Nasir Wahidi"] == Stage.registered
    assert referrals.totals[Stage.called_forward] == 1 and sum(referrals.totals.values()) == 3
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.username, entry.subject) == (
        "referrals.read",
        "kwn-user",
        "source:kwn",
    )


def test_staff_name_a_source_and_others_may_not_read(session, cipher, referred):
    assert referrals_source(OFFICER, "vets") == "vets"
    vets = list_referrals(session, cipher=cipher, actor=OFFICER, source="vets")
    assert [r.name for r in vets.page] == ["Mohammad Zaman"]
    with pytest.raises(Forbidden):
        referrals_source(Actor("p", Role.planner), None)
    with pytest.raises(Forbidden):
        list_referrals(session, cipher=cipher, source="vets",
                       actor=Actor("kwn-user", Role.partner, partner_source="kwn"))  # fmt: skip


@pytest.mark.parametrize("code", ["fa-AF", "ps"])
def test_every_stage_reads_in_dari_and_pashto(code):
    assert [s for s in Stage if s.value not in language(code).messages] == []


def test_the_page_shows_only_the_partners_own(settings, session, referred, make_user):
    partner = make_user(Role.partner, partner_source="kwn")
    with TestClient(create_app(settings)) as client:
        client.post("/login", data={"username": partner.username, "password": TEST_PASSWORD,
                                    "csrf": csrf_token(client)})  # fmt: skip
        page = client.get("/referrals?source=vets&lang=fa-AF").text
    assert "Farida Sakhi" in page and "Zaman" not in page and "vets" not in page
    assert language("fa-AF").gettext(Stage.called_forward.value) in page
