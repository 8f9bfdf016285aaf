"""Validation and raw-row sealing in a worker process give exactly what one process gives."""

import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import select

import evac.intake.workers as workers
from evac.auth.permissions import cli_actor
from evac.intake.mapping import propose_for_tables
from evac.intake.readers import read_source
from evac.intake.service import import_tables
from evac.intake.workers import RowWorker, WorkerStopped, workers_for
from evac.people.models import Registration
from evac.people.records import canonical_json
from evac.people.service import read_registration
from tests.intake.test_import import FAMILIES

FILES = Path(__file__).parent / "files"


def import_file(session, cipher, name: str, *, source: str, workers: int, path=None):
    tables = read_source(path or FILES / name)
    return import_tables(
        session,
        actor=cli_actor(),
        cipher=cipher,
        source=source,
        file=name,
        tables=tables,
        mapping=propose_for_tables(tables),
        batch_size=3,
        workers=workers,
    )


def stored(session, cipher, source: str) -> list[tuple]:
    rows = session.query(Registration).filter(Registration.source == source).all()
    opened = [(row.row_number, *read_registration(row, cipher=cipher)) for row in rows]
    return sorted((number, canonical_json(raw), record.to_json()) for number, raw, record in opened)


@pytest.mark.parametrize("name", ["ngo_alpha.csv", "webform.json", "ngo_beta.xlsx"])
def test_a_worker_gives_what_one_process_gives(session, cipher, monkeypatch, name):
    monkeypatch.setattr(workers, "CHUNK_ROWS", 2)  # several chunks in flight at once
    monkeypatch.setattr(workers, "IN_FLIGHT", 2)
    alone = import_file(session, cipher, name, source="alone", workers=0)
    beside = import_file(session, cipher, name, source="beside", workers=1)
    assert (beside.rows_read, beside.accepted, beside.duplicates, beside.households) == (
        alone.rows_read,
        alone.accepted,
        alone.duplicates,
        alone.households,
    )
    assert beside.rejected_by_reason == alone.rejected_by_reason
    assert [r.reason for r in beside.rejects] == [r.reason for r in alone.rejects]
    assert stored(session, cipher, "beside") == stored(session, cipher, "alone")
    assert beside.accepted > 0


def test_a_worker_hashes_family_members_as_one_process_does(session, cipher, tmp_path):
    """Members' content hashes are tied to their principal's in the main process, after
    the worker sealed their rows: identical daughters of two families stay two."""
    path = tmp_path / "families.csv"
    path.write_text(FAMILIES, encoding="utf-8")
    alone = import_file(session, cipher, "families.csv", source="a", workers=0, path=path)
    beside = import_file(session, cipher, "families.csv", source="b", workers=1, path=path)
    assert (alone.accepted, beside.accepted, beside.duplicates, beside.households) == (4, 4, 0, 2)
    stored_hashes = session.scalars(
        select(Registration.content_hash).where(Registration.source == "b")
    ).all()
    assert len(set(stored_hashes)) == 4
    again = import_file(session, cipher, "families.csv", source="b", workers=0, path=path)
    assert (again.accepted, again.duplicates) == (0, 4)


def test_a_worker_that_dies_stops_the_import_with_a_clear_error(cipher):
    keys = cipher.for_sealing()
    with RowWorker(mapping={"Name": "full_name"}, keys=keys, source="ngo") as worker:
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=10)
        rows = read_source(FILES / "ngo_alpha.csv")[0].rows
        with pytest.raises(WorkerStopped, match="run the import again"):
            list(worker.outcomes(rows))


def test_only_large_files_get_a_worker(tmp_path):
    small = FILES / "ngo_alpha.csv"
    large = tmp_path / "large.csv"
    large.write_bytes(b"Name,DOB\n" + b"Gul Ahmad,1365\n" * (workers.PARALLEL_FROM_BYTES // 15))
    assert workers_for(small) == 0
    assert workers_for(large) == (1 if (os.cpu_count() or 1) > 1 else 0)
