"""What a search compares: the name keys of a registration or a query, in both scripts.

Exact keys are linkage's (`evac.linkage.names`): "Mohd", "Mohammad" and "Muhammad" share one
Latin key. A name in Dari or Pashto script shares no Latin key, so every word also gets a sound
key: its consonants as both scripts write them. Arabic script leaves short vowels out, and
romanisations disagree mostly on vowels (Mohammad, Muhammad and محمد are all m-h-m-d), so an
officer who types "Mohd Ishaq" finds "محمد اسحاق" too.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from evac.linkage.names import (
    FATHER_MARKERS,
    SPOUSE_MARKERS,
    SUBORDINATE,
    VARIANT_GROUPS,
    ascii_letters,
    canonical_token,
    latin_keys,
    latin_words,
    native_words,
    split_at_father_marker,
    strip_titles,
)
from evac.people.records import RegistrationRecord

# A sound key is one written word that agrees, in either script: results rank first by how
# many words agree, then by how many agree exactly as linkage keys them (Latin to Latin).
EXACT_WEIGHT, SOUND_WEIGHT = 1, 10
# A reference the self-registration form gives (evac.intake.service.new_reference).
REFERENCE = re.compile(r"^EV-([A-Z0-9]{4})-([A-Z0-9]{4})$")

# Dari and Pashto letters as Latin spellings write them; vowels stay vowels (dropped below),
# ع and ء are not written at all (Ali, Ishaq).
_NATIVE_LETTERS = str.maketrans({
    "ا": "a", "ب": "b", "پ": "p", "ت": "t", "ټ": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s",
    "څ": "s", "ج": "j", "چ": "ch", "ژ": "zh", "ږ": "zh", "ح": "h", "خ": "kh", "د": "d",
    "ډ": "d", "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ځ": "z", "ر": "r", "ړ": "r", "ش": "sh",
    "ښ": "sh", "غ": "g", "گ": "g", "ف": "f", "ق": "k", "ک": "k", "ل": "l", "م": "m", "ن": "n",
    "ڼ": "n", "و": "w", "ه": "h", "ی": "y", "ع": "", "ء": "",
})  # fmt: skip
# One sound written two ways in Latin (Ghafur/Gafur, Qasim/Kasim, Vali/Wali, Othman/Osman).
_LATIN_FOLDS = tuple(
    (re.compile(written), sound)
    for written, sound in (("gh", "g"), ("q", "k"), ("v", "w"), ("ph", "f"), ("th", "s"),
                           ("dh", "z"), ("ck", "k"), ("c(?!h)", "k"), ("x", "ks"))
)  # fmt: skip
_VOWELS = re.compile("[aeiou]")
# w and y inside a word are vowels as often as not (Mahmud, محمود; Rahim, رحیم).
_INNER_GLIDES = re.compile("(?<=.)[wy]")
_REPEATS = re.compile(r"(.)\1+")
_GROUP_HEAD = {
    canonical_token(spelling): group[0] for group in VARIANT_GROUPS for spelling in group
}
# al-, ud-, ur- of Abd al-Rahman, Shams ud Din: joined to the next name in Latin keys
_ARTICLES = frozenset({"al", "el", "ul", "ol", "ud", "ad", "ur", "ar", "us", "as", "un", "ed"})
_NOT_NAMES = FATHER_MARKERS | SPOUSE_MARKERS | _ARTICLES


def consonants(letters: str) -> str:
    """The sound key of a word spelt in Latin letters (a native word is spelt first)."""
    skeleton = _REPEATS.sub(r"\1", _INNER_GLIDES.sub("", _VOWELS.sub("", letters)))
    # final h: Abdullah/Abdulla, Fatimah/فاطمه; kept where it is the only letter but one
    return skeleton[:-1] if skeleton.endswith("h") and len(skeleton) > 2 else skeleton


@lru_cache(maxsize=200_000)  # emptied with linkage's caches: forget_sounds
def latin_sound(word: str) -> str:
    """The sound key of a Latin word; a known variant (Mohd, Md) as its group's first spelling."""
    letters = _GROUP_HEAD.get(canonical_token(word)) or ascii_letters(word)
    for written, sound in _LATIN_FOLDS:
        letters = written.sub(sound, letters)
    return consonants(letters)


def native_sound(word: str) -> str:
    """The sound key of a Dari or Pashto word."""
    return consonants(word.translate(_NATIVE_LETTERS))


def _native_sound_words(text: str) -> list[str]:
    """Words as Latin spellings most often split them: عبدالرحمن as عبدال and رحمن (Abdul
    Rahman), ذبیح الله as one word (Zabihullah)."""
    words: list[str] = []
    for word in native_words(text):
        if word in _ALLAH and words:
            words[-1] += word
        elif word.startswith("عبدال") and len(word) > 6:
            words += ["عبدال", word[5:]]
        else:
            words.append(word)
    return words


_ALLAH = frozenset({"الله", "اله"})


def forget_sounds() -> None:
    """Empty the cache of words' sound keys: it holds decrypted name words."""
    latin_sound.cache_clear()


_SUBORDINATE_SOUNDS = frozenset(latin_sound(key) for key in SUBORDINATE) | {"mhmd", "bdl"}


@dataclass(frozen=True)
class NameKey:
    """One key of a name, as the index holds it (before the digest)."""

    key: str
    weight: int
    subordinate: bool  # Muhammad, Ghulam, Khan: shared by too many to find anyone alone


def name_keys(*texts: str | None) -> set[NameKey]:
    """The exact and sound keys of name fields, in whichever script each is written."""
    keys: set[NameKey] = set()
    for text in filter(None, texts):
        words = latin_words(text)
        own, father = split_at_father_marker(words)  # a husband's name after w/o is left out
        for key in latin_keys(own) + latin_keys(father):
            keys.add(NameKey(f"latin:{key}", EXACT_WEIGHT, key in SUBORDINATE))
        for word in strip_titles(own + father):
            if word not in _NOT_NAMES and (sound := latin_sound(word)):
                keys.add(NameKey(f"sound:{sound}", SOUND_WEIGHT, sound in _SUBORDINATE_SOUNDS))
        native_own, native_father = split_at_father_marker(strip_titles(native_words(text)))
        for word in native_own + native_father:
            subordinate = native_sound(word) in _SUBORDINATE_SOUNDS
            keys.add(NameKey(f"native:{word}", EXACT_WEIGHT, subordinate))
        for word in _native_sound_words(text):
            if sound := native_sound(word):
                subordinate = sound in _SUBORDINATE_SOUNDS
                keys.add(NameKey(f"sound:{sound}", SOUND_WEIGHT, subordinate))
    return keys


NAME_FIELDS = ("given_name", "father_name", "family_name", "full_name", "name_native")


def record_names(record: RegistrationRecord) -> list[str]:
    """The name fields a registration fills: its keys are theirs, one field at a time."""
    return [text for field in NAME_FIELDS if (text := getattr(record, field))]


def record_keys(record: RegistrationRecord) -> set[str]:
    """Every name key of a registration: what its index rows hold, as digests."""
    return {name_key.key for name_key in name_keys(*record_names(record))}


def reference_key(file: str | None) -> str | None:
    """A self-registration's reference as a key: the form names its registrations' `file` by
    it (EV-XXXX-XXXX), so the evacuee who reads it out over a phone is found by it."""
    if file and REFERENCE.match(file):
        return f"reference:{file}"
    return None
