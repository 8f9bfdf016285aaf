"""A row is refused only when it holds no person or a value certainly wrong that would
mislead; an unfamiliar but plausible value is kept and flagged. Either way nothing is lost."""

import pytest

from evac.intake.validate import RowRejected, row_to_record

MAPPING = {
    "Name": "full_name",
    "DOB": "birth_date",
    "Phone": "phone",
    "Mail": "email",
    "Sex": "sex",
    "Passport": "passport_number",
    "Tazkira": "tazkira_number",
    "Case": "siv_case_number",
    "Nationality": "nationality",
    "MRZ": "mrz",
}


@pytest.mark.parametrize(
    ("column", "written", "reason"),
    [
        ("DOB", "30/02/1990", "does not exist"),  # February 30
        ("DOB", "13/13/1990", "does not exist"),  # month 13 either way round
        ("DOB", "1985-13-00", "does not exist"),
        ("DOB", "1372/13/01", "does not exist"),
        ("DOB", "2031-01-01", "in the future"),
        ("Phone", "07OO 123 456", "letters"),
        (
            "MRZ",
            "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<7\nERIKSSON<<ANNA",
            "30",
        ),
        ("Passport", "P0123456789012345", "is not a passport number"),
    ],
)
def test_a_value_certainly_wrong_refuses_the_row(column, written, reason):
    with pytest.raises(RowRejected, match=reason) as refused:
        row_to_record({"Name": "Zia Rahimi", column: written}, MAPPING)
    assert [error.column for error in refused.value.errors] == [column]


@pytest.mark.parametrize("row", [{"DOB": "1990"}, {"Name": "N/A", "Phone": "0799 123 456"}, {}])
def test_a_row_without_a_name_holds_no_person(row):
    with pytest.raises(RowRejected, match="no name"):
        row_to_record(row, MAPPING)


def test_a_header_row_repeated_among_the_data_holds_no_person():
    """A second office's list pasted under the first repeats the header row."""
    with pytest.raises(RowRejected, match="no name"):
        row_to_record({header: header for header in MAPPING}, MAPPING)


@pytest.mark.parametrize(
    ("column", "written", "flag"),
    [
        ("DOB", "sometime in the spring", "birth_date_unreadable"),
        ("Phone", "6175550129", "phone_unverified"),
        ("Mail", "zia@@example", "email_shape"),
        ("Sex", "female?", "sex_unfamiliar"),
        ("Passport", "5123456", "passport_shape"),
        ("Tazkira", "T-71/B", "tazkira_unfamiliar"),
        ("Case", "K-7", "siv_case_shape"),
        ("Nationality", "Atlantean", "nationality_unfamiliar"),
    ],
)
def test_an_unfamiliar_value_is_kept_and_flagged(column, written, flag):
    record = row_to_record({"Name": "Zia Rahimi", column: written}, MAPPING)
    assert record.full_name == "Zia Rahimi"
    assert record.flags == (flag,)


def test_flags_survive_storage_as_json():
    record = row_to_record(
        {"Name": "Zia Rahimi", "Mail": "zia@@example", "Phone": "6175550129"}, MAPPING
    )
    assert record.flags == ("email_shape", "phone_unverified")
    assert type(record).from_json(record.to_json()) == record
