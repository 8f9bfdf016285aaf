"""The partners that send lists, each with its own file format and writing habits.

A registration is one person as one source wrote them: the raw row (column -> text, exactly as
in the source's file) and the `RegistrationRecord` a correct intake derives from it (formats
parsed; typos, spellings and case left as written).
"""

import random
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import jdatetime

from evac.people.models import Role
from evac.people.records import RegistrationRecord
from evac.scenario.names import PROVINCE_VARIANTS, PROVINCES
from evac.scenario.population import Household, Person
from evac.scenario.vocabulary import spelling

MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
PROVINCE_NATIVE = {english: native for english, native, _ in PROVINCES}
ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})  # script typed on an Arabic layout
VOWEL_SLIPS = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o"}
HABITS = (
    "upper",
    "swapped",
    "full_name",
    "solar_hijri",
    "year_only",
    "jan1",
    "drop_father",
    "drop_family",
    "typo",
    "local_phone",
    "fnu",
    "year_off",
    "day_month_swapped",
    "tazkira_typo",
    "no_birth",
)


# year, month, day, 1-January (or 1-Hamal) default, a Solar Hijri year spanning two years
BirthMeaning = tuple[int | None, int | None, int | None, bool, bool]


@dataclass(frozen=True)
class Habits:
    """Shares of rows in which a source shows each habit."""

    upper: float = 0.0  # names in capitals
    swapped: float = 0.0  # family name written where the given name belongs (or first)
    full_name: float = 0.0  # the whole name in one field
    solar_hijri: float = 0.0  # dates in the Solar Hijri calendar of the tazkira
    year_only: float = 0.0  # only the birth year
    jan1: float = 0.0  # unknown day written as 1 January (1 Hamal in Solar Hijri)
    drop_father: float = 0.0
    drop_family: float = 0.0  # a known family or tribal name left out
    typo: float = 0.0
    local_phone: float = 0.0  # 07xx... without the country code
    fnu: float = 0.0  # US forms: "FNU" (first name unknown) and the whole name as last name
    year_off: float = 0.0  # another birth year: an age turned into a year, a guess, 621 for 622
    day_month_swapped: float = 0.0  # a clerk used to the other order (of dates that allow it)
    tazkira_typo: float = 0.0  # one digit of the tazkira number mistyped
    no_birth: float = 0.0  # no date at all: an optional field, a family member's row


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    file: str
    format: str  # csv, xlsx, json
    columns: dict[str, str]  # logical field -> the source's column
    habits: Habits
    styles: dict[str, float]  # romanisation style -> share of writers
    date_format: str  # iso, dmy, mdy, dmony
    sex_words: tuple[str, str]  # male, female
    relationship_words: dict[Role, str | tuple[str, str]]  # one word, or (man, woman)
    category_words: dict[str, str]
    reference_prefix: str
    encoding: str = "utf-8"
    delimiter: str = ","
    title: str | None = None  # a title row above the header (spreadsheets)
    native_province: float = 0.0  # share of rows with the province in Dari script
    arabic_keyboard: float = 0.0  # share of script typed on an Arabic keyboard
    member_share: float = 0.9  # share of a household's members the source lists
    roles: frozenset[Role] = field(default_factory=lambda: frozenset(Role))
    household_field: str = "household_ref"  # the field that holds the family's reference

    @property
    def first_row(self) -> int:
        """The row number of the first data row, as intake counts rows."""
        if self.format == "json":
            return 1
        return 3 if self.title else 2


RELATIONSHIPS_EN = {
    Role.principal: "Self",
    Role.spouse: "Spouse",
    Role.child: "Child",
    Role.parent: "Parent",
    Role.sibling: "Sibling",
    Role.other: "Other",
}
CATEGORIES_EN = {
    "us_citizen": "US citizen",
    "lpr": "LPR",
    "siv": "SIV applicant",
    "local_staff": "Local staff",
    "refugee_referral": "P-2 referral",
    "third_country": "Third-country national",
    "at_risk": "At risk",
}

SOURCES = (
    Source(
        key="webform",
        label="Self-registration web form (JSON export, family members nested)",
        file="webform-submissions.json",
        format="json",
        columns={
            "household_ref": "_id",
            "submitted_at": "submitted_at",
            "given": "applicant/first_name",
            "family": "applicant/last_name",
            "father": "applicant/father_name",
            "dob": "applicant/date_of_birth",
            "sex": "applicant/gender",
            "phone": "applicant/phone",
            "email": "applicant/email",
            "province": "applicant/province",
            "passport": "applicant/passport_number",
            "tazkira": "applicant/tazkira_number",
            "siv_case": "applicant/siv_case_number",
            "us_passport": "applicant/us_passport_number",
            "category": "applicant/category",
            "member_full_name": "family_members/full_name",
            "member_relationship": "family_members/relationship",
            "member_dob": "family_members/date_of_birth",
            "member_sex": "family_members/gender",
            "member_passport": "family_members/passport_number",
            "member_tazkira": "family_members/tazkira_number",
        },
        habits=Habits(
            upper=0.03,
            jan1=0.25,
            drop_father=0.15,
            drop_family=0.2,
            typo=0.05,
            local_phone=0.5,
            no_birth=0.06,
            year_off=0.06,
            day_month_swapped=0.02,
            tazkira_typo=0.03,
        ),
        styles={"informal": 0.6, "pashto": 0.2, "dari": 0.2},
        date_format="iso",
        sex_words=("male", "female"),
        relationship_words={
            Role.principal: "self",
            Role.spouse: ("husband", "wife"),
            Role.child: ("son", "daughter"),
            Role.parent: ("father", "mother"),
            Role.sibling: ("brother", "sister"),
            Role.other: "other",
        },
        category_words={
            "us_citizen": "I am a US citizen",
            "lpr": "I have a green card",
            "siv": "SIV applicant",
            "local_staff": "I work for the US embassy",
            "refugee_referral": "P1/P2 referral",
            "third_country": "Other nationality",
            "at_risk": "I am at risk",
        },
        reference_prefix="WF",
        member_share=0.95,
    ),
    Source(
        key="ngo-rahyab",
        label="NGO Rahyab (CSV, Windows-1252, semicolons, capitals)",
        file="ngo-rahyab.csv",
        format="csv",
        encoding="cp1252",
        delimiter=";",
        columns={
            "ref": "Ref No",
            "household_ref": "Case No",
            "given": "FIRST NAME",
            "father": "FATHER’S NAME",
            "family": "SURNAME",
            "sex": "SEX",
            "dob": "DOB",
            "province": "PROVINCE",
            "phone": "MOBILE",
            "tazkira": "TAZKIRA",
            "passport": "PASSPORT",
            "relationship": "RELATION",
            "category": "CATEGORY",
        },
        habits=Habits(
            upper=1.0,
            year_only=0.25,
            jan1=0.2,
            drop_father=0.4,
            drop_family=0.3,
            typo=0.04,
            local_phone=0.85,
            swapped=0.05,
            no_birth=0.05,
            year_off=0.08,
            day_month_swapped=0.04,
            tazkira_typo=0.03,
        ),
        styles={"informal": 0.5, "dari": 0.3, "pashto": 0.2},
        date_format="dmy",
        sex_words=("M", "F"),
        relationship_words={
            Role.principal: "HEAD",
            Role.spouse: ("HUSBAND", "WIFE"),
            Role.child: "CHILD",
            Role.parent: "PARENT",
            Role.sibling: "SIBLING",
            Role.other: "OTHER",
        },
        category_words={k: v.upper() for k, v in CATEGORIES_EN.items()},
        reference_prefix="RHY-",
        roles=frozenset({Role.principal, Role.spouse, Role.child, Role.parent, Role.sibling}),
    ),
    Source(
        key="ngo-amanat",
        label="NGO Amanat (CSV, UTF-8 with BOM, bilingual headers, Solar Hijri dates)",
        file="ngo-amanat.csv",
        format="csv",
        encoding="utf-8-sig",
        columns={
            "ref": "No",
            "given": "نام / Name",
            "father": "نام پدر / Father Name",
            "family": "تخلص / Surname",
            "native": "نام به دری",
            "sex": "جنسیت / Sex",
            "dob": "تاریخ تولد / Date of Birth",
            "province": "ولایت / Province",
            "phone": "شماره تماس / Phone",
            "tazkira": "نمبر تذکره / Tazkira No",
            "household_ref": "Family ID",
            "relationship": "Relation",
            "category": "Category",
        },
        habits=Habits(
            solar_hijri=0.85,
            year_only=0.2,
            jan1=0.1,
            drop_family=0.35,
            typo=0.02,
            local_phone=0.4,
            no_birth=0.04,
            year_off=0.06,
            day_month_swapped=0.04,
            tazkira_typo=0.02,
        ),
        styles={"dari": 0.6, "informal": 0.3, "pashto": 0.1},
        date_format="dmy",
        sex_words=("مرد", "زن"),
        relationship_words={
            Role.principal: "سرپرست",
            Role.spouse: "همسر",
            Role.child: "فرزند",
            Role.parent: "پدر/مادر",
            Role.sibling: "برادر/خواهر",
            Role.other: "دیگر",
        },
        category_words={
            "us_citizen": "American",
            "lpr": "Green card",
            "siv": "SIV",
            "local_staff": "Embassy staff",
            "refugee_referral": "P2",
            "third_country": "Foreigner",
            "at_risk": "At-risk",
        },
        reference_prefix="AMN/",
        native_province=0.5,
        arabic_keyboard=0.3,
    ),
    Source(
        key="congress-office",
        label="Congressional office list (XLSX with a title row, full names, years only)",
        file="congress-office.xlsx",
        format="xlsx",
        title="Office of a Member of Congress - Afghan evacuation requests (as of 24 Aug 2021)",
        columns={
            "full_name": "Full Name",
            "dob": "DOB",
            "relationship": "Relationship",
            "household_ref": "Constituent Case #",
            "phone": "Phone",
            "email": "Email",
            "category": "Status",
            "passport": "Passport #",
            "us_passport": "US Passport #",
        },
        habits=Habits(
            full_name=1.0,
            swapped=0.45,
            year_only=0.35,
            jan1=0.1,
            drop_father=0.7,
            typo=0.06,
            upper=0.1,
            drop_family=0.1,
            no_birth=0.12,
            year_off=0.05,
            day_month_swapped=0.08,
        ),
        styles={"pashto": 0.4, "arabic": 0.2, "informal": 0.4},
        date_format="mdy",
        sex_words=("M", "F"),
        relationship_words=RELATIONSHIPS_EN,
        category_words={
            "us_citizen": "AMCIT",
            "lpr": "LPR",
            "siv": "SIV",
            "local_staff": "LES",
            "refugee_referral": "P-2",
            "third_country": "TCN",
            "at_risk": "Vulnerable",
        },
        reference_prefix="CO-",
        member_share=0.7,
    ),
    Source(
        key="embassy-staff",
        label="Embassy local staff list (XLSX from HR, passport spellings and zones)",
        file="embassy-staff.xlsx",
        format="xlsx",
        columns={
            "ref": "Employee ID",
            "family": "Surname",
            "given": "Given Names",
            "father": "Father's Name",
            "dob": "Date of Birth",
            "sex": "Gender",
            "passport": "Passport No",
            "passport_expiry": "Passport Expiry",
            "mrz": "MRZ",
            "tazkira": "Tazkira",
            "email": "Email",
            "phone": "Mobile",
            "category": "Section",
        },
        habits=Habits(upper=1.0, jan1=0.15, drop_father=0.1, year_off=0.02),
        styles={"dari": 0.9, "pashto": 0.1},
        date_format="dmony",
        sex_words=("Male", "Female"),
        relationship_words=RELATIONSHIPS_EN,
        category_words={
            k: "Political" if k == "local_staff" else "Consular" for k in CATEGORIES_EN
        },
        reference_prefix="LES",
        member_share=0.0,
        roles=frozenset({Role.principal}),
    ),
    Source(
        key="siv-case-list",
        label="SIV case list (CSV from the visa center, US date order, FNU)",
        file="siv-cases.csv",
        format="csv",
        columns={
            "siv_case": "Case Number",
            "relationship": "Applicant Type",
            "family": "Last Name",
            "given": "First Name",
            "father": "Middle Name",
            "dob": "Date of Birth",
            "sex": "Sex",
            "passport": "Passport Number",
            "phone": "Phone",
            "email": "Email",
        },
        household_field="siv_case",
        habits=Habits(
            upper=0.5,
            fnu=0.6,
            jan1=0.2,
            drop_father=0.7,
            typo=0.03,
            swapped=0.08,
            no_birth=0.02,
            year_off=0.04,
            day_month_swapped=0.05,
        ),
        styles={"pashto": 0.6, "arabic": 0.15, "informal": 0.25},
        date_format="mdy",
        sex_words=("M", "F"),
        relationship_words={
            Role.principal: "Principal",
            Role.spouse: "Spouse",
            Role.child: "Child",
            Role.parent: "Other",
            Role.sibling: "Other",
            Role.other: "Other",
        },
        category_words={k: "SIV" for k in CATEGORIES_EN},
        reference_prefix="",
        roles=frozenset({Role.principal, Role.spouse, Role.child}),
    ),
)
SOURCES_BY_KEY = {source.key: source for source in SOURCES}

# Which sources a household of each category reaches, with probabilities (tuned so that about
# a third of persons arrive more than once).
REACH = {
    "us_citizen": {"congress-office": 0.5, "webform": 0.8},
    "lpr": {"congress-office": 0.4, "webform": 0.8},
    "siv": {"siv-case-list": 0.7, "webform": 0.4, "ngo-rahyab": 0.12, "congress-office": 0.12},
    "local_staff": {"embassy-staff": 0.95, "webform": 0.3, "siv-case-list": 0.2},
    "refugee_referral": {"ngo-rahyab": 0.55, "ngo-amanat": 0.5, "webform": 0.15},
    "third_country": {"webform": 0.95, "ngo-rahyab": 0.05},
    "at_risk": {"ngo-amanat": 0.5, "ngo-rahyab": 0.4, "webform": 0.4, "congress-office": 0.05},
}
RESUBMISSION = 0.05  # web-form households that submit twice


@dataclass
class Registration:
    """One row of one source about one person, with the truth kept beside it."""

    source: Source
    row_number: int
    raw: dict[str, str]
    values: dict[str, str]  # logical field -> text as written (for this row's columns)
    birth: BirthMeaning
    person: Person
    habits: tuple[str, ...]
    family_ref: str = ""  # the household as the file groups it: by a column, nesting or order

    @property
    def record_id(self) -> str:
        return f"{self.source.key}-{self.row_number}"

    @property
    def person_id(self) -> int:
        return self.person.id

    @property
    def household_id(self) -> int:
        return self.person.household_id

    def __repr__(self) -> str:
        return f"Registration({self.record_id}, <redacted>)"

    @cached_property
    def record(self) -> RegistrationRecord:
        """What a correct intake derives from the row: formats parsed, spellings as written."""
        values, person, source = self.values, self.person, self.source
        year, month, day, default, spans_two = self.birth

        def written(name: str) -> str | None:
            return values.get(name) or None

        return RegistrationRecord(
            source_record_id=written("ref"),
            given_name=None if "fnu" in self.habits else written("given"),
            father_name=written("father"),
            family_name=written("family"),
            full_name=written("full_name"),
            name_native=written("native"),
            sex=person.sex if written("sex") else None,
            birth_year=year,
            birth_month=month,
            birth_day=day,
            birth_date_default=default,
            birth_year_spans_two=spans_two,
            phone=f"+93{person.phone}" if written("phone") else None,
            email=written("email"),
            passport_number=written("passport"),
            tazkira_number=written("tazkira"),
            siv_case_number=written("siv_case"),
            us_passport_number=written("us_passport"),
            province=written("province"),
            household_ref=written(source.household_field),
            relationship=person.role.value
            if written("relationship") or source.format == "json"
            else None,
            category_claimed=written("category"),
        )

    def link_row(self) -> list[str]:
        """The `evac link file` columns after record_id, values as the source wrote them."""
        get = self.values.get
        lists_families = self.source.member_share > 0
        household = f"{self.source.key}:{self.family_ref}" if lists_families else ""
        return [get(name, "") for name in LINK_FIELDS] + [household]


# The `evac link file` columns (after record_id) and the logical field each one shows; then
# household_id, the source's own family reference (case number, family id) made unique.
LINK_COLUMNS = {
    "given_name": "given", "father_name": "father", "family_name": "family",
    "full_name_native": "native", "sex": "sex", "date_of_birth": "dob", "phone": "phone",
    "passport_number": "passport", "tazkira_number": "tazkira", "province": "province",
    "email": "email", "full_name": "full_name",
}  # fmt: skip
LINK_FIELDS = tuple(LINK_COLUMNS.values())


def reached_sources(household: Household, rng: random.Random) -> list[Source]:
    """The sources that list this household (at least one), a web form sometimes twice."""
    reach = REACH[household.category]
    chosen = [SOURCES_BY_KEY[k] for k, share in reach.items() if rng.random() < share]
    if not chosen:
        chosen = [SOURCES_BY_KEY[max(reach, key=reach.get)]]
    if any(s.key == "webform" for s in chosen) and rng.random() < RESUBMISSION:
        chosen.append(SOURCES_BY_KEY["webform"])
    return chosen


def listed_members(household: Household, source: Source, rng: random.Random) -> list[Person]:
    principal = household.principal
    return [principal] + [
        m
        for m in household.members[1:]
        if m.role in source.roles and rng.random() < source.member_share
    ]


class Writer:
    """Writes persons as one source does: its habits, spellings and formats."""

    def __init__(self, source: Source, rng: random.Random) -> None:
        self.source = source
        self.rng = rng
        self.row = source.first_row
        self.households = 0
        self.styles = list(source.styles)
        # Logical field -> column, for principals and (in JSON) for nested family members.
        self.principal_columns = _columns(source, member=False)
        self.member_columns = _columns(source, member=True)
        self.style_weights = list(source.styles.values())

    def household(self, household: Household, members: list[Person]) -> list[Registration]:
        self.households += 1
        reference = f"{self.source.reference_prefix}{self.households:05d}"
        style = self.rng.choices(self.styles, self.style_weights)[0]  # one writer per family
        rows = []
        for member in members:
            rows.append(self._registration(household, member, reference, style))
            self.row += 1
        return rows

    def _registration(
        self, household: Household, person: Person, reference: str, style: str
    ) -> Registration:
        source, rng = self.source, self.rng
        habits = source.habits
        applied: list[str] = []

        def happens(habit: str) -> bool:
            share = getattr(habits, habit)
            if share and rng.random() < share:
                applied.append(habit)
                return True
            return False

        columns = self.member_columns if self._is_member(person) else self.principal_columns
        names = self._names(person, style, happens)
        birth_text, birth = self._birth(person, happens)
        passport = person.passport
        values = {
            "ref": f"{source.reference_prefix}{self.row:06d}",
            "household_ref": reference,
            **names,
            "sex": source.sex_words[0 if person.sex == "M" else 1],
            "dob": birth_text,
            "email": person.email or "",
            "passport": passport.number if passport else "",
            "tazkira": self._tazkira(person, happens),
            "siv_case": person.siv_case or "",
            "us_passport": person.us_passport or "",
        }
        if "phone" in columns:
            values["phone"] = self._phone(person, happens)
        if "province" in columns:
            values["province"] = self._province(person)
        if "relationship" in columns:
            values["relationship"] = self._relationship(person)
        if "category" in columns:
            values["category"] = source.category_words[person.category]
        if "submitted_at" in columns:
            values["submitted_at"] = _submitted_at(rng)
        if passport and "passport_expiry" in columns:
            values["passport_expiry"] = _date_text(passport.expiry, "dmony")
        if passport and "mrz" in columns:
            values["mrz"] = "\n".join(passport.mrz)
        written = {name: values.get(name, "") for name in columns}
        raw = {column: written[name] for name, column in columns.items()}
        return Registration(
            source, self.row, raw, written, birth, person, tuple(applied), reference
        )

    def _is_member(self, person: Person) -> bool:
        return self.source.format == "json" and person.role != Role.principal

    def _relationship(self, person: Person) -> str:
        word = self.source.relationship_words.get(person.role, "")
        if isinstance(word, tuple):  # words that differ for men and women
            return word[0 if person.sex == "M" else 1]
        return word

    def _names(self, person: Person, style: str, happens) -> dict[str, str]:
        rng = self.rng
        source = self.source
        full_field = "full_name" in source.columns or (
            source.format == "json" and person.role != Role.principal
        )
        given = spelling(person.given, style, rng.random())
        father = spelling(person.father, style, rng.random()) if person.father else ""
        family = spelling(person.family, style, rng.random()) if person.family else ""
        if father and happens("drop_father"):
            father = ""
        if family and happens("drop_family"):
            family = ""
        if happens("typo"):
            parts = {"given": given, "father": father, "family": family}
            target = rng.choice([k for k, v in parts.items() if v])
            parts[target] = _typo(parts[target], rng)
            given, father, family = parts["given"], parts["father"], parts["family"]
        names: dict[str, str] = {}
        if full_field:
            names["full_name"] = self._full_name(person, given, father, family, happens)
        elif family and happens("swapped"):
            names.update(given=family, family=given, father=father)
        elif source.habits.fnu and not family and happens("fnu"):
            names.update(given="FNU", family=given, father=father)
        else:
            names.update(given=given, father=father, family=family)
        if "native" in source.columns:
            native = person.given.native
            if person.family and family:
                native = f"{native} {person.family.native}"
            if rng.random() < source.arabic_keyboard:
                native = native.translate(ARABIC_KEYBOARD)
            names["native"] = native
        if happens("upper"):
            names = {k: (v.upper() if k != "native" else v) for k, v in names.items()}
        return names

    def _full_name(self, person: Person, given: str, father: str, family: str, happens) -> str:
        if family and happens("swapped"):
            return f"{family.upper() if self.rng.random() < 0.5 else family}, {given}"
        parts = [given]
        if father:
            connector = self.rng.choice(("s/o", "walad", "bin")) if person.sex == "M" else "d/o"
            parts.append(f"{connector} {father}")
        if family:
            parts.append(family)
        return " ".join(parts)

    def _birth(self, person: Person, happens) -> tuple[str, BirthMeaning]:
        """The written date and what it means (`BirthMeaning`): the date as written, which a
        wrong year or a swapped day and month makes another day than the person's."""
        if happens("no_birth"):
            return "", (None, None, None, False, False)
        birth = person.birth
        if happens("year_off"):
            birth = _another_year(birth, self.rng)
        solar = happens("solar_hijri")
        if solar:
            shamsi = jdatetime.date.fromgregorian(date=birth)
            if happens("year_only"):
                return str(shamsi.year), (shamsi.year + 621, None, None, False, True)
            if happens("jan1"):
                first = jdatetime.date(shamsi.year, 1, 1).togregorian()
                return f"{shamsi.year}/01/01", (first.year, first.month, first.day, True, True)
            text = f"{shamsi.year}/{shamsi.month:02d}/{shamsi.day:02d}"
            return text, (birth.year, birth.month, birth.day, False, False)
        if happens("year_only"):
            return str(birth.year), (birth.year, None, None, False, False)
        if happens("jan1"):
            return _date_text(date(birth.year, 1, 1), self.source.date_format), (
                birth.year,
                1,
                1,
                True,
                False,
            )
        # Only a day of 12 or less can be read the other way round; other days would not be
        # dates in the list's order, and intake would refuse them.
        readable_both_ways = birth.day <= 12 and birth.day != birth.month
        if (
            readable_both_ways
            and self.source.date_format != "dmony"
            and happens("day_month_swapped")
        ):
            birth = date(birth.year, birth.day, birth.month)
        return _date_text(birth, self.source.date_format), (
            birth.year,
            birth.month,
            birth.day,
            False,
            False,
        )

    def _tazkira(self, person: Person, happens) -> str:
        tazkira = person.tazkira or ""
        if tazkira and happens("tazkira_typo"):
            return _mistyped_digit(tazkira, self.rng)
        return tazkira

    def _phone(self, person: Person, happens) -> str:
        number = person.phone
        if happens("local_phone"):
            # some leave out the trunk 0 too, as the number is said: "seventy, ..."
            return self.rng.choice(
                (f"0{number}", f"0{number[:2]} {number[2:5]} {number[5:]}", number)
            )
        return self.rng.choice(
            (
                f"+93{number}",
                f"+93 {number[:2]} {number[2:5]} {number[5:]}",
                f"0093{number}",
                f"93{number}",
            )
        )

    def _province(self, person: Person) -> str:
        rng = self.rng
        if rng.random() < self.source.native_province:
            return PROVINCE_NATIVE[person.province]
        variants = PROVINCE_VARIANTS.get(person.province)
        if variants and rng.random() < 0.25:
            return rng.choice(variants)
        text = person.province
        return text.upper() if self.source.habits.upper == 1.0 else text


def _columns(source: Source, *, member: bool) -> dict[str, str]:
    nested = source.format == "json" and member
    return {
        logical.removeprefix("member_"): column
        for logical, column in source.columns.items()
        if column.startswith("family_members/") == nested
    }


def _submitted_at(rng: random.Random) -> str:
    """A moment in the second half of August 2021, as a web form stamps it."""
    seconds = rng.randrange(15 * 86_400)
    return (
        f"2021-08-{15 + seconds // 86_400}T{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:00Z"
    )


def _date_text(day: date, style: str) -> str:
    if style == "iso":
        return day.isoformat()
    if style == "mdy":
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if style == "dmony":
        return f"{day.day:02d}-{MONTH_ABBREVIATIONS[day.month - 1]}-{day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# How far off a wrong year is: most often one year (an age given in August 2021 turned into a
# year, a Solar Hijri year converted with 621 where 622 applied), sometimes a guess further off.
YEAR_OFFSETS = {1: 0.7, 2: 0.2, 3: 0.05, 5: 0.05}


def _another_year(day: date, rng: random.Random) -> date:
    offset = rng.choices(list(YEAR_OFFSETS), list(YEAR_OFFSETS.values()))[0]
    year = day.year + rng.choice((-offset, offset))
    return date(year, day.month, min(day.day, 28) if day.month == 2 else day.day)


def _mistyped_digit(number: str, rng: random.Random) -> str:
    """One digit of a number typed as another (not the first: it keeps the number's form)."""
    positions = [i for i, c in enumerate(number) if c.isdigit()][1:]
    position = rng.choice(positions)
    digit = rng.choice([d for d in "0123456789" if d != number[position]])
    return number[:position] + digit + number[position + 1 :]


def _typo(text: str, rng: random.Random) -> str:
    """One slip of the hand or ear: a swapped, dropped, doubled or misheard letter."""
    if len(text) < 3:
        return text
    position = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    if kind == 1:
        return text[:position] + text[position + 1 :]
    if kind == 2:
        return text[:position] + text[position] + text[position:]
    letter = text[position]
    return text[:position] + VOWEL_SLIPS.get(letter.lower(), letter) + text[position + 1 :]
