"""`evac audit verify` names the tampered entry (anchors: test_audit_anchor.py)."""

from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from evac.app import create_app
from evac.auth.permissions import Role
from evac.cli import app
from evac.vault.audit import AuditEntry
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


def test_show_lists_who_did_what(session, database_url):
    write_entries(session, 2)
    session.commit()
    result = runner.invoke(app, ["--database-url", database_url, "audit", "show"])
    assert result.exit_code == 0 and "officer1" in result.output and "person:1" in result.output


def test_audit_api_verifies_and_is_for_auditors(settings, session, auth_headers):
    ids = write_entries(session, 2)
    session.commit()
    with TestClient(create_app(settings)) as client:
        auditor = auth_headers(Role.auditor)
        assert client.get("/api/v1/audit/verify", headers=auditor).json()["intact"] is True
        session.execute(update(AuditEntry).where(AuditEntry.id == ids[0]).values(purpose="x"))
        session.commit()
        assert client.get("/api/v1/audit/verify", headers=auditor).json()["intact"] is False
        entries = client.get("/api/v1/audit/entries", params={"limit": 1}, headers=auditor)
        assert [e["subject"] for e in entries.json()] == ["person:1"]
        officer = auth_headers(Role.officer)
        assert client.get("/api/v1/audit/entries", headers=officer).status_code == 403
