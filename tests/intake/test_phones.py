"""Phones read in the country their row points to; unclear ones kept and marked, lettered ones
refused."""

import pytest

from evac.intake.validate import RowRejected, canonical_phone, row_to_record

MAPPING = {"Name": "full_name", "Nationality": "nationality", "Phone": "phone"}


@pytest.mark.parametrize(
    ("written", "region", "e164"),
    [
        ("(617) 555-0129", None, "+16175550129"),  # a US number's own shape
        ("703.555.0146", None, "+17035550146"),
        ("703-555-0146", "AFG", "+17035550146"),  # the shape wins where Afghanistan reads none
        ("6175550129", "USA", "+16175550129"),  # no shape: the row's nationality
        ("6175550129", "US", "+16175550129"),  # alpha-2 too
        ("93701234567", None, "+93701234567"),  # 93 without the plus
        ("701234567", None, "+93701234567"),  # without the leading 0
        ("0701 234 567", "USA", "+93701234567"),  # an Afghan mobile in a US citizen's row
        ("۰۷۰۱۲۳۴۵۶۷", None, "+93701234567"),
        ("0093 70 123 4567", None, "+93701234567"),
        ("+44 20 7946 0958", "AFG", "+442079460958"),  # a country code decides
        ("030 12345678", "DEU", "+493012345678"),
        ("0799 12 / 0700 111 222", None, "+93700111222"),  # the first that reads
    ],
)
def test_a_phone_is_read_in_its_row_s_country(written, region, e164):
    assert canonical_phone(written, region=region) == e164


@pytest.mark.parametrize("written", ["6175550129", "0799 12", "12345", ""])
def test_what_no_country_reads_is_none(written):
    assert canonical_phone(written) is None


def test_a_us_citizen_s_phone_without_country_code():
    record = row_to_record(
        {"Name": "John Doe", "Nationality": "American", "Phone": "617 555 0129"}, MAPPING
    )
    assert (record.phone, record.phone_unverified, record.flags) == ("+16175550129", False, ())


def test_an_unclear_phone_is_kept_as_written_and_marked():
    record = row_to_record({"Name": "Zia", "Phone": "6175550129"}, MAPPING)
    assert (record.phone, record.phone_unverified) == ("6175550129", True)
    assert record.flags == ("phone_unverified",)


@pytest.mark.parametrize("written", ["07OO 123 456", "0799 I23 456", "+93 7x 123 4567"])
def test_a_phone_with_letters_in_it_is_refused(written):
    with pytest.raises(RowRejected, match="letters"):
        row_to_record({"Name": "Zia", "Phone": written}, MAPPING)


@pytest.mark.parametrize(
    "written", ["WhatsApp: 0799 123 456", "0799 123 456 (own)", "Tel 0799123456"]
)
def test_words_beside_a_number_are_labels_not_letters(written):
    assert row_to_record({"Name": "Zia", "Phone": written}, MAPPING).phone == "+93799123456"


@pytest.mark.parametrize("written", ["N/A", "no phone", "ندارد", "-", "none"])
def test_no_phone_is_an_empty_cell(written):
    record = row_to_record({"Name": "Zia", "Phone": written}, MAPPING)
    assert (record.phone, record.phone_unverified) == (None, False)
