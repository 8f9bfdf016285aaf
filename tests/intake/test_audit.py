"""Every import that stores writes one entry in the hash-chained audit log: who, through
which channel, what was touched (source, file, counts, id range), never a cell of a row."""

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from evac.app import create_app
from evac.auth.permissions import Role, cli_actor
from evac.intake.cli import run_import
from evac.intake.service import SELF_REGISTRATION
from evac.people.models import Registration
from evac.vault.audit import AuditEntry, verify_chain
from tests.conftest import csrf_token
from tests.intake.test_api import ROWS, selected_mapping, upload

FILES = Path(__file__).parent / "files"
# Cells of ngo_alpha.csv and ROWS: none may appear anywhere in the log.
PERSONAL = ("Rahimi", "Noori", "Safi", "0799", "1365/02/22", "احمد")


def import_entries(session) -> list[AuditEntry]:
    session.rollback()  # a fresh read; on SQLite it also frees the write lock
    entries = list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == "intake.import").order_by(AuditEntry.id)
        )
    )
    session.rollback()
    return entries


def registration_ids(session, source: str) -> list[int]:
    ids = list(session.scalars(select(Registration.id).where(Registration.source == source)))
    session.rollback()
    return [min(ids), max(ids)]


def assert_no_personal_data(entry: AuditEntry) -> None:
    text = json.dumps(
        [entry.purpose, entry.subject, entry.details], ensure_ascii=False, default=str
    )
    for value in PERSONAL:
        assert value not in text


def test_the_command_line_import_is_audited(settings, operation, session, tmp_path):
    session.commit()
    path = tmp_path / "ngo_alpha.csv"
    path.write_bytes((FILES / "ngo_alpha.csv").read_bytes())
    summary = run_import(settings, path=path, source="ngo-alpha", accept_proposal=True)
    again = run_import(settings, path=path, source="ngo-alpha", accept_proposal=True)
    dry = run_import(settings, path=path, source="ngo-alpha", dry_run=True)
    assert dry.dry_run and dry.duplicates == 6
    first, second = import_entries(session)  # the dry run stored nothing, wrote no entry
    assert first.username == cli_actor().username and first.role == "administrator"
    assert first.subject == f"intake_batch:{summary.reference}"
    assert first.purpose == "registration intake (cli)"
    assert first.details == {
        "channel": "cli",
        "operation_id": operation.id,
        "source": "ngo-alpha",
        "file": "ngo_alpha.csv",
        "rows_read": 9,
        "accepted": 5,
        "duplicates": 1,
        "rejected": 3,
        "households": 4,
        "registration_ids": registration_ids(session, "ngo-alpha"),
    }
    assert second.subject == f"intake_batch:{again.reference}"
    assert (second.details["accepted"], second.details["registration_ids"]) == (0, None)
    assert_no_personal_data(first)
    assert verify_chain(session) == []


def test_api_upload_page_and_self_registration_are_audited(
    settings, operation, session, auth_headers
):
    partner = auth_headers(Role.partner, "ngo-beta")
    officer = auth_headers(Role.officer)
    session.rollback()
    client = TestClient(create_app(settings))
    sent = client.post("/api/v1/intake/submissions", json={"rows": ROWS}, headers=partner)
    assert sent.status_code == 201, sent.text
    proposed = upload(
        client, officer, name="ngo_alpha.csv", source="ngo-alpha", media_type="text/csv"
    )
    token = re.search(r'name="token" value="([^"]+)"', proposed.text).group(1)
    form = {"token": token, "source": "ngo-alpha", **selected_mapping(proposed.text)}
    assert client.post("/intake/upload/confirm", data=form, headers=officer).status_code == 200
    registered = client.post(
        "/register",
        data={
            "p_full_name": "Zarghona Popal",
            "p_birth_date": "1370",
            "members": "0",
            "csrf": csrf_token(client, "/register"),
        },
    )
    assert registered.status_code == 200
    api, page, public = import_entries(session)
    assert [e.details["channel"] for e in (api, page, public)] == [
        "api",
        "upload page",
        "self-registration",
    ]
    assert (api.role, api.details["source"], api.details["file"]) == ("partner", "ngo-beta", "api")
    assert (api.details["accepted"], api.details["rejected"]) == (2, 1)
    assert api.details["registration_ids"] == registration_ids(session, "ngo-beta")
    assert (page.role, page.details["file"], page.details["accepted"]) == (
        "officer",
        "ngo_alpha.csv",
        5,
    )
    assert (public.username, public.details["source"]) == ("public-form", SELF_REGISTRATION)
    assert public.details["accepted"] == 1
    for entry in (api, page, public):
        assert_no_personal_data(entry)
    total = session.scalar(select(func.count()).select_from(AuditEntry))
    session.rollback()
    assert total >= 3 and verify_chain(session) == []
