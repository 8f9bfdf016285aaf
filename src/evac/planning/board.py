"""What the plan page shows: people called by hour and gate, each sortie's load, each hub's
beds by day, and who is left behind and why. Counts only: no names."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evac.operation.models import Operation
from evac.operation.service import list_hubs, list_sorties
from evac.planning.assign import occupancy
from evac.planning.inputs import NO_LIMIT, hub_id
from evac.planning.models import PlannedParty, SavedPlan
from evac.planning.problem import Hub
from evac.planning.service import current_plan

CHART_WIDTH, CHART_HEIGHT = 960, 180  # the chart's drawing area in SVG units


@dataclass(frozen=True)
class Bar:
    """One gate's share of one hour in the chart, in SVG units."""

    gate: int
    x: float
    y: float
    width: float
    height: float
    people: int
    hour: datetime


@dataclass(frozen=True)
class SortieLoad:
    callsign: str
    departs_at: datetime
    hub: str
    seats: int
    load: int
    status: str


@dataclass(frozen=True)
class HubDays:
    name: str
    beds: int | None
    days: list[tuple[date, int, int]]  # (day, arrivals, beds taken at the end of it)


@dataclass(frozen=True)
class PlanBoard:
    plan: SavedPlan
    gates: list[str]
    bars: list[Bar]
    busiest_hour: int
    first_hour: datetime | None
    last_hour: datetime | None
    sorties: list[SortieLoad]
    hubs: list[HubDays]
    left_behind: dict[tuple[str, int], int]  # (reason, priority) -> people
    flown: int
    people: int


def plan_board(session: Session, *, operation: Operation) -> PlanBoard | None:
    """The current plan as the page draws it; None before the first plan."""
    plan = current_plan(session, operation=operation)
    if plan is None:
        return None
    rows = session.execute(
        select(
            PlannedParty.gate,
            PlannedParty.window_start,
            PlannedParty.sortie,
            PlannedParty.departs_at,
            PlannedParty.hub,
            PlannedParty.left_behind,
            PlannedParty.priority,
            func.sum(PlannedParty.size),
        )
        .where(PlannedParty.plan_id == plan.id)
        .group_by(
            PlannedParty.gate,
            PlannedParty.window_start,
            PlannedParty.sortie,
            PlannedParty.departs_at,
            PlannedParty.hub,
            PlannedParty.left_behind,
            PlannedParty.priority,
        )
    ).all()
    called, loads, arrivals, left = Counter(), Counter(), defaultdict(Counter), Counter()
    for gate, window_start, sortie, departs_at, hub, reason, priority, people in rows:
        if gate is None:
            left[(reason or "no seats", priority)] += people
            continue
        called[(gate, window_start)] += people
        loads[sortie] += people
        arrivals[hub][departs_at.date()] += people
    gates = sorted({gate for gate, _ in called})
    bars, busiest, first, last = _bars(called, gates)
    return PlanBoard(
        plan=plan,
        gates=gates,
        bars=bars,
        busiest_hour=busiest,
        first_hour=first,
        last_hour=last,
        sorties=_sortie_loads(session, operation, loads),
        hubs=_hub_days(session, operation, arrivals),
        left_behind=dict(sorted(left.items())),
        flown=sum(loads.values()),
        people=sum(loads.values()) + sum(left.values()),
    )


def _bars(
    called: Counter, gates: list[str]
) -> tuple[list[Bar], int, datetime | None, datetime | None]:
    """Stacked bars, one an hour, one colour a gate."""
    if not called:
        return [], 0, None, None
    hours = sorted({start for _, start in called})
    first, last = hours[0], hours[-1]
    span = int((last - first) / timedelta(hours=1)) + 1
    per_hour = Counter()
    for (_, start), people in called.items():
        per_hour[start] += people
    busiest = max(per_hour.values())
    width = CHART_WIDTH / span
    bars, stacked = [], Counter()
    for (gate, start), people in sorted(called.items(), key=lambda item: (item[0][1], item[0][0])):
        height = CHART_HEIGHT * people / busiest
        stacked[start] += height
        x = width * int((start - first) / timedelta(hours=1))
        bars.append(
            Bar(gates.index(gate), x, CHART_HEIGHT - stacked[start], width, height, people, start)
        )
    return bars, busiest, first, last


def _sortie_loads(session: Session, operation: Operation, loads: Counter) -> list[SortieLoad]:
    hubs = {hub.id: hub_id(hub) for hub in list_hubs(session, operation=operation)}
    return [
        SortieLoad(
            s.callsign,
            s.departs_at,
            hubs.get(s.hub_id, ""),
            s.planned_load,
            loads.get(s.callsign, 0),
            s.status.value,
        )
        for s in list_sorties(session, operation=operation)
    ]


def _hub_days(session: Session, operation: Operation, arrivals: dict) -> list[HubDays]:
    days = sorted({day for per_day in arrivals.values() for day in per_day})
    if not days:
        return []
    span = [days[0] + timedelta(days=n) for n in range((days[-1] - days[0]).days + 1)]
    result = []
    for hub in list_hubs(session, operation=operation):
        name = hub_id(hub)
        arrived = [arrivals.get(name, Counter())[day] for day in span]
        rule = Hub(name, hub.capacity or NO_LIMIT, hub.onward_per_day or 0)
        taken = occupancy(rule, arrived)
        result.append(HubDays(name, hub.capacity, list(zip(span, arrived, taken, strict=True))))
    return result
