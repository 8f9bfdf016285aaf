"""The objective in tiers of priority, so that weights 100 times apart stay exact for any number
of priorities.

With seven priorities at 100 times each the weights span 1 to 10^12: a plan worth 6 × 10^15
differs from a better one by 1, below what a double (and HiGHS's tolerances of 10^-7) can tell
apart. So the solver never sees those weights. A plan's value Σ size × weight is also
Σ_k step_k × Y_k, where tier k holds the priorities of the k-th heaviest weight, Y_k counts the
people planned in tier k or a heavier one, and step_k is tier k's weight less the next lighter
tier's (the lightest tier's step is its weight). Then:

- **Bound.** No plan flies more people of tiers 1..k than there are, nor more than T (the
  most people the linear relaxation can fly: a program whose costs are party sizes, well
  scaled) less the people of lighter tiers already called forward (they must fly). Call the
  smaller M_k: Σ step_k M_k bounds every plan. The relaxation reaches every M_k at once: its
  parties that are not fixed differ only in size and priority, and people of any priority use
  seats, gates and beds alike, so the people it flies can be swapped for people of a heavier
  tier. The bound is therefore the relaxation's value (the solver checks it: the relaxation
  held at every M_k at once must be feasible).
- **Exact plans.** A plan worth at least `floor` (one already found) is short of the bound by
  at most gap = bound − floor, and each term step_k × (M_k − Y_k) is at least 0, so
  Y_k ≥ M_k − gap / step_k. Where that leaves one whole number, Y_k is fixed and its term a
  constant; the solver maximises the other terms, whose steps are at most the gap. The best
  plan of this smaller program is the best weighted plan: not a lexicographic order, since a
  tier is fixed only where no trade with lighter tiers can pay (101 people of priority 2 still
  beat 1 of priority 1).
"""

from dataclasses import dataclass
from math import ceil, floor

import numpy as np

from evac.planning.model import PlanModel
from evac.planning.problem import Problem

PEOPLE_TOLERANCE = 1e-6  # of a count of people: what a relaxation's counts may be off by


@dataclass(frozen=True)
class Tier:
    """The priorities of one weight, and how much more that weight is than the next lighter."""

    priorities: frozenset[int]
    step: float


@dataclass(frozen=True)
class Pin:
    """How many people of a tier or heavier the plans still worth having fly: at least `least`,
    at most `most`."""

    least: float
    most: float

    @property
    def fixed(self) -> bool:
        return self.most - self.least < 1


def tiers(weights: dict[int, float]) -> list[Tier]:
    """Priorities grouped by weight, heaviest first; a weight of 0 counts for nothing."""
    levels = sorted({weight for weight in weights.values() if weight > 0}, reverse=True)
    lighter = [*levels[1:], 0]
    return [
        Tier(frozenset(p for p, weight in weights.items() if weight == level), level - below)
        for level, below in zip(levels, lighter, strict=True)
    ]


def people(model: PlanModel, ranked: list[Tier], tier: int) -> np.ndarray:
    """Per column: the people it plans of tier `tier` or a heavier one."""
    priorities = frozenset().union(*(t.priorities for t in ranked[: tier + 1]))
    counts = np.zeros(model.program.columns)
    classes = model.layout.classes
    for (number, _), column in model.on_sortie.items():
        if classes[number].priority in priorities:
            counts[column] = classes[number].size
    for (position, _), column in model.fixed_on.items():
        group = model.layout.fixed[position][1]
        if group.priority in priorities:
            counts[column] = group.size
    return counts


def most_people(problem: Problem, ranked: list[Tier], total: float) -> list[float]:
    """M_k for each tier: the people of tiers 1..k there are, or `total` less the people of
    lighter tiers already called forward, whichever is smaller."""
    tier_of = {
        priority: number for number, tier in enumerate(ranked) for priority in tier.priorities
    }
    there, fixed = [0] * len(ranked), [0] * len(ranked)
    for group in problem.groups:
        number = tier_of.get(group.priority)
        if number is not None:
            there[number] += group.size
            fixed[number] += group.size if group.fixed else 0
    return [min(sum(there[: k + 1]), total - sum(fixed[k + 1 :])) for k in range(len(ranked))]


def bound(ranked: list[Tier], most: list[float]) -> float:
    """The value of a plan flying `most[k]` people of each tier k or heavier."""
    return sum(tier.step * count for tier, count in zip(ranked, most, strict=True))


def relaxed_pins(most: list[float]) -> list[Pin]:
    """Each tier's most people, give or take the solver's tolerance: the relaxation's best."""
    slack = [PEOPLE_TOLERANCE * max(1.0, count) for count in most]
    return [Pin(count - off, count + off) for count, off in zip(most, slack, strict=True)]


def whole_pins(ranked: list[Tier], most: list[float], gap: float) -> list[Pin]:
    """What every whole plan short of the bound by at most `gap` flies of each tier or
    heavier, in whole people."""
    found = []
    for tier, count in zip(ranked, most, strict=True):
        whole = floor(count + PEOPLE_TOLERANCE)
        least = min(whole, max(0, ceil(count - gap / tier.step - PEOPLE_TOLERANCE)))
        found.append(Pin(least, whole))
    return found


def pin_rows(model: PlanModel, ranked: list[Tier], tier_pins: list[Pin]) -> None:
    """Add each tier's pin as a row of the model's program."""
    for tier, pin in enumerate(tier_pins):
        counts = people(model, ranked, tier)
        terms = [(int(column), float(counts[column])) for column in np.flatnonzero(counts)]
        model.program.row(terms, lower=pin.least, upper=pin.most)


def free_objective(model: PlanModel, ranked: list[Tier], tier_pins: list[Pin]) -> np.ndarray:
    """The weighted value of the tiers not fixed, per column, scaled so its largest step is 1:
    what the pinned program maximises."""
    free = [tier for tier, pin in enumerate(tier_pins) if not pin.fixed]
    cost = np.zeros(model.program.columns)
    if not free:
        return cost
    largest = max(ranked[tier].step for tier in free)
    for tier in free:
        cost += ranked[tier].step / largest * people(model, ranked, tier)
    return cost
