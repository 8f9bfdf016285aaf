"""`evac import`: mapping confirmation, saved profiles, summary, and a killed import re-run."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from evac.cli import app
from evac.intake.models import ImportBatch, MappingProfile
from evac.intake.service import profile_entries
from evac.people.models import Registration

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def files_stay_as_committed():
    """An import writes its rejects beside the file: tests import copies in tmp_path, so
    tests/intake/files never gains a FILE.rejected.csv."""
    before = sorted(path.name for path in FILES.iterdir())
    yield
    assert sorted(path.name for path in FILES.iterdir()) == before


def copy(name: str, folder: Path) -> Path:
    path = folder / name
    path.write_bytes((FILES / name).read_bytes())
    return path


def environment(settings) -> dict[str, str]:
    return {
        "EVAC_DATABASE_URL": settings.database_url,
        "EVAC_MASTER_KEY": settings.master_key.get_secret_value(),
        "COLUMNS": "200",
    }


def registrations(session) -> int:
    count = session.scalar(select(func.count()).select_from(Registration))
    session.rollback()  # end the read: on SQLite a transaction holds the write lock
    return count


def test_import_proposes_saves_and_reuses_the_mapping(settings, cipher, session, tmp_path):
    session.commit()  # the cipher's read: on SQLite a transaction holds the write lock
    runner = CliRunner()
    env = environment(settings)
    source = copy("ngo_alpha.csv", tmp_path)
    refused = runner.invoke(app, ["import", str(source), "--source", "ngo-alpha"], env=env)
    assert refused.exit_code == 1
    assert "--yes" in refused.output and registrations(session) == 0

    result = runner.invoke(app, ["import", str(source), "--source", "ngo-alpha", "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert "Tazkira #" in result.output and "tazkira_number" in result.output
    assert "accepted (new)" in result.output and "rejected: invalid phone" in result.output
    assert registrations(session) == 5
    assert (tmp_path / "ngo_alpha.rejected.csv").exists()
    profile = profile_entries(session, cipher=cipher, source="ngo-alpha")
    assert profile["Phone/WhatsApp"] == "phone"
    session.rollback()

    again = runner.invoke(app, ["import", str(source), "--source", "ngo-alpha"], env=env)
    assert again.exit_code == 0, again.output
    assert "saved mapping" in again.output and registrations(session) == 5


def test_a_mapping_file_overrides_the_proposal(settings, operation, session, tmp_path):
    mapping = tmp_path / "mapping.json"
    # read the Dari column as the name and ignore the Latin one
    mapping.write_text(
        json.dumps({"Full Name (as in passport)": None, "نام": "name_native", "DOB": "birth_date"}),
        encoding="utf-8",
    )
    hxl = copy("hxl_list.csv", tmp_path)
    result = CliRunner().invoke(
        app, ["import", str(hxl), "--source", "s", "--dry-run"], env=environment(settings)
    )
    assert result.exit_code == 0 and "Dry run" in result.output
    assert session.scalar(select(func.count()).select_from(MappingProfile)) == 0
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    session.rollback()
    # a dry run stores nothing in evac but gives the rejects file, to fix before importing
    assert "1 rows would be rejected" in result.output and "stored nothing" in result.output
    with (tmp_path / "hxl_list.rejected.csv").open(encoding="utf-8-sig", newline="") as handle:
        [rejected] = list(csv.DictReader(handle))
    assert (rejected["evac_row"], rejected["Beneficiary"], rejected["Shomara"]) == (
        "row 4",
        "Torialai",
        "not available",
    )
    alpha = copy("ngo_alpha.csv", tmp_path)
    result = CliRunner().invoke(
        app,
        ["import", str(alpha), "--source", "s", "--mapping", str(mapping)],
        env=environment(settings),
    )
    assert result.exit_code == 0, result.output
    # only the Dari name and the date are read: the two rows without a Dari name are
    # rejected (one also has 30 February), the bad phone is not read, row 10 repeats row 2
    assert registrations(session) == 6


def test_unknown_field_in_mapping_is_a_clear_error(settings, operation, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"DOB": "birthday"}), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(copy("ngo_alpha.csv", tmp_path)),
            "--source",
            "s",
            "--mapping",
            str(mapping),
        ],
        env=environment(settings),
    )
    assert result.exit_code == 1
    assert "unknown field(s) birthday" in result.output


def write_big_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Full Name", "Father Name", "DOB", "Phone"])
        for number in range(rows):
            writer.writerow(
                [
                    f"Person {number}",
                    "Father",
                    f"{1950 + number % 60}",
                    f"0799{number % 1000000:06d}",
                ]
            )


def test_killed_import_leaves_whole_batches_and_completes_on_rerun(
    settings, operation, session, tmp_path
):
    rows, batch = 60_000, 500
    big = tmp_path / "big.csv"
    write_big_csv(big, rows)
    command = [
        str(Path(sys.executable).parent / "evac"),
        "import",
        str(big),
        "--source",
        "bulk",
        "--yes",
    ]
    command += ["--batch-size", str(batch)]
    env = {**os.environ, **environment(settings)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while registrations(session) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    stored = registrations(session)
    assert 0 < stored < rows, "the import should have been killed halfway"
    assert stored % batch == 0, "a killed import leaves only whole batches"

    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    assert registrations(session) == rows
    assert f"{stored:,}" in finished.stdout  # reported as duplicates skipped
    # the killed import's batch no longer says "running": the re-run marked it interrupted
    batches = session.execute(
        select(ImportBatch.reference, ImportBatch.status).order_by(ImportBatch.id)
    ).all()
    session.rollback()
    assert [status for _, status in batches] == ["interrupted", "done"]
    killed = batches[0][0]
    assert f"Import {killed}" in " ".join(finished.stdout.split())
    assert "marked interrupted" in " ".join(finished.stdout.split())
