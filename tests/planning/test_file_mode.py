"""File mode: small problems solved exactly, each rule of the model, and the checker."""

import itertools
import json
import random
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from evac.cli import app
from evac.planning.check import check
from evac.planning.problem import (
    Assignment,
    Plan,
    ProblemError,
    parse_time,
    plan_from_dict,
    problem_from_dict,
)
from evac.planning.solve import solve
from tests.planning.problems import at, best_by_enumeration, party, problem

ISSUE_EXAMPLE = {
    "start": "2021-08-16T00:00:00Z",
    "deadline": "2021-08-31T19:29:00Z",
    "slot_minutes": 60,
    "airside_minutes": 120,
    "gates": [
        {
            "id": "abbey",
            "rate_per_hour": 400,
            "crowd_cap": 1500,
            "closed": [["2021-08-26T12:00:00Z", "2021-08-31T19:29:00Z"]],
        }
    ],
    "sorties": [{"id": "RCH871", "departs": "2021-08-20T03:00:00Z", "seats": 400, "hub": "OTBH"}],
    "hubs": [{"id": "OTBH", "beds": 20000, "onward_per_day": 2200, "occupied": 0}],
    "groups": [
        {
            "id": "P-1",
            "size": 5,
            "priority": 1,
            "fixed": {"gate": "abbey", "window_start": "2021-08-20T00:00:00Z"},
        }
    ],
    "priority_weights": {"1": 1000000, "2": 10000, "3": 100, "4": 1},
}


def planned(data: dict, **options) -> tuple[Plan, dict[str, Assignment]]:
    plan = solve(problem_from_dict(data), **options)
    assert check(problem_from_dict(data), plan) == []
    return plan, {a.group: a for a in plan.assignments}


def test_the_issues_example_gives_the_issues_plan():
    plan, by_group = planned(ISSUE_EXAMPLE)
    assert (plan.objective, plan.bound) == (5_000_000, 5_000_000)
    assert by_group["P-1"] == Assignment(
        "P-1", "abbey", parse_time("2021-08-20T00:00:00Z", "t"), "RCH871"
    )


def test_a_family_is_never_split_over_sorties():
    data = problem(
        groups=[party("A", 6), party("B", 6)],
        sorties=[
            {"id": "S1", "departs": at(6), "seats": 8, "hub": "H"},
            {"id": "S2", "departs": at(7), "seats": 4, "hub": "H"},
        ],
    )
    plan, by_group = planned(data)
    assert len(by_group) == 1 and plan.objective == 6_000
    assert plan.bound == pytest.approx(12_000)  # the relaxation would split a family
    assert plan.bound >= plan.objective


def test_the_exact_plan_packs_the_seats_best():
    data = problem(
        groups=[party("A", 6), party("B", 5), party("C", 4)],
        sorties=[{"id": "S1", "departs": at(6), "seats": 10, "hub": "H"}],
    )
    _, by_group = planned(data)
    assert set(by_group) == {"A", "C"}


def test_a_higher_priority_goes_first():
    data = problem(
        groups=[party("big", 9, priority=2), party("small", 2, priority=1)],
        sorties=[{"id": "S1", "departs": at(6), "seats": 10, "hub": "H"}],
    )
    _, by_group = planned(data)
    assert set(by_group) == {"small"}


def test_a_full_hub_stops_arrivals():
    """beds 10, 5 sent onward a day: at most 15 arrive on day 0 and 20 over both days."""
    data = problem(
        groups=[party(f"P{n}", 1) for n in range(30)],
        sorties=[
            {"id": "D0", "departs": at(20), "seats": 100, "hub": "H"},
            {"id": "D1", "departs": at(30), "seats": 100, "hub": "H"},
        ],
        hubs=[{"id": "H", "beds": 10, "onward_per_day": 5}],
        hours=36,
    )
    plan, by_group = planned(data)
    assert len(by_group) == 20
    assert sum(a.sortie == "D0" for a in by_group.values()) <= 15
    one_more = replace(
        plan,
        assignments=[*plan.assignments, Assignment("P29", "north", parse_time(at(2), "t"), "D1")]
        if "P29" not in by_group
        else plan.assignments,
        objective=plan.objective + 1000,
    )
    rules = {breach.rule for breach in check(problem_from_dict(data), one_more)}
    assert "hubs" in rules


def test_a_hub_already_occupied_has_less_room():
    data = problem(
        groups=[party(f"P{n}", 1) for n in range(30)],
        hubs=[{"id": "H", "beds": 10, "onward_per_day": 0, "occupied": 7}],
    )
    _, by_group = planned(data)
    assert len(by_group) == 3


def test_a_closed_gate_takes_nobody_and_an_open_one_only_its_rate():
    data = problem(
        groups=[party(f"P{n}", 1) for n in range(20)],
        gates=[
            {"id": "abbey", "rate_per_hour": 100, "crowd_cap": 100, "closed": [[at(0), at(12)]]},
            {"id": "east", "rate_per_hour": 60, "crowd_cap": 3, "closed": [[at(0), at(3)]]},
        ],
        sorties=[{"id": "S1", "departs": at(6), "seats": 100, "hub": "H"}],
    )
    _, by_group = planned(data)
    # east opens at 3:00; windows 3-4 and 4-5 are airside by 6:00, 3 people each (crowd cap)
    assert len(by_group) == 6
    assert {a.gate for a in by_group.values()} == {"east"}
    assert {a.window_start.hour for a in by_group.values()} == {3, 4}


def test_a_gate_takes_its_rate_per_slot():
    data = problem(
        groups=[party(f"P{n}", 1) for n in range(20)],
        gates=[{"id": "g", "rate_per_hour": 4, "crowd_cap": 100}],
        sorties=[{"id": "S1", "departs": at(3), "seats": 100, "hub": "H"}],
    )
    _, by_group = planned(data)
    assert len(by_group) == 8  # windows 0-1 and 1-2, 4 an hour


def test_fixed_parties_keep_their_window_and_sortie():
    data = problem(
        groups=[
            party("F", 4, priority=3, gate="north", window_start=at(1), sortie="S2"),
            party("A", 5, priority=1),
        ],
        sorties=[
            {"id": "S1", "departs": at(4), "seats": 5, "hub": "H"},
            {"id": "S2", "departs": at(8), "seats": 5, "hub": "H"},
        ],
    )
    _, by_group = planned(data)
    assert (by_group["F"].window_start, by_group["F"].sortie) == (parse_time(at(1), "t"), "S2")
    assert by_group["A"].sortie == "S1"


def test_a_fixed_party_moves_only_when_its_sortie_is_cancelled():
    data = problem(
        groups=[party("F", 4, gate="north", window_start=at(1), sortie="GONE")],
        sorties=[{"id": "S1", "departs": at(4), "seats": 5, "hub": "H"}],
    )
    _, by_group = planned(data)
    assert by_group["F"].sortie == "S1" and by_group["F"].window_start == parse_time(at(1), "t")


def test_a_fixed_party_at_a_closed_gate_is_refused_naming_the_field():
    data = problem(
        groups=[party("A", 1), party("F", 4, gate="north", window_start=at(2))],
        gates=[{"id": "north", "rate_per_hour": 10, "crowd_cap": 10, "closed": [[at(1), at(3)]]}],
    )
    with pytest.raises(ProblemError, match=r"groups\[1\]\.fixed\.window_start.*closed"):
        solve(problem_from_dict(data))


def test_fixed_parties_that_cannot_all_fly_are_refused():
    data = problem(
        groups=[
            party("F1", 4, gate="north", window_start=at(1)),
            party("F2", 4, gate="north", window_start=at(2)),
        ],
        sorties=[{"id": "S1", "departs": at(6), "seats": 5, "hub": "H"}],
    )
    with pytest.raises(ProblemError, match=r"groups\[\]\.fixed"):
        solve(problem_from_dict(data))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("deadline"), "deadline"),
        (lambda d: d["gates"][0].update(rate_per_hour="fast"), r"gates\[0\]\.rate_per_hour"),
        (lambda d: d["sorties"][0].update(hub="OTBH"), r"sorties\[0\]\.hub"),
        (lambda d: d["sorties"][0].update(departs="tomorrow"), r"sorties\[0\]\.departs"),
        (lambda d: d["groups"].append(party("A", 0)), r"groups\[1\]\.size"),
        (lambda d: d["groups"].append(party("A", 1)), r"groups\[1\]\.id"),
        (lambda d: d["groups"][0].update(priority=9), r"groups\[0\]\.priority"),
        (lambda d: d["gates"][0].update(closed=[[at(3), at(1)]]), r"gates\[0\]\.closed\[0\]"),
        (
            lambda d: d["groups"].append(party("F", 1, gate="south", window_start=at(1))),
            r"groups\[1\]\.fixed\.gate",
        ),
        (
            lambda d: d["groups"].append(party("F", 1, gate="north", window_start=at(1.5))),
            r"groups\[1\]\.fixed\.window_start",
        ),
    ],
)
def test_a_malformed_problem_names_the_field(change, field):
    data = problem(groups=[party("A", 1)])
    change(data)
    with pytest.raises(ProblemError, match=field):
        problem_from_dict(data)


def random_problem(seed: int) -> dict:
    rng = random.Random(seed)
    return problem(
        groups=[party(f"P{n}", rng.randint(1, 5), priority=rng.randint(1, 3)) for n in range(4)],
        gates=[{"id": "g", "rate_per_hour": rng.randint(3, 9), "crowd_cap": 9}],
        sorties=[
            {"id": "S1", "departs": at(3), "seats": rng.randint(2, 9), "hub": "H"},
            {"id": "S2", "departs": at(5), "seats": rng.randint(2, 9), "hub": "H"},
        ],
        hubs=[{"id": "H", "beds": rng.randint(3, 15), "onward_per_day": 0}],
        hours=5,
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_exact_plan_is_the_best_of_every_plan(seed):
    data = random_problem(seed)
    plan, _ = planned(data, method="exact")
    assert plan.objective == best_by_enumeration(data)
    assert plan.bound >= plan.objective - 1e-6


@pytest.mark.parametrize("seed", range(20))
def test_aggregate_plans_keep_the_rules_and_share_the_bound(seed):
    rng = random.Random(seed)
    data = problem(
        groups=[party(f"P{n}", rng.randint(1, 8), priority=rng.randint(1, 3)) for n in range(40)],
        gates=[
            {"id": "a", "rate_per_hour": rng.randint(8, 40), "crowd_cap": 30},
            {"id": "b", "rate_per_hour": 20, "crowd_cap": 30, "closed": [[at(2), at(5)]]},
        ],
        sorties=[
            {"id": f"S{n}", "departs": at(2 + n), "seats": rng.randint(5, 40), "hub": hub}
            for n, hub in zip(range(10), itertools.cycle(["H", "K"]))
        ],
        hubs=[
            {"id": "H", "beds": rng.randint(20, 80), "onward_per_day": 10},
            {"id": "K", "beds": 1000, "onward_per_day": 0},
        ],
    )
    data["groups"][0]["fixed"] = {"gate": "a", "window_start": at(0)}
    exact, _ = planned(data, method="exact")
    aggregate, _ = planned(data, method="aggregate")
    assert aggregate.bound == pytest.approx(exact.bound, rel=1e-9)
    assert aggregate.objective <= exact.objective <= exact.bound + 1e-6


def test_check_finds_each_kind_of_breach():
    data = problem(
        groups=[
            party("A", 3),
            party("B", 3),
            party("F", 2, gate="north", window_start=at(1)),
        ],
        gates=[{"id": "north", "rate_per_hour": 4, "crowd_cap": 4, "closed": [[at(8), at(9)]]}],
        sorties=[
            {"id": "S1", "departs": at(4), "seats": 5, "hub": "H"},
            {"id": "LATE", "departs": at(13), "seats": 5, "hub": "H"},
        ],
        hubs=[{"id": "H", "beds": 4, "onward_per_day": 0}],
    )
    broken = plan_from_dict(
        {
            "assignments": [
                {"group": "A", "gate": "north", "window_start": at(0), "sortie": "S1"},
                {"group": "A", "gate": "north", "window_start": at(0), "sortie": "S1"},
                {"group": "B", "gate": "north", "window_start": at(8), "sortie": "LATE"},
                {"group": "F", "gate": "north", "window_start": at(3), "sortie": "S1"},
                {"group": "X", "gate": "north", "window_start": at(0), "sortie": "S1"},
            ],
            "objective": 1,
            "bound": 0,
        }
    )
    messages = [str(b) for b in check(problem_from_dict(data), broken)]
    expected = [
        "parties: 'A' is split",
        "parties: 'X' is not a party",
        "windows: 'B': gate 'north' is closed",
        "gates: 6 people called to 'north'",
        "sorties: 'F': S1 leaves before the party is airside",
        "sorties: LATE leaves after the deadline",
        "sorties: S1 carries 8 people; it has 5 seats",
        "hubs: H holds",
        "fixed: 'F' was called to 'north'",
        "objective: the plan says 1",
        "objective: the bound 0 is below",
    ]
    for start in expected:
        assert any(m.startswith(start) for m in messages), (start, messages)


def test_the_command_line_solves_and_checks(tmp_path):
    problem_file, plan_file = tmp_path / "problem.json", tmp_path / "plan.json"
    problem_file.write_text(json.dumps(ISSUE_EXAMPLE))
    runner = CliRunner()
    result = runner.invoke(app, ["plan", "solve", str(problem_file), "--out", str(plan_file)])
    assert result.exit_code == 0, result.output
    written = json.loads(plan_file.read_text())
    assert written["objective"] == written["bound"] == 5_000_000
    assert written["assignments"][0]["sortie"] == "RCH871"
    good = runner.invoke(app, ["plan", "check", str(problem_file), str(plan_file)])
    assert good.exit_code == 0 and "keeps every rule" in good.output
    written["assignments"][0]["window_start"] = "2021-08-20T02:00:00Z"
    plan_file.write_text(json.dumps(written))
    bad = runner.invoke(app, ["plan", "check", str(problem_file), str(plan_file)])
    assert bad.exit_code == 1 and "fixed:" in bad.output and "airside" in bad.output
    closed = dict(
        ISSUE_EXAMPLE,
        groups=[
            dict(
                ISSUE_EXAMPLE["groups"][0],
                fixed={"gate": "abbey", "window_start": "2021-08-27T00:00:00Z"},
            )
        ],
    )
    problem_file.write_text(json.dumps(closed))
    refused = runner.invoke(app, ["plan", "solve", str(problem_file), "--out", str(plan_file)])
    assert refused.exit_code == 2 and "groups[0].fixed.window_start" in refused.output


def test_among_the_best_plans_people_fly_soonest():
    data = problem(
        groups=[party(f"P{n}", 3, priority=1 + n % 3) for n in range(10)],
        sorties=[
            {"id": "LATE", "departs": at(10), "seats": 100, "hub": "H"},
            {"id": "EARLY", "departs": at(4), "seats": 100, "hub": "H"},
        ],
    )
    plan, by_group = planned(data, method="aggregate")
    assert {a.sortie for a in by_group.values()} == {"EARLY"}
    assert plan.objective == plan.bound


def test_the_exact_plan_also_flies_people_soonest():
    data = problem(
        groups=[party(f"P{n}", 3, priority=1 + n % 3) for n in range(6)],
        sorties=[
            {"id": "LATE", "departs": at(10), "seats": 100, "hub": "H"},
            {"id": "EARLY", "departs": at(4), "seats": 100, "hub": "H"},
        ],
    )
    plan, by_group = planned(data, method="exact")
    assert {a.sortie for a in by_group.values()} == {"EARLY"} and plan.method == "exact"
