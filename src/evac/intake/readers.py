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
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

from evac.intake import limits
from evac.intake.mapping import guess_field

SAMPLE_BYTES = 1 << 20
# Legacy encodings a list may come in when it is not UTF-8: Excel's "CSV" on a Western
# Windows, and on an Arabic-script one (Dari and Pashto users often have it).
LEGACY_ENCODINGS = ("cp1252", "cp1256")
# A character of two to four bytes as UTF-8 writes it: in a file that is otherwise not UTF-8,
# a sign of lines pasted from another export (the mixed file stored as mojibake).
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+)(?::([A-Za-z]+\d+))?"')
CELL_REF = re.compile(r"([A-Za-z]+)(\d+)")
# What a header cell that is really a person's data looks like: a date, a phone, a document
# number, or mostly digits.
DATA_LIKE = re.compile(
    r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$|^\+?[\d\s\-()]{7,}$|^[A-Za-z]{0,3}[\d\-]{5,}$"
)
HEADER_SEARCH_ROWS = 20
DELIMITERS = (",", ";", "\t", "|")
JSON_LIST_KEYS = ("results", "submissions", "data", "records", "rows")
JSON_ID_KEYS = ("_id", "_uuid", "id", "submission_id", "meta/instanceID")


class UnreadableFile(ValueError):
    """A file evac cannot read: wrong format, no header, broken encoding, over a limit."""


class FileRefused(UnreadableFile):
    """A file over one of the limits, or a sheet without a header row in front of its
    people: the whole file is refused, not only the sheet (a notes sheet is skipped)."""


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


def read_source(path: Path, *, headerless: bool = False) -> list[SourceTable]:
    """Every table in a file, chosen by its extension. `headerless`: a CSV or a sheet
    without a header row, its columns named "column 1", "column 2"... (for a mapping)."""
    # imported here: collection_tools builds on this module's tables and CSV reader
    from evac.intake.collection_tools import kobo_households, odk_zip_tables

    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return [read_csv(path, headerless=headerless)]
    if suffix in {".xlsx", ".xlsm"}:
        return kobo_households(read_xlsx(path, headerless=headerless))
    if suffix == ".json":
        return [read_json(path)]
    if suffix == ".zip":
        return odk_zip_tables(path.name, path)
    raise UnreadableFile(f"{path.name}: {READABLE}")


def read_source_bytes(name: str, data: bytes, *, headerless: bool = False) -> list[SourceTable]:
    """`read_source` for a file held in memory, chosen by its name's extension: an upload
    kept sealed on disk is opened here, so its plaintext never touches the disk."""
    from evac.intake.collection_tools import kobo_households, odk_zip_tables

    suffix = Path(name).suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return [csv_table(name, io.BytesIO(data), headerless=headerless)]
    if suffix in {".xlsx", ".xlsm"}:
        return kobo_households(xlsx_tables(name, io.BytesIO(data), headerless=headerless))
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


def detect_encoding(sample: bytes) -> str | None:
    """The encoding a byte-order mark or the zero bytes of UTF-16 show; None when the text
    is of one byte per character (ASCII, UTF-8 or a legacy code page) and must be read."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if sample and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    return None


def file_encoding(name: str, stream: BinaryIO) -> str:
    """The one encoding the whole file is in, read to its end (a list pasted together from
    several exports changes encoding anywhere); refuses a file mixing UTF-8 with another
    encoding, or with bytes its encoding cannot read, naming the first bad line. The stream
    is left at its start."""
    encoding = detect_encoding(stream.read(SAMPLE_BYTES))
    stream.seek(0)
    if encoding is None:
        not_utf8 = _first_undecodable_line(stream, "utf-8")
        stream.seek(0)
        if not_utf8 is None:
            return "utf-8"
        encoding = _legacy_encoding(name, stream, not_utf8)
        stream.seek(0)
    bad_line = _first_undecodable_line(stream, encoding)
    stream.seek(0)
    if bad_line is not None:
        raise UnreadableFile(
            f"{name}: line {bad_line} has bytes that are not {encoding}; save the file as "
            "UTF-8 (Excel: CSV UTF-8) and import it again"
        )
    return encoding


def _legacy_encoding(name: str, stream: BinaryIO, not_utf8: int) -> str:
    """The legacy code page the non-ASCII bytes fit, unless some lines are UTF-8 all the
    same (a mixed file)."""
    utf8_line, legacy_sample = _utf8_line_and_legacy_sample(stream)
    if utf8_line is not None:
        raise UnreadableFile(
            f"{name} mixes encodings: line {utf8_line} is UTF-8 and line {not_utf8} is not; "
            "save the whole file as UTF-8 (Excel: CSV UTF-8) and import it again"
        )
    from charset_normalizer import from_bytes

    best = from_bytes(legacy_sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    return best.encoding if best else LEGACY_ENCODINGS[0]


def _first_undecodable_line(stream: BinaryIO, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    while chunk := stream.read(SAMPLE_BYTES):
        try:
            line += decoder.decode(chunk).count("\n")
        except UnicodeDecodeError as error:
            return line + chunk[: max(error.start, 0)].count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None


def _utf8_line_and_legacy_sample(stream: BinaryIO) -> tuple[int | None, bytes]:
    """The first line with a UTF-8 character, and the lines with other non-ASCII bytes
    (up to SAMPLE_BYTES of them), what the code page is guessed from."""
    line, sample = 1, bytearray()
    for raw_line in stream:
        if not raw_line.isascii():
            if UTF8_MULTIBYTE.search(raw_line):
                try:
                    raw_line.decode("utf-8")
                    return line, bytes(sample)
                except UnicodeDecodeError:
                    pass  # a legacy line whose bytes happen to pair like UTF-8's
            if len(sample) < SAMPLE_BYTES:
                sample += raw_line
        line += 1
    return None, bytes(sample)


def detect_delimiter(first_line: str) -> str:
    return max(DELIMITERS, key=first_line.count)


def read_csv(path: Path, *, headerless: bool = False) -> SourceTable:
    return csv_table(path.name, path.open("rb"), headerless=headerless)


def csv_table(name: str, stream: BinaryIO, *, headerless: bool = False) -> SourceTable:
    """A CSV table from a binary stream (a file, or bytes in memory); the stream is closed
    once its rows are read."""
    try:
        encoding = file_encoding(name, stream)
    except UnreadableFile:
        stream.close()
        raise
    text = stream.read(SAMPLE_BYTES).decode(encoding, errors="ignore")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        stream.close()
        raise UnreadableFile(f"{name} is empty")
    delimiter = detect_delimiter(first_line)
    stream.seek(0)
    handle = io.TextIOWrapper(stream, encoding=encoding, newline="")
    records = _numbered_csv_records(name, handle, delimiter)
    table = _table(name, records, name, headerless=headerless)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def _numbered_csv_records(name: str, handle, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    with handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            yield from _bounded(name, enumerate(reader, start=1))
        except csv.Error as error:  # a cell over CELL_CHARS: an unclosed quote, or not a CSV
            raise UnreadableFile(
                f"{name}: line {reader.line_num} cannot be read as CSV ({error}); a quote "
                "left open makes the rest of the file one cell: close it, or save the file "
                "from a spreadsheet program again"
            ) from None


def _bounded(
    where: str, records: Iterable[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    """The records, refused at the first one over ROW_CELLS or CELL_CHARS."""
    for number, cells in records:
        yield number, _checked_cells(where, f"row {number}", cells)


def _checked_cells(where: str, locator: str, cells: list[str]) -> list[str]:
    """The cells of a row, refused when more than ROW_CELLS are filled or one is longer than
    CELL_CHARS characters."""
    if len(cells) > limits.ROW_CELLS:
        cells = _trimmed(cells)
        if len(cells) > limits.ROW_CELLS:
            raise FileRefused(
                f"{where}: {locator} has {len(cells):,} cells, more than the "
                f"{limits.ROW_CELLS:,} evac reads in a row; remove the columns it does not "
                "need, or check that the file is a list of people"
            )
    if cells and max(map(len, cells)) > limits.CELL_CHARS:
        raise FileRefused(
            f"{where}: {locator} has a cell of more than {limits.CELL_CHARS:,} characters; "
            "no name or number is that long: check that cell"
        )
    return cells


def _trimmed(cells: list[str]) -> list[str]:
    """The cells up to the last filled one: a sheet's rows all reach its widest column."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _table(
    name: str, records: Iterator[tuple[int, list[str]]], where: str, *, headerless: bool = False
) -> SourceTable:
    """Find the header among the first rows (title rows may sit above it), then the rows."""
    if headerless:
        return _headerless_table(name, records, where)
    head = list(islice(records, HEADER_SEARCH_ROWS))
    header_at = _header_position([cells for _, cells in head])
    if header_at is None:
        raise UnreadableFile(f"{where}: no header row with column names in the first rows")
    if _looks_like_data(head[header_at][1]):
        # a list without a header row: its first person would become the column names
        raise FileRefused(
            f"{where}: row {head[header_at][0]} should name the columns, but its cells look "
            "like a person's data (dates, phones, document numbers); add a header row with "
            "the column names above the first person, or give the columns with --mapping"
        )
    headers = _unique_headers(head[header_at][1])
    rest = chain(head[header_at + 1 :], records)
    hxl_tags: dict[str, str] = {}
    first = next(rest, None)
    if first is not None and _is_hashtag_row(first[1]):
        hxl_tags = {h: t.strip() for h, t in zip(headers, first[1], strict=False) if t.strip()}
    elif first is not None:
        rest = chain([first], rest)
    rows = _source_rows(name, where, headers, rest)
    return SourceTable(name=name, headers=headers, rows=rows, hxl_tags=hxl_tags)


def _headerless_table(
    name: str, records: Iterator[tuple[int, list[str]]], where: str
) -> SourceTable:
    """Every row a person's, the columns named by position, as far as the first rows reach
    (cells beyond are kept as "column N" all the same)."""
    head = list(islice(records, HEADER_SEARCH_ROWS))
    if not head:
        raise UnreadableFile(f"{where} is empty")
    width = max(len(_trimmed(cells)) for _, cells in head)
    headers = [f"column {position}" for position in range(1, width + 1)]
    return SourceTable(name, headers, _source_rows(name, where, headers, chain(head, records)))


def _source_rows(
    name: str, where: str, headers: list[str], records: Iterable[tuple[int, list[str]]]
) -> Iterator[SourceRow]:
    """The records that hold anything, as rows located as a partner finds them."""
    prefix = f"{where} " if where != name else ""
    return (
        SourceRow(number, f"{prefix}row {number}", _row_dict(headers, cells))
        for number, cells in records
        if any(c.strip() for c in cells)
    )


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


def _looks_like_data(cells: list[str]) -> bool:
    """Two filled cells, or more than a third of them, are dates, phones, document numbers
    or mostly digits: no column name is."""
    filled = [text for c in cells if (text := str(c).strip())]
    data = sum(1 for text in filled if not guess_field(text) and _is_data_like(text))
    return data >= 2 or data * 3 > len(filled)


def _is_data_like(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return bool(DATA_LIKE.match(text)) or digits * 2 > len(text)


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


def read_xlsx(path: Path, *, headerless: bool = False) -> list[SourceTable]:
    return xlsx_tables(path.name, path, headerless=headerless)


def xlsx_tables(
    name: str, source: Path | BinaryIO, *, headerless: bool = False
) -> list[SourceTable]:
    from openpyxl import load_workbook

    check_workbook(name, source)
    try:
        workbook = load_workbook(source, data_only=True)
    except MemoryError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(f"{name} is not a readable .xlsx file: {error}") from None
    tables = []
    for sheet in workbook.worksheets:
        where = f"{name} sheet {sheet.title!r}"
        _check_sheet_size(where, sheet)
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
            table = _table(sheet.title, _bounded(where, records), where, headerless=headerless)
        except FileRefused:
            raise
        except UnreadableFile:
            continue  # a notes or empty sheet
        table.rows = list(table.rows)  # the workbook is in memory anyway
        tables.append(table)
    if not tables:
        raise UnreadableFile(f"{name}: no sheet has a header row with column names")
    return tables


def check_workbook(name: str, source: Path | BinaryIO) -> None:
    """Refuse a workbook (a zip of XML) that unpacks too large or too far, or whose merged
    ranges cover too many cells, before openpyxl builds it: openpyxl makes an object for
    every cell of a merged range as it loads, so one range over a sheet fills the memory."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableFile(f"{name} is not a readable .xlsx file: {error}") from None
    with archive:
        members = archive.infolist()
        check_zip_sizes(name, members, limit=limits.XLSX_UNPACKED_BYTES)
        merged = sum(
            _merged_cell_count(archive, info)
            for info in members
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        )
    if merged > limits.MERGED_CELLS:
        raise FileRefused(
            f"{name}: its merged cells cover {merged:,} cells, more than the "
            f"{limits.MERGED_CELLS:,} evac reads; unmerge the cells (Excel: Merge & Center, "
            "Unmerge Cells) or save the sheet as CSV, and import it again"
        )
    if not isinstance(source, Path):
        source.seek(0)


def check_zip_sizes(name: str, members: list[zipfile.ZipInfo], *, limit: int) -> None:
    """Refuse a zip whose members unpack to more than `limit` bytes in all, or one that
    shrinks like a bomb. The sizes a zip declares bind: zipfile stops a member at its
    declared size and fails its checksum if more was packed."""
    unpacked = sum(info.file_size for info in members)
    if unpacked > limit:
        raise FileRefused(
            f"{name} unpacks to {unpacked / limits.MB:,.0f} MB, more than the "
            f"{limit / limits.MB:,.0f} MB evac reads from one file; send the list in "
            "several smaller files"
        )
    for info in members:
        check_compression(name, info)


def check_compression(name: str, info: zipfile.ZipInfo) -> None:
    """Refuse a zip member that shrinks like a bomb."""
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= limits.RATIO_FROM_BYTES and ratio > limits.COMPRESSION_RATIO:
        raise FileRefused(
            f"{name}: {info.filename} unpacks {ratio:,.0f} times its packed size, as zip "
            f"bombs do (spreadsheets stay under {limits.COMPRESSION_RATIO}); if it is a real "
            "list, save it as CSV and import that"
        )


def _merged_cell_count(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The cells a sheet's merged ranges cover, read from its XML as bytes (a streamed
    search, far lighter than parsing every cell's element)."""
    count, tail = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(SAMPLE_BYTES):
            buffer = tail + chunk
            end = 0
            for match in MERGE_REF.finditer(buffer):
                count += _range_cells(match.group(1), match.group(2) or match.group(1))
                end = match.end()
            tail = buffer[max(end, len(buffer) - 256) :]  # a tag cut by the chunk's end
    return count


def _range_cells(first: bytes, last: bytes) -> int:
    (col1, row1), (col2, row2) = _cell_position(first), _cell_position(last)
    return (abs(row2 - row1) + 1) * (abs(col2 - col1) + 1)


def _cell_position(ref: bytes) -> tuple[int, int]:
    letters, digits = CELL_REF.fullmatch(ref.decode("ascii")).groups()
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column, int(digits)


def _check_sheet_size(where: str, sheet) -> None:
    """Refuse a sheet whose rectangle (to its last row and column) is too large: openpyxl
    makes an object for every cell of it as the rows are read."""
    cells = sheet.max_row * sheet.max_column
    if cells > limits.SHEET_CELLS:
        raise FileRefused(
            f"{where} spans {sheet.max_row:,} rows by {sheet.max_column:,} columns, more than "
            f"the {limits.SHEET_CELLS:,} cells evac reads from a sheet; delete the empty rows "
            "and columns beyond the list (a stray cell far down or right), or send the list "
            "in several files"
        )


def _merged_values(sheet) -> dict[tuple[int, int], object]:
    """Every cell of a merged range holds the range's value (a family number over 4 rows)."""
    values = {}
    for cells in sheet.merged_cells.ranges:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, min(cells.max_row, sheet.max_row) + 1):
            for column in range(cells.min_col, min(cells.max_col, sheet.max_column) + 1):
                values[(row, column)] = value
    return values


def read_json(path: Path) -> SourceTable:
    return json_table(path.name, path.read_bytes())


def json_table(name: str, content: bytes) -> SourceTable:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFile(f"{name} is not valid JSON: {error}") from None
    except RecursionError:  # nested deeper than Python's parser goes
        raise _too_deep(name) from None
    _check_json_shape(name, data)
    submissions = _submissions(data)
    if submissions is None:
        raise UnreadableFile(
            f"{name}: expected a list of submissions (or an object with a "
            f"{'/'.join(JSON_LIST_KEYS)} list)"
        )
    rows = list(_json_rows(submissions))
    for row in rows:
        _checked_cells(name, row.locator, list(row.raw.values()))
    headers = list(dict.fromkeys(key for row in rows for key in row.raw))
    return SourceTable(name=name, headers=headers, rows=rows)


def _check_json_shape(name: str, data: object) -> None:
    """Refuse JSON nested deeper than JSON_DEPTH or holding more than JSON_VALUES values,
    walked without recursion (the rows are flattened by a recursive walk)."""
    stack, values = [(data, 1)], 0
    while stack:
        item, depth = stack.pop()
        if depth > limits.JSON_DEPTH:
            raise _too_deep(name)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        values += 1
        if values > limits.JSON_VALUES:
            raise FileRefused(
                f"{name} holds more than {limits.JSON_VALUES:,} values, more than evac reads "
                "from one file; export the submissions in several files"
            )


def _too_deep(name: str) -> FileRefused:
    return FileRefused(
        f"{name}: its objects and lists nest more than {limits.JSON_DEPTH} deep; a form "
        "export nests a few levels: check that it is a list of submissions"
    )


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
