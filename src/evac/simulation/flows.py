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
        f"{left_after:,.0f}; peak crowd at the gates {before.peak_crowd:,.0f} -> "
        f"{after.peak_crowd:,.0f}."
    )
