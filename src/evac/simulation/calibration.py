"""Fitting the replay's free parameters on the windows ending 17-23 Aug, and nothing else.

A coordinate search over a grid of each parameter, a few rounds, each candidate judged by the
squared log errors of its mean over a few replications (common random numbers, so candidates
differ by their parameters, not their luck). The held-out windows (24-30 Aug) are never read.
"""

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from multiprocessing import get_context

import numpy as np

from evac.simulation.model import Scenario, simulate
from evac.simulation.replay import Parameters, fit_windows, kabul_2021, with_parameters
from evac.simulation.runs import default_workers

GRIDS = {
    "ecc_per_hour": tuple(range(600, 2100, 100)),
    "doubling_hours": tuple(range(12, 52, 4)),
    "c17_load": tuple(range(200, 520, 20)),  # within the published 134 to 823
}


def fit_loss(scenario: Scenario, parameters: Parameters, *, seed: int, replications: int) -> float:
    """Sum of squared log errors of the mean over the fitting windows only."""
    candidate = with_parameters(scenario, parameters)
    seen = fit_windows(candidate.windows)
    windows = tuple(w for w, fit in zip(candidate.windows, seen, strict=True) if fit)
    totals = np.mean(
        [
            simulate(candidate, seed=seed, replication=r).window_totals(windows)
            for r in range(replications)
        ],
        axis=0,
    )
    recorded = np.array([w.recorded for w in windows], dtype=float)
    return float(np.sum(np.log(np.maximum(totals, 1) / recorded) ** 2))


def calibrate(
    *,
    seed: int = 1,
    replications: int = 4,
    rounds: int = 2,
    workers: int | None = None,
    report: Callable[[Parameters, float], None] | None = None,
) -> tuple[Parameters, float]:
    """The parameters that best fit the windows ending 17-23 Aug, and their loss."""
    scenario = kabul_2021()
    best, best_loss = Parameters(), float("inf")
    loss = partial(fit_loss, scenario, seed=seed, replications=replications)
    with get_context("spawn").Pool(workers or default_workers()) as pool:  # see runs.replicate
        for _ in range(rounds):
            for name, grid in GRIDS.items():
                candidates = [replace(best, **{name: value}) for value in grid]
                losses = pool.map(loss, candidates)
                index = int(np.argmin(losses))
                if losses[index] < best_loss:
                    best, best_loss = candidates[index], losses[index]
                if report:
                    report(best, best_loss)
    return best, best_loss
