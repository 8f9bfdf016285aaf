"""No identifier outside the vault: the raw bytes of a demo database, read as a thief would.

`evac demo` on a small scenario (the partners' files through intake, then linkage) on SQLite,
and on a PostgreSQL cluster of its own; then every name, phone, document number, case and
household number the scenario wrote is searched for in the database's files: SQLite's main
file, -wal and -shm; the cluster's whole data directory, WAL included, after a CHECKPOINT.
Each value is looked for as written, in upper and lower case, and in the forms intake and
linkage read it in (E.164 phones, document numbers without separators); linkage keeps no name
forms of its own (its tables hold registration ids and match weights). None may be there,
before `evac vault shred` or after it.
"""

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from evac.cli import app
from evac.demo import DEMO_SEED, OPERATION
from evac.linkage.names import digits_and_letters, phone_number, tazkira_number
from evac.people.places import gazetteer_rows
from evac.scenario.service import generate_population, write_scenario
from evac.throwaway_postgres import create_database, throwaway_postgres

PERSONS = 300
# Shorter values turn up by chance in megabytes of ciphertext and keyed digests.
SHORTEST = 6  # bytes
PERSONAL_FIELDS = (
    "given", "father", "family", "native", "full_name", "email", "phone",
    "passport", "tazkira", "siv_case", "us_passport", "household_ref", "mrz",
)  # fmt: skip
runner = CliRunner()


READ_AS = {"phone": phone_number, "tazkira": tazkira_number}  # E.164; 74/146/2401


def forms(value: str, field: str | None = None) -> set[str]:
    """A value as written, in either case, without separators, and as intake and linkage read
    a phone or a tazkira."""
    read = (digits_and_letters(value), READ_AS[field](value) if field in READ_AS else None)
    return {value, value.upper(), value.lower(), *(form for form in read if form)}


def written_identifiers() -> set[bytes]:
    """Every identifier the demo writes: the scenario's, regenerated from its seed exactly as
    its partners' files have it."""
    values: set[str] = set()
    for registration in generate_population(persons=PERSONS, seed=DEMO_SEED).registrations:
        for field in PERSONAL_FIELDS:
            for line in registration.values.get(field, "").splitlines():  # an MRZ has two
                values |= forms(line, field)
        values |= forms(registration.family_ref)
    return {
        encoded
        for value in values
        if len(encoded := value.encode()) >= SHORTEST and not in_a_place_name(value)
    }


def in_a_place_name(value: str) -> bool:
    """Whether a name is part of a place's: a person's province is kept in clear (planning
    counts by it), and many family names are a place's too (Sharif of Mazar-i-Sharif; the
    tribes Wardak, Shinwari, Mangal and Zadran gave their names to a province and districts).
    Six names of the scenario, in 19 forms of about 3,470 identifiers, are left out so."""
    return any(
        value.lower() in spelling.lower()
        for row in gazetteer_rows()
        for spelling in row["spellings"].split("|")
    )


def any_of(needles: Iterable[bytes]) -> re.Pattern[bytes]:
    """One pattern matching any of the needles, as a trie: one pass over the files instead of
    one per needle (2,000 needles over 30 MB: 1 s against 40 s)."""
    trie: dict = {}
    for needle in needles:
        node = trie
        for byte in needle:
            node = node.setdefault(byte, {})
        node[None] = {}  # a needle ends here

    def branch(node: dict) -> bytes:
        ways = [re.escape(bytes([b])) + branch(child) for b, child in node.items() if b is not None]
        if not ways:
            return b""
        either = ways[0] if len(ways) == 1 else b"(?:" + b"|".join(ways) + b")"
        return b"(?:" + either + b")?" if None in node else either

    return re.compile(branch(trie))


def found(pattern: re.Pattern[bytes], files: Iterable[Path]) -> set[bytes]:
    """The needles found in these files (one at least, if any is there)."""
    hits: set[bytes] = set()
    for path in files:
        # Pages and WAL segments are mostly zeros: squeezed, the search reads a third as much.
        content = re.sub(rb"\x00{8,}", b"\x00", path.read_bytes())
        hits.update(match.group() for match in pattern.finditer(content))
    return hits


def sqlite_files(url: str) -> list[Path]:
    main = Path(url.removeprefix("sqlite:///"))
    files = [main.with_name(main.name + suffix) for suffix in ("", "-wal", "-shm")]
    return [path for path in files if path.exists()]


def postgres_files(url: str) -> list[Path]:
    """Every file of the cluster, after a checkpoint has written the shared buffers out."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))
        directory = Path(connection.execute(text("SHOW data_directory")).scalar_one())
    engine.dispose()
    files = [path for path in directory.rglob("*") if path.is_file()]
    assert any(path.parent.name == "pg_wal" for path in files), "the WAL must be scanned too"
    return files


def demo_and_shred(url: str, files, pattern: re.Pattern[bytes]) -> None:
    made = runner.invoke(app, ["demo", "--database-url", url, "--persons", str(PERSONS)])
    assert made.exit_code == 0, made.output
    assert "became" in made.output  # imported and linked
    assert found(pattern, files(url)) == set()
    shred = ["--database-url", url, "vault", "shred", "--operation", OPERATION, "--yes"]
    shredded = runner.invoke(app, shred)
    assert shredded.exit_code == 0, shredded.output
    assert found(pattern, files(url)) == set()


@pytest.fixture(scope="module")
def identifiers() -> re.Pattern[bytes]:
    needles = written_identifiers()
    assert len(needles) > 1000  # names, phones, documents and households of 300 persons
    return any_of(needles)


def test_the_search_finds_what_is_there(identifiers, tmp_path):
    """The needles are what the partners' files hold: every SIV case number of the list."""
    written = tmp_path / "files"
    write_scenario(out=written, persons=PERSONS, seed=DEMO_SEED)
    siv_list = written / "sources" / "siv-cases.csv"
    case_numbers = {line.split(",")[0].encode() for line in siv_list.read_text().splitlines()[1:]}
    assert case_numbers and case_numbers <= found(identifiers, [siv_list])
    assert found(identifiers, [written / "linkage-input.csv"])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_no_identifier_in_the_database_files_before_or_after_a_shred(
    backend, identifiers, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # the demo's master key file and partners' files
    if backend == "sqlite":
        demo_and_shred(f"sqlite:///{tmp_path / 'demo.db'}", sqlite_files, identifiers)
        return
    with throwaway_postgres() as server:  # a cluster of its own: no other test's rows in it
        demo_and_shred(create_database(server, "demo"), postgres_files, identifiers)
