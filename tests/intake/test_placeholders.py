"""One list of placeholders, read as empty in every column by intake and linkage alike."""

import pytest

from evac.intake.placeholders import is_placeholder, is_placeholder_number, says_no_number
from evac.intake.validate import row_to_record

EVERY_FIELD = {
    "Name": "full_name",
    "Father": "father_name",
    "DOB": "birth_date",
    "Phone": "phone",
    "Mail": "email",
    "Passport": "passport_number",
    "US Passport": "us_passport_number",
    "Tazkira": "tazkira_number",
    "Case": "siv_case_number",
    "Sex": "sex",
    "Nationality": "nationality",
    "Province": "province",
}
PLACEHOLDERS = ["N/A", "n/a", "NA", "-", "--", "none", "None", "unknown", "nil", "?", "نامعلوم"]


@pytest.mark.parametrize("written", [*PLACEHOLDERS, "000000", "123456789", "not available", "FNU"])
def test_placeholders(written):
    assert is_placeholder(written)


@pytest.mark.parametrize("written", ["Nazir", "Na'im", "x1", "12345", "1", "00", "1985", "Kabul"])
def test_values_that_are_something(written):
    assert not is_placeholder(written)


@pytest.mark.parametrize("written", PLACEHOLDERS)
def test_a_placeholder_is_empty_in_every_column(written):
    row = {header: written for header in EVERY_FIELD} | {"Name": "Zia Rahimi"}
    record = row_to_record(row, EVERY_FIELD)
    assert record.to_json() == '{"full_name":"Zia Rahimi"}'


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("applied 2021-08-12", True),
        ("pending", True),
        ("ندارد", True),
        ("N/A", True),
        ("P01234567", False),
        ("A12345678", False),  # a US passport's letter is no "a" of "n/a"
        ("N1234567", False),
    ],
)
def test_says_no_number(written, says):
    assert says_no_number(written) is says


@pytest.mark.parametrize(
    ("digits", "placeholder"),
    [("000000", True), ("123456789", True), ("121212", True), ("12", True), ("4815162342", False),
     ("0987654", True), ("7890123", True), ("2123456", False), ("1234565", False),
     ("1357913", False), ("9012343", False)],
)  # fmt: skip
def test_placeholder_numbers(digits, placeholder):
    assert is_placeholder_number(digits) is placeholder
