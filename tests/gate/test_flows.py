"""The demo's gate step: the first window checked in and taken through the stations."""

from sqlalchemy import func, select

from evac.auth.permissions import cli_actor
from evac.gate.flows import demo_step
from evac.gate.models import CheckIn, StationEvent
from evac.people.models import Person, State


def test_the_first_window_is_checked_in_and_processed_once(session, provider, operation, world):
    done = demo_step(session, actor=cli_actor(), provider=provider, operation=operation)
    session.commit()
    assert (done.parties, done.people, done.not_taken) == (2, 4, {})
    assert (done.where.at_gates, done.where.in_ecc, done.where.airside) == ({}, 0, 4)
    assert set(session.scalars(select(Person.state))) == {State.processed}
    assert "2 parties (4 people) checked in" in str(done)
    again = demo_step(session, actor=cli_actor(), provider=provider, operation=operation)
    assert (again.parties, again.people) == (2, 4)
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 2
    assert session.scalar(select(func.count()).select_from(StationEvent)) == 4 * 5


def test_with_no_plan_nobody_is_checked_in(session, provider, operation):
    done = demo_step(session, actor=cli_actor(), provider=provider, operation=operation)
    assert (done.parties, done.people, done.not_taken) == (0, 0, {})
