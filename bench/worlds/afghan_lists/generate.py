#!/usr/bin/env python3
"""Generate a labelled world of Afghan-style evacuee lists, independent of evac (see README.md).

    python3 generate.py --persons 20000 --seed 1 --out DIR [--with-households]

writes DIR/records.csv (one row a registration as one list wrote it) and DIR/truth.csv
(record_id, person_id). Standard library only; deterministic for a seed.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
LIST_DAY = date(2021, 8, 20)  # the lists were written in the last days of the airlift
# fmt: off
COLUMNS = [
    "record_id", "given_name", "father_name", "family_name", "full_name", "full_name_native", "sex",
    "date_of_birth", "phone", "passport_number", "tazkira_number", "province", "email",
    "siv_case_number",
]
# fmt: on


# ---------------------------------------------------------------- weighted choice


class Pool:
    """Items with weights; pick() is a binary search on cumulative weights."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


def pool(mapping: dict) -> Pool:
    return _pool(tuple(mapping.items()))


@functools.cache
def _pool(pairs: tuple) -> Pool:
    return Pool([item for item, _ in pairs], [weight for _, weight in pairs])


def zipf_pool(items, exponent: float = 0.9) -> Pool:
    """Popularity falls with rank, so common names (Mohammad, Ahmad) make namesakes as in life."""
    return Pool(items, [1.0 / (rank + 1) ** exponent for rank in range(len(items))])


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


# ---------------------------------------------------------------- names


@dataclass(frozen=True)
class Token:
    native: str
    spellings: tuple
    sun: str = ""

    @property
    def key(self) -> str:
        return self.spellings[0]


@dataclass(frozen=True)
class Unit:
    """One part of a given name: a word, or Abdul X, X-ullah, X-uddin written as one name."""

    kind: str
    token: Token


def read_sections(path: str) -> dict:
    sections: dict = {}
    current: list = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if line.startswith("## "):
                current = sections.setdefault(line[3:].strip(), [])
                continue
            if not line or line.startswith("#"):
                continue
            current.append([part.strip() for part in line.split("|")])
    return sections


def split_commas(text: str) -> tuple:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def tokens(rows) -> list:
    return [Token(row[0], split_commas(row[1])) for row in rows]


@dataclass
class Province:
    native: str
    spellings: Pool
    cities: Pool
    districts: list
    code: str


class Names:
    def __init__(self, path: str):
        sections = read_sections(path)
        self.prefix = tokens(sections["male_prefix"])
        self.proper = tokens(sections["male_proper"])
        self.partner = {token.key: token for token in tokens(sections["male_partner"])}
        self.abd = [
            Token(row[0], split_commas(row[2]), "" if row[1] == "-" else row[1])
            for row in sections["abd"]
        ]
        self.ullah = tokens(sections["ullah"])
        self.uddin = tokens(sections["uddin"])
        self.female = tokens(sections["female"])
        self.female_partner = {token.key: token for token in tokens(sections["female_partner"])}
        self.tribe = tokens(sections["tribe"])
        self.surname = tokens(sections["surname"])
        self.place = tokens(sections["place"])
        self.lineage = tokens(sections["lineage"])
        self.by_key = {token.key: token for token in self.prefix + self.proper}
        self.provinces = []
        weights = []
        for index, row in enumerate(sections["provinces"]):
            weights.append(float(row[0]))
            self.provinces.append(
                Province(
                    row[1],
                    geometric(split_commas(row[2]), 0.12),
                    geometric(split_commas(row[3]), 0.4),
                    list(split_commas(row[4])),
                    f"{index + 1:02d}",
                )
            )
        self.province_pool = Pool(self.provinces, weights)
        self.proper_pool = zipf_pool(self.proper)
        self.female_pool = zipf_pool(self.female)
        self.abd_pool = zipf_pool(self.abd)
        self.ullah_pool = zipf_pool(self.ullah)
        self.uddin_pool = zipf_pool(self.uddin)
        # Mohammad leads far ahead of the other "subordinate" parts (Megerdoomian 2009);
        # Sayed heads a name only in Sayed families (see World.given_for).
        weights = {"Mohammad": 45, "Ahmad": 12, "Ghulam": 12, "Noor": 8, "Mir": 5, "Shah": 4}
        self.prefix_pool = Pool(
            self.prefix, [weights.get(t.key, 0 if t.key == "Sayed" else 3) for t in self.prefix]
        )
        self.tribe_pool = zipf_pool(self.tribe, 0.6)
        self.surname_pool = zipf_pool(self.surname, 0.6)
        self.place_pool = zipf_pool(self.place, 0.6)
        self.lineage_pool = zipf_pool(self.lineage, 0.6)

    def word(self, key: str) -> Token:
        return self.partner.get(key) or self.by_key[key]


def geometric(spellings, ratio: float = 0.5) -> Pool:
    """The first spelling is the usual one; each further one `ratio` times as likely."""
    return Pool(spellings, [ratio**rank for rank in range(len(spellings))])


# Abdul + attribute of God: the Pashto standard writes "Abdul Rahman", the Dari one "Abdorrahman",
# Arabic-style writers "Abd al-Rahman" (interscript/maps ODNI and BGN/PCGN notes).
ABD_STYLES = {
    "Abdul {a}": 0.40,
    "Abdul{al}": 0.15,
    "Abdul-{a}": 0.04,
    "Abd al-{a}": 0.03,
    "Abdel {a}": 0.02,
    "Abdol {a}": 0.04,
    "Abdol{al}": 0.03,
    "Abd-ul-{a}": 0.02,
    "Abdu{s}{al}": 0.10,
    "Abdo{s}{al}": 0.05,
    "Abdu{s} {a}": 0.04,
}
ULLAH_STYLES = {
    "{b}ullah": 0.50,
    "{b}ulla": 0.07,
    "{b}allah": 0.06,
    "{b}ollah": 0.06,
    "{b} Ullah": 0.10,
    "{b}-ullah": 0.04,
    "{b}ulah": 0.05,
    "{b} Ulla": 0.02,
}
UDDIN_STYLES = {
    "{b}uddin": 0.45,
    "{b}udin": 0.10,
    "{b}oddin": 0.08,
    "{b} Uddin": 0.10,
    "{b}-ud-Din": 0.07,
    "{b} al-Din": 0.03,
    "{b}eddin": 0.04,
    "{b} Ud Din": 0.03,
    "{b}uddeen": 0.03,
}


@functools.cache
def unit_forms(unit: Unit) -> Pool:
    """Every Latin spelling of a unit with its weight."""
    spelling_weights = {spelling: 0.5**rank for rank, spelling in enumerate(unit.token.spellings)}
    forms: dict = {}
    if unit.kind == "word":
        forms = spelling_weights
    else:
        styles = {"abd": ABD_STYLES, "ullah": ULLAH_STYLES, "uddin": UDDIN_STYLES}[unit.kind]
        for style, style_weight in styles.items():
            if "{s}" in style and not unit.token.sun:
                continue
            for spelling, weight in spelling_weights.items():
                text = style.format(a=spelling, al=spelling.lower(), b=spelling, s=unit.token.sun)
                forms[text] = forms.get(text, 0.0) + style_weight * weight
    return pool(forms)


def unit_native(rng: random.Random, unit: Unit) -> str:
    native = unit.token.native
    if unit.kind == "abd":
        return ("عبدال" if chance(rng, 0.7) else "عبد ال") + native
    if unit.kind == "ullah":
        return native + pool({" الله": 0.5, "\u200cالله": 0.3, "الله": 0.2}).pick(rng)
    if unit.kind == "uddin":
        return native + (" الدین" if chance(rng, 0.5) else "الدین")
    return native


# ---------------------------------------------------------------- Solar Hijri calendar

# Year breaks of the astronomical Solar Hijri calendar (the jalaali algorithm of Borkowski, 1996).
# fmt: off
BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262,
          2324, 2394, 2456, 3178]
# fmt: on


def _div(a: int, b: int) -> int:
    return int(a / b)


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


@functools.cache
def nowruz(sh_year: int) -> date:
    """Gregorian date of 1 Hamal (1 Farvardin) of a Solar Hijri year."""
    gy = sh_year + 621
    leap_j = -14
    jp = BREAKS[0]
    jump = 0
    for jm in BREAKS[1:]:
        jump = jm - jp
        if sh_year < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = sh_year - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    return date(gy, 3, 20 + leap_j - leap_g)


def to_solar_hijri(day: date) -> tuple:
    year = day.year - 621
    if day < nowruz(year):
        year -= 1
    offset = (day - nowruz(year)).days
    if offset < 186:
        return year, offset // 31 + 1, offset % 31 + 1
    offset -= 186
    return year, offset // 30 + 7, offset % 30 + 1


# fmt: off
MONTHS_DARI_LATIN = [
    ("Hamal",), ("Sawr", "Saur", "Sowr"), ("Jawza", "Jauza", "Jowza"), ("Saratan",), ("Asad",),
    ("Sunbula", "Sonbola", "Sunbulah"), ("Mizan", "Meezan"), ("Aqrab", "Akrab"),
    ("Qaws", "Qaus", "Qows"), ("Jadi", "Jaddi"), ("Dalw", "Dalv"), ("Hut", "Hoot"),
]
MONTHS_DARI = ["حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی",
               "دلو", "حوت"]
MONTHS_PASHTO = ["وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی",
                 "سلواغه", "کب"]
# fmt: on
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC_LETTERS = str.maketrans("یک", "يك")  # typed on an Arabic keyboard layout


# ---------------------------------------------------------------- the population


@dataclass
class Person:
    person_id: str
    family: Family
    role: str
    sex: str
    given: tuple
    father: tuple
    birth: date
    precision: str  # "full", "month" or "year": what the person and his papers know
    greg_year: int  # the Gregorian year his papers give when only the year is known
    surname: Token | None = None
    title: str = ""
    self_forms: tuple = ()
    father_forms: tuple = ()
    surname_form: str = ""
    phone: str = ""
    second_phone: str = ""  # a SIM on another network
    email: str = ""
    paper: tuple = ()  # (volume, page, registration, serial or "")
    e_tazkira: str = ""
    passport: str = ""
    us_passport: str = ""
    siv_case: str = ""


@dataclass
class Family:
    family_id: int
    province: Province
    displaced_to_kabul: bool
    tribe: Token | None
    surname: Token | None
    sayed: bool
    siv: bool
    government: bool
    us_link: bool
    theme: tuple  # the name part the principal's sons share, if any
    elder_theme: tuple  # the one the principal and his brothers share
    phone: str = ""
    us_phone: str = ""
    us_email: str = ""
    members: list = field(default_factory=list)


TITLES_LATIN = {
    "Haji": ("Haji", "Hajji", "Alhaj", "Al-Haj"),
    "Mullah": ("Mullah", "Mulla", "Mollah"),
    "Mawlawi": ("Mawlawi", "Maulvi", "Molvi", "Mawlavi"),
    "Qari": ("Qari", "Qaari"),
    "Hafiz": ("Hafiz", "Hafez"),
    "Eng.": ("Eng.", "Eng", "Engineer", "Eng:"),
    "Dr.": ("Dr.", "Dr", "Doctor"),
}
TITLES_NATIVE = {
    "Haji": "حاجی",
    "Mullah": "ملا",
    "Mawlawi": "مولوی",
    "Qari": "قاری",
    "Hafiz": "حافظ",
    "Eng.": "انجنیر",
    "Dr.": "داکتر",
}
# fmt: off
# Shapes of men's given names (Megerdoomian 2009; Wikipedia "Afghan name"), in percent.
MALE_PATTERNS = pool({"prefix": 30, "x_mohammad": 8, "x_suffix": 10, "abd": 17, "ullah": 15,
                      "uddin": 5, "single": 15})
BEFORE_MOHAMMAD = ["Din", "Gul", "Noor", "Dost", "Faiz", "Taj", "Wali", "Yar", "Sher", "Jan",
                   "Khan", "Shah", "Ali", "Sultan", "Juma", "Painda"]
SUFFIXES = pool({"Khan": 45, "Shah": 25, "Jan": 18, "Gul": 12})
BEFORE_SUFFIX = ["Ahmad", "Sher", "Amir", "Akhtar", "Nawab", "Juma", "Sultan", "Mir", "Zahir",
                 "Nadir", "Mahmood", "Ali", "Wali", "Noor", "Gul", "Nazar"]
EMAIL_SHAPES = pool({"{f}.{l}{n}": 30, "{f}{l}{n}": 25, "{f}{n}": 20, "{f}_{l}": 10, "{l}.{f}": 5,
                     "{f}.{l}": 10})
# fmt: on
SUBORDINATE_DROPPED = {"Sayed": 0.15, "Mohammad": 0.05, "Ghulam": 0.02, "Bibi": 0.1}
TWIN_NAMES = ("Hassan", "Hussain")
PHONE_PREFIXES = pool(
    {"70": 14, "71": 6, "72": 8, "73": 6, "74": 3, "75": 2, "76": 5, "77": 12, "78": 10, "79": 14}
)
US_AREA_CODES = ["703", "571", "202", "916", "510", "713", "617", "718", "206", "469", "301", "410"]
EMAIL_DOMAINS = pool(
    {"gmail.com": 70, "yahoo.com": 14, "hotmail.com": 8, "outlook.com": 5, "live.com": 3}
)


class World:
    def __init__(self, names: Names, rng: random.Random):
        self.names = names
        self.rng = rng
        self.phones: set = set()
        self.persons: list = []
        self.families: list = []
        self.offices: dict = {}

    def office_phone(self, source: str, rng: random.Random) -> str:
        """A list's own office or focal-point number, entered for people who gave none."""
        if source not in self.offices:
            self.offices[source] = [self.new_phone() for _ in range(3)]
        return rng.choice(self.offices[source])

    # -- names

    def male_given(self, theme: tuple) -> tuple:
        rng, names = self.rng, self.names
        if theme and chance(rng, 0.7):
            return self.themed_given(theme)
        pattern = MALE_PATTERNS.pick(rng)
        if pattern == "prefix":
            return (
                Unit("word", names.prefix_pool.pick(rng)),
                Unit("word", names.proper_pool.pick(rng)),
            )
        if pattern == "x_mohammad":
            first = rng.choice(BEFORE_MOHAMMAD)
            return (Unit("word", names.word(first)), Unit("word", names.word("Mohammad")))
        if pattern == "x_suffix":
            suffix = SUFFIXES.pick(rng)
            first = rng.choice(BEFORE_SUFFIX)
            if first == suffix:
                return (Unit("word", names.proper_pool.pick(rng)),)
            return (Unit("word", names.word(first)), Unit("word", names.word(suffix)))
        if pattern in ("abd", "ullah", "uddin"):
            return (Unit(pattern, getattr(names, pattern + "_pool").pick(rng)),)
        return (Unit("word", names.proper_pool.pick(rng)),)

    def themed_given(self, theme: tuple) -> tuple:
        """Brothers share a name part (Mohammad Zaman, Mohammad Zahir; Hayatullah, Rahmatullah)."""
        rng, names = self.rng, self.names
        kind, token = theme
        if kind == "prefix":
            return (Unit("word", token), Unit("word", names.proper_pool.pick(rng)))
        return (Unit(kind, getattr(names, kind + "_pool").pick(rng)),)

    def female_given(self) -> tuple:
        rng, names = self.rng, self.names
        name = Unit("word", names.female_pool.pick(rng))
        shape = pool({"single": 83, "jan": 10, "bibi": 5, "gul": 2}).pick(rng)
        if shape == "jan":
            return (name, Unit("word", names.female_partner["Jan"]))
        if shape == "bibi":
            return (Unit("word", names.female_partner["Bibi"]), name)
        if shape == "gul":
            return (Unit("word", names.female_partner["Gul"]), name)
        return (name,)

    def given_for(self, sex: str, role: str, family: Family) -> tuple:
        if sex == "F":
            return self.female_given()
        # Brothers share a theme: the principal with his brothers, and his sons among themselves.
        themes = {
            "child": family.theme,
            "principal": family.elder_theme,
            "sibling": family.elder_theme,
        }
        given = self.male_given(themes.get(role, ()))
        # Sayed families put the lineage title in the name itself (Sayed Jawad).
        sayed = family.sayed and role != "spouse"
        if sayed and chance(self.rng, 0.7) and given[0].token.key != "Sayed":
            given = (Unit("word", self.names.word("Sayed")), *given[-1:])
        return given

    def new_theme(self) -> tuple:
        if not chance(self.rng, 0.35):
            return ()
        kind = pool({"prefix": 60, "ullah": 30, "uddin": 10}).pick(self.rng)
        return (kind, self.names.prefix_pool.pick(self.rng)) if kind == "prefix" else (kind, None)

    # -- documents and contacts

    def new_phone(self) -> str:
        while True:
            number = PHONE_PREFIXES.pick(self.rng) + f"{self.rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def us_phone(self) -> str:
        # 555-0100..0199 is reserved for fiction, so no real US subscriber is named.
        return f"{self.rng.choice(US_AREA_CODES)}5550{self.rng.randrange(100, 200)}"

    def email_for(self, person: Person) -> str:
        rng = self.rng
        first = person.self_forms[-1].replace(" ", "").replace("-", "").lower()
        last = (
            person.surname_form.lower()
            if person.surname_form
            else person.father_forms[-1].replace(" ", "").lower()
        )
        shape = EMAIL_SHAPES.pick(rng)
        number = str(
            rng.choice([person.birth.year, person.birth.year % 100, rng.randrange(1, 999)])
        )
        return shape.format(f=first, l=last, n=number) + "@" + EMAIL_DOMAINS.pick(rng)

    def afghan_passport(self, official: bool) -> str:
        letter = self.rng.choice("ODS") if official else "P"
        digits = 8 if chance(self.rng, 0.7) else 7
        return letter + f"{self.rng.randrange(10**digits):0{digits}d}"

    def e_tazkira(self, province: Province, born: date) -> str:
        """Issued from 1397 (2018), never before the holder was born; the Solar Hijri year leads."""
        year = max(self.rng.choice([1397, 1398, 1399, 1399, 1400, 1400]), to_solar_hijri(born)[0])
        office = f"{province.code}{self.rng.randrange(1, 40):02d}"
        return f"{year}-{office}-{self.rng.randrange(100000):05d}"

    # -- persons and families

    def person(
        self,
        family: Family,
        role: str,
        sex: str,
        birth: date,
        father: tuple,
        given: tuple | None = None,
        precision: float = 0.5,
    ) -> Person:
        rng = self.rng
        given = given or self.given_for(sex, role, family)
        kind = "full" if chance(rng, precision) else ("month" if chance(rng, 0.08) else "year")
        sh_year = to_solar_hijri(birth)[0]
        # A year-only Solar Hijri date is put into Gregorian as +621 by most clerks, +622 by some.
        greg_year = birth.year if kind != "year" else sh_year + (621 if chance(rng, 0.75) else 622)
        person = Person(
            f"P{len(self.persons) + 1:07d}",
            family,
            role,
            sex,
            given,
            father,
            birth,
            kind,
            greg_year,
        )
        person.self_forms = tuple(unit_forms(unit).pick(rng) for unit in given)
        person.father_forms = tuple(unit_forms(unit).pick(rng) for unit in father)
        self.persons.append(person)
        family.members.append(person)
        return person

    def title_for(self, person: Person, age: int) -> str:
        rng = self.rng
        if person.sex == "M" and age >= 45 and chance(rng, 0.14):
            return "Haji"
        if person.sex == "M" and age >= 25 and chance(rng, 0.03):
            return rng.choice(["Mullah", "Mawlawi", "Qari", "Hafiz"])
        if age >= 24 and chance(rng, 0.07 if person.sex == "M" else 0.03):
            return "Eng." if chance(rng, 0.6) else "Dr."
        return ""

    def family(self, family_id: int) -> Family:
        rng, names = self.rng, self.names
        province = names.province_pool.pick(rng)
        tribe = names.tribe_pool.pick(rng) if chance(rng, 0.55) else None
        sayed = chance(rng, 0.06)
        style = pool(
            {"none": 45, "tribe": 20, "surname": 22, "place": 5, "lineage": 8 if sayed else 0}
        ).pick(rng)
        surname = {
            "none": None,
            "tribe": tribe or names.tribe_pool.pick(rng),
            "surname": names.surname_pool.pick(rng),
            "place": names.place_pool.pick(rng),
            "lineage": names.lineage_pool.pick(rng),
        }[style]
        family = Family(
            family_id,
            province,
            province.code != "01" and chance(rng, 0.25),
            tribe,
            surname,
            sayed,
            siv=chance(rng, 0.32),
            government=chance(rng, 0.14),
            us_link=chance(rng, 0.08),
            theme=self.new_theme(),
            elder_theme=self.new_theme(),
        )
        self.fill_family(family)
        self.families.append(family)
        return family

    def fill_family(self, family: Family) -> None:
        rng = self.rng
        principal_sex = "M" if chance(rng, 0.86) else "F"
        principal_age = int(rng.triangular(21, 60, 31))
        principal_birth = self.birth_at_age(principal_age)
        grandfather = self.male_given(())
        principal = self.person(
            family, "principal", principal_sex, principal_birth, grandfather, precision=0.65
        )
        people = [principal]
        spouse = None
        if principal_age >= 19 and chance(rng, 0.85):
            gap = rng.randint(1, 10)
            spouse_age = principal_age - gap if principal_sex == "M" else principal_age + gap
            spouse = self.person(
                family,
                "spouse",
                "F" if principal_sex == "M" else "M",
                self.birth_at_age(max(16, spouse_age)),
                self.male_given(()),
                precision=0.45,
            )
            people.append(spouse)
        if spouse:
            people += self.children(family, principal, spouse)
        if chance(rng, 0.15):
            father_age = min(92, principal_age + rng.randint(20, 35))
            father = self.person(
                family,
                "father",
                "M",
                self.birth_at_age(father_age),
                self.male_given(()),
                given=grandfather,
                precision=0.2,
            )
            people.append(father)
        if chance(rng, 0.18):
            mother_age = min(88, principal_age + rng.randint(17, 30))
            people.append(
                self.person(
                    family,
                    "mother",
                    "F",
                    self.birth_at_age(mother_age),
                    self.male_given(()),
                    precision=0.2,
                )
            )
        for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2, 3]) if chance(rng, 0.3) else 0):
            age = max(4, principal_age + rng.choice([-1, 1]) * rng.randint(1, 12))
            people.append(
                self.person(
                    family,
                    "sibling",
                    rng.choice("MF"),
                    self.birth_at_age(age),
                    grandfather,
                    precision=0.5,
                )
            )
        self.documents(family, people)

    def children(self, family: Family, principal: Person, spouse: Person) -> list:
        rng = self.rng
        mother, father = (spouse, principal) if principal.sex == "M" else (principal, spouse)
        count = rng.choices(range(9), weights=[8, 10, 14, 16, 16, 13, 10, 7, 6])[0]
        born = mother.birth + timedelta(days=365 * rng.randint(17, 24) + rng.randrange(365))
        kids = []
        while len(kids) < count and born < LIST_DAY:
            twins = chance(rng, 0.02) and len(kids) + 2 <= count + 1
            for index in range(2 if twins else 1):
                sex = rng.choice("MF")
                given = self.son_named_after(principal, father, twin=index if twins else None)
                given = given if sex == "M" else None
                kids.append(
                    self.person(
                        family, "child", sex, born, father.given, given=given, precision=0.75
                    )
                )
            born += timedelta(days=rng.randint(330, 1300))
        return kids

    def son_named_after(self, principal: Person, father: Person, twin: int | None) -> tuple:
        """Twin boys are often Hassan, Hussain; some boys take a grandfather's or father's name."""
        rng = self.rng
        if twin is not None and chance(rng, 0.4):
            return (Unit("word", self.names.word(TWIN_NAMES[twin])),)
        if principal.sex == "M" and chance(rng, 0.05):
            return principal.father
        return father.given if chance(rng, 0.015) else ()

    def birth_at_age(self, age: int) -> date:
        return LIST_DAY - timedelta(days=365 * age + self.rng.randrange(365))

    def documents(self, family: Family, people: list) -> None:
        """Titles, surnames, papers and contacts of a family's members."""
        rng = self.rng
        family.phone = self.new_phone()
        register = (rng.randint(1, 320), rng.randint(1, 290))  # the family's tazkira volume, page
        shares = (
            {"none": 15, "principal": 25, "all": 60}
            if family.siv
            else {"none": 45, "principal": 20, "all": 35}
        )
        passports = pool(shares).pick(rng)
        us_citizens = family.us_link and chance(rng, 0.5)
        siv_case = self.siv_case() if family.siv else ""
        for person in people:
            age = (LIST_DAY - person.birth).days // 365
            person.title = self.title_for(person, age)
            own = person.role != "spouse" or chance(rng, 0.15)
            person.surname = family.surname if own else self.spouse_surname()
            person.surname_form = (
                geometric(person.surname.spellings).pick(rng) if person.surname else ""
            )
            self.tazkiras(person, register, age >= 18)
            self.travel_documents(person, passports, us_citizens, siv_case, age)
            self.contacts(person, age >= 18)
        if family.us_link:
            family.us_phone = self.us_phone()
            relative = self.male_given(())
            first = unit_forms(relative[-1]).pick(rng).replace(" ", "").lower()
            family.us_email = f"{first}.{rng.randrange(10, 99)}@{EMAIL_DOMAINS.pick(rng)}"

    def tazkiras(self, person: Person, register: tuple, adult: bool) -> None:
        rng = self.rng
        if chance(rng, 0.85 if adult else 0.55):
            serial = f"{rng.randrange(10**7, 10**9)}" if chance(rng, 0.2) else ""
            # Blood relatives are registered in the family's volume; a wife in her father's.
            if person.role == "spouse":
                register = (rng.randint(1, 320), rng.randint(1, 290))
            volume, page = register
            person.paper = (volume, page + rng.randint(0, 25), rng.randint(1, 9999), serial)
        e_rate = 0.35 if person.family.province.code == "01" else 0.18
        if chance(rng, e_rate if adult else e_rate / 3) or (
            not person.paper and adult and chance(rng, 0.5)
        ):
            person.e_tazkira = self.e_tazkira(person.family.province, person.birth)

    def travel_documents(
        self, person: Person, passports: str, us_citizens: bool, siv_case: str, age: int
    ) -> None:
        rng, principal = self.rng, person.role == "principal"
        if passports == "all" or (passports == "principal" and principal):
            official = person.family.government and principal and chance(rng, 0.1)
            person.passport = self.afghan_passport(official)
        if us_citizens and (principal or (person.role == "child" and chance(rng, 0.4))):
            person.us_passport = f"{rng.choice('56')}{rng.randrange(10**8):08d}"
        # The SIV derivatives are the spouse and the unmarried children under 21.
        if person.role in ("principal", "spouse") or (person.role == "child" and age < 21):
            person.siv_case = siv_case

    def contacts(self, person: Person, adult: bool) -> None:
        rng, family = self.rng, person.family
        if adult and chance(rng, 0.55 if person.sex == "M" else 0.3):
            person.phone = self.new_phone()
        if person.role == "principal":
            person.phone = family.phone
        # Calls are cheaper within a network, so many men carry two SIMs (Chipchase 2009).
        if person.phone and person.sex == "M" and chance(rng, 0.5):
            person.second_phone = self.new_phone()
        email_rate = (0.85 if family.siv else 0.45) if person.role == "principal" else 0.0
        if chance(rng, email_rate) or (adult and chance(rng, 0.12)):
            person.email = self.email_for(person)

    def spouse_surname(self) -> Token | None:
        return None if chance(self.rng, 0.5) else self.names.surname_pool.pick(self.rng)

    def siv_case(self) -> str:
        post = pool({"KBL": 85, "ISL": 10, "NVC": 5}).pick(self.rng)
        return f"{post}{self.rng.randint(2012, 2021)}{self.rng.randrange(10**6):06d}"


# ---------------------------------------------------------------- the lists (sources)


@dataclass(frozen=True)
class Source:
    """One list and its habits. Probabilities are per record unless the name says otherwise."""

    name: str
    prefix: str
    household: str  # format of the source's own family reference
    weight: float  # how often a family is on this list, among the lists it can be on
    include: dict  # role -> probability of being listed when the family is on the list
    self_spelling: float  # chance a name part is spelled as the person spells it
    typo: float  # chance of one typing error in a name field
    title: float
    layouts: dict
    father_column: float
    family_rule: dict  # what goes in family_name when the person has no surname
    upper: float
    native: float
    arabic_letters: float
    sex: dict
    dob: float
    full_dates: dict
    partial_dates: dict
    year_error: float
    tazkira: float
    tazkira_forms: dict
    prefer_e_tazkira: float
    passport: float
    placeholder: float
    phone: float
    phone_forms: dict
    own_phone: float
    office_phone: float
    persian_digits: float
    province: float
    province_forms: dict
    email: float
    siv: float
    siv_forms: dict
    duplicate_family: float = 0.0
    duplicate_person: float = 0.0
    requires: str = ""  # family attribute needed to be on the list
    person_requires: str = ""  # person attribute needed to be on the list
    us_contact: float = 0.0  # chance the contact is the relative in the US who asked for help
    forwarded: float = 0.0  # chance a family reached this list as rows copied from another list
    unnamed_wife: float = 0.0  # chance a wife is listed only as her husband's wife


# Each list's habits. Weights are relative; the README explains where each habit comes from.
# fmt: off
SOURCES = [
    Source(
        name="NGO relief spreadsheet", prefix="ngo-a", household="ngo-a:F-{:05d}", weight=24,
        include={"principal": 1, "spouse": 0.9, "child": 0.85, "father": 0.7, "mother": 0.7,
                 "sibling": 0.5},
        self_spelling=0.3, typo=0.06, title=0.3,
        layouts={"columns": 67, "given_full": 12, "given_father": 5, "given_connector": 5,
                 "swapped": 4, "full": 4, "glued": 3},
        father_column=0.8, family_rule={"empty": 50, "father": 20, "tribe": 20, "household": 10},
        upper=0.1, native=0.0, arabic_letters=0.0, sex={"M": 1, "Male": 1, "": 0.1},
        dob=0.9,
        full_dates={"dmy": 55, "dmy_dash": 10, "year": 10, "iso": 10, "mdy": 5, "sh": 10,
                    "age": 10},
        partial_dates={"year": 40, "jan1": 30, "zeros": 15, "sh_year": 15}, year_error=0.04,
        tazkira=0.75,
        tazkira_forms={"vol": 30, "slash": 30, "jild": 10, "reg": 15, "jp": 5, "serial": 10},
        prefer_e_tazkira=0.5, passport=0.6, placeholder=0.3,
        phone=0.85,
        phone_forms={"local": 60, "local_spaced": 15, "plus": 10, "no_zero": 10, "93": 5},
        own_phone=0.3, office_phone=0.02, persian_digits=0.0,
        province=0.9, province_forms={"province": 70, "city": 20, "district": 5, "kabul": 5},
        email=0.3, siv=0.3, siv_forms={"plain": 70, "dashed": 15, "lower": 15},
        duplicate_person=0.03, unnamed_wife=0.03,
    ),
    Source(
        name="NGO women and media programme list", prefix="ngo-b", household="ngo-b:HH-{:04d}",
        weight=10,
        include={"principal": 1, "spouse": 0.8, "child": 0.8, "father": 0.4, "mother": 0.6,
                 "sibling": 0.4},
        self_spelling=0.5, typo=0.04, title=0.2,
        layouts={"columns": 55, "full_connector": 20, "full": 15, "given_full": 10},
        father_column=0.6, family_rule={"empty": 60, "father": 15, "tribe": 15, "household": 10},
        upper=0.0, native=0.5, arabic_letters=0.15, sex={"F": 1, "M": 1},
        dob=0.85, full_dates={"iso": 45, "dmy": 25, "sh": 15, "sh_month": 5, "year": 10},
        partial_dates={"year": 40, "jan1": 20, "zeros": 20, "sh_year": 20}, year_error=0.03,
        tazkira=0.7,
        tazkira_forms={"dari_abbr": 20, "dari_full": 20, "vol": 20, "slash": 25, "reg": 15},
        prefer_e_tazkira=0.7, passport=0.5, placeholder=0.2,
        phone=0.85, phone_forms={"plus_spaced": 40, "local": 30, "0093": 15, "two": 15},
        own_phone=0.5, office_phone=0.03, persian_digits=0.0,
        province=0.85, province_forms={"province": 60, "city": 25, "kabul": 10, "district": 5},
        email=0.5, siv=0.2, siv_forms={"own_ref": 60, "plain": 40}, forwarded=0.15,
    ),
    Source(
        name="SIV case list (principals and derivatives)", prefix="siv", household="siv:{}",
        weight=45,
        include={"principal": 1, "spouse": 0.95, "child": 0.9, "father": 0, "mother": 0,
                 "sibling": 0},
        self_spelling=0.9, typo=0.01, title=0.0,
        layouts={"fnu": 85, "full_comma": 15}, father_column=0.2,
        family_rule={"father": 45, "tribe": 20, "fnu": 28, "lnu": 7},
        upper=0.5, native=0.0, arabic_letters=0.0, sex={"M": 1, "F": 1},
        dob=0.98, full_dates={"mdy": 85, "mdy_short": 15},
        partial_dates={"jan1_mdy": 85, "year": 15}, year_error=0.01,
        tazkira=0.3, tazkira_forms={"e_only": 60, "slash": 20, "reg": 20},
        prefer_e_tazkira=0.9, passport=0.95, placeholder=0.05,
        phone=0.7, phone_forms={"plus": 50, "plus_spaced": 30, "0093": 20},
        own_phone=0.2, office_phone=0.0, persian_digits=0.0,
        province=0.5, province_forms={"province": 60, "city": 40},
        email=0.9, siv=0.98, siv_forms={"plain": 85, "spaced": 10, "lower": 5},
        requires="siv", person_requires="siv_case",
    ),
    Source(
        name="congressional office forward", prefix="cong", household="cong:case-{:04d}", weight=8,
        include={"principal": 1, "spouse": 0.7, "child": 0.6, "father": 0.5, "mother": 0.5,
                 "sibling": 0.5},
        self_spelling=0.4, typo=0.08, title=0.1,
        layouts={"full": 70, "full_comma": 10, "columns": 20}, father_column=0.1,
        family_rule={"empty": 40, "father": 30, "tribe": 15, "household": 10, "lnu": 5},
        upper=0.1, native=0.0, arabic_letters=0.0, sex={"": 3, "M": 1, "Male": 1},
        dob=0.5, full_dates={"mdy": 60, "year": 15, "age": 15, "iso": 10},
        partial_dates={"year": 50, "jan1_mdy": 40, "zeros": 10}, year_error=0.06,
        tazkira=0.15, tazkira_forms={"reg": 40, "slash": 30, "vol": 30},
        prefer_e_tazkira=0.5, passport=0.4, placeholder=0.3,
        phone=0.8, phone_forms={"local": 100}, own_phone=0.0, office_phone=0.05,
        persian_digits=0.0,
        province=0.5, province_forms={"city": 50, "province": 40, "kabul": 10},
        email=0.8, siv=0.4, siv_forms={"plain": 50, "prefixed": 25, "dashed": 25},
        us_contact=0.85, forwarded=0.35, unnamed_wife=0.05,
    ),
    Source(
        name="web self-registration form", prefix="web", household="web:sub-{:06d}", weight=22,
        include={"principal": 1, "spouse": 0.85, "child": 0.8, "father": 0.5, "mother": 0.5,
                 "sibling": 0.3},
        self_spelling=0.85, typo=0.05, title=0.15,
        layouts={"columns": 65, "given_full": 15, "swapped": 8, "given_father": 5, "glued": 7},
        father_column=0.7, family_rule={"empty": 55, "father": 25, "tribe": 15, "household": 5},
        upper=0.15, native=0.2, arabic_letters=0.3, sex={"Male": 1, "Female": 1, "": 0.1},
        dob=0.95, full_dates={"iso": 65, "dmy": 15, "mdy": 5, "sh": 10, "year": 5},
        partial_dates={"jan1_iso": 55, "year": 20, "sh_year": 15, "zeros": 10}, year_error=0.03,
        tazkira=0.8,
        tazkira_forms={"slash": 25, "reg": 20, "vol": 15, "jild": 10, "jp": 10, "serial": 10,
                       "dari_full": 10},
        prefer_e_tazkira=0.7, passport=0.7, placeholder=0.4,
        phone=0.95,
        phone_forms={"local": 35, "93": 15, "no_zero": 15, "plus": 20, "0093": 10, "two": 5},
        own_phone=0.6, office_phone=0.0, persian_digits=0.05,
        province=0.95, province_forms={"province": 60, "city": 30, "district": 5, "kabul": 5},
        email=0.8, siv=0.5, siv_forms={"plain": 50, "lower": 20, "spaced": 15, "digits": 15},
        duplicate_family=0.08,
    ),
    Source(
        name="KoboToolbox field survey", prefix="kobo", household="kobo:{:06d}", weight=10,
        include={"principal": 1, "spouse": 0.9, "child": 0.9, "father": 0.8, "mother": 0.8,
                 "sibling": 0.6},
        self_spelling=0.1, typo=0.07, title=0.4,
        layouts={"columns": 77, "given_connector": 10, "given_full": 10, "glued": 3},
        father_column=0.95,
        family_rule={"empty": 70, "tribe": 20, "household": 10},
        upper=0.0, native=0.95, arabic_letters=0.3,
        sex={"male": 1, "female": 1, "m": 0.3, "f": 0.3},
        dob=0.9,
        full_dates={"sh": 25, "sh_marker": 25, "sh_persian": 20, "sh_month": 15,
                    "sh_month_native": 15},
        partial_dates={"sh_year": 60, "sh_year_persian": 25, "sh_hamal1": 15}, year_error=0.05,
        tazkira=0.85,
        tazkira_forms={"dari_abbr": 40, "dari_full": 30, "jild": 10, "slash": 10, "reg": 10},
        prefer_e_tazkira=0.3, passport=0.2, placeholder=0.2,
        phone=0.9, phone_forms={"local": 70, "local_spaced": 15, "no_zero": 15},
        own_phone=0.3, office_phone=0.0, persian_digits=0.35,
        province=0.95, province_forms={"province": 40, "native": 30, "district": 20, "city": 10},
        email=0.05, siv=0.1, siv_forms={"plain": 100}, unnamed_wife=0.04,
    ),
    Source(
        name="ministry staff roster with dependants", prefix="moi", household="moi:emp-{:05d}",
        weight=30,
        include={"principal": 1, "spouse": 0.5, "child": 0.5, "father": 0.1, "mother": 0.1,
                 "sibling": 0.1},
        self_spelling=0.4, typo=0.04, title=0.7,
        layouts={"columns": 75, "given_connector": 15, "given_full": 10}, father_column=0.95,
        family_rule={"empty": 80, "tribe": 15, "household": 5},
        upper=0.3, native=0.3, arabic_letters=0.2, sex={"M": 1, "F": 1, "": 0.2},
        dob=0.95, full_dates={"sh": 50, "sh_marker": 20, "sh_month": 15, "dmy": 15},
        partial_dates={"sh_year": 60, "sh_hamal1": 20, "year": 20}, year_error=0.04,
        tazkira=0.95,
        tazkira_forms={"jild": 35, "jp": 15, "slash": 25, "dari_abbr": 15, "serial": 10},
        prefer_e_tazkira=0.2, passport=0.5, placeholder=0.3,
        phone=0.9, phone_forms={"local": 60, "local_spaced": 20, "two": 20},
        own_phone=0.7, office_phone=0.15, persian_digits=0.1,
        province=0.8, province_forms={"province": 70, "city": 20, "district": 10},
        email=0.3, siv=0.0, siv_forms={"plain": 100},
        requires="government", unnamed_wife=0.05,
    ),
]
# fmt: on


# ---------------------------------------------------------------- writing a record as a list does

CONNECTORS = {
    "son": pool(
        {"s/o": 35, "S/O": 15, "son of": 15, "walad": 12, "wald": 4, "bin": 8, "ibn": 3, "S/o": 8}
    ),
    "daughter": pool({"d/o": 40, "D/O": 15, "daughter of": 20, "bint": 15, "D/o": 10}),
    "wife": pool({"w/o": 70, "wife of": 30}),
}
NATIVE_CONNECTORS = {
    "son": pool({"ولد": 50, "فرزند": 20, "زوی": 20, "بن": 10}),
    "daughter": pool({"بنت": 40, "دختر": 40, "لور": 20}),
    "wife": pool({"همسر": 60, "خانم": 40}),
}
SEX_CODES = {
    "M": ("M", "F"),
    "F": ("M", "F"),
    "Male": ("Male", "Female"),
    "Female": ("Male", "Female"),
    "male": ("male", "female"),
    "female": ("male", "female"),
    "m": ("m", "f"),
    "f": ("m", "f"),
    "": ("", ""),
}
PLACEHOLDERS = pool(
    {
        "N/A": 25,
        "-": 15,
        "none": 10,
        "000000": 8,
        "pending": 10,
        "NA": 8,
        "n/a": 8,
        "nil": 4,
        "0": 4,
        "123456789": 2,
        "ندارد": 3,
        "x": 3,
    }
)


def typo(rng: random.Random, text: str) -> str:
    """One slip of the keyboard: a letter dropped, doubled, swapped with the next or mistyped."""
    letters = [index for index, char in enumerate(text) if char.isalpha()]
    if len(letters) < 4:
        return text
    at = rng.choice(letters[1:])
    operation = rng.choice(["drop", "double", "swap", "replace"])
    if operation == "drop":
        return text[:at] + text[at + 1 :]
    if operation == "double":
        return text[:at] + text[at] + text[at:]
    if operation == "swap" and at + 1 < len(text) and text[at + 1].isalpha():
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    neighbours = "qwertyuiopasdfghjklzxcvbnm"
    replacement = (
        neighbours[(neighbours.index(text[at].lower()) + rng.choice([-1, 1])) % 26]
        if text[at].lower() in neighbours
        else "a"
    )
    return text[:at] + (replacement.upper() if text[at].isupper() else replacement) + text[at + 1 :]


def digit_typo(rng: random.Random, text: str) -> str:
    digits = [index for index, char in enumerate(text) if char.isdigit()]
    if len(digits) < 3:
        return text
    at = rng.choice(digits)
    if chance(rng, 0.5) and at + 1 < len(text) and text[at + 1].isdigit():
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text[:at] + str(rng.randrange(10)) + text[at + 1 :]


class Writer:
    """Writes one person as one list writes him."""

    def __init__(self, rng: random.Random, source: Source, world: World):
        self.rng = rng
        self.source = source
        self.world = world

    def record(self, person: Person, household: str) -> dict:
        source, rng = self.source, self.rng
        row = dict.fromkeys(COLUMNS, "")
        row.update(self.names(person))
        row["full_name_native"] = self.native_name(person) if chance(rng, source.native) else ""
        male_code, female_code = SEX_CODES[pool(source.sex).pick(rng)]
        female = (person.sex == "F") != chance(rng, 0.005)  # a few rows tick the wrong box
        row["sex"] = female_code if female else male_code
        row["date_of_birth"] = self.date_of_birth(person) if chance(rng, source.dob) else ""
        row["phone"] = self.phone(person) if chance(rng, source.phone) else ""
        row["passport_number"] = self.passport(person)
        row["tazkira_number"] = self.tazkira(person) if chance(rng, source.tazkira) else ""
        row["province"] = self.province(person) if chance(rng, source.province) else ""
        row["email"] = self.email(person) if chance(rng, source.email) else ""
        row["siv_case_number"] = self.siv(person, household) if chance(rng, source.siv) else ""
        row["household_id"] = household
        return row

    def forward(self, original: dict, person: Person, household: str) -> dict:
        """A row copied from another list: the name cells merged into one, the contact replaced."""
        rng, family = self.rng, person.family
        row = dict(original)
        names = (original["given_name"], original["family_name"])
        full = original["full_name"] or " ".join(name for name in names if name)
        row.update(given_name="", father_name="", family_name="", full_name=full)
        row.update(full_name_native="", household_id=household)
        if family.us_phone and chance(rng, self.source.us_contact):
            row["phone"] = self.us_number(family.us_phone)
        if family.us_email and chance(rng, self.source.us_contact):
            row["email"] = family.us_email
        return row

    # -- names

    def spell(self, units: tuple, own_forms: tuple) -> list:
        """The name's parts as this list spells them."""
        parts = []
        for index, (unit, own) in enumerate(zip(units, own_forms, strict=True)):
            # A man is often called by the proper part of his name alone (Zaman for Mohammad
            # Zaman), and the Sayed of his lineage is left out by some clerks (Megerdoomian 2009).
            leading = index == 0 and len(units) > 1
            if leading and chance(self.rng, SUBORDINATE_DROPPED.get(unit.token.key, 0.0)):
                continue
            parts.append(
                own
                if chance(self.rng, self.source.self_spelling)
                else unit_forms(unit).pick(self.rng)
            )
        return parts

    def maybe_typo(self, text: str) -> str:
        return typo(self.rng, text) if text and chance(self.rng, self.source.typo) else text

    def names(self, person: Person) -> dict:
        source, rng = self.source, self.rng
        if person.role == "spouse" and person.sex == "F" and chance(rng, source.unnamed_wife):
            return self.wife_of(person)
        given_parts = self.spell(person.given, person.self_forms)
        given = self.maybe_typo(" ".join(given_parts))
        father_parts = self.spell(person.father, person.father_forms)
        father = self.maybe_typo(" ".join(father_parts))
        title = (
            rng.choice(TITLES_LATIN[person.title])
            if person.title and chance(rng, source.title)
            else ""
        )
        family, fnu = self.family_name(person, father, father_parts[-1])
        layout = pool(source.layouts).pick(rng)
        father_column = father if chance(rng, source.father_column) else ""
        titled = f"{title} {given}".strip()
        out = {
            "given_name": titled,
            "father_name": father_column,
            "family_name": family,
            "full_name": "",
        }
        if layout == "fnu" and fnu:
            out.update(given_name="FNU", family_name=given)
        elif layout == "given_full":
            out.update(given_name=f"{titled} {family}".strip(), family_name="")
        elif layout == "given_father":
            out.update(given_name=f"{titled} {father}", father_name="")
        elif layout == "given_connector":
            out.update(given_name=f"{titled} {self.connector(person)} {father}", father_name="")
        elif layout == "swapped" and family:
            out.update(given_name=family, family_name=titled)
        elif layout == "glued" and " " in given:
            # Two-part names typed as one word (Shirkhan for Shir Khan, Mohammadzaman).
            out.update(given_name=given.replace(" ", "", 1))
        elif layout == "full":
            out = {
                "given_name": "",
                "father_name": "",
                "family_name": "",
                "full_name": f"{titled} {family}".strip(),
            }
        elif layout == "full_connector":
            full = f"{titled} {self.connector(person)} {father} {family}".strip()
            out = {"given_name": "", "father_name": "", "family_name": "", "full_name": full}
        elif layout == "full_comma":
            full = f"{family.upper()}, {given}" if family else given
            out = {"given_name": "", "father_name": "", "family_name": "", "full_name": full}
        if chance(rng, source.upper):
            out = {key: value.upper() for key, value in out.items()}
        return out

    def wife_of(self, person: Person) -> dict:
        """Many men will not give their wife's name to a stranger: she is listed as his wife."""
        husband = person.family.members[0]
        name = " ".join(self.spell(husband.given, husband.self_forms))
        shape = pool({"w/o {}": 40, "Wife of {}": 25, "Mrs. {}": 15, "{}'s wife": 10, "W/O {}": 10})
        text = shape.pick(self.rng).format(name)
        column = "given_name" if chance(self.rng, 0.5) else "full_name"
        return {
            "given_name": "",
            "father_name": "",
            "family_name": "",
            "full_name": "",
            column: text,
        }

    def family_name(self, person: Person, father: str, father_last: str) -> tuple:
        """The family-name cell, and whether a US-style list would print FNU for lack of one."""
        rng = self.rng
        if person.surname:
            own = (
                person.surname_form
                if chance(rng, self.source.self_spelling)
                else geometric(person.surname.spellings).pick(rng)
            )
            return self.maybe_typo(own), False
        rule = pool(self.source.family_rule).pick(rng)
        household = person.family.surname
        if rule == "father":
            # Afghans without a surname often get their father's name (or its last part) here.
            return (father_last if chance(rng, 0.3) else father), False
        if rule == "lnu":
            return "LNU", False
        if rule == "tribe" and person.family.tribe and person.role != "spouse":
            return geometric(person.family.tribe.spellings).pick(rng), False
        if rule == "household" and household:
            return geometric(household.spellings).pick(rng), False
        return "", rule == "fnu"

    def connector(self, person: Person) -> str:
        if person.role == "spouse" and person.sex == "F" and chance(self.rng, 0.1):
            return CONNECTORS["wife"].pick(self.rng)
        return CONNECTORS["son" if person.sex == "M" else "daughter"].pick(self.rng)

    def native_name(self, person: Person) -> str:
        rng = self.rng
        given = " ".join(unit_native(rng, unit) for unit in person.given)
        father = " ".join(unit_native(rng, unit) for unit in person.father)
        relation = "son" if person.sex == "M" else "daughter"
        parts = [given, NATIVE_CONNECTORS[relation].pick(rng), father]
        if person.title and chance(rng, self.source.title):
            parts.insert(0, TITLES_NATIVE[person.title])
        if person.surname and chance(rng, 0.5):
            parts.append(person.surname.native)
        text = " ".join(parts)
        return text.translate(ARABIC_LETTERS) if chance(rng, self.source.arabic_letters) else text

    # -- dates

    def date_of_birth(self, person: Person) -> str:
        rng = self.rng
        shift = 0
        if chance(rng, self.source.year_error):
            shift = rng.choice([-1, 1]) * (1 if chance(rng, 0.8) else 2)
        if person.precision == "full":
            return self.full_date(person.birth, shift)
        return self.partial_date(person, shift)

    def full_date(self, day: date, shift: int) -> str:
        rng = self.rng
        form = pool(self.source.full_dates).pick(rng)
        y, m, d = day.year + shift, day.month, day.day
        sy, sm, sd = to_solar_hijri(day)
        sy += shift
        if form == "age":
            age = (LIST_DAY - day).days // 365
            return str(LIST_DAY.year - age + shift)
        gregorian = {
            "iso": f"{y}-{m:02d}-{d:02d}",
            "dmy": f"{d:02d}/{m:02d}/{y}",
            "dmy_dash": f"{d:02d}-{m:02d}-{y}",
            "mdy": f"{m:02d}/{d:02d}/{y}",
            "mdy_short": f"{m}/{d}/{y}",
            "year": str(y),
        }
        if form in gregorian:
            return gregorian[form]
        if form == "sh":
            return rng.choice(
                [
                    f"{sy}/{sm:02d}/{sd:02d}",
                    f"{sy}/{sm}/{sd}",
                    f"{sy}-{sm:02d}-{sd:02d}",
                    f"{sd:02d}/{sm:02d}/{sy}",
                ]
            )
        if form == "sh_marker":
            return rng.choice(
                [
                    f"SH {sy}/{sm:02d}/{sd:02d}",
                    f"{sy}/{sm:02d}/{sd:02d} SH",
                    f"{sy}/{sm}/{sd} (hijri shamsi)",
                    f"{sy}/{sm:02d}/{sd:02d} ش",
                    f"{sy}/{sm:02d}/{sd:02d} هـ ش",
                    f"{sy}-{sm}-{sd} H.S.",
                ]
            )
        if form == "sh_persian":
            text = f"{sy}/{sm:02d}/{sd:02d}" + rng.choice(["", "", " ش", " هـ ش"])
            return text.translate(PERSIAN_DIGITS if chance(rng, 0.85) else ARABIC_DIGITS)
        if form == "sh_month":
            return f"{sd} {rng.choice(MONTHS_DARI_LATIN[sm - 1])} {sy}"
        months = MONTHS_PASHTO if chance(rng, 0.3) else MONTHS_DARI
        return f"{sd} {months[sm - 1]} {sy}".translate(PERSIAN_DIGITS)

    def partial_date(self, person: Person, shift: int) -> str:
        """A person who knows only the year (or year and month) of his birth."""
        rng = self.rng
        y = person.greg_year + shift
        sy = to_solar_hijri(person.birth)[0] + shift
        if person.precision == "month":
            m = person.birth.month
            if any(form.startswith("sh") for form in self.source.partial_dates):
                return f"{sy}/{to_solar_hijri(person.birth)[1]:02d}/00"
            return rng.choice([f"00/{m:02d}/{y}", f"{y}-{m:02d}-00", f"{m:02d}/{y}"])
        form = pool(self.source.partial_dates).pick(rng)
        return {
            "year": str(y),
            "jan1": f"01/01/{y}",
            "jan1_mdy": f"01/01/{y}",
            "jan1_iso": f"{y}-01-01",
            "zeros": rng.choice([f"00/00/{y}", f"{y}-00-00", f"0/0/{y}"]),
            "sh_year": rng.choice(
                [f"{sy}", f"{sy} SH", f"SH {sy}", f"{sy} ش", f"{sy} (hijri shamsi)"]
            ),
            "sh_year_persian": f"{sy}".translate(PERSIAN_DIGITS),
            "sh_hamal1": f"{sy}/01/01",
        }[form]

    # -- documents

    def tazkira(self, person: Person) -> str:
        rng, source = self.rng, self.source
        form = pool(source.tazkira_forms).pick(rng)
        if person.e_tazkira and (
            not person.paper or chance(rng, source.prefer_e_tazkira) or form == "e_only"
        ):
            text = self.e_tazkira(person.e_tazkira)
            if person.paper and chance(rng, 0.04):
                text += " / " + self.paper(person.paper, "slash")  # both documents in one cell
        elif person.paper and form != "e_only":
            text = self.paper(person.paper, form)
        else:
            return ""
        return digit_typo(rng, text) if chance(rng, 0.02) else text

    def e_tazkira(self, number: str) -> str:
        rng = self.rng
        shape = pool({"dashed": 60, "plain": 25, "spaced": 10, "persian": 5}).pick(rng)
        if shape == "plain":
            return number.replace("-", "")
        if shape == "spaced":
            return number.replace("-", " ")
        return number.translate(PERSIAN_DIGITS) if shape == "persian" else number

    def paper(self, paper: tuple, form: str) -> str:
        rng = self.rng
        volume, page, reg, serial = paper
        if serial and (form == "serial" or chance(rng, 0.4)):
            return serial  # the one long number printed on newer paper tazkiras
        persian = lambda text: text.translate(PERSIAN_DIGITS) if chance(rng, 0.7) else text  # noqa: E731
        return {
            "dari_abbr": persian(f"ج {volume} ص {page} ث {reg}"),
            "dari_full": persian(f"جلد {volume} صفحه {page} ثبت {reg}"),
            "jild": rng.choice(
                [
                    f"Jild {volume} Safha {page} Sabt {reg}",
                    f"Jild {volume} Safha {page} No {reg}",
                    f"jild {volume}, safha {page}, sabt {reg}",
                ]
            ),
            "vol": rng.choice(
                [
                    f"Vol {volume}, Page {page}, Reg {reg}",
                    f"Vol. {volume} Pg. {page} No. {reg}",
                    f"Volume {volume} Page {page} Number {reg}",
                ]
            ),
            "slash": rng.choice(
                [f"{volume}/{page}/{reg}", f"{volume}-{page}-{reg}", f"{volume}/{page}/{reg}"]
            ),
            "jp": f"J{volume}-P{page}-{reg}",
        }.get(form, str(reg))

    def passport(self, person: Person) -> str:
        rng, source = self.rng, self.source
        number = person.us_passport or person.passport
        if person.us_passport and person.passport and chance(rng, 0.3):
            number = person.passport  # dual nationals show either book
        if number and chance(rng, source.passport):
            shape = pool({"as_is": 80, "lower": 5, "spaced": 5, "letter_o": 5, "typo": 5}).pick(rng)
            if shape == "lower":
                return number.lower()
            if shape == "spaced" and number[0].isalpha():
                return f"{number[0]} {number[1:]}"
            if shape == "letter_o":
                return number.replace("0", "O", 1)  # zero typed as the letter O
            return digit_typo(rng, number) if shape == "typo" else number
        return PLACEHOLDERS.pick(rng) if chance(rng, source.placeholder) else ""

    # -- contacts and places

    def phone(self, person: Person) -> str:
        rng, source, family = self.rng, self.source, person.family
        if family.us_phone and chance(rng, source.us_contact):
            return self.us_number(family.us_phone)
        if chance(rng, source.office_phone):
            return self.afghan_number(self.world.office_phone(source.prefix, rng))
        number = person.phone if person.phone and chance(rng, source.own_phone) else family.phone
        if person.second_phone and chance(rng, 0.15):
            number = person.second_phone
        form = pool(source.phone_forms).pick(rng)
        numbers = (person.second_phone, person.phone, family.phone, family.members[0].second_phone)
        others = [n for n in numbers if n and n != number]
        if form == "two" and others:
            other = others[0]
            separator = rng.choice([" / ", ", ", " - ", " ; "])
            text = (
                self.afghan_number(number, "local") + separator + self.afghan_number(other, "local")
            )
        else:
            text = self.afghan_number(number, "local" if form == "two" else form)
        text = digit_typo(rng, text) if chance(rng, 0.01) else text
        return text.translate(PERSIAN_DIGITS) if chance(rng, source.persian_digits) else text

    def afghan_number(self, n: str, form: str = "local") -> str:
        return {
            "local": f"0{n}",
            "local_spaced": rng_choice(
                self.rng,
                [
                    f"0{n[:2]} {n[2:5]} {n[5:]}",
                    f"0{n[:3]} {n[3:6]} {n[6:]}",
                    f"0{n[:2]}-{n[2:5]}-{n[5:]}",
                ],
            ),
            "plus": f"+93{n}",
            "plus_spaced": f"+93 {n[:2]} {n[2:5]} {n[5:]}",
            "0093": rng_choice(self.rng, [f"0093{n}", f"0093 {n}"]),
            "93": f"93{n}",
            "no_zero": f"{n}",
        }[form]

    def us_number(self, n: str) -> str:
        return rng_choice(
            self.rng,
            [
                f"({n[:3]}) {n[3:6]}-{n[6:]}",
                f"{n[:3]}.{n[3:6]}.{n[6:]}",
                f"+1 {n[:3]} {n[3:6]} {n[6:]}",
                f"{n[:3]}-{n[3:6]}-{n[6:]}",
                n,
            ],
        )

    def province(self, person: Person) -> str:
        rng, province = self.rng, person.family.province
        form = pool(self.source.province_forms).pick(rng)
        if form == "kabul" or (person.family.displaced_to_kabul and chance(rng, 0.3)):
            # Families who fled to Kabul give where they are now, not where they come from.
            return rng.choice(["Kabul", "Kabul", "Kabul City", "KABUL"])
        if form == "city":
            return province.cities.pick(rng)
        if form == "district":
            district = rng.choice(province.districts)
            return f"{district}, {province.spellings.pick(rng)}" if chance(rng, 0.6) else district
        if form == "native":
            return province.native
        return province.spellings.pick(rng)

    def email(self, person: Person) -> str:
        rng, family = self.rng, person.family
        if family.us_email and chance(rng, self.source.us_contact):
            return family.us_email
        principal = family.members[0]
        address = person.email or principal.email
        if not address:
            return ""
        if chance(rng, 0.01):
            address = address.replace("gmail", "gmial")
        return address.upper() if chance(rng, 0.03) else address

    def siv(self, person: Person, household: str) -> str:
        rng, source = self.rng, self.source
        form = pool(source.siv_forms).pick(rng)
        if form == "own_ref":
            return household.split(":", 1)[
                1
            ]  # an NGO's own family number in the "case number" column
        case = person.siv_case
        if not case:
            return ""
        return {
            "plain": case,
            "lower": case.lower(),
            "dashed": f"{case[:3]}-{case[3:7]}-{case[7:]}",
            "spaced": f"{case[:3]} {case[3:]}",
            "digits": case[3:],
            "prefixed": f"SIV case {case}",
        }[form]


def rng_choice(rng: random.Random, options: list) -> str:
    return options[int(rng.random() * len(options))]


# ---------------------------------------------------------------- putting families on lists

# How many lists carry a family: most are on one, a few were sent in by everyone they knew.
LIST_COUNT = pool({1: 60, 2: 23, 3: 9.5, 4: 4.3, 5: 2.2, 6: 1})


def sources_for(rng: random.Random, family: Family) -> list:
    eligible = [
        source for source in SOURCES if not source.requires or getattr(family, source.requires)
    ]
    weights = [
        source.weight * (4 if source.us_contact and family.us_link else 1) for source in eligible
    ]
    chosen = []
    for _ in range(min(LIST_COUNT.pick(rng), len(eligible))):
        index = Pool(range(len(eligible)), weights).pick(rng)
        chosen.append(eligible.pop(index))
        weights.pop(index)
    return chosen


def can_carry(source: Source, person: Person) -> bool:
    needed = source.person_requires
    return source.include[person.role] > 0 and (not needed or bool(getattr(person, needed)))


def listings(rng: random.Random, families: list) -> list:
    """(source, family, members) for every time a list carries a family, duplicates included."""
    out = []
    for family in families:
        chosen = sources_for(rng, family)
        carried = {
            source.prefix: [
                p
                for p in family.members
                if can_carry(source, p) and chance(rng, source.include[p.role])
            ]
            for source in chosen
        }
        for person in family.members:
            if not any(person in members for members in carried.values()):
                fallback = [s for s in chosen if can_carry(s, person)] or [SOURCES[0]]
                source = fallback[0]
                carried.setdefault(source.prefix, []).append(person)
                if source not in chosen:
                    chosen.append(source)
        for source in chosen:
            members = sorted(carried[source.prefix], key=family.members.index)
            out.append((source, family, members))
            if chance(rng, source.duplicate_family):
                out.append((source, family, members))  # the form sent twice
            for person in members:
                if chance(rng, source.duplicate_person):
                    out.append((source, family, [person]))  # listed again by another staff member
    return out


def build(persons: int, seed: int, names_path: str) -> tuple:
    rng = random.Random(seed)
    world = World(Names(names_path), rng)
    family_id = 0
    while len(world.persons) < persons:
        family_id += 1
        world.family(family_id)
    excess = world.persons[persons:]
    for person in excess:  # trim the last family to the exact count asked for
        person.family.members.remove(person)
    del world.persons[persons:]
    rows, truth = [], []
    counters: Counter = Counter()
    writers = {source.prefix: Writer(rng, source, world) for source in SOURCES}
    written: dict = {}  # family -> list -> person -> row, for lists that forward other lists
    for source, family, members in listings(rng, world.families):
        counters[source.prefix] += 1
        reference = (
            members[0].siv_case
            if source.prefix == "siv" and members[0].siv_case
            else counters[source.prefix]
        )
        household = source.household.format(reference)
        writer = writers[source.prefix]
        earlier = [
            prefix for prefix in written.get(family.family_id, {}) if prefix != source.prefix
        ]
        copy_from = rng.choice(earlier) if earlier and chance(rng, source.forwarded) else ""
        for person in members:
            original = written.get(family.family_id, {}).get(copy_from, {}).get(person.person_id)
            if original:
                row = writer.forward(original, person, household)
            else:
                row = writer.record(person, household)
            written.setdefault(family.family_id, {}).setdefault(source.prefix, {})[
                person.person_id
            ] = row
            rows.append((source.prefix, row))
            truth.append(person.person_id)
    order = list(range(len(rows)))
    rng.shuffle(order)
    numbers: Counter = Counter()
    records, labels = [], []
    for index in order:
        prefix, row = rows[index]
        numbers[prefix] += 1
        row["record_id"] = f"{prefix}-{numbers[prefix]:06d}"
        records.append(row)
        labels.append((row["record_id"], truth[index]))
    return world, records, labels


# ---------------------------------------------------------------- output and summary


def write_csv(path: str, header: list, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def summary(world: World, records: list, labels: list) -> str:
    per_person = Counter(person_id for _, person_id in labels)
    histogram = Counter(per_person.values())
    pairs = sum(n * (n - 1) // 2 for n in per_person.values())
    sources = Counter(row["record_id"].rsplit("-", 1)[0] for row in records)
    namesakes = Counter(
        (
            tuple(u.token.key for u in p.given),
            tuple(u.token.key for u in p.father),
            p.family.province.native,
        )
        for p in world.persons
    )
    lines = [
        f"records {len(records)}  persons {len(per_person)}  families {len(world.families)}  "
        f"records/person {len(records) / len(per_person):.3f}  true pairs {pairs}",
        "records per person: " + "  ".join(f"{k}:{histogram[k]}" for k in sorted(histogram)),
        "records per list: " + "  ".join(f"{k}:{v}" for k, v in sorted(sources.items())),
        f"namesakes (same given and father's name, same province, different persons): "
        f"{sum(n for n in namesakes.values() if n > 1)} persons in "
        f"{sum(1 for n in namesakes.values() if n > 1)} groups",
        "hard negatives: " + "  ".join(f"{k} {v}" for k, v in hard_negatives(world).items()),
    ]
    return "\n".join(lines)


def hard_negatives(world: World) -> dict:
    """Pairs of different persons that share much of what lists record."""
    counts: Counter = Counter()
    for family in world.families:
        children = [p for p in family.members if p.role == "child"]
        for index, first in enumerate(children):
            for second in children[index + 1 :]:
                if first.birth == second.birth:
                    counts["twin pairs"] += 1
                elif first.sex == second.sex and abs((first.birth - second.birth).days) < 3 * 365:
                    shared = {u.token.key for u in first.given} & {
                        u.token.key for u in second.given
                    }
                    counts["same-sex siblings <3 y apart sharing a name part"] += bool(shared)
        for person in family.members:
            counts["father and son of one name"] += (
                person.role == "child" and person.given == person.father
            )
    return dict(counts)


# What a reader of the lists can see, so README figures can be re-measured (--habits).
HABITS = [
    (
        "given_name",
        "title before the name",
        r"^(haji|hajji|alhaj|al-haj|mullah?|mollah|mawla[wv]i|maulvi|molvi|qaa?ri|hafi[zs]|haf[ei]z|eng\b|eng[.:]|engineer|dr\b|dr\.|doctor)",
    ),
    ("given_name", "FNU in given name", r"^fnu$"),
    ("family_name", "LNU in family name", r"^lnu$"),
    (
        "given_name",
        "relation word in given name",
        r"\b(s/o|d/o|w/o|son of|daughter of|wife of|walad|wald|bin|ibn|bint)\b",
    ),
    (
        "full_name",
        "relation word in full name",
        r"\b(s/o|d/o|w/o|son of|daughter of|wife of|walad|wald|bin|ibn|bint)\b",
    ),
    ("full_name", "LAST, First", r"^[^,]+, "),
    ("given_name", "all capitals", r"(?-i:^[^a-z]*[A-Z]{3}[^a-z]*$)"),
    ("full_name_native", "Arabic code points (ي or ك)", r"[يك]"),
    ("full_name_native", "Pashto relation word (زوی, لور)", r"(زوی|لور)"),
    ("date_of_birth", "ISO date", r"^\d{4}-\d\d-\d\d$"),
    ("date_of_birth", "d/m/y or m/d/y Gregorian date", r"^\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d\d$"),
    ("date_of_birth", "Gregorian year only", r"^(19|20)\d\d$"),
    ("date_of_birth", "1 January", r"^(01/01/|1/1/)(19|20)\d\d$|^(19|20)\d\d-01-01$"),
    ("date_of_birth", "zero day or month", r"(^|[/-])0?0([/-]|$)"),
    ("date_of_birth", "Solar Hijri, Latin digits", r"\b1[34]\d\d\b"),
    ("date_of_birth", "Solar Hijri marker (SH, ش, shamsi, H.S.)", r"(\bSH\b|ش|shamsi|H\.S\.)"),
    ("date_of_birth", "Persian or Arabic-Indic digits", r"[۰-۹٠-٩]"),
    (
        "date_of_birth",
        "month name",
        r"[A-Za-z]{3,}|(حمل|ثور|جوزا|سرطان|اسد|سنبله|میزان|عقرب|قوس|جدی|دلو|حوت|وری|غویی|تله|لړم|کب)",
    ),
    ("tazkira_number", "e-tazkira (13 digits, year first)", r"^(1[34]\d\d)[- ]?\d{4}[- ]?\d{5}$"),
    ("tazkira_number", "paper, Dari words (ج ص ث / جلد صفحه ثبت)", r"(ج|جلد) "),
    ("tazkira_number", "paper, Jild/Vol words", r"(?i)(jild|vol)"),
    ("tazkira_number", "paper, a/b/c or J-P form", r"^(\d+[/-]\d+[/-]\d+|J\d+-P\d+-\d+)$"),
    ("tazkira_number", "a bare number under 8 digits", r"^\d{1,7}$"),
    ("tazkira_number", "a bare number of 8-9 digits", r"^\d{8,9}$"),
    ("passport_number", "Afghan passport shape", r"(?i)^[PODS] ?[0-9O]{7,8}$"),
    ("passport_number", "US passport (9 digits)", r"^\d{9}$"),
    ("passport_number", "placeholder", r"(?i)^(n/?a|-|none|nil|0+|pending|x|123456789|ندارد)$"),
    ("phone", "+93", r"^\+93"),
    ("phone", "0093", r"^0093"),
    ("phone", "93 without +", r"^93\d{9}$"),
    ("phone", "0 and 9 digits", r"^07\d{8}$"),
    ("phone", "9 digits, no leading 0", r"^7\d{8}$"),
    ("phone", "spaces or dashes", r"^0\d+[ -]\d"),
    ("phone", "two numbers in one cell", r"\d\s*[/,;]\s*\d|\d - 0"),
    ("phone", "US number", r"^(\(\d{3}\)|\+1 |\d{3}[.-]\d{3}[.-]\d{4}|\d{3}5550)"),
    ("phone", "Persian digits", r"[۰-۹]"),
    ("province", "native script", r"[\u0600-\u06ff]"),
    ("siv_case_number", "KBL/ISL/NVC case", r"(?i)(kbl|isl|nvc)"),
    ("siv_case_number", "a list's own family number", r"^HH-"),
]


def habits(records: list) -> str:
    """A table: for each column, how many rows are filled and how many show each habit."""
    total = len(records)
    lines = [f"{'column':<17} {'habit':<45} {'rows':>7} {'% rows':>7} {'% filled':>8}"]
    for column in COLUMNS[1:]:
        filled = sum(1 for row in records if row[column])
        lines.append(f"{column:<17} {'(filled)':<45} {filled:>7} {100 * filled / total:>6.1f}%")
        for habit_column, label, pattern in HABITS:
            if habit_column == column:
                matcher = re.compile(pattern, re.IGNORECASE)
                count = sum(1 for row in records if matcher.search(row[column]))
                share = f"{100 * count / max(1, filled):>7.1f}%"
                lines.append(
                    f"{'':<17} {label:<45} {count:>7} {100 * count / total:>6.1f}% {share}"
                )
    return "\n".join(lines)


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--with-households", action="store_true", help="add each list's own family reference"
    )
    parser.add_argument(
        "--habits", action="store_true", help="also print how often each habit shows"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    world, records, labels = build(args.persons, args.seed, os.path.join(HERE, "names.txt"))
    os.makedirs(args.out, exist_ok=True)
    header = COLUMNS + (["household_id"] if args.with_households else [])
    write_csv(
        os.path.join(args.out, "records.csv"), header, ([row[c] for c in header] for row in records)
    )
    write_csv(os.path.join(args.out, "truth.csv"), ["record_id", "person_id"], labels)
    print(summary(world, records, labels))
    if args.habits:
        print(habits(records))
    print(f"written to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
