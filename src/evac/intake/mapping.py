"""Which source column holds which field: proposed from header names, confirmed by a person.

Headers arrive in English and Dari, with decorations ("Full Name (as in passport)",
"Tazkira #", "Phone/WhatsApp") and typos. A header is normalised, looked up among synonyms,
then matched fuzzily; HXL hashtags, when a file has them, decide first. A mapping is a plain
dict {header: field}; a header mapped to nothing is kept in the raw row but not read.
"""

import difflib
import json
import re
import unicodedata
from pathlib import Path

# The fields a column can fill: RegistrationRecord's, plus two that validation splits up.
FIELDS: dict[str, str] = {
    "source_record_id": "the source's own id or serial number for the row",
    "full_name": "the whole name in one column",
    "given_name": "given (first) name",
    "father_name": "father's name",
    "family_name": "family name or surname",
    "name_native": "name in Dari or Pashto script",
    "sex": "sex: M, F or X",
    "birth_date": "date of birth (any written form, Solar Hijri too)",
    "birth_year": "year of birth only",
    "phone": "phone or WhatsApp number",
    "email": "e-mail address",
    "passport_number": "passport number",
    "mrz": "passport machine-readable zone (the two lines at the bottom)",
    "tazkira_number": "tazkira (Afghan national ID) number",
    "siv_case_number": "SIV case or Chief-of-Mission case number",
    "us_passport_number": "US passport number",
    "province": "province",
    "household_ref": "family, case or group number",
    "relationship": "relationship to the principal applicant",
    "category_claimed": "category the source claims (SIV, LPR, US citizen...)",
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "source_record_id": ("id", "ref", "reference", "s/n", "s", "sr", "serial", "record id", "_id"),
    "full_name": (
        "name",
        "full name",
        "full name as in passport",
        "applicant name",
        "name of applicant",
        "beneficiary name",
        "نام کامل",
        "اسم",
        "نام و تخلص",
        "نوم",
    ),
    "given_name": ("first name", "given name", "given names", "forename", "نام", "لومړی نوم"),
    "father_name": (
        "father name",
        "fathers name",
        "father s name",
        "s/o",
        "son of",
        "d/o",
        "walad",
        "نام پدر",
        "ولد",
        "ولدیت",
        "د پلار نوم",
    ),
    "family_name": ("last name", "surname", "family name", "tribe", "تخلص", "نام خانوادگی"),
    "name_native": (
        "name in dari",
        "dari name",
        "name in pashto",
        "native name",
        "name native",
        "نام به دری",
    ),
    "sex": ("sex", "gender", "m/f", "جنسیت", "جنس"),
    "birth_date": (
        "date of birth",
        "dob",
        "d o b",
        "birth date",
        "birthday",
        "born",
        "تاریخ تولد",
        "تولد",
        "د زیږیدو نیټه",
    ),
    "birth_year": ("year of birth", "birth year", "yob", "سال تولد"),
    "phone": (
        "phone",
        "phone/whatsapp",
        "whatsapp",
        "mobile",
        "cell",
        "contact",
        "tel",
        "telephone",
        "شماره تلفن",
        "تلفن",
        "شماره تماس",
        "موبایل",
        "د تلیفون شمیره",
    ),
    "email": ("email", "e-mail", "email address", "mail", "ایمیل", "بریښنالیک"),
    "passport_number": ("passport", "passport no", "afghan passport", "شماره پاسپورت", "پاسپورت"),
    "mrz": ("mrz", "machine readable zone", "passport mrz", "mrz lines", "passport scan"),
    "tazkira_number": (
        "tazkira",
        "tazkera",
        "tazkira number",
        "e-tazkira",
        "national id",
        "nid",
        "تذکره",
        "شماره تذکره",
        "تذکرہ",
    ),
    "siv_case_number": ("siv case", "siv", "case", "nvc case", "com case", "coa case", "کیس"),
    "us_passport_number": ("us passport", "american passport", "u s passport"),
    "province": ("province", "current province", "location", "ولایت", "ولسوالی"),
    "household_ref": (
        "family id",
        "family",
        "household",
        "household id",
        "group",
        "group id",
        "family group",
        "constituent case",  # a congressional office's case: one per family
        "شماره خانواده",
        "خانواده",
    ),
    "relationship": (
        "relationship",
        "applicant type",
        "relationship to pa",
        "relationship to principal applicant",
        "relationship to principal",
        "relation",
        "relation to head",
        "نسبت",
        "رابطه",
        "قرابت",
    ),
    "category_claimed": ("category", "status", "eligibility", "visa type", "کتگوری", "نوعیت"),
}

# HXL hashtags (https://hxlstandard.org): a tag and the attributes that narrow it.
HXL: list[tuple[str, frozenset[str], str]] = [
    ("#name", frozenset({"given"}), "given_name"),
    ("#name", frozenset({"first"}), "given_name"),
    ("#name", frozenset({"father"}), "father_name"),
    ("#name", frozenset({"family"}), "family_name"),
    ("#name", frozenset({"last"}), "family_name"),
    ("#name", frozenset({"i_fa"}), "name_native"),
    ("#name", frozenset({"i_ps"}), "name_native"),
    ("#name", frozenset({"native"}), "name_native"),
    ("#adm1", frozenset(), "province"),
    ("#name", frozenset(), "full_name"),
    ("#gender", frozenset(), "sex"),
    ("#sex", frozenset(), "sex"),
    ("#date", frozenset({"birth"}), "birth_date"),
    ("#contact", frozenset({"phone"}), "phone"),
    ("#contact", frozenset({"email"}), "email"),
    ("#group", frozenset(), "household_ref"),
    ("#household", frozenset(), "household_ref"),
    ("#meta", frozenset({"id"}), "source_record_id"),
    ("#status", frozenset(), "category_claimed"),
]
DECORATION_WORDS = {"no", "nr", "num", "number", "#", "شماره", "if any", "optional"}
FUZZY_CUTOFF = 0.82


class MappingError(ValueError):
    """A mapping names a field evac does not have, or a column the file does not have."""


def normalise_header(header: str) -> str:
    """Lower case, no brackets, punctuation or 'No./#/Number' decorations."""
    text = unicodedata.normalize("NFKC", header).lower()
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    text = text.replace("'", " ").replace("’", " ").replace("_", " ")
    words = re.findall(r"[\w/]+", text)
    kept = [w.strip("/") for w in words if w not in DECORATION_WORDS]
    return " ".join(w for w in kept if w)


def _lookup() -> dict[str, str]:
    return {normalise_header(s): field for field, words in SYNONYMS.items() for s in words}


def guess_field(header: str, hxl_tag: str | None = None) -> str | None:
    """The field a header most likely holds, or None."""
    if hxl_tag:
        field = _hxl_field(hxl_tag)
        if field:
            return field
    if header in FIELDS:  # the API's own field names
        return header
    if " / " in header:
        return _bilingual_field(header.split(" / "))
    lookup = _lookup()
    key = normalise_header(header)
    if not key:
        # "No.", "#", "S.No": a serial number column
        return "source_record_id" if header.strip() else None
    if key in lookup:
        return lookup[key]
    # "Phone/WhatsApp", "Name/نام", or a web form's "family_members/name": each part,
    # the last (most specific) first
    for part in reversed(re.split(r"[/|]", key)):
        if part.strip() in lookup:
            return lookup[part.strip()]
    close = difflib.get_close_matches(key, list(lookup), n=1, cutoff=FUZZY_CUTOFF)
    return lookup[close[0]] if close else None


def _bilingual_field(parts: list[str]) -> str | None:
    """ "نام / Name", "تخلص / Surname": a header written in two languages. Where the parts
    disagree ("نام" is a given name, a bare "Name" a full one), the Dari or Pashto part wins:
    it is what the list's author wrote; the English is a translation added for outsiders."""
    guesses = [(guess_field(part), _is_native_script(part)) for part in parts if part.strip()]
    native = [field for field, is_native in guesses if field and is_native]
    other = [field for field, is_native in guesses if field and not is_native]
    return (native or other or [None])[0]


def _is_native_script(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)


def _hxl_field(tag: str) -> str | None:
    base, *attributes = tag.strip().lower().replace(" ", "").split("+")
    for hxl_base, needed, field in HXL:
        if base == hxl_base and needed <= set(attributes):
            return field
    return None


def propose_mapping(headers: list[str], hxl_tags: dict[str, str] | None = None) -> dict:
    """{header: field or None}; each field goes to the first header that claims it (per
    web-form group: "members/name" and "name" may both be names)."""
    hxl_tags = hxl_tags or {}
    proposal: dict[str, str | None] = {}
    taken: set[tuple[str, str]] = set()
    for header in headers:
        tag = hxl_tags.get(header) or (header if header.startswith("#") else None)
        field = guess_field(header, tag)
        group = header.rpartition("/")[0]
        if field and (group, field) in taken:
            field = None
        proposal[header] = field
        if field:
            taken.add((group, field))
    return proposal


def check_mapping(mapping: dict[str, str | None], headers: list[str]) -> dict[str, str | None]:
    """The mapping restricted to the file's headers; raises MappingError on an unknown field."""
    unknown = {f for f in mapping.values() if f and f not in FIELDS}
    if unknown:
        raise MappingError(
            f"unknown field(s) {', '.join(sorted(unknown))}; use one of: {', '.join(FIELDS)}"
        )
    if mapping and not set(mapping) & set(headers):
        raise MappingError(
            "the mapping names none of the file's columns; columns are: " + ", ".join(headers)
        )
    return {header: mapping.get(header) for header in headers}


def load_mapping_file(path: Path) -> dict[str, str | None]:
    """A mapping from a JSON file: {"Column header": "field", ...} (null to ignore a column)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as error:
        raise MappingError(f"cannot read mapping {path}: {error}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise MappingError(f'{path} must hold one JSON object {{"Column header": "field"}}')
    return {key: value or None for key, value in data.items()}


def propose_for_tables(tables: list) -> dict[str, str | None]:
    """One mapping for every sheet of a file: proposed sheet by sheet, so a field taken on one
    sheet is still proposed on another whose headers differ (an English and a Dari sheet)."""
    proposal: dict[str, str | None] = {}
    for table in tables:
        for header, field in propose_mapping(table.headers, table.hxl_tags).items():
            proposal.setdefault(header, field)
    return proposal
