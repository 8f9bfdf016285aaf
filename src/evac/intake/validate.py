"""Turn one mapped source row into a RegistrationRecord, or say exactly what is wrong with it.

Formats are read and normalised (dates, phones, e-mails, passport zones, document numbers);
spellings are never corrected: that is linkage's job, and the raw row is kept beside the record.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import phonenumbers

from evac.intake.dates import parse_birth_date
from evac.intake.documents import alpha_2
from evac.intake.mrz import InvalidMRZ, parse_td3
from evac.people.models import Role
from evac.people.records import RegistrationRecord

DEFAULT_REGION = "AF"
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[a-z]{2,}$", re.I)
AFGHAN_PASSPORT = re.compile(r"^[A-Z]{1,2}\d{7,8}$")
US_PASSPORT = re.compile(r"^([A-Z]\d{8}|\d{9})$")
E_TAZKIRA = re.compile(r"^\d{4}-?\d{4}-?\d{5}$")  # 1400-0101-12345
PAPER_TAZKIRA = re.compile(r"^\d{1,7}([-/ ]\d{1,7}){0,3}$")  # number, or volume/page/number
SIV_CASE = re.compile(r"^([A-Z]{2,4}-?\d{4,12}|\d{6,12})$")
AFGHAN_MOBILE = re.compile(r"^(?:\+93|0093|93|0)?(7\d{8})$")  # phonenumbers: AF mobile 7\d{8}
US_PHONE_SHAPE = re.compile(
    r"^(\+?1[\s.\-]?)?(\([2-9]\d\d\)\s?|[2-9]\d\d[\s.\-])[2-9]\d\d[\s.\-]\d{4}$"
)
PHONE_PUNCTUATION = re.compile(r"[\s\-.()]")
PHONE_SEPARATORS = re.compile(r"[/,;|&]|\bor\b|\band\b", re.I)
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

SEXES = {
    **dict.fromkeys(["m", "male", "man", "boy", "mr", "مرد", "ذکور", "پسر", "نارینه", "نر"], "M"),
    **dict.fromkeys(
        ["f", "female", "woman", "girl", "mrs", "ms", "زن", "اناث", "دختر", "ښځه", "ښځینه"], "F"
    ),
    **dict.fromkeys(["x", "other", "diverse"], "X"),
}
RELATIONSHIPS = {
    Role.principal: (
        "pa",
        "principal",
        "principal applicant",
        "applicant",
        "self",
        "head",
        "head of household",
        "hoh",
        "main applicant",
        "سرپرست",
        "خودش",
        "متقاضی",
        "سرپرست خانواده",
    ),
    Role.spouse: ("spouse", "wife", "husband", "همسر", "خانم", "شوهر", "میړه", "ښځه"),
    Role.child: ("child", "son", "daughter", "kid", "پسر", "دختر", "فرزند", "زوی", "لور"),
    Role.parent: ("parent", "father", "mother", "پدر", "مادر", "پلار", "مور"),
    Role.sibling: ("sibling", "brother", "sister", "برادر", "خواهر", "ورور", "خور"),
}
RELATIONSHIP_WORDS = {word: role for role, words in RELATIONSHIPS.items() for word in words}
NAME_FIELDS = ("full_name", "given_name", "family_name")


@dataclass(frozen=True)
class FieldError:
    column: str  # the source's header
    reason: str


class RowRejected(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.column}: {e.reason}" for e in errors))
        self.errors = errors


def clean(value: object) -> str | None:
    """Trimmed text with normalised Unicode and single spaces; None for an empty cell."""
    if value is None:
        return None
    text = str(value)
    if not text.isascii():  # ASCII is already NFC: most cells skip the normaliser
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()) or None


def row_to_record(
    raw: dict[str, str],
    mapping: dict[str, str | None],
    *,
    date_orders: dict[str, str | None] | None = None,
) -> RegistrationRecord:
    """The canonical record of a row; raises RowRejected listing every bad column."""
    return RegistrationRecord(**RowValidator(mapping, date_orders=date_orders).fields(raw))


class RowValidator:
    """Validation of many rows under one mapping: the mapped columns are worked out once, and
    each distinct cell is converted once per field (provinces, sexes, relationships and dates
    repeat on most rows of a list), errors included. Each column has its own bounded cache:
    columns of unique values (phones, tazkiras) empty only theirs when full, never the dates'
    (a list's distinct birth dates, some 70,000, fit).

    `date_orders` gives a date column's day/month order ({header: DAY_FIRST or MONTH_FIRST});
    a date column without one is read day first, and dates that read both ways are flagged."""

    CACHE_LIMIT = 100_000  # per column

    def __init__(
        self, mapping: dict[str, str | None], *, date_orders: dict[str, str | None] | None = None
    ) -> None:
        self.columns = [(header, field) for header, field in mapping.items() if field]
        self.name_columns = " / ".join(
            h for h, f in mapping.items() if f in (*NAME_FIELDS, "name_native", "mrz")
        )
        orders = date_orders or {}
        self.converters = {
            header: _converter(field, orders.get(header)) for header, field in self.columns
        }
        self.converted: dict[str, dict[str, dict[str, object] | str]] = defaultdict(dict)

    def fields(self, raw: dict[str, str]) -> dict[str, object]:
        """The record's fields of one row; raises RowRejected listing every bad column."""
        values: dict[str, tuple[str, str]] = {}  # field -> (header, cleaned text)
        for header, field in self.columns:
            if field not in values and (text := clean(raw.get(header))):
                values[field] = (header, text)
        fields: dict[str, object] = {}
        zone: dict[str, object] = {}
        errors: list[FieldError] = []
        for field, (header, text) in values.items():
            converted = self._convert(header, text)
            if isinstance(converted, str):
                errors.append(FieldError(header, converted))
            elif field == "mrz":
                zone = converted
            else:
                fields.update(converted)
        if zone:
            errors.extend(_disagreement_with_zone(fields, zone, values))
            # the zone fills what the columns left empty, never overrides them
            fields.update({k: v for k, v in zone.items() if k not in fields})
        if errors:
            raise RowRejected(errors)
        fields = _names_by_script(fields)
        if not any(fields.get(name) for name in (*NAME_FIELDS, "name_native")):
            raise RowRejected([FieldError(self.name_columns or "(no name column)", "no name")])
        return fields

    def _convert(self, header: str, text: str) -> dict[str, object] | str:
        """The converted fields, or the reason the cell is wrong."""
        cache = self.converted[header]
        converted = cache.get(text)
        if converted is None:
            try:
                converted = self.converters[header](text)
            except ValueError as error:
                converted = str(error)
            if len(cache) >= self.CACHE_LIMIT:
                cache.clear()
            cache[text] = converted
        return converted


def _converter(field: str, date_order: str | None) -> Callable[[str], dict[str, object]]:
    if field in DATE_FIELDS:
        return partial(_birth_fields, order=date_order)
    return CONVERTERS.get(field) or (lambda text: {field: text})


def _names_by_script(fields: dict[str, object]) -> dict[str, object]:
    """Names written in Dari/Pashto script belong in name_native, not in the Latin fields."""
    native = [str(fields[f]) for f in NAME_FIELDS if f in fields and _is_native(fields[f])]
    if not native or "name_native" in fields:
        return fields
    kept = {k: v for k, v in fields.items() if not (k in NAME_FIELDS and _is_native(v))}
    return {**kept, "name_native": " ".join(native)}


def _is_native(value: object) -> bool:
    text = str(value)
    return not text.isascii() and bool(ARABIC_SCRIPT.search(text))


def _birth_fields(text: str, *, order: str | None = None) -> dict[str, object]:
    birth = parse_birth_date(text, order=order)
    if birth is None:
        return {}
    return {
        "birth_year": birth.year,
        "birth_month": birth.month,
        "birth_day": birth.day,
        "birth_date_default": birth.default,
        "birth_year_spans_two": birth.spans_two_years,
        "birth_day_month_ambiguous": birth.day_month_ambiguous,
    }


def parse_sex(text: str) -> str:
    sex = SEXES.get(text.strip(". ").lower())
    if sex is None:
        raise ValueError(f"sex {text!r} is not M, F or X (or male/female, مرد/زن)")
    return sex


def parse_relationship(text: str) -> str:
    """A Role value; a relation evac has no role for (uncle, cousin) is 'other'."""
    key = re.sub(r"[^\w\s]", " ", text.lower()).strip()
    key = " ".join(key.split())
    return RELATIONSHIP_WORDS.get(key, Role.other).value


def canonical_phone(text: str, *, region: str | None = None) -> str | None:
    """E.164 of the first number in the cell, None when none reads. A number without a country
    code is read in `region` (alpha-2 or alpha-3: the row's nationality), else by its shape
    (a US (617) 555-0129), else as Afghan, the list's own country: 93 70... without the plus
    and 70... without the leading 0 are Afghan too."""
    plain_text = text.translate(NATIVE_DIGITS)
    region = alpha_2(region)
    for candidate in PHONE_SEPARATORS.split(plain_text):
        if number := _read_phone(candidate.strip(), region):
            return number
    return None


def normalise_phone(text: str) -> str:
    """E.164 of the first number in the cell (see `canonical_phone`); raises ValueError."""
    number = canonical_phone(text)
    if number is None:
        raise ValueError(
            f"{text!r} is not a valid phone number; write it with its country code, e.g. +93 70..."
        )
    return number


def _read_phone(candidate: str, region: str | None) -> str | None:
    plain = PHONE_PUNCTUATION.sub("", candidate)
    if region in (None, DEFAULT_REGION) and (mobile := AFGHAN_MOBILE.match(plain)):
        return "+93" + mobile.group(1)  # most cells: phonenumbers' AF mobile, without its parse
    if plain.startswith("00"):
        plain = "+" + plain[2:]
    if plain.startswith("+"):
        return _valid_phone(plain, None)
    regions = [region] if region else []
    if US_PHONE_SHAPE.match(candidate):  # (617) 555-0129, 703.555.0146: NANP's own layout
        regions.append("US")
    regions.append(DEFAULT_REGION)
    return next(filter(None, (_valid_phone(plain, where) for where in regions)), None)


def _valid_phone(digits: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_email(text: str) -> str:
    address = text.strip().strip("<>").lower()
    if not EMAIL.match(address):
        raise ValueError(f"{text!r} is not an e-mail address (name@example.org)")
    return address


def _document(text: str) -> str:
    return re.sub(r"[\s.]", "", text.translate(NATIVE_DIGITS)).upper()


def check_afghan_passport(text: str) -> str:
    number = _document(text)
    if not AFGHAN_PASSPORT.match(number):
        raise ValueError(f"{text!r} is not an Afghan passport number (a letter and 7-8 digits)")
    return number


def check_us_passport(text: str) -> str:
    number = _document(text)
    if not US_PASSPORT.match(number):
        raise ValueError(f"{text!r} is not a US passport number (9 digits, or a letter + 8)")
    return number


def check_tazkira(text: str) -> str:
    number = text.translate(NATIVE_DIGITS).strip()
    if not (E_TAZKIRA.match(number) or PAPER_TAZKIRA.match(number)):
        raise ValueError(
            f"{text!r} is not a tazkira number (e-tazkira 1400-0101-12345, or paper digits)"
        )
    return number


def check_siv_case(text: str) -> str:
    number = _document(text)
    if not SIV_CASE.match(number):
        raise ValueError(f"{text!r} is not an SIV case number (e.g. KBL2021123456 or digits)")
    return number


def _disagreement_with_zone(
    fields: dict[str, object], zone: dict[str, object], values: dict[str, tuple[str, str]]
) -> list[FieldError]:
    """A passport number column that differs from the row's verified passport zone: one of
    the two was mistyped, and only the partner can say which."""
    column, number = fields.get("passport_number"), zone["passport_number"]
    if not column or column == number:
        return []
    header = values["passport_number"][0]
    return [
        FieldError(
            header,
            f"passport number {column} differs from the passport zone's {number}; "
            "correct the one that was mistyped",
        )
    ]


def _mrz_fields(text: str) -> dict[str, object]:
    try:
        zone = parse_td3(text)
    except InvalidMRZ as error:
        raise ValueError(f"passport zone: {error}") from None
    fields: dict[str, object] = {"passport_number": zone.document_number}
    if zone.sex:
        fields["sex"] = zone.sex
    if zone.given_names or zone.surname:
        fields["given_name"] = zone.given_names or None
        fields["family_name"] = zone.surname or None
    if zone.birth_date:
        fields.update(_birth_fields(zone.birth_date.isoformat()))
    return fields


DATE_FIELDS = ("birth_date", "birth_year")
CONVERTERS: dict[str, Callable[[str], dict[str, object]]] = {
    "sex": lambda t: {"sex": parse_sex(t)},
    "phone": lambda t: {"phone": normalise_phone(t)},
    "email": lambda t: {"email": check_email(t)},
    "passport_number": lambda t: {"passport_number": check_afghan_passport(t)},
    "us_passport_number": lambda t: {"us_passport_number": check_us_passport(t)},
    "tazkira_number": lambda t: {"tazkira_number": check_tazkira(t)},
    "siv_case_number": lambda t: {"siv_case_number": check_siv_case(t)},
    "relationship": lambda t: {"relationship": parse_relationship(t)},
    "mrz": _mrz_fields,
}
