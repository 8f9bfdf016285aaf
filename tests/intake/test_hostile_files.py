"""Files a careless partner or an attacker sends: each is refused with a message that names
the file and says what to do, within the limits of `evac.intake.limits`, never with a
traceback or by filling the memory."""

import asyncio
import io
import json
import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from defusedxml import DefusedXmlException
from openpyxl import Workbook

from evac.intake import limits
from evac.intake.mapping import propose_upload
from evac.intake.readers import UnreadableFile, read_source, read_source_bytes
from evac.intake.sandbox import (
    ParseFailed,
    parse_in_child,
    parse_in_child_async,
    propose_in_child_async,
)

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(xlsx: bytes, edit) -> bytes:
    """The workbook with its first sheet's XML rewritten by `edit` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, edit(content) if info.filename == SHEET else content)
    return out.getvalue()


PEOPLE = [["Name", "Phone"], ["Person One", "0799000001"], ["Person Two", "0799000002"]]


def test_one_merged_range_over_a_whole_sheet_is_refused_before_loading():
    # 1.5 kB that openpyxl expanded cell by cell until the memory ran out (43 s)
    merged = b'<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'
    xlsx = with_sheet_xml(
        workbook_bytes(PEOPLE), lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merged)
    )
    assert len(xlsx) < 10_000
    with pytest.raises(UnreadableFile, match=r"merged cells cover 17,179,852,800 cells.*unmerge"):
        read_source_bytes("merged.xlsx", xlsx)


def test_a_few_merged_ranges_are_still_read():
    xlsx = workbook_bytes([["Family", "Name"], ["F-1", "Person One"], [None, "Person Two"]])
    merged = b'<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>'
    xlsx = with_sheet_xml(xlsx, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merged))
    (table,) = read_source_bytes("families.xlsx", xlsx)
    assert [row.raw["Family"] for row in table.rows] == ["F-1", "F-1"]


def test_an_xlsx_bomb_is_refused_by_its_unpacked_size():
    # cells without a reference repeat exactly, so gigabytes pack into a few MB
    cells = b"<c><v>1</v></c>" * 16
    rows = b"<row>" + cells + b"</row>"

    def bomb(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", rows * 1_000_000 + b"</sheetData>")

    xlsx = with_sheet_xml(workbook_bytes(PEOPLE), bomb)
    assert len(xlsx) < 3 * limits.MB
    with pytest.raises(UnreadableFile, match=r"bomb.xlsx unpacks to 2\d\d MB, more than the 200"):
        read_source_bytes("bomb.xlsx", xlsx)


def test_a_member_that_shrinks_like_a_bomb_is_refused():
    rows = b"<row><c><v>1</v></c></row>" * 400_000  # 10 MB
    xlsx = with_sheet_xml(workbook_bytes(PEOPLE), lambda xml: xml.replace(b"</sheetData>", rows))
    with pytest.raises(UnreadableFile, match=r"sheet1.xml unpacks \d+ times its packed size"):
        read_source_bytes("dense.xlsx", xlsx)


def test_a_stray_cell_far_away_is_refused_not_expanded():
    def stray(xml: bytes) -> bytes:
        cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", cell + b"</sheetData>")

    xlsx = with_sheet_xml(workbook_bytes(PEOPLE), stray)
    with pytest.raises(UnreadableFile, match=r"spans 1,048,576 rows by 16,384 columns.*stray"):
        read_source_bytes("stray.xlsx", xlsx)


def test_an_entity_bomb_inside_a_workbook_is_refused_by_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # openpyxl parses with defusedxml whenever it is installed
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode() for i in range(1, 10)
        ).replace(b"&lol0;", b"&lol;")
        + b"]>"
    )

    def entity(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1]  # openpyxl writes no declaration
        return laughs + body.replace(b"Person One", b"&lol9;")

    xlsx = with_sheet_xml(workbook_bytes(PEOPLE), entity)
    with pytest.raises(UnreadableFile, match=r"not a readable \.xlsx file") as refused:
        read_source_bytes("laughs.xlsx", xlsx)
    assert any(isinstance(cause, DefusedXmlException) for cause in _causes(refused.value))


def _causes(error: BaseException) -> list[BaseException]:
    causes = []
    while (error := error.__cause__ or error.__context__) is not None:
        causes.append(error)
    return causes


def test_a_huge_csv_cell_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "open_quote.csv"
    path.write_bytes(b'Name,Phone\nPerson One,0799000001\n"Person Two,' + b"x" * 10 * limits.MB)
    with pytest.raises(UnreadableFile, match=r"open_quote.csv: line 3 cannot be read.*quote"):
        list(read_source(path)[0].rows)


def test_a_row_of_too_many_cells_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    wide = ",".join(["x"] * (limits.ROW_CELLS + 1))
    path.write_text(f"Name,Phone\nPerson One,0799000001\n{wide}\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"wide.csv: row 3 has 2,001 cells"):
        list(read_source(path)[0].rows)


def test_json_nested_ten_thousand_deep_is_refused():
    deep = b"[" * 10_000 + b"]" * 10_000
    with pytest.raises(UnreadableFile, match=r"deep.json: .* nest more than 32 deep"):
        read_source_bytes("deep.json", deep)
    deep_enough_for_json = json.dumps(
        [{"name": "Person One", "x": [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}]
    )
    nested = json.loads(deep_enough_for_json)
    for _ in range(40):
        nested = {"group": nested}
    with pytest.raises(UnreadableFile, match=r"nest more than 32 deep"):
        read_source_bytes("groups.json", json.dumps(nested).encode())


def test_a_huge_json_value_is_refused():
    data = json.dumps([{"name": "Person One", "notes": "x" * (limits.CELL_CHARS + 1)}])
    with pytest.raises(UnreadableFile, match=r"submission 1 has a cell of more than 131,072"):
        read_source_bytes("long.json", data.encode())


@pytest.mark.parametrize(
    "first_row",
    [
        "Person One,1985-03-12,0799123456,1400-0101-12345",
        "Person One,+93 799 123 456,P01234567",
        "Person One,0799123456",
    ],
)
def test_a_file_without_a_header_row_is_refused(tmp_path, first_row):
    path = tmp_path / "no_header.csv"
    path.write_text(f"{first_row}\nPerson Two,0799000002\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"row 1 should name the columns.*--mapping"):
        read_source(path)


def test_headers_with_numbers_in_them_are_still_headers(tmp_path):
    path = tmp_path / "headers.csv"
    path.write_text("S.No,Name,Phone 2,DOB (1365 SH)\n1,Person One,0799,1365\n", encoding="utf-8")
    assert read_source(path)[0].headers == ["S.No", "Name", "Phone 2", "DOB (1365 SH)"]


def test_a_sheet_without_a_header_row_refuses_the_whole_workbook():
    xlsx = workbook_bytes([["Person One", "1985-03-12", "0799123456"]])
    with pytest.raises(UnreadableFile, match=r"should name the columns"):
        read_source_bytes("headerless.xlsx", xlsx)


# --- the child process ----------------------------------------------------------------------


def test_the_child_reads_a_file_as_this_process_does():
    xlsx = workbook_bytes(PEOPLE)
    (table,) = parse_in_child("people.xlsx", xlsx, seconds=60)
    (expected,) = read_source_bytes("people.xlsx", xlsx)
    assert table == expected
    assert [row.raw for row in table.rows] == [row.raw for row in expected.rows]


def test_the_child_gives_a_refusal_back_as_it_is():
    with pytest.raises(UnreadableFile, match=r"deep.json: .* nest more than 32"):
        parse_in_child("deep.json", b"[" * 10_000 + b"]" * 10_000, seconds=60)


def in_a_thread(coroutine):
    """Run a coroutine in a thread of its own: asyncio.run refuses a thread where another
    test left a loop."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_the_child_proposes_what_this_process_would():
    dated = [["Name", "Phone", "Born"], ["Person One", "0799000001", "25/12/1990"]]
    xlsx = workbook_bytes(dated)
    saved = {"Phone": None}  # the source said this column is not to be read
    saved_orders = {"Born": "mdy"}
    proposal = in_a_thread(
        propose_in_child_async("dated.xlsx", xlsx, saved=saved, saved_orders=saved_orders)
    )
    tables = read_source_bytes("dated.xlsx", xlsx)
    assert proposal == propose_upload(tables, saved=saved, saved_orders=saved_orders)
    assert proposal.mapping["Name"] == "full_name" and proposal.mapping["Phone"] is None
    assert proposal.date_orders["Born"].order == "dmy"  # 25 can only be a day


def test_the_proposing_child_gives_a_refusal_back_as_it_is():
    deep = b"[" * 10_000 + b"]" * 10_000
    with pytest.raises(UnreadableFile, match=r"deep.json: .* nest more than 32"):
        in_a_thread(propose_in_child_async("deep.json", deep, saved={}, saved_orders={}))


def test_a_file_that_needs_more_memory_than_the_child_has_is_refused():
    many = json.dumps([{"name": f"Person {n}", "phone": "0799000000"} for n in range(300_000)])
    with pytest.raises(ParseFailed, match=r"lack of memory \(evac gives one file 150 MB\)"):
        parse_in_child("many.json", many.encode(), seconds=60, memory_bytes=150 * limits.MB)


def test_a_child_past_its_time_is_killed():
    many = json.dumps([{"name": f"Person {n}"} for n in range(200_000)]).encode()
    before = _children_of(os.getpid())
    with pytest.raises(ParseFailed, match=r"more than 0.05 s"):
        in_a_thread(parse_in_child_async("many.json", many, seconds=0.05))
    with pytest.raises(ParseFailed, match=r"took more than 0.05 s to read"):
        parse_in_child("many.json", many, seconds=0.05)
    assert _children_of(os.getpid()) <= before  # killed and reaped, not left running


def _children_of(pid: int) -> set[int]:
    """The processes any thread of `pid` started and has not reaped."""
    tasks = Path(f"/proc/{pid}/task").glob("*/children")
    return {int(child) for task in tasks for child in task.read_text().split()}


def test_an_odk_zip_member_that_shrinks_like_a_bomb_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("form.csv", b"name,KEY\n" + b"0" * (4 * limits.MB))
    with pytest.raises(UnreadableFile, match=r"form.csv unpacks [\d,]+ times its packed size"):
        read_source_bytes("export.zip", archive.getvalue())


def test_json_with_too_many_values_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "JSON_VALUES", 1000)
    many = json.dumps([{"name": f"Person {n}", "phone": "0799000000"} for n in range(400)])
    with pytest.raises(UnreadableFile, match=r"many.json holds more than 1,000 values"):
        read_source_bytes("many.json", many.encode())
