"""`evac demo`: Kabul 2021, the partners' files through intake, linkage scored against the truth."""

import csv
import re
from itertools import combinations
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from evac.app import create_app
from evac.cli import app, command_as_found
from evac.demo import write_settings
from evac.people.models import Person, Registration
from evac.scenario.operations import HUBS

runner = CliRunner()


def _true_and_found_pairs(url: str, truth_file: Path) -> tuple[set, set]:
    """Pairs of (file, row) that are one human in the truth, and that linkage put together."""
    truth = {}
    with truth_file.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(Path(row["file"]).name, int(row["row_number"]))] = row["person_id"]
    engine = create_engine(url)
    with engine.connect() as connection:
        placed = connection.execute(
            select(Registration.file, Registration.row_number, Registration.person_id)
        ).all()
    engine.dispose()
    rows = sorted((file, number, person) for file, number, person in placed)
    assert {(file, number) for file, number, _ in rows} == set(truth)  # every row landed once
    true_pairs = {(a[:2], b[:2]) for a, b in combinations(rows, 2) if truth[a[:2]] == truth[b[:2]]}
    found_pairs = {(a[:2], b[:2]) for a, b in combinations(rows, 2) if a[2] == b[2]}
    return true_pairs, found_pairs


def test_demo_imports_the_partner_files_links_them_and_scores_against_the_truth(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    for name in ("EVAC_DATABASE_URL", "EVAC_MASTER_KEY", "EVAC_MASTER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)  # the README's next commands set none
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = runner.invoke(
        app, ["demo", "--database-url", url, "--persons", "300"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # Rich wraps lines to the terminal
    files = tmp_path / "demo-files"
    for name in ("siv-cases.csv", "ngo-amanat.csv", "congress-office.xlsx",
                 "webform-submissions.json"):  # fmt: skip
        assert name in output  # imported through intake, one row of the table each

    true_pairs, found_pairs = _true_and_found_pairs(url, files / "truth.csv")
    both = len(true_pairs & found_pairs)
    printed = re.search(r"precision (\d\.\d+), recall (\d\.\d+), F1 (\d\.\d+)", output)
    assert printed, output
    precision, recall, _ = (float(x) for x in printed.groups())
    assert abs(precision - both / len(found_pairs)) < 0.0005
    assert abs(recall - both / len(true_pairs)) < 0.0005
    assert recall > 0.5 and precision > 0.9  # linkage did real work on this population

    engine = create_engine(url)
    with engine.connect() as connection:
        persons = connection.scalar(select(func.count()).select_from(Person))
        sorties = connection.scalar(text("SELECT count(*) FROM sortie"))
        hubs = connection.scalar(text("SELECT count(*) FROM hub"))
        # one passport from several lists is one document listing them all
        shared = connection.scalar(text(
            "SELECT count(*) FROM (SELECT document_id FROM document_source "
            "GROUP BY document_id HAVING count(*) > 1) AS shared"))  # fmt: skip
    engine.dispose()
    assert f"became {persons:,} persons" in output
    assert sorties == 739 and hubs == len(HUBS)  # Kabul, from the figures that ship with evac
    assert shared > 0
    # after linkage: decided, planned, the first window called forward, one pass checked
    assert "Eligibility" in output and "Plan version 1" in output
    mails = list((files / "mail" / "new").iterdir())
    texts = list((files / "texts").glob("*.txt"))  # SMS and WhatsApp, the pass's short code
    assert f"{len(mails) + len(texts):,} messages (email {len(mails):,}" in output
    assert re.search(r"A gate checks one pass .* exit 0\)", output), output
    assert "Gate and stations" in output
    assert "Simulation" in output and "more sorties" in output
    assert f"{command_as_found()} user add admin" in output and "Look next" in output

    # the README's next commands, in this folder, with no variable set: the demo's .env
    env = tmp_path / ".env"
    assert env.stat().st_mode & 0o777 == 0o600
    assert f"EVAC_DATABASE_URL={url}" in env.read_text() and "EVAC_MASTER_KEY=" in env.read_text()
    assert not (tmp_path / "evac-master.key").exists()  # the key is in .env, nowhere else
    added = runner.invoke(
        app, ["user", "add", "admin", "--role", "administrator", "--password", "a" * 16]
    )
    assert added.exit_code == 0 and "User admin added" in added.output, added.output
    status = runner.invoke(app, ["status"], env={"COLUMNS": "200"})
    assert status.exit_code == 0 and "Not eligible" in status.output  # states in words
    with TestClient(create_app()) as client:  # what `evac serve` serves
        assert client.get("/health").json()["database"] == "sqlite"
        assert client.get("/register").status_code == 200  # the demo's operation is there


def test_the_demo_never_replaces_settings_it_did_not_write(tmp_path):
    own = tmp_path / ".env"
    own.write_text("EVAC_DATABASE_URL=postgresql+psycopg://evac@db/evac\n")
    written = write_settings(own, database_url="sqlite:///evac-demo.db", master_key="k")
    assert own.read_text() == "EVAC_DATABASE_URL=postgresql+psycopg://evac@db/evac\n"
    assert written == tmp_path / "evac-demo.env" and written.stat().st_mode & 0o777 == 0o600
    assert "EVAC_MASTER_KEY=k" in written.read_text()
    own.unlink()
    first = write_settings(own, database_url="sqlite:///a.db", master_key="k1")
    again = write_settings(own, database_url="sqlite:///b.db", master_key="k2")
    assert first == again == own  # the demo's own earlier .env is written anew
    assert "sqlite:///b.db" in own.read_text() and "k1" not in own.read_text()
