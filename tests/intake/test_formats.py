"""Dates, passport zones, phones, documents, header mapping and file readers (no database)."""

from datetime import date
from pathlib import Path

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evac.intake.dates import InvalidDate, parse_birth_date
from evac.intake.mapping import guess_field, is_submission_metadata, propose_mapping
from evac.intake.mrz import InvalidMRZ, check_digit, parse_td3
from evac.intake.readers import UnreadableFile, read_source
from evac.intake.validate import (
    RowRejected,
    check_tazkira,
    check_us_passport,
    normalise_phone,
    parse_relationship,
    row_to_record,
)
from tests.intake.files.make_files import td3

FILES = Path(__file__).parent / "files"
TODAY = date(2021, 8, 20)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1986-05-12", (1986, 5, 12, False)),
        ("12/05/1986", (1986, 5, 12, False)),  # day/month/year, the Afghan order
        ("12.05.1986", (1986, 5, 12, False)),
        ("05/13/1986", (1986, 5, 13, False)),  # only month/day makes a date
        ("12 May 1986", (1986, 5, 12, False)),
        ("May 12, 1986", (1986, 5, 12, False)),
        ("19860512", (1986, 5, 12, False)),
        ("1986-05-12 00:00:00", (1986, 5, 12, False)),
        ("1986", (1986, None, None, False)),
        ("01/01/1990", (1990, 1, 1, True)),  # the clerk's "day unknown"
        ("31467", (1986, 2, 24, False)),  # an Excel serial written as text
        (31467, (1986, 2, 24, False)),
        ("1365/02/22", (1986, 5, 12, False)),  # Solar Hijri
        ("22-02-1365", (1986, 5, 12, False)),
        ("1365/01/01", (1986, 3, 21, True)),  # 1 Hamal: the Solar Hijri "day unknown"
        ("۱۳۶۵/۰۲/۲۲", (1986, 5, 12, False)),  # Dari digits
        ("1365", (1986, None, None, False)),  # 1365 SH began on 21 March 1986
        ("1399/10/11 ه.ش", (2020, 12, 31, False)),
        ("", None),
        ("unknown", None),
        # a flight manifest's DDMMMYY, and years shortened by clerks and spreadsheets
        ("18SEP16", (2016, 9, 18, False)),
        ("01JAN94", (1994, 1, 1, True)),
        ("18SEP2016", (2016, 9, 18, False)),
        ("1 Jan 94", (1994, 1, 1, True)),
        ("28/11/07", (2007, 11, 28, False)),
        ("01.01.52", (1952, 1, 1, True)),
        ("9/25/19", (2019, 9, 25, False)),
        ("24/2/22", (1922, 2, 24, False)),  # 2022 is after today's year
        # what forms ask for an unknown day or month, and a year marked as a guess
        ("XX-XXX-1968", (1968, None, None, False)),
        ("??/??/1968", (1968, None, None, False)),
        ("UNK/06/1985", (1985, 6, None, False)),
        ("~1990", (1990, None, None, False)),
        ("1958?", (1958, None, None, False)),
        ("ca. 1990", (1990, None, None, False)),
        ("سال ۱۳۹۳", (2014, None, None, False)),  # "year 1393" (SH)
        ("حدود 1365", (1986, None, None, False)),  # "about 1365"
    ],
)
def test_birth_dates(written, expected):
    birth = parse_birth_date(written, today=TODAY)
    if expected is None:
        assert birth is None
    else:
        assert (birth.year, birth.month, birth.day, birth.default) == expected


def test_solar_hijri_year_alone_spans_two_gregorian_years():
    birth = parse_birth_date("1365", today=TODAY)
    assert birth.spans_two_years and birth.solar_hijri
    assert jdatetime.date(1365, 12, 29).togregorian() == date(1987, 3, 20)


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("30/02/1990", "does not exist"),
        ("1365/12/31", "SH does not exist"),
        ("2030", "in the future"),
        ("1850-01-02", "after 1900"),
        ("12/05/6", "not a date|four-digit year"),
        ("soon", "not a date"),
    ],
)
def test_impossible_dates_are_errors(written, says):
    with pytest.raises(InvalidDate, match=says):
        parse_birth_date(written, today=TODAY)


@given(st.dates(min_value=date(1925, 3, 21), max_value=date(2021, 3, 20)))
def test_solar_hijri_dates_convert_exactly(day):
    solar = jdatetime.date.fromgregorian(date=day)
    birth = parse_birth_date(f"{solar.year}/{solar.month:02d}/{solar.day:02d}", today=TODAY)
    assert (birth.year, birth.month, birth.day) == (day.year, day.month, day.day)


ICAO_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


def test_icao_specimen_zone():
    zone = parse_td3(ICAO_SPECIMEN, today=TODAY)
    assert (zone.document_number, zone.surname, zone.given_names) == (
        "L898902C3",
        "ERIKSSON",
        "ANNA MARIA",
    )
    assert (zone.birth_date, zone.sex, zone.expiry) == (date(1974, 8, 12), "F", date(2012, 4, 15))
    assert check_digit("L898902C3") == 6 and check_digit("740812") == 2


def test_zone_typed_in_lower_case_on_one_line():
    typed = ICAO_SPECIMEN.lower().replace("\n", "  ")
    assert parse_td3(typed, today=TODAY).document_number == "L898902C3"


@pytest.mark.parametrize(
    ("position", "part"),
    [(5, "document number"), (15, "date of birth"), (24, "expiry date"), (30, "personal number")],
)
def test_one_wrong_character_fails_its_check_digit(position, part):
    line1, line2 = ICAO_SPECIMEN.splitlines()
    wrong = "7" if line2[position] != "7" else "8"
    with pytest.raises(InvalidMRZ, match=part):
        parse_td3(line1 + "\n" + line2[:position] + wrong + line2[position + 1 :], today=TODAY)


def test_zone_of_wrong_length_says_so():
    with pytest.raises(InvalidMRZ, match="2 lines of 44"):
        parse_td3("P<AFGAMIRI<<KHALID\nP01234567", today=TODAY)


def test_generated_zone_round_trips():
    zone = parse_td3(td3("AMIRI", "KHALID", "P01234567", "850314", "M", "260101"), today=TODAY)
    assert (zone.document_number, zone.birth_date) == ("P01234567", date(1985, 3, 14))


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("0799 123 456", "+93799123456"),
        ("799123456", "+93799123456"),
        ("0093-799-123-456", "+93799123456"),
        ("+93 (0) 799 123456", "+93799123456"),
        ("۰۷۹۹۱۲۳۴۵۶", "+93799123456"),
        ("+1 202-555-0143", "+12025550143"),
        ("0799 12 / 0700 111 222", "+93700111222"),  # the first valid one
    ],
)
def test_phones_become_e164(written, e164):
    assert normalise_phone(written) == e164


def test_documents_are_checked_for_shape():
    assert check_tazkira("1400-0101-12345") == "1400-0101-12345"
    assert check_tazkira("۸۸۱۲۳") == "88123"
    assert check_us_passport("5123 45678") == "512345678"
    with pytest.raises(ValueError, match="US passport"):
        check_us_passport("51234567")
    with pytest.raises(ValueError, match="tazkira"):
        check_tazkira("AB-12")


def test_relationships_in_english_and_dari():
    assert [parse_relationship(w) for w in ("PA", "Wife", "پسر", "uncle", "Head of Household")] == [
        "principal",
        "spouse",
        "child",
        "other",
        "principal",
    ]


def test_row_errors_name_every_bad_column():
    mapping = {"Name": "full_name", "DOB": "birth_date", "Phone": "phone", "Mail": "email"}
    with pytest.raises(RowRejected) as rejected:
        row = {"Name": "A", "DOB": "31/04/1990", "Phone": "07OO 123 456", "Mail": "x@"}
        row_to_record(row, mapping)
    assert [e.column for e in rejected.value.errors] == ["DOB", "Phone"]  # the e-mail: flagged


def test_spellings_are_not_corrected():
    record = row_to_record({"Name": "  Mohd   Yusuf "}, {"Name": "full_name"})
    assert record.full_name == "Mohd Yusuf"  # spaces tidied; the spelling is linkage's job


def test_headers_in_english_and_dari_are_proposed():
    headers = [
        "No.",
        "Full Name (as in passport)",
        "Father Name",
        "Tazkira #",
        "Phone/WhatsApp",
        "Relationship to PA",
        "D.O.B",
        "Passport No.",
        "Case #",
        "Remarks",
    ]
    assert list(propose_mapping(headers).values()) == [
        "source_record_id",
        "full_name",
        "father_name",
        "tazkira_number",
        "phone",
        "relationship",
        "birth_date",
        "passport_number",
        "siv_case_number",
        None,
    ]
    dari = ["نام", "نام پدر", "تخلص", "تذکره", "شماره تلفن", "تاریخ تولد", "نسبت", "ولایت"]
    assert list(propose_mapping(dari).values()) == [
        "given_name",
        "father_name",
        "family_name",
        "tazkira_number",
        "phone",
        "birth_date",
        "relationship",
        "province",
    ]
    assert propose_mapping(["Fathr Name", "Provnce"]) == {  # typos
        "Fathr Name": "father_name",
        "Provnce": "province",
    }
    # headers in two languages: where the parts disagree the Dari part decides
    bilingual = ["نام / Name", "نام پدر / Father Name", "تاریخ تولد / Date of Birth", "Sex / جنس"]
    assert list(propose_mapping(bilingual).values()) == [
        "given_name",
        "father_name",
        "birth_date",
        "sex",
    ]
    assert propose_mapping(["Name / نوم"]) == {"Name / نوم": "full_name"}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("family_members/member_name", "full_name"),  # KoboToolbox: group path and role prefix
        ("family_members-member_name", "full_name"),  # ODK Central joins groups with '-'
        ("hh_roster/hh_member_dob", "birth_date"),
        ("respondent/resp_phone", "phone"),
        ("Evacuee Name", "full_name"),  # a list keeper's wording of the same habit
        ("members-member_father_name", "father_name"),  # the relative stays the relative
        ("household_head/head_tazkira", "tazkira_number"),
        ("hh_ref", None),  # the household's id, not a person's field
        ("Date-of-birth", "birth_date"),
        ("_status", None),  # Kobo's "submitted_via_web" is not a category
        ("_validation_status", None),
        ("_submission__uuid", None),
        ("meta/instanceID", None),
        ("meta-phonenumber", None),  # the collector's device
        ("SubmitterName", None),
        ("_id", "source_record_id"),  # the submission's own id
        ("KEY", "source_record_id"),
        ("Status", "category_claimed"),  # a partner's own list: its category
    ],
)
def test_form_tool_headers(header, field):
    assert guess_field(header) == field


def test_a_form_tools_own_columns_are_never_proposed():
    headers = ["Status", "Edits", "start", "phonenumber", "deviceid", "members/phonenumber"]
    tool_columns = frozenset(h for h in headers if is_submission_metadata(h, tool_export=True))
    assert tool_columns == {"Status", "Edits", "start", "phonenumber", "deviceid"}
    assert propose_mapping(headers, metadata=tool_columns)["Status"] is None


def test_a_form_tools_group_names_say_where_not_what():
    headers = ["household/head_name", "household/member_count", "household/head_dob", "_uuid"]
    proposal = propose_mapping(headers, metadata=frozenset({"_uuid"}))
    assert list(proposal.values()) == ["full_name", None, "birth_date", None]


def test_readers_detect_encoding_delimiter_and_layout():
    alpha = read_source(FILES / "ngo_alpha.csv")[0]
    assert (alpha.encoding, alpha.delimiter, alpha.headers[0]) == ("utf-8-sig", ",", "S.No")
    congress = read_source(FILES / "congress_office.csv")[0]
    assert (congress.encoding, congress.delimiter) == ("cp1252", ";")
    assert next(iter(congress.rows)).raw["Name"] == "Sayed Jawad"
    siv = read_source(FILES / "siv_cases.txt")[0]
    assert (siv.encoding, siv.delimiter) == ("utf-16", "\t")
    assert "\n" in next(iter(siv.rows)).raw["Passport MRZ"]  # a quoted cell over two lines
    hxl = read_source(FILES / "hxl_list.csv")[0]
    assert hxl.hxl_tags["Tawalud"] == "#date+birth"
    families, dari = read_source(FILES / "ngo_beta.xlsx")  # the Notes sheet has no header
    assert families.headers[0] == "Family ID"  # found under a merged title and a date line
    assert [r.raw["Family ID"] for r in families.rows] == ["F-17"] * 3 + ["F-18"] * 2
    assert [r.row_number for r in families.rows][:2] == [5, 6]
    assert dari.name == "لیست دوم"


def test_unreadable_files_say_what_to_do(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="empty"):
        read_source(empty)
    with pytest.raises(UnreadableFile, match="evac reads"):
        read_source(tmp_path / "list.pdf")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="not valid JSON"):
        read_source(broken)


@given(
    st.integers(min_value=700_000_000, max_value=799_999_999),
    st.sampled_from(["0", "+93", "0093", ""]),
)
def test_afghan_mobile_shortcut_agrees_with_phonenumbers(number, prefix):
    import phonenumbers

    written = f"{prefix}{number}"
    parsed = phonenumbers.parse(written, "AF")
    expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    assert phonenumbers.is_valid_number(parsed)
    assert normalise_phone(written) == expected


def test_a_legacy_encoding_deep_in_a_file_is_read_from_the_whole_file(tmp_path):
    # the first megabyte is ASCII: the encoding shows only where the first accent does
    legacy = tmp_path / "legacy.csv"
    filler = "".join(f"Person {n},0799{n % 1000000:06d}\n" for n in range(60_000))  # > 1 MB
    legacy.write_bytes(b"Name,Phone\n" + filler.encode() + "José,0799000000\n".encode("cp1252"))
    table = read_source(legacy)[0]
    assert table.encoding == "cp1252"
    assert list(table.rows)[-1].raw["Name"] == "José"


def test_a_file_mixing_utf8_and_cp1252_is_refused_naming_the_line(tmp_path):
    mixed = tmp_path / "mixed.csv"
    utf8 = "Name,Phone\nJosé Müller,0799000001\n".encode()
    mixed.write_bytes(utf8 + "Zoë Pérez,0799000002\n".encode("cp1252"))
    with pytest.raises(UnreadableFile, match=r"line 2 is UTF-8 and line 3 is not"):
        read_source(mixed)
