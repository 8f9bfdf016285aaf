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

from evac.intake.dates import ImpossibleDate, InvalidDate, iso_text, parse_birth_date, read_date
from evac.intake.documents import alpha_2, canonical_tazkira, country_code
from evac.intake.mrz import GREEN_CARD, ID_CARD, PASSPORT, VISA, InvalidMRZ, Zone, parse_zone
from evac.intake.placeholders import MIN_DOCUMENT_DIGITS, is_placeholder, says_no_number
from evac.people.models import Role
from evac.people.records import RegistrationRecord

DEFAULT_REGION = "AF"
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[a-z]{2,}$", re.I)
AFGHAN_PASSPORT = re.compile(r"^[A-Z]{1,2}\d{7,8}$")
US_PASSPORT = re.compile(r"^([A-Z]\d{8}|\d{9})$")
ANY_PASSPORT = re.compile(r"^(?=.*\d)[A-Z0-9]{5,12}$")  # ICAO: up to 9, longer ones continue
SIV_CASE = re.compile(r"^([A-Z]{2,4}-?\d{4,12}|\d{6,12})$")
AFGHAN_MOBILE = re.compile(r"^(?:\+93|0093|93|0)?(7\d{8})$")  # phonenumbers: AF mobile 7\d{8}
US_PHONE_SHAPE = re.compile(
    r"^(\+?1[\s.\-]?)?(\([2-9]\d\d\)\s?|[2-9]\d\d[\s.\-])[2-9]\d\d[\s.\-]\d{4}$"
)
PHONE_PUNCTUATION = re.compile(r"[\s\-.()]")
PHONE_SEPARATORS = re.compile(r"[/,;|&]|\bor\b|\band\b", re.I)
# Words written beside a number in a phone cell: which app, whose, which carrier.
PHONE_LABELS = re.compile(
    r"\b(or|and|whats\s?app|wa|imo|viber|signal|telegram|tel|phone|mobile|mob|cell|home|work|"
    r"office|ext|no|number|own|roshan|awcc|etisalat|mtn|salaam|afg|us|usa)\b",
    re.I,
)
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
# Words around a relation that name the principal it is relative to ("Wife of PA").
RELATION_FILLERS = frozenset({"of", "to", "the", "pa", "s", "principal", "applicant", "main"})
IN_LAW = re.compile(r"\bin law\b|^(خسر|خشو|خسربوره|ایوربند)")  # in-laws: no role of their own
NAME_FIELDS = ("full_name", "given_name", "family_name")
# Invisible characters that are no part of a name: C0 controls and DEL (a NUL cuts a name short
# in C programs and in PostgreSQL text), and Unicode's Bidi_Control set, which reorders how the
# rest displays (U+202E shows "Ahmad" written backwards and hides what follows). The joiners
# that Dari and Pashto spelling needs (U+200C, U+200D) are kept.
NAME_CONTROLS = re.compile("[\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROLS_REMOVED = "name_controls_removed"


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

    Phones and passport numbers are read in the country the row points to (its nationality,
    or its zone's), so they are converted after the other columns.

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
        self.converted: dict[str, dict[object, dict[str, object] | str]] = defaultdict(dict)

    def fields(self, raw: dict[str, str]) -> dict[str, object]:
        """The record's fields of one row; raises RowRejected listing every bad column."""
        values: dict[str, tuple[str, str]] = {}  # field -> (header, cleaned text)
        for header, field in self.columns:
            # a cell that repeats its header is none: lists pasted one under another
            # repeat their header row among the data
            if field not in values and (text := clean(raw.get(header))) and text != header:
                values[field] = (header, text)
        fields: dict[str, object] = {}
        zone: dict[str, object] = {}
        flags: list[str] = []
        errors: list[FieldError] = []
        for field, (header, text) in values.items():
            if field == "mrz":
                zone = _taken(self._convert(header, text), header, {}, flags, errors)
            elif field not in ROW_COUNTRY_FIELDS:
                _taken(self._convert(header, text), header, fields, flags, errors)
        country = fields.get("nationality") or zone.get("nationality")
        for field in ROW_COUNTRY_FIELDS & values.keys():
            header, text = values[field]
            _taken(self._convert(header, text, country=country), header, fields, flags, errors)
        if zone:
            errors.extend(_disagreement_with_zone(fields, zone, values))
            # the zone fills what the columns left empty, never overrides them
            fields.update({k: v for k, v in zone.items() if k not in fields})
        if errors:
            raise RowRejected(errors)
        fields = _names_by_script(fields)
        if not any(fields.get(name) for name in (*NAME_FIELDS, "name_native")):
            raise RowRejected([FieldError(self.name_columns or "(no name column)", "no name")])
        if flags:
            fields["flags"] = tuple(sorted(set(flags)))
        return fields

    def _convert(
        self, header: str, text: str, *, country: object = None
    ) -> dict[str, object] | str:
        """The converted fields (none for a placeholder: N/A, -, نامعلوم), or the reason the
        cell is wrong."""
        cache = self.converted[header]
        key = (text, country) if country else text
        converted = cache.get(key)
        if converted is None:
            try:
                converter = self.converters[header]
                if is_placeholder(text):
                    converted = {}
                else:
                    converted = converter(text, country) if country else converter(text)
            except ValueError as error:
                converted = str(error)
            if len(cache) >= self.CACHE_LIMIT:
                cache.clear()
            cache[key] = converted
        return converted


def _taken(
    converted: dict[str, object] | str,
    header: str,
    fields: dict[str, object],
    flags: list[str],
    errors: list[FieldError],
) -> dict[str, object]:
    """Add a cell's converted fields to `fields` and its flags to `flags`, or its reason to
    `errors`; returns `fields`."""
    if isinstance(converted, str):
        errors.append(FieldError(header, converted))
    elif "flags" in converted:
        flags.extend(converted["flags"])  # type: ignore[arg-type]
        fields.update({k: v for k, v in converted.items() if k != "flags"})
    elif "priority_flags" in converted:  # several columns may each add one
        held = fields.get("priority_flags", ())
        fields["priority_flags"] = tuple(sorted({*held, *converted["priority_flags"]}))  # type: ignore[misc]
    else:
        fields.update(converted)
    return fields


def _converter(field: str, date_order: str | None) -> Callable[..., dict[str, object]]:
    if field in (*NAME_FIELDS, "father_name", "name_native"):
        return partial(_name_fields, field=field)
    if field in DATE_FIELDS:
        return partial(_birth_fields, order=date_order)
    if field == "com_approval_date":
        return partial(_date_field, field=field, order=date_order)
    return CONVERTERS.get(field) or (lambda text: {field: text})


def _name_fields(text: str, *, field: str) -> dict[str, object]:
    """The name without control characters; their removal is flagged on the registration
    (the raw row keeps the name as sent)."""
    if not NAME_CONTROLS.search(text):
        return {field: text}
    kept = " ".join(NAME_CONTROLS.sub("", text).split())
    return {field: kept, "flags": (CONTROLS_REMOVED,)} if kept else {"flags": (CONTROLS_REMOVED,)}


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
    try:
        birth = parse_birth_date(text, order=order)
    except ImpossibleDate:
        raise  # 30 February, month 13, born next year: a number is wrong, either guess misleads
    except InvalidDate:
        return {"flags": ("birth_date_unreadable",)}  # kept in the raw row for staff
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


def _date_field(text: str, *, field: str, order: str | None = None) -> dict[str, object]:
    """An ISO date (partial when the source's was) of a date that is not a birth date."""
    try:
        day = read_date(text, order=order)
    except ImpossibleDate:
        raise
    except InvalidDate:
        return {"flags": (f"{field}_unreadable",)}
    return {field: iso_text(day)} if day else {}


def parse_sex(text: str) -> str:
    sex = SEXES.get(text.strip(". ").lower())
    if sex is None:
        raise ValueError(f"sex {text!r} is not M, F or X (or male/female, مرد/زن)")
    return sex


def _sex_fields(text: str) -> dict[str, object]:
    try:
        return {"sex": parse_sex(text)}
    except ValueError:
        return {"flags": ("sex_unfamiliar",)}


def parse_relationship(text: str) -> str:
    """A Role value; a relation evac has no role for (uncle, cousin, an in-law) is 'other'.
    SIV lists write the relation to the principal applicant out: "Wife of PA", "PA's son",
    "Child (son)", "Self (PA)": the first word that names a relation decides."""
    key = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    if key in RELATIONSHIP_WORDS:
        return RELATIONSHIP_WORDS[key].value
    if IN_LAW.search(key):
        return Role.other.value
    words = [word for word in key.split() if word not in RELATION_FILLERS]
    role = next((RELATIONSHIP_WORDS[w] for w in words if w in RELATIONSHIP_WORDS), None)
    if not words:  # "Principal (PA)": only the principal's own words
        role = next((RELATIONSHIP_WORDS[w] for w in key.split() if w in RELATIONSHIP_WORDS), None)
    return (role or Role.other).value


def canonical_phone(text: str, *, region: str | None = None) -> str | None:
    """E.164 of the first number in the cell, None when none reads. A number without a country
    code is read in `region` (alpha-2 or alpha-3: the row's nationality), else by its shape
    (a US (617) 555-0129), else as Afghan, the list's own country: 93 70... without the plus
    and 70... without the leading 0 are Afghan too."""
    region = alpha_2(region)
    for candidate in PHONE_SEPARATORS.split(text.translate(NATIVE_DIGITS)):
        if number := _read_phone(PHONE_LABELS.sub(" ", candidate).strip(" :#"), region):
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


def _phone_digits(text: str) -> str:
    return PHONE_PUNCTUATION.sub("", text.translate(NATIVE_DIGITS))


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


def _phone_fields(text: str, country: str | None = None) -> dict[str, object]:
    """The phone in E.164, read in the row's country; kept as written and marked unverified
    when no country reads it; refused when letters are mixed into it (07OO 123 456)."""
    if country in (None, "AFG") and (mobile := AFGHAN_MOBILE.match(_phone_digits(text))):
        return {"phone": "+93" + mobile.group(1)}  # most cells: an Afghan mobile
    if says_no_number(text):
        return {}
    plain = PHONE_LABELS.sub(" ", text)
    if re.search(r"[A-Za-z]", plain):
        raise ValueError(f"{text!r} has letters in it: no phone number has")
    number = canonical_phone(text, region=country)
    if number:
        return {"phone": number}
    return {"phone": text, "phone_unverified": True, "flags": ("phone_unverified",)}


def check_email(text: str) -> str:
    address = text.strip().strip("<>").lower()
    if not EMAIL.match(address):
        raise ValueError(f"{text!r} is not an e-mail address (name@example.org)")
    return address


def _email_fields(text: str) -> dict[str, object]:
    try:
        return {"email": check_email(text)}
    except ValueError:
        return {"flags": ("email_shape",)}  # no message reaches it; the raw row keeps it


def _document(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text.translate(NATIVE_DIGITS)).upper()


def check_us_passport(text: str) -> str:
    number = _document(text)
    if not US_PASSPORT.match(number):
        raise ValueError(f"{text!r} is not a US passport number (9 digits, or a letter + 8)")
    return number


def _passport_fields(text: str, country: str | None = None) -> dict[str, object]:
    """A passport column, read as its row's nationality says: a US citizen's is a US
    passport; an Afghan's (or one of no stated nationality) Afghan; another country's any
    ICAO-shaped number. A plausible number of an unfamiliar shape is kept and flagged."""
    number = _document(text)
    if says_no_number(text) or len(re.sub(r"\D", "", number)) < MIN_DOCUMENT_DIGITS:
        return {}  # "pending", "P1", "0": a filler, not a number
    if not ANY_PASSPORT.match(number):
        raise ValueError(f"{text!r} is not a passport number (5-12 letters and digits)")
    if country == "USA":
        return _shaped({"us_passport_number": number}, US_PASSPORT.match(number))
    fields: dict[str, object] = {"passport_number": number}
    if country:
        fields["passport_country"] = country
    return _shaped(fields, country not in (None, "AFG") or AFGHAN_PASSPORT.match(number))


def _us_passport_fields(text: str) -> dict[str, object]:
    return _passport_fields(text, "USA")


def _shaped(fields: dict[str, object], fits: object) -> dict[str, object]:
    return fields if fits else {**fields, "flags": ("passport_shape",)}


def check_tazkira(text: str) -> str:
    number = canonical_tazkira(text)
    if number is None:
        raise ValueError(
            f"{text!r} is not a tazkira number (e-tazkira 1400-0101-12345, or paper digits)"
        )
    return number


def _tazkira_fields(text: str) -> dict[str, object]:
    """The canonical tazkira; one of an unfamiliar form is kept as written, flagged."""
    if number := canonical_tazkira(text):
        return {"tazkira_number": number}
    if says_no_number(text):
        return {}
    return {"tazkira_number": text.translate(NATIVE_DIGITS), "flags": ("tazkira_unfamiliar",)}


def check_siv_case(text: str) -> str:
    number = _document_keeping_dashes(text)
    if not SIV_CASE.match(number):
        raise ValueError(f"{text!r} is not an SIV case number (e.g. KBL2021123456 or digits)")
    return number


def _siv_case_fields(text: str) -> dict[str, object]:
    if says_no_number(text):
        return {}
    try:
        return {"siv_case_number": check_siv_case(text)}
    except ValueError:
        number = _document_keeping_dashes(text)
        return {"siv_case_number": number, "flags": ("siv_case_shape",)}


def _document_keeping_dashes(text: str) -> str:
    return re.sub(r"[\s.]", "", text.translate(NATIVE_DIGITS)).upper()


def _nationality_fields(text: str) -> dict[str, object]:
    code = country_code(text)
    return {"nationality": code} if code else {"flags": ("nationality_unfamiliar",)}


def _country_fields(text: str, *, field: str) -> dict[str, object]:
    code = country_code(text) or (text.upper() if re.fullmatch(r"[A-Za-z]{3}", text) else None)
    return {field: code} if code else {"flags": (f"{field}_unfamiliar",)}


def _com_status_fields(text: str) -> dict[str, object]:
    """A Chief-of-Mission approval column holds a word (approved, pending, yes) or the date
    of approval itself ("COM approved: 2021-03-02")."""
    word = re.sub(r"[^\w\s]", " ", text.lower()).strip()
    word = " ".join(word.split())
    known = next((COM_STATUSES[k] for k in COM_STATUSES if f"{word} ".startswith(f"{k} ")), None)
    if known:  # "approved", "Pending - interview"
        return {"com_approval_status": known}
    try:
        day = read_date(text)
    except InvalidDate:
        return {"com_approval_status": word}
    if day is None:
        return {}
    return {"com_approval_status": "approved", "com_approval_date": iso_text(day)}


def _word_key(text: str) -> str:
    """A cell's words without case or punctuation: "Married.", "MARRIED" and "married" are one."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def parse_marital_status(text: str) -> str | None:
    """ "married", "single", "widowed" or "divorced" (in English, Dari or Pashto), or None for a
    word evac does not know."""
    return MARITAL_STATUSES.get(_word_key(text))


def _marital_fields(text: str) -> dict[str, object]:
    status = parse_marital_status(text)
    return {"marital_status": status} if status else {"flags": ("marital_status_unfamiliar",)}


def _flag_column_fields(text: str, *, flag: str) -> dict[str, object]:
    """A column of one need ("Medical (Y/N)", "Pregnant?"): yes, or the need's own word
    ("pregnant", "medical: yes"), sets the flag; no sets nothing. Anything else ("diabetic") is
    left for staff to read: a flag is never guessed from a description."""
    key = _word_key(text)
    if key in YES or key in NO:
        return {"priority_flags": (flag,)} if key in YES else {}
    word, said = _answered(key)
    if PRIORITY_FLAG_WORDS.get(word) != flag:
        return {"flags": (f"{flag}_unfamiliar",)}
    return {"priority_flags": (flag,)} if said else {}


def _vulnerability_fields(text: str) -> dict[str, object]:
    """A column listing needs ("pregnant; disabled", "medical: yes", "حامله، معلول"): each item
    must be a need's own word; a list with anything else is left whole for staff (it is a note,
    not a list of flags)."""
    needs = set()
    for item in VULNERABILITY_SEPARATORS.split(text):
        word, said = _answered(_word_key(item))
        if not word or word in NO or not said:
            continue
        if word not in PRIORITY_FLAG_WORDS:
            return {"flags": ("vulnerabilities_unfamiliar",)}
        needs.add(PRIORITY_FLAG_WORDS[word])
    return {"priority_flags": tuple(sorted(needs))} if needs else {}


def _answered(key: str) -> tuple[str, bool]:
    """A need and its answer: "medical yes" -> ("medical", True), "medical no" ->
    ("medical", False); a need alone is a yes."""
    head, _, last = key.rpartition(" ")
    if head and (last in YES or last in NO):
        return head, last in YES
    return key, True


def _disagreement_with_zone(
    fields: dict[str, object], zone: dict[str, object], values: dict[str, tuple[str, str]]
) -> list[FieldError]:
    """A passport number column that differs from the row's verified passport zone: one of
    the two was mistyped, and only the partner can say which."""
    errors = []
    for field in ("passport_number", "us_passport_number"):
        column, number = fields.get(field), zone.get(field)
        if column and number and column != number:
            source = values.get(field) or values.get("passport_number")
            header = source[0] if source else field
            errors.append(
                FieldError(
                    header,
                    f"passport number {column} differs from the passport zone's {number}; "
                    "correct the one that was mistyped",
                )
            )
    return errors


def _mrz_fields(text: str) -> dict[str, object]:
    try:
        zone = parse_zone(text)
    except InvalidMRZ as error:
        raise ValueError(f"machine-readable zone: {error}") from None
    fields: dict[str, object] = _zone_document(zone)
    if zone.nationality.isalpha() and zone.nationality != "XXX":  # XXX: unspecified
        fields["nationality"] = zone.nationality
    if zone.sex:
        fields["sex"] = zone.sex
    if zone.given_names or zone.surname:
        fields["given_name"] = zone.given_names or None
        fields["family_name"] = zone.surname or None
    if zone.birth_date:
        fields.update(_birth_fields(zone.birth_date.isoformat()))
    return fields


def _zone_document(zone: Zone) -> dict[str, object]:
    """The fields of the document a zone is: a US passport, another passport, a green card,
    a visa or an identity card, with its number, issuing country and expiry."""
    expiry = zone.expiry.isoformat() if zone.expiry else None
    if zone.document == PASSPORT and zone.issuing_state == "USA":
        return {"us_passport_number": zone.document_number, "us_passport_expiry": expiry}
    if zone.document == GREEN_CARD:
        return {"green_card_number": zone.document_number, "green_card_expiry": expiry}
    prefix = {PASSPORT: "passport", VISA: "visa", ID_CARD: "id_card"}[zone.document]
    number_field = "passport_number" if prefix == "passport" else f"{prefix}_number"
    return {
        number_field: zone.document_number,
        f"{prefix}_country": zone.issuing_state,
        f"{prefix}_expiry": expiry,
    }


DATE_FIELDS = ("birth_date", "birth_year")
ROW_COUNTRY_FIELDS = frozenset({"phone", "passport_number"})
COM_STATUSES = {
    **dict.fromkeys(
        ("approved", "approve", "yes", "y", "granted", "true", "com approved"), "approved"
    ),
    **dict.fromkeys(
        ("pending", "in process", "in progress", "submitted", "awaiting", "applied"), "pending"
    ),
    **dict.fromkeys(("denied", "refused", "rejected", "declined", "not approved"), "denied"),
}
# "Unmarried" as US immigration law reads it: a widowed or divorced child is unmarried.
MARITAL_STATUSES = {
    **dict.fromkeys(
        ("married", "متاهل", "متأهل", "ازدواج کرده", "واده شوی", "واده شوې", "وادهشوی", "وادهشوې"),
        "married",
    ),
    **dict.fromkeys(
        ("single", "unmarried", "never married", "not married", "مجرد", "ازدواج نکرده", "ناواده"),
        "single",
    ),
    **dict.fromkeys(("widowed", "widow", "widower", "بیوه", "کونډه", "کونډ"), "widowed"),
    **dict.fromkeys(("divorced", "مطلقه", "طلاق", "طلاق شده", "طلاق شوې"), "divorced"),
}
# Needs that raise priority (the eligibility policy's flag names) and the words lists write.
PRIORITY_FLAGS = {
    "medical": (
        "medical",
        "medical case",
        "medical need",
        "sick",
        "injured",
        "wounded",
        "مریض",
        "بیمار",
        "زخمی",
        "ناروغ",
        "ټپي",
    ),
    "pregnancy": ("pregnancy", "pregnant", "حامله", "باردار", "امیدوار", "امېدواره"),
    "disability": (
        "disability",
        "disabled",
        "handicapped",
        "wheelchair",
        "معلول",
        "معیوب",
        "معلولیت",
        "معلولیت دارد",
        "معیوبیت",
    ),
    "imminent_threat": (
        "threat",
        "imminent threat",
        "under threat",
        "threatened",
        "تهدید",
        "تحت تهدید",
        "تهدید جانی",
        "گواښ",
        "ګواښ",
    ),
    "unaccompanied_minor": (
        "unaccompanied minor",
        "unaccompanied",
        "separated child",
        "طفل بی سرپرست",
        "بی سرپرست",
    ),
}
PRIORITY_FLAG_WORDS = {word: flag for flag, words in PRIORITY_FLAGS.items() for word in words}
YES = frozenset({"yes", "y", "true", "x", "1", "بلی", "بله", "هو", "آری"})
NO = frozenset({"no", "n", "false", "0", "none", "نه", "نخیر", "هیچ", "نشته"})
VULNERABILITY_SEPARATORS = re.compile(r"[,;/|+،؛]|\band\b|\sو\s")
CONVERTERS: dict[str, Callable[..., dict[str, object]]] = {
    "sex": _sex_fields,
    "phone": _phone_fields,
    "email": _email_fields,
    "passport_number": _passport_fields,
    "us_passport_number": _us_passport_fields,
    "tazkira_number": _tazkira_fields,
    "siv_case_number": _siv_case_fields,
    "relationship": lambda t: {"relationship": parse_relationship(t)},
    "nationality": _nationality_fields,
    "passport_country": partial(_country_fields, field="passport_country"),
    "visa_country": partial(_country_fields, field="visa_country"),
    "passport_expiry": partial(_date_field, field="passport_expiry"),
    "green_card_expiry": partial(_date_field, field="green_card_expiry"),
    "visa_expiry": partial(_date_field, field="visa_expiry"),
    "com_approval_status": _com_status_fields,
    "mrz": _mrz_fields,
    "marital_status": _marital_fields,
    "vulnerabilities": _vulnerability_fields,
    **{f"flag_{flag}": partial(_flag_column_fields, flag=flag) for flag in PRIORITY_FLAGS},
}
