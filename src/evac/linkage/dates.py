"""Dates of birth as linkage evidence: how much a written date really tells.

Afghan tazkiras use the Solar Hijri calendar; many people know only their year; unknown days
are often written as 1 January. A date is therefore kept as a range of possible Gregorian birth
years plus, when it is specific, the exact day. (evac.intake will parse dates for storage; this
parser only serves `evac link file`, whose input may hold any of those forms.)
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import jdatetime

_SOLAR_HIJRI_YEARS = range(1280, 1420)  # 1901..2041 Gregorian
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(1, 60000)  # up to 2064
_NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = {name: number for number, name in enumerate(_MONTHS, 1)}


class UnreadableDate(ValueError):
    """A date of birth in no form that intake accepts."""


class _AmbiguousDay(ValueError):
    """05/07/1986: 5 July or 7 May; only the year is certain."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


@dataclass(frozen=True)
class BirthDate:
    """What one written date of birth says: possible years and, if specific, the day."""

    year_low: int
    year_high: int
    exact: date | None = None  # None when only the year is known or the day is a default

    @property
    def years(self) -> tuple[int, int]:
        return self.year_low, self.year_high


def _from_solar_hijri(year: int, month: int, day: int) -> date:
    return jdatetime.date(year, month, day).togregorian()


def _year_only(year: int) -> BirthDate:
    if year in _SOLAR_HIJRI_YEARS:  # 1365 SH runs from March 1986 to March 1987
        return BirthDate(year + 621, year + 622)
    return BirthDate(year, year)


def _specific(day: date) -> BirthDate:
    if day.month == 1 and day.day == 1:  # the usual stand-in for "day unknown"
        return BirthDate(day.year, day.year)
    return BirthDate(day.year, day.year, day)


def _three_parts(a: int, b: int, c: int) -> date:
    """y/m/d, d/m/y, or m/d/y when only that reading is a real date."""
    if a > 31:  # year first
        if a in _SOLAR_HIJRI_YEARS:
            return _from_solar_hijri(a, b, c)
        return date(a, b, c)
    year = c + (1900 if 30 <= c < 100 else 2000 if c < 30 else 0) if c < 100 else c
    if year in _SOLAR_HIJRI_YEARS:
        return _from_solar_hijri(year, b, a)
    if a > 12:
        return date(year, b, a)
    if b > 12:
        return date(year, a, b)
    if a == b:
        return date(year, a, b)
    raise _AmbiguousDay(year)


def _with_month_name(value: str) -> date | None:
    """04-Jun-1987, 4 June 1987, Jun 4, 1987: English month names, as visa and staff lists
    write them; the name fixes the month, so no day/month ambiguity is left."""
    words = re.findall(r"[A-Za-z]+", value)
    numbers = [int(n) for n in re.findall(r"\d+", value)]
    if len(words) != 1 or len(numbers) != 2:
        return None
    month = _MONTH_NAMES.get(words[0][:3].lower())
    if month is None:
        return None
    day, year = sorted(numbers)  # the year is the larger, written in four digits
    return date(year, month, day) if year > 31 else None


@lru_cache(maxsize=100_000)  # a list holds few distinct dates
def parse_birth_date(text: str | int | float | None) -> BirthDate | None:
    """Read a date of birth in any form intake accepts; None when empty.

    ISO dates, d/m/y, m/d/y when unambiguous, compact yyyymmdd, a year alone, Solar Hijri
    years and dates (1365, 1365/05/12), Excel serial numbers, English month names (04-Jun-1987).
    """
    if text is None:
        return None
    value = str(text).strip().translate(_NATIVE_DIGITS)
    if not value or value.lower() in {"nan", "none", "null", "unknown", "-"}:
        return None
    value = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2})?.*$", "", value)
    try:
        if re.fullmatch(r"\d{4}", value):
            return _year_only(int(value))
        if re.fullmatch(r"\d{8}", value):
            year = int(value[:4])
            try:
                return _specific(_three_parts(year, int(value[4:6]), int(value[6:])))
            except ValueError:  # 19450493: the day or month was mistyped, the year stands
                return _year_only(year)
        if re.fullmatch(r"\d{1,5}(\.0+)?", value) and int(float(value)) in _EXCEL_SERIALS:
            return _specific(_EXCEL_EPOCH + timedelta(days=int(float(value))))
        parts = re.split(r"[-/.\s]+", value)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return _specific(_three_parts(*(int(p) for p in parts)))
        named = _with_month_name(value)
        if named is not None:
            return _specific(named)
    except _AmbiguousDay as ambiguous:
        return _year_only(ambiguous.year)
    except ValueError as error:
        raise UnreadableDate(f"{value!r} is not a date: {error}") from None
    raise UnreadableDate(
        f"{value!r} is not a date in a known form (use YYYY-MM-DD, DD/MM/YYYY, YYYY or 1365/05/12)"
    )
