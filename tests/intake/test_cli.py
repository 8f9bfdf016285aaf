"""`evac import`: mapping confirmation, saved profiles, summary, and a killed import re-run."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from evac.cli import app
from evac.intake.models import MappingProfile
from evac.people.models import Registration

FILES = Path(__file__).parent / "files"


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


def test_import_proposes_saves_and_reuses_the_mapping(settings, operation, session, tmp_path):
    runner = CliRunner()
    env = environment(settings)
    source = tmp_path / "ngo_alpha.csv"
    source.write_bytes((FILES / "ngo_alpha.csv").read_bytes())
    refused = runner.invoke(app, ["import", str(source), "--source", "ngo-alpha"], env=env)
    assert refused.exit_code == 1
    assert "--yes" in refused.output and registrations(session) == 0

    result = runner.invoke(app, ["import", str(source), "--source", "ngo-alpha", "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert "Tazkira #" in result.output and "tazkira_number" in result.output
    assert "accepted (new)" in result.output and "rejected: invalid phone" in result.output
    assert registrations(session) == 5
    assert (tmp_path / "ngo_alpha.rejected.csv").exists()
    profile = session.scalar(select(MappingProfile).where(MappingProfile.source == "ngo-alpha"))
    assert profile.mapping["Phone/WhatsApp"] == "phone"
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
    result = CliRunner().invoke(
        app,
        ["import", str(FILES / "hxl_list.csv"), "--source", "s", "--dry-run"],
        env=environment(settings),
    )
    assert result.exit_code == 0 and "Dry run" in result.output
    assert session.scalar(select(func.count()).select_from(MappingProfile)) == 0
    session.rollback()
    result = CliRunner().invoke(
        app,
        ["import", str(FILES / "ngo_alpha.csv"), "--source", "s", "--mapping", str(mapping)],
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
        ["import", str(FILES / "ngo_alpha.csv"), "--source", "s", "--mapping", str(mapping)],
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
