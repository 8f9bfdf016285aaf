"""The Kabul 2021 replay: the airlift's capacities and events, never its evacuee figures.

Inputs: the flights of each window and aircraft type (`evac/scenario/data/kabul-2021-airlift.csv`),
the aircraft types' published loads, the gates, hubs and the timeline of warnings, rumours,
closures, halts and the attack (`data/kabul-2021-timeline.csv`, each row with its source). The
windows' evacuee figures are read only to compare with, after the run.
"""

import csv
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from evac.scenario.operations import AIRLIFT_FILE, C17, C130, COALITION, default_data_folder
from evac.simulation.model import (
    Call,
    Crowd,
    Gate,
    Hub,
    Interval,
    Processing,
    Scenario,
    Sortie,
    Step,
    Window,
)

TIMELINE_FILE = Path(__file__).with_name("data") / "kabul-2021-timeline.csv"
START = datetime(2021, 8, 14, 7, 0, tzinfo=UTC)
LAST_FLIGHT = datetime(2021, 8, 30, 19, 29, tzinfo=UTC)  # 23:59 in Kabul (Pentagon)
US_MILITARY_FLIGHTS = 387  # of the 778 (Secretary of Defense, Sept 1 2021)
RECORDED_TOTAL = 124_334
GATES = ("Abbey Gate", "East Gate", "North Gate")
AL_UDEID, RAMSTEIN, COALITION_HUBS = "Al Udeid Air Base", "Ramstein Air Base", "coalition hubs"
SECOND_HUB_FROM = datetime(2021, 8, 21, tzinfo=UTC)  # Ramstein takes evacuees from Aug 20-21
FIT_WINDOWS = ("2021-08-17", "2021-08-23")  # windows ending on these days, inclusive
US_CITIZENS = 6_000  # evacuated, about (State Department): the replay's called-forward people


@dataclass(frozen=True)
class Parameters:
    """The free parameters, fitted on the windows ending 17-23 Aug by `evac simulate
    calibrate` (seed 1, 4 replications a candidate); docs/simulation.md tells the fit."""

    ecc_per_hour: float = 1600.0  # people the ECC processes an hour at full strength
    doubling_hours: float = 28.0  # the build-up: processing strength doubles this often
    c17_load: int = 340  # evacuees on a C-17 when enough wait airside


# Fixed assumptions (docs/simulation.md gives each its source or reason).
GATE_PER_HOUR = 400.0
AIRSIDE_CAPACITY = 10_000  # "more than 10,000 people waiting inside the airport" (Aug 25)
CROWD = dict(
    per_hour=1_200.0,
    patience_hours=12.0,
    party_size=4.0,
    categories=(("lpr", 0.09), ("siv_or_at_risk", 0.91)),  # DHS mix, US citizens called apart
)


def hours_since_start(moment: datetime) -> float:
    return (moment - START).total_seconds() / 3600


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)


def read_windows(folder: Path | None = None) -> list[dict[str, str]]:
    path = (folder or default_data_folder()) / AIRLIFT_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_timeline(path: Path = TIMELINE_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def kabul_2021(parameters: Parameters | None = None) -> Scenario:
    """The replay's scenario with the given (else the fitted) parameters."""
    parameters = parameters or Parameters()
    rows = read_windows()
    events = read_timeline()
    return Scenario(
        name="kabul-2021",
        start=START,
        hours=hours_since_start(LAST_FLIGHT) + 1,
        gates=tuple(
            Gate(name, GATE_PER_HOUR, closed=_intervals(events, "gate_closed", name))
            for name in GATES
        ),
        sorties=tuple(_sorties(rows, parameters)),
        hubs=(
            Hub(AL_UDEID, 20_000, 2_200, halts=_intervals(events, "hub_halt", AL_UDEID)),
            Hub(RAMSTEIN, 17_000, 1_250),
            Hub(COALITION_HUBS, None, 0),
        ),
        crowd=Crowd(news=_steps(events, "news"), **CROWD),
        processing=Processing(
            ecc_per_hour=parameters.ecc_per_hour,
            doubling_hours=parameters.doubling_hours,
            ramp_start=_first(events, "ramp_start"),
            strength=_steps(events, "strength"),
            airside_capacity=AIRSIDE_CAPACITY,
            restricted=_intervals(events, "restricted"),
        ),
        calls=_us_citizen_calls(),
        runway_closed=_intervals(events, "runway_closed"),
        windows=tuple(_window(row) for row in rows),
    )


def _window(row: dict[str, str]) -> Window:
    end = parse_utc(row["window_end_utc"])
    return Window(
        end=hours_since_start(end),
        hours=float(row["hours"]),
        label=row["window_end_utc"],
        recorded=int(row["total_evacuated"]),
        confidence=row["confidence"],
    )


def fit_windows(windows: tuple[Window, ...]) -> list[bool]:
    """Which windows the calibration may see: those ending 17-23 Aug."""
    first, last = FIT_WINDOWS
    return [first <= w.label[:10] <= last for w in windows]


def _intervals(events: list[dict[str, str]], kind: str, target: str = "") -> tuple[Interval, ...]:
    return tuple(
        (hours_since_start(parse_utc(e["at_utc"])), hours_since_start(parse_utc(e["until_utc"])))
        for e in events
        if e["kind"] == kind and e["target"] in ("", "*", target)
    )


def _steps(events: list[dict[str, str]], kind: str) -> tuple[Step, ...]:
    return tuple(
        (hours_since_start(parse_utc(e["at_utc"])), float(e["value"]))
        for e in events
        if e["kind"] == kind
    )


def _first(events: list[dict[str, str]], kind: str) -> float:
    return min(hours_since_start(parse_utc(e["at_utc"])) for e in events if e["kind"] == kind)


def _number(text: str) -> int | None:
    return int(text) if text.strip() else None


def flight_counts(rows: list[dict[str, str]]) -> list[dict[str, int]]:
    """Flights of each window by aircraft code, from the published counts only.

    US military flights without the C-17/C-130 split are C-17s (most were). A window without
    a US military count (ending 19 and 22 Aug) takes the mean of its neighbours' counts; a
    window without a coalition count flies none (the windows ending 17-19 Aug give the US
    military's figures only). Never a count derived from passengers.
    """
    military = [_number(row["us_mil_flights"]) for row in rows]
    counts = []
    for index, row in enumerate(rows):
        total = military[index]
        if total is None:
            neighbours = [m for m in military[max(0, index - 1) : index + 2] if m is not None]
            total = round(sum(neighbours) / len(neighbours))
        c130 = _number(row["us_c130"]) or 0
        c17 = _number(row["us_c17"]) if row["us_c17"].strip() else total - c130
        coalition = _number(row["coalition_flights"]) or 0
        counts.append({C17.code: c17, C130.code: c130, COALITION.code: coalition})
    return counts


def _spans(rows: list[dict[str, str]]) -> list[tuple[datetime, datetime]]:
    """Each window's span, cut where it overlaps the previous one (no flight counted twice)."""
    spans, previous_end = [], None
    for row in rows:
        end = parse_utc(row["window_end_utc"])
        start = end - timedelta(hours=int(row["hours"]))
        if previous_end is not None:
            start = max(start, previous_end)
        spans.append((start, end))
        previous_end = end
    return spans


def _gaps(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The hours of the airlift no window covers: before the first, between, after the last."""
    gaps, cursor = [], START
    for start, end in spans:
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < LAST_FLIGHT:
        gaps.append((cursor, LAST_FLIGHT))
    return gaps


def _sorties(rows: list[dict[str, str]], parameters: Parameters) -> list[Sortie]:
    spans = _spans(rows)
    counts = flight_counts(rows)
    flights: list[tuple[str, datetime, datetime, int]] = [
        (code, start, end, count)
        for (start, end), by_code in zip(spans, counts, strict=True)
        for code, count in by_code.items()
    ]
    # The US military flights no window counts flew in the uncovered hours (mostly 14-16 Aug).
    placed = sum(c[C17.code] + c[C130.code] for c in counts)
    gaps = _gaps(spans)
    lengths = np.array([(end - start).total_seconds() for start, end in gaps])
    shares = _round_keeping_sum(lengths / lengths.sum() * (US_MILITARY_FLIGHTS - placed))
    flights += [(C17.code, s, e, int(n)) for (s, e), n in zip(gaps, shares, strict=True)]
    loads = {
        C17.code: (parameters.c17_load, parameters.c17_load),
        C130.code: (C130.rated_seats, C130.max_load),  # no loads published: its seat range
        COALITION.code: (75, COALITION.max_load),  # "75 to 180 people a flight"
    }
    sorties = []
    for code, start, end, count in flights:
        step = (end - start) / max(count, 1)
        for number in range(count):
            departs = start + step * (number + 0.5)
            low, high = loads[code]
            sorties.append(
                Sortie(
                    callsign=f"{code}-{departs:%m%d%H%M}-{number}",
                    aircraft=code,
                    departs=hours_since_start(departs),
                    max_load=high,
                    min_load=low,
                    hub=_hub(code, departs, number),
                )
            )
    return sorted(sorties, key=lambda s: s.departs)


def _hub(code: str, departs: datetime, number: int) -> str:
    if code == COALITION.code:
        return COALITION_HUBS
    if departs < SECOND_HUB_FROM:
        return AL_UDEID
    return (AL_UDEID, RAMSTEIN)[number % 2]


def _round_keeping_sum(values: np.ndarray) -> np.ndarray:
    rounded = np.floor(values).astype(int)
    short = round(values.sum()) - rounded.sum()
    rounded[np.argsort(rounded - values)[:short]] += 1
    return rounded


def _us_citizen_calls() -> tuple[Call, ...]:
    """US citizens called forward by email, in six-hour windows from 18 Aug to the last
    morning, at the three gates in turn. Families of one to four; a fixed draw (an input,
    not luck)."""
    rng = np.random.default_rng(2021)
    first = hours_since_start(datetime(2021, 8, 18, tzinfo=UTC))
    last = hours_since_start(datetime(2021, 8, 30, 6, tzinfo=UTC))
    calls, people = [], 0
    while people < US_CITIZENS:
        size = int(rng.integers(1, 5))
        opens = first + 6 * int(rng.integers(0, int((last - first) / 6)))
        calls.append(
            Call(
                party=f"USC-{len(calls):05d}",
                size=size,
                category="us_citizen",
                priority=1,
                gate=GATES[len(calls) % len(GATES)],
                window=(opens, opens + 6),
            )
        )
        people += size
    return tuple(calls)


def with_parameters(scenario: Scenario, parameters: Parameters) -> Scenario:
    """The same replay with other free parameters (C-17 loads, ECC rate, build-up)."""
    sorties = tuple(
        replace(s, max_load=parameters.c17_load, min_load=parameters.c17_load)
        if s.aircraft == C17.code
        else s
        for s in scenario.sorties
    )
    processing = replace(
        scenario.processing,
        ecc_per_hour=parameters.ecc_per_hour,
        doubling_hours=parameters.doubling_hours,
    )
    return replace(scenario, sorties=sorties, processing=processing)
