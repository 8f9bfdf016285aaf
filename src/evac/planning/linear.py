"""A linear or integer program built column by column and solved with HiGHS."""

from dataclasses import dataclass, field
from enum import StrEnum
from time import perf_counter

import highspy
import numpy as np

INFINITY = highspy.kHighsInf


class Outcome(StrEnum):
    optimal = "optimal"
    time_limit = "time limit"  # the best plan found in the time given
    infeasible = "infeasible"
    failed = "failed"


@dataclass(frozen=True)
class Solution:
    outcome: Outcome
    objective: float
    values: np.ndarray
    upper: float  # no solution is worth more: the objective, or a MIP's dual bound


@dataclass
class LinearModel:
    """A maximisation: variables with bounds and costs, rows of (column, coefficient) terms."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    entry_rows: list[int] = field(default_factory=list)
    entry_columns: list[int] = field(default_factory=list)
    entry_values: list[float] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return len(self.cost)

    def variable(
        self, *, cost: float = 0.0, lower: float = 0.0, upper: float = INFINITY, integer=False
    ) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(
        self, terms: list[tuple[int, float]], *, lower: float = -INFINITY, upper: float = INFINITY
    ) -> None:
        number = len(self.row_lower)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        for column, value in terms:
            self.entry_rows.append(number)
            self.entry_columns.append(column)
            self.entry_values.append(value)

    def solve(self, *, relax: bool, time_limit: float | None = None) -> Solution:
        """Solve as a MIP, or with `relax` as its linear relaxation."""
        until = None if time_limit is None else perf_counter() + time_limit
        return self.maximise_each([self.cost], relax=relax, until=until)[0]

    def maximise_each(
        self, objectives: list, *, relax: bool = True, until: float | None = None
    ) -> list[Solution]:
        """Solve for each objective (a cost per column) in turn on the same rows, all by
        `until` (a perf_counter moment; each solve gets at least a tenth of a second)."""
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("mip_rel_gap", 0.0)
        highs.passModel(self._lp(relax))
        every = np.arange(self.columns, dtype=np.int32)
        solutions = []
        for cost in objectives:
            if until is not None:
                highs.setOptionValue("time_limit", max(0.1, until - perf_counter()))
            highs.changeColsCost(self.columns, every, np.asarray(cost, dtype=float))
            highs.run()
            solutions.append(_solution(highs, whole=not relax and any(self.integer)))
        return solutions

    def copy(self) -> "LinearModel":
        """The same columns and rows, to add rows to without changing this one."""
        return LinearModel(*(list(getattr(self, name)) for name in self.__dataclass_fields__))

    def _lp(self, relax: bool) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = self.columns
        lp.num_row_ = len(self.row_lower)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.array(self.cost, dtype=float)
        lp.col_lower_ = np.array(self.lower, dtype=float)
        lp.col_upper_ = np.array(self.upper, dtype=float)
        lp.row_lower_ = np.array(self.row_lower, dtype=float)
        lp.row_upper_ = np.array(self.row_upper, dtype=float)
        columns = np.array(self.entry_columns, dtype=np.int64)
        order = np.argsort(columns, kind="stable")
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = self.columns
        lp.a_matrix_.num_row_ = len(self.row_lower)
        lp.a_matrix_.start_ = np.searchsorted(columns[order], np.arange(self.columns + 1))
        lp.a_matrix_.index_ = np.array(self.entry_rows, dtype=np.int32)[order]
        lp.a_matrix_.value_ = np.array(self.entry_values, dtype=float)[order]
        if not relax and any(self.integer):
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                for flag in self.integer
            ]
        return lp


def _solution(highs: highspy.Highs, *, whole: bool) -> Solution:
    status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # feasible
    if status == highspy.HighsModelStatus.kInfeasible:
        outcome = Outcome.infeasible
    elif status == highspy.HighsModelStatus.kOptimal:
        outcome = Outcome.optimal
    elif has_solution:
        outcome = Outcome.time_limit
    else:
        outcome = Outcome.failed
    values = np.array(highs.getSolution().col_value) if has_solution else np.zeros(0)
    objective = info.objective_function_value if has_solution else 0.0
    upper = info.mip_dual_bound if whole else objective
    return Solution(outcome, objective, values, upper)
