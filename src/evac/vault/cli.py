"""`evac vault`: see which master key wraps what, rotate keys, crypto-shred an operation."""

import os
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select

from evac.auth.permissions import Forbidden, cli_actor
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.operation.models import Operation
from evac.operation.service import OperationNotFound, get_operation
from evac.vault.audit import AuditEntry, audit_entries, chain_head, check_log
from evac.vault.keys import (
    create_master_key_file,
    previous_key_file,
    provider_from_settings,
)
from evac.vault.service import keys_by_master, rotate_operation, scrub_deleted_keys, shred_operation

app = typer.Typer(
    help="Keys that protect personal data: status, rotation, crypto-shred.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]{message}[/]")
    raise typer.Exit(1)


@app.command()
def status(ctx: typer.Context) -> None:
    """Which master key wraps how many operation keys (after a rotation: only the current)."""
    settings: Settings = ctx.obj
    provider = provider_from_settings(settings)
    with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
        counts = keys_by_master(session)
    table = Table(title="Operation keys by master key")
    table.add_column("master key id")
    table.add_column("key rows", justify="right")
    table.add_column("in force")
    for key_id, count in sorted(counts.items()):
        in_force = "current" if key_id == provider.key_id else "previous or unknown"
        table.add_row(key_id, str(count), in_force)
    console.print(table)


@app.command()
def rotate(
    ctx: typer.Context,
    new_master_key: Annotated[
        bool,
        typer.Option(
            "--new-master-key",
            help="Make a new master key file first; the old one stays readable as "
            "<key file>.previous until `--finish`.",
        ),
    ] = False,
    new_data_key: Annotated[
        bool,
        typer.Option("--new-data-key", help="Also start a new data-key version for new writes."),
    ] = False,
    finish: Annotated[
        bool,
        typer.Option("--finish", help="Delete the .previous key file once nothing needs it."),
    ] = False,
) -> None:
    """Re-wrap every operation's keys under the current master key, without downtime.

    With a key file: `evac vault rotate --new-master-key`, restart or wait for servers (they
    read both files on every request), then `evac vault rotate --finish`. With EVAC_MASTER_KEY:
    set the new key there and the old one as EVAC_PREVIOUS_MASTER_KEY on every server, run
    `evac vault rotate`, then drop EVAC_PREVIOUS_MASTER_KEY.
    """
    settings: Settings = ctx.obj
    if new_master_key:
        _install_new_master_key(settings)
    provider = provider_from_settings(settings)
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        operation_ids = list(session.scalars(select(Operation.id).order_by(Operation.id)))
    rewrapped = 0
    with Progress(console=console) as progress:
        task = progress.add_task("re-wrapping operation keys", total=len(operation_ids))
        for operation_id in operation_ids:
            with session_scope(factory) as session:  # one operation per transaction
                count, version = rotate_operation(
                    session,
                    actor=cli_actor(),
                    provider=provider,
                    operation_id=operation_id,
                    new_data_key=new_data_key,
                )
            rewrapped += count
            if version:
                progress.console.print(f"operation {operation_id}: data-key version {version}")
            progress.advance(task)
    console.print(f"[green]{rewrapped} key rows re-wrapped[/] under {provider.key_id}")
    if finish:
        _retire_previous_key(settings, factory, provider.key_id)


def _install_new_master_key(settings: Settings) -> None:
    if settings.master_key is not None:
        _fail(
            "the master key comes from EVAC_MASTER_KEY: set the new key there and the old one "
            "as EVAC_PREVIOUS_MASTER_KEY on every server, then run `evac vault rotate`"
        )
    previous = previous_key_file(settings)
    if previous.exists():
        _fail(f"{previous} exists: finish that rotation first (`evac vault rotate --finish`)")
    os.replace(settings.master_key_file, previous)
    create_master_key_file(settings.master_key_file)
    console.print(
        f"New master key in {settings.master_key_file}; the old one is {previous} until "
        "`--finish`. Keep an offline copy of the new key."
    )


def _retire_previous_key(settings: Settings, factory, current_id: str) -> None:
    with session_scope(factory) as session:
        others = {k: n for k, n in keys_by_master(session).items() if k != current_id}
    if others:
        _fail(f"keys still wrapped under {', '.join(others)}: run `evac vault rotate` again")
    previous = previous_key_file(settings)
    if previous.exists():
        previous.write_text("0" * len(previous.read_text()))  # overwrite before unlinking
        previous.unlink()
        console.print(f"[green]Removed {previous}[/]: the old master key opens nothing now.")
    else:
        console.print("No previous key file; drop EVAC_PREVIOUS_MASTER_KEY if it is still set.")


@app.command()
def shred(
    ctx: typer.Context,
    operation: Annotated[str, typer.Option("--operation", help="Name of the operation.")],
    reason: Annotated[
        str, typer.Option(help="Why, for the audit log.")
    ] = "operation closed: personal data destroyed",
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Destroy an operation's keys: none of its personal data can be read again. Irreversible.

    Takes seconds whatever the database size: only the wrapped keys are deleted; the
    ciphertext stays, unreadable (see docs/security.md for what remains on disk).
    """
    settings: Settings = ctx.obj
    engine = make_engine(settings.database_url)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    try:
        with session_scope(factory) as session:
            operation_id = get_operation(session, name=operation).id
            if not yes and not typer.confirm(
                f"Destroy every key of operation {operation!r}? Its personal data becomes "
                "unreadable for ever."
            ):
                raise typer.Exit(1)
            destroyed = shred_operation(
                session, actor=cli_actor(), operation_id=operation_id, reason=reason
            )
    except (OperationNotFound, Forbidden) as error:
        _fail(str(error))
    scrubbed = scrub_deleted_keys(engine)
    console.print(
        f"[green]Shredded[/] operation {operation!r}: {destroyed} key rows destroyed in "
        f"{time.perf_counter() - started:.2f} s; {scrubbed}."
    )


audit_app = typer.Typer(
    help="The tamper-evident audit log: verify it, read it, note its head.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[
        list[str] | None,
        typer.Option(help="A head hash noted earlier with `evac audit head` (repeatable)."),
    ] = None,
) -> None:
    """Check every link of the chain; name each edited, removed or reordered entry.

    Exits 1 if the log was tampered with.
    """
    settings: Settings = ctx.obj
    with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
        breaks = check_log(session, actor=cli_actor(), anchors=tuple(anchor or ()))
        count = session.scalar(select(func.count()).select_from(AuditEntry))
    if not breaks:
        console.print(f"[green]Audit log intact[/]: {count} entries, every link checked.")
        return
    table = Table(title=f"Audit log TAMPERED: {len(breaks)} break(s) in {count} entries")
    table.add_column("entry")
    table.add_column("what happened")
    for found in breaks:
        table.add_row(str(found.entry_id or "-"), found.reason)
    console.print(table)
    raise typer.Exit(1)


@audit_app.command("show")
def audit_show(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many of the newest entries.")] = 50,
) -> None:
    """The newest entries: when, who, what, why, on what (ids only, no personal data)."""
    settings: Settings = ctx.obj
    table = Table(title="Audit log, newest first")
    for column in ("entry", "time (UTC)", "user", "role", "action", "purpose", "subject"):
        table.add_column(column)
    with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
        for entry in audit_entries(session, actor=cli_actor(), limit=limit):
            table.add_row(
                str(entry.id),
                entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.username,
                entry.role,
                entry.action,
                entry.purpose,
                entry.subject,
            )
    console.print(table)


@audit_app.command("head")
def audit_head(ctx: typer.Context) -> None:
    """Print the newest hash, to note outside the database.

    Note it where the database's administrators cannot write (paper, a message to
    headquarters); `evac audit verify --anchor HASH` later proves history still holds it.
    """
    settings: Settings = ctx.obj
    with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
        head = chain_head(session, actor=cli_actor())
        console.print(f"entry {head.last_entry_id}: {head.last_hash}", highlight=False)
