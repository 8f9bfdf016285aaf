"""`evac vault`: see which master key wraps what, rotate keys, crypto-shred an operation."""

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from evac.auth.permissions import Forbidden, cli_actor
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.operation.models import Operation
from evac.operation.service import OperationNotFound, get_operation
from evac.vault.anchors import (
    LogNotIntact,
    append_anchor,
    create_anchor_key,
    load_signing_key,
    load_trusted_keys,
    mail,
    mail_anchor,
    public_key_file,
    read_anchor_files,
    sign_head,
)
from evac.vault.audit import (
    AnchoredHead,
    AuditEntry,
    audit_entries,
    chain_head,
    check_log,
    read_one_snapshot,
)
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
    help="The tamper-evident audit log: verify it, read it, anchor its head outside the database.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[
        list[Path] | None,
        typer.Option(help="A file of anchors from `evac audit anchor` (repeatable)."),
    ] = None,
    public_key: Annotated[
        list[Path] | None,
        typer.Option(
            help="A trusted anchor key's public half (repeatable; default: the .pub beside "
            "EVAC_AUDIT_ANCHOR_KEY_FILE). Keep your own copy: one beside the database can be "
            "swapped."
        ),
    ] = None,
) -> None:
    """Check every link of the chain; name each edited, removed or reordered entry; with
    anchors, prove the log still extends each one (nothing cut or rewritten up to there).

    Exits 1 if the log was tampered with.
    """
    settings: Settings = ctx.obj
    heads, refused = [], []
    if anchor:
        trusted = _trusted_keys(public_key or [public_key_file(settings.audit_anchor_key_file)])
        try:
            heads, refused = read_anchor_files(anchor, trusted)
        except (OSError, UnicodeDecodeError) as error:
            _fail(f"cannot read the anchors: {error}")
    with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
        read_one_snapshot(session)
        breaks = refused + check_log(session, actor=cli_actor(), anchors=heads)
        count = session.scalar(select(func.count()).select_from(AuditEntry))
    if not breaks:
        console.print(f"[green]Audit log intact[/]: {count} entries, every link checked.")
        console.print(_anchor_summary(heads, count))
        return
    table = Table(title=f"Audit log TAMPERED: {len(breaks)} break(s) in {count} entries")
    table.add_column("entry")
    table.add_column("what happened")
    for found in breaks:
        table.add_row(str(found.entry_id or "-"), found.reason)
    console.print(table)
    raise typer.Exit(1)


def _trusted_keys(files: list[Path]) -> dict[str, Ed25519PublicKey]:
    missing = [str(file) for file in files if not file.exists()]
    if missing:
        _fail(
            f"no public anchor key at {', '.join(missing)}: give --public-key FILE, the .pub "
            "that `evac audit anchor-key` wrote"
        )
    try:
        return load_trusted_keys(files)
    except ValueError as error:
        _fail(f"not an anchor key: {error}")


def _anchor_summary(heads: list[AnchoredHead], count: int) -> str:
    if not heads:
        return (
            "[yellow]No anchor given[/]: a cut of the newest entries with the head fixed up "
            "would not show. Give --anchor FILE (see `evac audit anchor`)."
        )
    newest = max(heads, key=lambda head: head.entries)
    return (
        f"{len(heads)} anchor(s) hold; the newest covers {newest.entries} entries (signed "
        f"{newest.signed_at:%Y-%m-%d %H:%M} UTC). {count - newest.entries} entries since are "
        "covered by no anchor yet."
    )


KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file", help="The anchor signing key (default: EVAC_AUDIT_ANCHOR_KEY_FILE)."
    ),
]


@audit_app.command("anchor-key")
def audit_anchor_key(ctx: typer.Context, key_file: KeyFileOption = None) -> None:
    """Create the key that signs anchors, and its public half (<key file>.pub)."""
    settings: Settings = ctx.obj
    path = key_file or settings.audit_anchor_key_file
    try:
        identity = create_anchor_key(path)
    except FileExistsError:
        _fail(f"{path} exists: an anchor key is never replaced (its anchors must stay checkable)")
    console.print(_key_instructions(path, identity))


def _key_instructions(path: Path, identity: str) -> str:
    return (
        f"[green]Anchor key {identity}[/] in {path} (owner-only), public half in "
        f"{public_key_file(path)}.\n"
        f"Keep {path} where whoever can write the database cannot read it (another account or "
        "machine that only reads the database): with it, anyone can sign a forged anchor. Give "
        f"{public_key_file(path)} to whoever verifies (headquarters)."
    )


@audit_app.command("anchor")
def audit_anchor(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(help="Append the anchor to this file (keep it off this machine)."),
    ] = None,
    mail_to: Annotated[
        list[str] | None,
        typer.Option(help="E-mail the anchor to this address (repeatable; EVAC_SMTP_* settings)."),
    ] = None,
    key_file: KeyFileOption = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help="Keep anchoring on the schedule, until stopped (run it as a service)."
        ),
    ] = False,
    every: Annotated[
        float | None,
        typer.Option(
            min=0.01, help="Minutes between anchors (default: EVAC_AUDIT_ANCHOR_EVERY_MINUTES)."
        ),
    ] = None,
) -> None:
    """Sign the log's head (entry count, newest hash, operations, time) with the anchor key.

    `evac audit verify --anchor FILE` later proves that the log still extends it. A log that
    already fails verification is not signed (and, with --mail-to, the recipients are told).
    """
    settings: Settings = ctx.obj
    if not out and not mail_to:
        _fail("say where the anchor goes: --out FILE and/or --mail-to ADDRESS")
    if mail_to and not settings.smtp_host:
        _fail("--mail-to needs an SMTP server: set EVAC_SMTP_HOST (and EVAC_SMTP_PORT, ...)")
    signing_key = _signing_key(key_file or settings.audit_anchor_key_file)
    factory = make_sessionmaker(make_engine(settings.database_url))
    minutes = every or settings.audit_anchor_every_minutes
    while True:
        signed = _anchor_once(settings, factory, signing_key, out=out, mail_to=mail_to or [])
        if not watch:
            raise typer.Exit(0 if signed else 1)
        time.sleep(minutes * 60)


def _signing_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        console.print("[yellow]No anchor key yet: creating one.[/]")
        console.print(_key_instructions(path, create_anchor_key(path)))
    try:
        return load_signing_key(path)
    except ValueError as error:
        _fail(f"{path} is no anchor key: {error}")


def _anchor_once(
    settings: Settings,
    factory: sessionmaker[Session],
    signing_key: Ed25519PrivateKey,
    *,
    out: Path | None,
    mail_to: list[str],
) -> bool:
    """Sign and send one anchor; say what failed instead of stopping a watch."""
    try:
        with session_scope(factory) as session:
            read_one_snapshot(session)
            anchor = sign_head(session, actor=cli_actor(), signing_key=signing_key)
        if out:
            append_anchor(anchor, out)
        if mail_to:
            mail_anchor(anchor, settings, recipients=mail_to)
    except LogNotIntact as refusal:
        _alarm(settings, refusal, mail_to)
        return False
    except (SQLAlchemyError, OSError) as error:  # smtplib's errors are OSErrors
        console.print(f"[red]No anchor this time[/]: {error}")
        return False
    head = anchor.head
    console.print(
        f"[green]Anchored[/] {head.entries} entries (entry {head.last_entry_id}, "
        f"{head.head_hash[:16]}…) at {head.signed_at:%Y-%m-%d %H:%M:%S} UTC",
        highlight=False,
    )
    return True


def _alarm(settings: Settings, refusal: LogNotIntact, mail_to: list[str]) -> None:
    """A watch that finds the log tampered with says so to the people who keep its anchors."""
    reasons = "\n".join(f"entry {b.entry_id or '-'}: {b.reason}" for b in refusal.breaks)
    console.print(f"[red]Audit log TAMPERED, not anchored[/]:\n{reasons}")
    if mail_to:
        try:
            mail(
                settings,
                recipients=mail_to,
                subject="evac audit log TAMPERED: not anchored",
                body=f"`evac audit anchor` found the audit log broken:\n\n{reasons}\n",
            )
        except OSError as error:
            console.print(f"[red]The alarm could not be mailed[/]: {error}")


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
    """Print the newest entry and hash: what `evac audit anchor` signs."""
    settings: Settings = ctx.obj
    with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
        head = chain_head(session, actor=cli_actor())
        console.print(f"entry {head.last_entry_id}: {head.head_hash}", highlight=False)
