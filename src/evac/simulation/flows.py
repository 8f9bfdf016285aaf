"""Jobs that string the simulation's pieces together."""

from sqlalchemy.orm import Session

from evac.operation.models import Operation
from evac.simulation.live import operation_scenario
from evac.simulation.report import outcome
from evac.simulation.runs import replicate
from evac.simulation.whatif import Variant, apply

DEMO_EXTRA_SORTIES = 10


def demo_step(
    session: Session, *, operation: Operation, replications: int = 4, seed: int = 1
) -> str:
    """The current plan against the same plan with ten more sorties, on the same luck: what
    changes by the deadline, in one sentence to print. Reads only."""
    baseline = operation_scenario(session, operation=operation)
    more = apply(baseline, Variant(extra_sorties=DEMO_EXTRA_SORTIES))
    before, after = (
        outcome(s, replicate(s, replications=replications, seed=seed)) for s in (baseline, more)
    )
    left = sum(before.left_behind.values())
    left_after = sum(after.left_behind.values())
    return (
        f"Simulated {replications} times to the deadline: {before.total_mean:,.0f} evacuated "
        f"on the current plan, {after.total_mean:,.0f} with {DEMO_EXTRA_SORTIES} more sorties "
        f"({after.total_mean - before.total_mean:+,.0f}); left behind {left:,.0f} -> "
        f"{left_after:,.0f}{_why_left(before.left_behind)}; peak crowd at the gates "
        f"{before.peak_crowd:,.0f} -> {after.peak_crowd:,.0f}."
    )


def _why_left(left_behind: dict[str, float]) -> str:
    """Why the current plan leaves people behind, largest reason first: a planner seeing no
    gain from more sorties needs to know that seats were not what was missing."""
    reasons = sorted(
        ((people, reason) for reason, people in left_behind.items() if people >= 0.5),
        reverse=True,
    )
    if not reasons:
        return ""
    return " (" + ", ".join(f"{reason}: {people:,.0f}" for people, reason in reasons) + ")"
