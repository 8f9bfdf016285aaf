"""`evac audit verify` names the tampered entry; anchors catch a rewritten history."""

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from evac.app import create_app
from evac.auth.permissions import Role
from evac.cli import app
from evac.vault.audit import GENESIS, AuditEntry, AuditHead, _digest
from tests.vault.test_audit import write_entries

runner = CliRunner()


def verify(database_url, *extra):
    return runner.invoke(app, ["--database-url", database_url, "audit", "verify", *extra])


def test_verify_names_the_edited_removed_and_reordered_entries(session, database_url):
    ids = write_entries(session, 6)
    session.commit()  # end the read: SQLite's writers (BEGIN IMMEDIATE) would wait on it
    assert verify(database_url).exit_code == 0
    session.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(subject="person:99"))
    session.delete(session.get(AuditEntry, ids[3]))
    session.commit()
    result = verify(database_url)
    assert result.exit_code == 1
    assert "TAMPERED" in result.output
    lines = result.output.splitlines()
    assert any(f"│ {ids[1]} " in line and "edited" in line for line in lines), result.output
    assert any(f"│ {ids[4]} " in line and "removed" in line for line in lines), result.output


def test_a_rewritten_history_fails_its_anchor(session, database_url):
    write_entries(session, 4)
    session.commit()
    head = runner.invoke(app, ["--database-url", database_url, "audit", "head"])
    anchor = head.output.split(": ")[1].strip()
    # An insider rewrites the whole chain with recomputed hashes: it verifies on its own...
    previous = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        entry.purpose, entry.previous_hash = "rewritten", previous
        entry.entry_hash = _digest(entry)
        previous = entry.entry_hash
    session.get(AuditHead, 1).last_hash = previous
    session.commit()
    assert verify(database_url).exit_code == 0
    # ...but the hash noted outside the database is gone.
    result = verify(database_url, "--anchor", anchor)
    assert result.exit_code == 1 and "history rewritten" in result.output


def test_show_lists_who_did_what(session, database_url):
    write_entries(session, 2)
    session.commit()
    result = runner.invoke(app, ["--database-url", database_url, "audit", "show"])
    assert result.exit_code == 0 and "officer1" in result.output and "person:1" in result.output


def test_audit_api_checks_anchors_and_is_for_auditors(settings, session, auth_headers):
    write_entries(session, 2)
    session.commit()
    with TestClient(create_app(settings)) as client:
        auditor = auth_headers(Role.auditor)
        assert client.get("/api/v1/audit/verify", headers=auditor).json()["intact"] is True
        missing = client.get("/api/v1/audit/verify", params={"anchor": "ab" * 32}, headers=auditor)
        assert missing.json()["intact"] is False
        assert (
            client.get(
                "/api/v1/audit/verify", params={"anchor": "\x00"}, headers=auditor
            ).status_code
            == 422
        )
        entries = client.get("/api/v1/audit/entries", params={"limit": 1}, headers=auditor)
        assert [e["subject"] for e in entries.json()] == ["person:1"]
        officer = auth_headers(Role.officer)
        assert client.get("/api/v1/audit/entries", headers=officer).status_code == 403
