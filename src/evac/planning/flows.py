"""Jobs that string planning's services together: plan the register, ask what if, the demo."""

from datetime import datetime

from sqlalchemy.orm import Session

from evac.eligibility.service import plannable_parties
from evac.operation.models import Operation, SiteKind
from evac.operation.service import list_sites
from evac.planning.models import SavedPlan
from evac.planning.service import Summary, plan_operation, save_plan, summarise
from evac.planning.solve import solve
from evac.planning.whatif import Change, apply, each_and_all


def run_plan(
    session: Session,
    *,
    operation: Operation,
    actor: str,
    start: datetime | None = None,
    parties: list | None = None,
) -> tuple[SavedPlan, Summary]:
    """Plan the operation's eligible parties (or those given) and save it as a new version."""
    if parties is None:
        parties = plannable_parties(session, operation=operation)
    problem, plan = plan_operation(session, operation=operation, parties=parties, start=start)
    saved = save_plan(
        session, operation=operation, problem=problem, plan=plan, parties=parties, actor=actor
    )
    return saved, summarise(problem, plan, saved.version)


def what_if(
    session: Session,
    *,
    operation: Operation,
    change: Change,
    start: datetime | None = None,
    parties: list | None = None,
) -> list[tuple[str, Summary]]:
    """The plan as things stand, then each part of the change on its own (and all together):
    nothing is saved."""
    if parties is None:
        parties = plannable_parties(session, operation=operation)
    problem, plan = plan_operation(session, operation=operation, parties=parties, start=start)
    results = [(str(Change()), summarise(problem, plan))]
    slots = runway_slots(session, operation=operation)
    for part in each_and_all(change):
        changed = apply(problem, part, departures_per_hour=slots)
        results.append((str(part), summarise(changed, solve(changed))))
    return results


def runway_slots(session: Session, *, operation: Operation) -> int | None:
    """Departures an hour the operation's airport can take (None: not known)."""
    airports = [
        site.departures_per_hour
        for site in list_sites(session, operation=operation)
        if site.kind == SiteKind.airport and site.departures_per_hour
    ]
    return sum(airports) or None


def demo_step(session: Session, *, operation: Operation, actor: str = "demo") -> str:
    """Plan the demo's eligible parties; the lines to print."""
    saved, summary = run_plan(session, operation=operation, actor=actor)
    return summary_text(summary, title=f"Plan version {saved.version}")


def summary_text(summary: Summary, *, title: str) -> str:
    """A plan's summary in a few plain lines."""
    ratio = summary.objective / summary.bound if summary.bound else 1.0
    priorities = ", ".join(
        f"priority {p}: {summary.flown_by_priority[p]:,} of {wanted:,}"
        for p, wanted in summary.wanted_by_priority.items()
    )
    left = ", ".join(f"{people:,} ({reason})" for reason, people in summary.left_behind.items())
    lines = [
        f"{title}: {summary.flown:,} of {summary.people:,} people out by the deadline "
        f"({ratio:.2%} of the bound; {summary.method}, {summary.seconds:.1f} s)",
        f"  {priorities}",
        f"  left behind: {left or 'nobody'}",
    ]
    return "\n".join(lines)
