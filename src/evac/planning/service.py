"""Plans of an operation: make and save a version, read the current one, mark calls sent.

Passes and messages read `current_calls` and `first_window`; nothing else here is theirs.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from evac.operation.models import Operation
from evac.planning.assign import left_behind, occupancy
from evac.planning.inputs import operation_problem
from evac.planning.models import PlannedParty, SavedPlan
from evac.planning.problem import Fixed, Plan, Problem
from evac.planning.solve import solve


@dataclass(frozen=True)
class PlannedCall:
    party_reference: str
    gate: str
    window_start: datetime
    window_end: datetime
    sortie: str
    hub: str


def current_plan(session: Session, *, operation: Operation) -> SavedPlan | None:
    """The newest plan version of the operation."""
    query = select(SavedPlan).where(SavedPlan.operation_id == operation.id)
    return session.scalar(query.order_by(SavedPlan.version.desc()).limit(1))


def current_calls(
    session: Session, *, operation: Operation, window_start: datetime | None = None
) -> list[PlannedCall]:
    """The current plan's call-forwards (one window's if window_start is given), earliest first."""
    plan = current_plan(session, operation=operation)
    if plan is None:
        return []
    query = select(PlannedParty).where(
        PlannedParty.plan_id == plan.id, PlannedParty.window_start.is_not(None)
    )
    if window_start is not None:
        query = query.where(PlannedParty.window_start == window_start)
    rows = session.scalars(query.order_by(PlannedParty.window_start, PlannedParty.gate))
    return [
        PlannedCall(r.party_reference, r.gate, r.window_start, r.window_end, r.sortie, r.hub)
        for r in rows
    ]


def first_window(session: Session, *, operation: Operation) -> datetime | None:
    """When the current plan's earliest window opens."""
    plan = current_plan(session, operation=operation)
    if plan is None:
        return None
    return session.scalar(
        select(func.min(PlannedParty.window_start)).where(PlannedParty.plan_id == plan.id)
    )


def mark_called(
    session: Session, *, operation: Operation, references: list[str], at: datetime
) -> int:
    """Record that these parties of the current plan were called forward: a new plan keeps
    their window and gate. Returns how many were marked."""
    plan = current_plan(session, operation=operation)
    if plan is None or not references:
        return 0
    result = session.execute(
        update(PlannedParty)
        .where(
            PlannedParty.plan_id == plan.id,
            PlannedParty.party_reference.in_(references),
            PlannedParty.window_start.is_not(None),
        )
        .values(called_at=at)
    )
    return result.rowcount


def called_forward(session: Session, *, operation: Operation, start: datetime) -> dict:
    """The fixed windows of parties already called forward whose window is still to come
    (a party whose window passed without flying is a no-show, planned again from scratch)."""
    plan = current_plan(session, operation=operation)
    if plan is None:
        return {}
    rows = session.scalars(
        select(PlannedParty).where(
            PlannedParty.plan_id == plan.id,
            PlannedParty.called_at.is_not(None),
            PlannedParty.window_start >= start,
        )
    )
    return {r.party_reference: Fixed(r.gate, r.window_start, r.sortie) for r in rows}


def plan_operation(
    session: Session,
    *,
    operation: Operation,
    parties: list,
    start: datetime | None = None,
) -> tuple[Problem, Plan]:
    """The best plan for these parties (PlannableParty-shaped) from `start`, keeping parties
    already called forward where they are."""
    probe = operation_problem(session, operation=operation, parties=[], start=start)
    fixed = called_forward(session, operation=operation, start=probe.start)
    problem = operation_problem(
        session, operation=operation, parties=parties, fixed=fixed, start=probe.start
    )
    return problem, solve(problem)


def save_plan(
    session: Session,
    *,
    operation: Operation,
    problem: Problem,
    plan: Plan,
    parties: list,
    actor: str,
    note: str | None = None,
) -> SavedPlan:
    """Store a plan as the operation's next version, with every party planned or not."""
    version = session.scalar(
        select(func.coalesce(func.max(SavedPlan.version), 0)).where(
            SavedPlan.operation_id == operation.id
        )
    )
    called = called_at_by_reference(session, operation=operation)
    saved = SavedPlan(
        operation_id=operation.id,
        version=version + 1,
        created_by=actor,
        starts_at=problem.start,
        method=plan.method,
        objective=plan.objective,
        bound=plan.bound,
        seconds=plan.seconds,
        note=note,
    )
    session.add(saved)
    session.flush()
    by_group = {a.group: a for a in plan.assignments}
    sorties = {s.id: s for s in problem.sorties}
    reasons = left_behind(problem, plan.assignments)
    rows = []
    for party in parties:
        a = by_group.get(party.reference)
        sortie = sorties[a.sortie] if a else None
        rows.append(
            {
                "plan_id": saved.id,
                "party_reference": party.reference,
                "size": party.size,
                "priority": party.priority,
                "category": party.category,
                "gate": a.gate if a else None,
                "window_start": a.window_start if a else None,
                "window_end": a.window_start + problem.slot if a else None,
                "sortie": a.sortie if a else None,
                "departs_at": sortie.departs if sortie else None,
                "hub": sortie.hub if sortie else None,
                "left_behind": None if a else reasons.get(party.reference),
                "called_at": _still_called(called.get(party.reference), a),
            }
        )
    if rows:
        session.execute(PlannedParty.__table__.insert(), rows)
    return saved


def called_at_by_reference(session: Session, *, operation: Operation) -> dict[str, tuple]:
    """(called_at, gate, window_start) of the current plan's parties called forward."""
    plan = current_plan(session, operation=operation)
    if plan is None:
        return {}
    rows = session.execute(
        select(
            PlannedParty.party_reference,
            PlannedParty.called_at,
            PlannedParty.gate,
            PlannedParty.window_start,
        ).where(PlannedParty.plan_id == plan.id, PlannedParty.called_at.is_not(None))
    )
    return {reference: (called_at, gate, start) for reference, called_at, gate, start in rows}


def _still_called(call: tuple | None, assignment) -> datetime | None:
    """A call-forward carries over to the new version only where the party keeps the window it
    was called to (a no-show planned again must be called again)."""
    if call is None or assignment is None:
        return None
    called_at, gate, window_start = call
    same = (assignment.gate, assignment.window_start) == (gate, window_start)
    return called_at if same else None


@dataclass(frozen=True)
class Summary:
    """What a plan achieves: people out by priority and by day, loads, hubs, who is left."""

    version: int | None
    people: int
    flown_by_priority: dict[int, int]
    wanted_by_priority: dict[int, int]
    flown_by_day: dict[str, int]
    left_behind: dict[str, int]  # reason -> people
    objective: float
    bound: float
    seconds: float
    method: str

    @property
    def flown(self) -> int:
        return sum(self.flown_by_priority.values())


def summarise(problem: Problem, plan: Plan, version: int | None = None) -> Summary:
    groups = {group.id: group for group in problem.groups}
    sorties = {s.id: s for s in problem.sorties}
    flown, wanted, by_day = Counter(), Counter(), Counter()
    for group in problem.groups:
        wanted[group.priority] += group.size
    for a in plan.assignments:
        group = groups[a.group]
        flown[group.priority] += group.size
        by_day[sorties[a.sortie].departs.date().isoformat()] += group.size
    left = Counter()
    for reference, reason in left_behind(problem, plan.assignments).items():
        left[reason] += groups[reference].size
    return Summary(
        version=version,
        people=sum(wanted.values()),
        flown_by_priority={p: flown[p] for p in sorted(wanted)},
        wanted_by_priority=dict(sorted(wanted.items())),
        flown_by_day=dict(sorted(by_day.items())),
        left_behind=dict(left),
        objective=plan.objective,
        bound=plan.bound,
        seconds=plan.seconds,
        method=plan.method,
    )


def hub_occupancy(problem: Problem, plan: Plan) -> dict[str, list[int]]:
    """Beds taken at each hub at the end of each day of the plan."""
    groups = {group.id: group for group in problem.groups}
    sorties = {s.id: s for s in problem.sorties}
    arrivals = {hub.id: [0] * problem.days for hub in problem.hubs}
    for a in plan.assignments:
        sortie = sorties[a.sortie]
        arrivals[sortie.hub][problem.day(sortie.departs)] += groups[a.group].size
    return {hub.id: occupancy(hub, arrivals[hub.id]) for hub in problem.hubs}


def saved_summary(session: Session, plan: SavedPlan) -> Summary:
    """The summary of a saved plan version, from its rows."""
    rows = session.execute(
        select(
            PlannedParty.size,
            PlannedParty.priority,
            PlannedParty.departs_at,
            PlannedParty.left_behind,
        ).where(PlannedParty.plan_id == plan.id)
    )
    flown, wanted, by_day, left = Counter(), Counter(), Counter(), Counter()
    for size, priority, departs_at, reason in rows:
        wanted[priority] += size
        if departs_at is not None:
            flown[priority] += size
            by_day[departs_at.date().isoformat()] += size
        elif reason:
            left[reason] += size
    return Summary(
        version=plan.version,
        people=sum(wanted.values()),
        flown_by_priority={p: flown[p] for p in sorted(wanted)},
        wanted_by_priority=dict(sorted(wanted.items())),
        flown_by_day=dict(sorted(by_day.items())),
        left_behind=dict(left),
        objective=plan.objective,
        bound=plan.bound,
        seconds=plan.seconds,
        method=plan.method,
    )
