"""The Kabul 2021 replay: one replication on evac's kernel, the same replication under plain
SimPy (the anchor, same model, same seed), and 100 replications on both cores.

Issue 17's targets on 2 cores: one replay of the 17 days in < 10 s; 100 replications in
< 3 minutes. Prints each figure and the kernel's speed-up over SimPy.

`.venv/bin/python bench/simulation/replay.py [--replications 100] [--seed 1]`
"""

import argparse
import os
import platform
from time import perf_counter

import simpy

from evac.simulation.model import simulate
from evac.simulation.replay import kabul_2021
from evac.simulation.runs import replicate


def timed(job):
    started = perf_counter()
    result = job()
    return result, perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores")
    scenario = kabul_2021()
    print(
        f"scenario: {scenario.hours / 24:.1f} days, {len(scenario.sorties)} sorties, "
        f"{len(scenario.gates)} gates, {len(scenario.calls)} called-forward parties"
    )
    ours, ours_seconds = timed(lambda: simulate(scenario, seed=arguments.seed))
    print(
        f"one replay, evac kernel: {ours_seconds:.2f} s ({ours.arrived:,} people reached a "
        f"gate, {ours.total:,} evacuated, {ours.sorties_flown} sorties flown); target < 10 s"
    )
    anchor, anchor_seconds = timed(
        lambda: simulate(scenario, seed=arguments.seed, environment=simpy.Environment)
    )
    same = (anchor.evacuated_hourly == ours.evacuated_hourly).all()
    print(
        f"one replay, plain SimPy {simpy.__version__} (anchor): {anchor_seconds:.2f} s, "
        f"{'the same' if same else 'NOT the same'} result; "
        f"kernel {anchor_seconds / ours_seconds:.2f}x SimPy's speed"
    )
    runs, many_seconds = timed(
        lambda: replicate(scenario, replications=arguments.replications, seed=arguments.seed)
    )
    totals = sorted(run.total for run in runs)
    print(
        f"{arguments.replications} replications on 2 workers: {many_seconds:.1f} s "
        f"(target < 180 s); total evacuated {totals[len(totals) // 20]:,}-"
        f"{totals[-1 - len(totals) // 20]:,} (90% band)"
    )


if __name__ == "__main__":
    main()
