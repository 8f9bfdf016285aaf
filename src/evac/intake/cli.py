"""`evac import FILE --source NAME`: read, map, validate and store a partner's list."""

import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, cli_actor
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker
from evac.intake.mapping import (
    FIELDS,
    DateOrderChoice,
    MappingError,
    choose_date_orders,
    date_order_evidence,
    load_mapping_file,
    propose_for_tables,
)
from evac.intake.readers import SourceTable, UnreadableFile, read_source
from evac.intake.sandbox import parse_in_child
from evac.intake.service import (
    ImportSummary,
    IntakeFailed,
    current_operation,
    import_tables,
    save_mapping,
    saved_date_orders,
    saved_mapping,
    write_rejects,
)
from evac.intake.workers import workers_for
from evac.vault.keys import provider_from_settings
from evac.vault.service import OperationCipher, cipher_for

STREAMED_SUFFIXES = {".csv", ".tsv", ".txt"}
POSITIONAL_COLUMN = re.compile(r"column \d+")


def run_import(
    settings: Settings,
    *,
    path: Path,
    source: str,
    mapping_file: Path | None = None,
    form_file: Path | None = None,
    operation_name: str | None = None,
    dry_run: bool = False,
    accept_proposal: bool = False,
    rejects_path: Path | None = None,
    batch_size: int | None = None,
    actor: Actor | None = None,
    console: Console | None = None,
) -> ImportSummary:
    """Import one file as the CLI does: the function `evac import` and the demo call.
    `form_file` is the XLSForm of a KoboToolbox or ODK export: its labels guide the mapping."""
    console = console or Console()
    actor = actor or cli_actor()
    try:
        tables = _read_tables(path, form_file, headerless=_names_columns_by_position(mapping_file))
    except (UnreadableFile, OSError) as error:
        raise IntakeFailed(str(error)) from None
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        operation = current_operation(session, name=operation_name)
        cipher = cipher_for(
            session, provider=provider_from_settings(settings), operation_id=operation.id
        )
        mapping, date_orders = _mapping(
            session,
            cipher=cipher,
            source=source,
            tables=tables,
            mapping_file=mapping_file,
            accept_proposal=accept_proposal or dry_run,
            console=console,
        )
        if not dry_run:  # a dry run stores nothing, not even the mapping
            save_mapping(
                session,
                actor=actor,
                cipher=cipher,
                source=source,
                mapping=mapping,
                date_orders=date_orders,
            )
            session.commit()
        with _progress(console) as progress:
            task = progress.add_task(f"importing {path.name}", total=None)
            summary = import_tables(
                session,
                actor=actor,
                cipher=cipher,
                source=source,
                file=path.name,
                tables=tables,
                mapping=mapping,
                date_orders=date_orders,
                dry_run=dry_run,
                on_progress=lambda done: progress.update(task, completed=done),
                workers=workers_for(path.stat().st_size),
                **({"batch_size": batch_size} if batch_size else {}),
            )
            progress.update(task, total=summary.rows_read, completed=summary.rows_read)
    if summary.rejects:
        rejects_path = rejects_path or path.with_name(f"{path.stem}.rejected.csv")
        write_rejects(rejects_path, summary.rejects)
    print_summary(console, summary, rejects_path=rejects_path if summary.rejects else None)
    return summary


def _read_tables(path: Path, form_file: Path | None, *, headerless: bool) -> list[SourceTable]:
    """A CSV streamed here row by row, within the readers' limits: a million rows are not
    sent through a pipe. Any other file, which is read whole in memory anyway, is read in a
    child process with a memory and a time limit (`sandbox`)."""
    if path.suffix.lower() in STREAMED_SUFFIXES and form_file is None:
        return read_source(path, headerless=headerless)
    return parse_in_child(
        path.name,
        path.read_bytes(),
        form_name=form_file.name if form_file else None,
        form_content=form_file.read_bytes() if form_file else b"",
        headerless=headerless,
    )


def _names_columns_by_position(mapping_file: Path | None) -> bool:
    """A mapping whose keys are all "column 1", "column 2"...: the file has no header row."""
    if mapping_file is None:
        return False
    try:
        mapping, _ = load_mapping_file(mapping_file)
    except MappingError:
        return False  # said again, with its reason, where the mapping is read
    return bool(mapping) and all(POSITIONAL_COLUMN.fullmatch(header) for header in mapping)


def _mapping(
    session: Session,
    *,
    cipher: OperationCipher,
    source: str,
    tables: list[SourceTable],
    mapping_file: Path | None,
    accept_proposal: bool,
    console: Console,
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """A given mapping file, else the source's saved profile, else a proposal to confirm
    (saved as the source's profile by the caller); with the day/month order of each date
    column, shown beside it."""
    headers = list(dict.fromkeys(h for t in tables for h in t.headers))
    saved_orders = saved_date_orders(session, cipher=cipher, source=source)
    if mapping_file is not None:
        try:
            mapping, given = load_mapping_file(mapping_file)
        except MappingError as error:
            raise IntakeFailed(str(error)) from None
        return mapping, _date_orders(console, tables, mapping, given, saved_orders)
    saved = saved_mapping(session, cipher=cipher, source=source) or {}
    if headers and all(h in saved for h in headers):
        console.print(f"Using the saved mapping of source [bold]{source}[/].")
        return saved, _date_orders(console, tables, saved, {}, saved_orders)
    proposal = {**propose_for_tables(tables), **{h: f for h, f in saved.items() if h in headers}}
    console.print(mapping_table(proposal))
    date_orders = _date_orders(console, tables, proposal, {}, saved_orders)
    if not accept_proposal:
        if not sys.stdin.isatty():
            raise IntakeFailed(
                "confirm the proposed mapping: run again with --yes, or give your own with "
                '--mapping FILE (a JSON object {"Column": "field"})'
            )
        if not typer.confirm("Use this mapping (it is saved for this source)?", default=True):
            raise IntakeFailed(
                'write the mapping you want as JSON {"Column": "field"} and pass --mapping FILE'
            )
    return proposal, date_orders


def _date_orders(
    console: Console,
    tables: list[SourceTable],
    mapping: dict[str, str | None],
    given: dict[str, str],
    saved: dict[str, str],
) -> dict[str, str | None]:
    """Each date column's day/month order (given, else from its dates, else saved), shown."""
    evidence = date_order_evidence(tables, mapping)
    choices = choose_date_orders(evidence, given=given, saved=saved)
    if choices:
        console.print(date_order_table(choices))
    return {header: choice.order for header, choice in choices.items()}


def date_order_table(choices: dict[str, DateOrderChoice]) -> Table:
    table = Table(title="Dates: day and month order")
    table.add_column("column in the file")
    table.add_column("read as")
    table.add_column("because")
    for header, choice in choices.items():
        table.add_row(header, choice.label, choice.reason)
    return table


def mapping_table(mapping: dict[str, str | None]) -> Table:
    table = Table(title="Column mapping (column -> field)")
    table.add_column("column in the file")
    table.add_column("field")
    table.add_column("meaning")
    for header, field in mapping.items():
        table.add_row(header, field or "[dim](not read)[/]", FIELDS.get(field or "", ""))
    return table


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def print_summary(console: Console, summary: ImportSummary, *, rejects_path: Path | None) -> None:
    title = "Dry run: nothing stored" if summary.dry_run else f"Import {summary.reference}"
    table = Table(title=title)
    table.add_column("")
    table.add_column("rows", justify="right")
    table.add_row("read", f"{summary.rows_read:,}")
    table.add_row("accepted (new)", f"{summary.accepted:,}")
    table.add_row("duplicates skipped", f"{summary.duplicates:,}")
    for reason, count in summary.rejected_by_reason.most_common():
        table.add_row(f"rejected: {reason}", f"{count:,}")
    for flag, count in summary.flagged.most_common():
        table.add_row(f"kept, flagged: {flag}", f"{count:,}")
    table.add_row("households", f"{summary.households:,}")
    console.print(table)
    for warning in summary.date_warnings:
        console.print(f"[yellow]Dates:[/] {warning}")
    for reference in summary.interrupted:
        console.print(
            f"[yellow]Import {reference}[/] of this file never finished (stopped or killed): "
            "it is marked interrupted, and the rows it stored count as duplicates here."
        )
    if rejects_path and summary.dry_run:
        console.print(
            f"[yellow]{summary.rejected:,} rows would be rejected[/]. The dry run stored nothing "
            f"in evac but wrote them to {rejects_path} with an evac_error column, so they can be "
            "fixed before the import."
        )
    elif rejects_path:
        console.print(
            f"[yellow]{summary.rejected:,} rows rejected[/]; they are in {rejects_path} with an "
            "evac_error column: fix them there and import that file again."
        )


def import_command(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV, TSV, XLSX or JSON file, a KoboToolbox XLSX export or an ODK Central "
            "CSV zip.",
        ),
    ],
    source: Annotated[
        str, typer.Option("--source", help="Who sent it (e.g. ngo-alpha); one name per partner.")
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, help='JSON {"Column header": "field"}; saved for the source.'),
    ] = None,
    form: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="The XLSForm (.xlsx) of a KoboToolbox or ODK export: its question labels "
            "propose the mapping (a question named q7 labelled 'Date of birth').",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(help="Check every row, store nothing (rejected rows still go to the file)."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Accept the proposed mapping without asking.")
    ] = False,
    operation: Annotated[str | None, typer.Option(help="Operation name (if several).")] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Where to write rejected rows (default FILE.rejected.csv).")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Import a partner's list: map its columns, validate each row, store the good ones.

    Rows already imported from the same source are skipped, so an interrupted or repeated
    import is safe to run again. A KoboToolbox or ODK Central export is read as households:
    each submission's principal with the members of its repeat group. Rejected rows are
    written to FILE.rejected.csv with the reason, for the partner to fix and send back (by a
    dry run too, which stores nothing). The fields a column can map to are listed
    in docs/intake.md (full_name, given_name, father_name, birth_date, phone, tazkira_number...).
    """
    settings: Settings = ctx.obj
    console = Console()
    try:
        run_import(
            settings,
            path=file,
            source=source,
            mapping_file=mapping,
            form_file=form,
            operation_name=operation,
            dry_run=dry_run,
            accept_proposal=yes,
            rejects_path=rejects,
            batch_size=batch_size,
            console=console,
        )
    # a CSV is streamed: a row past the first ones can still be refused (a quote left open)
    except (IntakeFailed, MappingError, LookupError, UnreadableFile) as error:
        console.print(f"[red]Import failed:[/] {error}")
        raise typer.Exit(1) from None
