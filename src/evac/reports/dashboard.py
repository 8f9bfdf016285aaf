"""The operation at a glance, for a task force's morning meeting: time left to the deadline,
where people are, what waits for staff (imports, linkage, reviews), and the flights and hubs
the plan can count on. Counts only: nothing here names or identifies anyone."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evac.db import utcnow
from evac.intake.models import ImportBatch
from evac.linkage.models import ReviewItem, ReviewStatus
from evac.operation.models import Hub, Operation, Sortie
from evac.people.models import Person, Registration, State
from evac.reports.referrals import Stage, stage_of

TOP_CLAIMS = 12  # the category claims shown by name; the rest are summed


@dataclass(frozen=True)
class Work:
    """What waits for staff."""

    batches: int
    rows_accepted: int
    rows_refused: int
    registrations: int
    waiting_for_linkage: int
    reviews_open: int
    reviews_decided: int


@dataclass(frozen=True)
class Flights:
    sorties: int
    seats: int
    by_day: list[tuple[date, int, int]]  # local day, sorties, planned seats
    hubs: list[Hub]


@dataclass(frozen=True)
class Dashboard:
    operation: Operation
    deadline_local: datetime
    hours_left: float  # negative once the deadline has passed
    stages: dict[Stage, int]
    claims: list[tuple[str, int]]  # category claims as sources wrote them, most common first
    work: Work
    flights: Flights


def operation_dashboard(session: Session, *, operation: Operation) -> Dashboard:
    zone = ZoneInfo(operation.time_zone)
    return Dashboard(
        operation=operation,
        deadline_local=operation.deadline.astimezone(zone),
        hours_left=(operation.deadline - utcnow()).total_seconds() / 3600,
        stages=_stages(session, operation.id),
        claims=_claims(session, operation.id),
        work=_work(session, operation.id),
        flights=_flights(session, operation.id, zone),
    )


def _stages(session: Session, operation_id: int) -> dict[Stage, int]:
    """Persons by stage; registrations no run has placed yet count as waiting."""
    stages = dict.fromkeys(Stage, 0)
    counted = session.execute(
        select(Person.state, func.count())
        .where(Person.operation_id == operation_id, Person.state != State.merged)
        .group_by(Person.state)
    ).all()
    for state, count in counted:
        stages[stage_of(state)] += count
    stages[Stage.waiting] = _waiting(session, operation_id)
    return stages


def _waiting(session: Session, operation_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.operation_id == operation_id, Registration.person_id.is_(None))
    )


def _claims(session: Session, operation_id: int) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Person.category, func.count().label("n"))
        .where(Person.operation_id == operation_id, Person.state != State.merged)
        .group_by(Person.category)
        .order_by(func.count().desc(), Person.category)
    ).all()
    named = [(claim or "(none)", count) for claim, count in rows]
    rest = sum(count for _, count in named[TOP_CLAIMS:])
    return named[:TOP_CLAIMS] + ([("(other claims)", rest)] if rest else [])


def _work(session: Session, operation_id: int) -> Work:
    batches, accepted, refused = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ImportBatch.accepted), 0),
            func.coalesce(func.sum(ImportBatch.rejected), 0),
        ).where(ImportBatch.operation_id == operation_id)
    ).one()
    reviews = dict(
        session.execute(
            select(ReviewItem.status, func.count())
            .where(ReviewItem.operation_id == operation_id)
            .group_by(ReviewItem.status)
        ).all()
    )
    registrations = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.operation_id == operation_id)
    )
    open_reviews = reviews.get(ReviewStatus.open, 0)
    return Work(
        batches=batches,
        rows_accepted=accepted,
        rows_refused=refused,
        registrations=registrations,
        waiting_for_linkage=_waiting(session, operation_id),
        reviews_open=open_reviews,
        reviews_decided=sum(reviews.values()) - open_reviews,
    )


def _flights(session: Session, operation_id: int, zone: ZoneInfo) -> Flights:
    sorties = session.execute(
        select(Sortie.departs_at, Sortie.planned_load).where(Sortie.operation_id == operation_id)
    ).all()
    by_day: dict[date, list[int]] = {}
    for departs_at, load in sorties:
        day = by_day.setdefault(departs_at.astimezone(zone).date(), [0, 0])
        day[0] += 1
        day[1] += load
    hubs = list(
        session.scalars(select(Hub).where(Hub.operation_id == operation_id).order_by(Hub.name))
    )
    return Flights(
        sorties=len(sorties),
        seats=sum(load for _, load in sorties),
        by_day=[(day, count, seats) for day, (count, seats) in sorted(by_day.items())],
        hubs=hubs,
    )
