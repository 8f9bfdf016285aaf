"""ECC stations as lifecycle steps, and the count of who is where."""

from datetime import timedelta

import pytest

from evac.auth.permissions import Forbidden
from evac.gate.models import Outcome, Step
from evac.gate.service import check_in
from evac.gate.stations import StepRefused, accountability, record_step
from evac.people.lifecycle import IdempotencyConflict
from evac.people.models import Event, Person, State

from .conftest import AGENT, END, GATE, SUPERVISOR, arrival

PARTY, SINGLE = "P-7KQ2M", "P-3XHTW"


@pytest.fixture
def checked_in(session, provider, operation, world) -> dict[str, list[int]]:
    """Both parties checked in at North Gate: their wristband numbers."""
    numbers = {}
    for n, reference in enumerate(world.passes):
        result = check_in(
            session, actor=AGENT, provider=provider, operation=operation,
            arrival=arrival(f"k-{n}", world.passes[reference]),
        )  # fmt: skip
        numbers[reference] = [m.evacuee_number for m in result.members]
    session.commit()
    return numbers


def step(session, operation, number, step, outcome=Outcome.passed, key=None, reason=None):
    return record_step(
        session, actor=AGENT, operation=operation, evacuee_number=number, step=step,
        outcome=outcome, station=f"ECC {step.value}", reason=reason,
        idempotency_key=key or f"{number}-{step.value}-{outcome.value}",
    )  # fmt: skip


def test_passing_the_manifest_station_makes_a_person_processed(session, operation, checked_in):
    number = checked_in[SINGLE][0]
    for each in Step:
        event = step(session, operation, number, each)
    person = session.get(Person, event.person_id)
    assert person.state == State.processed
    assert session.query(Event).filter_by(person_id=person.id, type="processed").count() == 1


def test_a_step_sent_twice_is_one_and_a_key_reused_for_another_is_refused(
    session, operation, checked_in
):
    number = checked_in[SINGLE][0]
    first = step(session, operation, number, Step.reception, key="s-1")
    assert step(session, operation, number, Step.reception, key="s-1").id == first.id
    with pytest.raises(IdempotencyConflict):
        step(session, operation, number, Step.medical, key="s-1")


def test_sent_back_or_refused_needs_a_reason_and_moves_the_person(session, operation, checked_in):
    principal, wife, _child = checked_in[PARTY]
    with pytest.raises(StepRefused, match="reason"):
        step(session, operation, principal, Step.id_check, Outcome.sent_back)
    event = step(
        session, operation, principal, Step.id_check, Outcome.sent_back,
        reason="documents do not match the SIV case",
    )  # fmt: skip
    assert session.get(Person, event.person_id).state == State.ineligible
    assert event.reason == "documents do not match the SIV case"
    refused = step(session, operation, wife, Step.medical, Outcome.refused, reason="chose to stay")
    assert session.get(Person, refused.person_id).state == State.withdrawn
    with pytest.raises(StepRefused, match="not in the ECC"):
        step(session, operation, principal, Step.screening)
    with pytest.raises(StepRefused, match="no wristband"):
        step(session, operation, 999, Step.screening)


def test_who_is_at_the_gate_in_the_ecc_airside_and_who_never_came(
    session, operation, world, provider
):
    before = accountability(session, actor=SUPERVISOR, operation=operation)
    assert (before.at_gates, before.in_ecc, before.airside, before.no_shows) == ({}, 0, 0, ())
    result = check_in(
        session, actor=AGENT, provider=provider, operation=operation,
        arrival=arrival("k-1", world.passes[PARTY]),
    )  # fmt: skip
    principal, wife, _child = (m.evacuee_number for m in result.members)
    step(session, operation, principal, Step.reception)
    for each in Step:
        step(session, operation, wife, each)
    now = accountability(session, actor=SUPERVISOR, operation=operation)
    assert (now.at_gates, now.in_ecc, now.airside, now.no_shows) == ({GATE: 1}, 1, 1, ())
    later = accountability(
        session, actor=SUPERVISOR, operation=operation, now=END + timedelta(minutes=1)
    )
    assert later.no_shows == (SINGLE,)
    with pytest.raises(Forbidden):
        accountability(session, actor=AGENT, operation=operation)
