"""The canonical registration record: what every source row becomes after intake.

Intake turns a source row into a `RegistrationRecord`; the scenario generator writes them
directly; linkage reads them back to resolve persons. Its fields are the columns of
`evac link file` too. Values are already normalised: phones E.164, dates Gregorian.
"""

import json
from dataclasses import dataclass, fields

# Compact and sorted: one text per row whatever the key order, the same in every version.
CANONICAL_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
)
RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class RegistrationRecord:
    source_record_id: str | None = None  # the source's own id for the row, if it has one
    given_name: str | None = None
    father_name: str | None = None
    family_name: str | None = None
    full_name: str | None = None  # when a source gives the whole name in one field
    name_native: str | None = None  # Dari/Pashto script
    sex: str | None = None  # "M", "F", "X"
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    birth_date_default: bool = False  # 1 January that may stand for "unknown day"
    # A Solar Hijri year (1365 alone, or 1365/01/01 as "day unknown") runs from March to
    # March: born in birth_year or the year after.
    birth_year_spans_two: bool = False
    # 05/07/1986 from a column whose day/month order is unknown: stored as 5 July, and 7 May
    # is as likely.
    birth_day_month_ambiguous: bool = False
    phone: str | None = None  # E.164
    email: str | None = None
    passport_number: str | None = None
    tazkira_number: str | None = None
    siv_case_number: str | None = None
    us_passport_number: str | None = None
    province: str | None = None
    household_ref: str | None = None  # the source's family, case or group number
    relationship: str | None = None  # a people.models.Role value, relative to the principal
    category_claimed: str | None = None  # what the source says the person is (SIV, LPR, ...)
    nationality: str | None = None  # ISO 3166-1 alpha-3: "AFG", "USA"
    passport_country: str | None = None  # alpha-3 of the state that issued passport_number
    passport_expiry: str | None = None  # ISO date
    # us_passport_number holds any US passport: a "US passport" column, or the passport of a
    # row whose nationality or issuing state is USA.
    us_passport_expiry: str | None = None
    green_card_number: str | None = None  # US permanent resident card (Form I-551)
    green_card_expiry: str | None = None
    visa_number: str | None = None  # a visa foil (MRV-A/MRV-B); an issued SIV is a US visa
    visa_country: str | None = None
    visa_expiry: str | None = None
    id_card_number: str | None = None  # another identity card (ICAO TD1/TD2)
    id_card_country: str | None = None
    id_card_expiry: str | None = None
    com_approval_date: str | None = None  # Chief-of-Mission approval of an SIV case, ISO date
    com_approval_status: str | None = None  # "approved", "pending", "denied" or the source's word
    marital_status: str | None = None  # "married", "single", "widowed" or "divorced"
    # Needs that raise priority, named as the eligibility policy names them ("medical",
    # "pregnancy", "disability", "imminent_threat", "unaccompanied_minor"): read from a list's
    # explicit columns only, never guessed from its notes; none: ().
    priority_flags: tuple[str, ...] = ()
    phone_unverified: bool = False  # phone kept as written: its country was unclear
    # Values kept but flagged for staff ("tazkira_unfamiliar", "passport_shape"); none: ().
    flags: tuple[str, ...] = ()

    def __repr__(self) -> str:  # keep personal data out of logs and tracebacks
        return f"RegistrationRecord(source_record_id={self.source_record_id!r}, <redacted>)"

    def to_json(self) -> str:
        """The set fields as JSON, keys sorted (None, False and no flags left out). Read straight
        from the instance: dataclasses.asdict deep-copies every value and costs ten times more."""
        values = self.__dict__
        return RECORD_ENCODER.encode(
            {
                name: value
                for name in RECORD_FIELD_NAMES
                if (value := values[name]) is not None and value is not False and value != ()
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "RegistrationRecord":
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        for name in TUPLE_FIELDS & data.keys():  # JSON lists; the record holds tuples
            data[name] = tuple(data[name])
        return cls(**{k: v for k, v in data.items() if k in known})


RECORD_FIELD_NAMES = tuple(sorted(f.name for f in fields(RegistrationRecord)))
TUPLE_FIELDS = frozenset({"flags", "priority_flags"})


def canonical_json(raw: dict) -> str:
    """One text for one raw row, whatever the key order: what is stored and hashed."""
    return CANONICAL_ENCODER.encode(raw)


def canonical_bytes(raw: dict) -> bytes:
    """The exact bytes of a raw row that its keyed content hash covers (UTF-8 of
    `canonical_json`): any difference in any cell, even one space, gives another hash."""
    return CANONICAL_ENCODER.encode(raw).encode()
