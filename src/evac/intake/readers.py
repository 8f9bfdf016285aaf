"""Read partner files into rows of {header: text}, exactly as the source wrote them.

CSV in any delimiter and encoding (UTF-8 with or without BOM, UTF-16, Windows-1252), with
quoted fields spanning lines and an optional HXL hashtag row; XLSX with title rows above the
header, merged cells, dates and several sheets; JSON as web forms export it, with family
members nested in each submission; KoboToolbox XLSX and ODK Central CSV zip exports, their
repeat groups joined to their submissions (`collection_tools`). A row number is the one a
partner sees in a spreadsheet.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from evac.intake.mapping import guess_field

SAMPLE_BYTES = 1 << 20
HEADER_SEARCH_ROWS = 20
DELIMITERS = (",", ";", "\t", "|")
JSON_LIST_KEYS = ("results", "submissions", "data", "records", "rows")
JSON_ID_KEYS = ("_id", "_uuid", "id", "submission_id", "meta/instanceID")


class UnreadableFile(ValueError):
    """A file evac cannot read: wrong format, no header, broken encoding."""


@dataclass(frozen=True)
class SourceRow:
    """One row as the source sent it, and where it was."""

    row_number: int  # spreadsheet row (the header is a row too), or JSON row count
    locator: str  # what a partner looks for: "row 14", "sheet Family row 5", "submission 3"
    raw: dict[str, str]
    group_key: str | None = None  # a web form's submission: principal and nested members
    is_principal: bool | None = None

    def __repr__(self) -> str:  # personal data stays out of logs
        return f"SourceRow({self.locator!r}, <redacted>)"


@dataclass
class SourceTable:
    """The rows of one CSV file, one sheet or one JSON export."""

    name: str
    headers: list[str]
    rows: Iterable[SourceRow]
    hxl_tags: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    # A form tool's export (collection_tools): each question's labels from its XLSForm, the
    # columns the tool adds itself (ids, times, review states), and the repeat group (sheet or
    # CSV) a member's column came from.
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    metadata: frozenset[str] = frozenset()
    groups: dict[str, str] = field(default_factory=dict)
    # Columns a row's content hash leaves out (the row is still stored whole): a form tool's
    # positions in one export and review states, which change between two exports of the
    # same submissions. Empty for any other table, whose rows hash whole as they always have.
    volatile: frozenset[str] = frozenset()


READABLE = "evac reads .csv, .tsv, .xlsx, .json and ODK Central .zip files"


def read_source(path: Path) -> list[SourceTable]:
    """Every table in a file, chosen by its extension."""
    # imported here: collection_tools builds on this module's tables and CSV reader
    from evac.intake.collection_tools import kobo_households, odk_zip_tables

    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return [read_csv(path)]
    if suffix in {".xlsx", ".xlsm"}:
        return kobo_households(read_xlsx(path))
    if suffix == ".json":
        return [read_json(path)]
    if suffix == ".zip":
        return odk_zip_tables(path.name, path)
    raise UnreadableFile(f"{path.name}: {READABLE}")


def read_source_bytes(name: str, data: bytes) -> list[SourceTable]:
    """`read_source` for a file held in memory, chosen by its name's extension: an upload
    kept sealed on disk is opened here, so its plaintext never touches the disk."""
    from evac.intake.collection_tools import kobo_households, odk_zip_tables

    suffix = Path(name).suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return [csv_table(name, io.BytesIO(data))]
    if suffix in {".xlsx", ".xlsm"}:
        return kobo_households(xlsx_tables(name, io.BytesIO(data)))
    if suffix == ".json":
        return [json_table(name, data)]
    if suffix == ".zip":
        return odk_zip_tables(name, io.BytesIO(data))
    raise UnreadableFile(f"{name}: {READABLE}")


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if sample and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 3:  # not just a character cut by the sample's end
            return "cp1252"
    return "utf-8"


def detect_delimiter(first_line: str) -> str:
    return max(DELIMITERS, key=first_line.count)


def read_csv(path: Path) -> SourceTable:
    return csv_table(path.name, path.open("rb"))


def csv_table(name: str, stream: BinaryIO) -> SourceTable:
    """A CSV table from a binary stream (a file, or bytes in memory); the stream is closed
    once its rows are read."""
    sample = stream.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="ignore")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        stream.close()
        raise UnreadableFile(f"{name} is empty")
    delimiter = detect_delimiter(first_line)
    stream.seek(0)
    handle = io.TextIOWrapper(stream, encoding=encoding, newline="")
    records = _numbered_csv_records(name, handle, delimiter)
    table = _table(name, records, name)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def _numbered_csv_records(name: str, handle, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    with handle:
        try:
            yield from enumerate(csv.reader(handle, delimiter=delimiter), start=1)
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                f"{name}: bytes that are not {handle.encoding} at offset {error.start} of a "
                "later block; save the file as UTF-8 (Excel: CSV UTF-8) and import it again"
            ) from None
        except csv.Error as error:  # a cell of over 128 kB: an unclosed quote, or not a CSV
            raise UnreadableFile(f"{name} is not a readable CSV file: {error}") from None


def _table(name: str, records: Iterator[tuple[int, list[str]]], where: str) -> SourceTable:
    """Find the header among the first rows (title rows may sit above it), then the rows."""
    head = []
    for record in records:
        head.append(record)
        if len(head) == HEADER_SEARCH_ROWS:
            break
    header_at = _header_position([cells for _, cells in head])
    if header_at is None:
        raise UnreadableFile(f"{where}: no header row with column names in the first rows")
    headers = _unique_headers(head[header_at][1])
    rest = chain(head[header_at + 1 :], records)
    hxl_tags: dict[str, str] = {}
    first = next(rest, None)
    if first is not None and _is_hashtag_row(first[1]):
        hxl_tags = {h: t.strip() for h, t in zip(headers, first[1], strict=False) if t.strip()}
    elif first is not None:
        rest = chain([first], rest)
    prefix = f"{where} " if where != name else ""
    rows = (
        SourceRow(number, f"{prefix}row {number}", _row_dict(headers, cells))
        for number, cells in rest
        if any(c.strip() for c in cells)
    )
    return SourceTable(name=name, headers=headers, rows=rows, hxl_tags=hxl_tags)


def _header_position(rows: list[list[str]]) -> int | None:
    """The row with the most recognisable column names (at least two filled cells)."""
    best, best_score = None, 0
    for index, cells in enumerate(rows):
        filled = [c for c in cells if str(c).strip()]
        if len(filled) < 2 or (index > 0 and _is_hashtag_row(cells)):
            continue
        score = sum(1 for c in filled if guess_field(str(c))) + 1
        if score > best_score:
            best, best_score = index, score
    return best


def _unique_headers(cells: list[str]) -> list[str]:
    headers: list[str] = []
    for position, cell in enumerate(cells, start=1):
        header = str(cell).strip() or f"column {position}"
        while header in headers:
            header += f" ({position})"
        headers.append(header)
    return headers


def _is_hashtag_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _row_dict(headers: list[str], cells: list[str]) -> dict[str, str]:
    row = dict(zip(headers, cells, strict=False))
    for position in range(len(headers), len(cells)):  # cells beyond the header: kept, unread
        if cells[position].strip():
            row[f"column {position + 1}"] = cells[position]
    return row


def read_xlsx(path: Path) -> list[SourceTable]:
    return xlsx_tables(path.name, path)


def xlsx_tables(name: str, source: Path | BinaryIO) -> list[SourceTable]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(f"{name} is not a readable .xlsx file: {error}") from None
    tables = []
    for sheet in workbook.worksheets:
        merged = _merged_values(sheet)
        records = (
            (
                number,
                [
                    cell_text(merged.get((number, column), value))
                    for column, value in enumerate(values, start=1)
                ],
            )
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        try:
            table = _table(sheet.title, records, f"{name} sheet {sheet.title!r}")
        except UnreadableFile:
            continue  # a notes or empty sheet
        table.rows = list(table.rows)  # the workbook is in memory anyway
        tables.append(table)
    if not tables:
        raise UnreadableFile(f"{name}: no sheet has a header row with column names")
    return tables


def _merged_values(sheet) -> dict[tuple[int, int], object]:
    """Every cell of a merged range holds the range's value (a family number over 4 rows)."""
    values = {}
    for cells in sheet.merged_cells.ranges:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, cells.max_row + 1):
            for column in range(cells.min_col, cells.max_col + 1):
                values[(row, column)] = value
    return values


def read_json(path: Path) -> SourceTable:
    return json_table(path.name, path.read_bytes())


def json_table(name: str, content: bytes) -> SourceTable:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFile(f"{name} is not valid JSON: {error}") from None
    submissions = _submissions(data)
    if submissions is None:
        raise UnreadableFile(
            f"{name}: expected a list of submissions (or an object with a "
            f"{'/'.join(JSON_LIST_KEYS)} list)"
        )
    rows = list(_json_rows(submissions))
    headers = list(dict.fromkeys(key for row in rows for key in row.raw))
    return SourceTable(name=name, headers=headers, rows=rows)


def _submissions(data: object) -> list[dict] | None:
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    if isinstance(data, dict):
        for key in JSON_LIST_KEYS:
            if isinstance(data.get(key), list):
                return _submissions(data[key])
        return [data]
    return None


def _json_rows(submissions: list[dict]) -> Iterator[SourceRow]:
    number = 0
    for index, submission in enumerate(submissions, start=1):
        scalars, members = _flatten(submission)
        key = next((str(scalars[k]) for k in JSON_ID_KEYS if scalars.get(k)), f"#{index}")
        number += 1
        yield SourceRow(number, f"submission {index}", scalars, group_key=key, is_principal=True)
        for list_key, position, member in members:
            number += 1
            yield SourceRow(
                number,
                f"submission {index}, {list_key} {position}",
                member,
                group_key=key,
                is_principal=False,
            )


def _flatten(
    item: dict, prefix: str = ""
) -> tuple[dict[str, str], list[tuple[str, int, dict[str, str]]]]:
    """Scalars as "group/field" keys (the KoBo style); lists of objects as member rows."""
    scalars: dict[str, str] = {}
    members: list[tuple[str, int, dict[str, str]]] = []
    for key, value in item.items():
        path = key if key.startswith(prefix) else prefix + key
        if isinstance(value, dict):
            inner, nested = _flatten(value, path + "/")
            scalars.update(inner)
            members.extend(nested)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for position, member in enumerate(value, start=1):
                flat, _ = _flatten(member, path + "/")
                members.append((path, position, flat))
        elif isinstance(value, list) and value:
            scalars[path] = "; ".join(cell_text(v) for v in value)
        elif not isinstance(value, list):
            scalars[path] = cell_text(value)
    return scalars, members
