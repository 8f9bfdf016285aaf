"""File mode: link any labelled CSV without a database (`evac link file`)."""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evac.intake.dates import DateOrderEvidence, order_evidence
from evac.linkage.cluster import MERGE_THRESHOLD, REVIEW_THRESHOLD, Clustering, cluster
from evac.linkage.dates import BirthDate, UnreadableDate, parse_birth_date
from evac.linkage.model import Engine, LinkInput, forget_prepared, prepare_frame, score
from evac.safe_csv import SafeWriter

FILE_COLUMNS = (
    "record_id", "given_name", "father_name", "family_name", "full_name_native", "sex",
    "date_of_birth", "phone", "passport_number", "tazkira_number", "province", "email",
)  # fmt: skip
# Not in the documented format, but read when present.
OPTIONAL_COLUMNS = ("full_name", "household_id", "siv_case_number")
# What a record holds besides its id and date of birth, in the order `_input` reads it.
OTHER_COLUMNS = ("given_name", "father_name", "family_name", "full_name", "full_name_native",
                 "sex", "phone", "passport_number", "tazkira_number", "province", "email",
                 "household_id", "siv_case_number")  # fmt: skip


class LinkFileError(ValueError):
    """An input file that cannot be linked as it is; the message says where and why."""


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: {self.reason}"


@dataclass
class FileResult:
    records: int
    clusters: int
    links: int
    refused: int
    review: int
    problems: list[Problem] = field(default_factory=list)


def _text(row: dict, column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return value or None


def read_inputs(path: Path, *, strict: bool = False) -> tuple[list[LinkInput], list[Problem]]:
    """The file's records; unreadable dates become missing and are listed (or, strict, fatal).

    The date column's day/month order is inferred from its unambiguous dates, as intake does
    (`DateOrderEvidence`); in a column of unknown or mixed order 05/07/1986 counts both ways."""
    fields: list[tuple] = []  # LinkInput's fields but the birth, read first: see _read_births
    written: list[str | None] = []  # each record's date of birth as written
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        if "record_id" not in header:
            raise LinkFileError(
                f"{path}: no record_id column (found: {', '.join(header) or 'nothing'}). "
                f"The columns are: {', '.join(FILE_COLUMNS)}; all but record_id may be empty."
            )
        reader.fieldnames = header
        for row_number, row in enumerate(reader, start=2):
            record_id = _text(row, "record_id")
            if record_id is None:
                raise LinkFileError(f"{path}, row {row_number}, column record_id: empty")
            if record_id in seen:
                raise LinkFileError(
                    f"{path}, row {row_number}, column record_id: {record_id!r} appears twice; "
                    "every record needs its own id"
                )
            seen.add(record_id)
            written.append(_text(row, "date_of_birth"))
            fields.append((record_id, *(_text(row, column) for column in OTHER_COLUMNS)))
    try:
        births, problems = _read_births(path, written, strict=strict)
    finally:
        forget_prepared()  # the dates read, cached per distinct value
    return [_input(values, birth) for values, birth in zip(fields, births, strict=True)], problems


def _input(values: tuple, birth: BirthDate | None) -> LinkInput:
    record_id, given, father, family, full, native, sex, phone, passport, tazkira, province, \
        email, household, siv_case = values  # fmt: skip
    return LinkInput(
        record_id=record_id,
        given_name=given,
        father_name=father,
        family_name=family,
        full_name=full,
        name_native=native,
        sex=sex,
        birth=birth,
        phone=phone,
        passport_number=passport,
        tazkira_number=tazkira,
        province=province,
        email=email,
        household=household,
        siv_case=siv_case,
    )


def _read_births(
    path: Path, written: list[str | None], *, strict: bool
) -> tuple[list[BirthDate | None], list[Problem]]:
    """Each record's date of birth, read in the column's day/month order (which needs the
    whole column first: hence LinkInputs are made after)."""
    evidence = _order_evidence(written)
    problems = []
    births: list[BirthDate | None] = []
    if evidence.contradictory:  # reported at the first date of the rarer order
        rarer = (
            evidence.first_month_first
            if evidence.month_first <= evidence.day_first
            else evidence.first_day_first
        )
        problems.append(
            Problem(str(path), int(str(rarer).removeprefix("row ")), "date_of_birth", (
                f"{evidence.day_first:,} dates can only be day/month/year (the first at "
                f"{evidence.first_day_first}), {evidence.month_first:,} only month/day/year "
                f"(the first at {evidence.first_month_first}): dates that read both ways count "
                "as either"
            ))
        )  # fmt: skip
    for row_number, text in enumerate(written, start=2):
        try:
            births.append(parse_birth_date(text, evidence.order))
        except UnreadableDate as error:
            problem = Problem(str(path), row_number, "date_of_birth", str(error))
            if strict:
                raise LinkFileError(str(problem)) from None
            problems.append(problem)
            births.append(None)
    return births, problems


def _order_evidence(written: list[str | None]) -> DateOrderEvidence:
    """What the column's unambiguous dates say of its order (each distinct date read once)."""
    evidence = DateOrderEvidence()
    known: dict[str, str | None] = {}
    for row_number, text in enumerate(written, start=2):
        if text is None:
            continue
        if text not in known:
            known[text] = order_evidence(text)
        evidence.count(known[text], f"row {row_number}")
    return evidence


def link_inputs(
    inputs: list[LinkInput],
    *,
    merge_threshold: float = MERGE_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    engine: Engine = "duckdb",
    progress: Callable[[str], None] = lambda step: None,
) -> tuple[list[str], Clustering]:
    """A cluster id for each input (in input order) and the clustering behind it."""
    try:
        progress("preparing names")
        frame = prepare_frame(inputs)
        progress("blocking, training and scoring")
        scored = score(frame, engine=engine)
        progress("clustering")
        clustering = cluster(
            scored, frame, merge_threshold=merge_threshold, review_threshold=review_threshold
        )
        scored.connection.close()
    finally:
        forget_prepared()
    ids = [inputs[root].record_id for root in clustering.cluster_of]
    return ids, clustering


def link_file(
    source: Path,
    out: Path,
    *,
    strict: bool = False,
    merge_threshold: float = MERGE_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    engine: Engine = "duckdb",
    progress: Callable[[str], None] = lambda step: None,
) -> FileResult:
    """Read `source`, link it, write record_id,cluster_id for every record to `out`."""
    progress("reading")
    inputs, problems = read_inputs(source, strict=strict)
    cluster_ids, clustering = link_inputs(
        inputs,
        merge_threshold=merge_threshold,
        review_threshold=review_threshold,
        engine=engine,
        progress=progress,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["record_id", "cluster_id"])
        writer.writerows(
            (item.record_id, cid) for item, cid in zip(inputs, cluster_ids, strict=True)
        )
    partial.replace(out)  # never leave half an output under the real name
    return FileResult(
        records=len(inputs),
        clusters=len(set(cluster_ids)),
        links=clustering.links,
        refused=clustering.refused,
        review=len(clustering.review),
        problems=problems,
    )
