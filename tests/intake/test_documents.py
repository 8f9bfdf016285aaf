"""Document numbers, e-mail addresses and scanned passport zones, checked for shape."""

from datetime import date

import pytest

from evac.intake.documents import canonical_tazkira
from evac.intake.mrz import parse_td3
from evac.intake.validate import (
    RowRejected,
    check_email,
    check_siv_case,
    check_us_passport,
    row_to_record,
)
from tests.intake.files.make_files import td3

AFGHAN = {"Name": "full_name", "Nationality": "nationality", "Passport": "passport_number"}


def afghan_passport(written: str):
    record = row_to_record({"Name": "Zia", "Nationality": "Afghan", "Passport": written}, AFGHAN)
    return record.passport_number, record.flags


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("P01234567", "P01234567"),
        ("p 0123 4567", "P01234567"),  # typed with spaces, lower case
        ("P-0123-4567", "P01234567"),
        ("OA1234567", "OA1234567"),  # two letters
        ("P۰۱۲۳۴۵۶۷", "P01234567"),  # Dari digits
        ("P0123456", "P0123456"),  # 7 digits (older booklets)
    ],
)
def test_afghan_passport_numbers_are_normalised(written, stored):
    assert afghan_passport(written) == (stored, ())


@pytest.mark.parametrize("written", ["01234567", "P012345", "P012345678", "PAB1234567"])
def test_afghan_passport_numbers_of_an_unfamiliar_shape_are_kept_and_flagged(written):
    number, flags = afghan_passport(written)
    assert number and flags == ("passport_shape",)


@pytest.mark.parametrize(
    ("written", "stored"), [("123456789", "123456789"), ("a1234 5678", "A12345678")]
)
def test_us_passport_numbers(written, stored):
    assert check_us_passport(written) == stored


@pytest.mark.parametrize("written", ["12345678", "AB1234567", "1234567890"])
def test_us_passport_numbers_of_the_wrong_shape_are_refused(written):
    with pytest.raises(ValueError, match="is not a US passport number"):
        check_us_passport(written)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("KBL2021004411", "KBL2021004411"),
        ("kbl-2021004411", "KBL-2021004411"),
        ("202100441", "202100441"),
    ],
)
def test_siv_case_numbers(written, stored):
    assert check_siv_case(written) == stored


@pytest.mark.parametrize("written", ["KBL", "K2021004411", "12345", "case pending"])
def test_siv_case_numbers_of_the_wrong_shape_are_refused(written):
    with pytest.raises(ValueError, match="is not an SIV case number"):
        check_siv_case(written)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Ahmad.Wali@Example.ORG", "ahmad.wali@example.org"),
        ("<farida.n@example.org>", "farida.n@example.org"),
    ],
)
def test_email_addresses_are_lower_cased(written, stored):
    assert check_email(written) == stored


@pytest.mark.parametrize("written", ["ahmad@example", "ahmad wali@example.org", "a@b@c.org", "-"])
def test_malformed_email_addresses_are_refused(written):
    with pytest.raises(ValueError, match="is not an e-mail address"):
        check_email(written)


def test_zone_from_a_scanner_with_carriage_returns():
    zone = td3("NOORI", "FARIDA", "P07654321", "910203", "F", "270101")
    scanned = zone.replace("\n", "\r\n") + "\r\n"
    parsed = parse_td3(scanned, today=date(2021, 8, 20))
    assert (parsed.document_number, parsed.given_names, parsed.birth_date) == (
        "P07654321",
        "FARIDA",
        date(1991, 2, 3),
    )


def test_a_passport_number_that_differs_from_the_row_s_zone_is_refused():
    zone = td3("NOORI", "FARIDA", "P07654321", "910203", "F", "270101")
    mapping = {"Name": "full_name", "Passport": "passport_number", "MRZ": "mrz"}
    agreeing = row_to_record(
        {"Name": "Farida Noori", "Passport": "p0765 4321", "MRZ": zone}, mapping
    )
    assert (agreeing.passport_number, agreeing.birth_year) == ("P07654321", 1991)
    with pytest.raises(RowRejected) as refused:
        row_to_record({"Name": "Farida Noori", "Passport": "P07654312", "MRZ": zone}, mapping)
    assert [(e.column, e.reason) for e in refused.value.errors] == [
        (
            "Passport",
            "passport number P07654312 differs from the passport zone's P07654321; "
            "correct the one that was mistyped",
        )
    ]


@pytest.mark.parametrize(
    "written",
    [
        "ج ۷۱ ص ۲۶۳ ث ۶۳۸۲",  # jild, safha, sabt abbreviated in Dari, Dari digits
        "جلد ۷۱ صفحه ۲۶۳ ثبت ۶۳۸۲",
        "Jild 71 Safha 263 Sabt 6382",
        "Vol 71, Page 263, Reg 6382",
        "vol. 71 / page 263 / no. 6382",
        "71/263/6382",
        "71-263-6382",
        "J71-P263-6382",
        "Page 263 Vol 71 No 6382",  # labelled parts in another order
        "071/263/6382",
    ],
)
def test_a_paper_tazkira_in_every_written_form_is_one_value(written):
    assert canonical_tazkira(written) == "71/263/6382"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("4455", "4455"),  # a number-only paper tazkira, of any plausible length
        ("12345678", "12345678"),
        ("۱۲۳۴۵۶۷۸۹۰۱۲", "123456789012"),
        ("Tazkira 4455667", "4455667"),
        ("1400-0101-12345", "1400-0101-12345"),  # e-tazkiras as printed
        ("1400 0101 12345", "1400-0101-12345"),
        ("1400010112345", "1400-0101-12345"),
        ("2949/267/86", "86/267/2949"),  # written entry first: no register has volume 2949
        ("86/267/2949", "86/267/2949"),
        ("26/26/95260", "26/26/95260"),
    ],
)
def test_number_only_and_electronic_tazkiras(written, canonical):
    assert canonical_tazkira(written) == canonical


@pytest.mark.parametrize("written", ["AB-12", "12", "71/263", "Vol 71 Page 263", "yes"])
def test_what_is_no_tazkira_number(written):
    assert canonical_tazkira(written) is None


def test_an_unfamiliar_tazkira_is_kept_and_flagged():
    record = row_to_record({"Name": "Zia", "Tazkira": "T-71/B"}, TAZKIRA_MAPPING)
    assert (record.tazkira_number, record.flags) == ("T-71/B", ("tazkira_unfamiliar",))
    canonical = row_to_record({"Name": "Zia", "Tazkira": "J21-P58-565"}, TAZKIRA_MAPPING)
    assert (canonical.tazkira_number, canonical.flags) == ("21/58/565", ())


TAZKIRA_MAPPING = {"Name": "full_name", "Tazkira": "tazkira_number"}
PASSPORT_MAPPING = {
    "Name": "full_name",
    "Nationality": "nationality",
    "Passport": "passport_number",
}


@pytest.mark.parametrize(
    ("nationality", "written", "fields", "flags"),
    [
        ("American", "512345678", {"us_passport_number": "512345678"}, ()),
        ("USA", "A1234 5678", {"us_passport_number": "A12345678"}, ()),
        ("US", "5123456", {"us_passport_number": "5123456"}, ("passport_shape",)),
        ("Afghan", "P01234567", {"passport_number": "P01234567", "passport_country": "AFG"}, ()),
        ("", "P0123456", {"passport_number": "P0123456"}, ()),
        ("", "512345678", {"passport_number": "512345678"}, ("passport_shape",)),
        ("Pakistani", "AB1234562", {"passport_number": "AB1234562", "passport_country": "PAK"}, ()),
        ("German", "C01X00T47", {"passport_number": "C01X00T47", "passport_country": "DEU"}, ()),
    ],
)
def test_a_passport_is_read_as_its_row_s_nationality_says(nationality, written, fields, flags):
    record = row_to_record(
        {"Name": "Zia", "Nationality": nationality, "Passport": written}, PASSPORT_MAPPING
    )
    documents = ("us_passport_number", "passport_number", "passport_country")
    assert {f: getattr(record, f) for f in documents if getattr(record, f)} == fields
    assert record.flags == flags


@pytest.mark.parametrize("written", ["N/A", "-", "none", "pending", "نامعلوم", "000000", "P1"])
def test_a_passport_placeholder_is_an_empty_cell(written):
    record = row_to_record({"Name": "Zia", "Passport": written}, PASSPORT_MAPPING)
    assert (record.passport_number, record.us_passport_number, record.flags) == (None, None, ())


def test_a_passport_number_no_document_could_have_is_refused():
    with pytest.raises(RowRejected, match="is not a passport number"):
        row_to_record({"Name": "Zia", "Passport": "P0123456789012345"}, PASSPORT_MAPPING)
