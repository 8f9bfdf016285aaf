"""One given name in two scripts: a record that writes its names only in Dari or Pashto script
against one that writes them only in Latin letters.

Forms typed on a Dari keyboard put the script in every name field, and many lists have no
Latin name for such a person, while a manifest or a US list has only the Latin one. Neither
spelling can be turned into the other (Dari does not write short vowels; each romanisation
guesses them), but both keep the consonants: a name's consonant skeleton, with sounds that
romanisations write alike taken as one (ح and ه are both h; ث, س, ص are s; ذ, ز, ض, ظ are z),
the long vowels ا, و, ی and every Latin vowel left out, a final ه (the -a of Fatima, فاطمه)
and a final h (Fatimah) too, doubled letters once. محمد and Mohammad are both MHMD; عبید الله
and Obaidullah both BDL; فاطمه and Fatema both FTM.
"""

import re
import unicodedata
from functools import lru_cache

from evac.linkage.names import (
    latin_words,
    native_words,
    split_at_father_marker,
    strip_titles,
    surname_first,
)

# Latin: digraphs first, then letters; vowels, w and y (Dari writes them with و and ی) left out.
_LATIN_DIGRAPHS = (("kh", "x"), ("gh", "g"), ("sh", "s"), ("ch", "c"), ("zh", "j"), ("th", "s"),
                   ("dh", "z"), ("ph", "f"))  # fmt: skip
_LATIN_LETTERS = str.maketrans("q", "k", "aeiouwyv")
# Dari and Pashto letters by the Latin letter their romanisations write.
_NATIVE_LETTERS = {
    **dict.fromkeys("ب", "b"), **dict.fromkeys("پ", "p"), **dict.fromkeys("تطةټ", "t"),
    **dict.fromkeys("ثسصښڅ", "s"), **dict.fromkeys("ش", "s"), **dict.fromkeys("جژږ", "j"),
    **dict.fromkeys("چ", "c"), **dict.fromkeys("حه", "h"), **dict.fromkeys("خ", "x"),
    **dict.fromkeys("دډ", "d"), **dict.fromkeys("ذزضظځ", "z"), **dict.fromkeys("رړ", "r"),
    **dict.fromkeys("غگګ", "g"), **dict.fromkeys("ف", "f"), **dict.fromkeys("قک", "k"),
    **dict.fromkeys("ل", "l"), **dict.fromkeys("م", "m"), **dict.fromkeys("نڼ", "n"),
}  # fmt: skip
# A skeleton of fewer letters (Ali: L; Sima: SM) says too little to compare names across scripts.
MIN_SKELETON = 3


def latin_skeleton(words: list[str]) -> str:
    """The consonant skeleton of Latin words, written together (see the module)."""
    return _once("".join(_latin_word(word) for word in words))


def _latin_word(word: str) -> str:
    letters = re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", word.lower())).removesuffix("h")
    for digraph, letter in _LATIN_DIGRAPHS:
        letters = letters.replace(digraph, letter)
    return letters.translate(_LATIN_LETTERS)


def native_skeleton(words: list[str]) -> str:
    """The consonant skeleton of Dari or Pashto words, written together (see the module)."""
    return _once(
        "".join(
            _NATIVE_LETTERS.get(letter, "") for word in words for letter in word.removesuffix("ه")
        )
    )


def _once(letters: str) -> str:
    return re.sub(r"(.)\1+", r"\1", letters)


@lru_cache(maxsize=200_000)
def latin_given_skeleton(given: str | None) -> str | None:
    """The skeleton of a Latin given-name field's own words (titles and a father's name after
    a marker left out), written together: Abdul Rahman and عبدالرحمن are one word's."""
    words = strip_titles(split_at_father_marker(latin_words(given))[0])
    return _specific(latin_skeleton(words))


@lru_cache(maxsize=200_000)
def script_given_skeletons(text: str | None) -> tuple[str | None, str | None]:
    """Skeletons of a name in Dari or Pashto script: all its own words together, and all but
    the last (the given name before a family name: عبیدالله سلطانی)."""
    words = strip_titles(split_at_father_marker(native_words(text))[0])
    whole = _specific(native_skeleton(words))
    given = _specific(native_skeleton(words[:-1])) if len(words) > 1 else None
    return whole, given


def _specific(skeleton: str) -> str | None:
    return skeleton if len(skeleton) >= MIN_SKELETON else None


_LATIN = re.compile("[A-Za-z]")
# The columns `cross_script_keys` gives, in its order.
SKELETON_COLUMNS = ("latin_skeleton", "script_skeleton", "script_given_skeleton")


def cross_script_keys(given: str | None, full: str | None, native: str | None) -> tuple:
    """(Latin skeleton, script skeleton, script skeleton without the last word) of a record:
    the first for a record with a Latin given name (or a Latin name in one field), the other
    two for a record with no Latin name at all, from its given field in script or its native
    name."""
    if given and _LATIN.search(given):
        return latin_given_skeleton(given), None, None
    if full and _LATIN.search(full):  # its given part: "SULTANI/OBAIDULLAH MR", "Zaman s/o Karim"
        return latin_given_skeleton(surname_first(full)[1]), None, None
    script = given or native
    return (None, *script_given_skeletons(script)) if script else (None, None, None)
