"""Dates of birth as partners write them, converted exactly to the Gregorian calendar.

Accepted: ISO (1986-05-12), day/month/year or month/day/year with / - . or spaces, month
names (12 May 1986, May 12, 1986; the Dari جون 1986), compact yyyymmdd, a year alone (also as a
spreadsheet's float, 1986.0), Excel serial numbers, Python dates from spreadsheets, and the
Solar Hijri calendar of Afghan tazkiras (1365/02/22, 22-02-1365, or 1365 alone, marked or not:
SH, HS, AP, "hijri shamsi", ش, ه ش, هـ ش, هجری شمسی, before or after), with its month names
in Dari and Pashto, Latin or native script (12 Hamal 1365, ۱۲ حمل ۱۳۶۵, ۱۲ وری ۱۳۶۵).
Dari/Pashto digits are read too.

Clerks write zeros for what they do not know: 00/00/1985 and 1985-00-00 are the year 1985,
00/06/1985 June 1985: a partial date, never an error. So are the letters forms ask for
(XX-XXX-1968, ??/??/1968, UNK/UNK/1968). A year marked as a guess (~1990, 1990?, ca. 1990,
حدود ۱۳۶۵) or as a year (سال ۱۳۹۳, کال ۱۳۶۵, "year 1990") is that year.

Airline manifests write DDMMMYY (18SEP16, ICAO's form) and clerks and spreadsheets shorten the
year (28/11/07, 01.01.52): a birth date's two-digit year is in the latest century that does not
put the year after today's (16 is 2016, 52 is 1952: nobody registers a child before birth, and
people past a hundred are few). Other dates (an expiry, an approval) need
their four digits.

Day and month order is a property of a column, not of a cell: 03/04/1990 is 3 April in an
Afghan list and 4 March in a US one. The caller passes the column's `order` (DAY_FIRST or
MONTH_FIRST), which `DateOrderEvidence` infers from the column's unambiguous dates (a first
number above 12 can only be a day, a second one only a day too). Without an order (no
evidence, or evidence both ways) a date that reads both ways is taken day first, the Afghan
practice, and flagged `day_month_ambiguous`; a date that reads one way only is read that way.

Conventions that carry meaning are flagged, not hidden: 1 January (and 1 Hamal, the Solar
Hijri new year) is what clerks write when the day is unknown, so such dates set `default`;
a Solar Hijri year spans two Gregorian years (1365 SH = 21 March 1986 to 20 March 1987), so a
year alone (or with the 1 Hamal default) gives the year in which it began, 1986, and
`spans_two_years`. Solar Hijri dates are always day/month/year (or year first).
"""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import jdatetime

from evac.intake.placeholders import is_placeholder

SOLAR_HIJRI_YEARS = range(1280, 1421)  # 1901..2042 Gregorian: no living person's SH year
GREGORIAN_YEARS = range(1900, 2100)
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts a 29 February 1900 that never was)
NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# The Solar Hijri months: Dari (Latin spellings and script), then Pashto. Hamal begins on the
# spring equinox (21 March).
SOLAR_HIJRI_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("hamal", "haml", "حمل", "وری"),
            ("sawr", "saur", "sour", "saor", "sowr", "ثور", "غویی", "غوایی"),
            ("jawza", "jauza", "jowza", "jawzah", "جوزا", "جوزه", "غبرگولی", "غبرګولی"),
            ("saratan", "sartan", "سرطان", "چنگاښ", "چنګاښ"),
            ("asad", "اسد", "زمری"),
            ("sunbula", "sonbola", "sunbulah", "sumbula", "sonbula", "سنبله", "وږی"),
            ("mizan", "meezan", "میزان", "تله"),
            ("aqrab", "akrab", "aqrap", "عقرب", "لړم"),
            ("qaws", "qaus", "qows", "kaus", "قوس", "لیندی"),
            ("jadi", "jaddi", "jady", "جدی", "مرغومی"),
            ("dalw", "dalv", "dalu", "دلو", "سلواغه"),
            ("hut", "hoot", "hout", "حوت", "کب"),
        ],
        start=1,
    )
    for name in names
}
# The Gregorian months as Dari writes them.
DARI_GREGORIAN_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("جنوری",),
            ("فبروری", "فبوری"),
            ("مارچ",),
            ("اپریل",),
            ("می",),
            ("جون",),
            ("جولای", "جولائی"),
            ("اگست", "اګست"),
            ("سپتمبر", "سپتامبر"),
            ("اکتوبر",),
            ("نومبر", "نوامبر"),
            ("دسمبر", "دیسمبر"),
        ],
        start=1,
    )
    for name in names
}
# Arabic and Persian code points for one letter: a month typed on any keyboard is one word.
LETTER_FOLD = str.maketrans(
    {"ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "آ": "ا", "\u200c": ""}
)
# SH, HS (hijri shamsi), AP (anno Persico), the words, and Dari هجری شمسی, ه ش, هـ ش, ش.
_SH_WORDS = (
    r"(?:s\.?\s?h\.?|h\.?\s?s\.?|a\.?\s?p\.?|hijri[\s\-]*shamsi|shamsi|solar hijri"
    r"|هجری شمسی|شمسی|هـ?\.?\s*ش\.?|ش\.?)"
)
SOLAR_HIJRI_MARK = re.compile(
    rf"^[(\[]?\s*{_SH_WORDS}(?![a-z])\s*[)\]]?[\s:]*"
    rf"|(?<![a-z])[\s,]*[(\[]?\s*{_SH_WORDS}\s*[)\]]?$",
    re.I,
)
TIME_OF_DAY = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$")  # "1986-05-12 00:00:00"
YEAR_LAST = re.compile(r"(\d{1,2})[\s/.\-]+(\d{1,2})[\s/.\-]+(\d{4})")
# A day and month, numbers with one separator or a month's name, then two digits of the year.
SHORT_YEAR = re.compile(
    r"(?P<head>\d{1,2}([/.\-])\d{1,2}\2|\d{1,2}[\s\-]?[^\W\d_]{3,9}[\s\-]?)(?P<year>\d{2})"
)
# A manifest's 18SEP2016: the month's name between the day and the year, nothing around it.
GLUED_MONTH = re.compile(r"(\d{1,2})([^\W\d_]{3,9})(\d{4})")
# What forms ask a clerk to write for an unknown day or month: read as a zero.
UNKNOWN_PART = re.compile(r"(?<![^\s/.\-])(?:x+|\?+|unk|nk)(?![^\s/.\-])", re.I)
# A year marked as a guess or as a year: ~1990, 1990?, ca. 1990, approx. 1990, about 1990,
# Dari حدود (about), تقریبا (roughly), سال (year), Pashto کال (year), "year", "born".
ROUGHLY = re.compile(
    r"^(?:~|c\.|ca\.?|circa|approx\.?|approximately|about|abt\.?|around|year|yr\.?|born"
    r"|حدود|تقریبا[ًً]?|سال|کال|متولد)\s*(?=\d)|(?<=\d)\s*(?:\?+|\(?approx\.?\)?)$",
    re.I,
)
DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
EITHER = "either"  # order_evidence of a date that reads both ways: 05/07/1986
DATE_ORDERS = {DAY_FIRST: "day/month/year", MONTH_FIRST: "month/day/year"}


class InvalidDate(ValueError):
    """A date that cannot be read, or one that cannot exist (30 February, the future)."""


class ImpossibleDate(InvalidDate):
    """A date that is read but cannot be (30 February, month 13, a birth in the future): one
    of its numbers is wrong, and the row would mislead with either guess."""


@dataclass(frozen=True)
class BirthDate:
    year: int
    month: int | None = None
    day: int | None = None
    default: bool = False  # 1 January / 1 Hamal: probably "day unknown"
    spans_two_years: bool = False  # a Solar Hijri year: born in `year` or the year after
    solar_hijri: bool = False  # written in the Solar Hijri calendar
    day_month_ambiguous: bool = False  # 05/07/1986 in a column of unknown order: or 7 May


def parse_birth_date(
    value: object, *, order: str | None = None, today: date | None = None
) -> BirthDate | None:
    """The birth date a cell holds, or None when it is empty; raises InvalidDate.

    `order` is the column's DAY_FIRST or MONTH_FIRST, None when unknown (see the module)."""
    today = today or date.today()
    if isinstance(value, str):
        value = with_full_year(value, today)
    birth = read_date(value, order=order)
    return None if birth is None else _checked(birth, today)


def with_full_year(text: str, today: date) -> str:
    """A birth date written with a two-digit year (28/11/07, 18SEP16, 1 Jan 94) with the
    year in full: the latest century that does not put the year after `today`'s."""
    short = SHORT_YEAR.fullmatch(_plain(text))
    if short is None:
        return text
    year = today.year // 100 * 100 + int(short["year"])
    if year > today.year:
        year -= 100
    return f"{short['head']}{year}"


def read_date(value: object, *, order: str | None = None) -> BirthDate | None:
    """Any date a cell holds (a document's expiry, an approval), in every form a birth date
    is read in, not checked against today; None when it is empty; raises InvalidDate."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _gregorian(value.date())
    if isinstance(value, date):
        return _gregorian(value)
    if isinstance(value, int | float):
        return _from_number(value)
    text = _plain(str(value))
    if is_placeholder(text):
        return None
    marked, text = _strip_solar_hijri_mark(ROUGHLY.sub("", text))
    text = GLUED_MONTH.sub(r"\1 \2 \3", UNKNOWN_PART.sub("0", text))
    return _from_text(text, solar_hijri=marked, order=order)


def iso_text(day: BirthDate) -> str:
    """ISO 8601 text of a date, shortened when partial: 1986-05-12, 1986-05, 1986."""
    if day.month is None:
        return f"{day.year:04d}"
    if day.day is None:
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def order_evidence(value: str) -> str | None:
    """DAY_FIRST or MONTH_FIRST when a written Gregorian date can be read only that way
    (25/03/1990, 03/25/1990), EITHER when it reads both ways (05/07/1990), None when it needs
    no order (1990-03-25: ISO is year first; 05/05/1990, 00/06/1990, a Solar Hijri date)."""
    numbers = YEAR_LAST.fullmatch(_plain(with_full_year(value, date.today())))
    if numbers is None or int(numbers[3]) in SOLAR_HIJRI_YEARS:
        return None
    first, second = int(numbers[1]), int(numbers[2])
    if 31 >= first > 12 >= second:
        return DAY_FIRST
    if 31 >= second > 12 >= first:
        return MONTH_FIRST
    if 0 < first <= 12 and 0 < second <= 12 and first != second:
        return EITHER
    return None


@dataclass
class DateOrderEvidence:
    """What one column's unambiguous dates say of its order, and the first row of each kind
    (a row, never a value: a date of birth is personal data)."""

    day_first: int = 0
    month_first: int = 0
    either: int = 0  # dates that read both ways: the ones an order decides
    first_day_first: str | None = None
    first_month_first: str | None = None

    def add(self, value: str, where: str | None = None) -> None:
        self.count(order_evidence(value), where)

    def count(self, evidence: str | None, where: str | None = None) -> None:
        if evidence == DAY_FIRST:
            self.day_first += 1
            self.first_day_first = self.first_day_first or where
        elif evidence == MONTH_FIRST:
            self.month_first += 1
            self.first_month_first = self.first_month_first or where
        elif evidence == EITHER:
            self.either += 1

    @property
    def order(self) -> str | None:
        """The order the column shows, None when it shows none or both."""
        if self.day_first and not self.month_first:
            return DAY_FIRST
        if self.month_first and not self.day_first:
            return MONTH_FIRST
        return None

    @property
    def contradictory(self) -> bool:
        return bool(self.day_first and self.month_first)

    def against(self, order: str | None) -> int:
        """How many dates can be read only in the other order than `order`."""
        if order == DAY_FIRST:
            return self.month_first
        if order == MONTH_FIRST:
            return self.day_first
        return 0


def _plain(text: str) -> str:
    return TIME_OF_DAY.sub("", text.strip().translate(NATIVE_DIGITS))


def _strip_solar_hijri_mark(text: str) -> tuple[bool, str]:
    stripped = SOLAR_HIJRI_MARK.sub("", text)
    return stripped != text, stripped.strip()


def _from_number(number: float) -> BirthDate:
    if number != int(number):
        raise InvalidDate(f"{number} is not a date (a fraction)")
    whole = int(number)
    if whole in GREGORIAN_YEARS or whole in SOLAR_HIJRI_YEARS:
        return _year_only(whole, solar_hijri=whole in SOLAR_HIJRI_YEARS)
    if 0 < whole < 80000:
        return _gregorian(EXCEL_EPOCH + timedelta(days=whole))
    raise InvalidDate(f"{whole} is neither a year nor an Excel date serial")


def _from_text(text: str, *, solar_hijri: bool, order: str | None) -> BirthDate:
    if re.fullmatch(r"\d{4}", text):
        return _year_only(int(text), solar_hijri=solar_hijri or int(text) in SOLAR_HIJRI_YEARS)
    if re.fullmatch(r"\d{8}", text):
        return _three_numbers(int(text[:4]), int(text[4:6]), int(text[6:]), solar_hijri, order)
    if re.fullmatch(r"\d{4,5}\.0+|\d{5}", text):  # a serial, or a float export's 1986.0
        return _from_number(float(text))
    parts = [p for p in re.split(r"[\s/.,\-]+", text) if p]
    if all(p.isdigit() for p in parts) and len(parts) == 3:
        return _three_numbers(*(int(p) for p in parts), solar_hijri, order)
    if all(p.isdigit() for p in parts) and len(parts) == 2:
        return _month_and_year(*(int(p) for p in parts), solar_hijri)
    if len(parts) in (2, 3):
        return _with_month_name(parts, solar_hijri=solar_hijri)
    raise InvalidDate(f"{text!r} is not a date; write it as YYYY-MM-DD, DD/MM/YYYY or a year")


def _year_only(year: int, *, solar_hijri: bool) -> BirthDate:
    if solar_hijri:
        if year not in SOLAR_HIJRI_YEARS:
            raise ImpossibleDate(f"{year} is not a plausible Solar Hijri birth year")
        first_day = jdatetime.date(year, 1, 1).togregorian()
        return BirthDate(first_day.year, spans_two_years=True, solar_hijri=True)
    return BirthDate(year)


def _three_numbers(a: int, b: int, c: int, solar_hijri: bool, order: str | None) -> BirthDate:
    if a >= 1000:  # year first: y/m/d, whatever the column's order
        year, month, day = a, b, c
    elif c >= 1000:  # year last: the column's order decides, unless only one reading exists
        year = c
        if 0 in (a, b):
            return _month_and_year(max(a, b), year, solar_hijri)
        if solar_hijri or year in SOLAR_HIJRI_YEARS:  # tazkiras write day/month/year
            return _solar_hijri(year, b, a)
        return _day_month_year(a, b, year, order)
    else:
        raise InvalidDate(f"{a}/{b}/{c} has no four-digit year; write the year in full")
    if month > 12:
        raise ImpossibleDate(f"{year:04d}-{month:02d}-{day:02d} does not exist")
    if 0 in (month, day):  # 1985-00-00, 1985-06-00: the clerk did not know
        return _month_and_year(month, year, solar_hijri)
    if solar_hijri or year in SOLAR_HIJRI_YEARS:
        return _solar_hijri(year, month, day)
    return _gregorian(_real_date(year, month, day))


def _month_and_year(month: int, year: int, solar_hijri: bool) -> BirthDate:
    """A date whose day (or month too, written 0) is unknown: 00/06/1985, 06/1985, 1985-06.
    A day without its month (15/00/1985) says only the year."""
    if month >= 1000 > year:  # 1985/06
        month, year = year, month
    if year < 1000:
        raise InvalidDate(f"{month}/{year} has no four-digit year; write the year in full")
    solar_hijri = solar_hijri or year in SOLAR_HIJRI_YEARS
    if month > 31:
        raise ImpossibleDate(f"{month} is neither a month nor a day")
    if month == 0 or month > 12:
        return _year_only(year, solar_hijri=solar_hijri)
    if solar_hijri:
        return _solar_hijri_month(year, month)
    return BirthDate(year, month)


def _solar_hijri_month(year: int, month: int) -> BirthDate:
    """A Solar Hijri month without its day: its Gregorian year, flagged when the month runs
    into the next one (Jadi: 22 December to 20 January)."""
    if year not in SOLAR_HIJRI_YEARS:
        raise ImpossibleDate(f"{year} is not a plausible Solar Hijri birth year")
    first = jdatetime.date(year, month, 1).togregorian()
    last = jdatetime.date(year, month, jdatetime.j_days_in_month[month - 1]).togregorian()
    return BirthDate(first.year, spans_two_years=first.year != last.year, solar_hijri=True)


def _day_month_year(first: int, second: int, year: int, order: str | None) -> BirthDate:
    """A Gregorian date with the year last. A date that exists one way only is read that way
    whatever the order (the column check reports it); one that reads both ways follows the
    order, or, without one, is read day first and flagged."""
    if first > 12 >= second:
        order = DAY_FIRST
    elif second > 12 >= first:
        order = MONTH_FIRST
    elif order is None and first != second:
        birth = _gregorian(_real_date(year, second, first))
        return replace(birth, day_month_ambiguous=True)
    day, month = (second, first) if order == MONTH_FIRST else (first, second)
    return _gregorian(_real_date(year, month, day))


def _with_month_name(parts: list[str], *, solar_hijri: bool) -> BirthDate:
    """12 May 1986, May 12 1986, 12 Hamal 1365, ۱۲ حمل ۱۳۶۵, جون 1986: one month name and a
    four-digit year, with or without the day."""
    written = " ".join(parts)
    numbers = [re.sub(r"(st|nd|rd|th)$", "", p.lower()) for p in parts]
    named = [(i, month) for i, word in enumerate(numbers) if (month := _month_name(word))]
    numbers = [n for i, n in enumerate(numbers) if i not in {j for j, _ in named}]
    if len(named) != 1 or not all(n.isdigit() for n in numbers):
        raise InvalidDate(f"{written!r} is not a date")
    calendar, month = named[0][1]
    year = next((int(n) for n in numbers if len(n) == 4), None)
    day = next((int(n) for n in numbers if len(n) <= 2), 0)
    if year is None:
        raise InvalidDate(f"{written!r} needs a four-digit year")
    if calendar == "solar hijri" or solar_hijri:
        if day == 0:
            return _solar_hijri_month(year, month)
        return _solar_hijri(year, month, day)
    if day == 0:
        return BirthDate(year, month)
    return _gregorian(_real_date(year, month, day))


def _month_name(word: str) -> tuple[str, int] | None:
    """("solar hijri" or "gregorian", month number) of a month's name, None for no month."""
    if word.isdigit():
        return None
    folded = word.translate(LETTER_FOLD)
    if folded in SOLAR_HIJRI_MONTHS:
        return "solar hijri", SOLAR_HIJRI_MONTHS[folded]
    month = DARI_GREGORIAN_MONTHS.get(folded) or MONTHS.get(word) or MONTHS.get(word[:3])
    return ("gregorian", month) if month else None


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ImpossibleDate(f"{year:04d}-{month:02d}-{day:02d} does not exist") from None


def _solar_hijri(year: int, month: int, day: int) -> BirthDate:
    try:
        gregorian = jdatetime.date(year, month, day).togregorian()
    except ValueError:
        raise ImpossibleDate(f"{year}/{month:02d}/{day:02d} SH does not exist") from None
    default = (month, day) == (1, 1)  # 1 Hamal: the day, so also the Gregorian year, unknown
    return BirthDate(
        gregorian.year,
        gregorian.month,
        gregorian.day,
        default=default,
        spans_two_years=default,
        solar_hijri=True,
    )


def _gregorian(day: date) -> BirthDate:
    return BirthDate(day.year, day.month, day.day, default=(day.month, day.day) == (1, 1))


def _checked(birth: BirthDate, today: date) -> BirthDate:
    if birth.year < 1900:
        raise ImpossibleDate(f"born in {birth.year}? a living person's birth year is after 1900")
    if (birth.year, birth.month or 1, birth.day or 1) > (today.year, today.month, today.day):
        raise ImpossibleDate(
            f"{birth.year}-{birth.month or 1:02d}-{birth.day or 1:02d} is in the future"
        )
    return birth
