"""Headers as partners really write them, in English, Dari and Pashto, on any keyboard."""

import pytest

from evac.intake.mapping import guess_field


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Name of Father", "father_name"),
        ("Father/Husband Name", "father_name"),
        ("نام‌پدر", "father_name"),  # with a zero-width non-joiner, as Dari keyboards type it
        ("نمبر تذکره", "tazkira_number"),
        ("د تذکرې شمېره", "tazkira_number"),  # Pashto
        ("تاريخ تولد", "birth_date"),  # Arabic yeh
        ("ولايت", "province"),
        ("كتگوری", "category_claimed"),  # Arabic kaf
        ("شمیره تلفن", "phone"),
        ("Grandfather Name", None),  # not the father
        ("نام پدر کلان", None),  # grandfather, in Dari
        ("د نیکه نوم", None),  # grandfather, in Pashto
    ],
)
def test_header_proposals(header, field):
    assert guess_field(header) == field
