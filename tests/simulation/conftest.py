"""A small invented scenario (two days, two gates, two hubs) that runs in a blink."""

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from evac.simulation.model import (
    Call,
    Crowd,
    Gate,
    Hub,
    Processing,
    Run,
    Scenario,
    Sortie,
    Window,
    simulate,
)


def small_scenario(**changes) -> Scenario:
    rng = np.random.default_rng(7)
    calls = tuple(
        Call(
            party=f"P-{n:04d}",
            size=int(rng.integers(1, 6)),
            category=("us_citizen", "siv_applied")[n % 2],
            priority=1 + n % 2,
            gate=("North Gate", "South Gate")[n % 2],
            window=(opens := float(rng.integers(0, 36)), opens + 2),
        )
        for n in range(400)
    )
    scenario = Scenario(
        name="small",
        start=datetime(2030, 1, 1, tzinfo=UTC),
        hours=48,
        gates=(Gate("North Gate", 150), Gate("South Gate", 100)),
        sorties=tuple(
            Sortie(f"S-{n:02d}", "large", 2.0 + 2.3 * n, 150, 100, ("Hub A", "Hub B")[n % 2])
            for n in range(20)
        ),
        hubs=(Hub("Hub A", 1_500, 600), Hub("Hub B", None, 0)),
        crowd=Crowd(
            per_hour=80,
            news=((0, 1.0), (12, 3.0), (30, 0.5)),
            patience_hours=8,
            party_size=3,
            categories=(("siv_applied", 0.8), ("lpr", 0.2)),
        ),
        processing=Processing(
            ecc_per_hour=250, doubling_hours=0, strength=(), airside_capacity=800
        ),
        calls=calls,
        windows=(Window(24, 24, "day 1"), Window(48, 24, "day 2")),
    )
    return replace(scenario, **changes)


def runs(scenario: Scenario, replications: int = 4, seed: int = 11) -> list[Run]:
    return [simulate(scenario, seed=seed, replication=r) for r in range(replications)]


def mean_total(scenario: Scenario, replications: int = 4, seed: int = 11) -> float:
    return float(np.mean([run.total for run in runs(scenario, replications, seed)]))
