"""What lists write when they have nothing to write: one list that intake and linkage both read.

Lists fill a required column when there is nothing to put in it: "N/A", "-", "none", "unknown",
"000000", "123456789", "pending", "نامعلوم". Intake reads such a cell as empty in every column
(`is_placeholder`). Document and phone columns say more ways that there is no number
(`says_no_number`, `is_placeholder_number`): such a value shared by thousands of strangers would
otherwise count as the same passport in linkage.
"""

import re
import unicodedata
from itertools import pairwise

NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def _word_set(*texts: str) -> frozenset[str]:
    return frozenset(word for text in texts for word in text.split())


# A whole cell, letters only and lower-cased, that says "nothing": "N/A", "n.a.", "--", "Unknown",
# "not available", "FNU" (first name unknown, a US clerk's filler), "x". Dari/Pashto below.
EMPTY_VALUES = _word_set(
    "na nan nil none null nk dk x xx xxx unknown unk notknown notavailable notapplicable "
    "dontknow idk fnu lnu nfn nln nmn tbd tba tbc missing empty blank"
)
# Dari: نامعلوم unknown, ندارد/ندارم has/have none, نیست is not, هیچ none; Pashto: نشته there is
# none, نلري has none, معلوم نه unknown. (Not نه alone: Pashto "no", but Dari "nine".)
NATIVE_EMPTY_VALUES = _word_set("نامعلوم ندارد ندارم ندارند نیست هیچ نشته نلري نلرم معلومنه")

# Words that say there is no number (yet). Any of them in a document or phone value makes it
# no number, even with digits beside it: "applied 2021-08-12" is a date, "none 0" is nothing.
# Dari: درخواست application, پروسس/جریان in process.
NO_NUMBER_WORDS = _word_set(
    "na nil none null nan unknown unk tbd tba tbc pending applied applying process processing "
    "progress awaiting waiting notavailable unavailable notapplicable missing empty blank dummy "
    "test sample fake ditto refused declined withheld nopassport notazkira nophone nonumber",
)
NATIVE_NO_NUMBER_WORDS = NATIVE_EMPTY_VALUES | _word_set("درخواست پروسس جریان")
# The whole value, letters only: "N/A", "n.a.", "no", "X", "same", "as above".
NO_NUMBER_VALUES = _word_set(
    "n a na no non nope nk dk x xx xxx nil same asabove sameasabove idk dontknow notknown"
)
MIN_DOCUMENT_DIGITS = 4  # "0", "12", "P1": no document is numbered so
MIN_RUN = 5  # 12345, 987654, 1234567890: a typist's filler, not an issued number
# In a column of any kind a run must be longer to be filler: 12345 may be a list's serial.
MIN_CELL_RUN = 9
MIN_CELL_REPEAT = 6  # 000000, 9999999; "00" or "111" may be a family number
LONGEST_PLACEHOLDER = 20  # "not applicable", "نامعلوم": short; names are longer

# Arabic and Persian code points of one letter, and marks that do not change a word.
_NATIVE_UNIFY = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ې": "ی", "ۍ": "ی"})
_NATIVE_DROP = re.compile("[\u064b-\u065f\u0670\u0640\u200c\u200d\u06d6-\u06ed\\s]")
_NATIVE_WORD = re.compile("[\u0600-\u06ff]+")
_NOT_LETTER = re.compile(r"[^a-z]")
_NOT_DIGIT = re.compile(r"\D")
_ONLY_PUNCTUATION = re.compile(r"^[\W_]+$")
# Dari and Arabic digits as ASCII, and the separators of a written number dropped.
_DIGITS_WITHOUT_SEPARATORS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789", " -/.\t")
# Every run of digits counting up or down one at a time (9 then 0 allowed) is a part of these.
_ASCENDING = "0123456789" * 3
_DESCENDING = _ASCENDING[::-1]


def is_placeholder(text: object) -> bool:
    """True for a cell that stands for "nothing" in any column: N/A, -, none, unknown, nil,
    نامعلوم, 000000, 123456789, ?, --."""
    if text is None:
        return True
    value = str(text).strip()
    if not value:
        return True
    if value[0].isdigit():  # most cells of a list: phones, dates, numbers
        return _is_placeholder_digits(value)
    if len(value) > LONGEST_PLACEHOLDER:  # names, addresses
        return False
    if _ONLY_PUNCTUATION.match(value):
        return True
    if value.isascii():  # "N/A", "not available"; "x1" or "Na'im" are something
        lowered = value.lower()
        if (words := lowered.replace(" ", "")).isalpha():  # names: no regular expression
            return words in EMPTY_VALUES
        letters = _NOT_LETTER.sub("", lowered)
        return letters in EMPTY_VALUES and not re.search(r"[\d']", value)
    return _native_key(value) in NATIVE_EMPTY_VALUES


def _is_placeholder_digits(value: str) -> bool:
    """000000 or 123456789, with or without separators; 12345 may be a list's serial."""
    digits = value.translate(_DIGITS_WITHOUT_SEPARATORS)
    if not (digits.isascii() and digits.isdigit()):
        return False
    if len(digits) >= MIN_CELL_REPEAT and digits.count(digits[0]) == len(digits):
        return True
    return len(digits) >= MIN_CELL_RUN and (digits in _ASCENDING or digits in _DESCENDING)


def says_no_number(text: str) -> bool:
    """True when a document or phone value says there is no number: "N/A", "pending",
    "applied 2021-08-12", "ندارد"."""
    lowered = text.lower()
    # "N/A", "x", "same": the whole value. Not with digits: A12345678 is a US passport, and
    # its one letter is no "a" of "n/a".
    letters = _NOT_LETTER.sub("", lowered)
    if (letters in NO_NUMBER_VALUES or letters in NO_NUMBER_WORDS) and not re.search(r"\d", text):
        return True  # "no phone", "not available" glued are NO_NUMBER_WORDS too
    if any(word in NO_NUMBER_WORDS for word in re.findall(r"[a-z]+", lowered)):
        return True
    if text.isascii():
        return False
    return any(_native_key(word) in NATIVE_NO_NUMBER_WORDS for word in _NATIVE_WORD.findall(text))


def is_placeholder_number(digits: str) -> bool:
    """Digits that no issuing office would give out: too few, one digit, a run or a pattern."""
    return len(digits) < MIN_DOCUMENT_DIGITS or _is_repeated(digits) or _is_run(digits)


def _native_key(text: str) -> str:
    return _NATIVE_DROP.sub("", unicodedata.normalize("NFC", text).translate(_NATIVE_UNIFY))


def _is_run(digits: str) -> bool:
    """Digits that count up or down one at a time (9 then 0 allowed): 123456789, 0987654."""
    if len(digits) < MIN_RUN:
        return False
    if (int(digits[1]) - int(digits[0])) % 10 not in (1, 9):  # most numbers: no run, seen here
        return False
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(digits)}
    return steps in ({1}, {9})


def _is_repeated(digits: str) -> bool:
    """One digit throughout (000000, 9999999), or a short block three times or more (121212)."""
    if len(set(digits)) == 1:
        return True
    return any(
        len(digits) >= 3 * size and (digits[:size] * len(digits))[: len(digits)] == digits
        for size in (2, 3)
    )
