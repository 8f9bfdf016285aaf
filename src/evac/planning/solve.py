"""Solve a planning problem: the exact integer program when it is small enough, else the
linear relaxation rounded to whole parties; the relaxation's value is the plan's bound.

The solver sees the objective in tiers of priority (see `tiers.py`), never the weights
themselves: weights 100 times apart span 10^12 with seven priorities, beyond what it can tell
apart.
"""

from time import perf_counter

import numpy as np

from evac.planning.assign import Loads, first_come_first_served, from_counts, from_fractions
from evac.planning.linear import Outcome
from evac.planning.model import Layout, PlanModel, build, layout
from evac.planning.problem import Plan, Problem, ProblemError
from evac.planning.tiers import (
    Pin,
    Tier,
    bound,
    free_objective,
    most_people,
    people,
    pin_rows,
    relaxed_pins,
    tiers,
    whole_pins,
)

EXACT_COLUMNS = (
    20_000  # larger exact models can take minutes: the aggregate then (docs/planning.md)
)
METHODS = ("auto", "exact", "aggregate")
BEST_TOLERANCE = 1e-9  # how far below the best value the soonest plan may fall
AUTO_SECONDS = 10.0  # what `auto` gives the exact solver: a re-plan must take seconds


def exact_columns(plan_layout: Layout) -> int:
    """Columns of the exact model: each class through each window, onto each sortie, waiting."""
    per_class = 2 * len(plan_layout.windows) + 2 * len(plan_layout.sorties)
    return len(plan_layout.classes) * per_class


def solve(problem: Problem, *, method: str = "auto", time_limit: float | None = None) -> Plan:
    """The best plan found: `exact` proves it best (within `time_limit`), `aggregate` rounds
    the linear relaxation, `auto` takes exact when the model is small enough."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    started = perf_counter()
    plan_layout = layout(problem)
    exact = method == "exact" or (method == "auto" and exact_columns(plan_layout) <= EXACT_COLUMNS)
    if method == "auto" and time_limit is None:
        time_limit = AUTO_SECONDS
    ranked = tiers(problem.priority_weights)
    # the aggregate's relaxation has the exact model's value (docs/planning.md) in a fraction
    # of its columns: the bound and the rounded plan come from it in both methods
    aggregate = build(problem, plan_layout, exact=False)
    most, relaxed = best_relaxation(problem, aggregate, ranked)
    best = bound(ranked, most)
    loads = from_fractions(problem, plan_layout, *_counts(aggregate, relaxed))
    used = "aggregate"
    if exact:
        until = None if time_limit is None else started + time_limit
        model = build(problem, plan_layout, exact=True)
        loads, used = best_whole_plan(problem, model, ranked, most, loads, until)
    return Plan(
        assignments=sorted(loads.assignments.values(), key=lambda a: (a.window_start, a.group)),
        objective=loads.objective(),
        bound=best,
        seconds=perf_counter() - started,
        method=used,
    )


def best_relaxation(
    problem: Problem, model: PlanModel, ranked: list[Tier]
) -> tuple[list[float], np.ndarray]:
    """The most people of each tier or heavier the relaxation can fly, and the relaxation's
    plan that flies all of them, soonest."""
    everyone = model.program.maximise_each([people(model, ranked, len(ranked) - 1)])[0]
    _refuse_unsolved(everyone.outcome)
    most = most_people(problem, ranked, everyone.objective)
    pinned = _pinned(model, ranked, relaxed_pins(most))
    soonest = pinned.program.maximise_each([soonest_cost(problem, model)])[0]
    if soonest.outcome == Outcome.optimal:
        return most, soonest.values
    # Never so in this model (see tiers.py); should a new rule stop people of every priority
    # from using seats, gates and beds alike, the bound still holds and the rounding starts
    # from the plan flying the most people
    return most, everyone.values


def best_whole_plan(
    problem: Problem,
    model: PlanModel,
    ranked: list[Tier],
    relaxed_most: list[float],
    rounded: Loads,
    until: float | None,
) -> tuple[Loads, str]:
    """The best whole plan: the most whole people of each tier or heavier (at most the
    relaxation's `relaxed_most`) bound every plan; the pins they and the best plan so far
    allow leave the solver the tiers still in play; each better plan found narrows them
    again (see `tiers.py`). Then the soonest of the plans worth as much. The rounded
    relaxation's plan if the solver finds none better."""
    costs = [people(model, ranked, tier) for tier in range(len(ranked))]
    maxima = model.program.maximise_each(costs, relax=False, until=until)
    most = [min(s.upper, m) for s, m in zip(maxima, relaxed_most, strict=True)]
    best, used, tier_pins = rounded, "aggregate", None
    while True:
        narrower = whole_pins(ranked, most, bound(ranked, most) - best.objective())
        if narrower == tier_pins:
            return best, used
        tier_pins = narrower
        found = _best_within(problem, model, ranked, tier_pins, until)
        if found is None:
            return best, used
        loads, outcome = found
        if loads.objective() >= best.objective():
            best = loads
            used = "exact" if outcome == Outcome.optimal else "exact, stopped at time limit"
        if outcome != Outcome.optimal or (until is not None and perf_counter() >= until):
            return best, used  # out of time: narrowing again would need more


def _best_within(
    problem: Problem,
    model: PlanModel,
    ranked: list[Tier],
    tier_pins: list[Pin],
    until: float | None,
) -> tuple[Loads, Outcome] | None:
    """The best whole plan within the pins, the soonest of those worth as much."""
    pinned = _pinned(model, ranked, tier_pins)
    value = free_objective(model, ranked, tier_pins)
    best = pinned.program.maximise_each([value], relax=False, until=until)[0]
    if best.outcome not in (Outcome.optimal, Outcome.time_limit):
        return None
    held = [(column, cost) for column, cost in enumerate(value) if cost]
    if held:
        pinned.program.row(held, lower=best.objective - BEST_TOLERANCE * max(1, best.objective))
    soonest_of = [soonest_cost(problem, model)]
    soonest = pinned.program.maximise_each(soonest_of, relax=False, until=until)[0]
    chosen = soonest if soonest.values.size else best
    counts = _counts(model, chosen.values, windows=True)
    return from_counts(problem, model.layout, *counts), best.outcome


def _pinned(model: PlanModel, ranked: list[Tier], tier_pins: list[Pin]) -> PlanModel:
    """A copy of the model with each tier's people held within its pin."""
    pinned = PlanModel(
        model.program.copy(), model.layout, model.on_sortie, model.in_window, model.fixed_on
    )
    pin_rows(pinned, ranked, tier_pins)
    return pinned


def soonest_cost(problem: Problem, model: PlanModel) -> np.ndarray:
    """Each person counted by the time left before the deadline when their sortie departs:
    among plans worth as much, one that flies people soonest (every hour before the deadline
    is an hour less for a crowd, a bomb or a closed gate to stop them)."""
    span = (problem.deadline - problem.start).total_seconds()
    cost = np.zeros(model.program.columns)
    sizes = [c.size for c in model.layout.classes]
    fixed_sizes = [group.size for _, group, _ in model.layout.fixed]
    for key_sizes, columns in ((sizes, model.on_sortie), (fixed_sizes, model.fixed_on)):
        for (owner, sortie), column in columns.items():
            left = (problem.deadline - model.layout.sorties[sortie].departs).total_seconds()
            cost[column] = key_sizes[owner] * left / span
    return cost


def _refuse_unsolved(outcome: Outcome) -> None:
    """A relaxation without a solution: only parties already called forward can make it so."""
    if outcome == Outcome.infeasible:
        raise ProblemError(
            "groups[].fixed",
            "the parties already called forward cannot all fly: not enough seats or beds "
            "after their windows",
        )
    if outcome != Outcome.optimal:
        raise ProblemError("(problem)", f"the solver found no plan ({outcome})")


def _counts(model: PlanModel, values, *, windows: bool = False) -> tuple[dict, ...]:
    """The solution's values by what they count: on sorties, (through windows,) fixed."""
    on_sortie = {key: values[column] for key, column in model.on_sortie.items()}
    fixed = {key: values[column] for key, column in model.fixed_on.items()}
    if not windows:
        return on_sortie, fixed
    in_window = {key: values[column] for key, column in model.in_window.items()}
    return on_sortie, in_window, fixed


def greedy(problem: Problem) -> Plan:
    """First come, first served, for comparison: each party in turn on the earliest sortie."""
    started = perf_counter()
    loads = first_come_first_served(problem, layout(problem))
    return Plan(
        assignments=sorted(loads.assignments.values(), key=lambda a: (a.window_start, a.group)),
        objective=loads.objective(),
        bound=None,
        seconds=perf_counter() - started,
        method="first come, first served",
    )
