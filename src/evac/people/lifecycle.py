"""The person lifecycle: which state may follow which, and the transition that records it."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from evac.auth.permissions import Actor
from evac.db import utcnow
from evac.people.models import Event, Person, State
from evac.vault.audit import record_access

S = State
ALLOWED: dict[State, frozenset[State]] = {
    S.registered: frozenset({S.verified, S.withdrawn, S.merged}),
    S.verified: frozenset({S.eligible, S.ineligible, S.deferred, S.withdrawn, S.merged}),
    # Eligibility rules changed daily in 2021: any decision can be taken again.
    S.eligible: frozenset({S.called_forward, S.ineligible, S.deferred, S.withdrawn, S.merged}),
    S.ineligible: frozenset({S.eligible, S.deferred, S.withdrawn, S.merged, S.closed}),
    S.deferred: frozenset({S.eligible, S.ineligible, S.withdrawn, S.merged}),
    # A new call-forward (another gate or window) replaces the last one.
    S.called_forward: frozenset(
        {S.called_forward, S.checked_in, S.no_show, S.ineligible, S.withdrawn, S.merged}
    ),
    S.no_show: frozenset({S.called_forward, S.withdrawn, S.closed, S.merged}),
    S.checked_in: frozenset({S.processed, S.ineligible, S.withdrawn}),
    S.processed: frozenset({S.manifested, S.ineligible, S.withdrawn}),
    # Taken off a manifest, or offloaded before departure: back to the processed pool.
    S.manifested: frozenset({S.boarded, S.processed}),
    S.boarded: frozenset({S.departed, S.processed}),
    S.departed: frozenset({S.arrived_hub}),
    S.arrived_hub: frozenset({S.closed}),
    S.withdrawn: frozenset({S.registered, S.closed}),
    # Unmerging restores the person as a fresh registration to be decided again.
    S.merged: frozenset({S.registered}),
    S.closed: frozenset(),
}


# The way out when all goes well, from the first check of a registration to the end.
HAPPY_PATH = [
    S.verified,
    S.eligible,
    S.called_forward,
    S.checked_in,
    S.processed,
    S.manifested,
    S.boarded,
    S.departed,
    S.arrived_hub,
    S.closed,
]


class IllegalTransition(ValueError):
    """A change of state that the lifecycle does not allow."""

    def __init__(self, person_id: int, current: State, wanted: State) -> None:
        allowed = ", ".join(sorted(ALLOWED[current])) or "nothing (final state)"
        super().__init__(
            f"person {person_id} is {current.value}; cannot become {wanted.value}. "
            f"From {current.value} allowed: {allowed}"
        )
        self.current, self.wanted = current, wanted


class IdempotencyConflict(ValueError):
    """An idempotency key reused for a different fact."""


def transition(
    session: Session,
    *,
    person: Person,
    to: State,
    actor: Actor,
    idempotency_key: str,
    place: str | None = None,
    at: datetime | None = None,
    data: dict | None = None,
) -> Event:
    """Move `person` to state `to` and write its event and an audit entry in the same
    transaction. Whether `actor` may make this move is for the calling service to check.

    The same idempotency key twice is one transition: the second call returns the first event.
    """
    earlier = _event_for_key(session, idempotency_key)
    if earlier is not None:
        return _same_fact(earlier, person, to)
    current = State(person.state)
    if to not in ALLOWED[current]:
        raise IllegalTransition(person.id, current, to)
    event = Event(
        operation_id=person.operation_id,
        person_id=person.id,
        type=to.value,
        at=at or utcnow(),
        actor=actor.username,
        place=place,
        data={"from": current.value, **(data or {})},
        idempotency_key=idempotency_key,
    )
    try:
        with session.begin_nested():
            # The WHERE on the old state makes two concurrent transitions of one person safe.
            moved = session.execute(
                update(Person)
                .where(Person.id == person.id, Person.state == current)
                .values(state=to, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
            if moved != 1:
                raise _StateChanged
            session.add(event)
            session.flush()
    except _StateChanged:
        session.refresh(person)
        # The one who moved the person first may have been a retry of this very request.
        earlier = _event_for_key(session, idempotency_key)
        if earlier is not None:
            return _same_fact(earlier, person, to)
        raise IllegalTransition(person.id, State(person.state), to) from None
    except IntegrityError:
        # Someone else recorded this idempotency key first; the savepoint undid our part.
        session.refresh(person)
        return _same_fact(_event_for_key(session, idempotency_key), person, to)
    set_committed_value(person, "state", to)
    record_access(
        session,
        actor=actor,
        action="person.transition",
        purpose=f"{current.value} -> {to.value}",
        subject=f"person:{person.id}",
        details={"event": event.id, "place": place},
    )
    return event


# Facts about a person that are no change of its state: registrations joining it.
LINKED = "linked"


def event_row(
    *,
    operation_id: int,
    person_id: int,
    type: str,
    actor: Actor,
    idempotency_key: str,
    at: datetime | None = None,
    place: str | None = None,
    data: dict | None = None,
) -> dict:
    """The column values of one event, for bulk inserts: linkage records thousands of facts
    per run (a person made of registrations, a registration joining a person) and writes them
    in one statement, not a transition (and its flush and audit entry) each."""
    return {
        "operation_id": operation_id,
        "person_id": person_id,
        "type": type,
        "at": at or utcnow(),
        "actor": actor.username,
        "place": place,
        "data": data or {},
        "idempotency_key": idempotency_key,
    }


class _StateChanged(Exception):
    """The person's state changed under us between reading and writing."""


def _event_for_key(session: Session, key: str) -> Event | None:
    return session.scalar(select(Event).where(Event.idempotency_key == key))


def _same_fact(event: Event, person: Person, to: State) -> Event:
    if event.person_id != person.id or event.type != to.value:
        raise IdempotencyConflict(
            f"idempotency key {event.idempotency_key!r} already recorded {event.type} "
            f"for person {event.person_id}"
        )
    return event
