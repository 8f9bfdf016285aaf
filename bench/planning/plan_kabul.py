"""Plan 125,000 people in Kabul-like parties over the 17 days of the Kabul 2021 airlift: its
sorties (from the published daily figures), its 4 gates with their closures, its hubs.

Prints, in one run: the plan's weighted value and its ratio to the linear-relaxation bound,
its time, the people it flies per priority; a first-come-first-served plan's figures on the
same problem (the anchor); and the time the exact integer model takes, or that it gave up.
Issue 14's target: >= 99.5% of the bound in < 30 s on 2 cores.

`.venv/bin/python bench/planning/plan_kabul.py [--people 125000] [--exact-seconds 120]`
"""

import argparse
import os
import platform
import random
import secrets
import tempfile
from collections import Counter
from pathlib import Path
from time import perf_counter

from evac.db import make_engine, make_sessionmaker, migrate, session_scope
from evac.eligibility.service import PlannableParty
from evac.planning.check import check
from evac.planning.inputs import operation_problem
from evac.planning.model import build, layout
from evac.planning.problem import Plan, Problem
from evac.planning.solve import greedy, solve
from evac.scenario.operations import kabul_2021_operation
from evac.vault.keys import LocalKeyProvider

# Kabul-like parties: priority -> (share of people, party sizes and their weights). US citizens
# and green-card holders often travel alone or as couples; SIV and at-risk Afghans as families
# (the SIV backlog: 18,000 principals, 71,000 people, about 4 a case; larger with parents).
MIX = {
    1: (0.05, (1, 2, 3, 4), (50, 25, 15, 10)),
    2: (0.08, (1, 2, 3, 4, 5), (30, 25, 20, 15, 10)),
    3: (0.55, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12), (8, 8, 10, 14, 16, 14, 10, 8, 5, 4, 3)),
    4: (0.32, (1, 2, 3, 4, 5, 6, 7, 8, 10, 14), (10, 10, 10, 12, 14, 14, 10, 8, 7, 5)),
}


def kabul_parties(people: int, rng: random.Random) -> list[PlannableParty]:
    """Parties of `people` in all, shuffled (the order they registered in, for FCFS)."""
    parties = []
    for priority, (share, sizes, weights) in MIX.items():
        wanted = round(people * share)
        while wanted > 0:
            size = min(wanted, rng.choices(sizes, weights)[0])
            reference = f"P{priority}-{len(parties):06d}"
            parties.append(PlannableParty(reference, size, priority, f"priority {priority}"))
            wanted -= size
    rng.shuffle(parties)
    return parties


def kabul_problem(people: int, seed: int) -> Problem:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        migrate(url)
        engine = make_engine(url)
        with session_scope(make_sessionmaker(engine)) as session:
            provider = LocalKeyProvider(secrets.token_bytes(32))
            operation, _ = kabul_2021_operation(session, provider=provider)
            parties = kabul_parties(people, random.Random(seed))
            problem = operation_problem(session, operation=operation, parties=parties)
        engine.dispose()
    return problem


def flown(problem: Problem, plan: Plan) -> Counter:
    sizes = {group.id: (group.size, group.priority) for group in problem.groups}
    counts = Counter()
    for assignment in plan.assignments:
        size, priority = sizes[assignment.group]
        counts[priority] += size
    return counts


def report(name: str, problem: Problem, plan: Plan, bound: float) -> None:
    breaches = check(problem, plan)
    people = flown(problem, plan)
    wanted = Counter()
    for group in problem.groups:
        wanted[group.priority] += group.size
    per_priority = ", ".join(f"p{p} {people[p]:,}/{wanted[p]:,}" for p in sorted(wanted))
    print(
        f"{name:<26} {plan.objective:>20,.0f}  {plan.objective / bound:8.4%} of the bound  "
        f"{plan.seconds:6.1f} s  {sum(people.values()):,} people ({per_priority}); "
        f"{len(breaches)} breaches of the rules"
    )


def exact_attempt(problem: Problem, seconds: float) -> str:
    started = perf_counter()
    plan_layout = layout(problem)
    model = build(problem, plan_layout, exact=True)
    built = perf_counter() - started
    solution = model.program.solve(relax=False, time_limit=seconds)
    total = perf_counter() - started
    size = f"{model.program.columns:,} columns, built in {built:.1f} s"
    if solution.outcome == "optimal":
        return f"solved to optimality in {total:.1f} s ({size})"
    found = f"best found {solution.objective:,.0f}" if solution.values.size else "no plan found"
    return f"gave up after {total:.0f} s ({size}; {found})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=125_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--exact-seconds", type=float, default=120.0)
    arguments = parser.parse_args()
    problem = kabul_problem(arguments.people, arguments.seed)
    seats = sum(sortie.seats for sortie in problem.sorties)
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores; {sum(g.size for g in problem.groups):,} people in "
        f"{len(problem.groups):,} parties, {len(problem.sorties)} sorties ({seats:,} seats), "
        f"{len(problem.gates)} gates, {len(problem.hubs)} hubs, {len(problem.windows()):,} "
        f"open windows"
    )
    plan = solve(problem, method="aggregate")
    report("evac plan (aggregate)", problem, plan, plan.bound)
    report("first come, first served", problem, greedy(problem), plan.bound)
    print(f"bound (linear relaxation)  {plan.bound:>20,.0f}")
    print(f"exact integer model: {exact_attempt(problem, arguments.exact_seconds)}")


if __name__ == "__main__":
    main()
