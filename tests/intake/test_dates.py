"""Dates of birth: day/month order per column, inferred, saved and reported; Solar Hijri spans."""

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import select

from evac.app import create_app
from evac.auth.permissions import Role
from evac.intake.cli import run_import
from evac.intake.dates import (
    DAY_FIRST,
    EITHER,
    MONTH_FIRST,
    DateOrderEvidence,
    ImpossibleDate,
    InvalidDate,
    order_evidence,
    parse_birth_date,
)
from evac.intake.mapping import (
    MappingError,
    choose_date_orders,
    date_order_evidence,
    load_mapping_file,
    merge_profile,
    split_profile,
)
from evac.intake.readers import SourceRow, SourceTable
from evac.intake.service import profile_entries, saved_date_orders
from evac.intake.validate import row_to_record
from evac.people.models import Registration
from evac.people.service import read_registration
from evac.scenario.service import write_scenario
from tests.intake.test_api import selected_mapping

TODAY = date(2021, 8, 20)
QUIET = Console(quiet=True)


def read(written, order=None):
    birth = parse_birth_date(written, order=order, today=TODAY)
    return (birth.year, birth.month, birth.day, birth.day_month_ambiguous)


@pytest.mark.parametrize(
    ("written", "order", "expected"),
    [
        ("06/09/1997", None, (1997, 9, 6, True)),  # no evidence: day first, flagged
        ("06/09/1997", DAY_FIRST, (1997, 9, 6, False)),
        ("06/09/1997", MONTH_FIRST, (1997, 6, 9, False)),  # the SIV list's 9 June
        ("06.09.1997", MONTH_FIRST, (1997, 6, 9, False)),
        ("25/03/1990", None, (1990, 3, 25, False)),  # reads one way only
        ("25/03/1990", MONTH_FIRST, (1990, 3, 25, False)),  # the column check reports it
        ("03/25/1990", DAY_FIRST, (1990, 3, 25, False)),
        ("05/05/1990", None, (1990, 5, 5, False)),  # both readings are one day
        ("1997-06-09", MONTH_FIRST, (1997, 6, 9, False)),  # ISO is never swapped
        ("19970609", MONTH_FIRST, (1997, 6, 9, False)),
        ("22/02/1365", MONTH_FIRST, (1986, 5, 12, False)),  # tazkiras: always day first
        ("Jun 9, 1997", None, (1997, 6, 9, False)),
    ],
)
def test_the_column_order_decides_dates_that_read_both_ways(written, order, expected):
    assert read(written, order) == expected


@pytest.mark.parametrize("written", ["1365 SH", "1365 ش", "1365 هـ ش", "1365 ه.ش", "۱۳۶۵ ش"])
def test_a_marked_solar_hijri_year_spans_two_gregorian_years(written):
    birth = parse_birth_date(written, today=TODAY)
    assert (birth.year, birth.month, birth.spans_two_years, birth.solar_hijri) == (
        1986,
        None,
        True,
        True,
    )


def test_one_hamal_is_the_day_unknown_so_its_year_spans_two():
    birth = parse_birth_date("1365/01/01", today=TODAY)
    assert (birth.year, birth.month, birth.day) == (1986, 3, 21)
    assert birth.default and birth.spans_two_years
    exact = parse_birth_date("1365/02/22", today=TODAY)
    assert not exact.default and not exact.spans_two_years


@pytest.mark.parametrize(
    ("written", "expected"),
    [("1986.0", (1986, None, None)), ("1365.0", (1986, None, None)), ("31467.0", (1986, 2, 24))],
)
def test_a_float_export_of_a_year_is_a_year_not_an_excel_serial(written, expected):
    birth = parse_birth_date(written, today=TODAY)
    assert (birth.year, birth.month, birth.day) == expected


@pytest.mark.parametrize("written", ["n/a", "NA", "نامعلوم", "unknown", "-", " "])
def test_placeholders_are_empty(written):
    assert parse_birth_date(written, today=TODAY) is None


def test_a_date_impossible_both_ways_is_an_error_whatever_the_order():
    with pytest.raises(InvalidDate, match="does not exist"):
        parse_birth_date("13/13/1990", order=MONTH_FIRST, today=TODAY)


@pytest.mark.parametrize(
    ("written", "evidence"),
    [
        ("25/03/1990", DAY_FIRST),
        ("03/25/1990", MONTH_FIRST),
        ("03-25-1990 00:00", MONTH_FIRST),
        ("۲۵/۰۳/۱۹۹۰", DAY_FIRST),
        ("03/05/1990", EITHER),  # reads both ways: the one an order decides
        ("25/03/1365", None),  # Solar Hijri: no order to learn
        ("1990-03-25", None),
        ("45/03/1990", None),  # no reading at all
    ],
)
def test_order_evidence(written, evidence):
    assert order_evidence(written) == evidence


def table(dates: list[str], *, streaming: bool = False) -> SourceTable:
    rows = [
        SourceRow(number, f"row {number}", {"Name": f"Person {number}", "DOB": text})
        for number, text in enumerate(dates, start=2)
    ]
    return SourceTable("list.csv", ["Name", "DOB"], iter(rows) if streaming else rows)


MAPPING = {"Name": "full_name", "DOB": "birth_date"}


def test_evidence_and_choice_from_a_column():
    evidence = date_order_evidence(
        [table(["06/09/1997", "12/31/1980", "1990", "02/28/1975"])], MAPPING
    )
    seen = evidence["DOB"]
    assert (seen.day_first, seen.month_first, seen.first_month_first) == (0, 2, "row 3")
    choice = choose_date_orders(evidence)["DOB"]
    assert choice.order == MONTH_FIRST
    assert choice.reason == "2 dates can only be read so (the first at row 3)"
    assert choice.label == "month/day/year"


def test_a_column_both_ways_stays_unknown_and_says_where():
    evidence = date_order_evidence([table(["31/01/1990", "06/09/1997", "01/31/1991"])], MAPPING)
    choice = choose_date_orders(evidence, saved={"DOB": MONTH_FIRST})["DOB"]
    assert choice.order is None
    assert choice.reason.startswith(
        "1 dates can only be day/month/year (the first at row 2) and 1 only month/day/year "
        "(the first at row 4)"
    )


def test_given_beats_evidence_and_evidence_beats_the_profile():
    evidence = date_order_evidence([table(["12/31/1980"])], MAPPING)
    assert choose_date_orders(evidence, given={"DOB": DAY_FIRST})["DOB"].order == DAY_FIRST
    assert choose_date_orders(evidence, saved={"DOB": DAY_FIRST})["DOB"].order == MONTH_FIRST
    silent = date_order_evidence([table(["06/09/1997"])], MAPPING)
    assert choose_date_orders(silent, saved={"DOB": MONTH_FIRST})["DOB"].order == MONTH_FIRST
    assert choose_date_orders(silent)["DOB"].order is None


def test_a_streaming_table_keeps_the_rows_it_was_sampled_on():
    streaming = table(["06/09/1997", "12/31/1980", "03/04/1970"], streaming=True)
    evidence = date_order_evidence([streaming], MAPPING, sample_rows=2)
    assert evidence["DOB"].month_first == 1
    assert [row.raw["DOB"] for row in streaming.rows] == ["06/09/1997", "12/31/1980", "03/04/1970"]


def test_evidence_counts_and_against():
    seen = DateOrderEvidence()
    for text, where in [("25/03/1990", "row 2"), ("03/25/1990", "row 7"), ("30/12/1990", "row 9")]:
        seen.add(text, where)
    assert (seen.day_first, seen.month_first) == (2, 1)
    assert (seen.first_day_first, seen.first_month_first) == ("row 2", "row 7")
    assert seen.contradictory and seen.order is None
    assert (seen.against(DAY_FIRST), seen.against(MONTH_FIRST)) == (1, 2)


def test_the_record_carries_ambiguity_and_the_solar_hijri_span():
    mapping = {"Name": "full_name", "DOB": "birth_date"}
    ambiguous = row_to_record({"Name": "A", "DOB": "06/09/1997"}, mapping)
    assert (ambiguous.birth_month, ambiguous.birth_day, ambiguous.birth_day_month_ambiguous) == (
        9,
        6,
        True,
    )
    ordered = row_to_record(
        {"Name": "A", "DOB": "06/09/1997"}, mapping, date_orders={"DOB": MONTH_FIRST}
    )
    assert (ordered.birth_month, ordered.birth_day, ordered.birth_day_month_ambiguous) == (
        6,
        9,
        False,
    )
    solar = row_to_record({"Name": "A", "DOB": "1365"}, mapping)
    assert (solar.birth_year, solar.birth_year_spans_two) == (1986, True)
    assert '"birth_year_spans_two":true' in solar.to_json()
    assert "birth_day_month_ambiguous" not in solar.to_json()  # False is left out


def test_mapping_files_and_profiles_write_the_order_beside_the_field(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(
        json.dumps(
            {
                "DOB": {"field": "birth_date", "date_order": "month/day/year"},
                "Name": "full_name",
                "Notes": None,
            }
        ),
        encoding="utf-8",
    )
    assert load_mapping_file(path) == (
        {"DOB": "birth_date", "Name": "full_name", "Notes": None},
        {"DOB": MONTH_FIRST},
    )
    path.write_text(json.dumps({"DOB": {"field": "birth_date", "date_order": "ymd"}}))
    with pytest.raises(MappingError, match='write "dmy"'):
        load_mapping_file(path)
    saved = merge_profile({}, {"DOB": "birth_date", "Name": "full_name"}, {"DOB": DAY_FIRST})
    assert saved == {"DOB": {"field": "birth_date", "date_order": "dmy"}, "Name": "full_name"}
    # a later file with no evidence keeps the saved order; a new order replaces it
    assert merge_profile(saved, {"DOB": "birth_date"}, {"DOB": None}) == saved
    assert split_profile(merge_profile(saved, {"DOB": "birth_date"}, {"DOB": MONTH_FIRST})) == (
        {"DOB": "birth_date", "Name": "full_name"},
        {"DOB": MONTH_FIRST},
    )


def write_list(path: Path, dates: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Full Name", "DOB"])
        writer.writerows([f"Person {i}", text] for i, text in enumerate(dates))
    return path


def stored_births(session, cipher, source: str) -> list[tuple]:
    rows = session.scalars(
        select(Registration).where(Registration.source == source).order_by(Registration.id)
    ).all()
    records = [read_registration(row, cipher=cipher)[1] for row in rows]
    session.rollback()
    return [
        (r.birth_year, r.birth_month, r.birth_day, r.birth_day_month_ambiguous) for r in records
    ]


def test_import_infers_saves_and_reuses_the_order(settings, session, cipher, tmp_path):
    session.commit()
    first = write_list(tmp_path / "siv.csv", ["06/09/1997", "12/31/1980"])
    run_import(settings, path=first, source="siv", accept_proposal=True, console=QUIET)
    assert stored_births(session, cipher, "siv") == [(1997, 6, 9, False), (1980, 12, 31, False)]
    profile = profile_entries(session, cipher=cipher, source="siv")
    assert profile["DOB"] == {"field": "birth_date", "date_order": "mdy"}
    session.rollback()
    # the next file from the source shows no order: the profile's holds
    second = write_list(tmp_path / "siv-2.csv", ["03/04/1970"])
    summary = run_import(settings, path=second, source="siv", console=QUIET)
    assert summary.date_warnings == []
    assert stored_births(session, cipher, "siv")[-1] == (1970, 3, 4, False)


def test_a_source_with_no_evidence_is_stored_day_first_and_flagged(
    settings, session, cipher, tmp_path
):
    session.commit()
    path = write_list(tmp_path / "ngo.csv", ["06/09/1997", "05/05/1990", "1986"])
    run_import(settings, path=path, source="ngo", accept_proposal=True, console=QUIET)
    assert stored_births(session, cipher, "ngo") == [
        (1997, 9, 6, True),
        (1990, 5, 5, False),
        (1986, None, None, False),
    ]
    assert saved_date_orders(session, cipher=cipher, source="ngo") == {}
    session.rollback()


def test_a_column_both_ways_is_reported_and_nothing_is_swapped(settings, session, cipher, tmp_path):
    session.commit()
    path = write_list(tmp_path / "mixed.csv", ["31/01/1990", "06/09/1997", "01/31/1991"])
    summary = run_import(settings, path=path, source="mixed", accept_proposal=True, console=QUIET)
    assert summary.date_warnings == [
        "DOB: 1 dates can only be day/month/year (the first at row 2) and 1 only "
        "month/day/year (the first at row 4); dates that read both ways are read day first "
        "and marked uncertain"
    ]
    assert stored_births(session, cipher, "mixed") == [
        (1990, 1, 31, False),
        (1997, 9, 6, True),
        (1991, 1, 31, False),
    ]


def test_a_mapping_file_sets_the_order_and_rows_against_it_are_reported(
    settings, session, cipher, tmp_path
):
    session.commit()
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"Full Name": "full_name", "DOB": {"field": "birth_date", "date_order": "dmy"}})
    )
    path = write_list(tmp_path / "office.csv", ["06/09/1997", "12/31/1980"])
    summary = run_import(settings, path=path, source="office", mapping_file=mapping, console=QUIET)
    assert stored_births(session, cipher, "office") == [(1997, 9, 6, False), (1980, 12, 31, False)]
    assert summary.date_warnings == [
        "DOB: read day/month/year, but 1 dates can only be month/day/year (the first at row 3); "
        "those were read so, the dates that read both ways day/month/year: check the column"
    ]


def test_a_late_contradiction_in_a_streaming_file_is_reported(
    settings, session, cipher, tmp_path, monkeypatch
):
    monkeypatch.setattr("evac.intake.mapping.DATE_ORDER_SAMPLE_ROWS", 2)
    session.commit()
    path = write_list(
        tmp_path / "long.csv", ["25/01/1990", "06/09/1997", "03/04/1970", "12/31/1980"]
    )
    summary = run_import(settings, path=path, source="long", accept_proposal=True, console=QUIET)
    assert summary.date_warnings == [
        "DOB: read day/month/year, but 1 dates can only be month/day/year (the first at row 5); "
        "those were read so, the dates that read both ways day/month/year: check the column"
    ]


MONTH_DAY_YEAR = re.compile(r"(\d\d)/(\d\d)/((?:19|20)\d\d)")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    write_scenario(out=out, persons=1500, seed=11)
    return out


@pytest.mark.parametrize(
    ("file", "column"), [("siv-cases.csv", "Date of Birth"), ("congress-office.xlsx", "DOB")]
)
def test_the_scenario_us_order_lists_are_read_month_first(
    settings, session, cipher, scenario, file, column
):
    """Every full date of the SIV and congressional lists (written month/day/year) comes out
    as written; a third of them read both ways, and were stored swapped before."""
    session.commit()
    path = scenario / "sources" / file
    summary = run_import(settings, path=path, source=path.stem, accept_proposal=True, console=QUIET)
    assert summary.date_warnings == []
    checked = both_ways = 0
    for raw, record in (
        read_registration(row, cipher=cipher)
        for row in session.scalars(select(Registration).where(Registration.source == path.stem))
    ):
        written = MONTH_DAY_YEAR.fullmatch(raw[column])
        if written:
            month, day, year = (int(part) for part in written.groups())
            assert (record.birth_year, record.birth_month, record.birth_day) == (year, month, day)
            assert not record.birth_day_month_ambiguous
            checked += 1
            both_ways += day <= 12 and day != month
    session.rollback()
    assert checked > 20 and both_ways > 5


def test_the_upload_page_shows_the_order_and_imports_with_the_one_chosen(
    settings, auth_headers, session, cipher, tmp_path
):
    officer = auth_headers(Role.officer)
    session.commit()
    client = TestClient(create_app(settings))
    path = write_list(tmp_path / "upload.csv", ["06/09/1997", "12/31/1980"])
    proposed = client.post(
        "/intake/upload",
        data={"source": "office"},
        files={"file": ("upload.csv", path.read_bytes(), "text/csv")},
        headers=officer,
    )
    assert proposed.status_code == 200, proposed.text
    shown = re.search(
        r'<select id="date-order-1" name="date-order-1".*?</select>', proposed.text, re.S
    )
    assert '<option value="mdy" selected>month/day/year</option>' in shown.group(0)
    assert "1 dates can only be read so (the first at row 3)" in proposed.text
    token = re.search(r'name="token" value="([^"]+)"', proposed.text).group(1)
    form = {"token": token, **selected_mapping(proposed.text), "date-order-1": "dmy"}
    result = client.post("/intake/upload/confirm", data=form, headers=officer)
    assert result.status_code == 200, result.text
    assert 'id="date-warnings"' in result.text and "can only be month/day/year" in result.text
    assert stored_births(session, cipher, "office") == [(1997, 9, 6, False), (1980, 12, 31, False)]
    assert saved_date_orders(session, cipher=cipher, source="office") == {"DOB": DAY_FIRST}


def test_the_cli_shows_the_order_with_the_mapping_proposal(settings, operation, session, tmp_path):
    session.commit()
    console = Console(record=True, width=200)
    path = write_list(tmp_path / "shown.csv", ["06/09/1997", "12/31/1980"])
    run_import(settings, path=path, source="shown", accept_proposal=True, console=console)
    shown = console.export_text()
    assert "Dates: day and month order" in shown
    assert re.search(
        r"DOB\s+│ month/day/year\s+│ 1 dates can only be read so \(the first at row 3\)", shown
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("SH 1346/06/26", (1967, 9, 17)),  # the mark before
        ("1386/12/05 SH", (2008, 2, 24)),  # or after
        ("1341/6/27 (hijri shamsi)", (1962, 9, 18)),
        ("1365/02/22 HS", (1986, 5, 12)),
        ("AP 1365/02/22", (1986, 5, 12)),
        ("1365/02/22 ه ش", (1986, 5, 12)),
        ("1365/02/22 هـ ش", (1986, 5, 12)),
        ("۱۳۶۵/۰۲/۲۲ هجری شمسی", (1986, 5, 12)),
        ("22/02/1365 ش", (1986, 5, 12)),
        ("Hijri Shamsi: 1365/02/22", (1986, 5, 12)),
    ],
)
def test_solar_hijri_marks_before_or_after(written, expected):
    birth = parse_birth_date(written, today=TODAY)
    assert (birth.year, birth.month, birth.day, birth.solar_hijri) == (*expected, True)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("22 Sawr 1365", (1986, 5, 12)),  # Dari months in Latin letters
        ("22 Saur 1365", (1986, 5, 12)),
        ("Saur 22, 1365", (1986, 5, 12)),
        ("۲۲ ثور ۱۳۶۵", (1986, 5, 12)),  # in Dari script
        ("۲۲ غویی ۱۳۶۵", (1986, 5, 12)),  # Pashto
        ("1 Hamal 1365", (1986, 3, 21)),
        ("۱۰ حوت ۱۳۶۵", (1987, 3, 1)),
        ("10 Hut 1365", (1987, 3, 1)),
        ("5 Jawza 1370", (1991, 5, 26)),
        ("5 Jauza 1370", (1991, 5, 26)),
        ("۱۵ سرطان ۱۳۶۰", (1981, 7, 6)),
        ("۱۵ چنگاښ ۱۳۶۰", (1981, 7, 6)),
        ("3 Asad 1360", (1981, 7, 25)),
        ("3 Sunbula 1360", (1981, 8, 25)),
        ("۳ وږی ۱۳۶۰", (1981, 8, 25)),
        ("3 Mizan 1360", (1981, 9, 25)),
        ("۳ تله ۱۳۶۰", (1981, 9, 25)),
        ("3 Aqrab 1360", (1981, 10, 25)),
        ("۳ لړم ۱۳۶۰", (1981, 10, 25)),
        ("3 Qaws 1360", (1981, 11, 24)),
        ("۳ لیندۍ ۱۳۶۰", (1981, 11, 24)),
        ("3 Jadi 1360", (1981, 12, 24)),
        ("۳ مرغومی ۱۳۶۰", (1981, 12, 24)),
        ("3 Dalw 1360", (1982, 1, 23)),
        ("۳ سلواغه ۱۳۶۰", (1982, 1, 23)),
        ("۳ کب ۱۳۶۰", (1982, 2, 22)),
        ("۳ زمری ۱۳۶۰", (1981, 7, 25)),
        ("۳ غبرگولی ۱۳۶۰", (1981, 5, 24)),
        ("۳ وری ۱۳۶۰", (1981, 3, 23)),
        ("12 جون 1986", (1986, 6, 12)),  # Gregorian months in Dari
        ("۱۲ جنوری ۱۹۸۶", (1986, 1, 12)),
        ("۱۲ اگست ۱۹۸۶", (1986, 8, 12)),
        ("12 دسمبر 1986", (1986, 12, 12)),
    ],
)
def test_dari_and_pashto_month_names(written, expected):
    birth = parse_birth_date(written, today=TODAY)
    assert (birth.year, birth.month, birth.day) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("00/00/1985", (1985, None)),  # zeros for an unknown day and month
        ("1985-00-00", (1985, None)),
        ("0/0/1985", (1985, None)),
        ("00/06/1985", (1985, 6)),  # the day unknown
        ("06/00/1985", (1985, 6)),  # month first, day unknown
        ("1985-06-00", (1985, 6)),
        ("06/1985", (1985, 6)),
        ("1985-06", (1985, 6)),
        ("جون 1985", (1985, 6)),
        ("15/00/1985", (1985, None)),  # a day without its month says only the year
    ],
)
def test_zeros_for_an_unknown_day_or_month_give_a_partial_date(written, expected):
    birth = parse_birth_date(written, order=MONTH_FIRST, today=TODAY)
    assert (birth.year, birth.month, birth.day) == (*expected, None)
    assert not birth.day_month_ambiguous


def test_a_solar_hijri_month_without_its_day_keeps_its_year_span():
    hamal = parse_birth_date("00/01/1365", today=TODAY)  # 21 March to 20 April 1986
    assert (hamal.year, hamal.month, hamal.spans_two_years) == (1986, None, False)
    jadi = parse_birth_date("Jadi 1365", today=TODAY)  # 22 December 1986 to 20 January 1987
    assert (jadi.year, jadi.spans_two_years) == (1986, True)
    unknown = parse_birth_date("00/00/1365", today=TODAY)
    assert (unknown.year, unknown.spans_two_years) == (1986, True)


@pytest.mark.parametrize("written", ["1985-13-00", "13/13/1985", "1985-13-01"])
def test_month_13_is_refused_even_beside_zeros(written):
    with pytest.raises(ImpossibleDate):
        parse_birth_date(written, today=TODAY)


def test_beside_an_unknown_month_13_is_the_day():
    assert parse_birth_date("00/13/1985", today=TODAY).month is None


def test_an_iso_column_needs_no_day_month_order():
    dates = ["1987-03-14", "1990-01-02", "2001-11-05"]
    evidence = date_order_evidence([table(dates)], MAPPING)
    seen = evidence["DOB"]
    assert (seen.day_first, seen.month_first, seen.either) == (0, 0, 0)
    choice = choose_date_orders(evidence)["DOB"]
    assert (choice.order, choice.needed, choice.label) == (None, False, "not needed")
    assert [read(text) for text in dates] == [
        (1987, 3, 14, False),
        (1990, 1, 2, False),
        (2001, 11, 5, False),
    ]


def test_a_column_with_one_date_that_reads_both_ways_still_needs_an_order():
    evidence = date_order_evidence([table(["1987-03-14", "05/07/1986"])], MAPPING)
    choice = choose_date_orders(evidence)["DOB"]
    assert (evidence["DOB"].either, choice.needed, choice.order) == (1, True, None)
