"""Name preparation: variants of one name share a key, different names do not."""

import os
import subprocess
import sys

import pytest

from evac.linkage import names
from evac.linkage.names import (
    ascii_letters,
    canonical_token,
    digits_and_letters,
    glued,
    key_text,
    phone_country,
    phone_number,
    prepare_name,
    siv_case_number,
)

VARIANTS = [
    ("Mohammad", "Muhammad"),
    ("Mohammad", "Mohammed"),
    ("Mohammad", "Mohd"),
    ("Mohammad", "Md"),
    ("Mohammad", "MOHAMED"),
    ("Abdul Rahman", "Abdurrahman"),
    ("Abdul Rahman", "Abdorrahman"),
    ("Abdul Rahman", "Abd al-Rahman"),
    ("Abdul Rahman", "Abdel Rahman"),
    ("Abdul Rahman", "Abdulrahman"),
    ("Abdul Rahman", "Abdur Rahman"),
    ("Abdul Sattar", "Abdur Sattar"),
    ("Abdul Haq", "Abdulhaq"),
    ("Rahmatullah", "Rahmatulla"),
    ("Rahmatullah", "Rahmatallah"),
    ("Rahmatullah", "Rahmatollah"),
    ("Zabihullah", "Zabiullah"),
    ("Abdullah", "Abdulla"),
    ("Jamaluddin", "Jamaloddin"),
    ("Jamaluddin", "Jamal-ud-Din"),
    ("Shamsuddin", "Shams al-Din"),
    ("Ahmad", "Ahmed"),
    ("Hosein", "Husain"),
    ("Hussain", "Husayn"),
    ("Yousuf", "Yusuf"),
    ("Ghulam", "Gholam"),
    ("Noor", "Nur"),
    ("Sher", "Shir"),
    ("Osman", "Usman"),
    ("Javad", "Jawad"),
    ("Mahmud", "Mahmood"),
    ("Tahmineh", "Tahmina"),  # final ه: Iranian-style -eh, Afghan -a
    ("Farzaneh", "Farzana"),
    ("Saleh", "Salih"),
    ("Malalai", "Malalay"),  # Pashto final ی: -ai, -ay, -y
    ("Malalai", "Malaly"),
    ("Ahmadzai", "Ahmadzay"),
    ("Maryam", "Mariam"),
    ("Zia", "Ziya"),
    ("Abdul Ghafur", "Abdulgafur"),  # غ as gh or g
    ("Zarghuna", "Zargona"),
    ("Amir Jan", "Ameer Jon"),
    ("Mohammadnabi", "Mdnabi"),  # Muhammad glued to the proper part
    ("Mohdhameed", "Muhammadhamid"),
    ("Dostmohammad", "Doustmuhammed"),
]
DIFFERENT = [
    ("Muhammad", "Mahmud"),
    ("Ahmad", "Mahmud"),
    ("Zaman", "Zamir"),
    ("Ali", "Wali"),
    ("Muhammadi", "Muhammad"),
    ("Malalai", "Malala"),
    ("Mohammadnabi", "Mohammad"),
]


def given(text: str) -> str | None:
    return key_text(prepare_name(given_name=text).given)


@pytest.mark.parametrize(("one", "other"), VARIANTS)
def test_variants_share_a_key(one, other):
    assert given(one) == given(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_names_keep_different_keys(one, other):
    assert given(one) != given(other)


@pytest.mark.parametrize(
    ("glued_name", "apart"),
    [("Mdnabee", "Muhammad Nabi"), ("Mohammdali", "Mohd Ali"), ("Doustmuhammed", "Dost Mohammad")],
)
def test_muhammad_glued_to_a_name_is_the_two_parts_glued(glued_name, apart):
    assert canonical_token(glued_name) in glued(prepare_name(given_name=apart).given)


def test_a_word_muhammad_begins_and_ends_has_one_key_whatever_the_hash_seed():
    # the spellings are a set: its order changes with the process's hash seed
    code = "from evac.linkage.names import canonical_token as key; print(key('Mohammodxmohammad'))"
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(keys) == 1


def test_every_spelling_of_muhammad_begins_with_m():
    # _glued_muhammad rules out words without an m where a spelling could begin, unread
    assert all(spelling.startswith("m") for spelling in names._MUHAMMAD_SPELLINGS)


@pytest.mark.parametrize(
    ("written", "letters"),
    [("Ahmad Khan-Zai", "ahmadkhanzai"), ("O'Neil 2nd", "oneilnd"), ("José María", "josemaria"),
     ("ZAHIR_SHAH", "zahirshah"), ("Ḥusayn", "husayn"), ("ﬁroz", "firoz"), ("", "")],
)  # fmt: skip
def test_ascii_letters_are_the_letters_a_to_z_without_accents(written, letters):
    assert ascii_letters(written) == letters


@pytest.mark.parametrize(
    "title", ["Haji", "Mullah", "Mawlawi", "Mawlana", "Qari", "Hafiz", "Akhund", "Sayed", "Eng.",
              "Engineer", "Dr", "Dr."]
)  # fmt: skip
def test_titles_are_stripped(title):
    assert given(f"{title} Mohammad Zaman") == given("Mohammad Zaman")


def test_a_title_alone_is_kept_as_the_name():
    assert given("Amir") == "amir"


def test_first_name_unknown_is_no_name():
    """US forms write FNU for a missing first name: it must not tie strangers together."""
    assert not prepare_name(given_name="FNU").given
    assert not prepare_name(given_name="Unknown").given
    from_full_name = prepare_name(given_name="FNU", full_name="Zarghuna Rahimi").given
    assert prepare_name(given_name="Zarghuna").given <= from_full_name  # the full name is used


def test_a_name_in_the_surname_field_alone_is_the_given_name():
    """A person of one name is written in the surname field, the first name FNU or empty (US
    forms, passports, manifests): most Afghans have no family name."""
    malalai = prepare_name(given_name="Malalai").given
    assert prepare_name(given_name="FNU", family_name="Malalai").given == malalai
    assert prepare_name(full_name="MALALAI/FNU MS").given == malalai
    assert not prepare_name(full_name="MALALAI/FNU MS").family
    whole = prepare_name(given_name="FNU", family_name="Abdul Wahab Shafiq Faruqi")
    assert prepare_name(given_name="Abdul Wahab").given <= whole.given


def test_a_common_first_part_in_the_surname_field_is_part_of_the_given_name():
    """A form that demands a surname splits "Din Mohammad" into DIN and MOHAMMAD."""
    split = prepare_name(full_name="MOHAMMAD/DIN MR")
    assert split.given == prepare_name(given_name="Din Mohammad").given
    assert not split.family
    assert prepare_name(given_name="Din", family_name="Ahmadzai").family  # a real family name


def test_word_order_does_not_matter():
    assert given("Zaman Mohammad") == given("Mohammad Zaman")


@pytest.mark.parametrize(
    "written",
    ["Mohammad s/o Abdul Rahman", "Mohammad son of Abdurrahman", "Mohammad walad Abdul Rahman",
     "Mohammad bin Abd al-Rahman", "Mohammad ibn Abdul Rahman", "Mohammad zoy Abdorrahman"],
)  # fmt: skip
def test_father_marker_splits_the_name(written):
    name = prepare_name(given_name=written)
    assert key_text(name.given) == "muamad"
    assert name.father == prepare_name(father_name="Abdul Rahman").father


def test_full_name_in_one_field_is_split_at_the_marker():
    name = prepare_name(full_name="Haji Mohammad Zaman s/o Ghulam Hazrat")
    assert name.given == prepare_name(given_name="Mohammad Zaman").given
    assert name.father == prepare_name(given_name="Ghulam Hazrat").given


def test_subordinate_part_is_not_the_core():
    assert prepare_name(given_name="Mohammad Zaman").given_core == {"zaman"}
    assert prepare_name(given_name="Mohammad").given_core == {canonical_token("Mohammad")}


def test_native_script_code_points_and_marks_are_unified():
    arabic = prepare_name(name_native="مُحَمَّد علي")  # Arabic yeh, with harakat
    persian = prepare_name(name_native="محمد علی")  # Persian yeh
    assert arabic.native == persian.native
    assert prepare_name(name_native="ملك").native == prepare_name(name_native="ملک").native


def test_native_abd_compound_and_father_marker():
    name = prepare_name(name_native="حاجی عبد الرحمن ولد محمد")
    assert name.native == {"عبدالرحمن"}
    assert name.native_father == {"محمد"}
    assert name.native == prepare_name(name_native="عبدالرحمن").native


def test_native_ullah_written_apart_is_one_name():
    assert prepare_name(name_native="عبید الله سلطانی").native == {"عبیدالله", "سلطانی"}
    assert (
        prepare_name(name_native="شمس الدین").native == prepare_name(name_native="شمس‌الدین").native
    )
    assert prepare_name(name_native="الهام احمدی").native == {"الهام", "احمدی"}  # Elham


def test_pashto_father_between_of_and_daughter_or_son():
    daughter = prepare_name(name_native="لطيفه د گل ضيا لور")
    assert (daughter.native, daughter.native_father) == ({"لطیفه"}, {"گل", "ضیا"})
    son = prepare_name(name_native="احمد د کریم زوی")
    assert (son.native, son.native_father) == ({"احمد"}, {"کریم"})


def test_document_numbers_ignore_spacing_and_native_digits():
    assert digits_and_letters("p 123-456") == "P123456"
    assert digits_and_letters("۱۲۳۴") == "1234"
    assert digits_and_letters(" - ") is None


def test_native_script_in_a_latin_column_counts_as_the_native_name():
    name = prepare_name(given_name="محمد زمان", father_name="غلام نبی")
    assert name.native == prepare_name(name_native="محمد زمان").native
    assert name.native_father == {"غلام", "نبی"}
    assert not name.given


def test_glued_keys_join_the_parts_of_a_name_in_either_order():
    keys = glued(prepare_name(given_name="Shir Khan").given)
    assert {"shir", "khan", canonical_token("Shirkhan"), canonical_token("Khanshir")} == keys
    assert glued(frozenset({"zaman"})) == {"zaman"}


@pytest.mark.parametrize("written", ["SHARIFI, Tahmina", "Sharifi , TAHMINA"])
def test_a_surname_first_name_with_a_comma_is_family_then_given(written):
    name = prepare_name(full_name=written)
    assert (name.given, name.family) == (
        prepare_name(given_name="Tahmina").given,
        prepare_name(given_name="Tahmina", family_name="Sharifi").family,
    )


@pytest.mark.parametrize(
    "written", ["Tahmina d/o Karim, Kabul", "Zia, s/o Karim", "Tahmina, Karim, Sharifi"]
)
def test_other_commas_are_not_the_surname_first_form(written):
    assert not prepare_name(full_name=written).family


@pytest.mark.parametrize(
    ("written", "given", "family"),
    [
        ("HAKIMI/ZABIHULLAH MSTR", "Zabihullah", "Hakimi"),
        ("SADEQ / FARZANA MRS", "Farzana", "Sadiq"),
        ("FNU/NOOR QASIM MR", "Noor Qasim", None),
        ("NOOR NAWID/NASREEN MRS", "Nasreen", "Noor Nawid"),
    ],
)
def test_a_manifest_name_is_family_slash_given_without_its_form_of_address(written, given, family):
    name = prepare_name(full_name=written)
    assert name.given == prepare_name(given_name=given).given
    assert name.family == prepare_name(given_name=given, family_name=family).family


def test_a_manifest_line_without_a_name_gives_no_name_not_mrs():
    name = prepare_name(full_name="FNU/ MRS")
    assert not (name.given or name.family)


@pytest.mark.parametrize("written", ["Kabir S/O Abdul Ghafoor", "Farida d/o Jamil Wardak"])
def test_the_slash_of_a_fathers_marker_is_not_a_manifest_name(written):
    name = prepare_name(full_name=written)
    assert name.father and not name.family


@pytest.mark.parametrize(
    "written", ["KBL2016451731", "2016451731", "KBL-2016-451731", "Case# KBL 2016451731"]
)
def test_siv_case_number_with_or_without_the_embassy_prefix_is_one_case(written):
    assert siv_case_number(written) == "2016451731"


def test_siv_case_placeholder_is_no_case():
    assert siv_case_number("pending") is None


@pytest.mark.parametrize(
    ("written", "country"),
    [("0700 123 456", "93"), ("(703) 555-0146", "1"), ("+44 20 7946 0958", "44"), (None, None)],
)
def test_a_phones_country_is_its_calling_code(written, country):
    assert phone_country(phone_number(written)) == country
