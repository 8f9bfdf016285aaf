"""The planning problem of an operation: its open gates, its planned sorties, its hubs, and the
parties to plan, as the same Problem that PROBLEM.json describes."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from evac.db import utcnow
from evac.operation.models import Operation, Site, SortieStatus
from evac.operation.service import list_gate_closures, list_gates, list_hubs, list_sorties
from evac.planning.assign import occupancy
from evac.planning.problem import (
    Fixed,
    Gate,
    Group,
    Hub,
    Problem,
    Sortie,
    default_weights,
    validate,
)

SLOT_MINUTES = 60
AIRSIDE_MINUTES = 120  # ECC processing between the gate and the aircraft door
NO_LIMIT = 10**9  # a gate or hub without a published figure limits nobody


def default_start(operation: Operation, sorties: list) -> datetime:
    """A day before the first planned sortie, but never in the past while the operation runs
    (a call-forward for an hour gone by helps nobody); an operation whose deadline has passed
    (Kabul 2021, a rehearsal) is planned from its beginning."""
    first = min((s.departs_at for s in sorties), default=operation.deadline)
    beginning = first - timedelta(days=1)
    now = utcnow()
    return max(beginning, now) if now < operation.deadline else beginning


def next_hour(moment: datetime) -> datetime:
    """The moment itself on a whole hour, else the next whole hour: windows start on the hour,
    so that a re-plan's windows line up with those already called forward."""
    whole = moment.replace(minute=0, second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(hours=1)


def beds_taken(hub, departed: list, start: datetime) -> int:
    """The hub's beds taken when the plan starts: the sorties that departed to it, each with
    the load it really carried, replayed day by day with the hub's onward rate."""
    loads = [(s.departs_at, s.actual_load or 0) for s in departed if s.hub_id == hub.id]
    before = [(moment, load) for moment, load in loads if moment < start]
    if not before:
        return 0
    first_day = min(moment.date() for moment, _ in before)
    days = (start.date() - first_day).days
    arrivals = [0] * (days + 1)
    for moment, load in before:
        arrivals[(moment.date() - first_day).days] += load
    rule = Hub(hub_id(hub), hub.capacity or NO_LIMIT, hub.onward_per_day or 0)
    # the start's own day is the plan's day 0, where onward is counted again: add its
    # arrivals so far without it
    return occupancy(rule, arrivals[:-1])[-1] + arrivals[-1] if days else arrivals[0]


def hub_id(hub) -> str:
    """A hub as plans name it: its airport code when it has one (OTBH), else its name."""
    return hub.airport or hub.name


def gate_closures(gate: Site, closures: list, start: datetime, end: datetime, zone: str):
    """The gate's closures and the hours outside its daily opening hours, in UTC."""
    spans = [(c.starts_at, c.ends_at) for c in closures if c.site_id == gate.id]
    if gate.opens_hour is None or gate.closes_hour is None:
        return tuple(spans)
    local = ZoneInfo(zone)
    day = start.astimezone(local).date() - timedelta(days=1)
    while datetime.combine(day, time(), local) < end:
        opens = datetime.combine(day, time(), local) + timedelta(hours=gate.opens_hour)
        closes = datetime.combine(day, time(), local) + timedelta(hours=gate.closes_hour)
        next_opens = opens + timedelta(days=1)
        spans.append((closes.astimezone(UTC), next_opens.astimezone(UTC)))
        day += timedelta(days=1)
    return tuple(spans)


def operation_problem(
    session: Session,
    *,
    operation: Operation,
    parties: list,
    fixed: dict[str, Fixed] | None = None,
    start: datetime | None = None,
    priority_weights: dict[int, float] | None = None,
) -> Problem:
    """The problem of planning `parties` (PlannableParty-shaped) in the operation from `start`
    (default: a day before its first planned sortie) to its deadline; `fixed` holds the
    windows of parties already called forward, by reference."""
    fixed = fixed or {}
    hubs = {hub.id: hub for hub in list_hubs(session, operation=operation)}
    every_sortie = list_sorties(session, operation=operation)
    sorties = [s for s in every_sortie if s.status == SortieStatus.planned and s.hub_id in hubs]
    start = next_hour(start or default_start(operation, sorties))
    departed = [s for s in every_sortie if s.status == SortieStatus.departed]
    closures = list_gate_closures(session, operation=operation)
    problem = Problem(
        start=start,
        deadline=operation.deadline,
        slot_minutes=SLOT_MINUTES,
        airside_minutes=AIRSIDE_MINUTES,
        gates=tuple(
            Gate(
                id=gate.name,
                rate_per_hour=gate.hourly_capacity or NO_LIMIT,
                crowd_cap=gate.crowd_cap or NO_LIMIT,
                closed=gate_closures(
                    gate, closures, start, operation.deadline, operation.time_zone
                ),
            )
            for gate in list_gates(session, operation=operation)
        ),
        sorties=tuple(
            Sortie(s.callsign, s.departs_at, s.planned_load, hub_id(hubs[s.hub_id]))
            for s in sorties
            if s.departs_at > start
        ),
        hubs=tuple(
            Hub(
                hub_id(hub),
                hub.capacity or NO_LIMIT,
                hub.onward_per_day or 0,
                beds_taken(hub, departed, start),
            )
            for hub in hubs.values()
        ),
        groups=tuple(
            Group(p.reference, p.size, p.priority, fixed.get(p.reference)) for p in parties
        ),
        priority_weights=priority_weights or default_weights({p.priority for p in parties}),
    )
    validate(problem)
    return problem
