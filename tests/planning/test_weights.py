"""Priority weights 100 times apart for any number of priorities: the weighted plan, exactly."""

import json
import random

import pytest
from typer.testing import CliRunner

from evac.cli import app
from evac.planning.check import check
from evac.planning.model import build, layout
from evac.planning.problem import problem_from_dict
from evac.planning.solve import solve
from tests.planning.problems import at, best_by_enumeration, party, problem

SEVEN = {str(p): 100 ** (7 - p) for p in range(1, 8)}


def seven_priorities(groups: list[dict], seats: int) -> dict:
    """One sortie of `seats`, the default weights (none given) over priorities 1 to 7."""
    data = problem(
        groups=groups,
        gates=[{"id": "north", "rate_per_hour": 1000, "crowd_cap": 1000}],
        sorties=[{"id": "S1", "departs": at(6), "seats": seats, "hub": "H"}],
    )
    del data["priority_weights"]
    return data


def flown(data: dict, **options) -> tuple[set[str], float]:
    parsed = problem_from_dict(data)
    plan = solve(parsed, **options)
    assert check(parsed, plan) == []
    assert plan.bound >= plan.objective
    return {a.group for a in plan.assignments}, plan.objective


def test_the_default_weights_are_100_times_apart_for_any_number_of_priorities():
    data = seven_priorities([party(f"P{p}", 1, priority=p) for p in (1, 3, 7)], seats=10)
    assert problem_from_dict(data).priority_weights == {int(p): w for p, w in SEVEN.items()}
    five = seven_priorities([party("A", 1, priority=5)], seats=10)
    assert problem_from_dict(five).priority_weights[1] == 100**4


@pytest.mark.parametrize("method", ["exact", "auto"])
def test_one_of_priority_1_beats_99_of_priority_2(method):
    groups = [party("ONE", 1, priority=1), party("NINETY-NINE", 99, 2), party("LAST", 98, 7)]
    names, value = flown(seven_priorities(groups, seats=99), method=method)
    assert names == {"ONE", "LAST"} and value == 100**6 + 98


@pytest.mark.parametrize("method", ["exact", "auto"])
def test_101_of_priority_2_beat_one_of_priority_1(method):
    groups = [party("ONE", 1, priority=1), party("HUNDRED-AND-ONE", 101, 2), party("LAST", 100, 7)]
    names, value = flown(seven_priorities(groups, seats=101), method=method)
    assert names == {"HUNDRED-AND-ONE"} and value == 101 * 100**5


def trading_problem(seed: int) -> dict:
    """Four parties over five to seven priorities, some large enough to outweigh a party of the
    priority above at 100 times, on two sorties: the trade-offs the weights decide."""
    rng = random.Random(seed)
    priorities = rng.randint(5, 7)
    data = problem(
        groups=[
            party(f"P{n}", rng.choice([1, 2, 60, 101, 150]), priority=rng.randint(1, priorities))
            for n in range(4)
        ],
        gates=[{"id": "g", "rate_per_hour": rng.randint(100, 400), "crowd_cap": 400}],
        sorties=[
            {"id": "S1", "departs": at(3), "seats": rng.randint(60, 200), "hub": "H"},
            {"id": "S2", "departs": at(4), "seats": rng.randint(1, 160), "hub": "H"},
        ],
        hubs=[{"id": "H", "beds": rng.randint(100, 300), "onward_per_day": 0}],
        hours=4,
    )
    data["priority_weights"] = {str(p): 100 ** (priorities - p) for p in range(1, priorities + 1)}
    return data


@pytest.mark.parametrize("seed", range(12))
def test_the_exact_plan_is_the_best_weighted_plan_over_five_to_seven_priorities(seed):
    data = trading_problem(seed)
    _, exact_value = flown(data, method="exact")
    assert exact_value == best_by_enumeration(data)
    _, aggregate_value = flown(data, method="aggregate")
    assert aggregate_value <= exact_value


@pytest.mark.parametrize(
    "weights",
    [{"1": 1000, "2": 10, "3": 1}, {"1": 1, "2": 50, "3": 7}, {"1": 5, "2": 5, "3": 0}],
)
@pytest.mark.parametrize("seed", range(5))
def test_the_bound_is_the_weighted_relaxation(seed, weights):
    """The bound from each tier's most people is the relaxation of the weighted objective
    itself (solved directly where the weights are close enough for the solver)."""
    rng = random.Random(seed)
    data = problem(
        groups=[party(f"P{n}", rng.randint(1, 8), priority=rng.randint(1, 3)) for n in range(30)],
        gates=[{"id": "a", "rate_per_hour": rng.randint(8, 40), "crowd_cap": 30}],
        sorties=[
            {"id": f"S{n}", "departs": at(2 + n), "seats": rng.randint(5, 40), "hub": hub}
            for n, hub in zip(range(8), ["H", "K"] * 4, strict=True)
        ],
        hubs=[
            {"id": "H", "beds": rng.randint(20, 80), "onward_per_day": 10},
            {"id": "K", "beds": 1000, "onward_per_day": 0},
        ],
    )
    data["priority_weights"] = weights
    data["groups"][0]["fixed"] = {"gate": "a", "window_start": at(0)}
    parsed = problem_from_dict(data)
    weighted = build(parsed, layout(parsed), exact=False).program.solve(relax=True)
    assert solve(parsed, method="aggregate").bound == pytest.approx(weighted.objective, rel=1e-9)


def test_the_command_line_plans_seven_priorities_near_the_bound(tmp_path):
    rng = random.Random(7)
    data = problem(
        groups=[
            party(f"P{n}", rng.choice([1, 1, 2, 3, 4, 5, 7]), priority=rng.randint(1, 7))
            for n in range(400)
        ],
        gates=[
            {"id": "a", "rate_per_hour": 120, "crowd_cap": 150},
            {"id": "b", "rate_per_hour": 80, "crowd_cap": 150, "closed": [[at(20), at(30)]]},
        ],
        sorties=[
            {"id": f"S{n}", "departs": at(3 + 2 * n), "seats": rng.randint(40, 120), "hub": hub}
            for n, hub in zip(range(20), ["H", "K"] * 10, strict=True)
        ],
        hubs=[
            {"id": "H", "beds": 400, "onward_per_day": 100},
            {"id": "K", "beds": 5000, "onward_per_day": 0},
        ],
        hours=48,
    )
    del data["priority_weights"]
    problem_file, plan_file = tmp_path / "problem.json", tmp_path / "plan.json"
    problem_file.write_text(json.dumps(data))
    solved = CliRunner().invoke(app, ["plan", "solve", str(problem_file), "--out", str(plan_file)])
    assert solved.exit_code == 0, solved.output
    plan = json.loads(plan_file.read_text())
    assert plan["bound"] >= plan["objective"] >= 0.995 * plan["bound"]
    # short by less than one person of priority 6 (weight 100): only priority 7 is left to
    # the gaps whole families leave
    assert plan["bound"] - plan["objective"] < 100
    checked = CliRunner().invoke(app, ["plan", "check", str(problem_file), str(plan_file)])
    assert checked.exit_code == 0, checked.output
