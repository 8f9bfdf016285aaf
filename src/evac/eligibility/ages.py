"""Ages on a given day from the birth dates Afghan lists write: often the year alone.

A tazkira gives a year, a Solar Hijri year spans two Gregorian ones, and 1 January stands for
"day unknown": such a date is the span of days it may mean, and an age limit is certain only
when the whole span falls on one side of it.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from evac.intake.dates import BirthDate


@dataclass(frozen=True, slots=True)
class BirthSpan:
    """The first and the last day a written birth date may mean."""

    earliest: date
    latest: date

    def ages_on(self, day: date) -> tuple[int, int]:
        """(youngest, oldest) age the person may be on `day`."""
        return age_on(self.latest, day), age_on(self.earliest, day)

    def is_under(self, limit: int, day: date) -> bool | None:
        """True or False when certain on `day`, None when the span straddles the limit."""
        youngest, oldest = self.ages_on(day)
        if oldest < limit:
            return True
        if youngest >= limit:
            return False
        return None

    def at_least(self, years: int, day: date) -> bool:
        """Certainly `years` old or more on `day`."""
        return age_on(self.latest, day) >= years

    def __str__(self) -> str:
        if self.earliest == self.latest:
            return self.earliest.isoformat()
        return f"between {self.earliest.isoformat()} and {self.latest.isoformat()}"


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_span(birth: BirthDate) -> BirthSpan:
    """The days a written birth date may mean (see the module)."""
    if birth.month is None or birth.default:
        if birth.solar_hijri:  # its year runs from Nowruz (20 or 21 March) to the next
            return BirthSpan(date(birth.year, 3, 20), date(birth.year + 1, 3, 21))
        return BirthSpan(date(birth.year, 1, 1), date(birth.year, 12, 31))
    if birth.day is None:
        last_day = monthrange(birth.year, birth.month)[1]
        return BirthSpan(date(birth.year, birth.month, 1), date(birth.year, birth.month, last_day))
    written = date(birth.year, birth.month, birth.day)
    if birth.day_month_ambiguous:  # 05/07/2001 from a list of unknown order: or 7 May
        swapped = date(birth.year, birth.day, birth.month)
        return BirthSpan(min(written, swapped), max(written, swapped))
    return BirthSpan(written, written)
