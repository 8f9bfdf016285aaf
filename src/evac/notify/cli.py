"""`evac notify`: preview and send messages to an audience, follow them, run the worker."""

import time
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evac.linkage.cli import OperationOption
from evac.linkage.cli import _open as open_operation
from evac.notify.models import Channel, Status
from evac.notify.templates import Template

app = typer.Typer(help="Messages to evacuees: call-forward, warden notices, changes.")
console = Console()

WindowOption = Annotated[
    datetime | None,
    typer.Option(
        "--window", help="The plan window's start (ISO time, UTC if no zone): its parties."
    ),
]


@app.command("send")
def send_command(
    ctx: typer.Context,
    template: Annotated[Template, typer.Option(help="Which message.")] = Template.call_forward,
    window: WindowOption = None,
    category: Annotated[list[str] | None, typer.Option(help="A category (repeatable).")] = None,
    priority: Annotated[list[int] | None, typer.Option(help="A priority (repeatable).")] = None,
    channel: Annotated[
        list[Channel] | None, typer.Option(help="A channel (repeatable; default email and sms).")
    ] = None,
    saved: Annotated[
        str | None, typer.Option(help="Use the audience saved under this name.")
    ] = None,
    save_as: Annotated[str | None, typer.Option(help="Save this audience under a name.")] = None,
    preview: Annotated[bool, typer.Option("--preview", help="Show the audience only.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Send without asking.")] = False,
    operation: OperationOption = None,
) -> None:
    """Preview an audience (counts per channel and language), then queue its messages. The
    worker (`evac notify worker`) sends them."""
    from evac.auth.permissions import cli_actor
    from evac.db import session_scope
    from evac.notify.audience import Audience, save_audience, saved_audience
    from evac.notify.flows import SendError, preview_send, queue_send
    from evac.operation.models import Operation
    from evac.vault.keys import provider_from_settings

    factory, operation_id, cipher_of = open_operation(ctx, operation)
    actor = cli_actor()
    with session_scope(factory) as session:
        chosen_operation = session.get(Operation, operation_id)
        if saved:
            audience = saved_audience(session, operation=chosen_operation, name=saved)
        else:
            audience = Audience(
                window_start=_utc(window),
                categories=tuple(category or ()),
                priorities=tuple(priority or ()),
                channels=tuple(channel or (Channel.email, Channel.sms)),
            )
        if save_as:
            save_audience(
                session,
                operation=chosen_operation,
                name=save_as,
                audience=audience,
                created_by=actor.username,
            )
        try:
            shown = preview_send(
                session,
                actor=actor,
                cipher=cipher_of(session),
                operation=chosen_operation,
                template=template,
                audience=audience,
            )
        except SendError as error:
            console.print(f"[red]{error}[/]")
            raise typer.Exit(2) from None
    _print_preview(shown)
    if preview or not shown.counts:
        return
    if not yes and not typer.confirm(f"Send {sum(shown.counts.values()):,} messages?"):
        console.print(f"Not sent. Send {shown.send_id} stays a preview.")
        return
    with session_scope(factory) as session:
        queued = queue_send(
            session,
            actor=actor,
            provider=provider_from_settings(ctx.obj),
            cipher=cipher_of(session),
            operation=session.get(Operation, operation_id),
            send_id=shown.send_id,
            domain=ctx.obj.smtp_sender.rpartition("@")[2] or "evac.invalid",
        )
    console.print(
        f"[green]Queued[/] {queued.messages:,} messages to {queued.parties:,} parties; "
        f"{queued.called_forward:,} people called forward."
    )
    for reason, count in queued.dropped.items():
        console.print(f"[yellow]Left out[/] {count:,}: {reason} since the preview.")


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _print_preview(shown) -> None:
    console.print(
        f"Send {shown.send_id}: {shown.parties:,} parties, {shown.people:,} people"
        + (
            f", [yellow]{shown.unreachable_parties:,} parties with no contact[/]"
            if shown.unreachable_parties
            else ""
        )
    )
    table = Table("channel", "language", "messages")
    for (channel, language), count in sorted(shown.counts.items()):
        table.add_row(channel, language, f"{count:,}")
    console.print(table)


@app.command("status")
def status_command(
    ctx: typer.Context,
    send: Annotated[int | None, typer.Option(help="One send's messages only.")] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="A progress bar until nothing is left to send.")
    ] = False,
    operation: OperationOption = None,
) -> None:
    """Messages by state: queued, in flight, sent, failed."""
    from evac.notify.outbox import outbox_counts

    factory, operation_id, _ = open_operation(ctx, operation)

    def counts():
        with factory() as session:
            return outbox_counts(session, operation_id=operation_id, send_id=send)

    now = counts()
    if follow:
        columns = (TextColumn("sending"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("sending", total=now.total())
            while now[Status.queued] + now[Status.in_flight]:
                progress.update(task, completed=now[Status.sent] + now[Status.failed])
                time.sleep(1.0)
                now = counts()
            progress.update(task, completed=now.total(), total=now.total())
    table = Table("state", "messages")
    for state in Status:
        table.add_row(state.value, f"{now[state]:,}")
    console.print(table)


@app.command("worker")
def worker_command(
    ctx: typer.Context,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Stop when nothing is due (else run on).")
    ] = False,
) -> None:
    """Send the outbox: every configured channel, with its rate limit and retries."""
    from evac.db import make_engine, make_sessionmaker
    from evac.notify.config import NotifySettings, rates, transports
    from evac.notify.worker import Worker
    from evac.vault.keys import provider_from_settings

    settings, notify = ctx.obj, NotifySettings()
    found = transports(settings, notify)
    if not found:
        console.print(
            "[red]No channel configured:[/] set EVAC_SMTP_HOST (or EVAC_NOTIFY_MAIL_FOLDER) "
            "for e-mail, EVAC_NOTIFY_TWILIO_* for SMS and WhatsApp."
        )
        raise typer.Exit(2)
    worker = Worker(
        make_sessionmaker(make_engine(settings.database_url)),
        provider=provider_from_settings(settings),
        transports=found,
        rates=rates(notify),
    )
    console.print(f"Sending through {', '.join(c.value for c in found)}. Ctrl-C stops.")
    try:
        totals = worker.run(until_idle=until_idle)
    except KeyboardInterrupt:
        totals = worker.totals
    finally:
        worker.close()
    console.print(
        f"[green]Sent[/] {totals.sent:,}; to retry {totals.retried:,}; failed {totals.failed:,}."
    )
