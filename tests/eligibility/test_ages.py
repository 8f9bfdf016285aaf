"""Ages on a day from the birth dates lists write: a year alone, a Solar Hijri year, 1 January."""

from datetime import date

from evac.eligibility.ages import birth_span
from evac.intake.dates import parse_birth_date

DAY = date(2021, 8, 25)


def _span(text):
    return birth_span(parse_birth_date(text, today=DAY))


def test_a_full_date_is_one_day():
    span = _span("2001-03-01")
    assert span.earliest == span.latest == date(2001, 3, 1)
    assert span.ages_on(DAY) == (20, 20)


def test_a_year_alone_and_1_january_mean_the_whole_year():
    assert _span("2000").ages_on(DAY) == (20, 21)
    assert _span("2000-01-01").ages_on(DAY) == (20, 21)
    assert _span("2000").is_under(21, DAY) is None
    assert _span("1998").is_under(21, DAY) is False
    assert _span("2002").is_under(21, DAY) is True


def test_a_solar_hijri_year_spans_two_gregorian_years():
    span = _span("1365")  # 21 March 1986 to 20 March 1987
    assert (span.earliest.year, span.latest.year) == (1986, 1987)
    assert span.ages_on(DAY) == (34, 35)


def test_a_date_that_reads_both_ways_spans_both_readings():
    span = _span("05/07/2001")
    assert (span.earliest, span.latest) == (date(2001, 5, 7), date(2001, 7, 5))


def test_over_65_only_when_certain():
    assert _span("1950-01-05").at_least(65, DAY)
    assert not _span("1956").at_least(65, DAY)  # 64 or 65
