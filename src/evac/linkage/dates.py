"""Dates of birth as linkage evidence: how much a written date really tells.

Afghan tazkiras use the Solar Hijri calendar; many people know only their year; unknown days
are often written as 1 January (or 1 Hamal); a list of unknown day/month order leaves 05/07/1986
either 5 July or 7 May. A date is therefore kept as a range of possible Gregorian birth years
plus, when it is specific, the exact day, and the other reading of a day and month that may be
swapped. Written dates are read by intake's parser (`evac.intake.dates`), so `evac link file`
accepts every form `evac import` does; stored registrations arrive already read
(`record_birth`).
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from evac.intake.dates import InvalidDate
from evac.intake.dates import parse_birth_date as read_written_date

COMPACT_DATE = re.compile(r"\s*((?:19|20)\d\d)\d{4}\s*")  # yyyymmdd


class UnreadableDate(ValueError):
    """A date of birth in no form that intake accepts."""


@dataclass(frozen=True)
class BirthDate:
    """What one written date of birth says: possible years and, if specific, the day."""

    year_low: int
    year_high: int
    exact: date | None = None  # None when only the year is known or the day is a default
    swapped: date | None = None  # the other reading when day and month may be swapped
    month: int | None = None  # known without the day: 00/06/1985

    @property
    def years(self) -> tuple[int, int]:
        return self.year_low, self.year_high

    @property
    def month_text(self) -> str | None:
        """ "1985-06" when the year and month are certain, else None."""
        if self.month is None or self.year_low != self.year_high:
            return None
        return f"{self.year_low}-{self.month:02d}"


def record_birth(
    year: int | None,
    month: int | None = None,
    day: int | None = None,
    *,
    default: bool = False,
    spans_two_years: bool = False,
    day_month_ambiguous: bool = False,
) -> BirthDate | None:
    """A date as intake stores it (`RegistrationRecord.birth_*`) as linkage evidence: a
    1 January or 1 Hamal default counts as its year only; a Solar Hijri year as two years; a
    month without its day (00/06/1985) as that year and month."""
    if year is None:
        return None
    year_high = year + 1 if spans_two_years else year
    if default or not month:
        return BirthDate(year, year_high)
    if not day:  # 00/06/1985: the month is known, the day not
        return BirthDate(year, year_high, month=month)
    swapped = None
    if day_month_ambiguous and day <= 12 and day != month:
        swapped = date(year, day, month)
    return BirthDate(year, year_high, date(year, month, day), swapped)


@lru_cache(maxsize=200_000)  # a list holds few distinct dates; each is read once
def parse_birth_date(text: str | int | float | None, order: str | None = None) -> BirthDate | None:
    """Read a written date of birth in any form intake accepts; None when empty.

    `order` is the column's day/month order (`evac.intake.dates.DAY_FIRST`/`MONTH_FIRST`),
    None when unknown: then 05/07/1986 gives both readings. A compact date whose day or month
    was mistyped (19450493) still gives its year, which intake would refuse to store."""
    try:
        birth = read_written_date(text, order=order)
    except InvalidDate as error:
        compact = COMPACT_DATE.fullmatch(str(text))
        if compact and int(compact[1]) <= date.today().year:
            year = int(compact[1])
            return BirthDate(year, year)
        raise UnreadableDate(f"{text!r} is not a date: {error}") from None
    if birth is None:
        return None
    return record_birth(
        birth.year,
        birth.month,
        birth.day,
        default=birth.default,
        spans_two_years=birth.spans_two_years,
        day_month_ambiguous=birth.day_month_ambiguous,
    )
