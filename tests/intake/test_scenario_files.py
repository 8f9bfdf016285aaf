"""The scenario's partner files (CSV in three encodings, XLSX, JSON) go through `run_import`,
as `evac import` and the demo send them: every row the truth says was written is accepted,
none rejected or taken for a duplicate, and values come out converted exactly. (The same
wife in a family's two web-form submissions: tests/people, `registration_hash(within=)`.)"""

import csv
import re
from collections import Counter
from pathlib import Path

import jdatetime
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


SOLAR_HIJRI_DATE = re.compile(r"(1[23]\d\d)/(\d\d)/(\d\d)")
DAY_MONTH_YEAR = re.compile(r"(\d\d)/(\d\d)/((?:19|20)\d\d)")


def expected_phone(cell: str) -> str:
    """An Afghan mobile however written (0 7.., 0093 7.., +93 7.. with spaces): +93 and its
    last nine digits."""
    return "+93" + re.sub(r"\D", "", cell)[-9:]


def test_values_are_converted_exactly(settings, session, cipher, scenario):
    """Whatever the generator drew: every Solar Hijri date, every phone and every
    day/month/year date in the files comes out as the calendar and E.164 say."""
    session.commit()
    for name in ("ngo-amanat.csv", "ngo-rahyab.csv"):
        path = scenario / "sources" / name
        run_import(
            settings, path=path, source=path.stem, accept_proposal=True, console=Console(quiet=True)
        )
    session.rollback()
    amanat = stored_rows(session, cipher, "ngo-amanat")
    dates = phones = 0
    for raw, record in amanat:
        written = SOLAR_HIJRI_DATE.fullmatch(raw["تاریخ تولد / Date of Birth"])
        if written:
            day = jdatetime.date(*(int(part) for part in written.groups())).togregorian()
            assert (record.birth_year, record.birth_month, record.birth_day) == (
                day.year,
                day.month,
                day.day,
            )
            dates += 1
        if phone := raw["شماره تماس / Phone"]:
            assert record.phone == expected_phone(phone)
            phones += 1
    written_forms = {raw["شماره تماس / Phone"][:3] for raw, _ in amanat}
    assert dates > 20 and phones > 20 and {"+93", "009", "07"} & written_forms
    rahyab = stored_rows(session, cipher, "ngo-rahyab")  # Windows-1252, ’ in a header
    checked = 0
    for raw, record in rahyab:
        assert record.father_name == (raw["FATHER’S NAME"] or None)
        written = DAY_MONTH_YEAR.fullmatch(raw["DOB"])
        if written:
            day, month, year = (int(part) for part in written.groups())
            assert (record.birth_year, record.birth_month, record.birth_day) == (year, month, day)
            checked += 1
    assert checked > 20
    assert 1 in {record.birth_month for _, record in rahyab}  # 1 January defaults were read
