"""`evac eligibility`: the policy, and decisions for a file of persons."""

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evac.eligibility.files import MissingColumn, Summary, decide_file
from evac.eligibility.policy import (
    Policy,
    PolicyError,
    default_policy,
    default_policy_text,
    load_policy,
)

app = typer.Typer(
    help="Eligibility: who may go, with whom and in what order, by a policy staff can edit.",
    no_args_is_help=True,
)
policy_app = typer.Typer(help="The eligibility policy (a YAML file).", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
console = Console(stderr=True)
output = Console()
PROGRESS_FROM_ROWS = 5_000  # below this a file is decided before a bar could be read


@policy_app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Validate a policy file: a summary when it is sound, else every error with its line."""
    policy = _policy_or_exit(file)
    output.print(f"[green]{escape(str(file))}: a sound policy.[/]")
    print_summary(policy)


@policy_app.command("show")
def show_command() -> None:
    """Print the default policy (US guidance of August 2021), to copy and edit."""
    output.out(default_policy_text(), end="")


@app.command("file")
def file_command(
    persons: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, one person a row."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the decisions (CSV).")],
    policy_file: Annotated[
        Path | None,
        typer.Option(
            "--policy", exists=True, dir_okay=False, help="Policy YAML (default: the built-in)."
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Day on which ages count (default: today)."),
    ] = None,
) -> None:
    """Decide eligibility for a CSV of persons, without a database.

    Columns: record_id, household_id, relationship, category_claimed, nationality,
    date_of_birth, us_passport_number, green_card_number, siv_case_number, com_approval_date
    (and optionally siv_visa_number, marital_status, flags); others are ignored. Writes
    record_id, party_id, eligible, category, basis, priority, reason.
    """
    policy = _policy_or_exit(policy_file) if policy_file else default_policy()
    day = as_of.date() if as_of else date.today()
    try:
        with _bar() as bar:
            tasks: dict[str, int] = {}

            def progress(step: str, done: int, total: int | None) -> None:
                if total is None or total < PROGRESS_FROM_ROWS:
                    return
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total)
                bar.update(tasks[step], completed=done)

            summary = decide_file(persons, out, policy=policy, as_of=day, progress=progress)
    except MissingColumn as error:
        console.print(f"[red]Cannot decide:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2) from None
    print_file_summary(summary, out, policy, day)


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _policy_or_exit(file: Path) -> Policy:
    try:
        return load_policy(file)
    except PolicyError as error:
        console.print(f"[red]{escape(error.source)} is not a usable policy:[/]")
        for problem in error.problems:
            console.print(f"  {escape(str(problem))}", soft_wrap=True)
        raise typer.Exit(1) from None


def print_summary(policy: Policy) -> None:
    output.print(f"version {escape(policy.version)}: {escape(policy.name)}")
    table = Table(title="Categories, in order of priority")
    for column in ("priority", "category", "outcome", "on claim only", "claims"):
        table.add_column(column)
    for level, names in enumerate(policy.priority, 1):
        for name in names:
            category = policy.categories[name]
            on_claim = category.on_claim or category.outcome
            claims = ", ".join(category.claims)
            table.add_row(str(level), name, category.outcome, on_claim, escape(claims))
    output.print(table)
    for rule in policy.derivatives:
        relatives = ", ".join(
            f"{role}"
            + (" (unmarried)" if c.unmarried else "")
            + (f" under {c.under_age}" if c.under_age else "")
            for role, c in rule.relationships.items()
        )
        output.print(f"derivatives of {', '.join(rule.categories)}: {relatives}")
    flags = ", ".join(f"{flag} +{steps}" for flag, steps in policy.flags.items())
    output.print(f"flags: {flags or 'none'}")


def print_file_summary(summary: Summary, out: Path, policy: Policy, day: date) -> None:
    output.print(
        f"{summary.rows:,} persons in {summary.parties:,} parties, policy {escape(policy.version)}"
        f", ages on {day.isoformat()}: {escape(str(out))}"
    )
    table = Table(title="Decisions")
    table.add_column("outcome")
    table.add_column("persons", justify="right")
    for outcome, count in summary.outcomes.most_common():
        table.add_row(outcome, f"{count:,}")
    output.print(table)
    if summary.mixed_parties:
        output.print(
            f"[yellow]Parties with mixed outcomes, for an officer:[/] {summary.mixed_parties:,}"
        )
    if summary.unmapped_claims:
        output.print("[yellow]Claims the policy does not map[/] (add them to a category's claims):")
        for claim, count in summary.unmapped_claims.most_common():
            output.print(f"  {escape(claim)!s}: {count:,}")
