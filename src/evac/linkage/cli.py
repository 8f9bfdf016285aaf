"""`evac link`: resolve registrations into persons, review doubtful pairs, link any file."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from evac.linkage.cluster import MERGE_THRESHOLD, REVIEW_THRESHOLD

app = typer.Typer(
    help="Linkage: find the registrations that are one person, however their names are written.",
    no_args_is_help=True,
)
console = Console(stderr=True)


def _steps() -> Progress:
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
    merge_threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Match probability at which records merge.")
    ] = MERGE_THRESHOLD,
    review_threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Probability from which a pair is doubtful.")
    ] = REVIEW_THRESHOLD,
) -> None:
    """Link the records of one CSV file, without a database (for evaluation on labelled data).

    Columns (any but record_id may be missing or empty): record_id, given_name, father_name,
    family_name, full_name_native, sex, date_of_birth, phone, passport_number, tazkira_number,
    province, email. Dates may be ISO, d/m/y, m/d/y when unambiguous, a year, Solar Hijri
    (1365 or 1365/05/12) or Excel serials. The output has every record_id once, with the
    cluster_id of the person it belongs to.
    """
    from evac.linkage.files import LinkFileError, link_file  # loads Splink: only when needed

    try:
        with _steps() as progress:
            task = progress.add_task("starting")
            result = link_file(
                source,
                out,
                strict=strict,
                merge_threshold=merge_threshold,
                review_threshold=review_threshold,
                progress=lambda step: progress.update(task, description=step),
            )
    except LinkFileError as error:
        console.print(f"[red]Cannot link:[/] {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    except UnicodeDecodeError:
        console.print(f"[red]Cannot link:[/] {source} is not UTF-8 text; save it as CSV UTF-8.")
        raise typer.Exit(2) from None
    for problem in result.problems[:20]:
        console.print(f"[yellow]Date ignored:[/] {problem}", soft_wrap=True)
    if len(result.problems) > 20:
        console.print(f"[yellow]... and {len(result.problems) - 20} more unreadable dates.")
    console.print(
        f"[green]{result.records:,} records -> {result.clusters:,} persons[/] "
        f"({result.links:,} links, {result.refused:,} refused as contradictory, "
        f"{result.review:,} doubtful pairs left apart). Written to {out}"
    )
