"""One given name in two scripts: consonant skeletons of Dari/Pashto and Latin spellings."""

import pytest

from evac.linkage.dates import parse_birth_date
from evac.linkage.model import LinkInput
from evac.linkage.scripts import cross_script_keys, latin_given_skeleton, script_given_skeletons
from tests.linkage.test_hard_cases import clusters


@pytest.mark.parametrize(
    ("latin", "native"),
    [
        ("Mohammad", "محمد"),
        ("Fatima", "فاطمه"),
        ("Fatimah", "فاطمه"),
        ("Mahbooba", "محبوبه"),
        ("Abdul Rahman", "عبد الرحمن"),
        ("Obaidullah", "عبید الله"),
        ("Zabihullah", "ذبیح الله"),
        ("Ghulam", "غلام"),
        ("Khalid", "خالد"),
        ("Shukria", "شکریه"),
        ("Masooma", "معصومه"),
    ],
)
def test_a_name_has_one_skeleton_in_both_scripts(latin, native):
    assert latin_given_skeleton(latin) == script_given_skeletons(native)[0] is not None


def test_other_names_have_other_skeletons():
    assert latin_given_skeleton("Karim") != script_given_skeletons("رحیم")[0]
    assert latin_given_skeleton("Ali") is None  # too few consonants to say anything


def test_a_record_with_latin_names_has_no_script_skeleton():
    assert cross_script_keys("Nargis", None, "نرگس")[1:] == (None, None)
    assert cross_script_keys("نرگس", None, None) == (None, "nrgs", None)
    assert cross_script_keys(None, None, "عبیدالله سلطانی") == (None, "bdlsltn", "bdl")


def test_a_name_typed_only_in_dari_links_to_the_latin_one():
    born = parse_birth_date("1973-10-18")
    found = clusters(
        [
            LinkInput("form", given_name="عبید الله", family_name="سلطانی", sex="مرد", birth=born),
            LinkInput(
                "manifest",
                full_name="SULTANI/OBAIDULLAH MR",
                sex="M",
                birth=born,
                passport_number="P04412399",
            ),
        ]
    )
    assert found["form"] == found["manifest"]
