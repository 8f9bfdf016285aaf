"""`evac scenario`: synthetic populations with ground truth, and the Kabul 2021 operation."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from evac.scenario.service import Summary

app = typer.Typer(
    help="Scenarios: synthetic evacuees (never real people) with the truth kept apart, and the "
    "operation of August 2021 built from the public figures.",
    no_args_is_help=True,
)
console = Console(stderr=True)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


@app.command("generate")
def generate_command(
    ctx: typer.Context,
    persons: Annotated[int, typer.Option(min=1, help="How many persons to make.")] = 10_000,
    seed: Annotated[int, typer.Option(help="The same seed gives the same population.")] = 2021,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            file_okay=False,
            help="Folder for the partner files (sources/), linkage-input.csv and truth.csv.",
        ),
    ] = None,
    into_db: Annotated[
        bool,
        typer.Option(
            "--into-db",
            help="Store the registrations, encrypted, in the database (re-running adds nothing).",
        ),
    ] = False,
    operation: Annotated[
        str,
        typer.Option(help="Operation to load into (--into-db); created when missing."),
    ] = "scenario",
    truth: Annotated[
        Path | None,
        typer.Option(help="With --into-db: also write the truth (and files) into this folder."),
    ] = None,
) -> None:
    """Generate PERSONS synthetic evacuees in households, registered through six sources.

    Each source writes as real partners do (upper case, swapped order, full names, Solar Hijri
    dates, years only, 1 January defaults, dropped father's names, typos, phones without
    country code). About a third of persons arrive more than once. The truth (registration ->
    person -> household) goes to truth.csv, never into the database.
    """
    from evac.scenario.service import write_scenario

    if out is None and not into_db:
        console.print("[red]Say where to put it:[/] --out FOLDER, --into-db, or both.")
        raise typer.Exit(2)
    folder = out or truth
    if folder is not None:
        with progress_bar() as bar:
            task = bar.add_task("writing files", total=persons)
            summary = write_scenario(
                out=folder, persons=persons, seed=seed, progress=lambda n: bar.advance(task, n)
            )
        print_summary(summary, title=f"Written to {folder}")
    if into_db:
        summary = load_into_database(ctx.obj, operation_name=operation, persons=persons, seed=seed)
        print_summary(summary, title=f"Loaded into operation {operation!r}")
        console.print(
            f"{summary.inserted:,} registrations added "
            f"({summary.total_registrations - summary.inserted:,} were already there)."
        )


def load_into_database(settings, *, operation_name: str, persons: int, seed: int) -> Summary:
    """Migrate, find or create the operation, and load the scenario with a progress bar."""
    from evac.cli import initialise
    from evac.db import make_engine, make_sessionmaker, session_scope
    from evac.scenario.service import find_or_create_operation, load_scenario
    from evac.vault.keys import provider_from_settings
    from evac.vault.service import cipher_for

    initialise(settings)
    provider = provider_from_settings(settings)
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        operation = find_or_create_operation(session, provider=provider, name=operation_name)
        cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    with progress_bar() as bar:
        task = bar.add_task("loading registrations", total=persons)
        return load_scenario(
            session_factory=factory,
            cipher=cipher,
            persons=persons,
            seed=seed,
            progress=lambda n: bar.advance(task, n),
        )


def print_summary(summary: Summary, *, title: str) -> None:
    table = Table(title=title, show_footer=True)
    table.add_column("source", footer="total")
    table.add_column("registrations", justify="right", footer=f"{summary.total_registrations:,}")
    for source, count in summary.registrations.items():
        table.add_row(source, f"{count:,}")
    console.print(table)
    console.print(f"{summary.persons:,} persons in {summary.households:,} households.")
