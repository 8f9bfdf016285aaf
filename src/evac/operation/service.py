"""Create and find operations, their sites, aircraft types, sorties and hubs."""

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.operation.models import (
    AircraftType,
    AirliftWindow,
    GateClosure,
    Hub,
    Operation,
    Site,
    SiteKind,
    Sortie,
    SortieStatus,
)
from evac.vault.keys import KeyProvider
from evac.vault.service import create_operation_keys


class OperationNotFound(LookupError):
    pass


def create_operation(
    session: Session,
    *,
    provider: KeyProvider,
    name: str,
    country: str,
    airport: str,
    time_zone: str,
    deadline: datetime,
) -> Operation:
    """A new operation with its own encryption keys."""
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone {time_zone!r}; use an IANA name like Asia/Kabul"
        ) from error
    operation = Operation(
        name=name,
        country=country.upper(),
        airport=airport.upper(),
        time_zone=time_zone,
        deadline=deadline,
    )
    session.add(operation)
    session.flush()
    create_operation_keys(session, provider=provider, operation_id=operation.id)
    return operation


def get_operation(session: Session, *, name: str) -> Operation:
    operation = session.scalar(select(Operation).where(Operation.name == name))
    if operation is None:
        known = ", ".join(session.scalars(select(Operation.name))) or "none yet"
        raise OperationNotFound(f"no operation named {name!r} (known: {known})")
    return operation


def local_time(operation: Operation, moment: datetime) -> datetime:
    """A UTC moment shown in the operation's own zone."""
    return moment.astimezone(ZoneInfo(operation.time_zone))


def add_site(
    session: Session,
    *,
    operation: Operation,
    kind: SiteKind,
    name: str,
    code: str | None = None,
    runways: int | None = None,
    hourly_capacity: int | None = None,
    crowd_cap: int | None = None,
    opens_hour: int | None = None,
    closes_hour: int | None = None,
    departures_per_hour: int | None = None,
    note: str | None = None,
) -> Site:
    if kind == SiteKind.airport and not runways:
        raise ValueError(f"airport {name!r} needs its number of runways (at least 1)")
    if (opens_hour is None) != (closes_hour is None) or not all(
        0 <= hour <= 24 for hour in (opens_hour or 0, closes_hour or 0)
    ):
        raise ValueError(f"gate {name!r}: give both opening hours, each from 0 to 24")
    site = Site(
        operation_id=operation.id,
        kind=kind,
        name=name,
        code=code,
        runways=runways,
        hourly_capacity=hourly_capacity,
        crowd_cap=crowd_cap,
        opens_hour=opens_hour,
        closes_hour=closes_hour,
        departures_per_hour=departures_per_hour,
        note=note,
    )
    session.add(site)
    session.flush()
    return site


def add_aircraft_type(
    session: Session,
    *,
    operation: Operation,
    name: str,
    operator: str,
    rated_seats: int,
    typical_load: int,
    max_load: int,
    note: str | None = None,
) -> AircraftType:
    if not 0 < typical_load <= max_load:
        raise ValueError(
            f"aircraft type {name!r}: typical load {typical_load} must be above 0 and at most "
            f"the maximum load {max_load}"
        )
    aircraft = AircraftType(
        operation_id=operation.id,
        name=name,
        operator=operator,
        rated_seats=rated_seats,
        typical_load=typical_load,
        max_load=max_load,
        note=note,
    )
    session.add(aircraft)
    session.flush()
    return aircraft


def add_airlift_window(session: Session, *, operation: Operation, **figures) -> AirliftWindow:
    """The published figures of one reporting window (fields of `AirliftWindow`)."""
    window = AirliftWindow(operation_id=operation.id, **figures)
    session.add(window)
    session.flush()
    return window


def add_sorties(
    session: Session,
    *,
    operation: Operation,
    aircraft: AircraftType,
    departures: list[datetime],
    planned_load: int,
    prefix: str,
    window: AirliftWindow | None = None,
    hubs: list[Hub] | None = None,
) -> list[Sortie]:
    """Departure slots of one aircraft type, called PREFIX-1, PREFIX-2, ...; with `hubs`, the
    n-th flies to the n-th hub of that list."""
    if any(moment.tzinfo is None for moment in departures):
        raise ValueError("departure times must carry a time zone (UTC)")
    if hubs is not None and len(hubs) != len(departures):
        raise ValueError(f"{len(departures)} departures but {len(hubs)} hubs")
    sorties = [
        Sortie(
            operation_id=operation.id,
            window_id=window.id if window else None,
            aircraft_type_id=aircraft.id,
            callsign=f"{prefix}-{number}",
            departs_at=moment,
            planned_load=planned_load,
            hub_id=hubs[number - 1].id if hubs else None,
            status=SortieStatus.planned,
        )
        for number, moment in enumerate(departures, start=1)
    ]
    session.add_all(sorties)
    session.flush()
    return sorties


def add_gate_closure(
    session: Session, *, gate: Site, starts_at: datetime, ends_at: datetime, reason: str | None
) -> GateClosure:
    if gate.kind != SiteKind.gate:
        raise ValueError(f"{gate.name!r} is not a gate")
    if starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at <= starts_at:
        raise ValueError("a closure needs times with a zone (UTC), its end after its start")
    closure = GateClosure(site_id=gate.id, starts_at=starts_at, ends_at=ends_at, reason=reason)
    session.add(closure)
    session.flush()
    return closure


def set_sortie_status(
    session: Session, *, sortie: Sortie, status: SortieStatus, actual_load: int | None = None
) -> Sortie:
    """A sortie cancelled, or departed with the load it really carried."""
    if actual_load is not None and status != SortieStatus.departed:
        raise ValueError("only a departed sortie has an actual load")
    sortie.status = status
    sortie.actual_load = actual_load
    session.flush()
    return sortie


def add_hub(
    session: Session,
    *,
    operation: Operation,
    name: str,
    country: str,
    airport: str | None = None,
    capacity: int | None = None,
    onward_per_day: int | None = None,
    max_stay_days: int | None = None,
    note: str | None = None,
) -> Hub:
    hub = Hub(
        operation_id=operation.id,
        name=name,
        country=country.upper(),
        airport=airport,
        capacity=capacity,
        onward_per_day=onward_per_day,
        max_stay_days=max_stay_days,
        note=note,
    )
    session.add(hub)
    session.flush()
    return hub


def sorties_per_day(session: Session, *, operation: Operation) -> Counter[tuple[date, str]]:
    """How many sorties of each aircraft type leave on each day (in the operation's zone)."""
    rows = session.execute(
        select(Sortie.departs_at, AircraftType.name)
        .join(AircraftType, Sortie.aircraft_type_id == AircraftType.id)
        .where(Sortie.operation_id == operation.id)
    )
    return Counter((local_time(operation, moment).date(), name) for moment, name in rows)


def list_sites(session: Session, *, operation: Operation) -> list[Site]:
    return list(session.scalars(select(Site).where(Site.operation_id == operation.id)))


def list_aircraft_types(session: Session, *, operation: Operation) -> list[AircraftType]:
    query = select(AircraftType).where(AircraftType.operation_id == operation.id)
    return list(session.scalars(query))


def list_hubs(session: Session, *, operation: Operation) -> list[Hub]:
    return list(session.scalars(select(Hub).where(Hub.operation_id == operation.id)))


def list_gates(session: Session, *, operation: Operation) -> list[Site]:
    query = select(Site).where(Site.operation_id == operation.id, Site.kind == SiteKind.gate)
    return list(session.scalars(query.order_by(Site.name)))


def list_gate_closures(session: Session, *, operation: Operation) -> list[GateClosure]:
    query = (
        select(GateClosure)
        .join(Site, GateClosure.site_id == Site.id)
        .where(Site.operation_id == operation.id)
        .order_by(GateClosure.starts_at)
    )
    return list(session.scalars(query))


def list_sorties(session: Session, *, operation: Operation) -> list[Sortie]:
    query = select(Sortie).where(Sortie.operation_id == operation.id)
    return list(session.scalars(query.order_by(Sortie.departs_at, Sortie.callsign)))
