"""Write the messy partner files the intake tests import (run it to regenerate them).

Every person here is invented. The files copy what real lists in August 2021 looked like:
byte-order marks, Windows-1252 and UTF-16, semicolons and tabs, names in Dari script, a note
spanning two lines inside one cell, title rows and merged cells above and beside the data,
Excel serial dates, Solar Hijri dates, a hashtag row, and web-form exports with families nested
inside each submission. The expected counts and values are in tests/intake/test_import.py.
"""

import json
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from evac.intake.mrz import check_digit

HERE = Path(__file__).parent


def td3(surname: str, given: str, number: str, birth: str, sex: str, expiry: str) -> str:
    """A valid Afghan passport zone for an invented person (ICAO 9303 check digits)."""
    return two_line_zone("P", "AFG", surname, given, number, "AFG", birth, sex, expiry)


def two_line_zone(
    code: str,
    state: str,
    surname: str,
    given: str,
    number: str,
    nationality: str,
    birth: str,
    sex: str,
    expiry: str,
    *,
    width: int = 44,
) -> str:
    """A zone of two lines: a TD3 passport or an MRV-A visa (44 wide), a TD2 card or an MRV-B
    visa (36 wide). Passports and cards end with a composite check digit, visas do not."""
    line1 = f"{code.ljust(2, '<')}{state}{surname}<<{given.replace(' ', '<')}".ljust(width, "<")
    padded = number.ljust(9, "<")
    line2 = (
        f"{padded}{check_digit(padded)}{nationality}{birth}{check_digit(birth)}{sex}"
        f"{expiry}{check_digit(expiry)}"
    )
    if code.startswith("V"):
        return f"{line1}\n{line2.ljust(width, '<')}"
    if width == 44:  # TD3: an empty personal number and its check digit
        line2 += "<" * 14 + str(check_digit("<" * 14))
    else:
        line2 = line2.ljust(width - 1, "<")
    composite = line2[0:10] + line2[13:20] + line2[21:]
    return f"{line1}\n{line2}{check_digit(composite)}"


def td1_zone(
    code: str,
    state: str,
    surname: str,
    given: str,
    number: str,
    nationality: str,
    birth: str,
    sex: str,
    expiry: str,
) -> str:
    """A TD1 card zone (3 lines of 30), as a US green card (C1, USA) or an identity card."""
    padded = number.ljust(9, "<")
    line1 = f"{code.ljust(2, '<')}{state}{padded}{check_digit(padded)}".ljust(30, "<")
    line2 = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}{nationality}"
    line2 = line2.ljust(29, "<")
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    line3 = f"{surname}<<{given.replace(' ', '<')}".ljust(30, "<")
    return f"{line1}\n{line2}{check_digit(composite)}\n{line3}"


NGO_ALPHA = [  # UTF-8 with BOM, commas, a relationship column: 3 households
    [
        "S.No",
        "Full Name (as in passport)",
        "Father Name",
        "نام",
        "Relationship to PA",
        "Gender",
        "DOB",
        "Tazkira #",
        "Phone/WhatsApp",
        "Province",
        "Remarks",
    ],
    [
        "1",
        "Ahmad Wali Rahimi",
        "Abdul Qadir",
        "احمد ولی",
        "PA",
        "M",
        "1365/02/22",
        "1400-0101-12345",
        "0799 123 456",
        "Kabul",
        "worked for\nUSAID 2012-2019",
    ],
    ["", "Freshta Rahimi", "Gul Ahmad", "فرشته", "Wife", "F", "01/01/1990", "", "", "Kabul", ""],
    ["", "Omid Rahimi", "Ahmad Wali", "امید", "Son", "M", "2012", "", "", "Kabul", ""],
    [
        "2",
        "Zarghona Habibi",
        "Mohammad Nabi",
        "زرغونه",
        "Principal Applicant",
        "F",
        "13/05/1988",
        "1234-56-789",
        "+93 70 222 3344",
        "Balkh",
        "",
    ],
    [
        "",
        "Nabi Habibi",
        "Zaher",
        "",
        "Husband",
        "M",
        "30/02/1985",
        "",
        "",
        "Balkh",
        "date as written by the clerk",
    ],
    [
        "3",
        "Hamid Noori",
        "Sayed Noor",
        "حمید",
        "Self",
        "M",
        "1986-04-03",
        "",
        "0799 I23 456",
        "Herat",
        "a letter I typed for the digit 1",
    ],
    ["", "", "", "", "Daughter", "F", "2015", "", "", "Herat", "no name written"],
    ["", "Laila Noori", "Hamid", "لیلا", "Daughter", "F", "1392", "", "", "Herat", ""],
    [
        "1",
        "Ahmad Wali Rahimi",
        "Abdul Qadir",
        "احمد ولی",
        "PA",
        "M",
        "1365/02/22",
        "1400-0101-12345",
        "0799 123 456",
        "Kabul",
        "worked for\nUSAID 2012-2019",
    ],
]

CONGRESS = [  # Windows-1252, semicolons, e-mails, a US citizen, month/day/year
    ["Name", "Last Name", "Date of Birth", "E-mail", "US Passport", "Category", "Case #"],
    [
        "Sayed Jawad",
        "Hashimi",
        "05/13/1986",
        "jawad.hashimi@example.org",
        "",
        "SIV",
        "KBL2021004411",
    ],
    ["Maryam", "Hashimi", "1990", "", "", "SIV", "KBL2021004411"],
    ["Rahim", "Stanekzai", "12 May 1979", "rahim@@example", "", "LPR", ""],
    ["José", "Karimi", "1982-11-30", "jose.karimi@example.com", "512345678", "US citizen", ""],
    ["Nadia", "Karimi", "1984-07-02", "", "51234567", "US citizen", ""],
]

SIV_CASES = [  # UTF-16, tabs, machine-readable zones
    ["Case Number", "Surname", "Given Names", "Passport MRZ", "Mobile"],
    [
        "KBL2021001234",
        "AMIRI",
        "KHALID",
        td3("AMIRI", "KHALID", "P01234567", "850314", "M", "260101"),
        "0700 111 222",
    ],
    [
        "KBL2021001234",
        "AMIRI",
        "SHABNAM",
        td3("AMIRI", "SHABNAM", "P07654321", "880920", "F", "260101").replace("\n", " "),
        "",
    ],
    [
        "KBL2021009999",
        "BARAKZAI",
        "JAMSHID",
        td3("BARAKZAI", "JAMSHID", "P05555555", "791102", "M", "260101").replace(
            "P05555555", "P05555556"
        ),
        "0093 788 000 111",
    ],
]

HXL_ROWS = [  # the hashtag row makes odd headers readable
    ["Beneficiary", "Walad", "Jins", "Tawalud", "Shomara", "Wilayat"],
    ["#name", "#name+father", "#gender", "#date+birth", "#contact+phone", "#adm1+name"],
    ["Bibi Gul", "Shah Mahmood", "F", "1360", "0772 345 678", "Kandahar"],
    ["Torialai", "Bibi Gul", "M", "1995-13-19", "not available", "Kandahar"],  # month 13
]

WEBFORM = {
    "results": [
        {
            "_id": 9101,
            "applicant": {
                "full_name": "Mohammad Yasin Sadat",
                "father_name": "Ghulam Sakhi",
                "gender": "male",
                "date_of_birth": "1366-07-10",
                "phone": "+93 79 555 0101",
                "email": "yasin.sadat@example.net",
            },
            "family_members": [
                {
                    "family_members/name": "Shukria Sadat",
                    "family_members/relationship": "wife",
                    "family_members/gender": "female",
                    "family_members/date_of_birth": "1370",
                },
                {
                    "family_members/name": "Aryan Sadat",
                    "family_members/relationship": "son",
                    "family_members/gender": "male",
                    "family_members/date_of_birth": "2031-01-01",
                },
            ],
        },
        {
            "_id": 9102,
            "applicant": {
                "full_name": "نجیب الله",
                "father_name": "عبدالله",
                "gender": "مرد",
                "date_of_birth": "۱۳۶۰/۰۱/۰۱",
                "phone": "۰۷۹۹۸۸۷۷۶۶",
            },
            "family_members": [],
        },
    ]
}


# Habit files: each row carries one habit real partner lists have (its Remarks say which). Rows
# whose Remarks start with "broken:" hold no person or a value certainly wrong; every other row
# must be accepted (tests/intake/test_habits.py).
HABITS_NGO = [  # an NGO workbook exported as CSV: paper tazkiras, Solar Hijri, placeholders
    [
        "S.No",
        "Full Name",
        "Father Name",
        "Relationship to PA",
        "Gender",
        "Date of Birth",
        "Nationality",
        "Tazkira No.",
        "Passport No.",
        "Phone/WhatsApp",
        "Province",
        "Remarks",
    ],
    ["1", "Gul Agha Sherzad", "Mohammad Akbar", "PA", "M", "SH 1346/06/26", "Afghan",
     "ج ۷۱ ص ۲۶۳ ث ۶۳۸۲", "N/A", "93701234567", "Nangarhar",
     "tazkira jild/safha/sabt in Dari; SH mark before; passport N/A; 93 without plus"],
    ["", "Shakila Sherzad", "Abdul Ghani", "Wife", "F", "1356/12/05 SH", "افغان",
     "Jild 74 Safha 146 No 2401", "-", "701234568", "Nangarhar",
     "tazkira Jild/Safha/No; SH mark after; passport -; phone without the leading 0"],
    ["", "Ajmal Sherzad", "Gul Agha", "Son", "M", "1380/6/27 (hijri shamsi)", "Afghani",
     "Vol 74, Page 146, Reg 2402", "none", "", "Nangarhar",
     "tazkira Vol/Page/Reg; (hijri shamsi); passport none"],
    ["", "Mursal Sherzad", "Gul Agha", "Daughter", "F", "00/00/2005", "AF",
     "174/185/7174", "", "", "Nangarhar", "tazkira v/p/n; zeros for day and month"],
    ["2", "Habibullah Wardak", "Sayed Rahim", "Principal Applicant", "M", "1985-00-00", "AFG",
     "J21-P58-565", "P04817263", "0799 123 456", "Wardak",
     "tazkira J-P-number; ISO zeros for day and month"],
    ["", "Nazifa Wardak", "Mir Ahmad", "Spouse", "F", "00/06/1990", "Afghanistan",
     "48151623", "unknown", "+93 (0) 788 123 456", "Wardak",
     "tazkira of 8 digits; day unknown; passport unknown"],
    ["", "Sultan Wardak", "Habibullah", "Son", "M", "۱۲ حمل ۱۳۸۴", "",
     "40817263512", "nil", "", "Wardak", "tazkira of 11 digits; Dari month name"],
    ["", "Bibi Hawa Wardak", "Habibullah", "Daughter", "F", "22 Saur 1388", "",
     "1400-0101-12345", "", "", "Wardak", "e-tazkira; Dari month in Latin letters"],
    ["", "Wazhma Wardak", "Habibullah", "Daughter", "F", "۳ وږی ۱۳۹۰", "", "nil", "", "",
     "Wardak", "Pashto month name; tazkira nil"],
    ["3", "Abdul Saboor Karimi", "Haji Nazar", "Self", "M", "1365 هـ ش", "Afghan",
     "جلد ۷۱ صفحه ۲۶۳ ثبت ۶۳۸۳", "", "WhatsApp: 0799 555 111", "Kabul",
     "Solar Hijri year with هـ ش; tazkira words in full; a WhatsApp label"],
    ["", "Marzia Karimi", "Abdul Saboor", "Daughter", "F", "12 جون 2010", "", "", "",
     "نامعلوم", "Kabul", "Gregorian month in Dari; phone نامعلوم"],
    ["", "Farid Karimi", "Abdul Saboor", "Son", "M", "1987-03-14", "", "", "", "", "Kabul",
     "ISO date"],
    ["4", "Jamila Ahmadi", "Ghulam Sarwar", "Head of Household", "F", "14/03/1979", "American",
     "", "512345670", "(617) 555-0129", "Kabul",
     "US citizen: US passport of 9 digits and a US phone in an NGO list"],
    ["", "Hamed Ahmadi", "Sayed Jalal", "Husband", "M", "1975", "US", "", "A23456789",
     "703.555.0146", "Kabul", "US passport letter + 8; US phone with dots"],
    ["", "Shafiq Ahmadi", "Hamed", "Son", "M", "2003", "", "T-71/B", "", "", "Kabul",
     "an unfamiliar tazkira: kept and flagged"],
    ["", "", "", "Daughter", "F", "2015", "", "", "", "", "Kabul", "broken: no name"],
    ["5", "Zalmai Popal", "Abdul Wahid", "PA", "M", "30/02/1990", "", "", "", "", "Kandahar",
     "broken: 30 February"],
    ["", "Roya Popal", "Zalmai", "Wife", "F", "1372/13/01", "", "", "", "", "Kandahar",
     "broken: month 13"],
    ["", "Mina Popal", "Zalmai", "Daughter", "F", "2012", "", "", "", "07OO 123 456", "Kandahar",
     "broken: a phone with letters"],
]  # fmt: skip

HABITS_CONGRESS = [  # a congressional office's export: citizens, US phones, month first
    [
        "Constituent Case #",
        "First Name",
        "Last Name",
        "Citizenship",
        "DOB",
        "US Passport",
        "Passport No.",
        "Green Card #",
        "Phone",
        "Email",
        "Notes",
    ],
    ["C-1001", "Omar", "Nazari", "American", "03/14/1987", "512345678", "", "",
     "(617) 555-0129", "omar.nazari@example.org", "American; US phone in parentheses"],
    ["C-1001", "Layla", "Nazari", "U.S.", "11/02/1990", "", "A23456780", "", "703.555.0146", "",
     "U.S.; a passport column in a US citizen's row is a US passport"],
    ["C-1001", "Sara", "Nazari", "United States of America", "06/00/2015", "", "", "",
     "617-555-0130", "", "month known, day unknown"],
    ["C-1001", "Khan", "Nazari", "Afghan", "00/00/1960", "", "P04817264", "", "93701234569", "",
     "Afghan parent: Afghan passport; 93 without plus"],
    ["C-1002", "Waheed", "Safi", "USA", "1979-05-02", "", "", "SRC1234567890",
     "+1 202 555 0143", "", "a green card number"],
    ["C-1002", "Nadia", "Safi", "US citizen", "12/24/1982", "N/A", "-", "", "6175550131", "",
     "US citizen phone without country code; placeholders in passport columns"],
    ["C-1003", "Rahmatullah", "Ahmadzai", "", "02/28/1970", "", "", "", "6175550132", "",
     "no nationality: a phone that no country reads is kept, unverified"],
    ["C-1003", "Zainab", "Ahmadzai", "United States", "07/04/1975", "51234567", "", "", "", "",
     "a US passport of 8 digits: kept and flagged"],
    ["C-1004", "Tamim", "Hotak", "American", "02/30/1990", "", "", "", "", "",
     "broken: 30 February"],
    ["C-1004", "", "", "American", "1990", "", "", "", "", "", "broken: no name"],
]  # fmt: skip

HABITS_SIV = [  # an SIV case list: COM approval, Relationship to PA, zones of every kind
    [
        "Case Number",
        "Surname",
        "Given Names",
        "Relationship to PA",
        "DOB",
        "COM Approval Date",
        "Chief of Mission Approval",
        "MRZ",
        "Mobile",
        "Remarks",
    ],
    ["KBL2021007001", "HAIDARI", "NASIR", "PA", "1982-04-11", "2021-03-02", "Approved",
     td3("HAIDARI", "NASIR", "P04817265", "820411", "M", "260101"), "0700 222 333",
     "COM approved; an Afghan passport zone"],
    ["KBL2021007001", "HAIDARI", "SOMAYA", "Spouse", "1986-01-20", "", "Pending - interview",
     two_line_zone("V", "USA", "HAIDARI", "SOMAYA", "K4817266", "AFG", "860120", "F", "310101"),
     "", "an issued SIV: MRV-A visa zone; COM pending"],
    ["KBL2021007001", "HAIDARI", "ELHAM", "Child", "2010-09-09", "", "",
     two_line_zone("V", "USA", "HAIDARI", "ELHAM", "K4817267", "AFG", "100909", "M", "310101",
                   width=36), "", "MRV-B visa zone"],
    ["KBL2021007002", "FAROOQI", "AHMAD", "Principal", "1979-12-01", "", "2021-05-17",
     td1_zone("C1", "USA", "FAROOQI", "AHMAD", "SRC481726", "AFG", "791201", "M", "310101"),
     "+1 703 555 0147", "a green card's TD1 zone; the COM approval column holds its date"],
    ["KBL2021007002", "FAROOQI", "LINA", "Wife", "1984-02-02", "", "Denied",
     two_line_zone("I", "DEU", "FAROOQI", "LINA", "L01X00T47", "DEU", "840202", "F", "310101",
                   width=36), "", "a TD2 identity card of another country; COM denied"],
    ["KBL2021007003", "SAMADI", "WALI", "PA", "1990-07-07", "07/15/2021", "COM approved",
     "N/A", "", "no zone written as N/A; COM date month first"],
    ["KBL2021007003", "SAMADI", "RUKHSAR", "Spouse", "1992-10-10", "", "",
     td3("SAMADI", "RUKHSAR", "P04817268", "921010", "F", "260101").replace("P04817268",
                                                                           "P04817269"),
     "", "broken: a zone with a wrong check digit"],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], *, encoding: str, delimiter: str) -> None:
    import csv

    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def write_xlsx(path: Path) -> None:
    workbook = Workbook()
    families = workbook.active
    families.title = "Families"
    families["A1"] = "NGO Beta - evacuation list (CONFIDENTIAL)"
    families.merge_cells("A1:G1")
    families["A2"] = "Updated 20 Aug 2021"
    families.append([])
    families.append(
        [
            "Family ID",
            "Name",
            "Father's Name",
            "Sex",
            "Date of Birth",
            "Tazkira No.",
            "Phone Number",
        ]
    )
    data = [
        ["F-17", "Gulalai Popal", "Nazar", "F", datetime(1991, 3, 8), "88123", 799000111],
        [None, "Yama Popal", "Nazar", "M", 31467, "88124", None],
        [None, "Sahar Popal", "Yama", "F", datetime(2018, 1, 1), None, None],
        ["F-18", "Wahid Ahmadzai", "Qudratullah", "M", "1358", "9-44-1201", "0093700123123"],
        [None, "Parwin Ahmadzai", "Taj", "female?", "1362", None, None],
    ]
    for row in data:
        families.append(row)
    families.merge_cells("A5:A7")  # the family number spans its three rows
    families.merge_cells("A8:A9")
    for cell in ("E5", "E7"):
        families[cell].number_format = "dd/mm/yyyy"
    dari = workbook.create_sheet("لیست دوم")
    dari.append(["نام", "نام پدر", "جنسیت", "تاریخ تولد", "تذکره", "شماره تلفن"])
    dari.append(["Khalida", "Abdul Rauf", "زن", "1369/05/15", "1399-0303-54321", "0788 444 555"])
    dari.append(["Sharif", "Abdul Rauf", "مرد", "1372/13/01", "", "0788 444 556"])
    notes = workbook.create_sheet("Notes")
    notes["A1"] = "Sent by NGO Beta; call before 18:00 Kabul time."
    workbook.save(path)


def main() -> None:
    write_csv(HERE / "ngo_alpha.csv", NGO_ALPHA, encoding="utf-8-sig", delimiter=",")
    write_csv(HERE / "congress_office.csv", CONGRESS, encoding="cp1252", delimiter=";")
    write_csv(HERE / "siv_cases.txt", SIV_CASES, encoding="utf-16", delimiter="\t")
    write_csv(HERE / "hxl_list.csv", HXL_ROWS, encoding="utf-8", delimiter=",")
    (HERE / "webform.json").write_text(
        json.dumps(WEBFORM, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    write_xlsx(HERE / "ngo_beta.xlsx")
    write_csv(HERE / "habits_ngo.csv", HABITS_NGO, encoding="utf-8-sig", delimiter=",")
    write_csv(HERE / "habits_congress.csv", HABITS_CONGRESS, encoding="cp1252", delimiter=";")
    write_csv(HERE / "habits_siv.csv", HABITS_SIV, encoding="utf-8", delimiter=",")


if __name__ == "__main__":
    main()
