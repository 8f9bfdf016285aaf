"""Nationality and citizenship columns in all their spellings, as ISO 3166-1 alpha-3."""

import pytest

from evac.intake.documents import country_code
from evac.intake.mapping import propose_mapping
from evac.intake.validate import row_to_record


@pytest.mark.parametrize(
    "written",
    [
        "American",
        "US",
        "U.S.",
        "USA",
        "U.S.A.",
        "us",
        "United States",
        "United States of America",
        "US citizen",
        "امریکایی",
        "امریکا",
        "آمریکایی",
    ],
)
def test_american_in_every_spelling(written):
    assert country_code(written) == "USA"


@pytest.mark.parametrize(
    "written", ["Afghan", "Afghani", "AF", "AFG", "afg", "Afghanistan", "افغان", "افغانستان"]
)
def test_afghan_in_every_spelling(written):
    assert country_code(written) == "AFG"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Pakistani", "PAK"),
        ("Iranian", "IRN"),
        ("British", "GBR"),
        ("Canada", "CAN"),
        ("DEU", "DEU"),
    ],
)
def test_other_countries_from_a_small_table(written, code):
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["Martian", "no", "in", "yes", ""])
def test_what_names_no_country(written):
    assert country_code(written) is None


@pytest.mark.parametrize(
    "header",
    [
        "Nationality",
        "Citizenship",
        "Country of Citizenship",
        "Citizen of",
        "تابعیت",
        "تابعيت",
        "ملیت",
    ],
)
def test_nationality_headers(header):
    assert propose_mapping([header]) == {header: "nationality"}


def test_an_unfamiliar_nationality_is_flagged_not_refused():
    record = row_to_record(
        {"Name": "Zia", "Citizenship": "Atlantean"},
        {"Name": "full_name", "Citizenship": "nationality"},
    )
    assert (record.nationality, record.flags) == (None, ("nationality_unfamiliar",))
