"""The habit files (tests/intake/files/habits_*, written by make_files.py) imported through
`evac import`: every row is accepted but the truly broken ones (Remarks "broken: ..."), and
none is lost: rows accepted plus rows in the rejects file are the rows read."""

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evac.cli import app
from evac.intake.readers import read_source
from evac.people.service import iter_registration_records
from tests.intake.test_cli import copy, environment, files_stay_as_committed  # noqa: F401

HABIT_FILES = {  # file: its remarks column
    "habits_ngo.csv": "Remarks",
    "habits_congress.csv": "Notes",
    "habits_siv.csv": "Remarks",
}


def written_rows(name: str) -> list[dict[str, str]]:
    return [row.raw for table in read_source(copy_path(name)) for row in table.rows]


def copy_path(name: str) -> Path:
    return Path(__file__).parent / "files" / name


def rejected_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def imported(settings, operation, session, cipher, tmp_path):
    """Import one habit file through the CLI; its output, its rejects and the stored records."""

    def run(name: str):
        path = copy(name, tmp_path)
        session.rollback()  # on SQLite a transaction (the cipher's key read) holds the lock
        result = CliRunner().invoke(
            app, ["import", str(path), "--source", name, "--yes"], env=environment(settings)
        )
        assert result.exit_code == 0, result.output
        session.rollback()
        stored = [record for _, record in iter_registration_records(session, cipher=cipher)]
        session.rollback()
        rejects = rejected_rows(tmp_path / f"{path.stem}.rejected.csv")
        return result.output, stored, rejects

    return run


@pytest.mark.parametrize("name", sorted(HABIT_FILES))
def test_every_row_but_the_truly_broken_is_accepted_and_none_is_lost(imported, name):
    output, stored, rejects = imported(name)
    remarks = HABIT_FILES[name]
    rows = written_rows(name)
    broken = [row[remarks] for row in rows if row[remarks].startswith("broken:")]
    assert broken, "each habit file holds truly broken rows too"
    assert sorted(row[remarks] for row in rejects) == sorted(broken)
    assert len(stored) + len(rejects) == len(rows)
    assert len(stored) == len(rows) - len(broken)
    assert f"{len(rows):,}" in output and "accepted (new)" in output


def by_name(stored) -> dict[str, object]:
    return {record.full_name or record.given_name: record for record in stored}


def test_ngo_habits_are_read_canonically(imported):
    output, stored, _ = imported("habits_ngo.csv")
    found = by_name(stored)
    tazkiras = {name: found[name].tazkira_number for name in found}
    assert tazkiras["Gul Agha Sherzad"] == "71/263/6382"  # ج ۷۱ ص ۲۶۳ ث ۶۳۸۲
    assert tazkiras["Shakila Sherzad"] == "74/146/2401"  # Jild 74 Safha 146 No 2401
    assert tazkiras["Ajmal Sherzad"] == "74/146/2402"  # Vol 74, Page 146, Reg 2402
    assert tazkiras["Habibullah Wardak"] == "21/58/565"  # J21-P58-565
    assert tazkiras["Abdul Saboor Karimi"] == "71/263/6383"
    assert tazkiras["Sultan Wardak"] == "40817263512"  # 11 digits
    assert tazkiras["Wazhma Wardak"] is None  # nil
    gul = found["Gul Agha Sherzad"]
    assert (gul.birth_year, gul.birth_month, gul.birth_day) == (1967, 9, 17)  # SH 1346/06/26
    assert (gul.phone, gul.passport_number, gul.nationality) == ("+93701234567", None, "AFG")
    assert found["Shakila Sherzad"].phone == "+93701234568"  # without the leading 0
    assert (found["Mursal Sherzad"].birth_year, found["Mursal Sherzad"].birth_month) == (2005, None)
    assert (found["Nazifa Wardak"].birth_year, found["Nazifa Wardak"].birth_month) == (1990, 6)
    jamila, hamed = found["Jamila Ahmadi"], found["Hamed Ahmadi"]
    assert (jamila.us_passport_number, jamila.phone) == ("512345670", "+16175550129")
    assert (hamed.us_passport_number, hamed.phone) == ("A23456789", "+17035550146")
    assert found["Shafiq Ahmadi"].flags == ("tazkira_unfamiliar",)
    assert "kept, flagged: tazkira_unfamiliar" in output


def test_congress_habits_are_read_as_us_citizens(imported):
    output, stored, _ = imported("habits_congress.csv")
    found = by_name(stored)
    assert {found[n].nationality for n in ("Omar", "Layla", "Sara", "Nadia")} == {"USA"}
    assert found["Layla"].us_passport_number == "A23456780"  # the passport column, USA row
    assert found["Khan"].passport_number == "P04817264"
    assert found["Nadia"].phone == "+16175550131"  # read in the row's country
    assert (found["Rahmatullah"].phone, found["Rahmatullah"].phone_unverified) == (
        "6175550132",
        True,
    )
    assert found["Zainab"].flags == ("passport_shape",)
    assert found["Waheed"].green_card_number == "SRC1234567890"
    assert "kept, flagged: phone_unverified" in output


def test_siv_habits_keep_com_approval_and_every_document(imported):
    _, stored, _ = imported("habits_siv.csv")
    found = by_name(stored)
    nasir, somaya, elham = found["NASIR"], found["SOMAYA"], found["ELHAM"]
    assert (nasir.com_approval_status, nasir.com_approval_date) == ("approved", "2021-03-02")
    assert (nasir.passport_number, nasir.passport_expiry) == ("P04817265", "2026-01-01")
    assert (somaya.com_approval_status, somaya.visa_number, somaya.visa_country) == (
        "pending",
        "K4817266",
        "USA",
    )
    assert (somaya.relationship, elham.visa_number) == ("spouse", "K4817267")
    ahmad = found["AHMAD"]
    assert (ahmad.green_card_number, ahmad.com_approval_date) == ("SRC481726", "2021-05-17")
    assert (found["LINA"].id_card_number, found["LINA"].com_approval_status) == (
        "L01X00T47",
        "denied",
    )
    assert found["WALI"].com_approval_date == "2021-07-15"  # month first, the column's order
