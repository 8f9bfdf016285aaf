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

from evac.db import make_engine, make_sessionmaker, migrate, session_scope
from evac.eligibility.service import PlannableParty
from evac.planning.check import check
from evac.planning.inputs import operation_problem
from evac.planning.model import build, layout
from evac.planning.problem import Plan, Problem
from evac.planning.solve import greedy, solve
from evac.planning.tiers import most_people, people, tiers
from evac.scenario.operations import kabul_2021_operation
from evac.vault.keys import LocalKeyProvider

# Kabul-like parties over the eligibility policy's 7 priorities (US citizens; green-card
# holders; SIV visa issued or COM approved; SIV applied and local staff; refugee referrals;
# third-country nationals; other at-risk Afghans): priority -> (share of people, party sizes
# and their weights). US citizens and green-card holders often travel alone or as couples; SIV
# and at-risk Afghans as families (the SIV backlog: 18,000 principals, 71,000 people, about 4
# a case; larger with parents). The shares are assumptions.
FAMILIES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12), (8, 8, 10, 14, 16, 14, 10, 8, 5, 4, 3)
MIX = {
    1: (0.05, (1, 2, 3, 4), (50, 25, 15, 10)),
    2: (0.08, (1, 2, 3, 4, 5), (30, 25, 20, 15, 10)),
    3: (0.12, *FAMILIES),
    4: (0.25, *FAMILIES),
    5: (0.10, *FAMILIES),
    6: (0.05, (1, 2, 3, 4), (50, 25, 15, 10)),
    7: (0.35, (1, 2, 3, 4, 5, 6, 7, 8, 10, 14), (10, 10, 10, 12, 14, 14, 10, 8, 7, 5)),
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


def relaxed_people(problem: Problem) -> Counter:
    """The people of each priority the linear relaxation flies (its most people, heaviest
    priorities first: see planning/tiers.py)."""
    model = build(problem, layout(problem), exact=False)
    ranked = tiers(problem.priority_weights)
    total = model.program.maximise_each([people(model, ranked, len(ranked) - 1)])[0]
    most = most_people(problem, ranked, total.objective)
    lighter = [0, *most[:-1]]
    return Counter(
        {min(t.priorities): m - before for t, m, before in zip(ranked, most, lighter, strict=True)}
    )


def report(name: str, problem: Problem, plan: Plan, bound: float, relaxed: Counter) -> None:
    breaches = check(problem, plan)
    flying = flown(problem, plan)
    per_priority = ", ".join(f"p{p} {flying[p]:,}/{relaxed[p]:,.0f}" for p in sorted(relaxed))
    lightest = min(problem.priority_weights.values())
    short = (bound - plan.objective) / lightest
    print(
        f"{name:<26} {plan.objective:>24,.0f}  {plan.objective / bound:.9%} of the bound "
        f"(short by the worth of {short:,.0f} people of the last priority)  "
        f"{plan.seconds:6.1f} s  {sum(flying.values()):,} people (of the relaxation's: "
        f"{per_priority}); {len(breaches)} breaches of the rules"
    )


def exact_attempt(problem: Problem, seconds: float) -> str:
    """The exact integer model given `seconds` (each of its solves stops there)."""
    columns = build(problem, layout(problem), exact=True).program.columns
    plan = solve(problem, method="exact", time_limit=seconds)
    size = f"{columns:,} columns; {plan.objective / plan.bound:.6%} of the bound"
    if plan.method == "exact":
        return f"solved to optimality in {plan.seconds:.1f} s ({size})"
    return f"gave up after {plan.seconds:.0f} s ({size}, {plan.method})"


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
    weights = ", ".join(f"{p}: {w:,}" for p, w in sorted(problem.priority_weights.items()))
    print(f"default priority weights {{{weights}}}")
    plan = solve(problem, method="aggregate")
    relaxed = relaxed_people(problem)
    report("evac plan (aggregate)", problem, plan, plan.bound, relaxed)
    report("first come, first served", problem, greedy(problem), plan.bound, relaxed)
    print(f"bound (linear relaxation)  {plan.bound:>24,.0f}")
    print(f"exact integer model: {exact_attempt(problem, arguments.exact_seconds)}")


if __name__ == "__main__":
    main()
