"""Monte Carlo replications on every core, and what they say per reporting window."""

import os
from collections.abc import Callable
from functools import partial
from multiprocessing import get_context

import numpy as np
import pandas as pd

from evac.simulation.model import Run, Scenario, Window, simulate


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def replicate(
    scenario: Scenario,
    *,
    replications: int,
    seed: int,
    workers: int | None = None,
    advance: Callable[[], None] | None = None,
) -> list[Run]:
    """`replications` runs of the scenario, replication i on its own random streams (seed, i):
    a variant run with the same seed meets the same luck. `advance` is called once a run."""
    workers = workers or default_workers()
    one = partial(_replication, scenario, seed)
    if workers == 1 or replications == 1:
        runs = []
        for index in range(replications):
            runs.append(one(index))
            if advance:
                advance()
        return runs
    # spawn, not fork: a process that already ran DuckDB's threads (`evac demo` links first)
    # forked a worker that segfaulted, and the pool then waited for it for ever
    with get_context("spawn").Pool(workers) as pool:
        runs = []
        for run in pool.imap(one, range(replications)):
            runs.append(run)
            if advance:
                advance()
        return runs


def _replication(scenario: Scenario, seed: int, index: int) -> Run:
    return simulate(scenario, seed=seed, replication=index)


def window_table(windows: tuple[Window, ...], runs: list[Run]) -> pd.DataFrame:
    """Per window: the simulated mean and 90% band over the replications, and the record."""
    totals = np.array([run.window_totals(windows) for run in runs])
    return pd.DataFrame(
        {
            "window_end_utc": [w.label for w in windows],
            "simulated_mean": totals.mean(axis=0).round(),
            "simulated_p05": np.percentile(totals, 5, axis=0).round(),
            "simulated_p95": np.percentile(totals, 95, axis=0).round(),
            "recorded": [w.recorded for w in windows],
        }
    )


def relative_error(simulated: float, recorded: float) -> float:
    return (simulated - recorded) / recorded
