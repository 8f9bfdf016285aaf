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
    """A valid passport zone for an invented person (ICAO 9303 check digits)."""
    line1 = f"P<AFG{surname}<<{given.replace(' ', '<')}".ljust(44, "<")
    number9 = number.ljust(9, "<")
    personal = "<" * 14
    line2 = (
        f"{number9}{check_digit(number9)}AFG{birth}{check_digit(birth)}{sex}"
        f"{expiry}{check_digit(expiry)}{personal}{check_digit(personal)}"
    )
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return f"{line1}\n{line2}{check_digit(composite)}"


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


if __name__ == "__main__":
    main()
