"""SIV lists: Chief-of-Mission approval (date and status) and the relationship to the
principal applicant."""

import pytest

from evac.intake.mapping import propose_mapping
from evac.intake.validate import row_to_record

COM = {"Name": "full_name", "COM Date": "com_approval_date", "COM": "com_approval_status"}


@pytest.mark.parametrize(
    "header",
    ["COM Approval Date", "COM date", "Date of COM approval", "Chief of Mission approval date"],
)
def test_com_approval_date_headers(header):
    assert propose_mapping([header]) == {header: "com_approval_date"}


@pytest.mark.parametrize(
    "header", ["COM Approved", "COM Status", "Chief of Mission Approval", "COM approval"]
)
def test_com_approval_status_headers(header):
    assert propose_mapping([header]) == {header: "com_approval_status"}


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Approved", "approved"),
        ("YES", "approved"),
        ("COM approved", "approved"),
        ("Pending - interview", "pending"),
        ("in process", "pending"),
        ("Denied", "denied"),
        ("Refused", "denied"),
        ("Appeal", "appeal"),  # the source's own word
    ],
)
def test_com_approval_status(written, status):
    record = row_to_record({"Name": "Zia Rahimi", "COM": written}, COM)
    assert (record.com_approval_status, record.com_approval_date) == (status, None)


def test_a_com_status_column_holding_a_date_is_an_approval_on_that_date():
    record = row_to_record({"Name": "Zia Rahimi", "COM": "2021-05-17"}, COM)
    assert (record.com_approval_status, record.com_approval_date) == ("approved", "2021-05-17")


def test_a_com_date_is_read_in_the_column_s_order():
    row = {"Name": "Zia Rahimi", "COM Date": "07/06/2021"}
    assert row_to_record(row, COM).com_approval_date == "2021-06-07"  # day first by default
    month_first = row_to_record(row, COM, date_orders={"COM Date": "mdy"})
    assert month_first.com_approval_date == "2021-07-06"


@pytest.mark.parametrize(
    ("written", "role"),
    [
        ("PA", "principal"),
        ("Principal (PA)", "principal"),
        ("Self (PA)", "principal"),
        ("Wife of PA", "spouse"),
        ("PA's wife", "spouse"),
        ("Spouse of Principal Applicant", "spouse"),
        ("Son of PA", "child"),
        ("Child (son)", "child"),
        ("Daughter-in-law", "other"),  # an in-law has no role of its own
        ("Uncle of PA", "other"),
    ],
)
def test_relationship_to_pa_as_siv_lists_write_it(written, role):
    record = row_to_record(
        {"Name": "Zia Rahimi", "Relationship to PA": written},
        {"Name": "full_name", "Relationship to PA": "relationship"},
    )
    assert record.relationship == role
