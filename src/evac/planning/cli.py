"""`evac plan`: call-forward windows and sorties, from a file or for the current operation."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

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
