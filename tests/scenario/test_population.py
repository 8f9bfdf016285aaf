"""Statistical checks of a generated population against the model it claims to follow."""

import math
from collections import Counter, defaultdict
from statistics import mean

import pytest

from evac.intake.mrz import parse_td3
from evac.people.models import Role
from evac.scenario.documents import check_digit, mrz_is_valid, td3_mrz
from evac.scenario.population import (
    CATEGORY_SHARES,
    MEN_ALONE_SHARE,
)
from evac.scenario.service import generate_population
from evac.scenario.sources import SOURCES_BY_KEY
from evac.scenario.vocabulary import male_given_names

PERSONS = 4000


@pytest.fixture(scope="module")
def population():
    return generate_population(persons=PERSONS, seed=7)


def tolerance(share: float, n: int) -> float:
    """Four standard errors of a binomial share, plus a little for the model's conditions."""
    return 4 * math.sqrt(max(share * (1 - share), 0.01) / n) + 0.01


def test_households_are_sized_like_afghan_families(population):
    sizes = [len(h.members) for h in population.households]
    assert min(sizes) >= 1 and max(sizes) <= 12
    families = [size for size in sizes if size > 1]
    assert 5.5 <= mean(families) <= 7.0
    alone = [h for h in population.households if len(h.members) == 1]
    share = len(alone) / len(sizes)
    assert abs(share - MEN_ALONE_SHARE) < tolerance(MEN_ALONE_SHARE, len(sizes)) + 0.02
    assert len(population.persons) >= PERSONS
    assert all(h.members[0].role == Role.principal for h in population.households)
    assert all(sum(m.role == Role.principal for m in h.members) == 1 for h in population.households)


def test_women_and_children_are_the_share_dhs_counted(population):
    """45-46% of evacuees in the US by Sept 3 were women and children (kabul-2021-facts.md)."""
    persons = population.persons
    counted = sum(p.sex == "F" or p.age < 18 for p in persons)
    share = counted / len(persons)
    # households scatter persons more than a binomial: twice the tolerance
    assert abs(share - 0.455) < 2 * tolerance(share, len(persons))


def test_men_alone_are_young_men(population):
    alone = [h.principal for h in population.households if len(h.members) == 1]
    men = [p for p in alone if p.sex == "M"]
    assert len(men) / len(alone) > 0.95  # namesakes copy another principal's sex
    assert all(17 <= p.age <= 66 for p in men)
    assert mean(p.age for p in men) < 35


def test_categories_follow_the_kabul_mix(population):
    persons = population.persons
    shares = Counter(p.category for p in persons)
    for category, expected in CATEGORY_SHARES.items():
        # households are drawn by category, so persons scatter more than a binomial
        assert abs(shares[category] / len(persons) - expected) < 0.05, category


def test_children_are_younger_than_their_parents_and_carry_the_fathers_name(population):
    checked = 0
    for household in population.households:
        parents = [m for m in household.members if m.role in (Role.principal, Role.spouse)]
        father = next((m for m in parents if m.sex == "M"), None)
        for child in (m for m in household.members if m.role == Role.child):
            for parent in parents:
                assert (child.birth - parent.birth).days >= 16 * 365
            if father is not None:
                assert child.father == father.given
            checked += 1
        for elder in (m for m in household.members if m.role == Role.parent):
            assert elder.birth < household.principal.birth
    assert checked > PERSONS / 3


def test_about_a_third_of_persons_arrive_more_than_once(population):
    arrivals = Counter(r.person_id for r in population.registrations)
    assert set(arrivals) == {p.id for p in population.persons}  # nobody is missing
    repeated = sum(1 for n in arrivals.values() if n > 1) / len(arrivals)
    assert 0.27 <= repeated <= 0.42


def test_each_source_shows_its_habits_in_the_stated_shares(population):
    rows_by_source = defaultdict(list)
    for registration in population.registrations:
        rows_by_source[registration.source.key].append(registration)
    assert set(rows_by_source) == set(SOURCES_BY_KEY)
    checked = 0
    for key, rows in rows_by_source.items():
        habits = SOURCES_BY_KEY[key].habits
        for habit in (
            "upper", "typo", "drop_father", "solar_hijri", "year_only", "local_phone", "year_off",
            "day_month_swapped", "tazkira_typo", "no_birth",
        ):  # fmt: skip
            expected = getattr(habits, habit)
            applicable = [r for r in rows if _applies(habit, r)]
            if not applicable:
                continue
            share = sum(habit in r.habits for r in applicable) / len(applicable)
            assert abs(share - expected) <= tolerance(expected, len(applicable)), (key, habit)
            checked += 1
        undated = [r for r in rows if not {"year_only", "no_birth"} & set(r.habits)]
        share = sum("jan1" in r.habits for r in undated) / len(undated)
        assert abs(share - habits.jan1) <= tolerance(habits.jan1, len(undated)), (key, "jan1")
    assert checked >= 35


def _applies(habit: str, registration) -> bool:
    """Whether a row could show the habit: a phone written, a tazkira held, a day and month
    that can be read both ways and written in full."""
    person, habits = registration.person, registration.habits
    if habit == "local_phone":
        return "phone" in registration.values
    if habit == "tazkira_typo":
        return bool(person.tazkira)
    if habit == "day_month_swapped":
        day, month = person.birth.day, person.birth.month
        written_in_full = not {"solar_hijri", "year_only", "jan1"} & set(habits)
        return written_in_full and day <= 12 and day != month
    return True


def _assert_birth_as_written(record, person, habits) -> None:
    """The written date is the person's, but for the wrong year or the swapped day and month
    the row's habits name."""
    assert (record.birth_year is None) == ("no_birth" in habits)
    if record.birth_year is None:
        return
    years = {record.birth_year}
    if record.birth_year_spans_two:  # a Solar Hijri year alone, or 1 Hamal
        years.add(record.birth_year + 1)
    years_off = min(abs(year - person.birth.year) for year in years)
    if "year_off" in habits:
        assert years_off <= 5
        # a year one off can fall in the two years a Solar Hijri year spans
        assert years_off > 0 or record.birth_year_spans_two
    else:
        assert years_off == 0
    if record.birth_month and not record.birth_date_default:
        day_month = (record.birth_day, record.birth_month)
        if "day_month_swapped" in habits:
            day_month = day_month[::-1]
        born = (person.birth.day, person.birth.month)
        if born == (29, 2) and "year_off" in habits:  # no 29 February in most other years
            born = (28, 2)
        assert day_month == born


def test_what_was_written_matches_the_true_person(population):
    """The truth is right: every written value comes from the person the truth names."""
    for registration in population.registrations:
        person, record, values = registration.person, registration.record, registration.values
        clean = not {"typo", "swapped", "fnu", "upper"} & set(registration.habits)
        if clean and values.get("given"):
            spellings = {
                person.given.dari,
                person.given.pashto,
                person.given.arabic,
                *person.given.informal,
            }
            assert values["given"] in spellings
        if record.phone:
            assert record.phone == f"+93{person.phone}"
        if record.passport_number:
            assert record.passport_number == person.passport.number
        if record.tazkira_number:
            mistyped = "tazkira_typo" in registration.habits
            assert (record.tazkira_number == person.tazkira) != mistyped
            assert len(record.tazkira_number) == len(person.tazkira)
        _assert_birth_as_written(record, person, registration.habits)
        if record.sex:
            assert record.sex == person.sex
        if record.relationship:
            assert record.relationship == person.role.value


def test_every_passport_zone_has_valid_check_digits(population):
    passports = [p.passport for p in population.persons if p.passport]
    assert len(passports) > PERSONS / 5
    for passport in passports:
        line1, line2 = passport.mrz
        assert len(line1) == len(line2) == 44
        assert mrz_is_valid(line2)
        read = parse_td3(f"{line1}\n{line2}")  # intake's reader agrees
        assert read.document_number == passport.number
        assert read.nationality == passport.nationality


def test_check_digits_match_the_icao_specimen():
    # ICAO Doc 9303 Part 4 specimen: Anna Maria Eriksson, L898902C3, born 74-08-12.
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("ZE184226B<<<<<") == "1"
    assert check_digit("L898902C36" + "7408122" + "1204159" + "ZE184226B<<<<<1") == "0"
    from datetime import date

    _, line2 = td3_mrz(
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        number="L898902C3",
        nationality="UTO",
        birth=date(1974, 8, 12),
        sex="F",
        expiry=date(2012, 4, 15),
    )
    assert line2 == "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<08"


def test_a_seed_gives_the_same_population_and_another_seed_another():
    first = generate_population(persons=400, seed=11)
    again = generate_population(persons=400, seed=11)
    other = generate_population(persons=400, seed=12)
    assert [r.raw for r in first.registrations] == [r.raw for r in again.registrations]
    assert [r.raw for r in first.registrations] != [r.raw for r in other.registrations]


# The shares docs/scenario.md states for the hard cases, written here and not imported, so that a
# generator that stopped making them fails.
NAMESAKE_SHARE = 0.02  # of principals
TWIN_SHARE = 0.03  # of households with two or more children
SAME_NAME_AS_FATHER = 0.03  # of households with a father and a son


@pytest.fixture(scope="module")
def large_population():
    """Hard cases are rare: 40,000 persons give some thousands of families to count them in."""
    return generate_population(persons=40_000, seed=8)


def at_least(expected: float, n: int) -> float:
    """The lowest share a binomial draw of `n` with mean `expected` reaches but for bad luck."""
    return expected - 4 * math.sqrt(expected * (1 - expected) / n)


def test_namesakes_share_a_common_name_birth_year_and_province(large_population):
    principals = [h.principal for h in large_population.households]
    by_identity = Counter((p.given, p.father, p.birth.year, p.province) for p in principals)
    with_namesake = sum(n for n in by_identity.values() if n > 1)
    # each namesake copies one of the last 50 principals: both of them count
    assert with_namesake / len(principals) >= at_least(NAMESAKE_SHARE, len(principals))
    assert with_namesake / len(principals) <= 2 * NAMESAKE_SHARE + 0.02


def test_twins_are_two_children_born_on_one_day(large_population):
    families = [
        h for h in large_population.households if sum(m.role == Role.child for m in h.members) > 1
    ]
    twins = [
        h
        for h in families
        if len({m.birth for m in h.members if m.role == Role.child})
        < sum(m.role == Role.child for m in h.members)
    ]
    share = len(twins) / len(families)
    assert (
        at_least(TWIN_SHARE, len(families))
        <= share
        <= TWIN_SHARE + tolerance(TWIN_SHARE, len(families))
    )


def test_some_sons_carry_their_fathers_given_name(large_population):
    fathers = [
        h
        for h in large_population.households
        if h.principal.sex == "M" and any(m.role == Role.child and m.sex == "M" for m in h.members)
    ]
    named = [
        h
        for h in fathers
        if any(m.role == Role.child and m.given == h.principal.given for m in h.members)
    ]
    # chance adds a few (Mohammad is common), so only the floor is the model's
    assert len(named) / len(fathers) >= at_least(SAME_NAME_AS_FATHER, len(fathers))
    assert all(
        m.father == h.principal.given for h in named for m in h.members if m.role == Role.child
    )


def test_names_have_realistic_frequencies(population):
    men = [p for p in population.persons if p.sex == "M"]
    first_words = Counter(p.given.dari.split()[0] for p in men)
    assert first_words.most_common(1)[0][0] == "Mohammad"
    assert 0.15 <= first_words["Mohammad"] / len(men) <= 0.4
    assert len({p.given.dari for p in men}) > 300  # a large vocabulary
    vocabulary = {name.dari: name for name in male_given_names()}
    assert vocabulary["Abdorrahman"].pashto == "Abdul Rahman"
    assert vocabulary["Zabihollah"].pashto == "Zabihullah"
    assert "Zabiullah" in vocabulary["Zabihollah"].informal
    assert vocabulary["Mohammad Nabi"].pashto == "Muhammad Nabi"
    assert "Mohd Nabi" in vocabulary["Mohammad Nabi"].informal
    assert vocabulary["Shamsoddin"].pashto == "Shamsuddin"
    assert all(name.native for name in male_given_names())
