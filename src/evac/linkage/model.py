"""The Splink model: prepared columns, comparisons, blocking rules, training and scoring.

Every name comparison works on canonical keys from `names.py` (never on raw strings), so
spelling variants agree and different names disagree. Evidence that a household shares (phone,
father's name, family name, province) is weighed, but a link also needs the person's own given
name or a personal document to agree: otherwise a Fellegi-Sunter model links siblings.
"""

import contextlib
import logging
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator
from splink import comparison_library as cl
from splink.blocking_rule_library import CustomRule

from evac.linkage import names
from evac.linkage.cluster import YEARS_APART
from evac.linkage.dates import BirthDate, parse_birth_date
from evac.linkage.names import (
    SHARED_LIMITS,
    SUBORDINATE,
    blank_shared,
    email_address,
    glued,
    key_text,
    passport_number,
    phone_country,
    phone_number,
    prepare_name,
    register_page,
    registration_number,
    siv_case_number,
    tazkira_form,
    tazkira_number,
)
from evac.linkage.places import province_key
from evac.linkage.scripts import SKELETON_COLUMNS, cross_script_keys

if TYPE_CHECKING:
    from splink.internals.splink_dataframe import SplinkDataFrame

logging.getLogger("splink").setLevel(logging.ERROR)  # its hints are for notebooks


@dataclass(frozen=True)
class LinkInput:
    """One record to link, in the columns of `evac link file` (dates already read)."""

    record_id: str
    given_name: str | None = None
    father_name: str | None = None
    family_name: str | None = None
    full_name: str | None = None
    name_native: str | None = None
    sex: str | None = None
    birth: BirthDate | None = None
    phone: str | None = None
    passport_number: str | None = None
    tazkira_number: str | None = None
    province: str | None = None
    email: str | None = None
    household: str | None = None  # the source's own family reference, unique across sources
    siv_case: str | None = None  # SIV / Chief-of-Mission case: the applicant's whole family
    source: str | None = None  # the list it came from, records in the list's order (file mode)

    def __repr__(self) -> str:  # personal data stays out of logs
        return f"LinkInput(record_id={self.record_id!r}, <redacted>)"


_SEX_WORDS = {"مرد": "M", "نارینه": "M", "نر": "M", "زن": "F", "ښځه": "F", "ښځینه": "F"}


def _sex(value: str | None) -> str | None:
    text = (value or "").strip()
    if text in _SEX_WORDS:  # Dari and Pashto
        return _SEX_WORDS[text]
    return {"M": "M", "F": "F", "W": "F", "X": "X"}.get(text.upper()[:1])


def prepare_frame(inputs: Iterable[LinkInput]) -> pd.DataFrame:
    """The table Splink reads: one row per record, every column a comparable key."""
    inputs = list(inputs)  # read twice; the database path passes a generator
    rows = []
    for unique_id, item in enumerate(inputs):
        rows.append(
            (
                unique_id,
                item.record_id,
                *_name_columns(
                    item.given_name,
                    item.father_name,
                    item.family_name,
                    item.full_name,
                    item.name_native,
                ),
                _sex(item.sex),
                *_birth_columns(item.birth),
                phone_number(item.phone),  # E.164: +93 70..., 93 70..., 070..., 70... agree
                passport_number(item.passport_number),  # N/A, 000000 empty; P1234567 = 1234567
                tazkira_number(item.tazkira_number),  # Jild 74 Safha 146 No 2401 = 74/146/2401
                province_key(item.province),  # Mazar-e-Sharif = Balkh
                email_address(item.email),
                item.household,
            )
        )
    # A number on implausibly many records (an office's phone, a filler) is no one's.
    frame = pd.DataFrame.from_records(rows, columns=PREPARED_COLUMNS).assign(
        siv_case=[siv_case_number(item.siv_case) for item in inputs]
    )
    skeletons = pd.DataFrame(
        [cross_script_keys(i.given_name, i.full_name, i.name_native) for i in inputs],
        columns=SKELETON_COLUMNS,
        dtype=object,
    )
    frame = pd.concat([frame, skeletons], axis=1).assign(
        tazkira_form=frame["tazkira"].map(tazkira_form),
        tazkira_register=frame["tazkira"].map(registration_number),
        tazkira_page=frame["tazkira"].map(register_page),
        phone_country=frame["phone"].map(phone_country),
    )
    return with_name_frequencies(blank_shared(frame, {**SHARED_LIMITS, "siv_case": SIV_CASE_LIMIT}))


@lru_cache(maxsize=100_000)  # a list's dates of birth repeat (years, 1 January, twins)
def _birth_columns(birth: BirthDate | None) -> tuple:
    """The date of birth columns of PREPARED_COLUMNS, in order."""
    if birth is None:
        return None, None, None, None, None, None, None
    return (
        birth.year_low,
        birth.year_high,
        birth.exact.isoformat() if birth.exact else None,
        birth.swapped.isoformat() if birth.swapped else None,
        birth.month_text,
        *_day_and_month(birth),
    )


def _day_and_month(birth: BirthDate | None) -> tuple[str | None, str | None]:
    """The date with its day and month the other way round (when both can be a month), and the
    day and month without the year ("07-15"): a clerk used to the other order swaps them, and a
    wrong year (an age turned into a year, 621 added where 622 applied) keeps the day."""
    day = birth.exact if birth else None
    if day is None:
        return None, None
    transposed = None
    if day.day <= 12 and day.day != day.month:
        transposed = day.replace(month=day.day, day=day.month).isoformat()
    return transposed, day.isoformat()[5:]


# An SIV case lists the applicant, spouse and children, seldom more than this: a number on more
# records is a placeholder or a clerk's default.
SIV_CASE_LIMIT = 40


# A name that one record in this many carries (Ahmad, Fatima, Hamid) is common: with a birth
# year it says little, and its blocks grow with the square of the list.
COMMON_NAME_SHARE = 1 / 500


# Common first parts that lists glue to the proper name (Gulmahmud, Nurhasan, Gulamhasan,
# Syedidris): a blocking key without them finds the name written apart.
_GLUED_PREFIXES = ("muamad", "gulam", "gul", "nur", "mir", "shah", "sid", "said")
_VOWELS = str.maketrans("", "", "aiu")


def name_sound(key: str) -> str:
    """A coarse blocking key for misspellings and vowel variants of one name key: glued first
    parts dropped, then the vowels (Suraya/Sorya, Morteza/Mortaza, Nasrullah/Nasarullah)."""
    for prefix in _GLUED_PREFIXES:
        if key.startswith(prefix) and len(key) - len(prefix) >= 4:
            key = key[len(prefix) :]
            break
    return key.translate(_VOWELS) or key


def _last_word(words: list | None) -> str | None:
    return words[-1] if words is not None and len(words) else None


def with_name_frequencies(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the keys of the name-and-year blocking rules: `name_first`, the first
    proper part of the given name (of the family name when a form has no given name: FNU
    lists write the whole name there), and whether it, `given_last` and `family_block` are
    common names in this list; the initials of the given and family name; `year_next`, the
    birth year plus one."""
    first = frame["given_block"].fillna(frame["family_block"])
    common = max(2, len(frame) * COMMON_NAME_SHARE)

    def is_common(keys: pd.Series) -> pd.Series:
        return keys.map(keys.value_counts()).fillna(0) >= common

    sound = first.map({name: name_sound(name) for name in first.dropna().unique()})
    return frame.assign(
        year_next=frame["year_low"] + 1,
        given_initial=frame["given_key"].str[:1],
        family_initial=frame["family_key"].str[:1],
        father_last=frame["father_core"].map(_last_word),
        family_last=frame["family_tokens"].map(_last_word),
        name_first=first,
        name_sound=sound,
        sound_common=is_common(sound),
        first_common=is_common(first),
        last_common=is_common(frame["given_last"]),
        family_common=is_common(frame["family_block"]),
    )


@lru_cache(maxsize=500_000)  # households and lists repeat whole name combinations
def _name_columns(
    given: str | None,
    father: str | None,
    family: str | None,
    full: str | None,
    native: str | None,
) -> tuple:
    """The name columns of PREPARED_COLUMNS, in order."""
    name = prepare_name(
        given_name=given, father_name=father, family_name=family, full_name=full,
        name_native=native,
    )  # fmt: skip
    given_core = name.given_core
    core = sorted(given_core)
    father_core = sorted(name.father - SUBORDINATE) or sorted(name.father)
    given_key, father_key, family_key = map(key_text, (name.given, name.father, name.family))
    return (
        given_key,
        core or None,
        name.first if name.first in given_core else (core[0] if core else None),
        core[-1] if core else None,
        bool(name.given) and name.given <= SUBORDINATE,
        father_key,
        father_core or None,
        father_core[0] if father_core else None,
        bool(name.father) and name.father <= SUBORDINATE,
        family_key,
        sorted(name.family) or None,
        min(name.family) if name.family else None,
        sorted(glued(name.given | name.family)) or None,
        sorted(name.given | name.father | name.family) or None,
        key_text(name.native),
        sorted(name.native) or None,
        key_text(name.native_father),
        *map(_consonants, (given_key, father_key, family_key)),
    )


# Short names differ by their vowels alone: Hasan and Husain (twins are named so), Mahmud and
# Muhammad. Their consonants say nothing.
MIN_CONSONANTS = 4


def _consonants(key: str | None) -> str | None:
    """A name key without its vowels: Dari and Pashto do not write short vowels, so each
    transliteration guesses them (Rahmatullah/Rehmatullah, Sulaiman/Solayman)."""
    consonants = key.translate(_VOWELS) if key else ""
    return consonants if len(consonants.replace(" ", "")) >= MIN_CONSONANTS else None


def forget_prepared() -> None:
    """Empty every cache of prepared values (names, numbers, dates): they hold decrypted
    personal data, and live for one run, not for the life of the process (the web server).
    Every run's entry point calls this when it ends, however it ends."""
    _name_columns.cache_clear()
    _birth_columns.cache_clear()
    names.forget_prepared()
    parse_birth_date.cache_clear()


PREPARED_COLUMNS = [
    "unique_id", "record_id", "given_key", "given_core", "given_block", "given_last", "given_weak",
    "father_key", "father_core", "father_block", "father_weak", "family_key", "family_tokens",
    "family_block", "own_words", "name_words", "native_key", "native_tokens", "native_father_key",
    "given_sound", "father_sound", "family_sound", "sex", "year_low", "year_high", "dob_exact",
    "dob_swapped", "dob_month", "dob_transposed", "dob_day_month", "phone", "passport", "tazkira",
    "province", "email", "household",
]  # fmt: skip


def _level(sql: str, label: str, m: float, u: float, *, tf: str | None = None) -> dict:
    """A comparison level with prior m and u (u is re-estimated when the data allow)."""
    level = {
        "sql_condition": sql,
        "label_for_charts": label,
        "m_probability": m,
        "u_probability": u,
    }
    if tf:
        level |= {"tf_adjustment_column": tf, "tf_adjustment_weight": 1.0}
    return level


def _null(*columns: str) -> dict:
    condition = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return {"sql_condition": condition, "label_for_charts": "missing", "is_null_level": True}


_ELSE = "ELSE"

# The model's SQL is DuckDB's. The functions Spark writes otherwise, as Spark writes them ({0},
# {1}: the arguments; `jaro_winkler` is in the jar of similarity functions Splink registers).
# `spark.py` rewrites every statement Splink sends to Spark with them.
SPARK_FUNCTIONS = {
    "list_has_any": "arrays_overlap({0}, {1})",
    "list_has_all": "size(array_except({1}, {0})) = 0",
    "jaro_winkler_similarity": "jaro_winkler({0}, {1})",
}


_TOKENS_U = (0.003, 0.02, 0.01, 0.967)


def _tokens_comparison(
    name: str,
    key: str,
    tokens: str,
    m: tuple[float, ...],
    *,
    between: tuple[dict, ...] = (),
    sound: str | None = None,
    weak: str | None = None,
    before_null: tuple[dict, ...] = (),
) -> cl.CustomComparison:
    """A name as a set of canonical words: same set, shared word, near spelling, different.

    With `weak`, agreement on nothing but common first parts (Mohammad, Ghulam, Abdul) is a
    level of its own: two men called Mohammad son of Abdul are not evidence of one man.
    """
    weak_level = _level(
        f"{key}_l = {key}_r AND {weak}_l", "same, but only a common first part", 0.05, 0.0025
    ) | {"fix_u_probability": True}  # about 5% go by a bare Mohammad: u = 0.05 squared
    return cl.CustomComparison(
        output_column_name=name,
        comparison_levels=[
            *before_null,  # levels that hold when one side is empty (a name in another field)
            _null(key),
            *([weak_level] if weak else []),
            _level(f"{key}_l = {key}_r", "same words", m[0], _TOKENS_U[0], tf=key),
            *between,  # levels between "same words" and "a word in common"
            _level(f"list_has_any({tokens}_l, {tokens}_r)", "a word in common", m[1], _TOKENS_U[1]),
            _level(
                f"jaro_winkler_similarity({key}_l, {key}_r) >= 0.9"
                + (f" OR {sound}_l = {sound}_r" if sound else ""),
                "near spelling",  # or the same but for vowels; reviewers' stored evidence
                # names the levels by label, so labels stay as they were
                m[2],
                _TOKENS_U[2],
            ),
            _level(_ELSE, "different", m[3], _TOKENS_U[3]),
        ],
    )


# Lists drop or add the common first part (Mohammad Zaman / Zaman, Gul Ahmad / Ahmad) and the
# affectionate Jan or Khan after the name: the proper part is the same.
_SAME_PROPER_PART = _level(
    "given_core_l = given_core_r", "same proper part, another first part", 0.10, 0.004
)


# A name written in one field ("Farida Shinwari", "Nasir Ahmad Karimi") holds the given name and,
# unmarked, the father's or the family name that another list gives in their own fields: the
# given name agrees when the rest of the one field is the other's father or family name.
_REST_IS_FAMILY = _level(
    "given_core_l <> given_core_r AND ("
    "(list_has_all(given_core_l, given_core_r) AND list_has_all(name_words_r, given_core_l))"
    " OR (list_has_all(given_core_r, given_core_l) AND list_has_all(name_words_l, given_core_r)))",
    "same given name, the rest of one field the other's father or family name",
    0.08,
    0.003,
)


# Given and family name written in each other's fields (a list that asks "surname" first, a
# clerk who copies the passport's order into a form's): both names agree, crosswise.
_SWAPPED_SQL = (
    "(list_has_any(given_core_l, family_tokens_r) AND list_has_any(family_tokens_l, given_core_r))"
    " OR (jaro_winkler_similarity(given_key_l, family_key_r) >= 0.9"
    " AND jaro_winkler_similarity(family_key_l, given_key_r) >= 0.9)"
)
_SWAPPED = _level(_SWAPPED_SQL, "given and family name swapped", 0.03, 1e-4)
# The given name's comparison counts the swap for both names: the family names that differ
# field by field are the same names crosswise, not evidence against.
_FAMILY_SWAPPED = _level(
    f"coalesce({_SWAPPED_SQL}, false)"
    " AND NOT coalesce(list_has_any(family_tokens_l, family_tokens_r), false)",
    "swapped with the given name (counted there)",
    0.1,
    0.1,
) | {"fix_u_probability": True}


# The given name written in another field, or glued to another part, on one side: "Sanaullah"
# as the family name of a form without a first name, "Shir Khan" against "Shirkhan". Not when
# the names are swapped both ways: that is the stronger level below.
_ELSEWHERE = _level(
    "NOT coalesce(list_has_any(given_core_l, given_core_r), false)"
    " AND (coalesce(list_has_all(own_words_l, given_core_r), false)"
    " OR coalesce(list_has_all(own_words_r, given_core_l), false))"
    f" AND NOT coalesce({_SWAPPED_SQL}, false)",
    "given name found in another field or glued",
    0.03,
    0.002,
)


# A given name written only in Dari or Pashto script on one side and only in Latin letters on
# the other (a form typed on a Dari keyboard, a manifest): the same consonant skeleton
# (`scripts.py`). Rare among all matches, so its m is small; u is estimated.
_OTHER_SCRIPT = _level(
    "(latin_skeleton_l IN (script_skeleton_r, script_given_skeleton_r))"
    " OR (latin_skeleton_r IN (script_skeleton_l, script_given_skeleton_l))",
    "same given name in another script",
    0.02,
    1.5e-4,
)


def _found_elsewhere(key: str, tokens: str, words: str, label: str) -> dict:
    """A level for a name part that one side gives in its own field (`key`, `tokens`) and the
    other, without that field, wrote among its `words`: not as its whole given name (then it is
    that person's own name, as a father's is his)."""

    def one_way(bare: str, full: str) -> str:
        return (
            f"({key}_{bare} IS NULL AND {key}_{full} IS NOT NULL"
            f" AND coalesce(list_has_all({words}_{bare}, {tokens}_{full}), false)"
            f" AND NOT coalesce(list_has_all({tokens}_{full}, given_core_{bare}), false))"
        )

    return _level(f"{one_way('l', 'r')} OR {one_way('r', 'l')}", label, 0.05, 0.005)


# Lists write the father's name as the family name (many Afghans have none: "Ahmad Karim" for
# Ahmad son of Karim) or after the given name; and the family name inside the given name, or
# after the father's in a name written in one field ("Farida d/o Jamil Wardak").
_FATHER_ELSEWHERE = _found_elsewhere(
    "father_key", "father_core", "own_words", "father's name in the other's given or family field"
)
_FAMILY_ELSEWHERE = _found_elsewhere(
    "family_key",
    "family_tokens",
    "name_words",
    "family name in the other's given or father's field",
)


def _document_comparison(column: str) -> cl.CustomComparison:
    """A personal document number: equal, one typing error apart, or a different document."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            _null(column),
            # One number, one person: u stays at its prior, however few numbers a list has.
            _level(f"{column}_l = {column}_r", "same number", 0.90, 1e-6)
            | {"fix_u_probability": True},
            _level(
                f"damerau_levenshtein({column}_l, {column}_r) <= 2",
                "a typing error apart",
                0.07,
                1e-4,
            ),
            _level(_ELSE, "different number", 0.03, 1 - 1.01e-4),
        ],
    )


def _tazkira_comparison() -> cl.CustomComparison:
    """A tazkira as `_document_comparison`, knowing its forms: the same paper tazkira is
    written with its volume and page (74/146/2401) in one list and by its registration number
    alone (2401) in another; and a person may hold an old paper tazkira and a new e-tazkira,
    two documents whose numbers differing says nothing."""
    forms_differ = "tazkira_form_l <> tazkira_form_r"
    return cl.CustomComparison(
        output_column_name="tazkira",
        comparison_levels=[
            _null("tazkira"),
            # weight 0: the two numbers say nothing of each other
            _level(
                f"{forms_differ} AND 'electronic' IN (tazkira_form_l, tazkira_form_r)",
                "a paper and an electronic tazkira",
                0.1,
                0.1,
            )
            | {"fix_u_probability": True},
            _level("tazkira_l = tazkira_r", "same number", 0.90, 1e-6)
            | {"fix_u_probability": True},
            # Brothers and sisters registered together are entries of one page, their numbers
            # a few apart: evidence of one family, not a typing error (weight 0).
            _level(
                "tazkira_page_l = tazkira_page_r",
                "same volume and page, another entry",
                0.1,
                0.1,
            )
            | {"fix_u_probability": True},
            _level(
                f"NOT {forms_differ} AND damerau_levenshtein(tazkira_l, tazkira_r) <= 2",
                "a typing error apart",
                0.07,
                1e-4,
            ),
            _level(
                f"{forms_differ} AND tazkira_register_l = tazkira_register_r",
                "same registration number, with and without volume and page",
                0.05,
                1e-4,
            ),
            _level(_ELSE, "different number", 0.03, 1 - 2.01e-4),
        ],
    )


def _siv_case_comparison() -> cl.CustomComparison:
    """An SIV (or Chief-of-Mission) case number: strong evidence, but of the family. The case
    lists the applicant with spouse and children, so, like the phone, it never passes the merge
    gate alone and does not count within a family (`PERSONAL_COMPARISONS`); a father and his
    namesake son on one case are kept apart by their birth years."""
    return cl.CustomComparison(
        output_column_name="siv_case",
        comparison_levels=[
            _null("siv_case"),
            _level("siv_case_l = siv_case_r", "same case", 0.85, 1e-5),
            _level(
                "damerau_levenshtein(siv_case_l, siv_case_r) <= 1",
                "a typing error apart",
                0.05,
                1e-5,
            ),
            # A derivative on one case may be the principal of another: weak evidence against.
            _level(_ELSE, "different case", 0.10, 1 - 1.1e-5),
        ],
    )


def _exact_comparison(
    column: str, m_equal: float, u_equal: float, *, tf: bool = False
) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            _null(column),
            _level(f"{column}_l = {column}_r", "same", m_equal, u_equal, tf=column if tf else None),
            _level(_ELSE, "different", 1 - m_equal, 1 - u_equal),
        ],
    )


def _phone_comparison() -> cl.CustomComparison:
    """Today's phone: the person's own or the family's. Two numbers of two countries are often
    one person's all the same: a US list gives the sponsor's number in Virginia, an Afghan list
    the evacuee's own mobile in Kabul; so that difference is a level of its own, weighed by
    what the lists show (m by EM, u from random pairs)."""
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            _null("phone"),
            _level("phone_l = phone_r", "same", 0.75, 1e-5, tf="phone"),
            _level("phone_country_l <> phone_country_r", "numbers of two countries", 0.1, 0.1),
            _level(_ELSE, "different", 0.15, 0.95),
        ],
    )


def _birth_comparison() -> cl.CustomComparison:
    """Exact days are strong; a year (or a Solar Hijri year, or 1 January) is weak evidence.
    A day written with its month swapped, or the right day with a wrong year, is still most of
    the evidence of a day: both are slips of one writer, not another person's date."""
    overlap = "year_low_l <= year_high_r AND year_low_r <= year_high_l"

    def within(years: int) -> str:
        return f"year_low_l - {years} <= year_high_r AND year_low_r - {years} <= year_high_l"

    return cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            _null("year_low"),
            # 05/07/1986 from a list of unknown day/month order is 5 July or 7 May: either
            _level(
                "dob_exact_l = dob_exact_r OR dob_exact_l = dob_swapped_r"
                " OR dob_swapped_l = dob_exact_r",
                "same day",
                0.55,
                1e-4,
            ),
            # 07/05/1986 in a list that writes 05/07/1986: a clerk used to the other order
            _level("dob_exact_l = dob_transposed_r", "day and month swapped", 0.01, 1e-5),
            # the day copied from a document, the year from an age or a wrong conversion
            _level(
                f"dob_day_month_l = dob_day_month_r AND {within(5)}",
                "same day and month, another year",
                0.03,
                2.5e-4,
            ),
            # 1908-04-03 for 1908-04-13, 1986-07-21 for 1986-07-12: one digit of the day or
            # month miscopied or two swapped, as a clerk copying a form by hand does (a digit
            # of the year is the level above, or another person)
            _level(
                f"damerau_levenshtein(dob_exact_l, dob_exact_r) <= 1 AND {overlap}",
                "one digit of the date miscopied",
                0.03,
                5e-4,
            ),
            _level(
                f"dob_exact_l IS NOT NULL AND dob_exact_r IS NOT NULL AND {overlap}",
                "same year, another day",
                0.05,
                0.015,
            ),
            # 00/06/1985, June 1985: a month known without its day is more than the year alone
            _level("dob_month_l = dob_month_r", "same year and month", 0.05, 0.0025),
            _level(overlap, "years agree", 0.33, 0.03),
            # an age given in August turned into a year, a Solar Hijri year converted by 621
            _level(within(1), "one year apart", 0.04, 0.04),
            _level(within(2), "within two years", 0.01, 0.04),
            _level(_ELSE, "different years", 0.02, 0.88),
        ],
    )


# For a common name and year to be compared, what both records give must agree: documents and
# email, the first or last word of the father's and of the family name (words, not lists: the
# database compares millions of pairs here). Not the day of birth: lists confuse day and month,
# and the model counts the same year on another day as (weak) evidence.
_AGREE_WHERE_BOTH_GIVEN = [
    *(
        f"(l.{c} IS NULL OR r.{c} IS NULL OR l.{c} = r.{c})"
        for c in ("passport", "tazkira", "email")
    ),
    *(
        f"(l.{first} IS NULL OR r.{first} IS NULL OR l.{first} = r.{first}"
        f" OR l.{last} = r.{last} OR l.{first} = r.{last} OR l.{last} = r.{first})"
        for first, last in (("father_block", "father_last"), ("family_block", "family_last"))
    ),
]


def _name_and_year(
    key: str,
    common: str,
    other_key: str = "",
    other_common: str = "",
    *,
    years: tuple[str, str] = ("year_low", "year_low"),
    rare_only: bool = False,
) -> list[str]:
    """Rules for records with one name key (`key` on the left, `other_key` on the right), one
    birth year and no different sex: lists that name one person with different fields (a phone
    in one, a tazkira and the father in the other) often share nothing else.

    A rare name is compared whatever else differs. A common name with a year says little:
    those pairs are compared only when nothing else contradicts them (otherwise they stay far
    below the review threshold), and comparing them all grows with the square of the list. Two
    phones that agree are another rule's pair and two that differ a contradiction, so one side
    has no phone, a condition the database applies before it joins. `years`: the left and right
    year columns that must be equal (`year_next` on one side: one year apart). `rare_only`: the
    rare-name rule alone, for a rule that a habit needs only now and then."""
    other_key, other_common = other_key or key, other_common or common
    same = (
        f"l.{key} = r.{other_key} AND l.{years[0]} = r.{years[1]}"
        " AND (l.sex IS NULL OR r.sex IS NULL OR l.sex = r.sex)"
    )
    rare = f"{same} AND NOT l.{common} AND NOT r.{other_common}"
    if rare_only:
        return [rare]
    agree = " AND ".join(_AGREE_WHERE_BOTH_GIVEN)
    return [
        rare,
        f"{same} AND l.phone IS NULL AND {agree}",
        f"{same} AND r.phone IS NULL AND {agree}",
    ]


# Each rule an equi-join the database can hash; together they find >= 99% of true pairs
# (measured by bench/linkage_*.py). Name rules carry a year or a second name so that blocks stay
# small on a million records where a few names are very common.
BLOCKING_RULES = [
    # A name key and the birth year: the first given name by sound (misspellings, vowels,
    # glued first parts), the last given name, the given name in the family field on one side.
    # First: each later rule tests every pair it finds against all earlier rules, and these
    # find the most pairs.
    *_name_and_year("name_sound", "sound_common"),
    *_name_and_year("given_last", "last_common"),
    *_name_and_year("family_block", "family_common", "name_first", "first_common"),
    *_name_and_year("name_first", "first_common", "family_block", "family_common"),
    "l.passport = r.passport",
    "l.tazkira = r.tazkira",
    "l.tazkira_register = r.tazkira_register AND l.given_block = r.given_block",
    "l.phone = r.phone",
    "l.email = r.email",  # a family's one address, like its phone
    "l.siv_case = r.siv_case",  # blocks of one family
    "l.given_block = r.given_block AND l.father_block = r.father_block AND l.year_low = r.year_low",
    "l.given_block = r.given_block AND l.father_block = r.father_block"
    " AND l.year_high = r.year_high",
    # The last key too: "Zaman Ahmadzai" in one field against "Zaman" with the family apart.
    "l.given_last = r.given_last AND l.father_block = r.father_block AND l.year_low = r.year_low",
    "l.given_key = r.given_key AND l.father_key = r.father_key AND l.family_key = r.family_key",
    "l.given_block = r.given_block AND l.family_key = r.family_key AND l.year_low = r.year_low",
    "l.given_block = r.given_block AND l.family_key = r.family_key AND l.province = r.province",
    "l.given_block = r.family_block AND l.family_block = r.given_block",
    "l.native_key = r.native_key AND l.year_low = r.year_low",
    "l.native_key = r.native_key AND l.native_father_key = r.native_father_key",
    "l.dob_exact = r.dob_exact AND l.given_block = r.given_block",
    "l.dob_exact = r.dob_exact AND l.family_key = r.family_key",
    "l.dob_exact = r.dob_exact AND l.father_block = r.father_block",
    "l.dob_exact = r.dob_exact AND l.province = r.province",
    # A clerk copies the day of birth from a document and writes the name as heard: the same
    # day with names that begin alike (also crosswise, the names swapped), whatever else differs.
    *(
        f"l.dob_exact = r.dob_exact AND l.{left} = r.{right}"
        for left, right in (
            ("given_initial", "given_initial"),
            ("family_initial", "family_initial"),
            ("given_initial", "family_initial"),
            ("family_initial", "given_initial"),
        )
    ),
    # A year one off (an age turned into a year, a Solar Hijri year converted by 621 where 622
    # applied) with the name by sound: otherwise such a pair shares nothing a rule joins on.
    # Rare names only: a wrong year is a minority habit, and with common names these rules were
    # half of all pairs a million registrations compare (18 of 37 million, for 0.8% of the true
    # pairs; at 100,000 the scenario's F1 lost 0.0004 and the third world's 0.0001 without them).
    *_name_and_year("name_sound", "sound_common", years=("year_next", "year_low"), rare_only=True),
    *_name_and_year("name_sound", "sound_common", years=("year_low", "year_next"), rare_only=True),
    # The day and month kept and the year wrong by more than one (an age guessed years ago, a
    # year mistyped by a digit), or day and month swapped on one side: the name by sound and the
    # day of the year.
    *_name_and_year(
        "name_sound", "sound_common", years=("dob_day_month", "dob_day_month"), rare_only=True
    ),
    # A given name only in Dari or Pashto script against one only in Latin letters: their
    # consonant skeletons and the birth year (`scripts.py`).
    *(
        f"l.{left} = r.{right} AND l.year_low = r.year_low"
        for script in ("script_skeleton", "script_given_skeleton")
        for left, right in (("latin_skeleton", script), (script, "latin_skeleton"))
    ),
    # A list without dates (an optional form field, a constituent list, a flight manifest):
    # the given name and a second name are all the name rules have, the second one the father's
    # or the family name, or one in the other's place (a manifest's "SADIQ/FARZANA" names her
    # by her father where another list has a father's field).
    *(
        f"l.given_block = r.given_block AND l.{left} = r.{right}"
        " AND (l.year_low IS NULL OR r.year_low IS NULL)"
        for left, right in (("father_block", "father_block"), ("family_block", "family_block"))
    ),
]


# Pairs surely the same person, to estimate how many pairs match at all (recall assumed 60%).
SURE_RULES = [
    "l.passport = r.passport",
    "l.tazkira = r.tazkira",
    "l.given_key = r.given_key AND l.father_key = r.father_key AND l.dob_exact = r.dob_exact",
]


def settings(*, blocking_rules: list[str] | None = None) -> SettingsCreator:
    """The model: comparisons with prior m values; u and lambda are estimated from the data."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-5,
        blocking_rules_to_generate_predictions=blocking_rules or BLOCKING_RULES,
        comparisons=[
            _tokens_comparison(
                "given_key",
                "given_key",
                "given_core",
                (0.63, 0.18, 0.07, 0.05),
                sound="given_sound",
                between=(_SAME_PROPER_PART, _REST_IS_FAMILY, _SWAPPED),
                weak="given_weak",
                before_null=(_OTHER_SCRIPT, _ELSEWHERE),
            ),
            _tokens_comparison(
                "father_key",
                "father_key",
                "father_core",
                (0.71, 0.12, 0.05, 0.08),
                sound="father_sound",
                weak="father_weak",
                before_null=(_FATHER_ELSEWHERE,),
            ),
            _tokens_comparison(
                "family_key",
                "family_key",
                "family_tokens",
                (0.60, 0.15, 0.05, 0.20),
                sound="family_sound",
                before_null=(_FAMILY_SWAPPED, _FAMILY_ELSEWHERE),
            ),
            _tokens_comparison(
                "native_key", "native_key", "native_tokens", (0.70, 0.20, 0.05, 0.05)
            ),
            _birth_comparison(),
            _exact_comparison("sex", 0.98, 0.5),
            _document_comparison("passport"),
            _tazkira_comparison(),
            _phone_comparison(),
            _siv_case_comparison(),
            _exact_comparison("email", 0.80, 1e-6),
            _exact_comparison("province", 0.85, 0.1),
        ],
        retain_matching_columns=True,  # the gate reads each comparison's level (gamma_)
        retain_intermediate_calculation_columns=True,  # match weights: why a pair scored
        additional_columns_to_retain=[],
    )


@dataclass
class ScoredPairs:
    """Scored candidate pairs (a DuckDB table in `connection`) and the model that scored them."""

    connection: duckdb.DuckDBPyConnection
    table: str
    linker: Linker
    candidates: int
    family_table: str | None = None  # pairs scored within linked families, once scored
    families_listed: bool = True  # the list names relatives together (`families_listed`)


def build_linker(
    frame: pd.DataFrame,
    *,
    connection: duckdb.DuckDBPyConnection,
    blocking_rules: list[str] | None = None,
) -> Linker:
    db_api = DuckDBAPI(connection=connection)
    # A table of DuckDB's own, not a view of the pandas frame: every blocking rule scans the
    # records twice, and scanning pandas' lists of names each time took a minute at a million.
    connection.register("link_frame", frame)
    connection.execute("CREATE OR REPLACE TABLE link_records AS SELECT * FROM link_frame")
    connection.unregister("link_frame")
    records = db_api.register("link_records")
    return Linker(records, settings(blocking_rules=blocking_rules), log_level=None)


def register_candidate_pairs(
    linker: Linker, connection: duckdb.DuckDBPyConnection, rules: list[str]
) -> "SplinkDataFrame":
    """The pairs `rules` put up for comparison, as Splink's `predict` scores them next: each
    pair once, under the number of the first rule that finds it (Splink's `match_key`).

    The same pairs and keys as Splink's own blocking, found faster: Splink joins the records
    once per rule and tests each pair against every rule before it, so that it is found once;
    here each rule is a join of its own and the pairs found twice are merged after (a million
    registrations, 46 rules: 117 s -> 13 s)."""
    found = " UNION ALL ".join(
        f"SELECT {number} AS match_key, l.unique_id AS join_key_l, r.unique_id AS join_key_r"
        f" FROM link_records l JOIN link_records r ON ({rule}) AND l.unique_id < r.unique_id"
        for number, rule in enumerate(rules)
    )
    connection.execute(
        f"""CREATE OR REPLACE TABLE candidate_pairs AS
            SELECT CAST(min(match_key) AS VARCHAR) AS match_key, join_key_l, join_key_r
            FROM ({found}) GROUP BY join_key_l, join_key_r"""
    )
    pairs = linker._db_api.register("candidate_pairs")
    return linker.table_management.register_blocked_pairs_for_predict(pairs)


def rules_touching_new(rules: list[str]) -> list[str]:
    """Blocking rules that only pair a new record with any other (incremental runs)."""
    return [f"({rule}) AND (l.is_new OR r.is_new)" for rule in rules]


MIN_RECORDS_TO_ESTIMATE_U = 1000


def train(linker: Linker, frame: pd.DataFrame, *, seed: int = 7) -> None:
    """Unsupervised training: u from random pairs, the share of matches from documents, and
    m by expectation maximisation where the list allows it (`estimate_m`)."""
    records = len(frame)
    if records >= MIN_RECORDS_TO_ESTIMATE_U:  # fewer pairs than this say nothing reliable
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(2e6, max(1e5, records * 4)), seed=seed
        )
    with contextlib.suppress(ValueError):  # raised when a small input has no sure pair
        linker.training.estimate_probability_two_random_records_match(SURE_RULES, recall=0.6)
    model = linker._settings_obj
    if not 0 < model._probability_two_random_records_match < 1:
        # Without any sure pair, assume one duplicate per record: a conservative prior.
        model._probability_two_random_records_match = 1 / max(2, records)
    if records >= MIN_RECORDS_TO_ESTIMATE_U:
        estimate_m(linker, frame)


# As many confirmed pairs as this weigh as much as the prior m values: reviewed pairs are the
# doubtful ones, a biased sample of matches, and EM's are an estimate, so both move the priors
# rather than replace them.
PRIOR_PAIRS = 50


# Keys on which expectation maximisation learns m: pairs that one person nearly always shares
# and a household does not, so that EM learns "same person", not "same family" (blocked on a
# phone or a family name, it learns the family). Brothers and sisters are born on different
# days (twins are a few births in a hundred). The given name with the father's or the family name
# also fits, and gave the same figures on the scenario and FEBRL, but a list whose fathers'
# or family names are common (Mohammad, Ahmadzai) fills those blocks with strangers whose
# birth years EM must then tell apart: the day of birth alone is the cleaner key, and the
# birth comparison keeps its priors.
EM_KEYS = (("dob_exact",),)
# EM on a sample of this many pairs of a key (a million records give tens of millions on the
# day of birth); fewer than MIN_EM_PAIRS say nothing.
EM_MAX_PAIRS = 300_000
MIN_EM_PAIRS = 200


def estimate_m(linker: Linker, frame: pd.DataFrame) -> None:
    """m values from EM on each of EM_KEYS, weighed against the priors as PRIOR_PAIRS
    matches: a level the list's matches never reach keeps some of its prior's weight (the
    scenario never gives one person two phones; real lists do), and a list with few matches
    stays near the priors."""
    model = linker._settings_obj
    # Splink writes each session's m values into the model: the priors are read before.
    priors = {
        (comparison.output_column_name, level.comparison_vector_value): level.m_probability
        for comparison in model.comparisons
        for level in comparison.comparison_levels
        if not level.is_null_level
    }
    learned: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for columns in EM_KEYS:
        pairs = _pairs_sharing(frame, columns)
        if pairs < MIN_EM_PAIRS:
            continue
        rule = " AND ".join(f"l.{column} = r.{column}" for column in columns)
        try:
            session = linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                fix_u_probabilities=True,
                estimate_without_term_frequencies=True,
                max_pairs=EM_MAX_PAIRS,
            )
        except ValueError:  # Splink refuses an m of exactly 0 (a level no match reached)
            continue
        trained = session.core_model_settings
        matches = min(pairs, EM_MAX_PAIRS) * trained.probability_two_random_records_match
        for comparison in trained.comparisons:
            for level in comparison._comparison_levels_excluding_null:
                if isinstance(level._m_probability, float):  # not observed: a text
                    key = (comparison.output_column_name, level.comparison_vector_value)
                    learned.setdefault(key, []).append((level.m_probability, matches))
    for comparison in model.comparisons:
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        for level in levels:
            key = (comparison.output_column_name, level.comparison_vector_value)
            seen = learned.get(key, [])
            counted = sum(matches for _, matches in seen)
            level.m_probability = (PRIOR_PAIRS * priors[key] + sum(m * n for m, n in seen)) / (
                PRIOR_PAIRS + counted
            )
        total = sum(level.m_probability for level in levels)
        for level in levels:
            level.m_probability /= total


def _pairs_sharing(frame: pd.DataFrame, columns: tuple[str, ...]) -> int:
    """How many pairs of records have equal, non-empty values in all `columns`."""
    sizes = frame.groupby(list(columns), dropna=True).size()
    return int((sizes * (sizes - 1) // 2).sum())


def learn_from_reviews(linker: Linker, confirmed: Iterable[dict]) -> int:
    """Move each comparison's m values toward the levels of pairs reviewers said are one person.

    `confirmed`: the evidence stored with each such pair ({comparison: {"level": label}}).
    Returns how many pairs were used.
    """
    confirmed = list(confirmed)
    for comparison in linker._settings_obj.comparisons:
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        name = comparison.output_column_name
        seen = Counter(e[name]["level"] for e in confirmed if isinstance(e.get(name), dict))
        counted = sum(seen[level.label_for_charts] for level in levels)
        if not counted:
            continue
        for level in levels:
            prior = level.m_probability * PRIOR_PAIRS
            level.m_probability = (prior + seen[level.label_for_charts]) / (PRIOR_PAIRS + counted)
    return len(confirmed)


Engine = Literal["duckdb", "spark"]


def score(
    frame: pd.DataFrame,
    *,
    seed: int = 7,
    blocking_rules: list[str] | None = None,
    confirmed: Iterable[dict] = (),
    engine: Engine = "duckdb",
) -> ScoredPairs:
    """Block, train and score every candidate pair of the prepared records.

    `confirmed`: evidence of pairs reviewers said are one person (see `learn_from_reviews`).
    """
    connection = duckdb.connect()
    if engine == "spark":
        from evac.linkage.spark import spark_linker  # pyspark is an optional extra

        linker = spark_linker(frame, blocking_rules=blocking_rules)
    else:
        linker = build_linker(frame, connection=connection, blocking_rules=blocking_rules)
    if len(frame) > 1:
        train(linker, frame, seed=seed)
        learn_from_reviews(linker, confirmed)
    rules = blocking_rules or BLOCKING_RULES
    candidates = register_candidate_pairs(linker, connection, rules) if engine == "duckdb" else None
    predictions = _in_duckdb(connection, linker.inference.predict(threshold_match_probability=0.01))
    if candidates is not None:
        candidates.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    families = families_listed(frame)
    scored = _household_capped(linker, predictions) if families else predictions
    connection.execute(f"CREATE OR REPLACE TABLE scored_pairs AS SELECT * FROM {scored}")
    candidates = connection.execute("SELECT count(*) FROM scored_pairs").fetchone()[0]
    return ScoredPairs(connection, "scored_pairs", linker, candidates, families_listed=families)


# What marks two records as one household's: the father's name (brothers and sisters share it,
# and Afghan lists name a person by it), today's phone, an SIV case, a page of the paper
# tazkira register, an e-mail address, the source's own household reference. Not the family
# name: strangers share it in lists whose people have one (Ahmadzai, Smith).
HOUSEHOLD_MARKERS = ("father_key", "phone", "siv_case", "tazkira_page", "email", "household")


def families_listed(frame: pd.DataFrame) -> bool:
    """Whether the list names relatives together: two records that share a household marker
    and are plainly two people (their sexes or given names differ, or their birth years lie
    more than YEARS_APART apart, as the clustering holds). One person under two given names
    counts too: a list of individuals is only assumed where nothing hints at a family.

    Afghan lists name whole families: brothers, sisters and twins share the family name, the
    phone and the province, so what a family shares is capped (`_household_capped`) and the
    merge gate keeps twins apart. A list of individuals (a staff roster, FEBRL) shows no such
    pair: there a family name and a day of birth are the person's own evidence."""
    people = frame[["sex", "given_block", "year_low", "year_high"]]
    for marker in HOUSEHOLD_MARKERS:
        if marker not in frame:
            continue
        shared = people[frame[marker].notna()].groupby(frame[marker].dropna())
        seen = shared.agg(
            records=("sex", "size"),
            sexes=("sex", "nunique"),
            given_names=("given_block", "nunique"),
            latest=("year_low", "max"),
            earliest=("year_high", "min"),
        )
        seen = seen[seen["records"] > 1]
        apart = seen["latest"] - seen["earliest"] > YEARS_APART
        if ((seen["sexes"] > 1) | (seen["given_names"] > 1) | apart).any():
            return True
    return False


def _in_duckdb(connection: duckdb.DuckDBPyConnection, predictions: "SplinkDataFrame") -> str:
    """The name of Splink's predictions in `connection`; Spark's are copied back first.

    Clustering and `explain` read the pairs from DuckDB, whichever engine scored them.
    """
    if not isinstance(predictions.db_api, DuckDBAPI):
        connection.register(predictions.physical_name, predictions.as_pyarrow_table())
    return predictions.physical_name


# What tells one member of a household from another. Phone, father's and family name and
# province belong to the whole family: between its members they say nothing about the person.
PERSONAL_COMPARISONS = ("given_key", "native_key", "birth", "sex", "passport", "tazkira")
HOUSEHOLD_COMPARISONS = ("father_key", "family_key", "phone", "siv_case", "email", "province")
# An Afghan household averages seven to eight people (ALCS 2016-17: 7.4 members).
HOUSEHOLD_MEMBERS = 7


def _household_capped(linker: Linker, predictions: str) -> str:
    """SQL: the scored pairs with what a family shares weighing at most as much as "one
    family". Siblings share today's phone, the father's and family name, the province and the
    SIV case, so these say that two records are of one household, and no more: 1 in
    HOUSEHOLD_MEMBERS - 1 the same person. Which member each record is, only personal evidence
    says (given name, birth, sex, documents): two sisters sharing a phone and born months apart
    are not one woman. `household_excess` is the weight taken off."""
    match = linker._settings_obj._probability_two_random_records_match
    cap = -math.log2(match / (1 - match)) - math.log2(HOUSEHOLD_MEMBERS - 1)
    if cap <= 0:  # a few records: a prior at a family's odds is a guess, not a population
        return f"(SELECT *, 0.0 AS household_excess FROM {predictions})"
    shared = _weight_sum(linker, HOUSEHOLD_COMPARISONS)
    return f"""(
        WITH weighed AS (
            SELECT *, greatest({shared} - {cap}, 0) AS household_excess FROM {predictions}
        )
        SELECT * REPLACE (
            match_weight - household_excess AS match_weight,
            1 / (1 + pow(2, household_excess - match_weight)) AS match_probability
        )
        FROM weighed)"""


# The candidate pairs of the family pass: records that share a key of two linked households
# (`family` is a list of such keys, exploded for the join), not of one household.
FAMILY_RULE = "l.family = r.family AND l.household <> r.household"


def score_within_families(scored: ScoredPairs, frame: pd.DataFrame, family: list) -> str:
    """Score the pairs of records whose households a member already links (`family`: per
    record, the keys of its household's links, from `cluster.family_keys`).

    Two lists that both name one family are compared member by member, with the odds of a
    family instead of those of two strangers: a member of one list's household is one of the
    other's, 1 in the larger household's size. Only personal evidence counts. The result is a
    table like the scored pairs, `match_probability` the probability within the family.
    """
    records = frame.copy(deep=False)  # the records' columns shared, not copied (a million rows)
    records["family"] = family
    sizes = records.groupby("household").size().rename("size").reset_index()
    db_api = scored.linker._db_api
    table = db_api.register(records, table_name="family_records")
    pairs = scored.linker.inference.predict_within(
        table,
        blocking_rules_to_generate_predictions=[
            CustomRule(FAMILY_RULE, arrays_to_explode=["family"])
        ],
    )
    weight = _weight_sum(scored.linker, PERSONAL_COMPARISONS)
    scored.connection.register("household_sizes", sizes)
    scored.connection.execute(
        f"""CREATE OR REPLACE TABLE family_pairs AS
            WITH weighed AS (
                SELECT p.*, log2(1.0 / (greatest(l.size, r.size, 2) - 1)) AS family_prior,
                    {weight} + family_prior AS family_weight
                FROM {_in_duckdb(scored.connection, pairs)} p
                JOIN household_sizes l ON l.household = p.household_l
                JOIN household_sizes r ON r.household = p.household_r
            )
            SELECT * REPLACE (1 / (1 + pow(2, -family_weight)) AS match_probability)
            FROM weighed"""
    )
    scored.connection.unregister("household_sizes")
    scored.family_table = "family_pairs"
    return scored.family_table


def _weight_sum(linker: Linker, names: Iterable[str]) -> str:
    """SQL: the sum of the match weights of these comparisons (term-frequency adjusted)."""
    comparisons = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    return " + ".join(
        f"coalesce(mw_{name}, 0)"
        + (f" + coalesce(mw_tf_adj_{name}, 0)" if comparisons[name]._has_tf_adjustments else "")
        for name in names
    )


def explain(scored: ScoredPairs, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """Why each pair scored as it did: per comparison, the level reached and its match weight.

    A pair scored within linked families shows the family's odds as `family`, and weight 0 for
    what the family shares (phone, father's and family name, province)."""
    if not pairs:
        return {}
    comparisons = scored.linker._settings_obj.comparisons
    labels = {
        c.output_column_name: {
            level.comparison_vector_value: level.label_for_charts for level in c.comparison_levels
        }
        for c in comparisons
    }
    scored.connection.register("wanted_pairs", pd.DataFrame(pairs, columns=["left", "right"]))
    explained = {}
    for table in filter(None, (scored.table, scored.family_table)):  # the family's word last
        rows = scored.connection.execute(
            f"""SELECT p.* FROM {table} p JOIN wanted_pairs w
                ON p.unique_id_l = w.left AND p.unique_id_r = w.right"""
        ).df()
        for row in rows.to_dict("records"):
            explained[(int(row["unique_id_l"]), int(row["unique_id_r"]))] = _evidence(row, labels)
    scored.connection.unregister("wanted_pairs")
    return explained


def _evidence(row: dict, labels: dict[str, dict[int, str]]) -> dict[str, dict]:
    within_family = "family_prior" in row
    evidence = {}
    for name, levels in labels.items():
        weight = (row.get(f"mw_{name}") or 0.0) + (row.get(f"mw_tf_adj_{name}") or 0.0)
        if within_family and name not in PERSONAL_COMPARISONS:
            weight = 0.0
        level = int(row[f"gamma_{name}"])
        evidence[name] = {"level": levels.get(level, str(level)), "weight": round(weight, 2)}
    if within_family:
        evidence["family"] = {
            "level": "households linked by another member",
            "weight": round(row["family_prior"], 2),
        }
    return evidence
