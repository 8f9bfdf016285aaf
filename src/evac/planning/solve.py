"""Solve a planning problem: the exact integer program when it is small enough, else the
linear relaxation rounded to whole parties; the relaxation's value is the plan's bound."""

from dataclasses import replace
from time import perf_counter

import numpy as np

from evac.planning.assign import first_come_first_served, from_counts, from_fractions
from evac.planning.linear import Outcome, Solution
from evac.planning.model import Layout, PlanModel, build, layout
from evac.planning.problem import Plan, Problem, ProblemError

EXACT_COLUMNS = (
    20_000  # larger exact models can take minutes: the aggregate then (docs/planning.md)
)
METHODS = ("auto", "exact", "aggregate")
BEST_TOLERANCE = 1e-9  # how far below the best value the soonest plan may fall
AUTO_SECONDS = 10.0  # what `auto` gives the exact solver: a re-plan must take seconds
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
    model = build(problem, plan_layout, exact=exact)
    relaxed = model.program.solve(relax=True)
    _refuse_unsolved(relaxed.outcome)
    solution = None
    if exact:
        remaining = None if time_limit is None else max(1.0, time_limit - relaxed.seconds)
        solution = model.program.solve(relax=False, time_limit=remaining)
    if solution is not None and solution.outcome in (Outcome.optimal, Outcome.time_limit):
        used = "exact" if solution.outcome == Outcome.optimal else "exact, stopped at time limit"
        soonest = soonest_of_the_best(problem, model, solution, relax=False, time_limit=remaining)
        loads = from_counts(problem, plan_layout, *_counts(model, soonest, windows=True))
    else:
        used = "aggregate"
        soonest = soonest_of_the_best(problem, model, relaxed)
        loads = from_fractions(problem, plan_layout, *_counts(model, soonest))
    return Plan(
        assignments=sorted(loads.assignments.values(), key=lambda a: (a.window_start, a.group)),
        objective=loads.objective(),
        bound=relaxed.objective,
        seconds=perf_counter() - started,
        method=used,
    )


def soonest_of_the_best(
    problem: Problem,
    model: PlanModel,
    best: Solution,
    *,
    relax: bool = True,
    time_limit: float | None = None,
) -> np.ndarray:
    """Among the plans worth as much as `best` (of the relaxation, or of the integer program
    unless `relax`), one that flies people soonest: every hour before the deadline is an hour
    less for a crowd, a bomb or a closed gate to stop them."""
    program = replace(
        model.program,
        cost=[0.0] * model.program.columns,
        row_lower=list(model.program.row_lower),
        row_upper=list(model.program.row_upper),
        entry_rows=list(model.program.entry_rows),
        entry_columns=list(model.program.entry_columns),
        entry_values=list(model.program.entry_values),
    )
    value = [(column, cost) for column, cost in enumerate(model.program.cost) if cost]
    program.row(value, lower=best.objective * (1 - BEST_TOLERANCE))
    span = (problem.deadline - problem.start).total_seconds()
    sizes = [c.size for c in model.layout.classes]
    fixed_sizes = [group.size for _, group, _ in model.layout.fixed]
    for key_sizes, columns in ((sizes, model.on_sortie), (fixed_sizes, model.fixed_on)):
        for (owner, sortie), column in columns.items():
            left = (problem.deadline - model.layout.sorties[sortie].departs).total_seconds()
            program.cost[column] = key_sizes[owner] * left / span
    solution = program.solve(relax=relax, time_limit=time_limit)
    found = solution.outcome == Outcome.optimal or (
        not relax and solution.outcome == Outcome.time_limit
    )
    return solution.values if found else best.values


def _refuse_unsolved(outcome: Outcome) -> None:
    """A relaxation without a solution: only parties already called forward can make it so."""
    if outcome == Outcome.infeasible:
        raise ProblemError(
            "groups[].fixed",
            "the parties already called forward cannot all fly: not enough seats or beds "
            "after their windows",
        )
    if outcome != Outcome.optimal:
        raise ProblemError(
            "priority_weights", "the solver found no plan: try weights closer to each other"
        )


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
