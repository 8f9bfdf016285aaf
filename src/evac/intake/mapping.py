"""Which source column holds which field: proposed from header names, confirmed by a person.

Headers arrive in English and Dari, with decorations ("Full Name (as in passport)",
"Tazkira #", "Phone/WhatsApp") and typos. A header is normalised, looked up among synonyms,
then matched fuzzily; HXL hashtags, when a file has them, decide first. A mapping is a plain
dict {header: field}; a header mapped to nothing is kept in the raw row but not read.

A date column also has a day/month order (`date_orders`, {header: "dmy" or "mdy"}): inferred
from the column's own unambiguous dates, given in a mapping file, or kept in the source's
profile. Profiles and mapping files write it beside the field:
{"DOB": {"field": "birth_date", "date_order": "mdy"}}.
"""

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from evac.intake.dates import DATE_ORDERS, DAY_FIRST, MONTH_FIRST, DateOrderEvidence, order_evidence

if TYPE_CHECKING:  # readers imports this module
    from evac.intake.readers import SourceRow, SourceTable

# The fields a column can fill: RegistrationRecord's, plus those that validation splits up or
# gathers (a column of one need, flag_medical, adds "medical" to the record's priority_flags).
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
    "nationality": "nationality or citizenship (American, US, Afghan, افغان...)",
    "passport_country": "country that issued the passport",
    "passport_expiry": "passport expiry date",
    "green_card_number": "US permanent resident card (green card) number",
    "green_card_expiry": "green card expiry date",
    "visa_number": "visa number (an issued SIV is a US visa)",
    "visa_country": "country that issued the visa",
    "visa_expiry": "visa expiry date",
    "com_approval_date": "date of Chief-of-Mission (COM) approval of an SIV case",
    "com_approval_status": "Chief-of-Mission (COM) approval: approved, pending, denied",
    "marital_status": "marital status: married, single, widowed, divorced",
    "flag_medical": "a medical need: yes or no",
    "flag_pregnancy": "pregnant: yes or no",
    "flag_disability": "a disability: yes or no",
    "flag_imminent_threat": "under imminent threat: yes or no",
    "flag_unaccompanied_minor": "a child travelling without parents: yes or no",
    "vulnerabilities": "a list of needs (medical, pregnant, disabled, threat), never free notes",
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
        "name of father",
        "father/husband name",
        "father or husband name",
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
        "د تذکرې شمېره",
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
        "relation to pa",
        "relationship with pa",
        "relationship to applicant",
        "rel to pa",
        "نسبت",
        "رابطه",
        "قرابت",
    ),
    "category_claimed": ("category", "status", "eligibility", "visa type", "کتگوری", "نوعیت"),
    "nationality": (
        "nationality",
        "citizenship",
        "country of citizenship",
        "citizen of",
        "citizenship country",
        "تابعیت",
        "ملیت",
        "تابعیت کشور",
    ),
    "passport_country": (
        "passport country",
        "passport issuing country",
        "issuing country",
        "country of issue",
        "passport issued by",
    ),
    "passport_expiry": (
        "passport expiry",
        "passport expiry date",
        "passport expiration",
        "passport expiration date",
        "passport valid until",
        "passport exp",
        "date of expiry",
        "expiry date",
    ),
    "green_card_number": (
        "green card",
        "green card number",
        "lpr card",
        "permanent resident card",
        "i 551",
        "گرین کارت",
    ),
    "green_card_expiry": ("green card expiry", "green card expiration", "lpr card expiry"),
    "visa_number": ("visa", "us visa", "visa foil", "siv visa", "ویزه", "ویزا"),
    "visa_country": ("visa country", "visa issuing country"),
    "visa_expiry": ("visa expiry", "visa expiration", "visa valid until"),
    "com_approval_date": (
        "com approval date",
        "com date",
        "date of com approval",
        "com approved date",
        "date com approved",
        "chief of mission approval date",
        "com approval received",
    ),
    "com_approval_status": (
        "com approved",
        "com approval",
        "com status",
        "com approval status",
        "chief of mission approval",
        "chief of mission status",
        "chief of mission approved",
    ),
    "marital_status": (
        "marital status",
        "marital",
        "civil status",
        "married/single",
        "وضعیت مدنی",
        "حالت مدنی",
        "وضعیت تاهل",
        "تاهل",
        "مدني حالت",
        "مدنی حالت",
    ),
    # A column of one need, by its header; "notes" and "remarks" are never read for flags.
    "flag_medical": ("medical", "medical case", "medical need", "medical condition", "طبی", "مریض"),
    "flag_pregnancy": ("pregnant", "pregnancy", "حامله", "باردار"),
    "flag_disability": (
        "disabled",
        "disability",
        "person with disability",
        "pwd",
        "معلول",
        "معلولیت",
    ),
    "flag_imminent_threat": ("threat", "imminent threat", "under threat", "تهدید", "گواښ"),
    "flag_unaccompanied_minor": ("unaccompanied minor", "unaccompanied", "uam", "طفل بی سرپرست"),
    "vulnerabilities": (
        "vulnerability",
        "vulnerabilities",
        "vulnerability criteria",
        "special needs",
        "priority flags",
        "آسیب پذیری",
        "نیازمندی خاص",
    ),
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
# Columns of dates a day/month order reads (a COM approval date is written as the list's
# birth dates are).
DATE_FIELDS = ("birth_date", "birth_year", "com_approval_date")
DATE_ORDER_WORDS = {
    **dict.fromkeys(("dmy", "d/m/y", "dd/mm/yyyy", "day/month/year", "day first"), DAY_FIRST),
    **dict.fromkeys(("mdy", "m/d/y", "mm/dd/yyyy", "month/day/year", "month first"), MONTH_FIRST),
}
# A CSV streams: its date orders are inferred from this many rows at its head (every row of an
# in-memory table: XLSX, JSON, API), and the rest is checked as it is imported.
DATE_ORDER_SAMPLE_ROWS = 20_000
DECORATION_WORDS = {
    "no",
    "nr",
    "num",
    "number",
    "#",
    "شماره",
    "شمیره",
    "نمبر",
    "if any",
    "optional",
}
# Letters that Arabic, Persian and Pashto keyboards write differently for one sound (ي/ی,
# ك/ک, ې/ی...): a header typed on any of them looks up the same synonyms.
LETTER_FOLD = str.maketrans(
    {"ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "\u200c": " "}
)
FUZZY_CUTOFF = 0.82
# What KoboToolbox and ODK Central add to every submission (ids, times, review states):
# provenance, kept in the raw row and never proposed as a person's field. Kobo's `_status`
# ("submitted_via_web") was once read as the category a person claimed.
SUBMISSION_METADATA = frozenset(
    {
        "_id",
        "_uuid",
        "_submission_time",
        "_status",
        "_validation_status",
        "_submitted_by",
        "_notes",
        "_tags",
        "_index",
        "_parent_index",
        "_parent_table_name",
        "_version_",
        "__version__",
        "KEY",
        "PARENT_KEY",
        "SubmissionDate",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "ReviewState",
        "DeviceID",
        "FormVersion",
    }
)
# Metadata only in a form tool's export: a partner's own list may call its category "Status".
TOOL_EXPORT_METADATA = frozenset({"Status", "Edits"})
# What XLSForm's metadata questions record of the collector's device: at the top level (where
# KoboToolbox puts them) or in the `meta` group. Inside another group, a question named
# `phonenumber` is the person's.
DEVICE_METADATA = frozenset(
    {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber"}
)
SUBMISSION_IDS = frozenset({"_id", "KEY"})  # the submission's (or repeat row's) own id
# Form designers and list keepers prefix a question's name with the person it asks about
# (`member_name`, `hh_head_dob`, `resp_phone`, "Evacuee Name"): dropped to match a person's
# field, never the relative (`father_name`).
ROLE_PREFIXES = frozenset(
    {
        "member",
        "members",
        "hh",
        "household",
        "head",
        "respondent",
        "resp",
        "applicant",
        "beneficiary",
        "evacuee",
        "person",
        "individual",
        "indiv",
        "principal",
        "pa",
        "fm",
    }
)


class MappingError(ValueError):
    """A mapping names a field evac does not have, or a column the file does not have."""


def normalise_header(header: str) -> str:
    """Lower case, no brackets, punctuation or 'No./#/Number' decorations."""
    text = unicodedata.normalize("NFKC", header).lower().translate(LETTER_FOLD)
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    text = text.replace("'", " ").replace("’", " ").replace("_", " ")
    words = re.findall(r"[\w/]+", text)
    kept = [w.strip("/") for w in words if w not in DECORATION_WORDS]
    return " ".join(w for w in kept if w)


def _lookup() -> dict[str, str]:
    return {normalise_header(s): field for field, words in SYNONYMS.items() for s in words}


def split_group_path(header: str) -> tuple[str, str]:
    """A form tool's header as (group path, question name): Kobo joins groups with '/'
    (`family_members/member_name`), ODK Central with '-' (`family_members-member_name`);
    a header with spaces is a person's wording, where '-' is only punctuation."""
    separators = "/" if any(c.isspace() for c in header.strip()) else "/-"
    cut = max(header.rfind(separator) for separator in separators)
    return (header[:cut], header[cut + 1 :]) if cut >= 0 else ("", header)


def is_submission_metadata(header: str, *, tool_export: bool = False) -> bool:
    """A column a form tool adds itself (`tool_export`: the file is a KoboToolbox or ODK
    Central export), never a person's field."""
    if header in SUBMISSION_METADATA or header.startswith("_submission_"):
        return True
    group, question = split_group_path(header)
    if group == "meta":  # meta/instanceID, meta-instanceID, meta/phonenumber...
        return True
    if tool_export:
        return header in TOOL_EXPORT_METADATA or (not group and question in DEVICE_METADATA)
    return False


def guess_field(header: str, hxl_tag: str | None = None, labels: Iterable[str] = ()) -> str | None:
    """The field a header most likely holds, or None; `labels` are its question's labels
    (an XLSForm's), which decide first."""
    if hxl_tag:
        field = _hxl_field(hxl_tag)
        if field:
            return field
    if is_submission_metadata(header):
        return "source_record_id" if header in SUBMISSION_IDS else None
    for label in labels:
        if field := guess_field(label):
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
    # A form tool's question, before its group path: "household/head_name" is the head's
    # name, not the household its group is named after
    if field := _question_field(header, lookup):
        return field
    # "Phone/WhatsApp", "Name/نام": each part, the last (most specific) first
    for part in reversed(re.split(r"[/|]", key)):
        if part.strip() in lookup:
            return lookup[part.strip()]
    close = difflib.get_close_matches(key, list(lookup), n=1, cutoff=FUZZY_CUTOFF)
    return lookup[close[0]] if close else None


def _question_field(header: str, lookup: dict[str, str]) -> str | None:
    """The field of a header's question without its group path ("family_members/name"),
    then without the role word before it ("member_name"), exactly or with a typo. A role
    word before an id ("hh_ref", "member_id") names the group's or the row's id: not read."""
    question = normalise_header(split_group_path(header)[1])
    if question in lookup:
        return lookup[question]
    person = _without_role_prefix(question)
    close = difflib.get_close_matches(person, list(lookup), n=1, cutoff=FUZZY_CUTOFF)
    field = lookup.get(person) or (lookup[close[0]] if close else None)
    return field if field not in ("source_record_id", "household_ref") else None


def _without_role_prefix(words: str) -> str:
    """`member date of birth` -> `date of birth`; `hh head name` -> `name`."""
    kept = words.split()
    while len(kept) > 1 and kept[0] in ROLE_PREFIXES:
        kept = kept[1:]
    return " ".join(kept)


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


def propose_mapping(
    headers: list[str],
    hxl_tags: dict[str, str] | None = None,
    *,
    labels: dict[str, tuple[str, ...]] | None = None,
    metadata: frozenset[str] = frozenset(),
    groups: dict[str, str] | None = None,
) -> dict:
    """{header: field or None}; each field goes to the first header that claims it (per
    web-form group, or per repeat group of a form tool's export (`groups`): "members/name"
    and "name" may both be names). `labels` are XLSForm labels, `metadata` the columns a
    form tool added (see `readers.SourceTable`)."""
    hxl_tags, labels, groups = hxl_tags or {}, labels or {}, groups or {}
    proposal: dict[str, str | None] = {}
    taken: set[tuple[str, str]] = set()
    for header in headers:
        tag = hxl_tags.get(header) or (header if header.startswith("#") else None)
        if header in metadata:
            field = "source_record_id" if header in SUBMISSION_IDS else None
        elif metadata:  # a form tool's export: a group's name says where, not what
            field = guess_field(split_group_path(header)[1], tag, labels.get(header, ()))
        else:
            field = guess_field(header, tag, labels.get(header, ()))
        group = groups.get(header, header.rpartition("/")[0])
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


def load_mapping_file(path: Path) -> tuple[dict[str, str | None], dict[str, str]]:
    """A mapping and its date orders from a JSON file: {"Column header": "field", ...} (null
    to ignore a column), a date column also as {"field": "birth_date", "date_order": "mdy"}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as error:
        raise MappingError(f"cannot read mapping {path}: {error}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise MappingError(f'{path} must hold one JSON object {{"Column header": "field"}}')
    return split_profile(data, where=str(path))


def split_profile(
    entries: dict, *, where: str = "the mapping"
) -> tuple[dict[str, str | None], dict[str, str]]:
    """A profile's or mapping file's entries as ({header: field}, {header: date order})."""
    mapping: dict[str, str | None] = {}
    orders: dict[str, str] = {}
    for header, entry in entries.items():
        if isinstance(entry, dict):
            mapping[header] = entry.get("field") or None
            if entry.get("date_order"):
                orders[header] = _date_order(entry["date_order"], header, where)
        elif entry is None or isinstance(entry, str):
            mapping[header] = entry or None
        else:
            raise MappingError(f"{where}: {header!r} must map to a field name, null or an object")
    return mapping, orders


def _date_order(written: object, header: str, where: str) -> str:
    order = DATE_ORDER_WORDS.get(str(written).strip().lower())
    if order is None:
        raise MappingError(
            f'{where}: the date order of {header!r} is {written!r}; write "dmy" (day/month/year) '
            'or "mdy" (month/day/year)'
        )
    return order


def merge_profile(
    entries: dict, mapping: dict[str, str | None], date_orders: dict[str, str | None]
) -> dict:
    """A profile's entries with a confirmed mapping and date orders laid over them. A date
    column keeps its saved order when this file said nothing new of it."""
    _, saved_orders = split_profile(entries)
    merged = dict(entries)
    for header, field_name in mapping.items():
        order = date_orders.get(header) or saved_orders.get(header)
        if field_name in DATE_FIELDS and order:
            merged[header] = {"field": field_name, "date_order": order}
        else:
            merged[header] = field_name
    return merged


def date_columns(mapping: dict[str, str | None]) -> list[str]:
    return [header for header, field_name in mapping.items() if field_name in DATE_FIELDS]


@dataclass(frozen=True)
class DateOrderChoice:
    """How a date column's day and month are read, and why (shown with the mapping)."""

    order: str | None  # None: unknown; dates that read both ways are read day first, flagged
    reason: str
    needed: bool = True  # False: no date reads both ways (ISO, year first, or one way only)

    @property
    def label(self) -> str:
        if self.order:
            return DATE_ORDERS[self.order]
        return "unknown: day first, marked uncertain" if self.needed else "not needed"


def choose_date_orders(
    evidence: dict[str, DateOrderEvidence],
    *,
    given: dict[str, str | None] | None = None,
    saved: dict[str, str] | None = None,
) -> dict[str, DateOrderChoice]:
    """Each date column's order: as given (a mapping file), else as the column's own dates
    show it, else as the source's profile saved it, else unknown. A column that shows both
    orders stays unknown: guessing would swap some of its dates."""
    given = {h: o for h, o in (given or {}).items() if o}
    saved = saved or {}
    return {
        header: _choice(seen, given.get(header), saved.get(header))
        for header, seen in evidence.items()
    }


def _choice(seen: DateOrderEvidence, given: str | None, saved: str | None) -> DateOrderChoice:
    if given:
        return DateOrderChoice(given, "given in the mapping")
    if seen.order:
        count = seen.day_first or seen.month_first
        first = seen.first_day_first or seen.first_month_first
        return DateOrderChoice(
            seen.order, f"{count:,} dates can only be read so (the first at {first})"
        )
    if seen.contradictory:
        return DateOrderChoice(None, contradiction(seen))
    if not seen.either:  # 1987-03-14 is year first: no order to choose
        return DateOrderChoice(
            saved, "no date reads both ways (year first, as ISO, or one way only)", needed=False
        )
    if saved:
        return DateOrderChoice(saved, "as saved for this source; no date here shows the order")
    return DateOrderChoice(
        None, "no date shows the order: read day first (Afghan practice), marked uncertain"
    )


def contradiction(seen: DateOrderEvidence) -> str:
    return (
        f"{seen.day_first:,} dates can only be day/month/year (the first at "
        f"{seen.first_day_first}) and {seen.month_first:,} only month/day/year (the first at "
        f"{seen.first_month_first}); dates that read both ways are read day first and marked "
        "uncertain"
    )


def date_order_evidence(
    tables: Iterable["SourceTable"],
    mapping: dict[str, str | None],
    *,
    sample_rows: int | None = None,
) -> dict[str, DateOrderEvidence]:
    """What each date column's dates say of its order: every row of an in-memory table, the
    first `sample_rows` (DATE_ORDER_SAMPLE_ROWS) of a streaming one (they stay in the table,
    to be imported)."""
    check = DateOrderCheck(date_columns(mapping))
    for table in tables:
        check.count_rows(head_rows(table, sample_rows or DATE_ORDER_SAMPLE_ROWS))
    return check.evidence


def head_rows(table: "SourceTable", limit: int) -> list["SourceRow"]:
    """A table's first rows, without using up a streaming table's: those are put back."""
    if isinstance(table.rows, list | tuple):
        return list(table.rows)
    rest = iter(table.rows)
    head = list(islice(rest, limit))
    table.rows = chain(head, rest)
    return head


class DateOrderCheck:
    """Counts each date column's dates that can be read one way only, as rows pass by; each
    distinct value is looked at once."""

    SEEN_LIMIT = 200_000

    def __init__(self, columns: Iterable[str]) -> None:
        self.evidence = {header: DateOrderEvidence() for header in columns}
        self.seen: dict[str, str | None] = {}

    @classmethod
    def over(cls, table: "SourceTable", evidence: dict[str, DateOrderEvidence]) -> "DateOrderCheck":
        """The check of a whole table: an in-memory table's evidence is whole already; a
        streaming table's rows are made to pass through a new check on their way in."""
        check = cls(evidence)
        if isinstance(table.rows, list | tuple):
            check.evidence = evidence
        else:
            table.rows = check.watch(table.rows)
        return check

    def watch(self, rows: Iterable["SourceRow"]) -> Iterator["SourceRow"]:
        """The rows as they come, each counted on its way through."""
        for row in rows:
            self.count_row(row)
            yield row

    def count_rows(self, rows: Iterable["SourceRow"]) -> None:
        for row in rows:
            self.count_row(row)

    def count_row(self, row: "SourceRow") -> None:
        for header, evidence in self.evidence.items():
            value = row.raw.get(header)
            if value:
                evidence.count(self._evidence(value), row.locator)

    def _evidence(self, value: str) -> str | None:
        if value not in self.seen:
            if len(self.seen) >= self.SEEN_LIMIT:
                self.seen.clear()
            self.seen[value] = order_evidence(value)
        return self.seen[value]

    def warnings(self, orders: dict[str, str | None]) -> list[str]:
        """What the whole column said against the order it was read in."""
        warnings = []
        for header, seen in self.evidence.items():
            order = orders.get(header)
            if order and seen.against(order):
                other = MONTH_FIRST if order == DAY_FIRST else DAY_FIRST
                first = seen.first_month_first if order == DAY_FIRST else seen.first_day_first
                warnings.append(
                    f"{header}: read {DATE_ORDERS[order]}, but {seen.against(order):,} dates "
                    f"can only be {DATE_ORDERS[other]} (the first at {first}); those were read "
                    f"so, the dates that read both ways {DATE_ORDERS[order]}: check the column"
                )
            elif order is None and seen.contradictory:
                warnings.append(f"{header}: {contradiction(seen)}")
            elif order is None and seen.order:
                warnings.append(
                    f"{header}: the rows read first showed no order, later ones only "
                    f"{DATE_ORDERS[seen.order]}; dates that read both ways were read day first "
                    "and marked uncertain"
                )
        return warnings


def propose_for_tables(tables: list) -> dict[str, str | None]:
    """One mapping for every sheet of a file: proposed sheet by sheet, so a field taken on one
    sheet is still proposed on another whose headers differ (an English and a Dari sheet)."""
    proposal: dict[str, str | None] = {}
    for table in tables:
        proposed = propose_mapping(
            table.headers,
            table.hxl_tags,
            labels=table.labels,
            metadata=table.metadata,
            groups=table.groups,
        )
        for header, field in proposed.items():
            proposal.setdefault(header, field)
    return proposal


@dataclass(frozen=True)
class UploadProposal:
    """What the upload page proposes: each header's field, and each date column's order."""

    mapping: dict[str, str | None]
    date_orders: dict[str, DateOrderChoice]


def propose_upload(
    tables: list, *, saved: dict[str, str | None], saved_orders: dict[str, str]
) -> UploadProposal:
    """The mapping to propose (the source's saved one where it fits) and each date column's
    day/month order, from every row's dates."""
    headers = list(dict.fromkeys(h for t in tables for h in t.headers))
    mapping = {**propose_for_tables(tables), **{h: f for h, f in saved.items() if h in headers}}
    # a column mapped to a date here only later has its order inferred at the import
    return UploadProposal(
        mapping, choose_date_orders(date_order_evidence(tables, mapping), saved=saved_orders)
    )
