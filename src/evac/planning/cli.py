"""`evac plan`: call-forward windows and sorties, from a file or for the current operation."""

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evac.planning.check import check
from evac.planning.problem import ProblemError, plan_to_dict, read_plan, read_problem
from evac.planning.solve import METHODS, solve

app = typer.Typer(
    help="Planning: a call-forward window, a gate and a sortie for every eligible party.",
    no_args_is_help=True,
)
console = Console(stderr=True)
output = Console()

ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


@app.command("solve")
def solve_command(
    problem_file: ExistingFile,
    out: Annotated[Path, typer.Option("--out", help="Where to write PLAN.json.")],
    method: Annotated[
        str, typer.Option(help=f"One of {', '.join(METHODS)}: exact proves the plan best.")
    ] = "auto",
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds the exact solver may take.")
    ] = None,
) -> None:
    """Plan PROBLEM.json (format in docs/planning.md) and write PLAN.json."""
    try:
        problem = read_problem(problem_file)
        plan = solve(problem, method=method, time_limit=time_limit)
    except (ProblemError, ValueError) as error:
        console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
        raise typer.Exit(2) from error
    out.write_text(json.dumps(plan_to_dict(plan), indent=1) + "\n", encoding="utf-8")
    people = sum(group.size for group in problem.groups)
    planned = {a.group for a in plan.assignments}
    flying = sum(group.size for group in problem.groups if group.id in planned)
    ratio = plan.objective / plan.bound if plan.bound else 1.0
    output.print(
        f"{len(planned):,} of {len(problem.groups):,} parties ({flying:,} of {people:,} people) "
        f"planned; objective {plan.objective:,.0f}, {ratio:.2%} of the bound {plan.bound:,.0f}; "
        f"{plan.method} in {plan.seconds:.1f} s. Written to {escape(str(out))}."
    )


@app.command("check")
def check_command(problem_file: ExistingFile, plan_file: ExistingFile) -> None:
    """Check PLAN.json against every rule of PROBLEM.json; print each breach."""
    try:
        problem, plan = read_problem(problem_file), read_plan(plan_file)
    except ProblemError as error:
        console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
        raise typer.Exit(2) from error
    breaches = check(problem, plan)
    for breach in breaches:
        output.print(escape(str(breach)), soft_wrap=True)
    if breaches:
        output.print(f"[red]{len(breaches)} breach(es).[/]")
        raise typer.Exit(1)
    output.print(f"[green]The plan keeps every rule ({len(plan.assignments):,} parties).[/]")


OperationOption = Annotated[
    str | None, typer.Option("--operation", help="Operation name (needed if there are several).")
]
StartOption = Annotated[
    datetime | None,
    typer.Option(
        "--start",
        formats=["%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"],
        help="No window before this time (default: a day before the first planned sortie).",
    ),
]


def _session(ctx: typer.Context):
    from evac.db import make_engine, make_sessionmaker, session_scope

    settings = ctx.find_root().obj
    return session_scope(make_sessionmaker(make_engine(settings.database_url)))


def _operation(session, name: str | None):
    from evac.intake.service import IntakeFailed, current_operation
    from evac.operation.service import OperationNotFound

    try:
        return current_operation(session, name=name)
    except (IntakeFailed, OperationNotFound) as error:
        console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
        raise typer.Exit(2) from error


@app.command("run")
def run_command(
    ctx: typer.Context, operation: OperationOption = None, start: StartOption = None
) -> None:
    """Plan the operation's eligible parties and save the plan as its next version."""
    from evac.planning.flows import run_plan, summary_text

    with _session(ctx) as session:
        chosen = _operation(session, operation)
        try:
            saved, summary = run_plan(session, operation=chosen, actor="cli", start=start)
        except ProblemError as error:
            console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
            raise typer.Exit(2) from error
        output.print(escape(summary_text(summary, title=f"Plan version {saved.version}")))


@app.command("show")
def show_command(ctx: typer.Context, operation: OperationOption = None) -> None:
    """The current plan: people out by priority and by day, and who is left behind."""
    from evac.planning.service import current_plan, saved_summary

    with _session(ctx) as session:
        chosen = _operation(session, operation)
        plan = current_plan(session, operation=chosen)
        if plan is None:
            output.print("No plan yet: run [bold]evac plan run[/].")
            return
        output.print(summary_table([(f"version {plan.version}", saved_summary(session, plan))]))


@app.command("what-if")
def what_if_command(
    ctx: typer.Context,
    sorties: Annotated[
        int, typer.Option("--sorties", help="Sorties more (+10) or fewer (-5).")
    ] = 0,
    gate_closed: Annotated[
        list[str] | None, typer.Option("--gate-closed", help="A gate closed from now on.")
    ] = None,
    hub_full: Annotated[
        list[str] | None, typer.Option("--hub-full", help="A hub full from now on.")
    ] = None,
    operation: OperationOption = None,
    start: StartOption = None,
) -> None:
    """Each change beside the plan as it stands: people out by the deadline, by priority and
    by day. Nothing is saved."""
    from evac.planning.flows import what_if
    from evac.planning.whatif import Change

    change = Change(sorties, tuple(gate_closed or ()), tuple(hub_full or ()))
    with _session(ctx) as session:
        chosen = _operation(session, operation)
        try:
            results = what_if(session, operation=chosen, change=change, start=start)
        except ProblemError as error:
            console.print(f"[red]{escape(str(error))}[/]", soft_wrap=True)
            raise typer.Exit(2) from error
    output.print(summary_table(results))


def summary_table(results: list) -> Table:
    """Plans side by side: people out by the deadline, per priority, per day."""
    table = Table(title="People out by the deadline")
    table.add_column("")
    for label, _ in results:
        table.add_column(escape(label), justify="right")
    first = results[0][1]
    table.add_row("all", *(f"{s.flown:,}" for _, s in results))
    for priority in first.wanted_by_priority:
        table.add_row(
            f"priority {priority}",
            *(f"{s.flown_by_priority.get(priority, 0):,}" for _, s in results),
        )
    days = sorted({day for _, s in results for day in s.flown_by_day})
    for day in days:
        table.add_row(day, *(f"{s.flown_by_day.get(day, 0):,}" for _, s in results))
    for reason in ("no seats", "gate full", "hub full"):
        table.add_row(f"left: {reason}", *(f"{s.left_behind.get(reason, 0):,}" for _, s in results))
    return table
