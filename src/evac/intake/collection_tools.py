"""Exports of KoboToolbox and ODK Central, and their form definitions (XLSForm), as households.

Both tools store a form's repeat group (the family members) apart from the submission:
KoboToolbox's XLSX export has a main sheet and one sheet per repeat, joined by `_index` (main)
and `_parent_index` (repeat, with `_parent_table_name` naming the parent sheet); ODK Central's
CSV zip has the main CSV and one `FORM-REPEAT.csv` per repeat, joined by `KEY` and
`PARENT_KEY` (a repeat row's `KEY` is `uuid:.../repeat[1]`). Each submission becomes one table
of rows as the JSON web-form path makes them: the main row its principal, its repeat rows its
members (`group_key`, `is_principal`). The shape is read from the columns, never the file
name. A repeat inside a repeat joins the submission the same way.
"""

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from evac.intake import limits
from evac.intake.mapping import is_submission_metadata
from evac.intake.readers import (
    FileRefused,
    SourceRow,
    SourceTable,
    UnreadableFile,
    check_compression,
    check_workbook,
    csv_table,
)

KOBO_INDEX = "_index"
KOBO_PARENT_INDEX = "_parent_index"
KOBO_PARENT_TABLE = "_parent_table_name"
KOBO_SUBMISSION_IDS = ("_uuid", "_id")
ODK_KEY = "KEY"
ODK_PARENT_KEY = "PARENT_KEY"
# Columns that change between two exports of the same submissions: Kobo's positions in one
# export (`_index`, `_parent_index`) and review states (also as a repeat sheet's
# `_submission__validation_status`...), ODK Central's review state, edit count, status and
# attachments received. Kept in the raw row, left out of its content hash (`volatile`), so a
# later export adds no duplicates.
KOBO_VOLATILE = frozenset(
    {"_index", "_parent_index", "_validation_status", "_status", "_notes", "_tags"}
)
ODK_VOLATILE = frozenset({"ReviewState", "Edits", "Status", "AttachmentsPresent"})
EXCEL_SHEET_TITLE = 31  # Excel cuts sheet titles, Kobo's _parent_table_name may be longer
GROUP_STARTS = {"begin_group", "begin group", "begin_repeat", "begin repeat"}
GROUP_ENDS = {"end_group", "end group", "end_repeat", "end repeat"}


# --- KoboToolbox XLSX ---------------------------------------------------------------------


def is_kobo_main(table: SourceTable) -> bool:
    headers = set(table.headers)
    return (
        KOBO_INDEX in headers
        and KOBO_PARENT_INDEX not in headers
        and any(key in headers for key in KOBO_SUBMISSION_IDS)
    )


def kobo_households(tables: list[SourceTable]) -> list[SourceTable]:
    """A Kobo workbook's main sheet and repeat sheets as one table of households; any other
    workbook (or sheet) as it is."""
    mains = [table for table in tables if is_kobo_main(table)]
    if len(mains) != 1:
        return tables
    main = mains[0]
    repeats = [t for t in tables if KOBO_PARENT_INDEX in t.headers]
    others = [t for t in tables if t is not main and t not in repeats]
    owner: dict[tuple[str, str], str] = {}  # (sheet, _index) -> its submission's key
    principals = []
    for row in main.rows:
        key = _kobo_submission_key(row)
        owner[(main.name, row.raw.get(KOBO_INDEX, ""))] = key
        principals.append((row, key))
    members = []
    for table in repeats:
        for row in table.rows:
            parent = (_sheet_named(row.raw.get(KOBO_PARENT_TABLE, ""), tables), _parent_index(row))
            key = owner.get(parent) or "{}[{}]".format(*parent)
            owner[(table.name, row.raw.get(KOBO_INDEX, ""))] = key
            members.append((row, key))
    return [households(main.name, [main, *repeats], principals, members), *others]


def _kobo_submission_key(row: SourceRow) -> str:
    ids = (row.raw.get(key, "").strip() for key in KOBO_SUBMISSION_IDS)
    return next((value for value in ids if value), f"_index {row.raw.get(KOBO_INDEX, '')}")


def _parent_index(row: SourceRow) -> str:
    return row.raw.get(KOBO_PARENT_INDEX, "").strip()


def _sheet_named(name: str, tables: list[SourceTable]) -> str:
    """The sheet a `_parent_table_name` names: Excel keeps only a title's first 31 letters."""
    titles = {table.name for table in tables}
    return name if name in titles else name[:EXCEL_SHEET_TITLE]


# --- ODK Central CSV zip ------------------------------------------------------------------


def odk_zip_tables(
    name: str,
    source: Path | BinaryIO,
    *,
    member_limit: int = limits.MEMBER_UNPACKED_BYTES,
    zip_limit: int = limits.ZIP_UNPACKED_BYTES,
) -> list[SourceTable]:
    """An ODK Central export (`FORM.csv` and `FORM-REPEAT.csv` in a zip) as one table of
    households. Attachments (`media/`) are not opened."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableFile(f"{name} is not a readable .zip file: {error}") from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if info.filename.lower().endswith(".csv") and not info.filename.startswith("__MACOSX")
        ]
        if not members:
            raise UnreadableFile(f"{name}: the zip holds no .csv file (an ODK Central export)")
        budget = _Budget(name, member_limit, zip_limit)
        tables = [_member_table(archive, info, budget) for info in members]
    mains = [t for t in tables if ODK_KEY in t.headers and ODK_PARENT_KEY not in t.headers]
    if len(mains) != 1:
        found = ", ".join(t.name for t in mains) or "none"
        raise UnreadableFile(
            f"{name}: an ODK Central export has one main CSV, with a KEY column and no "
            f"PARENT_KEY; found {found}"
        )
    main = mains[0]
    repeats = [t for t in tables if ODK_PARENT_KEY in t.headers]
    principals = [(row, row.raw.get(ODK_KEY, "").strip()) for row in main.rows]
    members_ = [
        (row, row.raw.get(ODK_PARENT_KEY, "").strip().partition("/")[0])  # uuid:.../repeat[1]
        for table in repeats
        for row in table.rows
    ]
    others = [t for t in tables if t is not main and t not in repeats]
    return [households(main.name, [main, *repeats], principals, members_), *others]


@dataclass
class _Budget:
    """What the zip's members may unpack to, one by one and in all: a zip is unpacked
    member by member into memory, so a zip bomb is refused before it fills the memory."""

    name: str
    member_limit: int
    zip_limit: int
    used: int = 0

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        limit = min(self.member_limit, self.zip_limit - self.used)
        if info.file_size > limit:
            raise self._too_large(info, limit)
        check_compression(self.name, info)
        # A member's declared size can lie: read one byte past the limit to know.
        with archive.open(info) as stream:
            content = stream.read(limit + 1)
        if len(content) > limit:
            raise self._too_large(info, limit)
        self.used += len(content)
        return content

    def _too_large(self, info: zipfile.ZipInfo, limit: int) -> FileRefused:
        return FileRefused(
            f"{self.name}: {info.filename} unpacks to more than {_mb(limit)} (evac reads "
            f"up to {_mb(self.member_limit)} a file and {_mb(self.zip_limit)} a zip, so "
            "that a zip bomb cannot fill the memory); export fewer submissions at a time"
        )


def _mb(size: int) -> str:
    return f"{size / 2**20:g} MB"


def _member_table(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> SourceTable:
    try:
        content = budget.read(archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as error:
        raise UnreadableFile(f"{budget.name}: cannot unpack {info.filename}: {error}") from None
    table = csv_table(info.filename, io.BytesIO(content))
    # csv_table locates a row as "row 5": the partner also needs to know which CSV of the zip
    table.rows = [replace(row, locator=f"{info.filename} {row.locator}") for row in table.rows]
    return table


# --- one table of households --------------------------------------------------------------


def households(
    name: str,
    tables: list[SourceTable],
    principals: Iterable[tuple[SourceRow, str]],
    members: Iterable[tuple[SourceRow, str]],
) -> SourceTable:
    """Each submission's main row (its principal), then its members, in one table; members
    whose submission is not in the export (a filtered export) follow as households of their
    own, kept, not dropped."""
    by_submission: dict[str, list[SourceRow]] = {}
    for row, key in members:
        by_submission.setdefault(key, []).append(row)
    rows = []
    for row, key in principals:
        rows.append(replace(row, group_key=key, is_principal=True))
        rows += [replace(m, group_key=key, is_principal=False) for m in by_submission.pop(key, [])]
    for key, orphans in by_submission.items():
        rows += [replace(m, group_key=key, is_principal=False) for m in orphans]
    headers = list(dict.fromkeys(h for table in tables for h in table.headers))
    return SourceTable(
        name=name,
        headers=headers,
        rows=rows,
        metadata=frozenset(h for h in headers if is_submission_metadata(h, tool_export=True)),
        groups={h: table.name for table in tables[1:] for h in table.headers},
        volatile=frozenset(h for h in headers if is_volatile(h)),
    )


def is_volatile(header: str) -> bool:
    """A tool's column that two exports of the same submission may fill differently."""
    return header.removeprefix("_submission_") in KOBO_VOLATILE or header in ODK_VOLATILE


# --- XLSForm ------------------------------------------------------------------------------


def read_xlsform(name: str, source: Path | BinaryIO) -> dict[str, tuple[str, ...]]:
    """Each question's labels, English first, by its path (`family_members/member_name`) and
    by its bare name: what the mapping matches when a question is named `q7`."""
    from openpyxl import load_workbook

    check_workbook(name, source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(f"{name} is not a readable .xlsx file: {error}") from None
    if "survey" not in workbook.sheetnames:
        raise UnreadableFile(f"{name} is not an XLSForm: it has no 'survey' sheet")
    rows = workbook["survey"].iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    if "type" not in header or "name" not in header:
        raise UnreadableFile(f"{name}: the 'survey' sheet has no 'type' and 'name' columns")
    label_columns = _label_columns(header)
    labels: dict[str, tuple[str, ...]] = {}
    groups: list[str] = []
    for cells in rows:
        row = dict(zip(header, (str(c or "").strip() for c in cells), strict=False))
        kind, question = row.get("type", "").lower(), row.get("name", "")
        if kind in GROUP_ENDS:
            groups = groups[:-1]
            continue
        if kind in GROUP_STARTS:
            groups.append(question)
            continue
        written = tuple(row[column] for column in label_columns if row.get(column))
        if question and written:
            labels["/".join([*groups, question])] = written
            labels.setdefault(question, written)
    workbook.close()
    return labels


def _label_columns(header: list[str]) -> list[str]:
    """`label::English (en)` first (the mapping's synonyms are mostly English), then the
    default `label`, then the others (`label::Dari (prs)`, `label::Pashto (ps)`)."""
    labels = [h for h in header if h == "label" or h.lower().startswith("label::")]
    return sorted(labels, key=lambda h: (not h.lower().startswith("label::english"), h != "label"))


def apply_form(tables: list[SourceTable], labels: dict[str, tuple[str, ...]]) -> None:
    """Give each column the labels of its question: found by the header as Kobo writes it
    (`family_members/member_name`), as ODK does (`family_members-member_name`), or bare."""
    for table in tables:
        found = {header: _question_labels(header, labels) for header in table.headers}
        table.labels = {header: written for header, written in found.items() if written}


def _question_labels(header: str, labels: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    path = header.replace("-", "/")
    return labels.get(header) or labels.get(path) or labels.get(path.rpartition("/")[2]) or ()
