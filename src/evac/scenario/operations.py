"""Operations to run scenarios in: Kabul, August 2021 (from the public figures), and a small
generic one for tests.

The Kabul figures come from `kabul-2021-airlift.csv` and `kabul-2021-facts.md`, which ship in
this package (`evac/scenario/data/`, each figure with its public source); every number stored
below is either read from that file or says in its note how it was derived from the facts there.
"""

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from evac.operation.models import AircraftType, AirliftWindow, Hub, Operation, SiteKind
from evac.operation.service import (
    OperationNotFound,
    add_aircraft_type,
    add_airlift_window,
    add_gate_closure,
    add_hub,
    add_site,
    add_sorties,
    create_operation,
    get_operation,
)
from evac.vault.keys import KeyProvider

AIRLIFT_FILE = "kabul-2021-airlift.csv"
KABUL_DEADLINE = datetime(2021, 8, 31, 19, 29, tzinfo=UTC)  # 31 August 23:59 in Kabul


class MissingData(FileNotFoundError):
    """The figures are not in the folder given."""


def default_data_folder() -> Path:
    """The Kabul 2021 figures that ship inside the package."""
    return Path(__file__).with_name("data")


@dataclass(frozen=True)
class AircraftFacts:
    code: str  # used in call signs
    name: str
    operator: str
    rated_seats: int
    typical_load: int
    max_load: int
    note: str


C17 = AircraftFacts(
    "C17",
    "C-17A Globemaster III",
    "US military",
    134,
    204,
    823,
    "rated 134 passengers; about 204 a flight over all US military flights (CENTCOM, Aug 30); "
    "best average about 444 (15 flights, Aug 23); 823 on Reach 871, Aug 15 (Air Mobility "
    "Command)",
)
C130 = AircraftFacts(
    "C130",
    "C-130 Hercules",
    "US military",
    92,
    92,
    128,
    "no evacuee loads published: planned at its 92 rated troop seats (C-130H), at most the 128 "
    "of a C-130J-30",
)
COALITION = AircraftFacts(
    "COA",
    "Coalition or charter aircraft",
    "coalition and charter",
    180,
    128,
    180,
    "about 75 to 180 people a flight (White House figures); typical load is the middle",
)

# Gates: the record gives no processing rates or crowd figures. Assumed: each gate screens 300
# people an hour (the peak of 21,600 flown in 24 hours needed about 900 an hour through the
# three gates then open) and is called at most 1,000 people a slot. Closures are the record's.
GATE_RATE, GATE_CROWD_CAP = 300, 1_000
ALL_GATES_CLOSED = (
    datetime(2021, 8, 20, 19, 30, tzinfo=UTC),  # Aug 21 00:00 in Kabul
    datetime(2021, 8, 21, 19, 30, tzinfo=UTC),
    "all gates closed Aug 21 (US Embassy alert)",
)
ABBEY_BOMBING = (
    datetime(2021, 8, 26, 13, 18, tzinfo=UTC),  # 17:48 in Kabul
    KABUL_DEADLINE,
    "Abbey Gate bombing, Aug 26 17:48 Kabul time; the gate did not reopen",
)
SOUTH_GATE_LATE = (
    datetime(2021, 8, 14, 19, 30, tzinfo=UTC),
    datetime(2021, 8, 21, 19, 30, tzinfo=UTC),
    "opened later in the operation; assumed from Aug 22 (the record gives no date)",
)
GATES = (
    ("Abbey Gate", (ALL_GATES_CLOSED, ABBEY_BOMBING)),
    ("East Gate", (ALL_GATES_CLOSED,)),
    ("North Gate", (ALL_GATES_CLOSED,)),
    ("South Gate (Airport Circle)", (SOUTH_GATE_LATE,)),
)
AL_UDEID, RAMSTEIN, COALITION_HOMES = (
    "Al Udeid Air Base",
    "Ramstein Air Base",
    "Coalition countries",
)
HUBS = (
    dict(
        name=AL_UDEID,
        airport="OTBH",
        country="QA",
        capacity=20_000,
        onward_per_day=2_200,
        note="full on Aug 20 (departures from Kabul halted 6-8 h); about 55,000 landed by "
        "Aug 31 with about 20,000 still there: capacity taken as those 20,000, onward "
        "rate (55,000 - 20,000) / 16 days; evacuees waited 3+ days",
    ),
    dict(
        name=RAMSTEIN,
        airport="ETAR",
        country="DE",
        capacity=17_000,
        onward_per_day=1_500,
        note="12,000 places plus 5,000 nearby; peak about 21,500; 34,900 passed through "
        "Germany: onward rate assumed (34,900 - 17,000) / 12 days from Aug 20",
    ),
    dict(
        name="Bahrain",
        country="BH",
        capacity=1_000,
        onward_per_day=70,
        max_stay_days=14,
        note="up to 1,000 people for up to 14 days: onward rate assumed 1,000 / 14 days",
    ),
    dict(name="Kuwait", country="KW", note="no capacity published in the facts"),
    dict(
        name=COALITION_HOMES,
        country="XX",
        note="coalition and charter flights went to their own countries and partners; no "
        "bed limit is published (assumed none)",
    ),
)
# Which hub a sortie flies to: the record gives totals, not flights. Assumed: coalition and
# charter aircraft fly home; US military flights go 3 to Al Udeid for 2 to Ramstein (55,000
# landed in Qatar, 34,900 passed through Germany), all to Al Udeid before Ramstein took
# evacuees on Aug 20.
RAMSTEIN_FROM = datetime(2021, 8, 20, 12, 0, tzinfo=UTC)
MILITARY_HUB_CYCLE = (AL_UDEID, RAMSTEIN, AL_UDEID, RAMSTEIN, AL_UDEID)


def kabul_like_operation(session: Session, *, provider: KeyProvider, name: str) -> Operation:
    """A bare operation out of Kabul with the 2021 deadline: no sites, sorties or hubs yet."""
    return create_operation(
        session,
        provider=provider,
        name=name,
        country="AF",
        airport="OAKB",
        time_zone="Asia/Kabul",
        deadline=KABUL_DEADLINE,
    )


def kabul_2021_operation(
    session: Session, *, provider: KeyProvider, data: Path | None = None, name: str = "kabul-2021"
) -> tuple[Operation, bool]:
    """The August 2021 operation at Hamid Karzai International; (operation, created).

    An operation of that name already present is returned as it is (nothing added twice).
    """
    rows = read_airlift(data or default_data_folder())
    try:
        return get_operation(session, name=name), False
    except OperationNotFound:
        pass
    operation = kabul_like_operation(session, provider=provider, name=name)
    add_site(
        session,
        operation=operation,
        kind=SiteKind.airport,
        code="OAKB",
        runways=1,
        name="Hamid Karzai International Airport",
        departures_per_hour=4,
        note="one runway; charters could not get slots around Aug 19-20; peak 90 to 94 "
        "departures in 24 hours, a C-17 every 39 minutes: 4 departure slots an hour",
    )
    for name, closures in GATES:
        gate = add_site(
            session,
            operation=operation,
            kind=SiteKind.gate,
            name=name,
            hourly_capacity=GATE_RATE,
            crowd_cap=GATE_CROWD_CAP,
            note="; ".join(reason for _, _, reason in closures),
        )
        for starts_at, ends_at, reason in closures:
            add_gate_closure(
                session, gate=gate, starts_at=starts_at, ends_at=ends_at, reason=reason
            )
    types = {
        facts.code: add_aircraft_type(
            session,
            operation=operation,
            name=facts.name,
            operator=facts.operator,
            rated_seats=facts.rated_seats,
            typical_load=facts.typical_load,
            max_load=facts.max_load,
            note=facts.note,
        )
        for facts in (C17, C130, COALITION)
    }
    hubs = {hub["name"]: add_hub(session, operation=operation, **hub) for hub in HUBS}
    for row in rows:
        _window_with_sorties(session, operation, types, hubs, row)
    return operation, True


def read_airlift(folder: Path) -> list[dict[str, str]]:
    path = folder / AIRLIFT_FILE
    if not path.is_file():
        raise MissingData(
            f"{path} not found: point --data at the folder that holds {AIRLIFT_FILE} "
            "(or leave it out for the figures that ship with evac)"
        )
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> int | None:
    return int(text) if text.strip() else None


def _window_with_sorties(
    session: Session,
    operation: Operation,
    types: dict[str, AircraftType],
    hubs: dict[str, Hub],
    row: dict[str, str],
) -> None:
    ends_at = datetime.strptime(row["window_end_utc"], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    window = add_airlift_window(
        session,
        operation=operation,
        ends_at=ends_at,
        hours=int(row["hours"]),
        evacuated=_number(row["total_evacuated"]),
        military_flights=_number(row["us_mil_flights"]),
        military_passengers=_number(row["us_mil_pax"]),
        coalition_flights=_number(row["coalition_flights"]),
        coalition_passengers=_number(row["coalition_pax"]),
        confidence=row["confidence"],
        note=row["note"] or None,
        source=row["source"] or None,
    )
    for code, count, load in _flights(row):
        aircraft = types[code]
        departures = _spread(window, count)
        add_sorties(
            session,
            operation=operation,
            aircraft=aircraft,
            departures=departures,
            planned_load=load or aircraft.typical_load,
            prefix=f"{code}-{ends_at:%m%d}",
            window=window,
            hubs=[hubs[_hub_of(code, moment, n)] for n, moment in enumerate(departures)],
        )


def _hub_of(code: str, departs: datetime, number: int) -> str:
    """The hub of the n-th flight of a kind in a window (MILITARY_HUB_CYCLE says why)."""
    if code == COALITION.code:
        return COALITION_HOMES
    if departs < RAMSTEIN_FROM:
        return AL_UDEID
    return MILITARY_HUB_CYCLE[number % len(MILITARY_HUB_CYCLE)]


def _flights(row: dict[str, str]) -> list[tuple[str, int, int | None]]:
    """(aircraft code, flights, planned load or None) of one window of the CSV.

    When a window gives US military flights without the C-17/C-130 split, they are counted as
    C-17s (most were). When it gives US military passengers but no flight count (Aug 19 and
    Aug 22), the flights are those passengers at the C-17's typical load: leaving them out
    left 29 flights' worth of evacuees without a seat. Planned loads are the window's own
    passengers per flight when both are published.
    """
    c17, c130 = _number(row["us_c17"]), _number(row["us_c130"])
    military, military_pax = _number(row["us_mil_flights"]), _number(row["us_mil_pax"])
    if military is None and military_pax:
        military = max(1, round(military_pax / C17.typical_load))
    if c17 is None and c130 is None and military:
        c17, c130 = military, 0
    flights = []
    if c17:
        load = None
        if military_pax:  # the C-130s keep their typical load, the C-17s carry the rest
            load = max(1, round((military_pax - (c130 or 0) * C130.typical_load) / c17))
        flights.append((C17.code, c17, min(load, C17.max_load) if load else None))
    if c130:
        flights.append((C130.code, c130, None))
    coalition, coalition_pax = _number(row["coalition_flights"]), _number(row["coalition_pax"])
    if coalition:
        load = round(coalition_pax / coalition) if coalition_pax else None
        flights.append((COALITION.code, coalition, load))
    return flights


def _spread(window: AirliftWindow, count: int) -> list[datetime]:
    """Departures evenly over the window (the figures give no times)."""
    step = timedelta(hours=window.hours) / count
    start = window.ends_at - timedelta(hours=window.hours)
    return [start + step * (number + 0.5) for number in range(count)]


def generic_operation(
    session: Session, *, provider: KeyProvider, name: str = "generic", days: int = 3
) -> Operation:
    """A small invented operation for tests: two gates, two aircraft types, two hubs."""
    start = datetime(2030, 1, 1, 4, 0, tzinfo=UTC)
    operation = create_operation(
        session,
        provider=provider,
        name=name,
        country="XX",
        airport="XTST",
        time_zone="UTC",
        deadline=start + timedelta(days=days),
    )
    add_site(
        session,
        operation=operation,
        kind=SiteKind.airport,
        name="Test Field",
        code="XTST",
        runways=1,
    )
    for gate, rate in (("North Gate", 400), ("South Gate", 300)):
        add_site(
            session,
            operation=operation,
            kind=SiteKind.gate,
            name=gate,
            hourly_capacity=rate,
            crowd_cap=rate * 2,
        )
    large = add_aircraft_type(
        session,
        operation=operation,
        name="Large transport",
        operator="military",
        rated_seats=134,
        typical_load=300,
        max_load=450,
    )
    small = add_aircraft_type(
        session,
        operation=operation,
        name="Small transport",
        operator="charter",
        rated_seats=90,
        typical_load=90,
        max_load=120,
    )
    hub_a = add_hub(
        session,
        operation=operation,
        name="Hub A",
        country="XX",
        capacity=5_000,
        onward_per_day=1_500,
    )
    hub_b = add_hub(
        session,
        operation=operation,
        name="Hub B",
        country="XX",
        capacity=2_000,
        onward_per_day=800,
        max_stay_days=14,
    )
    for day in range(days):
        morning = start + timedelta(days=day)
        for aircraft, count, gap, hub in ((large, 4, 3, hub_a), (small, 2, 5, hub_b)):
            add_sorties(
                session,
                operation=operation,
                aircraft=aircraft,
                departures=[morning + timedelta(hours=gap * n) for n in range(count)],
                planned_load=aircraft.typical_load,
                prefix=f"{aircraft.name.split()[0].upper()}-D{day + 1}",
                hubs=[hub] * count,
            )
    return operation
