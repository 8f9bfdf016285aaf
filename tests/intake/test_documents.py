"""Document numbers, e-mail addresses and scanned passport zones, checked for shape."""

from datetime import date

import pytest

from evac.intake.mrz import parse_td3
from evac.intake.validate import (
    RowRejected,
    check_afghan_passport,
    check_email,
    check_siv_case,
    check_us_passport,
    row_to_record,
)
from tests.intake.files.make_files import td3


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("P01234567", "P01234567"),
        ("p 0123 4567", "P01234567"),  # typed with spaces, lower case
        ("OA1234567", "OA1234567"),  # two letters
        ("P۰۱۲۳۴۵۶۷", "P01234567"),  # Dari digits
        ("P0123456", "P0123456"),  # 7 digits (older booklets)
    ],
)
def test_afghan_passport_numbers_are_normalised(written, stored):
    assert check_afghan_passport(written) == stored


@pytest.mark.parametrize("written", ["01234567", "P012345", "P012345678", "PAB1234567", "N/A"])
def test_afghan_passport_numbers_of_the_wrong_shape_are_refused(written):
    with pytest.raises(ValueError, match="is not an Afghan passport number"):
        check_afghan_passport(written)


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
