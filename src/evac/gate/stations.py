"""The evacuation control center's stations, and the count of who is where.

Each station scans a wristband and records its step. A step is an event of the person's
lifecycle: passing the manifest station makes them `processed` (ready for a sortie), being
sent back to an officer makes them `ineligible`, refusing to go on makes them `withdrawn`,
each with its reason.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.db import utcnow
from evac.gate.models import CheckIn, Evacuee, Outcome, StationEvent, Step
from evac.operation.models import Operation
from evac.people.lifecycle import IdempotencyConflict, IllegalTransition, transition
from evac.people.models import Person, State
from evac.planning.models import PlannedParty
from evac.planning.service import current_plan

# Where a station's outcome moves the person; a step passed short of the manifest leaves
# them checked in, going on through the ECC.
MOVES = {
    Outcome.sent_back: State.ineligible,
    Outcome.refused: State.withdrawn,
}
AIRSIDE = (State.processed, State.manifested)


class StepRefused(ValueError):
    """A step that cannot be recorded (no such wristband, not in the ECC, no reason)."""


def record_step(
    session: Session,
    *,
    actor: Actor,
    operation: Operation,
    evacuee_number: int,
    step: Step,
    outcome: Outcome,
    station: str,
    idempotency_key: str,
    at: datetime | None = None,
    reason: str | None = None,
) -> StationEvent:
    """Record one station's step for the wearer of a wristband, once by its key (a station
    that resends after a lost answer gets the first event back)."""
    actor.require(Permission.gate_checkin)
    person = _wearer(session, operation, evacuee_number)
    earlier = session.scalar(
        select(StationEvent).where(StationEvent.idempotency_key == idempotency_key)
    )
    if earlier is not None:
        if (earlier.person_id, earlier.step, earlier.outcome) != (person.id, step, outcome):
            raise IdempotencyConflict(f"key {idempotency_key!r} already recorded another step")
        return earlier
    if outcome != Outcome.passed and not (reason or "").strip():
        raise StepRefused("a person sent back or refused needs the reason")
    if State(person.state) != State.checked_in:
        raise StepRefused(
            f"wristband {evacuee_number} is {State(person.state).value}, not in the ECC"
        )
    event = StationEvent(
        operation_id=operation.id, person_id=person.id, step=step, outcome=outcome,
        station=station, actor=actor.username, at=at or utcnow(), reason=reason,
        idempotency_key=idempotency_key,
    )  # fmt: skip
    session.add(event)
    session.flush()
    moved_to = _moved_to(step, outcome)
    if moved_to is not None:
        try:
            transition(
                session, person=person, to=moved_to, actor=actor,
                idempotency_key=f"station:{idempotency_key}", place=station, at=event.at,
                data={"step": step.value, "reason": reason},
            )  # fmt: skip
        except IllegalTransition as error:
            raise StepRefused(str(error)) from None
    return event


def _moved_to(step: Step, outcome: Outcome) -> State | None:
    if outcome == Outcome.passed:
        return State.processed if step == Step.manifest else None
    return MOVES[outcome]


def _wearer(session: Session, operation: Operation, number: int) -> Person:
    person = session.scalar(
        select(Person)
        .join(Evacuee, Evacuee.person_id == Person.id)
        .where(Evacuee.operation_id == operation.id, Evacuee.id == number)
    )
    if person is None:
        raise StepRefused(f"no wristband {number} in operation {operation.name}")
    return person


@dataclass(frozen=True)
class Accountability:
    """Who is where now: persons at each gate (checked in, no station yet), in the ECC
    (through a station, not yet processed), airside (processed, waiting for a sortie), and
    the parties called forward whose window closed with nobody checked in."""

    at_gates: dict[str, int] = field(default_factory=dict)
    in_ecc: int = 0
    airside: int = 0
    no_shows: tuple[str, ...] = ()


def accountability(
    session: Session, *, actor: Actor, operation: Operation, now: datetime | None = None
) -> Accountability:
    """Counts only, no names: for the ECC's board and the task force's sitrep."""
    actor.require(Permission.aggregates_read)
    been_at_a_station = exists().where(StationEvent.person_id == Evacuee.person_id)
    checked_in = (
        select(CheckIn.gate, been_at_a_station.label("in_ecc"))
        .select_from(Evacuee)
        .join(CheckIn, CheckIn.id == Evacuee.checkin_id)
        .join(Person, Person.id == Evacuee.person_id)
        .where(Evacuee.operation_id == operation.id, Person.state == State.checked_in)
        .subquery()
    )
    inside = session.execute(
        select(checked_in.c.gate, checked_in.c.in_ecc, func.count()).group_by(
            checked_in.c.gate, checked_in.c.in_ecc
        )
    ).all()
    at_gates: Counter[str] = Counter()
    in_ecc = 0
    for gate, through_a_station, people in inside:
        if through_a_station:
            in_ecc += people
        else:
            at_gates[gate] += people
    airside = session.scalar(
        select(func.count())
        .select_from(Evacuee)
        .join(Person, Person.id == Evacuee.person_id)
        .where(Evacuee.operation_id == operation.id, Person.state.in_(AIRSIDE))
    )
    return Accountability(
        dict(sorted(at_gates.items())),
        in_ecc,
        airside,
        _no_shows(session, operation, now or utcnow()),
    )


def _no_shows(session: Session, operation: Operation, now: datetime) -> tuple[str, ...]:
    plan = current_plan(session, operation=operation)
    if plan is None:
        return ()
    checked_in = select(CheckIn.party_reference).where(CheckIn.operation_id == operation.id)
    rows = session.scalars(
        select(PlannedParty.party_reference)
        .where(
            PlannedParty.plan_id == plan.id,
            PlannedParty.called_at.is_not(None),
            PlannedParty.window_end < now,
            PlannedParty.party_reference.not_in(checked_in),
        )
        .order_by(PlannedParty.window_end, PlannedParty.party_reference)
    )
    return tuple(rows)
