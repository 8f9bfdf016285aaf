"""A live operation's scenario, read from the database: its gates and closures, planned
sorties and hubs, and the current plan's call-forwards with the parties' sizes.

Only reads: the caller rolls the session back (`evac simulate` never writes operational data).
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from evac.eligibility.service import plannable_parties
from evac.operation.models import Operation, Site, SiteKind, SortieStatus
from evac.operation.service import (
    list_aircraft_types,
    list_gate_closures,
    list_gates,
    list_hubs,
    list_sites,
    list_sorties,
)
from evac.planning.service import current_calls
from evac.simulation.model import (
    Call,
    Crowd,
    Gate,
    Hub,
    Interval,
    Processing,
    Scenario,
    Sortie,
    Window,
)
from evac.simulation.replay import AIRSIDE_CAPACITY

DEFAULT_GATE_RATE = 300  # people a gate admits an hour when the operation gives no rate
UNASSIGNED_HUB = "no hub given"
NO_CROWD = Crowd(
    per_hour=0.0, news=(), patience_hours=12.0, party_size=4.0, categories=(("walk-up", 1.0),)
)


def operation_scenario(session: Session, *, operation: Operation) -> Scenario:
    """The operation as the model sees it, from its first planned event to its deadline."""
    calls = current_calls(session, operation=operation)
    sorties = [s for s in list_sorties(session, operation=operation) if _flies(s.status)]
    moments = [c.window_start for c in calls] + [s.departs_at for s in sorties]
    if not moments:
        raise ValueError(f"operation {operation.name!r} has no planned sortie or call-forward")
    start = min(moments).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = (operation.deadline - start).total_seconds() / 3600

    def at(moment: datetime) -> float:
        return (moment - start).total_seconds() / 3600

    gates = _gates(session, operation, at, hours)
    hubs = {hub.id: hub for hub in list_hubs(session, operation=operation)}
    aircraft = {a.id: a for a in list_aircraft_types(session, operation=operation)}
    parties = {p.reference: p for p in plannable_parties(session, operation=operation)}
    return Scenario(
        name=operation.name,
        start=start,
        hours=hours,
        gates=gates,
        sorties=tuple(
            Sortie(
                callsign=s.callsign,
                aircraft=aircraft[s.aircraft_type_id].name,
                departs=at(s.departs_at),
                max_load=s.planned_load,
                min_load=s.planned_load,
                hub=hubs[s.hub_id].name if s.hub_id in hubs else UNASSIGNED_HUB,
            )
            for s in sorties
        ),
        hubs=(
            *(Hub(h.name, h.capacity, h.onward_per_day or 0) for h in hubs.values()),
            Hub(UNASSIGNED_HUB, None, 0),
        ),
        crowd=NO_CROWD,
        processing=Processing(
            ecc_per_hour=sum(g.rate_per_hour for g in gates),  # the ECC keeps pace with gates
            doubling_hours=0,
            strength=(),
            airside_capacity=AIRSIDE_CAPACITY,
        ),
        calls=tuple(
            Call(
                party=c.party_reference,
                size=parties[c.party_reference].size,
                category=parties[c.party_reference].category,
                priority=parties[c.party_reference].priority,
                gate=c.gate,
                window=(at(c.window_start), at(c.window_end)),
            )
            for c in calls
            if c.party_reference in parties
        ),
        runway_gap_hours=_runway_gap(list_sites(session, operation=operation)),
        windows=tuple(
            Window(
                end=float(end), hours=24.0, label=f"{start + timedelta(hours=end):%Y-%m-%dT%H:%MZ}"
            )
            for end in range(24, int(hours) + 1, 24)
        ),
    )


def _flies(status: SortieStatus) -> bool:
    return status != SortieStatus.cancelled


def _gates(session: Session, operation: Operation, at, hours: float) -> tuple[Gate, ...]:
    closures: dict[int, list[Interval]] = {}
    for closure in list_gate_closures(session, operation=operation):
        closures.setdefault(closure.site_id, []).append(
            (at(closure.starts_at), at(closure.ends_at))
        )
    return tuple(
        Gate(
            name=gate.name,
            rate_per_hour=gate.hourly_capacity or DEFAULT_GATE_RATE,
            closed=tuple(
                sorted(closures.get(gate.id, []) + _night_closures(gate, operation, at, hours))
            ),
        )
        for gate in list_gates(session, operation=operation)
    )


def _night_closures(gate: Site, operation: Operation, at, hours: float) -> list[Interval]:
    """The hours a gate is shut each day outside its opening hours (on the local clock)."""
    if gate.opens_hour is None or gate.closes_hour is None:
        return []
    zone = ZoneInfo(operation.time_zone)
    first = (operation.deadline - timedelta(hours=hours)).astimezone(zone).date()
    closed = []
    for day in range(int(hours / 24) + 2):
        date = first + timedelta(days=day)
        closes = datetime(date.year, date.month, date.day, gate.closes_hour, tzinfo=zone)
        opens = datetime(date.year, date.month, date.day, gate.opens_hour, tzinfo=zone)
        if opens <= closes:
            opens += timedelta(days=1)
        closed.append((at(closes), at(opens)))
    return closed


def _runway_gap(sites: list[Site]) -> float:
    airports = [s for s in sites if s.kind == SiteKind.airport and s.departures_per_hour]
    return 1 / airports[0].departures_per_hour if airports else 0.25
