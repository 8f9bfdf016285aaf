"""`evac demo`: Kabul 2021, the partners' files through intake, linkage scored against the truth."""

import csv
import re
from itertools import combinations
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from evac.cli import app
from evac.people.models import Person, Registration

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
    assert f"became {persons - 4:,} persons" in output  # the walked household aside
    assert sorties == 739 and hubs == 4  # Kabul, from the figures that ship with evac
    assert shared > 0
    assert "evac user add" in output and "Look next" in output
    status = runner.invoke(app, ["--database-url", url, "status"])
    assert "departed" in status.output
