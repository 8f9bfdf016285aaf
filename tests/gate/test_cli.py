"""`evac gate checkin | conflicts | resolve | status` on the test database."""

import base64

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from evac.cli import app
from evac.gate.models import CheckIn

from .conftest import GATE, NOW, OTHER_GATE

PARTY, SINGLE = "P-7KQ2M", "P-3XHTW"
runner = CliRunner()


@pytest.fixture
def evac(database_url, master_key, tmp_path, monkeypatch):
    """Run `evac ...` on the test database with the test's master key."""
    monkeypatch.setenv("EVAC_MASTER_KEY", base64.urlsafe_b64encode(master_key).decode())
    monkeypatch.setenv("EVAC_MASTER_KEY_FILE", str(tmp_path / "unused.key"))

    def run(*arguments: str):
        return runner.invoke(app, ["--database-url", database_url, *map(str, arguments)])

    return run


@pytest.fixture
def pass_file(world, tmp_path):
    path = tmp_path / "party.pass"
    path.write_text(world.passes[PARTY] + "\n")
    return path


def checkin(evac, pass_file, *options: str):
    return evac(
        "gate", "checkin", "--pass", pass_file, "--gate", GATE, "--station", "lane 1",
        "--at", NOW.isoformat(), *options,
    )  # fmt: skip


def test_checkin_prints_wristbands_and_a_resend_with_its_key_is_one(evac, pass_file, session):
    first = checkin(evac, pass_file, "--key", "cli-1")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0] == f"ACCEPTED party {PARTY} (key cli-1)"
    assert "wristband 1:" in first.stdout and "Wahidullah Safi" in first.stdout
    again = checkin(evac, pass_file, "--key", "cli-1")
    assert again.exit_code == 0 and again.stdout.startswith("DUPLICATE")
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_a_second_gate_goes_to_the_conflicts_and_a_supervisor_settles_it(evac, pass_file, world):
    assert checkin(evac, pass_file).exit_code == 0
    copy = evac(
        "gate", "checkin", "--pass", world.passes[PARTY], "--gate", OTHER_GATE,
        "--station", "lane 4", "--at", NOW.isoformat(),
    )  # fmt: skip
    assert copy.exit_code == 1 and copy.stdout.startswith("CONFLICT")
    listed = evac("gate", "conflicts")
    assert listed.exit_code == 0 and PARTY in listed.stdout and OTHER_GATE in listed.stdout
    settled = evac("gate", "resolve", "1", "--decision", "keep_first", "--reason", "a copy")
    assert settled.exit_code == 0, settled.output
    assert "No open conflicts." in evac("gate", "conflicts").output
    assert "keep_first" in evac("gate", "conflicts", "--all").stdout
    assert evac("gate", "resolve", "1", "--decision", "keep_first", "--reason", "x").exit_code == 1


def test_a_wrong_gate_is_refused_with_the_reason(evac, pass_file):
    result = evac(
        "gate", "checkin", "--pass", pass_file, "--gate", OTHER_GATE, "--station", "lane 4",
        "--at", NOW.isoformat(),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout.startswith(f"REFUSED party {PARTY}")
    assert result.stdout.splitlines()[1:] == ["  wrong gate"]


def test_a_document_checks_in_and_status_counts_it(evac, world):
    result = evac(
        "gate", "checkin", "--document", "P16180339", "--gate", GATE, "--station", "lane 2",
        "--at", NOW.isoformat(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    status = evac("gate", "status")
    assert status.exit_code == 0
    assert status.stdout.splitlines() == [
        f"at {GATE}: 1",
        "in the ECC: 0",
        "airside: 0",
        "no-shows: 0 parties",
    ]
