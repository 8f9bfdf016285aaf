"""The scenario's partner files (CSV in three encodings, XLSX, JSON) go through `run_import`,
as `evac import` and the demo send them: every row the truth says was written is accepted,
none rejected or taken for a duplicate, and values come out converted exactly."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from evac.intake.cli import run_import
from evac.people.models import Registration
from evac.people.service import read_registration
from evac.scenario.service import write_scenario

PERSONS, SEED = 2000, 7


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    write_scenario(out=out, persons=PERSONS, seed=SEED)
    return out


def written_by_file(scenario: Path) -> Counter[str]:
    with (scenario / "truth.csv").open(encoding="utf-8", newline="") as handle:
        return Counter(Path(row["file"]).name for row in csv.DictReader(handle))


def stored_rows(session, cipher, source: str) -> list[tuple[dict, object]]:
    rows = session.query(Registration).filter(Registration.source == source).all()
    return [read_registration(row, cipher=cipher) for row in rows]


def test_every_partner_file_imports_whole(settings, session, operation, scenario):
    session.commit()
    written = written_by_file(scenario)
    files = sorted((scenario / "sources").iterdir())
    assert {f.name for f in files} == set(written)  # every file the truth names, no other
    quiet = Console(quiet=True)
    for path in files:
        summary = run_import(
            settings, path=path, source=path.stem, accept_proposal=True, console=quiet
        )
        counts = (summary.rows_read, summary.accepted, summary.duplicates, summary.rejected)
        assert counts == (written[path.name], written[path.name], 0, 0), path.name
        again = run_import(settings, path=path, source=path.stem, console=quiet)
        assert (again.accepted, again.duplicates) == (0, written[path.name]), path.name
    session.rollback()
    assert session.query(Registration).count() == sum(written.values())


def test_values_are_converted_exactly(settings, session, cipher, scenario):
    session.commit()
    for name in ("ngo-amanat.csv", "ngo-rahyab.csv", "webform-submissions.json"):
        path = scenario / "sources" / name
        run_import(
            settings, path=path, source=path.stem, accept_proposal=True, console=Console(quiet=True)
        )
    session.rollback()
    amanat = {
        raw["No"]: (raw, record) for raw, record in stored_rows(session, cipher, "ngo-amanat")
    }
    raw, rahima = amanat["AMN/000004"]  # a Solar Hijri date, a phone written with spaces
    assert (raw["تاریخ تولد / Date of Birth"], raw["شماره تماس / Phone"]) == (
        "1345/01/30",
        "+93 72 391 4729",
    )
    assert (rahima.birth_year, rahima.birth_month, rahima.birth_day) == (1966, 4, 19)
    assert rahima.phone == "+93723914729"
    assert rahima.name_native == "رحيمه" and rahima.given_name == "Rahima"
    raw, zahra = amanat["AMN/000003"]  # the family's phone with 0093, a Solar Hijri year
    assert raw["شماره تماس / Phone"] == "0093723914729" and zahra.phone == "+93723914729"
    assert (zahra.birth_year, zahra.birth_month, zahra.relationship) == (1994, None, "spouse")
    assert zahra.household_ref == "AMN/00001" and zahra.sex == "F"  # زن
    rahyab = {raw["Ref No"]: record for raw, record in stored_rows(session, cipher, "ngo-rahyab")}
    bibi = rahyab["RHY-000003"]  # Windows-1252 file, ’ in the header, a local phone
    assert (bibi.father_name, bibi.birth_year, bibi.birth_month, bibi.birth_day) == (
        "GUL MUSA",
        1995,
        2,
        20,
    )
    assert bibi.phone == "+93747503235" and bibi.relationship == "spouse"
    webform = [record for _, record in stored_rows(session, cipher, "webform-submissions")]
    twice = [r for r in webform if r.full_name == "Maryam d/o Hidayatullah Hashimi"]
    # the same wife in the family's two submissions: two registrations, two households
    assert sorted(r.household_ref for r in twice) == [
        "webform-submissions.json#WF00108",
        "webform-submissions.json#WF00109",
    ]
