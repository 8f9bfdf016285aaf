"""The review queue and one pair as a reviewer reads it.

The queue is ordered the way a reviewer works through it (most likely matches first) and
numbered by position, so "pair 3 of 57" means the same on every page. A pair is shown field by
field, each field marked the same, different or given by one side only, with only the
comparisons that moved the score; dates are shown in the reader's calendar.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jdatetime
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from evac.intake.dates import SOLAR_HIJRI_MONTHS
from evac.linkage.models import LinkDecision, ReviewItem, ReviewStatus
from evac.people.models import Person, Registration
from evac.people.records import RegistrationRecord

# Score bands a reviewer filters by: pairs are queued between 0.50 and 0.95 (cluster.py).
BANDS = {"likely": (0.85, 1.0), "uncertain": (0.65, 0.85), "unlikely": (0.0, 0.65)}
BAND_LABELS = {
    "likely": "Likely the same (85% and above)",
    "uncertain": "Uncertain (65% to 85%)",
    "unlikely": "Unlikely (below 65%)",
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    """What a reviewer narrowed the queue to: a partner (either side's source), a score band."""

    source: str | None = None
    band: str | None = None

    @classmethod
    def of(cls, source: str | None, band: str | None) -> "QueueFilter":
        """A filter from query values; empty or unknown values filter nothing."""
        return cls(source=source or None, band=band if band in BANDS else None)

    def query(self, **more: object) -> str:
        """The filter (and `more`) as a query string, for the links that keep it."""
        values = {"source": self.source, "band": self.band, **more}
        return urlencode({k: v for k, v in values.items() if v is not None})


@dataclass(frozen=True)
class QueueEntry:
    position: int  # 1 for the first pair of the (filtered) queue
    item: ReviewItem
    sources: tuple[str, str]


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    total: int  # open pairs the filter matches
    page: int
    pages: int


def _open_pairs(operation_id: int, filters: QueueFilter) -> Select:
    query = select(ReviewItem).where(
        ReviewItem.operation_id == operation_id, ReviewItem.status == ReviewStatus.open
    )
    if filters.source:
        sources = select(Registration.id).where(Registration.source == filters.source)
        query = query.where(
            or_(
                ReviewItem.registration_a_id.in_(sources),
                ReviewItem.registration_b_id.in_(sources),
            )
        )
    if filters.band:
        low, high = BANDS[filters.band]
        query = query.where(ReviewItem.probability >= low)
        if high < 1.0:
            query = query.where(ReviewItem.probability < high)
    return query


def queue_totals(session: Session, *, operation_id: int) -> dict[str, int]:
    """Open and decided pairs of the operation, unfiltered."""
    counts = dict(
        session.execute(
            select(ReviewItem.status, func.count())
            .where(ReviewItem.operation_id == operation_id)
            .group_by(ReviewItem.status)
        ).all()
    )
    return {status.value: counts.get(status, 0) for status in ReviewStatus}


def queue_sources(session: Session, *, operation_id: int) -> list[str]:
    """The partners whose registrations are in open pairs, for the filter's choices."""
    ids = select(ReviewItem.registration_a_id, ReviewItem.registration_b_id).where(
        ReviewItem.operation_id == operation_id, ReviewItem.status == ReviewStatus.open
    )
    pair_ids = ids.subquery()
    query = (
        select(Registration.source)
        .where(
            or_(
                Registration.id.in_(select(pair_ids.c.registration_a_id)),
                Registration.id.in_(select(pair_ids.c.registration_b_id)),
            )
        )
        .distinct()
        .order_by(Registration.source)
    )
    return list(session.scalars(query))


def queue_size(session: Session, *, operation_id: int, filters: QueueFilter) -> int:
    """How many open pairs the filter matches."""
    query = _open_pairs(operation_id, filters).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def queue_page(
    session: Session, *, operation_id: int, filters: QueueFilter, page: int = 1
) -> QueuePage:
    """One page of the open pairs the filter matches, in queue order, numbered by position."""
    query = _open_pairs(operation_id, filters)
    total = queue_size(session, operation_id=operation_id, filters=filters)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    offset = (page - 1) * PAGE_SIZE
    items = list(
        session.scalars(
            query.order_by(ReviewItem.probability.desc(), ReviewItem.id)
            .offset(offset)
            .limit(PAGE_SIZE)
        )
    )
    sources = pair_sources(session, items)
    entries = [
        QueueEntry(offset + number, item, sources[item.id])
        for number, item in enumerate(items, start=1)
    ]
    return QueuePage(entries=entries, total=total, page=page, pages=pages)


def pair_sources(session: Session, items: list[ReviewItem]) -> dict[int, tuple[str, str]]:
    """Each item's two partners (the registrations' sources), in one query."""
    a, b = aliased(Registration), aliased(Registration)
    rows = session.execute(
        select(ReviewItem.id, a.source, b.source)
        .join(a, a.id == ReviewItem.registration_a_id)
        .join(b, b.id == ReviewItem.registration_b_id)
        .where(ReviewItem.id.in_([item.id for item in items]))
    )
    return {item_id: (left, right) for item_id, left, right in rows}


def _after(item: ReviewItem):
    return or_(
        ReviewItem.probability < item.probability,
        and_(ReviewItem.probability == item.probability, ReviewItem.id > item.id),
    )


def _before(item: ReviewItem):
    return or_(
        ReviewItem.probability > item.probability,
        and_(ReviewItem.probability == item.probability, ReviewItem.id < item.id),
    )


def next_pair(
    session: Session, *, operation_id: int, filters: QueueFilter, item: ReviewItem
) -> ReviewItem | None:
    """The open pair after `item` in queue order (open or just decided); past the last, the
    first still open (pairs skipped earlier come round again). None when nothing is open."""
    query = _open_pairs(operation_id, filters).where(ReviewItem.id != item.id)
    order = (ReviewItem.probability.desc(), ReviewItem.id)
    return session.scalar(query.where(_after(item)).order_by(*order).limit(1)) or session.scalar(
        query.order_by(*order).limit(1)
    )


def previous_pair(
    session: Session, *, operation_id: int, filters: QueueFilter, item: ReviewItem
) -> ReviewItem | None:
    """The open pair before `item` in queue order, None at the first."""
    query = _open_pairs(operation_id, filters).where(_before(item))
    return session.scalar(
        query.order_by(ReviewItem.probability.asc(), ReviewItem.id.desc()).limit(1)
    )


def queue_position(
    session: Session, *, operation_id: int, filters: QueueFilter, item: ReviewItem
) -> int | None:
    """Where an open `item` stands in the filtered queue (1 = first); None if not in it."""
    query = _open_pairs(operation_id, filters)
    if not session.scalar(select(query.where(ReviewItem.id == item.id).exists())):
        return None
    before = query.where(_before(item)).subquery()
    return (session.scalar(select(func.count()).select_from(before)) or 0) + 1


def decision_of(session: Session, item: ReviewItem) -> LinkDecision | None:
    return session.get(LinkDecision, item.decision_id) if item.decision_id else None


# --- one pair, field by field ---------------------------------------------------------------

# What a reviewer compares, in reading order: (record field, label). The date of birth is one
# row made of three fields (see `birth_text`).
SHOWN_FIELDS = (
    ("full_name", "Full name"),
    ("given_name", "Given name"),
    ("father_name", "Father's name"),
    ("family_name", "Family name"),
    ("name_native", "Name in Dari or Pashto script"),
    ("sex", "Sex"),
    ("birth", "Date of birth"),
    ("province", "Province"),
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("tazkira_number", "Tazkira"),
    ("passport_number", "Passport"),
    ("us_passport_number", "US passport"),
    ("green_card_number", "Green card"),
    ("visa_number", "Visa"),
    ("id_card_number", "Identity card"),
    ("siv_case_number", "SIV case"),
    ("com_approval_status", "Chief-of-Mission approval"),
    ("category_claimed", "Category claimed"),
    ("nationality", "Nationality"),
    ("household_ref", "Household or case number"),
    ("relationship", "Relationship to the principal"),
)
SEX_WORDS = {"F": "Female", "M": "Male", "X": "Other"}
# Values stored as codes that the interface translates (the rest is shown as written).
TRANSLATED_FIELDS = ("sex", "relationship")


@dataclass(frozen=True)
class ShownDate:
    """A date as the page shows it: `text` in the reader's calendar and, when that is not the
    Gregorian one, the Gregorian date `beside` it (a left-to-right piece of its own)."""

    text: str
    beside: str | None = None

    def __str__(self) -> str:
        return f"{self.text} ({self.beside})" if self.beside else self.text


@dataclass(frozen=True)
class FieldRow:
    field: str
    label: str
    left: str | ShownDate | None
    right: str | ShownDate | None
    agreement: str  # "same", "differs" or "one side"


def _text(record: RegistrationRecord, field: str, gettext) -> str:
    value = getattr(record, field)
    if value is None:
        return ""
    if field == "sex":
        return gettext(SEX_WORDS.get(value, value))
    if field in TRANSLATED_FIELDS:
        return gettext(str(value))
    return str(value)


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


def _agreement(left, right, same: bool) -> str:
    return "same" if same else "differs" if left and right else "one side"


def compare_records(
    left: RegistrationRecord, right: RegistrationRecord, *, lang_code: str, gettext
) -> list[FieldRow]:
    """The fields either record gives, side by side, each marked same, differs or one side."""
    rows = []
    for field, label in SHOWN_FIELDS:
        if field == "birth":
            texts = birth_text(left, lang_code), birth_text(right, lang_code)
            same = all(texts) and _birth_parts(left) == _birth_parts(right)
        else:
            texts = _text(left, field, gettext), _text(right, field, gettext)
            same = all(texts) and _plain(texts[0]) == _plain(texts[1])
        if any(texts):
            rows.append(FieldRow(field, label, *texts, _agreement(*texts, same)))
    return rows


def _birth_parts(record: RegistrationRecord | Person) -> tuple:
    return record.birth_year, record.birth_month, record.birth_day


# --- the reader's calendar ------------------------------------------------------------------

SOLAR_HIJRI_LANGUAGES = ("fa-AF", "ps")


def _month_names(number: int) -> list[str]:
    """A Solar Hijri month's names in Dari and Pashto script, as intake reads them: Dari's
    first, Pashto's last (intake lists Latin spellings, then Dari's, then Pashto's)."""
    return [
        name for name, month in SOLAR_HIJRI_MONTHS.items() if month == number and not name.isascii()
    ]


def solar_hijri_month(number: int, lang_code: str) -> str:
    names = _month_names(number)
    return names[-1] if lang_code == "ps" else names[0]


def calendar_date(day: date, lang_code: str) -> ShownDate:
    """A whole date in the reader's calendar: 22 ثور 1365 beside 1986-05-12 in Dari and
    Pashto, 1986-05-12 in English."""
    if lang_code not in SOLAR_HIJRI_LANGUAGES:
        return ShownDate(day.isoformat())
    sh = jdatetime.date.fromgregorian(date=day)
    return ShownDate(
        f"{sh.day} {solar_hijri_month(sh.month, lang_code)} {sh.year}", day.isoformat()
    )


def local_time(moment: datetime, time_zone: str, lang_code: str) -> ShownDate:
    """A stored UTC time in the operation's zone, its day in the reader's calendar."""
    here = moment.astimezone(ZoneInfo(time_zone))
    day = calendar_date(here.date(), lang_code)
    return ShownDate(f"{day.text} {here:%H:%M}", day.beside)


def birth_text(record: RegistrationRecord | Person, lang_code: str) -> ShownDate | None:
    """The date of birth (of a registration or a person) as ONE date, partial when the
    source knew only part of it; None when it gives none."""
    year, month, day = _birth_parts(record)
    if year is None:
        return None
    if month and day:
        return calendar_date(date(year, month, day), lang_code)
    if month:
        return _month_text(year, month, lang_code)
    return _year_text(year, getattr(record, "birth_year_spans_two", False), lang_code)


def _month_text(year: int, month: int, lang_code: str) -> ShownDate:
    """June 1985 without its day: in Solar Hijri the two months it overlaps."""
    gregorian = f"{year:04d}-{month:02d}"
    if lang_code not in SOLAR_HIJRI_LANGUAGES:
        return ShownDate(gregorian)
    next_month = date(year + month // 12, month % 12 + 1, 1)
    first = jdatetime.date.fromgregorian(date=date(year, month, 1))
    last = jdatetime.date.fromgregorian(date=next_month - timedelta(days=1))
    start = solar_hijri_month(first.month, lang_code)
    end = solar_hijri_month(last.month, lang_code)
    if first.year == last.year:
        return ShownDate(f"{start} – {end} {first.year}", gregorian)
    return ShownDate(f"{start} {first.year} – {end} {last.year}", gregorian)


def _year_text(year: int, spans_two: bool, lang_code: str) -> ShownDate:
    """A year alone. A Solar Hijri year (1365) runs from March 1986 to March 1987."""
    # The Solar Hijri year that begins in March of Gregorian year Y is Y - 621.
    solar_hijri = lang_code in SOLAR_HIJRI_LANGUAGES
    if spans_two:
        gregorian = f"{year}–{year + 1}"
        if solar_hijri:
            return ShownDate(str(year - 621), gregorian)
        return ShownDate(gregorian, f"{year - 621} SH")
    if solar_hijri:
        return ShownDate(f"{year - 622}–{year - 621}", str(year))
    return ShownDate(str(year))


# --- the evidence that moved the score ------------------------------------------------------

COMPARISON_LABELS = {
    "given_key": "Given name",
    "father_key": "Father's name",
    "family_key": "Family name",
    "native_key": "Name in Dari or Pashto script",
    "birth": "Date of birth",
    "sex": "Sex",
    "passport": "Passport",
    "tazkira": "Tazkira",
    "phone": "Phone",
    "siv_case": "SIV case",
    "email": "E-mail",
    "province": "Province",
    "family": "Household",
}
# Below this a comparison did not move the score (a missing field is exactly 0).
MEANINGFUL_WEIGHT = 0.05
STRONG_WEIGHT = 3.0  # a match weight of 3: eight times likelier one way than the other


@dataclass(frozen=True)
class Evidence:
    comparison: str
    label: str
    level: str
    weight: float
    meaning: str


def _meaning(weight: float) -> str:
    if weight >= STRONG_WEIGHT:
        return "strong sign of one person"
    if weight > 0:
        return "a sign of one person"
    if weight > -STRONG_WEIGHT:
        return "a sign of two people"
    return "strong sign of two people"


def weighty_evidence(weights: dict[str, dict]) -> list[Evidence]:
    """The comparisons that moved the score, the heaviest first."""
    rows = [
        Evidence(name, COMPARISON_LABELS.get(name, name), e["level"], e["weight"],
                 _meaning(e["weight"]))
        for name, e in weights.items()
        if abs(e["weight"]) >= MEANINGFUL_WEIGHT
    ]  # fmt: skip
    return sorted(rows, key=lambda evidence: -abs(evidence.weight))
