"""The model answers sensibly when one thing changes, compared on common random numbers."""

from dataclasses import replace
from datetime import timedelta

import numpy as np

from evac.simulation.model import Gate, Hub, simulate
from evac.simulation.whatif import Variant, apply
from tests.simulation.conftest import mean_total, runs, small_scenario


def test_the_same_seed_gives_the_same_result_and_another_seed_another():
    scenario = small_scenario()
    first, again = simulate(scenario, seed=5), simulate(scenario, seed=5)
    assert (first.evacuated_hourly == again.evacuated_hourly).all()
    assert (first.crowd_hourly == again.crowd_hourly).all()
    assert (first.waits == again.waits).all() and first.left_behind == again.left_behind
    other = simulate(scenario, seed=6)
    assert not (other.crowd_hourly == first.crowd_hourly).all()


def test_more_sorties_never_lower_the_expected_total():
    scenario = small_scenario()
    totals = [
        mean_total(apply(scenario, Variant(sorties_factor=factor)))
        for factor in (0.5, 0.75, 1.0, 1.5, 2.0)
    ]
    assert totals == sorted(totals)
    assert totals[-1] > totals[2] > totals[0]  # the small scenario is short of seats
    assert mean_total(apply(scenario, Variant(extra_sorties=10))) >= totals[2]


def test_fewer_hub_beds_never_raise_the_expected_total():
    scenario = small_scenario()
    totals = [
        mean_total(apply(scenario, Variant(hub_beds_factor=factor)))
        for factor in (0.0, 0.1, 0.3, 1.0, 3.0)
    ]
    assert totals == sorted(totals)
    assert totals[0] < totals[-1]


def test_a_full_hub_stops_departures_to_it():
    full = Hub("Hub A", 0, 600)  # no bed free from the start
    scenario = small_scenario()
    scenario = replace(scenario, hubs=(full, scenario.hubs[1]))
    for run in runs(scenario):
        assert run.hub_hourly[0].max() == 0
        to_a = sum(1 for s in scenario.sorties if s.hub == "Hub A")
        assert run.sorties_flown == len(scenario.sorties) - to_a
        assert run.sorties_held == to_a  # still on the ground at the end, waiting for beds
    small = replace(scenario, hubs=(Hub("Hub A", 400, 0), scenario.hubs[1]))
    for run in runs(small):
        assert 0 < run.hub_hourly[0].max() <= 400


def test_without_call_forward_windows_the_gate_crowd_peaks_higher():
    scenario = small_scenario()
    with_windows = [run.crowd_hourly.sum(axis=0).max() for run in runs(scenario)]
    without = [
        run.crowd_hourly.sum(axis=0).max()
        for run in runs(apply(scenario, Variant(call_forward=False)))
    ]
    assert np.mean(without) > np.mean(with_windows)


def test_a_gate_closed_earlier_never_raises_the_total():
    # slow gates, so that the gates and not the seats limit how many get out
    scenario = small_scenario(gates=(Gate("North Gate", 40), Gate("South Gate", 30)))
    moments = [scenario.start + timedelta(hours=h) for h in (2, 12, 24, 36)]
    totals = [
        mean_total(apply(scenario, Variant(close_gates=(("North Gate", when),))))
        for when in moments
    ]
    assert totals == sorted(totals)
    assert totals[0] < totals[-1] <= mean_total(scenario)


def test_what_a_run_reports_adds_up():
    scenario = small_scenario()
    run = simulate(scenario, seed=2)
    assert sum(run.by_category.values()) == run.total == sum(run.by_priority.values())
    hourly = sum(run.evacuated_by_group.values())
    assert (hourly == run.evacuated_hourly).all()
    assert run.waits.size == run.total and (run.waits >= 0).all()
    assert run.window_totals(scenario.windows).sum() == run.total
    planned = sum(call.size for call in scenario.calls)
    assert run.left_behind["called forward, never came"] < planned
