"""Partner files as evacuation lists really arrive, with the truth of which rows are broken.

    .venv/bin/python bench/worlds/partner_files/generate.py --seed 1 --out DIR

Writes seven files into DIR (an NGO workbook, a congressional office's CSV, a web-form
export, a KoboToolbox XLSX export with its XLSForm, an ODK Central CSV zip, an SIV case list
in Windows-1252, a CSV of scanned machine-readable zones) and DIR/truth.json: for every file,
each row that carries a person (table and row as a spreadsheet user sees them) and the rows a
careful officer would send back, with the column and why. Everything else is valid.

This world is written apart from evac's intake on purpose (it imports nothing from evac):
the Solar Hijri calendar and the ICAO 9303 check digits are computed here. All people are
invented.
"""

import argparse
import csv
import io
import json
import random
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

BROKEN_SHARE = 0.01
LISTS_DRAWN_UP = date(2021, 8, 14)

MALE = [
    "Mohammad Zaman", "Ahmad Shah", "Abdul Rahman", "Abdurrahman", "Ghulam Hazrat", "Din Mohammad",
    "Zabihullah", "Rahmatullah", "Noorullah", "Hamid", "Hamed", "Jamaluddin", "Shamsuddin",
    "Abdul Haq", "Sayed Jawad", "Mirwais", "Fawad", "Khalid", "Najibullah", "Habibullah", "Farid",
    "Omid", "Nasir Ahmad", "Wahidullah", "Samiullah", "Ezatullah", "Bahadur", "Sherzad", "Feroz",
    "Husain", "Ismail", "Ali Reza", "Mustafa", "Baryalai", "Ajmal", "Asadullah", "Muhammad Nabi",
    "Mohd Yasin", "Abdul Wali", "Gul Agha", "Qudratullah", "Hashmatullah", "Sultan Mahmud",
]  # fmt: skip
FEMALE = [
    "Fatima", "Zarghona", "Freshta", "Laila", "Mariam", "Sima", "Nazifa", "Shabnam", "Zahra",
    "Parwana", "Mursal", "Hosai", "Marzia", "Farzana", "Roya", "Nilofar", "Khadija", "Shakila",
    "Gulalai", "Malalai", "Wazhma", "Storai", "Mahbooba", "Fariba", "Tahmina", "Bibi Gul",
    "Nargis", "Sadaf", "Mina", "Palwasha",
]  # fmt: skip
# Most Afghans have no family name; a tribal or place name is written by some and not others.
FAMILY = [
    "Ahmadzai", "Wardak", "Safi", "Popal", "Rahimi", "Habibi", "Noori", "Sadat", "Karimi",
    "Amiri", "Stanekzai", "Mohammadi", "Hashimi", "Barakzai", "Durrani", "Hotak", "Jalali",
    "Haidari", "Sultani", "Kakar", "Niazi", "Yousufzai", "Samadi", "Azizi", "Rasuli", "Hakimi",
]  # fmt: skip
IN_SCRIPT = {
    "Ahmad Shah": "احمد شاه", "Mohammad Zaman": "محمد زمان", "Fatima": "فاطمه",
    "Zarghona": "زرغونه", "Hamid": "حمید", "Laila": "لیلا", "Abdul Rahman": "عبدالرحمن",
    "Mariam": "مریم", "Farid": "فرید", "Omid": "امید", "Rahimi": "رحیمی", "Noori": "نوری",
    "Ahmadzai": "احمدزی", "Wardak": "وردک", "Sadat": "سادات", "Khadija": "خدیجه",
}  # fmt: skip
PROVINCES = [
    "Kabul",
    "Balkh",
    "Herat",
    "Kandahar",
    "Nangarhar",
    "Bamyan",
    "Parwan",
    "Kunduz",
    "Ghazni",
    "Logar",
    "Paktia",
    "Khost",
    "Badakhshan",
    "Takhar",
    "Laghman",
]
RISK_STORIES = [
    "I worked as an interpreter for US Army in Helmand 2009-2012, I have recommendation letter",
    "Journalist, worked for a foreign radio, received threats by phone",
    "Women's rights activist, my name is on a list",
    "Former ANA officer, our house was searched twice",
    "My husband worked for USAID project, he has SIV case",
    'Teacher at a girls school; "they" came to our village asking for me',
    "Worked for an NGO funded by the US, contract 2015-2019\nI have the ID card still",
    "Judge in the provincial court, convicted Taliban members",
    "Hazara, Shia, our area is not safe",
    "",
]  # fmt: skip
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Words that mean "nothing here" in lists (documents.md of the project's notes): empty, valid.
PLACEHOLDERS = ("N/A", "NA", "n/a", "-", "--", "none", "nil", "unknown", "not available",
                "pending", "0", "x", "?", "نامعلوم", "ندارد", "نیست")  # fmt: skip
SH_MONTHS_LATIN = [
    "Hamal",
    "Sawr",
    "Jawza",
    "Saratan",
    "Asad",
    "Sunbula",
    "Mizan",
    "Aqrab",
    "Qaws",
    "Jadi",
    "Dalw",
    "Hut",
]
SH_MONTHS_DARI = [
    "حمل",
    "ثور",
    "جوزا",
    "سرطان",
    "اسد",
    "سنبله",
    "میزان",
    "عقرب",
    "قوس",
    "جدی",
    "دلو",
    "حوت",
]
G_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# ---------------------------------------------------------------- Solar Hijri calendar
# The Jalaali leap rule of Borkowski (as in jalaali-js): break years of the 2820-year cycle.
JALAALI_BREAKS = [
    -61,
    9,
    38,
    199,
    426,
    686,
    756,
    818,
    1111,
    1181,
    1210,
    1635,
    2060,
    2097,
    2192,
    2262,
    2324,
    2394,
    2456,
    3178,
]


def farvardin_first(sh_year: int) -> date:
    """The Gregorian date of 1 Farvardin (1 Hamal) of a Solar Hijri year."""
    gregorian_year = sh_year + 621
    leap_j, previous, jump = -14, JALAALI_BREAKS[0], 0
    for brk in JALAALI_BREAKS[1:]:
        jump = brk - previous
        if sh_year < brk:
            break
        leap_j += jump // 33 * 8 + jump % 33 // 4
        previous = brk
    n = sh_year - previous
    leap_j += n // 33 * 8 + (n % 33 + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gregorian_year // 4 - (gregorian_year // 100 + 1) * 3 // 4 - 150
    return date(gregorian_year, 3, 20 + leap_j - leap_g)


def to_solar_hijri(day: date) -> tuple[int, int, int]:
    year = day.year - 621
    if day < farvardin_first(year):
        year -= 1
    offset = (day - farvardin_first(year)).days
    if offset < 186:
        return year, offset // 31 + 1, offset % 31 + 1
    offset -= 186
    return year, offset // 30 + 7, offset % 30 + 1


# ---------------------------------------------------------------- ICAO 9303 zones
def check_digit(text: str) -> str:
    weights = (7, 3, 1)
    total = 0
    for position, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif char.isalpha():
            value = ord(char) - ord("A") + 10
        else:
            value = 0
        total += value * weights[position % 3]
    return str(total % 10)


def mrz_field(text: str, width: int) -> str:
    return text.upper().replace(" ", "<").replace("-", "<")[:width].ljust(width, "<")


@dataclass
class Holder:
    """What a zone says of the person it belongs to."""

    surname: str  # "" for the many Afghans without a family name
    given: str
    nationality: str
    birth: date
    sex: str


def mrz_name(holder: Holder, width: int) -> str:
    name = f"{holder.surname}<<{holder.given}" if holder.surname else holder.given
    return mrz_field(name, width)


def with_check(text: str) -> str:
    return text + check_digit(text)


def yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def number_and_dates(number: str, holder: Holder, expiry: date) -> str:
    """Number, nationality, birth, sex and expiry with their check digits: 28 characters."""
    return (
        with_check(mrz_field(number, 9))
        + holder.nationality
        + with_check(yymmdd(holder.birth))
        + holder.sex
        + with_check(yymmdd(expiry))
    )


def td3(
    kind: str, state: str, holder: Holder, number: str, expiry: date, personal: str = ""
) -> str:
    line1 = mrz_field(kind, 2) + state + mrz_name(holder, 39)
    line2 = number_and_dates(number, holder, expiry) + with_check(mrz_field(personal, 14))
    return f"{line1}\n{line2}{check_digit(line2[0:10] + line2[13:20] + line2[21:43])}"


def td2(kind: str, state: str, holder: Holder, number: str, expiry: date) -> str:
    line1 = mrz_field(kind, 2) + state + mrz_name(holder, 31)
    line2 = number_and_dates(number, holder, expiry) + "<" * 7
    return f"{line1}\n{line2}{check_digit(line2[0:10] + line2[13:20] + line2[21:35])}"


def td1(
    kind: str, state: str, holder: Holder, number: str, expiry: date, optional: str = ""
) -> str:
    line1 = mrz_field(kind, 2) + state + with_check(mrz_field(number, 9)) + mrz_field(optional, 15)
    line2 = (
        with_check(yymmdd(holder.birth))
        + holder.sex
        + with_check(yymmdd(expiry))
        + holder.nationality
        + "<" * 11
    )
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    return f"{line1}\n{line2}{check_digit(composite)}\n{mrz_name(holder, 30)}"


def mrv(width: int, state: str, holder: Holder, number: str, expiry: date) -> str:
    """A visa foil: MRV-A is 44 characters a line, MRV-B 36; neither has a composite digit."""
    line1 = "V<" + state + mrz_name(holder, width - 5)
    return f"{line1}\n{number_and_dates(number, holder, expiry)}{'<' * (width - 28)}"


def break_check_digit(zone: str, rng: random.Random) -> str:
    """The same zone with its birth date's check digit wrong (a misread scan or a forgery)."""
    lines = zone.split("\n")
    # Birth date and its check digit: TD1's second line starts with them; the others'
    # second line has the number (9), its check digit and the nationality (3) first.
    position = 6 if len(lines) == 3 else 19
    line = lines[1]
    wrong = str((int(line[position]) + rng.randint(1, 9)) % 10)
    lines[1] = line[:position] + wrong + line[position + 1 :]
    return "\n".join(lines)


def zone_checks_out(zone: str) -> bool:
    """Every check digit of a zone, read back from its text (TD1, TD2, TD3, MRV-A, MRV-B)."""
    lines = zone.split("\n")
    if len(lines) == 3:  # TD1
        top, middle = lines[0], lines[1]
        checks = [(top[5:14], top[14]), (middle[0:6], middle[6]), (middle[8:14], middle[14]),
                  (top[5:30] + middle[0:7] + middle[8:15] + middle[18:29], middle[29])]  # fmt: skip
    else:
        second = lines[1]
        checks = [
            (second[0:9], second[9]),
            (second[13:19], second[19]),
            (second[21:27], second[27]),
        ]
        if lines[0][0] == "P":  # TD3: personal number and composite
            personal = second[28:42]
            if second[42] != "<" or personal.strip("<"):
                checks.append((personal, second[42]))
            checks.append((second[0:10] + second[13:20] + second[21:43], second[43]))
        elif lines[0][0] != "V":  # TD2: composite
            checks.append((second[0:10] + second[13:20] + second[21:35], second[35]))
    return all(check_digit(text) == digit for text, digit in checks)


# ICAO Doc 9303's own specimens (Parts 4 to 7): Anna Maria Eriksson of Utopia.
ICAO_SPECIMENS = {
    "TD3 passport (ICAO 9303 specimen)": (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    ),
    "TD1 card (ICAO 9303 specimen)": (
        "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n"
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    ),
    "TD2 card (ICAO 9303 specimen)": (
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
    ),
    "MRV-A visa (ICAO 9303 specimen)": (
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
    ),
    "MRV-B visa (ICAO 9303 specimen)": (
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"
    ),
}


# ---------------------------------------------------------------- people
@dataclass
class Person:
    given: str
    family: str  # "" when the person uses none
    father: str
    sex: str  # "M" or "F"
    birth: date
    relation: str  # head, spouse, son, daughter, mother, father, brother, sister
    mobile: str  # nine national digits, 7XXXXXXXX, or "" for children
    passport: str  # "" when none

    @property
    def full_name(self) -> str:
        return f"{self.given} {self.family}".strip()


@dataclass
class Household:
    members: list[Person]
    family: str

    @property
    def head(self) -> Person:
        return self.members[0]


def afghan_mobile(rng: random.Random) -> str:
    return f"7{rng.randint(0, 9)}{rng.randint(0, 9999999):07d}"


def afghan_passport(rng: random.Random) -> str:
    letter = rng.choices("POD", weights=(94, 4, 2))[0]
    width = rng.choice((7, 8))
    return f"{letter}{rng.randint(0, 10**width - 1):0{width}d}"


def make_person(
    rng: random.Random, relation: str, sex: str, birth: date, family: str, father: str
) -> Person:
    given = rng.choice(MALE if sex == "M" else FEMALE)
    adult = (date(2021, 8, 15) - birth).days > 16 * 365
    return Person(
        given=given,
        family=family,
        father=father,
        sex=sex,
        birth=birth,
        relation=relation,
        mobile=afghan_mobile(rng) if adult and rng.random() < 0.8 else "",
        passport=afghan_passport(rng) if rng.random() < 0.35 else "",
    )


def random_day(rng: random.Random, first_year: int, last_year: int) -> date:
    """A day in those years, never after the lists were drawn up."""
    start, end = date(first_year, 1, 1), min(date(last_year, 12, 31), LISTS_DRAWN_UP)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def make_household(rng: random.Random, size: int) -> Household:
    family = rng.choice(FAMILY) if rng.random() < 0.6 else ""
    head_sex = "M" if rng.random() < 0.9 else "F"
    head_birth = random_day(rng, 1955, 1998)
    grandfather = rng.choice(MALE)
    head = make_person(rng, "head", head_sex, head_birth, family, grandfather)
    members = [head]
    if size > 1:
        spouse_birth = random_day(rng, head_birth.year - 2, min(head_birth.year + 8, 2002))
        spouse_family = family if rng.random() < 0.5 else ""
        members.append(
            make_person(
                rng,
                "spouse",
                "F" if head_sex == "M" else "M",
                spouse_birth,
                spouse_family,
                rng.choice(MALE),
            )
        )
    father_of_children = head.given if head_sex == "M" else rng.choice(MALE)
    while len(members) < size:
        if rng.random() < 0.12:
            relation, sex = rng.choice((("mother", "F"), ("brother", "M"), ("sister", "F")))
            birth = random_day(rng, head_birth.year - 25 if relation == "mother" else 1960, 2000)
            father = head.father
        else:
            sex = rng.choice("MF")
            relation = "son" if sex == "M" else "daughter"
            birth = random_day(rng, max(head_birth.year + 18, 1975), 2021)
            father = father_of_children
        members.append(make_person(rng, relation, sex, birth, family, father))
    return Household(members=members, family=family)


def households_for(
    rng: random.Random, persons: int, sizes: tuple[int, ...] = (1, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8)
) -> list[Household]:
    households, total = [], 0
    while total < persons:
        size = min(rng.choice(sizes), persons - total)
        households.append(make_household(rng, size))
        total += size
    return households


# ---------------------------------------------------------------- written forms
def persian(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


def paper_tazkira(rng: random.Random) -> str:
    volume, page, entry = rng.randint(1, 250), rng.randint(1, 400), rng.randint(1, 9999)
    forms = [
        persian(f"ج {volume} ص {page} ث {entry}"),
        persian(f"جلد {volume} صفحه {page} ثبت {entry}"),
        f"Jild {volume} Safha {page} No {entry}",
        f"Jild {volume} Safha {page} Sabt {entry}",
        f"Vol {volume}, Page {page}, Reg {entry}",
        f"{volume}/{page}/{entry}",
        f"J{volume}-P{page}-{entry}",
        f"Jild: {volume}, Safha: {page}, Sabt: {entry}",
        persian(f"ج{volume}ص{page}ث{entry}"),
        str(rng.randint(10_000_000, 9_999_999_999)),
    ]
    return rng.choice(forms)


def e_tazkira(rng: random.Random) -> str:
    year = rng.randint(1397, 1400)
    middle, last = rng.randint(100, 9999), rng.randint(0, 99999)
    digits = f"{year}-{middle:04d}-{last:05d}"
    return rng.choice((digits, digits, digits.replace("-", ""), digits.replace("-", " ")))


def tazkira(rng: random.Random) -> str:
    return e_tazkira(rng) if rng.random() < 0.3 else paper_tazkira(rng)


def afghan_phone(rng: random.Random, mobile: str, forms: tuple[str, ...]) -> str:
    area, rest = mobile[:2], mobile[2:]
    written = {
        "local": f"0{mobile}",
        "intl": f"+93 {area} {rest[:3]} {rest[3:]}",
        "intl_tight": f"+93{mobile}",
        "plain93": f"93{mobile}",
        "0093": f"0093{mobile}",
        "bare": mobile,
        "dashed": f"0{area}-{rest[:3]}-{rest[3:]}",
        "persian": persian(f"0{mobile}"),
        "arabic": f"0{mobile}".translate(ARABIC_INDIC_DIGITS),
        "nbsp": f"+93\u00a0{area}\u00a0{rest[:3]}\u00a0{rest[3:]}",  # pasted from a web page
    }
    return written[rng.choice(forms)]


def us_phone(rng: random.Random) -> str:
    area = rng.choice(("617", "703", "571", "202", "916", "713", "206"))
    # 555-0100 to 555-0199 are reserved for fiction: no real subscriber is ever invented.
    line = f"01{rng.randint(0, 99):02d}"
    return rng.choice(
        (
            f"({area}) 555-{line}",
            f"{area}.555.{line}",
            f"{area}-555-{line}",
            f"+1 {area} 555 {line}",
        )
    )


def with_letter(phone: str, rng: random.Random) -> str:
    """A phone typed with a letter for a digit (O for 0, l for 1, or a stray letter)."""
    digits = [i for i, c in enumerate(phone) if c.isdigit()]
    position = rng.choice(digits[2:])
    letter = {"0": "O", "1": "l"}.get(phone[position], rng.choice("abkx"))
    return phone[:position] + letter + phone[position + 1 :]


def solar_hijri_written(rng: random.Random, day: date) -> str:
    year, month, dom = to_solar_hijri(day)
    forms = [
        f"SH {year}/{month:02d}/{dom:02d}",
        f"{year}/{month:02d}/{dom:02d} SH",
        f"{year}/{month}/{dom} (hijri shamsi)",
        persian(f"{year}/{month:02d}/{dom:02d}") + " ش",
        f"{dom} {SH_MONTHS_DARI[month - 1]} {year}",
        f"{dom} {SH_MONTHS_LATIN[month - 1]} {year}",
    ]
    return rng.choice(forms)


def impossible_day_first(rng: random.Random, year: int) -> str:
    """A date that exists in neither day/month order (Feb 30, April 31, month 13)."""
    return rng.choice((f"30/02/{year}", f"31/04/{year}", f"15/13/{year}", f"31/09/{year}"))


def impossible_month_first(rng: random.Random, year: int) -> str:
    non_leap = year if year % 4 else year + 1
    return rng.choice((f"02/30/{year}", f"04/31/{year}", f"02/29/{non_leap}", f"13/32/{year}"))


def impossible_solar_hijri(rng: random.Random, year: int) -> str:
    return rng.choice(
        (f"{year}/13/05", f"31 Mizan {year}", f"SH {year}/08/31", f"{year}/12/31 SH")
    )  # Mizan, Aqrab have 30 days, Hut at most 30


# ---------------------------------------------------------------- truth bookkeeping
@dataclass
class Table:
    """One sheet of a workbook or one CSV file, as a spreadsheet user sees its rows."""

    name: str
    header_row: int
    key_column: str
    rows: list[dict] = field(default_factory=list)  # {"row", "key"}


@dataclass
class PartnerFile:
    file: str
    source: str
    description: str
    tables: list[Table]
    broken: list[dict] = field(default_factory=list)
    form: str = ""
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def person_row(self, table: str, row: int, key: str) -> None:
        self.table(table).rows.append({"row": row, "key": key})

    def broken_row(
        self, table: str, row: int, key: str, column: str, kind: str, value: str
    ) -> None:
        self.broken.append(
            {"table": table, "row": row, "key": key, "column": column, "kind": kind, "value": value}
        )

    def as_truth(self) -> dict:
        return {
            "file": self.file,
            "source": self.source,
            "description": self.description,
            "form": self.form,
            "tables": [
                {
                    "name": t.name,
                    "header_row": t.header_row,
                    "key_column": t.key_column,
                    "person_rows": t.rows,
                }
                for t in self.tables
            ],
            "person_rows": sum(len(t.rows) for t in self.tables),
            "broken": self.broken,
            "notes": self.notes,
        }


class BrokenPicker:
    """Chooses about 1% of a file's person rows to break, cycling through the kinds given."""

    def __init__(self, rng: random.Random, rows: int, kinds: tuple[str, ...]):
        count = max(len(kinds), round(rows * BROKEN_SHARE))
        self.chosen = dict(zip(rng.sample(range(rows), count), _cycle(kinds, count), strict=True))

    def kind(self, index: int) -> str:
        return self.chosen.get(index, "")


def _cycle(kinds: tuple[str, ...], count: int) -> list[str]:
    return [kinds[i % len(kinds)] for i in range(count)]


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> None:
    path.write_bytes(csv_text(header, rows).encode(encoding))


# ---------------------------------------------------------------- 1. NGO workbook
NGO_SHEET = "Beneficiaries"
NGO_HEADERS = [
    "شماره / S.No", "نمبر فامیل / Family No", "نام / Name", "تخلص / Surname",
    "نام پدر / Father Name", "جنسیت / Gender", "رابطه / Relation", "تاریخ تولد / DOB",
    "نمبر تذکره / Tazkira No", "پاسپورت / Passport", "شماره تماس / Phone", "ولایت / Province",
    "ملاحظات / Remarks",
]  # fmt: skip
NGO_RELATIONS = {
    "head": ("Head", "Self", "خود", "PA"), "spouse": ("Wife", "همسر", "Spouse"),
    "son": ("Son", "پسر"), "daughter": ("Daughter", "دختر"), "mother": ("Mother", "مادر"),
    "brother": ("Brother", "برادر"), "sister": ("Sister", "خواهر"),
}  # fmt: skip
NO_PASSPORT = ("N/A", "-", "none", "", "", "", "ندارد")
NGO_LISTS_SHEET = "Lists"
NGO_REMARKS = (
    "",
    "",
    "",
    "",
    "worked with GIZ",
    "SIV applicant (pending)",
    "disabled",
    "پدر در ارتش ملی کار میکرد",
    "P2 referral",
    "phone of brother in Kabul",
)


def ngo_birth_date(rng: random.Random, birth: date) -> str | int | datetime:
    """A date of birth as NGO staff typed it: Solar Hijri, day-first, year only, zeros..."""
    form = rng.choices(
        ("day_first", "excel", "solar_hijri", "year", "zeros", "dashes"),
        weights=(30, 15, 30, 8, 7, 10),
    )[0]
    if form == "excel":
        return datetime(birth.year, birth.month, birth.day)
    if form == "solar_hijri":
        return solar_hijri_written(rng, birth)
    if form == "year":
        return rng.choice((str(birth.year), birth.year))  # typed as text, or as a number
    if form == "zeros":
        return rng.choice(
            (f"00/00/{birth.year}", f"{birth.year}-00-00", f"00/{birth.month:02d}/{birth.year}")
        )
    separator = "/" if form == "day_first" else rng.choice("-.")
    return f"{birth.day:02d}{separator}{birth.month:02d}{separator}{birth.year}"


def ngo_given_name(rng: random.Random, person: Person) -> str:
    """The name as the NGO's staff wrote it: in Dari script now and then, with a title."""
    if person.given in IN_SCRIPT and rng.random() < 0.2:
        return IN_SCRIPT[person.given]
    if person.sex == "M" and person.birth.year < 1975 and rng.random() < 0.3:
        return f"Haji {person.given}"
    if person.relation == "head" and rng.random() < 0.05:
        return f"{rng.choice(('Eng.', 'Dr.', 'Qari'))} {person.given}"
    return person.given


def as_excel_typed_it(rng: random.Random, value: str) -> str | int:
    """Digits typed into a cell Excel left as General: often a number, leading zero lost."""
    if value.isascii() and value.isdigit() and rng.random() < 0.3:
        return int(value)
    return value


def write_ngo_lists(sheet: Worksheet) -> None:
    """The sheet behind the workbook's drop-downs: provinces and relations, no person."""
    sheet.append(["Province", "Relation"])
    relations = [label for labels in NGO_RELATIONS.values() for label in labels]
    for index in range(max(len(PROVINCES), len(relations))):
        sheet.append(
            [
                PROVINCES[index] if index < len(PROVINCES) else None,
                relations[index] if index < len(relations) else None,
            ]
        )


def lines_between_families(rng: random.Random, mazar_starts: bool) -> list[list]:
    """Rows without a person between two families: a blank line, or the Mazar-i-Sharif
    office's list pasted under Kabul's with its own title and header."""
    if mazar_starts:
        return [[], ["Mazar-i-Sharif office / دفتر مزار شریف"], NGO_HEADERS]
    return [[]] if rng.random() < 0.05 else []


def ngo_workbook(rng: random.Random, out: Path) -> PartnerFile:
    partner = PartnerFile(
        file="ngo_rahyab_evacuation_list.xlsx",
        source="ngo-rahyab",
        description="NGO workbook: title rows, bilingual headers, households by family number",
        tables=[Table(NGO_SHEET, header_row=4, key_column=NGO_HEADERS[0])],
    )
    book = Workbook()
    sheet = book.active
    sheet.title = NGO_SHEET
    sheet.append(["Rahyab Relief Organization - evacuation list / لست تخلیه موسسه رهیاب"])
    sheet.append(["Prepared by the Kabul office, 28 Asad 1400 (19 August 2021). Confidential."])
    sheet.append([])
    sheet.append(NGO_HEADERS)
    people = [
        (f"RHY-{number:05d}", person)
        for number, household in enumerate(households_for(rng, 1400), start=1)
        for person in household.members
    ]
    picker = BrokenPicker(rng, len(people), ("no name", "impossible date", "phone with letters"))
    phone_forms = ("local", "local", "intl", "0093", "persian", "arabic", "plain93", "bare", "nbsp")
    mazar_from = next(
        i for i in range(len(people) * 3 // 5, len(people)) if people[i][0] != people[i - 1][0]
    )
    row = 4
    for index, (family_number, person) in enumerate(people):
        if index and family_number != people[index - 1][0]:
            for line in lines_between_families(rng, index == mazar_from):
                sheet.append(line)
                row += 1
        row += 1
        serial = str(index + 1)
        cells = {
            "name": ngo_given_name(rng, person),
            "surname": person.family,
            "father": person.father,
            "dob": ngo_birth_date(rng, person.birth),
            "phone": afghan_phone(rng, person.mobile, phone_forms)
            if person.mobile
            else rng.choice(("", "", "", *PLACEHOLDERS)),
        }
        kind = picker.kind(index)
        if kind == "no name":
            cells.update(name="", surname="", father="")
            partner.broken_row(NGO_SHEET, row, serial, NGO_HEADERS[2], kind, "")
        elif kind == "impossible date":
            cells["dob"] = (
                impossible_solar_hijri(rng, to_solar_hijri(person.birth)[0])
                if rng.random() < 0.5
                else impossible_day_first(rng, person.birth.year)
            )
            partner.broken_row(NGO_SHEET, row, serial, NGO_HEADERS[7], kind, cells["dob"])
        elif kind == "phone with letters":
            cells["phone"] = with_letter(f"0{person.mobile or afghan_mobile(rng)}", rng)
            partner.broken_row(NGO_SHEET, row, serial, NGO_HEADERS[10], kind, cells["phone"])
        sheet.append(
            [
                int(serial),
                family_number,
                cells["name"],
                cells["surname"],
                cells["father"],
                rng.choice({"M": ("M", "Male", "مرد"), "F": ("F", "Female", "زن")}[person.sex]),
                rng.choice(NGO_RELATIONS[person.relation]),
                cells["dob"],
                as_excel_typed_it(
                    rng, tazkira(rng) if rng.random() < 0.9 else rng.choice(PLACEHOLDERS)
                ),
                person.passport or rng.choice(NO_PASSPORT),
                as_excel_typed_it(rng, cells["phone"]),
                rng.choice(PROVINCES),
                rng.choice(NGO_REMARKS),
            ]
        )
        if isinstance(cells["dob"], datetime):
            sheet.cell(row=row, column=8).number_format = "dd/mm/yyyy"
        partner.person_row(NGO_SHEET, row, serial)
    write_ngo_lists(book.create_sheet(NGO_LISTS_SHEET))
    book.save(out / partner.file)
    return partner


# ---------------------------------------------------------------- 2. congressional office
CONGRESS_HEADERS = [
    "Record #", "Case ID", "Constituent (requester)", "Evacuee Name", "Relationship",
    "Nationality", "Date of Birth", "Passport #", "A-Number", "Green Card #", "Phone", "Email",
    "Location in Afghanistan", "Notes",
]  # fmt: skip
NATIONALITY_WRITTEN = {
    "US": ("American", "US", "U.S.", "USA", "United States", "امریکایی"),
    "AF": ("Afghan", "AF", "AFG", "Afghanistan", "افغان"),
}
CONGRESS_RELATIONS = {
    "head": "Self", "spouse": "Spouse", "son": "Son", "daughter": "Daughter",
    "mother": "Mother", "brother": "Brother", "sister": "Sister",
}  # fmt: skip


def a_number(rng: random.Random) -> str:
    digits = f"{rng.randint(10_000_000, 299_999_999):09d}"
    return rng.choice(
        (f"A{digits}", f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}", digits, f"A{digits[1:]}")
    )


def green_card(rng: random.Random) -> str:
    """A Form I-551 card number: the USCIS service centre and ten digits."""
    centre = rng.choice(("EAC", "WAC", "LIN", "SRC", "IOE", "MSC", "NBC", "YSC"))
    return f"{centre}{rng.randint(0, 10**10 - 1):010d}"


def congress_passport(rng: random.Random, person: Person, us_national: bool) -> str:
    """US books (9 digits, or a letter and 8 since 2021), Afghan or a second nationality's."""
    if us_national and rng.random() < 0.8:
        if rng.random() < 0.25:
            return f"{rng.choice('AEHJKLMNPRSUXZ')}{rng.randint(0, 99_999_999):08d}"
        return str(rng.randint(100_000_000, 999_999_999))
    if rng.random() < 0.05:  # dual nationals: a Pakistani book, two letters and 7 digits
        return f"{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}{rng.randint(0, 9_999_999):07d}"
    return person.passport or rng.choice(("", "N/A", "none"))


def congressional_csv(rng: random.Random, out: Path) -> PartnerFile:
    partner = PartnerFile(
        file="congress_ma07_afghan_casework.csv",
        source="congress-ma07",
        description="Congressional office CSV: US citizens, LPRs and Afghan family, month-first",
        tables=[Table("congress_ma07_afghan_casework.csv", header_row=1, key_column="Record #")],
    )
    table = partner.tables[0].name
    people = []
    for case, household in enumerate(households_for(rng, 420), start=142):
        status = rng.choices(("US", "LPR", "AF"), weights=(45, 35, 20))[0]
        requester = f"{rng.choice(MALE + FEMALE)} {household.family or rng.choice(FAMILY)}"
        for person in household.members:
            # Children of a US citizen born abroad are often citizens too; spouses often not.
            own = status if person.relation in ("head", "son", "daughter") else "AF"
            people.append((f"MA07-2021-{case:04d}", requester, own, person))
    picker = BrokenPicker(rng, len(people), ("no name", "impossible date", "phone with letters"))
    rows = []
    for index, (case_id, requester, status, person) in enumerate(people):
        record, row = f"{100000 + index}", index + 2
        name = person.full_name
        if person.family and rng.random() < 0.3:
            name = f"{person.family.upper()}, {person.given}"
        us_national = status == "US"
        passport = congress_passport(rng, person, us_national)
        if status == "US" or (status == "LPR" and rng.random() < 0.5):
            phone = us_phone(rng)
        elif person.mobile:
            phone = afghan_phone(rng, person.mobile, ("intl", "intl_tight", "plain93", "0093"))
        else:
            phone = ""
        dob = f"{person.birth.month:02d}/{person.birth.day:02d}/{person.birth.year}"
        kind = picker.kind(index)
        if kind == "no name":
            name = ""
            partner.broken_row(table, row, record, "Evacuee Name", kind, "")
        elif kind == "impossible date":
            dob = impossible_month_first(rng, person.birth.year)
            partner.broken_row(table, row, record, "Date of Birth", kind, dob)
        elif kind == "phone with letters":
            phone = with_letter(us_phone(rng), rng)
            partner.broken_row(table, row, record, "Phone", kind, phone)
        nationality_key = "US" if us_national else "AF"
        rows.append(
            [
                record,
                case_id,
                requester,
                name,
                CONGRESS_RELATIONS[person.relation],
                rng.choice(NATIONALITY_WRITTEN[nationality_key]),
                dob,
                passport,
                a_number(rng) if status == "LPR" else "",
                green_card(rng) if status == "LPR" and rng.random() < 0.6 else "",
                phone,
                f"{person.given.split()[0].lower()}.{rng.randint(10, 99)}@example.org"
                if person.relation == "head"
                else "",
                rng.choice(PROVINCES),
                rng.choice(
                    (
                        "",
                        "",
                        "LPR - green card expired 2020",
                        "US citizen, in Kabul",
                        "at Abbey Gate since Monday",
                        "needs I-130 follow-up",
                    )
                ),
            ]
        )
        partner.person_row(table, row, record)
    write_csv(out / partner.file, CONGRESS_HEADERS, rows)
    return partner


# ---------------------------------------------------------------- 3. web-form export
WEBFORM_HEADERS = [
    "Submission ID", "Submitted at", "Group ID", "Are you the main applicant?", "Full name",
    "Father's name", "Date of birth", "Gender", "Phone number (WhatsApp)", "Email",
    "Tazkira number", "Passport number (if any)", "Relationship to main applicant",
    "Why are you at risk? Who did you work for?", "Current location",
]  # fmt: skip


def free_text_name(rng: random.Random, name: str) -> str:
    """Names as people type them into a form: capitals, lower case, double spaces."""
    return rng.choice(
        (name, name, name, name.upper(), name.lower(), name.replace(" ", "  "), f" {name} ")
    )


def free_text_date(rng: random.Random, birth: date) -> str:
    month = G_MONTHS[birth.month - 1]
    return rng.choice(
        (
            f"{birth.day:02d}/{birth.month:02d}/{birth.year}",
            birth.isoformat(),
            f"{birth.day} {month} {birth.year}",
            f"{month} {birth.day}, {birth.year}",
            f"{birth.day}-{month[:3]}-{birth.year}",
            str(birth.year),
            solar_hijri_written(rng, birth),
        )
    )


def whatsapp_abroad(rng: random.Random) -> str:
    """The WhatsApp number of a relative abroad, given when one's own phone is unsafe."""
    # Only ranges kept for fiction (Ofcom's 07700 900xxx, the US 555-01xx): no real subscriber.
    return rng.choice((f"+44 7700 900{rng.randint(100, 999)}", us_phone(rng)))


def webform_csv(rng: random.Random, out: Path) -> PartnerFile:
    partner = PartnerFile(
        file="webform_at_risk_export.csv",
        source="webform-atrisk",
        description="Web-form export: one row per person, a group id, free-text answers",
        tables=[Table("webform_at_risk_export.csv", header_row=1, key_column="Submission ID")],
    )
    table = partner.tables[0].name
    people = [
        (f"G{1000 + number}", household, person)
        for number, household in enumerate(households_for(rng, 1100))
        for person in household.members
    ]
    picker = BrokenPicker(rng, len(people), ("no name", "impossible date", "phone with letters"))
    submitted = datetime(2021, 8, 16, 4, 12)
    rows = []
    for index, (group, household, person) in enumerate(people):
        submission, row = f"R_{rng.getrandbits(40):010x}", index + 2
        submitted += timedelta(seconds=rng.randint(5, 400))
        name = free_text_name(rng, person.full_name)
        dob = free_text_date(rng, person.birth)
        forms = ("plain93", "local", "intl", "bare", "intl_tight", "0093", "dashed", "nbsp")
        phone = afghan_phone(rng, person.mobile, forms) if person.mobile else ""
        if phone and rng.random() < 0.04:
            phone = whatsapp_abroad(rng)
        kind = picker.kind(index)
        father = free_text_name(rng, person.father) if rng.random() < 0.9 else ""
        if kind == "no name":
            name = father = ""
            partner.broken_row(table, row, submission, "Full name", kind, "")
        elif kind == "impossible date":
            dob = rng.choice(
                (
                    impossible_day_first(rng, person.birth.year),
                    f"30 February {person.birth.year}",
                    f"31 April {person.birth.year}",
                )
            )
            partner.broken_row(table, row, submission, "Date of birth", kind, dob)
        elif kind == "phone with letters":
            phone = with_letter(afghan_phone(rng, person.mobile or afghan_mobile(rng), forms), rng)
            partner.broken_row(table, row, submission, "Phone number (WhatsApp)", kind, phone)
        head = person is household.head
        rows.append(
            [
                submission,
                submitted.strftime("%Y-%m-%d %H:%M:%S"),
                group,
                "Yes" if head else "No",
                name,
                father,
                dob,
                {"M": "Male", "F": "Female"}[person.sex],
                phone,
                f"{person.given.split()[0].lower()}{rng.randint(1, 999)}@example.com"
                if head and rng.random() < 0.5
                else "",
                tazkira(rng) if rng.random() < 0.85 else "",
                person.passport or rng.choice(("", "", "no", "N/A", "don't have")),
                "" if head else person.relation.capitalize(),
                rng.choice(RISK_STORIES) if head else "",
                rng.choice(PROVINCES),
            ]
        )
        partner.person_row(table, row, submission)
    resubmit(rng, partner, rows, submitted)
    write_csv(out / partner.file, WEBFORM_HEADERS, rows)
    return partner


def resubmit(rng: random.Random, partner: PartnerFile, rows: list[list], after: datetime) -> None:
    """People who sent the form again with the same answers (no reply, a rumour, a deadline):
    valid rows, each its own registration; linkage, not intake, makes them one person."""
    table = partner.tables[0].name
    broken = {b["row"] for b in partner.broken}
    originals = [r for number, r in enumerate(rows, start=2) if number not in broken]
    for original in rng.sample(originals, len(rows) // 50):
        after += timedelta(minutes=rng.randint(30, 600))
        submission = f"R_{rng.getrandbits(40):010x}"
        rows.append([submission, after.strftime("%Y-%m-%d %H:%M:%S"), *original[2:]])
        partner.person_row(table, len(rows) + 1, submission)


# ---------------------------------------------------------------- 4, 5. one XLSForm on Kobo and ODK
FORM_ID = "evac_registration"
FORM_TITLE = "Evacuation registration"
HEAD_QUESTIONS = [
    ("text", "head_name", "Full name of the head of family", "نام کامل سرپرست فامیل"),
    ("text", "head_father_name", "Father's name", "نام پدر"),
    ("select_one gender", "head_gender", "Gender", "جنسیت"),
    ("date", "head_dob", "Date of birth", "تاریخ تولد"),
    ("text", "head_phone", "Phone (WhatsApp)", "شماره تماس (واتساپ)"),
    ("text", "head_tazkira", "Tazkira number", "نمبر تذکره"),
    ("text", "head_passport", "Passport number", "نمبر پاسپورت"),
    ("select_one province", "province", "Province", "ولایت"),
    ("select_one category", "category", "Why are you eligible?", "چرا واجد شرایط هستید؟"),
    ("text", "siv_case", "SIV case number (if any)", "نمبر کیس SIV"),
    ("integer", "member_count", "How many family members travel with you?", "تعداد اعضای فامیل"),
]  # fmt: skip
MEMBER_QUESTIONS = [
    ("text", "member_name", "Full name", "نام کامل"),
    ("select_one gender", "member_gender", "Gender", "جنسیت"),
    ("date", "member_dob", "Date of birth", "تاریخ تولد"),
    ("select_one relationship", "relationship", "Relationship to the head", "رابطه با سرپرست"),
    ("text", "member_tazkira", "Tazkira number", "نمبر تذکره"),
    ("text", "member_phone", "Phone (if any)", "شماره تماس"),
]  # fmt: skip
CHOICES = {
    "gender": [("male", "Male", "مرد"), ("female", "Female", "زن")],
    "relationship": [
        ("spouse", "Spouse", "همسر"), ("son", "Son", "پسر"), ("daughter", "Daughter", "دختر"),
        ("mother", "Mother", "مادر"), ("brother", "Brother", "برادر"),
        ("sister", "Sister", "خواهر"),
    ],
    "category": [
        ("siv", "SIV applicant", "متقاضی ویزه SIV"), ("lpr", "US green card", "گرین کارت"),
        ("us_citizen", "US citizen", "تابعیت امریکا"), ("p1_p2", "P-1/P-2 referral", "ارجاع P1/P2"),
        ("local_staff", "Embassy local staff", "کارمند محلی سفارت"),
        ("other_at_risk", "Other at risk", "دیگر افراد در معرض خطر"),
    ],
    "province": [(p.lower(), p, p) for p in PROVINCES],
}  # fmt: skip
FORM_SIZES = (1, 2, 3, 3, 4, 4, 5, 5, 6)


@dataclass
class Answers:
    """One person's answers in the form, and the broken field if the row is broken."""

    person: Person
    name: str
    father: str
    phone: str
    tazkira: str
    broken: tuple[str, str, str] = ()  # (question, kind, value)


def form_answers(
    rng: random.Random, person: Person, kind: str, name_question: str, phone_question: str
) -> Answers:
    answers = Answers(
        person=person,
        name=person.full_name,
        father=person.father,
        phone=afghan_phone(rng, person.mobile, ("intl_tight", "local", "intl"))
        if person.mobile
        else "",
        tazkira=tazkira(rng) if rng.random() < 0.8 else "",
    )
    # A date widget cannot produce a day that does not exist: forms break by name or phone.
    if kind == "no name":
        answers.name = answers.father = ""
        answers.broken = (name_question, kind, "")
    elif kind == "phone with letters":
        answers.phone = with_letter(f"+93{person.mobile or afghan_mobile(rng)}", rng)
        answers.broken = (phone_question, kind, answers.phone)
    return answers


def form_households(rng: random.Random, persons: int) -> list[tuple[Answers, list[Answers]]]:
    households = households_for(rng, persons, FORM_SIZES)
    total = sum(len(h.members) for h in households)
    picker = BrokenPicker(rng, total, ("no name", "phone with letters"))
    submissions, index = [], 0
    for household in households:
        answers = []
        for position, person in enumerate(household.members):
            head = position == 0
            answers.append(
                form_answers(
                    rng,
                    person,
                    picker.kind(index),
                    "head_name" if head else "member_name",
                    "head_phone" if head else "member_phone",
                )
            )
            index += 1
        submissions.append((answers[0], answers[1:]))
    return submissions


def head_values(rng: random.Random, head: Answers, members: int) -> dict[str, str]:
    category = rng.choice([name for name, *_ in CHOICES["category"]])
    return {
        "head_name": head.name,
        "head_father_name": head.father,
        "head_gender": {"M": "male", "F": "female"}[head.person.sex],
        "head_dob": head.person.birth.isoformat(),
        "head_phone": head.phone,
        "head_tazkira": head.tazkira,
        "head_passport": head.person.passport,
        "province": rng.choice(PROVINCES).lower(),
        "category": category,
        "siv_case": f"KBL{rng.randint(2014, 2021)}{rng.randint(0, 999999):06d}"
        if category == "siv"
        else "",
        "member_count": str(members),
    }


def member_values(member: Answers) -> dict[str, str]:
    return {
        "member_name": member.name,
        "member_gender": {"M": "male", "F": "female"}[member.person.sex],
        "member_dob": member.person.birth.isoformat(),
        "relationship": member.person.relation,
        "member_tazkira": member.tazkira,
        "member_phone": member.phone,
    }


def write_xlsform(path: Path) -> None:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::Dari (prs)", "required"])
    survey.append(["start", "start", "", "", ""])
    survey.append(["end", "end", "", "", ""])
    survey.append(["today", "today", "", "", ""])
    survey.append(["begin_group", "household", "Head of family", "سرپرست فامیل", ""])
    for kind, name, english, dari in HEAD_QUESTIONS:
        survey.append([kind, name, english, dari, "true" if name != "siv_case" else ""])
    survey.append(["end_group", "", "", "", ""])
    survey.append(["begin_repeat", "family_members", "Family members", "اعضای فامیل", ""])
    for kind, name, english, dari in MEMBER_QUESTIONS:
        survey.append([kind, name, english, dari, ""])
    survey.append(["end_repeat", "", "", "", ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::Dari (prs)"])
    for list_name, options in CHOICES.items():
        for name, english, dari in options:
            choices.append([list_name, name, english, dari])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([FORM_TITLE, FORM_ID, "2021081501", "English (en)"])
    book.save(path)


KOBO_MAIN_META = [
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]
KOBO_MEMBER_META = [
    "_index",
    "_parent_table_name",
    "_parent_index",
    "_submission__id",
    "_submission__uuid",
    "_submission__submission_time",
    "_submission__validation_status",
    "_submission__notes",
    "_submission__status",
    "_submission__submitted_by",
    "_submission___version__",
    "_submission__tags",
]


def kobo_export(rng: random.Random, out: Path) -> PartnerFile:
    main_sheet, member_sheet = FORM_TITLE, "family_members"
    partner = PartnerFile(
        file="kobo_evacuation_registration.xlsx",
        source="kobo-registration",
        description="KoboToolbox XLSX export: submissions sheet and the repeat's own sheet",
        tables=[Table(main_sheet, 1, "_uuid"), Table(member_sheet, 1, "_index")],
        form="kobo_evacuation_registration_form.xlsx",
    )
    write_xlsform(out / partner.form)
    book = Workbook()
    main = book.active
    main.title = main_sheet
    main.append(
        ["start", "end", "today"] + [f"household/{q[1]}" for q in HEAD_QUESTIONS] + KOBO_MAIN_META
    )
    members = book.create_sheet(member_sheet)
    members.append([f"family_members/{q[1]}" for q in MEMBER_QUESTIONS] + KOBO_MEMBER_META)
    started, member_index = datetime(2021, 8, 15, 6, 0), 0
    for index, (head, family) in enumerate(form_households(rng, 710), start=1):
        started += timedelta(minutes=rng.randint(2, 60))
        ended = started + timedelta(minutes=rng.randint(3, 25))
        submitted = ended + timedelta(minutes=rng.randint(0, 300))
        sub_id, sub_uuid = 40_000_000 + index * 7, str(uuid.UUID(int=rng.getrandbits(128)))
        validation = rng.choice(("", "", "Approved", "On Hold"))
        meta = [
            sub_id,
            sub_uuid,
            submitted.strftime("%Y-%m-%dT%H:%M:%S"),
            validation,
            "",
            "submitted_via_web",
            "rahyab_field",
            "vQ3x8tZ2gkxDd6",
            "",
            index,
        ]
        values = head_values(rng, head, len(family))
        main.append(
            [
                started.isoformat() + "+04:30",
                ended.isoformat() + "+04:30",
                started.date().isoformat(),
            ]
            + [values[q[1]] for q in HEAD_QUESTIONS]
            + meta
        )
        record_form_row(partner, main_sheet, index + 1, sub_uuid, head, "household/")
        for member in family:
            member_index += 1
            member_meta = [member_index, main_sheet, index, *meta[:-1]]
            answers = member_values(member)
            members.append([answers[q[1]] for q in MEMBER_QUESTIONS] + member_meta)
            record_form_row(
                partner,
                member_sheet,
                member_index + 1,
                str(member_index),
                member,
                "family_members/",
            )
    book.save(out / partner.file)
    return partner


def record_form_row(
    partner: PartnerFile, table: str, row: int, key: str, answers: Answers, prefix: str
) -> None:
    partner.person_row(table, row, key)
    if answers.broken:
        question, kind, value = answers.broken
        partner.broken_row(table, row, key, prefix + question, kind, value)


ODK_MAIN_META = [
    "meta-instanceID",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]


def odk_zip(rng: random.Random, out: Path) -> PartnerFile:
    main_csv, member_csv = f"{FORM_ID}.csv", f"{FORM_ID}-family_members.csv"
    partner = PartnerFile(
        file=f"{FORM_ID}.zip",
        source="odk-registration",
        description="ODK Central CSV zip: main CSV and the repeat's CSV joined by KEY/PARENT_KEY",
        tables=[Table(main_csv, 1, "KEY"), Table(member_csv, 1, "KEY")],
    )
    main_rows, member_rows = [], []
    started = datetime(2021, 8, 16, 5, 30)
    for index, (head, family) in enumerate(form_households(rng, 600), start=1):
        started += timedelta(minutes=rng.randint(2, 50))
        ended = started + timedelta(minutes=rng.randint(3, 20))
        received = ended + timedelta(minutes=rng.randint(0, 600), seconds=rng.random() * 60)
        key = f"uuid:{uuid.UUID(int=rng.getrandbits(128))}"
        values = head_values(rng, head, len(family))
        device = f"collect:{rng.getrandbits(64):016X}"[:24]
        main_rows.append(
            [
                received.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                started.isoformat(timespec="milliseconds") + "+04:30",
                ended.isoformat(timespec="milliseconds") + "+04:30",
                started.date().isoformat(),
            ]
            + [values[q[1]] for q in HEAD_QUESTIONS]
            + [
                key,
                key,
                str(rng.randint(20, 40)),
                rng.choice(("Laila N.", "Omid K.", "Field 3")),
                "0",
                "0",
                "",
                rng.choice(("", "", "approved", "hasIssues")),
                device,
                "0",
                "2021081501",
            ]
        )
        record_form_row(partner, main_csv, index + 1, key, head, "household-")
        for position, member in enumerate(family, start=1):
            member_key = f"{key}/family_members[{position}]"
            answers = member_values(member)
            member_rows.append([answers[q[1]] for q in MEMBER_QUESTIONS] + [key, member_key])
            record_form_row(partner, member_csv, len(member_rows) + 1, member_key, member, "")
    main_header = (
        ["SubmissionDate", "start", "end", "today"]
        + [f"household-{q[1]}" for q in HEAD_QUESTIONS]
        + ODK_MAIN_META
    )
    member_header = [q[1] for q in MEMBER_QUESTIONS] + ["PARENT_KEY", "KEY"]
    with zipfile.ZipFile(out / partner.file, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(main_csv, csv_text(main_header, main_rows))
        archive.writestr(member_csv, csv_text(member_header, member_rows))
    return partner


def csv_text(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# ---------------------------------------------------------------- 6. SIV case list
SIV_HEADERS = [
    "Case Number", "Seq", "Surname", "Given Name", "Relationship to PA", "DOB", "Gender",
    "Place of Birth", "Passport No.", "COM Approval Date", "COM Status", "Employer", "Notes",
]  # fmt: skip
SIV_RELATIONS = {
    "head": "Principal Applicant", "spouse": "Spouse", "son": "Child", "daughter": "Child",
    "mother": "Parent", "brother": "Sibling", "sister": "Sibling",
}  # fmt: skip
# Windows-1252 has the typographic dash and apostrophe that Excel on Windows puts there.
SIV_EMPLOYERS = (
    "U.S. Embassy Kabul – Political Section",
    "Resolute Support – interpreter",
    "USAID implementing partner – Kandahar",
    "ISAF – cultural advisor",
    "U.S. Army – linguist (Camp Leatherneck)",
)
SIV_NOTES = (
    "",
    "",
    "",
    "PA’s letter of recommendation on file",
    "Spouse’s passport expired",
    "awaiting medical exam – IOM",
    "“HR letter” missing",
    "DS-260 submitted",
)


def siv_csv(rng: random.Random, out: Path) -> PartnerFile:
    partner = PartnerFile(
        file="siv_case_list_kbl.csv",
        source="siv-nvc",
        description="SIV case list in Windows-1252: Relationship to PA, COM approval, month-first",
        tables=[Table("siv_case_list_kbl.csv", header_row=1, key_column="Seq")],
        notes=[
            "Persons without a family name are written Surname = their name, "
            "Given Name = FNU (first name unknown), as US systems do."
        ],
    )
    table = partner.tables[0].name
    people = [
        (case, person)
        for household in households_for(rng, 320)
        for case in [f"KBL{rng.choice((2016, 2018, 2019, 2020, 2021))}{rng.randint(0, 999999):06d}"]
        for person in household.members
    ]
    picker = BrokenPicker(rng, len(people), ("no name", "impossible date"))
    rows = []
    case_status: dict[str, tuple[str, str]] = {}
    for index, (case, person) in enumerate(people):
        row, seq = index + 2, str(index + 1)
        if person.family:
            surname, given = person.family, person.given
        elif rng.random() < 0.5:
            surname, given = person.given, "FNU"
        else:
            surname, given = "", person.given
        dob = f"{person.birth.month:02d}/{person.birth.day:02d}/{person.birth.year}"
        if case not in case_status:
            approved = date(2021, 1, 1) + timedelta(days=rng.randint(0, 225))
            status = rng.choices(("Approved", "Pending", "Denied", "Appeal"), (6, 3, 1, 1))[0]
            case_status[case] = (
                approved.strftime("%m/%d/%Y") if status == "Approved" else "",
                status,
            )
        com_date, com_status = case_status[case]
        kind = picker.kind(index)
        if kind == "no name":
            surname = given = ""
            partner.broken_row(table, row, seq, "Given Name", kind, "")
        elif kind == "impossible date":
            dob = impossible_month_first(rng, person.birth.year)
            partner.broken_row(table, row, seq, "DOB", kind, dob)
        principal = person.relation == "head"
        rows.append(
            [
                case,
                seq,
                surname,
                given,
                SIV_RELATIONS[person.relation],
                dob,
                {"M": "Male", "F": "Female"}[person.sex],
                rng.choice(PROVINCES),
                person.passport,
                com_date if principal else "",
                com_status if principal else "",
                rng.choice(SIV_EMPLOYERS) if principal else "",
                rng.choice(SIV_NOTES),
            ]
        )
        partner.person_row(table, row, seq)
    write_csv(out / partner.file, SIV_HEADERS, rows, encoding="cp1252")
    return partner


# ---------------------------------------------------------------- 7. scanned zones
MRZ_HEADERS = ["Scan ID", "Scanned at", "Station", "Document", "MRZ", "Operator"]


def scanned_zone(rng: random.Random, person: Person) -> tuple[str, str]:
    """One scanned document of a person: its description and its zone (lines joined by \\n)."""
    afghan = Holder(person.family, person.given, "AFG", person.birth, person.sex)
    expiry = date(2021, 8, 1) + timedelta(days=rng.randint(-400, 3600))
    kind = rng.choices(
        ("afg_passport", "us_passport", "green_card", "td2_card", "visa_a", "visa_b"),
        weights=(40, 15, 15, 8, 14, 8),
    )[0]
    if kind == "afg_passport":
        number = person.passport or afghan_passport(rng)
        return "Afghan passport (TD3)", td3("P", "AFG", afghan, number, expiry)
    if kind == "us_passport":
        number = str(rng.randint(100_000_000, 999_999_999))
        return "US passport (TD3)", td3(
            "P", "USA", replace(afghan, nationality="USA"), number, expiry
        )
    if kind == "green_card":
        uscis = f"{rng.randint(10_000_000, 299_999_999):09d}"
        # A-number as the document number, the card's own number in the optional data.
        card = green_card(rng)
        return "US permanent resident card (TD1)", td1("C1", "USA", afghan, uscis, expiry, card)
    if kind == "td2_card":
        state = rng.choice(("TJK", "UZB", "PAK"))
        number = f"{rng.choice('ABK')}{rng.randint(0, 99_999_999):08d}"
        holder = replace(afghan, nationality=state)
        return f"{state} identity card (TD2)", td2("I", state, holder, number, expiry)
    number = f"{rng.randint(10_000_000, 99_999_999)}"
    width, label = (
        (44, "US visa foil (MRV-A)") if kind == "visa_a" else (36, "US visa foil (MRV-B)")
    )
    return label, mrv(width, "USA", afghan, number, expiry)


def mrz_csv(rng: random.Random, out: Path) -> PartnerFile:
    partner = PartnerFile(
        file="gate_mrz_scans.csv",
        source="gate-scans",
        description="Scanned machine-readable zones, one zone per cell (TD1, TD2, TD3, MRV-A/B)",
        tables=[Table("gate_mrz_scans.csv", header_row=1, key_column="Scan ID")],
        notes=[
            "The ICAO 9303 specimens (Anna Maria Eriksson of Utopia, expired) are rows too: "
            "their check digits are right, so they count as valid zones."
        ],
    )
    table = partner.tables[0].name
    adults = [p for h in households_for(rng, 300) for p in h.members if p.birth.year < 2004]
    zones = [scanned_zone(rng, person) for person in adults]
    zones += list(ICAO_SPECIMENS.items())
    rng.shuffle(zones)
    broken = set(rng.sample(range(len(zones)), max(3, round(len(zones) * BROKEN_SHARE))))
    scanned, rows = datetime(2021, 8, 22, 3, 0), []
    for index, (label, zone) in enumerate(zones):
        scan_id, row = f"S-{5000 + index}", index + 2
        scanned += timedelta(seconds=rng.randint(20, 240))
        if index in broken:
            zone = break_check_digit(zone, rng)
            partner.broken_row(table, row, scan_id, "MRZ", "wrong check digit", zone)
        assert zone_checks_out(zone) == (index not in broken), f"{label}: {zone}"
        if rng.random() < 0.1:
            zone = zone.replace("\n", "\r\n")  # the scanner of one station ends lines so
        rows.append(
            [
                scan_id,
                scanned.strftime("%d/%m/%Y %H:%M"),
                rng.choice(("ECC-1", "ECC-2", "North Gate")),
                label,
                zone,
                rng.choice(("SGT Miller", "Cpl Reyes", "MA2 Diaz")),
            ]
        )
        partner.person_row(table, row, scan_id)
    write_csv(out / partner.file, MRZ_HEADERS, rows)
    return partner


# ---------------------------------------------------------------- the world
WRITERS = (ngo_workbook, congressional_csv, webform_csv, kobo_export, odk_zip, siv_csv, mrz_csv)


def generate(seed: int, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    files = [writer(random.Random(f"{seed}-{writer.__name__}"), out) for writer in WRITERS]
    truth = {
        "seed": seed,
        "row_numbers": "as a spreadsheet shows them: the header row of a CSV is row 1",
        "broken_kinds": {
            "no name": "the person's name is missing (no name column filled)",
            "impossible date": "a date of birth that exists in no reading (Feb 30, month 13)",
            "phone with letters": "a phone number typed with a letter in it",
            "wrong check digit": "a machine-readable zone whose birth-date check digit is wrong",
        },
        "files": [f.as_truth() for f in files],
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    truth = generate(arguments.seed, arguments.out)
    for entry in truth["files"]:
        print(f"{entry['file']}: {entry['person_rows']} person rows, {len(entry['broken'])} broken")


if __name__ == "__main__":
    main()
