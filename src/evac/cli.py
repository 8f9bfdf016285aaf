"""The `evac` command line."""

import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import OperationalError, ProgrammingError

from evac import __version__
from evac.auth import cli as auth_cli
from evac.config import Settings, remove_sqlite_file, sqlite_file
from evac.db import make_engine, make_sessionmaker, migrate, session_scope
from evac.eligibility import cli as eligibility_cli
from evac.eligibility.service import claims_to_map
from evac.gate import cli as gate_cli
from evac.intake import cli as intake_cli
from evac.linkage import cli as linkage_cli
from evac.notify import cli as notify_cli
from evac.passes import cli as passes_cli
from evac.people.models import State
from evac.people.service import count_by_category_and_state
from evac.people.views import STATE_LABELS
from evac.planning import cli as planning_cli
from evac.reports import cli as reports_cli
from evac.scenario import cli as scenario_cli
from evac.simulation import cli as simulation_cli
from evac.vault import cli as vault_cli
from evac.vault.keys import create_master_key_file
from evac.vault.service import KeysDestroyed

app = typer.Typer(
    help="evac: run a noncombatant evacuation, from the first list of names to the last flight.\n\n"
    "Start with `evac init` (creates the database and a master key), or `evac demo` for a "
    "complete example on a generated scenario.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold decrypted personal data
    rich_markup_mode="rich",
)
console = Console()
SHREDDED = (
    "This operation's personal data was destroyed (crypto-shred): nothing can be read, "
    "imported or linked any more."
)


def settings_from(ctx: typer.Context) -> Settings:
    return ctx.obj


@app.callback()
def main(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="EVAC_DATABASE_URL",
            show_envvar=True,
            help="SQLAlchemy URL of the database (default: sqlite:///evac.db in this folder).",
        ),
    ] = None,
) -> None:
    overrides = {"database_url": database_url} if database_url else {}
    ctx.obj = Settings(**overrides)
    database_file = sqlite_file(ctx.obj.database_url)
    if database_file is not None and not database_file.exists():
        # SQLite makes the file as it connects: a command that then fails (a mistyped path,
        # `status` before `init`) would leave an empty file that looks like a database.
        ctx.call_on_close(lambda: _remove_if_empty(database_file))


def _remove_if_empty(database_file: Path) -> None:
    """Remove a SQLite file this command made and left without a table (the pragmas evac sets
    on connecting write a first page even when nothing else is written)."""
    if not database_file.exists():
        return
    with closing(sqlite3.connect(database_file)) as connection:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if tables == 0:
        remove_sqlite_file(database_file)


def command_as_found() -> str:
    """How to run this evac again from the current folder: `evac` when the shell finds this
    very one, else its path (`.venv/bin/evac` when the virtual environment is not active)."""
    script = Path(sys.argv[0])
    if script.name != "evac":  # `python -m evac`, or a test runner
        return f"{_as_typed(Path(sys.executable))} -m evac"
    found = shutil.which("evac")
    if found and Path(found).resolve() == script.resolve():
        return "evac"
    return _as_typed(script)


def _as_typed(path: Path) -> str:
    """A path relative to the current folder when it lies inside it, else absolute."""
    absolute = path.absolute()
    if absolute.is_relative_to(Path.cwd()):
        return str(absolute.relative_to(Path.cwd()))
    return str(absolute)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database or bring it to the newest schema, and a master key if there is none."""
    settings = settings_from(ctx)
    initialise(settings)
    console.print(f"[green]Database ready[/] at {settings.masked()['database_url']}")
    console.print("Next: [bold]evac status[/] to see counts, [bold]evac serve[/] for the pages.")


def initialise(settings: Settings) -> None:
    """Migrate the database and make sure a master key exists."""
    if settings.master_key is None and create_master_key_file(settings.master_key_file):
        console.print(
            f"[yellow]Created master key[/] {settings.master_key_file} (owner-only). Keep a copy "
            "offline: without it no personal data can be read."
        )
    migrate(settings.database_url)


@app.command()
def status(ctx: typer.Context) -> None:
    """Count persons by category and lifecycle state."""
    print_status(settings_from(ctx))


def print_status(settings: Settings) -> None:
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        counts = count_by_category_and_state(session)
        claims = claims_to_map(session)
    if not counts:
        console.print("No persons yet. Run [bold]evac demo[/] or import a list.")
        return
    categories = sorted({category for category, _ in counts})
    states = [s for s in State if any((c, s) in counts for c in categories)]
    table = Table(title="Persons by category and state", show_footer=True)
    table.add_column("category", footer="total")
    for state in states:
        total = sum(counts.get((c, state), 0) for c in categories)
        table.add_column(STATE_LABELS[state], justify="right", footer=f"{total:,}")
    table.add_column("total", justify="right", footer=f"{sum(counts.values()):,}")
    for category in categories:
        cells = [counts.get((category, state), 0) for state in states]
        table.add_row(category, *(f"{n:,}" for n in cells), f"{sum(cells):,}")
    console.print(table)
    if claims:  # undecided until staff map them: `evac eligibility claims`
        console.print("Claims the eligibility policy does not map (registrations):")
        for claim, n in claims.most_common():
            console.print(f"  {escape(claim)}: {n:,}")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the pages and the API (OpenAPI at /docs)."""
    import uvicorn

    from evac.app import server_config

    console.print(f"evac on http://{host}:{port}/  (API docs at /docs; Ctrl-C stops)")
    uvicorn.Server(server_config(settings_from(ctx), host=host, port=port)).run()


@app.command()
def config(ctx: typer.Context) -> None:
    """Show the settings in force (secrets masked)."""
    table = Table(title="Settings (from EVAC_* variables, .env or defaults)")
    table.add_column("setting")
    table.add_column("value")
    for name, value in settings_from(ctx).masked().items():
        table.add_row(f"EVAC_{name.upper()}", value)
    console.print(table)


@app.command()
def demo(
    database_url: Annotated[
        str, typer.Option(help="Database for the demo; it is emptied first.")
    ] = "sqlite:///evac-demo.db",
    persons: Annotated[
        int, typer.Option(min=1, help="Size of the generated scenario (synthetic persons).")
    ] = 20_000,
) -> None:
    """Run evac end to end on a generated scenario, in a database of its own."""
    from evac.demo import run_demo

    run_demo(database_url=database_url, console=console, persons=persons)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


app.add_typer(linkage_cli.app, name="link")
app.command("import")(intake_cli.import_command)
app.add_typer(vault_cli.app, name="vault")
app.add_typer(vault_cli.audit_app, name="audit")
app.add_typer(auth_cli.app, name="user")
app.add_typer(scenario_cli.app, name="scenario")
app.add_typer(reports_cli.app, name="search")
app.add_typer(eligibility_cli.app, name="eligibility")
app.add_typer(simulation_cli.app, name="simulate")
app.add_typer(planning_cli.app, name="plan")
app.add_typer(passes_cli.app, name="pass")
app.add_typer(notify_cli.app, name="notify")
app.add_typer(gate_cli.app, name="gate")


def run() -> None:
    """The `evac` console script: the commands, with a plain answer instead of a traceback when
    the database is not there or not set up, or the operation was shredded."""
    try:
        app()
    except (OperationalError, ProgrammingError) as error:
        problem = database_problem(error)
        if problem is None:
            raise
        console.print(f"[red]{problem}[/]", soft_wrap=True)
        sys.exit(2)
    except KeysDestroyed:
        console.print(f"[red]{SHREDDED}[/]", soft_wrap=True)
        sys.exit(3)


def database_problem(error: OperationalError | ProgrammingError) -> str | None:
    """What went wrong with the database and what to do, without the statement or its values
    (they may hold personal data)."""
    reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
    if "no such table" in reason or getattr(error.orig, "sqlstate", None) == "42P01":
        return (
            "The database is not set up for evac (or is older than this version): run "
            "`evac init` first, with the same EVAC_DATABASE_URL."
        )
    if isinstance(error, OperationalError):
        return (
            f"Cannot use the database: {reason}. Check EVAC_DATABASE_URL (`evac config` shows it) "
            "and that the server is running."
        )
    return None  # a bug, not a set-up problem: the traceback is the useful answer
