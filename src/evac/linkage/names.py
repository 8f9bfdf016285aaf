"""Name preparation for Dari and Pashto names written in Latin or native script.

The same name reaches us in several published romanisations (ODNI Dari writes e/o vowels and
Abdorrahman, ODNI Pashto i/u and Abdul Rahman, Arabic-style writers Abd al-Rahman, passports
ICAO 9303) and in many unsystematic ones. String similarity cannot tell a variant from a
different name (Jaro-Winkler puts Muhammad nearer Mahmud than Mohammed), so names are reduced to
canonical keys: variants of one name share a key, different names keep different keys.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from evac.intake.documents import canonical_tazkira
from evac.intake.placeholders import is_placeholder, is_placeholder_number, says_no_number
from evac.intake.validate import PHONE_SEPARATORS, canonical_phone

if TYPE_CHECKING:
    import pandas as pd

# Spellings of one name that the generic folding below does not already join.
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "muhammad",
        "mohammad",
        "mohammed",
        "muhammed",
        "mohamed",
        "mohamad",
        "muhamad",
        "mohammod",
        "mohamud",
        "mahammad",
        "mohmmad",
        "muhammet",
        "mohd",
        "muhd",
        "md",
        "mhd",
        "mohmd",
        "mohd.",
        "mohamd",
        "mohammd",
        "m",  # the initial, as in M. Dawood
    ),
    ("ahmad", "ahmed", "ahmet", "ahmat", "ahmid"),
    ("yusuf", "yousuf", "yousef", "yusef", "yosuf", "yousof", "yosef", "yusof", "yussuf"),
    ("ibrahim", "ebrahim", "ibraheem", "ebraheem"),
    ("ismail", "esmail", "ismael", "esmaeel", "ismaeel", "esmaeil", "ismayil"),
    ("husain", "hussain", "hosein", "hossein", "hussein", "husayn", "hossain", "hosain"),
    ("fatima", "fatemeh", "fatemah", "fatimah", "fatema", "fatime"),
    ("ghulam", "gholam", "golam", "gulam", "ghulaam"),
    ("abdul", "abdol", "abdel", "abdal", "abd", "abdu", "abdo", "abdur", "abdor"),
    ("zainab", "zaynab", "zeinab", "zenab"),
    ("masuma", "masoomeh", "masoumeh", "masuma", "masooma", "masumeh"),
    ("khadija", "khadijeh", "khadijah", "khadeja"),
    ("ruqia", "roqia", "roqaya", "ruqaya", "ruqayya", "roghieh"),
    ("rahim", "raheem", "rahem"),
    ("jawad", "javad"),
    ("jan", "jon"),  # جان: Afghan Jan, Tajik-style Jon
    ("raza", "reza", "riza"),  # رضا: Pashto/consensus Raza, Dari/Iranian Reza
    ("firuz", "feroz", "firoz", "feroze", "ferozi"),
    ("wali", "vali", "walli"),
    ("uthman", "osman", "usman", "othman"),
)


# Honorifics and professional titles: not part of the name (MITRE 2009; the field notes).
def _word_set(*texts: str) -> frozenset[str]:
    return frozenset(word for text in texts for word in text.split())


TITLES = _word_set(
    "haji hajji hadji alhaj alhajj mullah mulla molla mullo mawlawi mawlavi maulvi molvi moulavi "
    "mowlawi mawlana maulana molana mowlana qari qaari hafiz hafez hafeez akhund akhond akhoond "
    "amir ameer sayed sayyid syed seyed sayyed sayyad sayid sayd engineer eng engr dr doctor "
    "daktar prof sahib saheb sahab",
    "حاجی حاجي ملا مولوی مولانا قاری حافظ آخند اخند امیر سید انجنیر داکتر دکتر",
)
# English forms of address, as airline manifests and US lists add them after the name ("MR",
# "MSTR" for a boy, "CHD", "INF"): never a name, so dropped even when nothing else is left
# ("FNU/ MRS": a woman whose names the list did not have).
FORMS_OF_ADDRESS = _word_set("mr mrs ms miss mstr master chd inf")
# Words that introduce the father's name in a name written in one field: "Ahmad s/o Karim",
# "Fatima d/o Karim", "Ahmad walad-e Karim", "Ahmad bin Karim", "Fatima bint Karim", "son of",
# "daughter of"; Dari ولد (son of), بنت/دختر (daughter), فرزند (child), پسر (son), Pashto زوی
# (son), لور (daughter). Lists, forms and passports' older handwritten pages all write them.
FATHER_MARKERS = _word_set(
    "s/o d/o son daughter walad wald wuld waled valad vald bin binti ibn bint zoy zoi zui zwe",
    "ولد بن بنت زوی زوې لور فرزند دختر پسر",
)
# Words that introduce a husband's name ("Fatima w/o Ahmad", "wife of", Dari همسر/زوجه, Pashto
# میرمن): not the woman's own name nor her father's, so it is left out.
SPOUSE_MARKERS = _word_set("w/o wife widow", "همسر زوجه میرمن")
# "son of", "walad-e": the second word belongs to the marker.
_MARKER_TAIL = frozenset({"of", "e", "i"})
# Pashto puts the father between د (of) and the kinship word: "لطیفه د گل ضیا لور" is Latifa,
# Gul Zia's daughter; "احمد د کریم زوی", Ahmad, Karim's son.
_PASHTO_OF = "د"
_PASHTO_KIN = _word_set("زوی زوې لور")
# Common first parts of two-part male names: little evidence on their own (MITRE 2009).
_SUBORDINATE_NAMES = ("muhammad", "ghulam", "abdul", "khan", "jan", "gul", "mir", "shah", "din")
_ARTICLES = frozenset({"al", "el", "ul", "ol", "ud", "ad", "ur", "ar", "us", "as", "un", "ed"})
_JOINING_SUFFIXES = frozenset({"ula", "udin"})
# Abd- written apart from the rest of the name, folded: Abdul, Abdur (Abdur Rahman), Abd al-.
_ABD_PARTS = frozenset({"abd", "abdul", "abdu", "abdal", "abdil", "abdur"})
# Allah written apart (Nasr Allah, Najib Allah): the -ullah ending of one name.
_ALLAH_APART = frozenset({"allah", "alla", "ullah", "ulla", "ollah", "olla", "ulah"})

# Arabic and Persian code points for one letter, and marks that do not change a name.
_NATIVE_UNIFY = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ڪ": "ک",
        "ھ": "ه",
        "ې": "ی",
        "ۍ": "ی",
        "ے": "ی",
    }
)
_NATIVE_DROP = re.compile("[\u064b-\u065f\u0670\u0640\u200c\u200d\u06d6-\u06ed]")
_NATIVE_TOKEN = re.compile("[\u0600-\u06ff]+")
# The second parts of compound names (-ullah, -uddin, -ulhaq, -urrahman), written apart or
# joined by a zero-width non-joiner that typing drops: one name either way. A list, not every
# word in ال: الهام (Elham) and الیاس (Ilyas) are names of their own.
_NATIVE_SECOND_PARTS = _word_set(
    "الله اله الدین الرحمن الرحیم الحق الکریم الغفور الستار الجبار الواحد الباری القادر الوهاب",
    "الهادی الحمید المجید العزیز الرزاق اللطیف الحکیم الخالق السلام الامین الملک الاحد الصمد",
    "المنان النبی الرسول القدیر العلی الحی الباقی الرووف الرشید الشکور الصبور",
)
_NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

_GENERIC_RULES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"gh", "g"),  # one letter (غ), written gh or g: Ghafur/Gafur, Zarghuna/Zarguna
        (r"dh", "z"),  # Arabic-style dh for the z sound: Nadhir/Nazir
        (r"th", "s"),  # Arabic-style th, Persian s: Othman/Osman
        (r"ph", "f"),
        (r"q", "k"),  # Haq/Hak, Qasim/Kasim
        (r"ck", "k"),
        (r"v", "w"),  # Vali/Wali, Javad/Jawad
        (r"(ei|ey|ay)", "ai"),  # Hosein/Husayn/Husain
        (r"(?<=[a-z])y", "i"),  # Maryam/Mariam, Ziya/Zia, Zakiya/Zakia
        (r"(ow|aw|au)", "au"),  # Khosrow/Khusraw/Khusrau
        (r"ee", "i"),
        (r"[ei]h$", "a"),  # final ه as Iranian -eh or Afghan -a: Tahmineh/Tahmina, Saleh/Salih
        (r"(oo|ou)", "u"),
        (r"e", "i"),  # Dari e against Pashto i
        (r"o", "u"),  # Dari o against Pashto u
        (r"y$", "i"),
        (r"ai$", "i"),  # Pashto final ی as -ai, -ay, -y: Malalai/Malalay/Malaly, Ahmadzai/Ahmadzy
        (r"([a-z])\1+", r"\1"),  # tashdid written doubled or not
        (r"([aiu])h([aiu])", r"\1\2"),  # Zabihullah/Zabiullah
        (r"([aiu])h$", r"\1"),  # Abdullah/Abdulla, Fatimah/Fatima
        (r"([a-z])\1+", r"\1"),
    )
)
_ABD = re.compile(r"^abd[aiu]?l?(?P<rest>[a-z]{2,})$")
_ULLAH = re.compile(r"^(?P<root>[a-z]{3,}?)[aiu]?la$")
_UDDIN = re.compile(r"^(?P<root>[a-z]{3,}?)(?:[aiu][ld]?)?din$")


@lru_cache(maxsize=200_000)
def fold_spelling(token: str) -> str:
    for pattern, replacement in _GENERIC_RULES:
        token = pattern.sub(replacement, token)
    return token


_NOT_ASCII_LETTER = re.compile("[^a-z]")


def ascii_letters(text: str) -> str:
    """The letters a-z of the text, accents dropped (é as e), lower case."""
    if text.isascii():  # most names; NFKD leaves ASCII as it is
        return _NOT_ASCII_LETTER.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


_VARIANTS: dict[str, str] = {
    fold_spelling(ascii_letters(spelling)): fold_spelling(group[0])
    for group in VARIANT_GROUPS
    for spelling in group
}


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    """The key of one Latin name word: equal for variants of one name."""
    letters = ascii_letters(token)
    folded = fold_spelling(letters)
    if folded in _VARIANTS:
        return _VARIANTS[folded]
    if glued_muhammad := _glued_muhammad(letters):
        return glued_muhammad
    abd = _ABD.match(folded)
    if abd and folded not in _VARIANTS:
        return "abd" + _canonical_suffix(abd["rest"])
    return _canonical_suffix(folded)


_MUHAMMAD = fold_spelling("muhammad")
# As written and as folded (glued keys are made of folded parts); longest first, so that
# "muhammad" is not read as "muhd" + "ammad", and spellings of one length in alphabetical
# order: a word that begins with one and ends with another (Mohammodxmohammad) is read the
# same way in every process, whatever order its hash seed gives the set.
_MUHAMMAD_SPELLINGS = sorted(
    {ascii_letters(spelling) for spelling in VARIANT_GROUPS[0]}
    | {spelling for spelling, key in _VARIANTS.items() if key == _MUHAMMAD},
    key=lambda spelling: (-len(spelling), spelling),
)


def _glued_muhammad(letters: str) -> str | None:
    """Mohammadnabi, Mdnabi, Mohdhameed, Dostmohammad: Muhammad glued to the proper part,
    keyed as Muhammad + the part's key (split before folding: "dh" of Mohd-hameed is no z)."""
    # Every spelling begins with m (test_names pins it), and one that ends a word leaves three
    # letters before it: most words are ruled out here, before the loop over spellings.
    if not (letters.startswith("m") or "m" in letters[3:]):
        return None
    for spelling in _MUHAMMAD_SPELLINGS:
        if len(spelling) < 2:  # the initial M glued to a name is the name's own M (Maryam)
            continue
        rest_after, rest_before = letters[len(spelling) :], letters[: -len(spelling)]
        if letters.startswith(spelling) and len(rest_after) >= 3:
            return _MUHAMMAD + canonical_token(rest_after)
        if len(spelling) >= 4 and letters.endswith(spelling) and len(rest_before) >= 3:
            return canonical_token(rest_before) + _MUHAMMAD  # Md, Mhd: too short to end a name
    return None


def _canonical_suffix(folded: str) -> str:
    """-ullah/-ulla/-allah/-ollah and -uddin/-oddin/-eddin/al-Din endings written one way."""
    if len(folded) >= 6:
        if match := _UDDIN.match(folded):
            return match["root"] + "udin"
        if match := _ULLAH.match(folded):
            return match["root"] + "ula"
    return folded


SUBORDINATE = frozenset(canonical_token(name) for name in _SUBORDINATE_NAMES)


def latin_words(text: str | None) -> list[str]:
    """Lower-case words of a Latin name, markers like s/o kept whole."""
    if not text:
        return []
    lowered = text.lower().replace("-", " ").replace("'", "").replace("\u2019", "")
    words = re.findall(r"[a-z]/[a-z]|[^\W\d_]+", unicodedata.normalize("NFKC", lowered))
    # FNU ("first name unknown"), N/A: what forms write where a name part is missing is no
    # name shared by everyone who has it.
    return [word for word in words if not is_placeholder(word)]


def _join_compounds(words: list[str]) -> list[str]:
    """Abd al-Rahman, Abdul Rahman, Shams ud Din, Zabih Ullah: one name written in parts."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        is_abd = fold_spelling(ascii_letters(word)) in _ABD_PARTS
        if is_abd and i + 1 < len(words):
            j = i + 1
            if words[j] in _ARTICLES and j + 1 < len(words):
                j += 1
            # Abdur Sattar: the r is the article assimilated to the next name (ar-Rahman)
            out.append(("abd" if word.endswith(("ur", "or")) else word) + words[j])
            i = j + 1
            continue
        if out and word in _ARTICLES and i + 1 < len(words):
            out[-1] = out[-1] + "u" + words[i + 1]
            i += 2
            continue
        if out and (
            canonical_token(word) in _JOINING_SUFFIXES | {"din", "ulah"} or word in _ALLAH_APART
        ):
            out[-1] = out[-1] + ("u" + word if canonical_token(word) == "din" else word)
            i += 1
            continue
        out.append(word)
        i += 1
    return out


def split_at_father_marker(words: list[str]) -> tuple[list[str], list[str]]:
    """Words before s/o, walad, bin, zoy... and the father's name after it (a field that starts
    with the marker is all father's name: lists put "walad Karim" in the family column). A
    husband's name after w/o or "wife of" is dropped."""
    if len(words) >= 4 and words[-1] in _PASHTO_KIN and _PASHTO_OF in words[1:-2]:
        of = words.index(_PASHTO_OF, 1)
        return words[:of], words[of + 1 : -1]
    for i, word in enumerate(words):
        if word in SPOUSE_MARKERS and i > 0:
            own, father = split_at_father_marker(words[:i])
            return own, father
        if word in FATHER_MARKERS and i < len(words) - 1:
            rest = words[i + 1 :]
            if rest[0] in _MARKER_TAIL:
                rest = rest[1:]
            own, _ = split_at_father_marker(rest)  # grandfather's name: "A s/o B s/o C"
            return words[:i], own
    return words, []


def strip_titles(words: list[str]) -> list[str]:
    """Drop honorifics unless that would leave no name at all (Amir may be the name)."""
    words = [w for w in words if w.rstrip(".") not in FORMS_OF_ADDRESS]
    kept = [w for w in words if w.rstrip(".") not in TITLES]
    return kept or words


def latin_keys(words: list[str]) -> list[str]:
    """Canonical keys of Latin name words, compounds joined, titles dropped."""
    joined = _join_compounds(strip_titles(words))
    keys = [part for word in joined for part in _muhammad_parts(word) or [canonical_token(word)]]
    return [key for key in keys if key]


def _muhammad_parts(word: str) -> list[str] | None:
    """Mohammadnabi as Muhammad and Nabi, Dostmohammad as Dost and Muhammad: the same words
    as written apart (canonical_token keeps the glued form, for `glued`)."""
    key = canonical_token(word)
    if key == _MUHAMMAD or _MUHAMMAD not in key or _glued_muhammad(ascii_letters(word)) is None:
        return None
    if key.startswith(_MUHAMMAD):
        return [_MUHAMMAD, key[len(_MUHAMMAD) :]]
    return [key[: -len(_MUHAMMAD)], _MUHAMMAD]


def native_words(text: str | None) -> list[str]:
    """Words of a Dari/Pashto name with Arabic/Persian code points unified, marks removed."""
    if not text:
        return []
    text = _NATIVE_DROP.sub("", unicodedata.normalize("NFC", text).translate(_NATIVE_UNIFY))
    words = _NATIVE_TOKEN.findall(text)
    joined: list[str] = []
    for word in words:  # عبد الرحمن and عبدالرحمن, عبید الله and عبیدالله are one name
        if joined and (joined[-1] == "عبد" or word in _NATIVE_SECOND_PARTS):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


@dataclass(frozen=True)
class PreparedName:
    """Canonical keys of one record's names: sets of words, so order does not matter."""

    given: frozenset[str]
    father: frozenset[str]
    family: frozenset[str]
    native: frozenset[str]
    native_father: frozenset[str]
    # The given name's first proper word as written: lists append the father's or family name
    # after the given name in its column ("Nabi Karim Wardak"), never before it.
    first: str | None = None

    def __repr__(self) -> str:  # names are personal data
        return "PreparedName(<redacted>)"

    @property
    def given_core(self) -> frozenset[str]:
        """The proper part of the given name (Zaman of Mohammad Zaman), or all of it."""
        return (self.given - SUBORDINATE) or self.given


def prepare_name(
    *,
    given_name: str | None = None,
    father_name: str | None = None,
    family_name: str | None = None,
    full_name: str | None = None,
    name_native: str | None = None,
) -> PreparedName:
    """Split, clean and key a record's names, however the source laid them out."""
    given, father_after_marker, first = _latin_field(given_name)
    family_text = family_name
    if not given and full_name:
        surname, given_text = surname_first(full_name)
        given, father_after_marker, first = _latin_field(given_text)
        family_text = family_name or surname
    family, father_in_family, family_first = _latin_field(family_text)
    if not given and family:
        # A person of one name is written in the surname field, the given name left empty or
        # "FNU" (first name unknown), as US forms, passports and airline manifests do: most
        # Afghans have no family name, so that name is the given name (and the rest of the
        # field, if any, the father's or family name, as in a name written in one field).
        given, first, family = family, family_first, frozenset()
    elif family and family <= SUBORDINATE:
        # "MOHAMMAD/DIN", "GHULAM/HAZRAT": a document or form that demands a surname splits a
        # two-part given name over its two fields. Mohammad, Ghulam or Gul is no family name.
        given, family = given | family, frozenset()
    native, native_father = _native_field(name_native)
    # Lists also put Dari/Pashto script in the Latin columns: those words count as native.
    own_script = _native_field(given_name)[0] | _native_field(family_name)[0]
    if not own_script and full_name:
        own_script = _native_field(full_name)[0]
    return PreparedName(
        given=given,
        father=_latin_field(father_name)[0] or father_after_marker or father_in_family,
        family=family,
        native=native or own_script,
        native_father=native_father or _native_field(father_name)[0],
        first=first if given else None,
    )


def surname_first(full_name: str) -> tuple[str | None, str]:
    """(family name, the rest) of a name written family name first in one field; (None, the
    name) otherwise. Two forms: "FAMILY, Given", the order of passports and US government lists
    ("SHARIFI, Tahmina"), and "FAMILY/GIVEN MR", the order of airline manifests and booking
    records ("HAKIMI/ZABIHULLAH MSTR", "FNU/NOOR QASIM MR"). A comma after a father's marker
    ("Tahmina d/o Karim, Kabul") is not the first form, nor s/o or d/o the second."""
    family, rest = _split_family_first(full_name)
    if family is None:
        return None, full_name
    family_words, rest_words = latin_words(family), latin_words(rest)
    if split_at_father_marker(family_words)[1] or len(family_words) > 3:
        return None, full_name
    if not split_at_father_marker(rest_words)[0]:  # "Zia, s/o Karim": no given name after it
        return None, full_name
    return family, rest


# A manifest's slash: a family part of two letters or more ("FNU/" too), then the given names;
# not the slash of s/o, d/o, w/o, whose family side would end in one letter.
_MANIFEST_NAME = re.compile(
    r"^\s*(?P<family>(?:[^\W\d_]+[\s.'-]+)*[^\W\d_]{2,})\s*/(?P<rest>[^/]*)$"
)


def _split_family_first(full_name: str) -> tuple[str | None, str]:
    manifest = _MANIFEST_NAME.match(full_name)
    if manifest:
        return manifest["family"], manifest["rest"]
    family, comma, rest = full_name.partition(",")
    if not comma or "," in rest or not rest.strip() or not family.strip():
        return None, full_name
    return family, rest


# Lists repeat the same names endlessly: each distinct field text is prepared once.
@lru_cache(maxsize=500_000)
def _latin_field(text: str | None) -> tuple[frozenset[str], frozenset[str], str | None]:
    """Keys of a Latin name field, of a father's name after a marker in it, and the field's
    first proper key in the order written (Mohammad, Ghulam and the other common first parts
    skipped unless they are all there is)."""
    own, father = split_at_father_marker(latin_words(text))
    keys = latin_keys(own)
    first = next((key for key in keys if key not in SUBORDINATE), keys[0] if keys else None)
    return frozenset(keys), frozenset(latin_keys(father)), first


@lru_cache(maxsize=500_000)
def _native_field(text: str | None) -> tuple[frozenset[str], frozenset[str]]:
    own, father = split_at_father_marker(strip_titles(native_words(text)))
    return frozenset(own), frozenset(father)


@lru_cache(maxsize=200_000)  # one set of given and family keys per family, and per list
def glued(keys: frozenset[str]) -> frozenset[str]:
    """The keys, and each two of them written as one word in either order (Shir Khan, Shirkhan,
    Khanshir): lists glue and swap the parts of a two-part name freely."""
    return keys | {canonical_token(a + b) for a in keys for b in keys if a != b}


def key_text(keys: frozenset[str]) -> str | None:
    """A set of keys as one sortable string (None for none), for SQL comparisons."""
    return " ".join(sorted(keys)) or None


def digits_and_letters(value: str | None) -> str | None:
    """A document number without spaces, dashes or case; native digits made ASCII."""
    if not value:
        return None
    cleaned = re.sub(r"[^0-9A-Za-z]", "", str(value).translate(_NATIVE_DIGITS)).upper()
    return cleaned or None


# Numbers and contacts. Lists fill a required column when there is nothing to put in it: "N/A",
# "000000", "123456789", "pending", "نامعلوم". Such a value shared by thousands of strangers
# would count as the same passport (one number, one person: about 20 bits, a blocking rule and
# a pass through the merge gate), so it is treated as empty before the model sees it. The list
# of such fillers is intake's (`evac.intake.placeholders`): what intake stores as empty, linkage
# reads as empty.


@lru_cache(maxsize=200_000)
def document_number(value: str | None) -> str | None:
    """A passport or tazkira number as compared (see `digits_and_letters`), or None when the
    value is empty or stands in for a missing number."""
    cleaned = digits_and_letters(value)
    if cleaned is None or says_no_number(str(value)):
        return None
    digits = re.sub(r"\D", "", cleaned)
    return None if is_placeholder_number(digits) else cleaned


def siv_case_number(value: str | None) -> str | None:
    """An SIV or Chief-of-Mission case number as compared: its digits. Lists write the
    embassy's prefix or not, and with a label, spaces or hyphens (KBL2016451731,
    2016451731, KBL-2016-451731, Case# KBL 2016451731): one case."""
    number = document_number(value)
    digits = re.sub(r"\D", "", number or "")
    return digits if len(digits) >= MIN_CASE_DIGITS else number


# A case number is the year and a sequence: shorter runs of digits are no case number alone.
MIN_CASE_DIGITS = 6


# A passport's series letters before its digits (P for ordinary, D diplomatic, O official):
# clerks and airline manifests drop them, and forms read the letter O as a zero.
_SERIES_LETTERS = re.compile(r"^[A-Z]{1,2}(?=\d{6,}$)")


@lru_cache(maxsize=200_000)
def passport_number(value: str | None) -> str | None:
    """A passport number as compared: `document_number` without its series letters, so that
    P85922732, 85922732 and O 85922732 are one passport."""
    cleaned = document_number(value)
    return _SERIES_LETTERS.sub("", cleaned) if cleaned else None


# Excel shows a long number in scientific notation and a CSV export keeps it: 1400235702480
# becomes 1.400236E+12, its last digits lost. Such a value is no number to compare.
_SCIENTIFIC = re.compile(r"^\s*\d(?:[.,]\d+)?\s*E\+?\d+\s*$", re.IGNORECASE)


@lru_cache(maxsize=200_000)
def tazkira_number(value: str | None) -> str | None:
    """A tazkira in its one canonical form, whichever way a list wrote it: a paper tazkira's
    volume, page and number (`Jild 74 Safha 146 No 2401`, `ج ۷۴ ص ۱۴۶ ث ۲۴۰۱`, `74/146/2401`)
    as "74/146/2401", an e-tazkira as "1400-0101-12345"; an unfamiliar number is kept as
    `document_number` reads it. None for a placeholder."""
    if not value or says_no_number(str(value)) or _SCIENTIFIC.match(str(value)):
        return None
    canonical = canonical_tazkira(str(value))
    if canonical is None:
        return document_number(value)
    return None if is_placeholder_number(re.sub(r"\D", "", canonical)) else canonical


_E_TAZKIRA = re.compile(r"^\d{4}-\d{4}-\d{5}$")  # as canonical_tazkira writes it


def tazkira_form(canonical: str | None) -> str | None:
    """How a tazkira number was written: "electronic" (1400-0101-12345), "register" (volume,
    page and number: 74/146/2401) or "number" (a paper tazkira's registration number alone)."""
    if canonical is None:
        return None
    if _E_TAZKIRA.match(canonical):
        return "electronic"
    return "register" if "/" in canonical else "number"


def registration_number(canonical: str | None) -> str | None:
    """A paper tazkira's registration number (2401 of 74/146/2401, or the number written
    alone); None for an e-tazkira."""
    if tazkira_form(canonical) in (None, "electronic"):
        return None
    return canonical.rsplit("/", 1)[-1]


def register_page(canonical: str | None) -> str | None:
    """A paper tazkira's volume and page (74/146 of 74/146/2401); None for any other form.
    A family registered together is written on one page of the register."""
    if tazkira_form(canonical) != "register":
        return None
    return canonical.rsplit("/", 1)[0]


def phone_country(number: str | None) -> str | None:
    """The country calling code of an E.164 number (93 of +93 70..., 1 of +1 617...); None for
    a number kept as its digits. Calling codes are prefix-free, so the first that exists is it."""
    if not number or not number.startswith("+"):
        return None
    return next(
        (
            number[1 : 1 + n]
            for n in (1, 2, 3)
            if int(number[1 : 1 + n]) in COUNTRY_CODE_TO_REGION_CODE
        ),
        None,
    )


MIN_PHONE_DIGITS = 7
_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=200_000)
def phone_number(value: str | None) -> str | None:
    """The first phone number of the value in E.164, as intake reads it (`canonical_phone`):
    +93 70..., 0093 70..., 93 70... without the plus, 070... and 70... without the leading 0
    agree, and a US (617) 555-0129 is no Afghan number. A number no country reads is kept as
    its digits (two lists that wrote it alike still agree). None when there is none, or it is
    a filler: the subscriber's 7 digits all one digit (+93 700 000 000), or the number a run
    (123456789). (A run in the subscriber's part alone is left: 0700 123 456 is a number.)"""
    if not value or says_no_number(str(value)):
        return None
    for part in PHONE_SEPARATORS.split(str(value).translate(_NATIVE_DIGITS)):
        written = _LETTERS.sub("", part).strip()  # labels such as "(WhatsApp)" left out
        digits = re.sub(r"\D", "", written)
        if len(digits) >= MIN_PHONE_DIGITS:
            number = canonical_phone(written) or digits
            national = re.sub(r"\D", "", number)[-9:]
            filler = len(set(national[-MIN_PHONE_DIGITS:])) == 1 or any(
                map(is_placeholder_number, (national, digits))
            )
            return None if filler else number
    return None


_NO_EMAIL_LOCAL = _word_set("na no none nil null noemail nomail noreply test example unknown xxx x")
_NO_EMAIL_DOMAINS = _word_set(
    "example.com example.org example.net test.com none.com noemail.com nomail.com"
)


def email_address(value: str | None) -> str | None:
    """The address in lower case, or None when it is none or a filler (none@none.com)."""
    address = (value or "").strip().strip("<>").lower()
    local, at, domain = address.partition("@")
    if not at or not local or "." not in domain:
        return None
    if re.sub(r"[^a-z]", "", local) in _NO_EMAIL_LOCAL or domain in _NO_EMAIL_DOMAINS:
        return None
    return address


# A value on more records than this is not one person's (nor one family's): an office's phone,
# a number every clerk typed for "unknown". One person reaches the task force through a dozen
# lists at most, and a household shares a phone across its members in a few lists.
SHARED_LIMITS = {"passport": 12, "tazkira": 12, "phone": 60, "email": 60}


def blank_shared(frame: "pd.DataFrame", limits: dict[str, int] = SHARED_LIMITS) -> "pd.DataFrame":
    """The prepared table with each value of `limits`' columns that more records than the limit
    share made empty: dropped rather than weighed down, because a same document is taken as the
    same person (the merge gate, clustering's refusals) and each value is a block of pairs."""
    for column, limit in limits.items():
        counts = frame[column].value_counts()
        shared = set(counts.index[counts > limit])
        if shared:  # a list of None, not NaN: Splink reads the column as text
            frame[column] = [None if value in shared else value for value in frame[column]]
    return frame


def forget_prepared() -> None:
    """Empty the caches of prepared names and numbers: they hold decrypted personal data and
    live for one run (`evac.linkage.model.forget_prepared`)."""
    for cached in (fold_spelling, canonical_token, _latin_field, _native_field, glued,
                   document_number, passport_number, tazkira_number, phone_number):  # fmt: skip
        cached.cache_clear()
