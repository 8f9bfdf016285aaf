from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from evac.auth.permissions import Actor, Role
from evac.people.lifecycle import (
    ALLOWED,
    HAPPY_PATH,
    IdempotencyConflict,
    IllegalTransition,
    transition,
)
from evac.people.models import Event, Person, State
from evac.people.service import PersonNames, create_person
from evac.vault.audit import AuditEntry, check_log

ACTOR = Actor(username="officer-1", role=Role.officer)


@pytest.fixture
def person(session, cipher):
    person = create_person(session, cipher=cipher, names=PersonNames(given_name="Test Person"))
    session.commit()
    return person


def events_of(session, person) -> list[Event]:
    return list(
        session.scalars(select(Event).where(Event.person_id == person.id).order_by(Event.id))
    )


def test_every_state_is_reachable_from_registered():
    reached, frontier = {State.registered}, [State.registered]
    while frontier:
        for nxt in ALLOWED[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(State)


def test_transition_writes_its_event_in_the_same_transaction(session, person):
    event = transition(
        session,
        person=person,
        to=State.verified,
        actor=ACTOR,
        place="embassy",
        idempotency_key="k1",
        data={"note": "passport seen"},
    )
    session.commit()
    assert session.get(Person, person.id).state == State.verified
    stored = events_of(session, person)
    assert [e.type for e in stored] == ["verified"]
    assert stored[0].id == event.id
    assert stored[0].data == {"from": "registered", "note": "passport seen"}
    assert stored[0].actor == "officer-1" and stored[0].at.tzinfo is not None
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.transition"))
    assert [(a.username, a.subject, a.purpose, a.details["event"]) for a in audit] == [
        ("officer-1", f"person:{person.id}", "registered -> verified", event.id)
    ]


def test_rolled_back_transition_leaves_neither_state_nor_event(session, person):
    transition(session, person=person, to=State.verified, actor=ACTOR, idempotency_key="k1")
    session.rollback()
    assert session.get(Person, person.id).state == State.registered
    assert events_of(session, person) == []


def test_illegal_transition_says_where_the_person_is_and_what_is_allowed(session, person):
    with pytest.raises(IllegalTransition) as raised:
        transition(session, person=person, to=State.boarded, actor=ACTOR, idempotency_key="k1")
    message = str(raised.value)
    assert "is registered" in message and "cannot become boarded" in message
    assert "merged, verified, withdrawn" in message
    assert events_of(session, person) == []


def test_same_idempotency_key_twice_is_one_transition(session, person):
    first = transition(session, person=person, to=State.verified, actor=ACTOR, idempotency_key="k1")
    again = transition(session, person=person, to=State.verified, actor=ACTOR, idempotency_key="k1")
    session.commit()
    assert again.id == first.id
    assert len(events_of(session, person)) == 1
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1  # one fact, once


def test_idempotency_key_reused_for_another_fact_is_refused(session, person):
    transition(session, person=person, to=State.verified, actor=ACTOR, idempotency_key="k1")
    with pytest.raises(IdempotencyConflict):
        transition(session, person=person, to=State.eligible, actor=ACTOR, idempotency_key="k1")


def test_a_whole_journey_to_closed(session, person):
    for step, state in enumerate(HAPPY_PATH):
        transition(session, person=person, to=state, actor=ACTOR, idempotency_key=f"j{step}")
    session.commit()
    assert [e.type for e in events_of(session, person)] == [s.value for s in HAPPY_PATH]
    administrator = Actor(username="admin", role=Role.administrator)
    assert check_log(session, actor=administrator) == []  # every step chained in the audit log
    audited = select(func.count()).where(AuditEntry.action == "person.transition")
    assert session.scalar(audited) == len(HAPPY_PATH)
    with pytest.raises(IllegalTransition, match="nothing \\(final state\\)"):
        transition(session, person=person, to=State.registered, actor=ACTOR, idempotency_key="x")


def test_concurrent_transitions_with_one_key_record_one_event(session_factory, person):
    """Two gate devices sending the same check-in at once: exactly one event lands."""

    def attempt(_):
        with session_factory() as session:
            target = session.get(Person, person.id)
            event = transition(
                session, person=target, to=State.verified, actor=ACTOR, idempotency_key="same-scan"
            )
            session.commit()
            return event.id

    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = set(pool.map(attempt, range(2)))
    with session_factory() as session:
        count = session.scalar(select(func.count()).select_from(Event))
        assert count == 1
        assert ids == {session.scalar(select(Event.id))}
