"""File mode: link any labelled CSV without a database (`evac link file`)."""

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evac.intake.dates import DateOrderEvidence, order_evidence
from evac.linkage.cluster import MERGE_THRESHOLD, REVIEW_THRESHOLD, Clustering, cluster
from evac.linkage.dates import BirthDate, UnreadableDate, parse_birth_date
from evac.linkage.families import with_listed_families
from evac.linkage.model import Engine, LinkInput, forget_prepared, prepare_frame, score
from evac.safe_csv import SafeWriter

FILE_COLUMNS = (
    "record_id", "given_name", "father_name", "family_name", "full_name_native", "sex",
    "date_of_birth", "phone", "passport_number", "tazkira_number", "province", "email",
)  # fmt: skip
# Not in the documented format, but read when present.
OPTIONAL_COLUMNS = ("full_name", "household_id", "siv_case_number", "source")
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
    sources: list[str | None] = []  # the list each record came from, when the file says
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
            sources.append(_text(row, "source"))
            fields.append((record_id, *(_text(row, column) for column in OTHER_COLUMNS)))
    try:
        lists = list_of_each_record([values[0] for values in fields], sources)
        births, problems = _read_births(path, written, lists, strict=strict)
    finally:
        forget_prepared()  # the dates read, cached per distinct value
    inputs = [
        _input(values, birth, source)
        for values, birth, source in zip(fields, births, lists, strict=True)
    ]
    return inputs, problems


def _input(values: tuple, birth: BirthDate | None, source: str) -> LinkInput:
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
        source=source,
    )


# A record id that ends in its row's number after the list's name: ngo-amanat-3850,
# flight_manifest-000001, SIV_2021_0042. Ids must be unique in a file, so whoever merges
# lists into one prefixes each list's ids with its name.
_NUMBERED_ID = re.compile(r"(?P<list>.*?)[\W_]*\d+")


def list_of_each_record(record_ids: list[str], sources: list[str | None]) -> list[str]:
    """The list each record came from: its `source` column, else its record id without the
    number at its end, when every id has one (else the whole file is one list)."""
    if any(sources):
        return [source or "" for source in sources]
    numbered = [_NUMBERED_ID.fullmatch(record_id) for record_id in record_ids]
    if not all(numbered):
        return [""] * len(record_ids)
    return [match["list"] for match in numbered]  # type: ignore[index]


def _read_births(
    path: Path, written: list[str | None], lists: list[str], *, strict: bool
) -> tuple[list[BirthDate | None], list[Problem]]:
    """Each record's date of birth, read in its list's day/month order (which needs the whole
    column first: hence LinkInputs are made after). Lists merged into one file keep their own
    orders (a US case list writes 07/15/1986, an Afghan one 15/07/1986): each list's order is
    what its unambiguous dates show; a list whose dates show none takes the file's, if one."""
    evidence, whole = _order_evidence(written, lists)
    problems = [
        _contradiction(path, name, found) for name, found in evidence.items() if found.contradictory
    ]
    orders = {name: found.order or whole.order for name, found in evidence.items()}
    births: list[BirthDate | None] = []
    for row_number, (text, name) in enumerate(zip(written, lists, strict=True), start=2):
        try:
            births.append(parse_birth_date(text, orders[name]))
        except UnreadableDate as error:
            problem = Problem(str(path), row_number, "date_of_birth", str(error))
            if strict:
                raise LinkFileError(str(problem)) from None
            problems.append(problem)
            births.append(None)
    return births, problems


def _contradiction(path: Path, name: str, evidence: DateOrderEvidence) -> Problem:
    """A list whose dates read only one way in some rows and only the other in others,
    reported at the first date of the rarer order."""
    rarer = (
        evidence.first_month_first
        if evidence.month_first <= evidence.day_first
        else evidence.first_day_first
    )
    return Problem(str(path), int(str(rarer).removeprefix("row ")), "date_of_birth", (
        f"{f'list {name!r}: ' if name else ''}{evidence.day_first:,} dates can only be "
        f"day/month/year (the first at {evidence.first_day_first}), {evidence.month_first:,} "
        f"only month/day/year (the first at {evidence.first_month_first}): dates that read "
        "both ways count as either"
    ))  # fmt: skip


def _order_evidence(
    written: list[str | None], lists: list[str]
) -> tuple[dict[str, DateOrderEvidence], DateOrderEvidence]:
    """What each list's unambiguous dates say of its order, and all lists' together (each
    distinct date read once)."""
    evidence = {name: DateOrderEvidence() for name in lists}
    whole = DateOrderEvidence()
    known: dict[str, str | None] = {}
    for row_number, (text, name) in enumerate(zip(written, lists, strict=True), start=2):
        if text is None:
            continue
        if text not in known:
            known[text] = order_evidence(text)
        evidence[name].count(known[text], f"row {row_number}")
        whole.count(known[text], f"row {row_number}")
    return evidence, whole


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
        frame = with_listed_families(prepare_frame(inputs), [i.source for i in inputs])
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
