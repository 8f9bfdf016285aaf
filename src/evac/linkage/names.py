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
    ("wali", "vali", "walli"),
    ("uthman", "osman", "usman", "othman"),
)


# Honorifics and professional titles: not part of the name (MITRE 2009; the field notes).
def _word_set(*texts: str) -> frozenset[str]:
    return frozenset(word for text in texts for word in text.split())


TITLES = _word_set(
    "haji hajji hadji alhaj alhajj mullah mulla molla mullo mawlawi mawlavi maulvi molvi moulavi "
    "mowlawi mawlana maulana molana mowlana qari qaari hafiz hafez hafeez akhund akhond akhoond "
    "amir sayed sayyid syed seyed sayyed sayyad sayid sayd engineer eng engr dr doctor daktar "
    "mr mrs ms miss prof sahib saheb sahab",
    "حاجی حاجي ملا مولوی مولانا قاری حافظ آخند اخند امیر سید انجنیر داکتر دکتر",
)
# Words that introduce the father's (or for d/o, the parent's) name.
FATHER_MARKERS = _word_set(
    "s/o d/o son daughter walad wald wuld waled bin ibn bint zoy zoi zui zwe",
    "ولد بن بنت زوی زوې لور فرزند دختر",
)
# What US forms write where a name part is missing ("first name unknown", "no first name"...):
# a placeholder, not a name shared by everyone who has it.
PLACEHOLDERS = _word_set("fnu lnu nfn nln nmn unk unknown")
# "son of" / "daughter of": the second word belongs to the marker.
_MARKER_TAIL = frozenset({"of", "e"})
# Common first parts of two-part male names: little evidence on their own (MITRE 2009).
_SUBORDINATE_NAMES = ("muhammad", "ghulam", "abdul", "khan", "jan", "gul", "mir", "shah", "din")
_ARTICLES = frozenset({"al", "el", "ul", "ol", "ud", "ad", "ur", "ar", "us", "as", "un", "ed"})
_JOINING_SUFFIXES = frozenset({"ula", "udin"})

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
_NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

_GENERIC_RULES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"dh", "z"),  # Arabic-style dh for the z sound: Nadhir/Nazir
        (r"th", "s"),  # Arabic-style th, Persian s: Othman/Osman
        (r"ph", "f"),
        (r"q", "k"),  # Haq/Hak, Qasim/Kasim
        (r"ck", "k"),
        (r"v", "w"),  # Vali/Wali, Javad/Jawad
        (r"(ei|ey|ay)", "ai"),  # Hosein/Husayn/Husain
        (r"(ow|aw|au)", "au"),  # Khosrow/Khusraw/Khusrau
        (r"ee", "i"),
        (r"(oo|ou)", "u"),
        (r"e", "i"),  # Dari e against Pashto i
        (r"o", "u"),  # Dari o against Pashto u
        (r"y$", "i"),
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
def _fold_generic(token: str) -> str:
    for pattern, replacement in _GENERIC_RULES:
        token = pattern.sub(replacement, token)
    return token


def _ascii_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


_VARIANTS: dict[str, str] = {
    _fold_generic(_ascii_letters(spelling)): _fold_generic(group[0])
    for group in VARIANT_GROUPS
    for spelling in group
}


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    """The key of one Latin name word: equal for variants of one name."""
    folded = _fold_generic(_ascii_letters(token))
    if folded in _VARIANTS:
        return _VARIANTS[folded]
    abd = _ABD.match(folded)
    if abd and folded not in _VARIANTS:
        return "abd" + _canonical_suffix(abd["rest"])
    return _canonical_suffix(folded)


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
    return [word for word in words if word not in PLACEHOLDERS]


def _join_compounds(words: list[str]) -> list[str]:
    """Abd al-Rahman, Abdul Rahman, Shams ud Din, Zabih Ullah: one name written in parts."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        is_abd = _fold_generic(_ascii_letters(word)) in {"abd", "abdul", "abdu", "abdal", "abdil"}
        if is_abd and i + 1 < len(words):
            j = i + 1
            if words[j] in _ARTICLES and j + 1 < len(words):
                j += 1
            out.append(word + words[j])
            i = j + 1
            continue
        if out and word in _ARTICLES and i + 1 < len(words):
            out[-1] = out[-1] + "u" + words[i + 1]
            i += 2
            continue
        if out and canonical_token(word) in _JOINING_SUFFIXES | {"din", "ulah"}:
            out[-1] = out[-1] + ("u" + word if canonical_token(word) == "din" else word)
            i += 1
            continue
        out.append(word)
        i += 1
    return out


def split_at_father_marker(words: list[str]) -> tuple[list[str], list[str]]:
    """Words before s/o, walad, bin, zoy... and the father's name after it."""
    for i, word in enumerate(words):
        if word in FATHER_MARKERS and 0 < i < len(words) - 1:
            rest = words[i + 1 :]
            if rest and rest[0] in _MARKER_TAIL:
                rest = rest[1:]
            return words[:i], rest
    return words, []


def strip_titles(words: list[str]) -> list[str]:
    """Drop honorifics unless that would leave no name at all (Amir may be the name)."""
    kept = [w for w in words if w.rstrip(".") not in TITLES]
    return kept or words


def latin_keys(words: list[str]) -> list[str]:
    """Canonical keys of Latin name words, compounds joined, titles dropped."""
    joined = _join_compounds(strip_titles(words))
    return [key for key in (canonical_token(w) for w in joined) if key]


def native_words(text: str | None) -> list[str]:
    """Words of a Dari/Pashto name with Arabic/Persian code points unified, marks removed."""
    if not text:
        return []
    text = _NATIVE_DROP.sub("", unicodedata.normalize("NFC", text).translate(_NATIVE_UNIFY))
    words = _NATIVE_TOKEN.findall(text)
    joined: list[str] = []
    for word in words:  # عبد الرحمن and عبدالرحمن are one name
        if joined and joined[-1] == "عبد":
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
    given, father_after_marker = _latin_field(given_name)
    if not given and full_name:
        given, father_after_marker = _latin_field(full_name)
    family, father_in_family = _latin_field(family_name)
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
    )


# Lists repeat the same names endlessly: each distinct field text is prepared once.
@lru_cache(maxsize=500_000)
def _latin_field(text: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """Keys of a Latin name field, and of a father's name after a marker in it."""
    own, father = split_at_father_marker(latin_words(text))
    return frozenset(latin_keys(own)), frozenset(latin_keys(father))


@lru_cache(maxsize=500_000)
def _native_field(text: str | None) -> tuple[frozenset[str], frozenset[str]]:
    own, father = split_at_father_marker(strip_titles(native_words(text)))
    return frozenset(own), frozenset(father)


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
