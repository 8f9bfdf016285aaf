"""The Kabul 2021 replay takes capacities and events, never the evacuee figures, and the fit
never sees the held-out windows."""

import csv
from dataclasses import replace

import numpy as np
import pytest

from evac.scenario.operations import C17, C130, COALITION
from evac.simulation import replay
from evac.simulation.calibration import fit_loss
from evac.simulation.model import simulate
from evac.simulation.replay import (
    TIMELINE_FILE,
    US_MILITARY_FLIGHTS,
    Parameters,
    fit_windows,
    flight_counts,
    kabul_2021,
    read_timeline,
    read_windows,
)

PASSENGER_COLUMNS = ("total_evacuated", "us_mil_pax", "coalition_pax")


def test_the_evacuee_figures_change_nothing_but_the_record(monkeypatch):
    rows = read_windows()
    rng = np.random.default_rng(0)
    scrambled = [
        {**row, **{c: str(int(rng.integers(1, 30_000))) for c in PASSENGER_COLUMNS}} for row in rows
    ]
    original = kabul_2021()
    monkeypatch.setattr(replay, "read_windows", lambda: scrambled)
    other = kabul_2021()
    assert [w.recorded for w in other.windows] != [w.recorded for w in original.windows]
    assert replace(other, windows=()) == replace(original, windows=())


def test_flights_come_from_published_counts_and_fill_gaps_from_neighbours():
    rows = read_windows()
    counts = {
        row["window_end_utc"][:10]: c for row, c in zip(rows, flight_counts(rows), strict=True)
    }
    assert counts["2021-08-19"][C17.code] == round((13 + 16) / 2)  # no count that day
    assert counts["2021-08-22"][C17.code] == round((6 + 28) / 2)
    assert counts["2021-08-24"] == {C17.code: 32, C130.code: 5, COALITION.code: 57}
    assert all(counts[day][COALITION.code] == 0 for day in ("2021-08-17", "2021-08-18"))
    sorties = kabul_2021().sorties
    military = sum(1 for s in sorties if s.aircraft in (C17.code, C130.code))
    assert military == US_MILITARY_FLIGHTS
    assert sum(1 for s in sorties if s.aircraft == COALITION.code) == sum(
        c[COALITION.code] for c in counts.values()
    )


def test_loads_come_from_the_aircraft_types():
    parameters = Parameters()
    assert C17.rated_seats <= parameters.c17_load <= C17.max_load
    published = {
        C17.code: (parameters.c17_load, parameters.c17_load),
        C130.code: (C130.rated_seats, C130.max_load),
        COALITION.code: (75, 180),  # "about 75 to 180 people a flight"
    }
    for sortie in kabul_2021(parameters).sorties:
        assert (sortie.min_load, sortie.max_load) == published[sortie.aircraft]


def test_every_event_of_the_timeline_has_a_source_and_a_known_kind():
    events = read_timeline()
    kinds = {
        "news",
        "runway_closed",
        "hub_halt",
        "gate_closed",
        "restricted",
        "strength",
        "ramp_start",
    }
    assert events and {e["kind"] for e in events} <= kinds
    for event in events:
        assert event["source"].strip() and event["note"].strip()
        assert event["at_utc"].startswith("2021-08-")
    attack = [e for e in events if e["kind"] == "gate_closed" and e["target"] == "Abbey Gate"]
    assert attack[0]["at_utc"] == "2021-08-26T13:18Z"  # 17:48 in Kabul
    with TIMELINE_FILE.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert "total" not in " ".join(header) and "pax" not in " ".join(header)


def test_the_fit_sees_the_windows_ending_17_to_23_august_only():
    scenario = kabul_2021()
    seen = fit_windows(scenario.windows)
    labels = [w.label[:10] for w, fit in zip(scenario.windows, seen, strict=True) if fit]
    assert labels == [f"2021-08-{day}" for day in range(17, 24)]
    held_out_changed = replace(
        scenario,
        windows=tuple(
            w if fit else replace(w, recorded=1)
            for w, fit in zip(scenario.windows, seen, strict=True)
        ),
    )
    loss = fit_loss(scenario, Parameters(), seed=1, replications=1)
    assert loss == fit_loss(held_out_changed, Parameters(), seed=1, replications=1) > 0


@pytest.mark.parametrize("c17_load", [200, 400])
def test_heavier_c17s_carry_more_when_people_wait(c17_load):
    # the loads are a parameter of the aircraft, not of the day: heavier C-17s never carry less
    lighter = replay.with_parameters(kabul_2021(), replace(Parameters(), c17_load=c17_load))
    heavier = replay.with_parameters(kabul_2021(), replace(Parameters(), c17_load=c17_load + 100))
    assert simulate(heavier, seed=2).total >= simulate(lighter, seed=2).total
