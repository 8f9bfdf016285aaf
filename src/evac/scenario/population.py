"""Households and persons of a synthetic evacuee population: the ground truth.

Households follow Afghan family structure (principal, spouse, children, sometimes a parent or
siblings of the principal); children carry their father's given name as father's name; a family
or tribal name is known for some households only. Categories follow the Kabul 2021 mix
(evac/scenario/data/kabul-2021-facts.md; see docs/scenario.md for the figures used).
"""

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from evac.people.models import Role
from evac.scenario.documents import (
    afghan_passport_number,
    e_tazkira_number,
    paper_tazkira,
    siv_case_number,
    td3_mrz,
    us_passport_number,
)
from evac.scenario.names import FAMILY_NAMES, PROVINCES, NamePart
from evac.scenario.vocabulary import GivenName, female_given_names, male_given_names

# Share of households by category. Persons: about 13% US citizens and their families, 8% LPRs,
# the rest SIV applicants/holders, staff, referrals and other at-risk Afghans (DHS, Sept 2021).
CATEGORY_SHARES = {
    "us_citizen": 0.12,
    "lpr": 0.08,
    "siv": 0.38,
    "local_staff": 0.06,
    "refugee_referral": 0.12,
    "third_country": 0.03,
    "at_risk": 0.21,
}
# Household sizes 1..12, mean about 5.7 (Afghan households average 7-8 people; the evacuated
# nuclear families were smaller).
HOUSEHOLD_SIZE_WEIGHTS = (6, 7, 9, 12, 14, 14, 12, 9, 7, 5, 3, 2)
TWIN_SHARE = 0.03  # households with two or more children that have twins
SAME_NAME_AS_FATHER = 0.03  # households whose eldest son carries his father's given name
NAMESAKE_SHARE = (
    0.02  # principals who share given, father's name, birth year, province with another
)
FAMILY_NAME_KNOWN = 0.6
# Households that are one man alone: SIV principals whose families stayed behind, young men who
# got through the gates. DHS counted 45-46% women and children among the ~40,000 evacuees in the
# US by Sept 3 (scenario/data/kabul-2021-facts.md); families alone give about 76%, so most
# households (not most persons) must be men alone for the persons to match that figure.
MEN_ALONE_SHARE = 0.795
REFERENCE_DAY = date(2021, 8, 15)  # ages are taken on the day Kabul fell
THIRD_COUNTRY_NATIONALITIES = ("PAK", "IND", "TJK", "UZB", "IRN", "TUR")


@dataclass(frozen=True)
class Passport:
    number: str
    nationality: str
    expiry: date
    surname: str
    given_names: str
    birth: date
    sex: str

    def __repr__(self) -> str:
        return "Passport(<redacted>)"

    @property
    def mrz(self) -> tuple[str, str]:
        """The machine-readable zone (made on demand: few sources copy it)."""
        return td3_mrz(
            surname=self.surname,
            given_names=self.given_names,
            number=self.number,
            nationality=self.nationality,
            birth=self.birth,
            sex=self.sex,
            expiry=self.expiry,
        )


@dataclass(slots=True)
class Person:
    id: int
    household_id: int
    role: Role
    sex: str
    given: GivenName
    father: GivenName | None
    family: NamePart | None
    birth: date
    province: str
    category: str
    phone: str  # national significant number, 9 digits starting with 7
    email: str | None = None
    passport: Passport | None = None
    us_passport: str | None = None
    tazkira: str | None = None  # e-tazkira 4-4-5 digits, or "volume/page/number" on paper
    siv_case: str | None = None

    def __repr__(self) -> str:
        return f"Person(id={self.id}, <redacted>)"

    @property
    def age(self) -> int:
        return (REFERENCE_DAY - self.birth).days // 365


@dataclass(slots=True)
class Household:
    id: int
    category: str
    province: str
    members: list[Person] = field(default_factory=list)

    @property
    def principal(self) -> Person:
        return self.members[0]


class _Sampler:
    """Weighted choice by bisecting cumulative weights: fast for large vocabularies."""

    def __init__(self, items, weights) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]


class PopulationBuilder:
    """Draws households one after another from one random stream (deterministic for a seed)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        male, female = male_given_names(), female_given_names()
        self.male = _Sampler(male, [n.weight for n in male])
        self.female = _Sampler(female, [n.weight for n in female])
        self.family_name = _Sampler(FAMILY_NAMES, [p.weight for p in FAMILY_NAMES])
        self.province = _Sampler([p[0] for p in PROVINCES], [p[2] for p in PROVINCES])
        self.category = _Sampler(CATEGORY_SHARES, CATEGORY_SHARES.values())
        self.size = _Sampler(range(1, 13), HOUSEHOLD_SIZE_WEIGHTS)
        self.next_person = 1
        self.next_household = 1
        self.recent_principals: list[Person] = []

    def household(self) -> Household:
        rng = self.rng
        household = Household(self.next_household, self.category(rng), self.province(rng))
        self.next_household += 1
        alone = rng.random() < MEN_ALONE_SHARE
        size = 1 if alone else self.size(rng)
        family = self.family_name(rng) if rng.random() < FAMILY_NAME_KNOWN else None
        principal = self._principal(household, family, man_alone=alone)
        household.members.append(principal)
        slots = size - 1
        spouse = None
        if slots and rng.random() < 0.92:
            spouse = self._spouse(household, principal, family)
            household.members.append(spouse)
            slots -= 1
        if slots >= 2 and principal.age < 50 and rng.random() < 0.12:
            household.members.append(self._parent(household, principal, family))
            slots -= 1
        while slots >= 2 and rng.random() < 0.10:
            household.members.append(self._sibling(household, principal, family))
            slots -= 1
        self._children(household, principal, spouse, family, slots)
        self._documents(household)
        return household

    def _person(
        self,
        household: Household,
        role: Role,
        sex: str,
        given: GivenName,
        father: GivenName | None,
        family: NamePart | None,
        birth: date,
    ) -> Person:
        person = Person(
            id=self.next_person,
            household_id=household.id,
            role=role,
            sex=sex,
            given=given,
            father=father,
            family=family,
            birth=birth,
            province=household.province,
            category=household.category,
            phone="",
        )
        self.next_person += 1
        return person

    def _birth(self, age_low: float, age_high: float, mode: float | None = None) -> date:
        age = self.rng.triangular(age_low, age_high, mode if mode is not None else age_low)
        return REFERENCE_DAY - timedelta(days=int(age * 365.25))

    def _principal(
        self, household: Household, family: NamePart | None, *, man_alone: bool
    ) -> Person:
        rng = self.rng
        if self.recent_principals and rng.random() < NAMESAKE_SHARE:
            return self._namesake(household, family)
        male = man_alone or rng.random() < 0.88
        given = self.male(rng) if male else self.female(rng)
        birth = self._birth(18, 50, 26) if man_alone else self._birth(20, 65, 34)
        principal = self._person(
            household, Role.principal, "M" if male else "F", given, self.male(rng), family, birth
        )
        self.recent_principals = [*self.recent_principals[-50:], principal]
        return principal

    def _namesake(self, household: Household, family: NamePart | None) -> Person:
        """A different man with the same given name, father's name, birth year and province."""
        other = self.rng.choice(self.recent_principals)
        household.province = other.province
        birth = date(other.birth.year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return self._person(
            household, Role.principal, other.sex, other.given, other.father, family, birth
        )

    def _spouse(self, household: Household, principal: Person, family: NamePart | None) -> Person:
        rng = self.rng
        male = principal.sex == "F"
        given = self.male(rng) if male else self.female(rng)
        gap = rng.triangular(-4, 12, 5) * (-1 if male else 1)
        birth = principal.birth + timedelta(days=int(gap * 365.25))
        birth = min(birth, REFERENCE_DAY - timedelta(days=int(17 * 365.25)))
        own_family = family if rng.random() < 0.5 else None
        return self._person(
            household, Role.spouse, "M" if male else "F", given, self.male(rng), own_family, birth
        )

    def _parent(self, household: Household, principal: Person, family: NamePart | None) -> Person:
        rng = self.rng
        older = principal.birth - timedelta(days=int(rng.uniform(20, 35) * 365.25))
        if rng.random() < 0.4 and principal.father is not None:  # the principal's father
            return self._person(
                household, Role.parent, "M", principal.father, self.male(rng), family, older
            )
        return self._person(
            household, Role.parent, "F", self.female(rng), self.male(rng), None, older
        )

    def _sibling(self, household: Household, principal: Person, family: NamePart | None) -> Person:
        rng = self.rng
        male = rng.random() < 0.5
        offset = rng.uniform(-6, 10) * 365.25
        birth = min(principal.birth + timedelta(days=int(offset)), REFERENCE_DAY)
        given = self.male(rng) if male else self.female(rng)
        return self._person(
            household, Role.sibling, "M" if male else "F", given, principal.father, family, birth
        )

    def _children(
        self,
        household: Household,
        principal: Person,
        spouse: Person | None,
        family: NamePart | None,
        count: int,
    ) -> None:
        rng = self.rng
        parents = [p for p in (principal, spouse) if p is not None]
        father = next((p for p in parents if p.sex == "M"), None)
        youngest_parent = max(parents, key=lambda p: p.birth)
        first_possible = youngest_parent.birth + timedelta(days=int(16 * 365.25))
        span = max((REFERENCE_DAY - first_possible).days, 1)
        births = sorted(first_possible + timedelta(days=rng.randrange(span)) for _ in range(count))
        if count >= 2 and rng.random() < TWIN_SHARE:
            births[1] = births[0]
        father_given = father.given if father else None
        named_after_father = father is not None and rng.random() < SAME_NAME_AS_FATHER
        for birth in births:
            male = rng.random() < 0.51
            given = self.male(rng) if male else self.female(rng)
            if male and named_after_father:
                given, named_after_father = father_given, False
            child_father = father_given or self.male(rng)
            household.members.append(
                self._person(
                    household, Role.child, "M" if male else "F", given, child_father, family, birth
                )
            )

    def _documents(self, household: Household) -> None:
        rng = self.rng
        principal = household.principal
        principal.phone = f"7{rng.choice('0012345789')}{rng.randrange(10_000_000):07d}"
        volume_page = rng.randrange(10**9)
        case = siv_case_number(rng.choice((2015, 2017, 2019, 2020, 2021)), rng.randrange(10**6))
        nationality = rng.choice(THIRD_COUNTRY_NATIONALITIES)
        for order, person in enumerate(household.members):
            adult = person.age >= 18
            if person is not principal:
                own_phone = adult and rng.random() < 0.45
                person.phone = (
                    f"7{rng.choice('0012345789')}{rng.randrange(10_000_000):07d}"
                    if own_phone
                    else principal.phone
                )
            if adult and rng.random() < (0.4 if person is principal else 0.06):
                person.email = _email(person, rng)
            self._identity_documents(household, person, order, volume_page, case, nationality)

    def _identity_documents(
        self,
        household: Household,
        person: Person,
        order: int,
        volume_page: int,
        case: str,
        nationality: str,
    ) -> None:
        rng = self.rng
        category = household.category
        adult = person.age >= 18
        siv_eligible = category in ("siv", "local_staff")  # staff apply for SIVs too
        if siv_eligible and person.role in (Role.principal, Role.spouse, Role.child):
            person.siv_case = case
        if category == "us_citizen" and (person.role == Role.principal or rng.random() < 0.4):
            person.us_passport = us_passport_number(rng.randrange(10**9))
        passport_share = 0.7 if category in ("siv", "local_staff", "lpr") else 0.4
        if category == "third_country":
            passport_share = 0.95
        if rng.random() < (passport_share if adult else passport_share / 2):
            person.passport = self._passport(
                person, nationality if category == "third_country" else "AFG"
            )
        if category != "third_country" and rng.random() < (0.92 if adult else 0.7):
            if rng.random() < 0.35:
                issued = rng.choice((1397, 1398, 1399, 1400))
                person.tazkira = e_tazkira_number(issued, rng.randrange(10**9))
            else:  # one family's paper tazkiras share a volume and page, numbered in a row
                volume, page, number = paper_tazkira(volume_page)
                person.tazkira = f"{volume}/{page}/{number + order}"

    def _passport(self, person: Person, nationality: str) -> Passport:
        rng = self.rng
        number = afghan_passport_number(rng.randrange(10**8))
        expiry = REFERENCE_DAY + timedelta(days=rng.randrange(-400, 3000))
        surname = person.family.dari if person.family else person.given.dari.split()[-1]
        given = person.given.dari if person.family else " ".join(person.given.dari.split()[:-1])
        return Passport(number, nationality, expiry, surname, given, person.birth, person.sex)


def _email(person: Person, rng: random.Random) -> str:
    words = person.given.pashto.lower().replace("-", "").split()
    local = words[-1] + (f".{person.family.pashto.lower()}" if person.family else "")
    domain = rng.choice(("gmail.com", "gmail.com", "yahoo.com", "hotmail.com", "outlook.com"))
    return f"{local}{rng.randrange(10, 9999)}@{domain}"


def generate_households(*, persons: int, seed: int):
    """Households until at least `persons` persons exist (the last household is kept whole)."""
    builder = PopulationBuilder(seed)
    made = 0
    while made < persons:
        household = builder.household()
        made += len(household.members)
        yield household
