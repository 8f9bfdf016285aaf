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


GENERATE_HELP = (
    "Generate PERSONS synthetic evacuees in households, registered through six "
    "sources.\n\n"
    "Households: most are one man alone, the rest Afghan families, so that women and "
    "children are 45-46% of persons as DHS counted. Each source (web form, two NGOs, "
    "a congressional office, the embassy's staff list, the SIV case list) writes as "
    "real partners do: upper case, swapped order, full names, Solar Hijri dates, "
    "years only, 1 January defaults, dropped father's names, typos, phones without "
    "country code. About a third of persons arrive more than once: expect about 1.4 "
    "registrations a person. The truth (registration -> person -> household) goes to "
    "truth.csv, never into the database. A progress bar shows each run.\n\n"
    "\b\n"
    "Examples:\n"
    "  evac scenario generate --persons 20000 --out /tmp/scenario\n"
    "  evac scenario generate --persons 710000 --seed 7 --out big\n"
    "  (about 1,000,000 registrations)\n"
    "  evac scenario generate --persons 20000 --into-db --truth /tmp/truth\n"
)

OPERATION_HELP = (
    "Build an operation: airport, gates, aircraft types, the sorties of each day, "
    "hubs.\n\n"
    "kabul-2021 is Hamid Karzai International in August 2021, from the published "
    "daily figures that ship with evac (kabul-2021-airlift.csv, each row citing its "
    "source): one runway, Abbey/East/North/South gates, C-17s with their real loads, "
    "C-130s, coalition and charter flights, Al Udeid, Ramstein, Bahrain and Kuwait, "
    "deadline 31 August. 739 sorties against the 778 flights reported: the windows' "
    "flight counts, plus flights derived from passengers where a window gives no "
    "count; the rest flew before the first window (docs/scenario.md). generic is a "
    "small three-day operation for tests. Building twice adds nothing.\n\n"
    "\b\n"
    "Examples:\n"
    "  evac scenario operation kabul-2021\n"
    "  evac scenario operation kabul-2021 --data revised-figures/ --name kabul-rehearsal\n"
    "  evac scenario operation generic\n"
)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


@app.command("generate", help=GENERATE_HELP)
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
    """Generate synthetic evacuees with their registrations and the truth (see GENERATE_HELP)."""
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
    from evac.auth.permissions import cli_actor
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
            actor=cli_actor(),
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


@app.command("operation", help=OPERATION_HELP)
def operation_command(
    ctx: typer.Context,
    which: Annotated[str, typer.Argument(help="kabul-2021, or generic (a small test operation).")],
    data: Annotated[
        Path | None,
        typer.Option(
            file_okay=False,
            help="Folder with another kabul-2021-airlift.csv (default: the figures that ship "
            "with evac).",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Name of the operation (default: the scenario's).")
    ] = None,
) -> None:
    """Build an operation from the scenario data (see OPERATION_HELP)."""
    from evac.cli import initialise
    from evac.db import make_engine, make_sessionmaker, session_scope
    from evac.operation.service import sorties_per_day
    from evac.scenario.operations import MissingData, generic_operation, kabul_2021_operation
    from evac.vault.keys import provider_from_settings

    if which not in ("kabul-2021", "generic"):
        console.print(f"[red]Unknown operation {which!r}:[/] choose kabul-2021 or generic.")
        raise typer.Exit(2)
    settings = ctx.obj
    initialise(settings)
    provider = provider_from_settings(settings)
    factory = make_sessionmaker(make_engine(settings.database_url))
    try:
        with session_scope(factory) as session:
            if which == "kabul-2021":
                operation, created = kabul_2021_operation(
                    session, provider=provider, data=data, name=name or which
                )
            else:
                operation, created = (
                    generic_operation(session, provider=provider, name=name or which),
                    True,
                )
            sorties = sorties_per_day(session, operation=operation)
    except MissingData as error:
        console.print(f"[red]Cannot build the operation:[/] {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    if not created:
        console.print(f"Operation [bold]{operation.name}[/] exists already; nothing added.")
    print_sorties(sorties, title=f"Sorties of {operation.name} by day (local time)")


def print_sorties(sorties, *, title: str) -> None:
    types = sorted({name for _, name in sorties})
    table = Table(title=title, show_footer=True)
    table.add_column("day", footer="total")
    for name in types:
        total = sum(n for (_, t), n in sorties.items() if t == name)
        table.add_column(name, justify="right", footer=f"{total:,}")
    for day in sorted({day for day, _ in sorties}):
        table.add_row(day.isoformat(), *(f"{sorties.get((day, t), 0):,}" for t in types))
    console.print(table)
