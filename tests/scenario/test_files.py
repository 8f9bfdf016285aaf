"""The files a scenario writes: as partners send them, readable by intake, with a true truth."""

import codecs
import csv
import json

import pytest
from openpyxl import load_workbook

from evac.intake.readers import read_source
from evac.linkage.evaluation import read_truth
from evac.scenario.files import LINK_FILE, SOURCES_FOLDER, TRUTH_FILE
from evac.scenario.service import generate_population, write_scenario
from evac.scenario.sources import SOURCES

PERSONS, SEED = 1500, 5


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("scenario")
    summary = write_scenario(out=out, persons=PERSONS, seed=SEED)
    return out, summary


@pytest.fixture(scope="module")
def population():
    return generate_population(persons=PERSONS, seed=SEED)


def test_each_source_file_is_written_in_its_partners_format(folder):
    out, _ = folder
    sources = out / SOURCES_FOLDER
    rahyab = (sources / "ngo-rahyab.csv").read_bytes()
    assert b"FATHER\x92S NAME" in rahyab.splitlines()[0]  # Windows-1252, Excel's apostrophe
    assert rahyab.splitlines()[0].count(b";") >= 10
    assert (sources / "ngo-amanat.csv").read_bytes().startswith(codecs.BOM_UTF8)
    congress = load_workbook(sources / "congress-office.xlsx", read_only=True).active
    title, header = list(congress.iter_rows(min_row=1, max_row=2, values_only=True))
    assert title[0].startswith("Office of a Member of Congress")
    assert "Full Name" in header
    export = json.loads((sources / "webform-submissions.json").read_text(encoding="utf-8"))
    submissions = export["submissions"]
    assert any(s["family_members"] for s in submissions)
    assert {"first_name", "father_name"} <= set(submissions[0]["applicant"])


def test_intake_reads_back_exactly_the_raw_rows(folder, population):
    """What the generator calls the raw row is what intake finds in the file, row for row."""
    out, _ = folder
    for source in SOURCES:
        (table,) = read_source(out / SOURCES_FOLDER / source.file)
        expected = [r for r in population.registrations if r.source is source]
        found = {row.row_number: row.raw for row in table.rows}
        assert len(found) == len(expected), source.key
        for registration in expected:
            written = {k: v for k, v in found[registration.row_number].items() if v}
            assert written == {k: v for k, v in registration.raw.items() if v}, source.key


def test_linkage_input_and_truth_cover_every_registration(folder, population):
    out, summary = folder
    linkage_input, truth_file = out / LINK_FILE, out / TRUTH_FILE
    with linkage_input.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = [row["record_id"] for row in rows]
    assert len(ids) == len(set(ids)) == summary.total_registrations
    persons = read_truth(truth_file, ids)  # the linkage benchmark's reader
    expected = {r.record_id: r.person_id for r in population.registrations}
    assert persons == [str(expected[i]) for i in ids]
    assert summary.persons == len(population.persons)
    by_id = {r.record_id: r for r in population.registrations}
    for row in rows[:500]:  # values as the source wrote them
        registration = by_id[row["record_id"]]
        assert row["date_of_birth"] == registration.values["dob"]
        assert row["given_name"] == registration.values.get("given", "")
        assert row["full_name"] == registration.values.get("full_name", "")


def test_the_truth_lists_source_file_row_and_habits(folder, population):
    out, _ = folder
    with (out / TRUTH_FILE).open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    assert len(truth) == len(population.registrations)
    for row, registration in zip(truth, population.registrations, strict=True):
        assert row["file"] == f"{SOURCES_FOLDER}/{registration.source.file}"
        assert int(row["row_number"]) == registration.row_number
        assert row["household_id"] == str(registration.household_id)
        assert row["habits"] == ";".join(registration.habits)
