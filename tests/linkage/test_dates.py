"""Dates of birth as linkage evidence: read by intake's parser, kept as years, a day and the
other reading of a day and month that may be swapped."""

from dataclasses import replace
from datetime import date

import pytest

from evac.intake.dates import DAY_FIRST, MONTH_FIRST
from evac.linkage.cluster import cluster
from evac.linkage.dates import BirthDate, UnreadableDate, parse_birth_date, record_birth
from evac.linkage.files import read_inputs
from evac.linkage.model import LinkInput, explain, prepare_frame, score
from evac.linkage.service import record_input
from evac.people.records import RegistrationRecord
from tests.linkage.test_hard_cases import crowd


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1986-07-15", BirthDate(1986, 1986, date(1986, 7, 15))),
        ("15/07/1986", BirthDate(1986, 1986, date(1986, 7, 15))),
        ("07/15/1986", BirthDate(1986, 1986, date(1986, 7, 15))),
        ("19860715", BirthDate(1986, 1986, date(1986, 7, 15))),
        ("1986", BirthDate(1986, 1986)),
        ("01/01/1986", BirthDate(1986, 1986)),  # 1 January: the day is unknown
        ("1365", BirthDate(1986, 1987)),  # a Solar Hijri year spans two Gregorian years
        ("۱۳۶۵", BirthDate(1986, 1987)),
        ("1365 SH", BirthDate(1986, 1987)),
        ("1365 ش", BirthDate(1986, 1987)),
        ("1365 هـ ش", BirthDate(1986, 1987)),
        ("1365/01/01", BirthDate(1986, 1987)),  # 1 Hamal: the day unknown, so the year too
        ("1365/04/24", BirthDate(1986, 1986, date(1986, 7, 15))),
        ("31608", BirthDate(1986, 1986, date(1986, 7, 15))),  # Excel
        ("1986.0", BirthDate(1986, 1986)),  # a float export of the year, not serial 1986
        ("19450493", BirthDate(1945, 1945)),  # a mistyped day: the year still counts
        # 5 July or 7 May: both readings are kept
        ("05/07/1986", BirthDate(1986, 1986, date(1986, 7, 5), date(1986, 5, 7))),
        ("05/05/1986", BirthDate(1986, 1986, date(1986, 5, 5))),
        ("05-Jul-1986", BirthDate(1986, 1986, date(1986, 7, 5))),  # a named month is certain
        ("5 July 1986", BirthDate(1986, 1986, date(1986, 7, 5))),
        ("Jul 5, 1986", BirthDate(1986, 1986, date(1986, 7, 5))),
        # zeros for an unknown day or month: the year and month known, or the year alone
        ("00/06/1985", BirthDate(1985, 1985, month=6)),
        ("1985-06-00", BirthDate(1985, 1985, month=6)),
        ("12/1986", BirthDate(1986, 1986, month=12)),
        ("1985-00-00", BirthDate(1985, 1985)),
        ("SH 1346/06/26", BirthDate(1967, 1967, date(1967, 9, 17))),  # Solar Hijri marks
        ("1386/12/05 SH", BirthDate(2008, 2008, date(2008, 2, 24))),
        ("", None),
        ("n/a", None),
        ("na", None),
        ("نامعلوم", None),
        ("unknown", None),
        ("-", None),
    ],
)
def test_dates_of_birth(written, expected):
    assert parse_birth_date(written) == expected


def test_a_known_column_order_reads_one_day():
    assert parse_birth_date("05/07/1986", MONTH_FIRST) == BirthDate(1986, 1986, date(1986, 5, 7))
    assert parse_birth_date("05/07/1986", DAY_FIRST) == BirthDate(1986, 1986, date(1986, 7, 5))


@pytest.mark.parametrize("written", ["next year", "1986-13-40", "31-Feb-1986", "5 Jul", "20990101"])
def test_unreadable_or_ambiguous_dates_are_refused(written):
    with pytest.raises(UnreadableDate):
        parse_birth_date(written)


def test_stored_records_keep_the_solar_hijri_span_and_both_readings():
    solar = RegistrationRecord(given_name="A", birth_year=1986, birth_year_spans_two=True)
    assert record_input(1, solar).birth == BirthDate(1986, 1987)
    ambiguous = RegistrationRecord(
        given_name="A", birth_year=1997, birth_month=9, birth_day=6, birth_day_month_ambiguous=True
    )
    assert record_input(2, ambiguous).birth == BirthDate(
        1997, 1997, date(1997, 9, 6), date(1997, 6, 9)
    )
    hamal = RegistrationRecord(
        birth_year=1986,
        birth_month=3,
        birth_day=21,
        birth_date_default=True,
        birth_year_spans_two=True,
    )
    assert record_input(3, hamal).birth == BirthDate(1986, 1987)
    assert record_birth(1986, 1, 1, default=True) == BirthDate(1986, 1986)


def test_the_file_infers_the_column_order_from_its_dates(tmp_path):
    month_first = tmp_path / "us.csv"
    month_first.write_text("record_id,date_of_birth\na,06/09/1997\nb,12/31/1980\nc,1365\n")
    inputs, problems = read_inputs(month_first)
    assert [i.birth for i in inputs] == [
        BirthDate(1997, 1997, date(1997, 6, 9)),
        BirthDate(1980, 1980, date(1980, 12, 31)),
        BirthDate(1986, 1987),
    ]
    assert problems == []
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("record_id,date_of_birth\na,06/09/1997\nb,12/31/1980\nc,31/12/1980\n")
    inputs, problems = read_inputs(mixed)
    assert inputs[0].birth == BirthDate(1997, 1997, date(1997, 9, 6), date(1997, 6, 9))
    assert [(p.row, p.column) for p in problems] == [(3, "date_of_birth")]
    assert "1 dates can only be day/month/year (the first at row 4)" in problems[0].reason


def test_lists_merged_into_one_file_keep_their_own_orders(tmp_path):
    merged = tmp_path / "merged.csv"
    merged.write_text(
        "record_id,date_of_birth\n"
        "siv-list-1,06/09/1997\nsiv-list-2,12/31/1980\n"  # a US case list: month first
        "ngo-list-1,06/09/1997\nngo-list-2,31/12/1980\n"  # an Afghan list: day first
    )
    inputs, problems = read_inputs(merged)
    assert [i.birth.exact for i in inputs[::2]] == [date(1997, 6, 9), date(1997, 9, 6)]
    assert all(i.birth.swapped is None for i in inputs)
    assert problems == []


def test_a_source_column_names_each_record_s_list(tmp_path):
    merged = tmp_path / "merged.csv"
    merged.write_text(
        "record_id,source,date_of_birth\n"
        "a,siv,06/09/1997\nb,siv,12/31/1980\nc,ngo,06/09/1997\nd,ngo,31/12/1980\n"
    )
    inputs, _ = read_inputs(merged)
    assert [i.birth.exact for i in inputs[::2]] == [date(1997, 6, 9), date(1997, 9, 6)]


def birth_levels(pairs: list[tuple[LinkInput, LinkInput]]) -> list[str]:
    """The birth comparison's level for each pair, scored among other people."""
    inputs = [record for pair in pairs for record in pair] + crowd()
    frame = prepare_frame(inputs)
    scored = score(frame)
    cluster(scored, frame)  # as a run does; it also ends the scoring's open result
    wanted = [(2 * i, 2 * i + 1) for i in range(len(pairs))]
    explained = explain(scored, wanted)
    scored.connection.close()
    return [explained[pair]["birth"]["level"] for pair in wanted]


def test_linkage_compares_a_stored_solar_hijri_year_and_either_reading():
    same = dict(given_name="Zarif", family_name="Hotak", sex="M")
    solar = RegistrationRecord(birth_year=1986, birth_year_spans_two=True, **same)
    gregorian = RegistrationRecord(birth_year=1986, **same)
    ambiguous = RegistrationRecord(
        birth_year=1997, birth_month=9, birth_day=6, birth_day_month_ambiguous=True, **same
    )
    pairs = [
        (solar, "1987"),  # 1365 SH: March 1986 to March 1987
        (gregorian, "1987"),
        (ambiguous, "1997-06-09"),  # 06/09/1997 from a list of unknown order
    ]
    inputs = [
        (
            replace(record_input(number, stored), passport_number=f"P0{number}345678"),
            LinkInput(
                f"file-{number}",
                passport_number=f"P0{number}345678",
                birth=parse_birth_date(written),
                **same,
            ),
        )
        for number, (stored, written) in enumerate(pairs)
    ]
    assert birth_levels(inputs) == ["years agree", "one year apart", "same day"]


def test_a_wrong_year_keeps_the_day_and_a_clerk_may_swap_day_and_month():
    def pair(left: str, right: str, number: int) -> tuple[LinkInput, LinkInput]:
        same = dict(given_name="Zarif", family_name="Hotak", passport_number=f"P0{number}345678")
        return (
            LinkInput(f"left-{number}", birth=parse_birth_date(left), **same),
            LinkInput(f"right-{number}", birth=parse_birth_date(right), **same),
        )

    levels = birth_levels(
        [
            pair("1990-03-17", "1991-03-17", 1),  # an age turned into a year
            pair("1990-03-07", "1990-07-03", 2),  # ISO dates: the order is known
            pair("1990-03-17", "1991-08-02", 3),
            pair("1990-03-17", "1992-08-02", 4),
            pair("1990-03-17", "1999-03-17", 5),  # nine years: not a slip
        ]
    )
    assert levels == [
        "same day and month, another year",
        "day and month swapped",
        "one year apart",
        "within two years",
        "different years",
    ]
