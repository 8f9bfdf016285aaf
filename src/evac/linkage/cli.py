"""`evac link`: resolve registrations into persons, review doubtful pairs, link any file."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from evac.linkage.cluster import MERGE_THRESHOLD, REVIEW_THRESHOLD

app = typer.Typer(
    help="Linkage: find the registrations that are one person, however their names are written.",
    no_args_is_help=True,
)
console = Console(stderr=True)


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(  # "\\[" or rich reads "[spark]" as markup and drops it
        help="Where the model runs: DuckDB in this process, or Spark "
        "(pip install 'evac\\[spark]' and a Java 17 runtime).",
    ),
]

MergeThresholdOption = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Match probability at which records merge.")
]
ReviewThresholdOption = Annotated[
    float,
    typer.Option(
        min=0.0, max=1.0, help="Probability from which a pair is doubtful and queued for review."
    ),
]


def _require(engine: Engine) -> None:
    """Stop with what to install when the chosen engine cannot start."""
    if engine is Engine.spark:
        from evac.linkage.spark import SparkUnavailable, require_spark

        try:
            require_spark()
        except SparkUnavailable as error:
            # escape: rich would read "evac[spark]" as markup and drop it
            console.print(f"[red]Cannot link:[/] {escape(str(error))}", soft_wrap=True)
            raise typer.Exit(2) from None


def step_spinner() -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    )


@app.command("file")
def file_command(
    source: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="CSV with a record_id column."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write record_id,cluster_id.")],
    strict: Annotated[
        bool, typer.Option(help="Stop at the first unreadable date instead of ignoring it.")
    ] = False,
    merge_threshold: MergeThresholdOption = MERGE_THRESHOLD,
    review_threshold: ReviewThresholdOption = REVIEW_THRESHOLD,
    engine: EngineOption = Engine.duckdb,
) -> None:
    """Link the records of one CSV file, without a database (for evaluation on labelled data).

    Columns (any but record_id may be missing or empty): record_id, given_name, father_name,
    family_name, full_name_native, sex, date_of_birth, phone, passport_number, tazkira_number,
    province, email. Dates may be ISO, d/m/y, m/d/y when unambiguous, a year, Solar Hijri
    (1365 or 1365/05/12) or Excel serials. Read when present: full_name, and household_id
    (the source's own case or family number, unique across sources): members of households
    that one person links are then compared within the family. The output has every record_id
    once, with the cluster_id of the person it belongs to.
    """
    from evac.linkage.files import LinkFileError, link_file  # loads Splink: only when needed

    _require(engine)
    try:
        with step_spinner() as progress:
            task = progress.add_task("starting")
            result = link_file(
                source,
                out,
                strict=strict,
                merge_threshold=merge_threshold,
                review_threshold=review_threshold,
                engine=engine.value,
                progress=lambda step: progress.update(task, description=step),
            )
    except LinkFileError as error:
        console.print(f"[red]Cannot link:[/] {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    except UnicodeDecodeError:
        console.print(f"[red]Cannot link:[/] {source} is not UTF-8 text; save it as CSV UTF-8.")
        raise typer.Exit(2) from None
    for problem in result.problems[:20]:
        console.print(f"[yellow]Date of birth:[/] {problem}", soft_wrap=True)
    if len(result.problems) > 20:
        console.print(f"[yellow]... and {len(result.problems) - 20} more date problems.")
    console.print(
        f"[green]{result.records:,} records -> {result.clusters:,} persons[/] "
        f"({result.links:,} links, {result.refused:,} refused as contradictory, "
        f"{result.review:,} doubtful pairs left apart). Written to {out}"
    )


def _open(ctx: typer.Context, operation_name: str | None):
    """Session factory, operation and cipher for the chosen (or only) operation."""
    from sqlalchemy import select

    from evac.db import make_engine, make_sessionmaker
    from evac.operation.models import Operation
    from evac.vault.keys import provider_from_settings
    from evac.vault.service import cipher_for

    settings = ctx.obj
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        query = select(Operation).order_by(Operation.id)
        if operation_name:
            query = query.where(Operation.name == operation_name)
        operations = list(session.scalars(query))
        if len(operations) != 1:
            names = ", ".join(o.name for o in operations) or "none"
            console.print(
                f"[red]Choose an operation[/] with --operation NAME (found: {names}).",
                soft_wrap=True,
            )
            raise typer.Exit(2)
        operation_id = operations[0].id
    provider = provider_from_settings(settings)
    return (
        factory,
        operation_id,
        lambda session: cipher_for(session, provider=provider, operation_id=operation_id),
    )


OperationOption = Annotated[
    str | None, typer.Option("--operation", help="Operation name (needed if there are several).")
]


@app.command("run")
def run_command(
    ctx: typer.Context,
    operation: OperationOption = None,
    merge_threshold: MergeThresholdOption = MERGE_THRESHOLD,
    review_threshold: ReviewThresholdOption = REVIEW_THRESHOLD,
    engine: EngineOption = Engine.duckdb,
) -> None:
    """Resolve new registrations into persons and queue doubtful pairs for review.

    Incremental: registrations that already have a person keep it; only new ones are compared
    (with everyone). Reviewers' decisions are applied first and never overturned.
    """
    from evac.auth.permissions import cli_actor
    from evac.db import session_scope
    from evac.linkage.service import run_linkage

    _require(engine)
    factory, _, cipher_of = _open(ctx, operation)
    with step_spinner() as progress, session_scope(factory) as session:
        task = progress.add_task("starting")
        summary = run_linkage(
            session,
            cipher=cipher_of(session),
            actor=cli_actor(),
            merge_threshold=merge_threshold,
            review_threshold=review_threshold,
            engine=engine.value,
            progress=lambda step: progress.update(task, description=step),
        )
    console.print(
        f"[green]{summary.new_registrations:,} new of {summary.registrations:,} registrations[/]: "
        f"{summary.persons_created:,} persons created, {summary.merges:,} merged, "
        f"{summary.queued:,} pairs queued for review. Next: [bold]evac link review[/]."
    )


def _show_pair(item, records) -> None:
    from rich.table import Table

    table = Table(title=f"Review {item.id}: probability {item.probability:.2f}")
    table.add_column("field")
    table.add_column(f"registration {item.registration_a_id}")
    table.add_column(f"registration {item.registration_b_id}")
    left, right = (vars(r) for r in records)
    for field, value in left.items():
        if value not in (None, False) or right[field] not in (None, False):
            table.add_row(field, str(value or ""), str(right[field] or ""))
    console.print(table)
    weights = Table(title="Why: match weight of each comparison (+ for, - against)")
    weights.add_column("comparison")
    weights.add_column("level")
    weights.add_column("weight", justify="right")
    for name, evidence in item.weights.items():
        weights.add_row(name, evidence["level"], f"{evidence['weight']:+.1f}")
    console.print(weights)


@app.command("review")
def review_command(
    ctx: typer.Context,
    operation: OperationOption = None,
    limit: Annotated[int, typer.Option(min=1, help="How many pairs to go through.")] = 20,
) -> None:
    """Go through doubtful pairs side by side: s = same, d = different, k = skip, q = quit."""
    from evac.auth.permissions import cli_actor
    from evac.db import session_scope
    from evac.linkage.service import decide, open_reviews, review_records

    factory, operation_id, cipher_of = _open(ctx, operation)
    actor = cli_actor()
    with session_scope(factory) as session:
        items = open_reviews(session, operation_id=operation_id, limit=limit)
    if not items:
        console.print("Nothing to review. Run [bold]evac link run[/] after new imports.")
        return
    for item in items:
        with session_scope(factory) as session:
            cipher = cipher_of(session)
            item = session.merge(item)
            _show_pair(item, review_records(session, cipher=cipher, actor=actor, item=item))
            answer = typer.prompt("[s]ame / [d]ifferent / [k] skip / [q] quit", default="k")
            if answer.lower().startswith("q"):
                return
            if answer.lower()[:1] not in {"s", "d"}:
                continue
            reason = typer.prompt("Reason (kept with the decision)")
            decide(session, cipher=cipher, actor=actor, item_id=item.id,
                   same=answer.lower().startswith("s"), reason=reason)  # fmt: skip
            console.print("[green]Recorded.[/]")


@app.command("split")
def split_command(
    ctx: typer.Context,
    person_id: Annotated[int, typer.Argument(help="The person to split.")],
    registration: Annotated[
        list[int], typer.Option("--registration", "-r", help="A registration to move out.")
    ],
    reason: Annotated[str, typer.Option(help="Why: kept in the person's history.")],
    operation: OperationOption = None,
) -> None:
    """Unmerge: move registrations of a person to a new person, with history."""
    from evac.auth.permissions import cli_actor
    from evac.db import session_scope
    from evac.linkage.service import LinkageError, split_person

    factory, _, cipher_of = _open(ctx, operation)
    try:
        with session_scope(factory) as session:
            new_person = split_person(session, cipher=cipher_of(session), actor=cli_actor(),
                                      person_id=person_id, registration_ids=registration,
                                      reason=reason)  # fmt: skip
            new_id = new_person.id
    except LinkageError as error:
        console.print(f"[red]Cannot split:[/] {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"[green]Split:[/] registrations {registration} are now person {new_id}.")
