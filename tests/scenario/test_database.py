"""Loading a scenario into the database: sealed rows, in batches, and a re-run adds nothing."""

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from evac.auth.permissions import cli_actor
from evac.cli import app
from evac.operation.service import get_operation
from evac.people.models import Registration
from evac.people.service import read_registration
from evac.scenario.service import generate_population, iter_scenario, load_scenario
from evac.vault.audit import AuditEntry
from tests.intake.test_cli import environment

ACTOR = cli_actor()


def count(session) -> int:
    total = session.scalar(select(func.count()).select_from(Registration))
    session.rollback()  # end the read: on SQLite a transaction holds the write lock
    return total


def load_300(session_factory, cipher):
    """The same 300-person scenario, in batches of about 100 rows."""
    return load_scenario(session_factory=session_factory, cipher=cipher, actor=ACTOR,
                         persons=300, seed=3, batch_size=100)  # fmt: skip


def test_loading_stores_every_registration_once(session, session_factory, cipher):
    session.rollback()  # the keys are unwrapped; free SQLite's write lock for the loader
    summary = load_300(session_factory, cipher)
    assert summary.inserted == summary.total_registrations == count(session)
    again = load_300(session_factory, cipher)
    assert again.inserted == 0
    assert count(session) == summary.total_registrations

    expected = {
        (r.source.key, r.row_number): r
        for r in generate_population(persons=300, seed=3).registrations
    }
    stored = session.scalars(select(Registration)).all()
    for row in stored:
        raw, record = read_registration(row, cipher=cipher)
        generated = expected[(row.source, row.row_number)]
        assert raw == generated.raw and record == generated.record
        assert row.file == generated.source.file
    assert b"Mohammad" not in b"".join(r.raw_payload for r in stored)  # sealed, not plain
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "scenario.load"))
    assert sum(entry.details["inserted"] for entry in audited) == summary.inserted  # re-run: 0


def test_a_failed_batch_leaves_no_partial_rows(session, session_factory, cipher, monkeypatch):
    import evac.scenario.service as service

    real = service.seal_registration
    sealed = 0

    def failing(*args, **kwargs):
        nonlocal sealed
        sealed += 1
        if sealed == 150:  # in the middle of the second batch
            raise RuntimeError("crash")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "seal_registration", failing)
    session.rollback()
    with pytest.raises(RuntimeError, match="crash"):
        load_300(session_factory, cipher)
    first_batch = 0  # households are never split: a batch closes after the 100th row's household
    for _, by_source in iter_scenario(persons=300, seed=3):
        first_batch += sum(len(rows) for _, rows in by_source)
        if first_batch >= 100:
            break
    stored = count(session)
    assert stored == first_batch  # the first batch whole, nothing of the second
    monkeypatch.setattr(service, "seal_registration", real)
    finished = load_300(session_factory, cipher)
    assert count(session) == finished.total_registrations
    assert finished.inserted == finished.total_registrations - stored


def test_the_command_line_loads_into_a_named_operation(settings, session):
    runner, env = CliRunner(), environment(settings)
    result = runner.invoke(
        app,
        [
            "scenario",
            "generate",
            "--persons",
            "200",
            "--seed",
            "4",
            "--into-db",
            "--operation",
            "kabul-test",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    loaded = count(session)
    assert loaded > 200 and f"{loaded:,} registrations added" in result.output
    assert get_operation(session, name="kabul-test").airport == "OAKB"
    session.rollback()
    again = runner.invoke(
        app,
        [
            "scenario",
            "generate",
            "--persons",
            "200",
            "--seed",
            "4",
            "--into-db",
            "--operation",
            "kabul-test",
        ],
        env=env,
    )
    assert again.exit_code == 0, again.output
    assert "0 registrations added" in again.output
    assert count(session) == loaded


def test_the_command_line_asks_where_to_put_the_scenario(settings):
    result = CliRunner().invoke(app, ["scenario", "generate"], env=environment(settings))
    assert result.exit_code == 2
    assert "--out FOLDER, --into-db, or both" in result.output
