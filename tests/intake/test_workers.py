"""Validation and raw-row sealing in a worker process give exactly what one process gives."""

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import suppress
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
from evac.vault.service import add_data_key_version, cipher_for
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
    # the same content hashes: each import read again the other way stores nothing new
    for source, workers_again in (("alone", 1), ("beside", 0)):
        again = import_file(session, cipher, name, source=source, workers=workers_again)
        assert (again.accepted, again.rows_read) == (0, alone.rows_read)


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


def process_memory(pid: int) -> Iterator[bytes]:
    """Every readable region of a process's memory (its parent, or root, may read it)."""
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            span, permissions = line.split()[:2]
            start, end = (int(address, 16) for address in span.split("-"))
            if permissions.startswith("r"):
                mem.seek(start)
                with suppress(OSError):  # [vvar] and its like cannot be read
                    yield mem.read(end - start)


def found_in(pid: int, secrets: dict[str, bytes]) -> set[str]:
    return {
        name
        for region in process_memory(pid)
        for name, secret in secrets.items()
        if secret in region
    }


@pytest.mark.skipif(sys.platform != "linux", reason="reads the worker's memory through /proc")
def test_the_worker_holds_the_current_data_key_and_nothing_else(
    session, provider, operation, master_key
):
    """A forked worker held a copy of all the import's memory; the spawned one is given
    SealingKeys only. Its memory is searched for each key's bytes, after it sealed rows."""
    add_data_key_version(session, provider=provider, operation_id=operation.id)
    session.commit()
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    keys = {
        "current data key": cipher.data_keys[2],
        "older data key": cipher.data_keys[1],
        "blind-index key": cipher.index_key,
        "master key": master_key,
    }
    tables = read_source(FILES / "ngo_alpha.csv")
    mapping = propose_for_tables(tables)
    with RowWorker(mapping=mapping, keys=cipher.for_sealing(), source="ngo") as worker:
        assert any(sealed for _, (_, sealed) in worker.outcomes(tables[0].rows))
        held = found_in(worker.process.pid, keys)
        files = {os.readlink(fd) for fd in Path(f"/proc/{worker.process.pid}/fd").iterdir()}
    assert held == {"current data key"}  # found: the search can see a key where one is
    # nor the database: no socket to PostgreSQL, no SQLite file
    database = session.get_bind().url.database
    assert not [name for name in files if name.startswith("socket:") or name == database]


def test_a_worker_that_dies_stops_the_import_with_a_clear_error(cipher):
    keys = cipher.for_sealing()
    with RowWorker(mapping={"Name": "full_name"}, keys=keys, source="ngo") as worker:
        # spawned: a fresh interpreter, that inherits none of this process's memory
        assert type(worker.process) is multiprocessing.get_context("spawn").Process
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=10)
        rows = read_source(FILES / "ngo_alpha.csv")[0].rows
        with pytest.raises(WorkerStopped, match="run the import again"):
            list(worker.outcomes(rows))


def test_only_large_files_get_a_worker(tmp_path):
    small = FILES / "ngo_alpha.csv"
    large = tmp_path / "large.csv"
    large.write_bytes(b"Name,DOB\n" + b"Gul Ahmad,1365\n" * (workers.PARALLEL_FROM_BYTES // 15))
    assert workers_for(small.stat().st_size) == 0
    assert workers_for(large.stat().st_size) == (1 if (os.cpu_count() or 1) > 1 else 0)


@pytest.mark.skipif(sys.platform != "linux", reason="reads the worker's environment through /proc")
def test_a_master_key_in_the_environment_is_not_in_the_workers(cipher, monkeypatch):
    monkeypatch.setenv("EVAC_MASTER_KEY", "c2VjcmV0LW1hc3Rlci1rZXktZm9yLXRoZS10ZXN0")
    with RowWorker(mapping={}, keys=cipher.for_sealing(), source="ngo") as worker:
        environment = Path(f"/proc/{worker.process.pid}/environ").read_bytes().split(b"\0")
    assert not [v for v in environment if v.startswith(b"EVAC_MASTER_KEY=")]
    assert environment  # the rest of the environment is there
    assert os.environ["EVAC_MASTER_KEY"] == "c2VjcmV0LW1hc3Rlci1rZXktZm9yLXRoZS10ZXN0"
