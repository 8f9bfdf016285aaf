import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from evac.auth.models import User
from evac.auth.service import AuthenticationFailed, actor_for_token
from evac.cli import app
from evac.vault.audit import AuditEntry

runner = CliRunner()


def evac(database_url, *args, **kwargs):
    return runner.invoke(app, ["--database-url", database_url, *args], **kwargs)


def test_add_user_issue_token_and_lock_out(database_url, session):
    added = evac(
        database_url,
        "user",
        "add",
        "ngo-alpha-uploader",
        "--role",
        "partner",
        "--partner-source",
        "ngo-alpha",
        input="a long passphrase\na long passphrase\n",
    )
    assert added.exit_code == 0, added.output
    token = evac(database_url, "user", "token", "ngo-alpha-uploader", "--name", "uploader")
    plaintext = token.output.strip().splitlines()[-1]
    assert actor_for_token(session, token=plaintext).partner_source == "ngo-alpha"
    session.commit()
    listed = evac(database_url, "user", "list")
    assert "ngo-alpha-uploader" in listed.output and "partner" in listed.output

    assert evac(database_url, "user", "deactivate", "ngo-alpha-uploader").exit_code == 0
    assert not session.scalar(select(User.active).where(User.username == "ngo-alpha-uploader"))
    with pytest.raises(AuthenticationFailed):
        actor_for_token(session, token=plaintext)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"user.create", "token.issue", "user.deactivate"} <= actions


def test_clear_errors(database_url):
    unknown = evac(database_url, "user", "token", "nobody", "--name", "x")
    assert unknown.exit_code == 1 and "no user 'nobody'" in unknown.output
    partner = evac(
        database_url,
        "user",
        "add",
        "p",
        "--role",
        "partner",
        input="x" * 12 + "\n" + "x" * 12 + "\n",
    )
    assert partner.exit_code == 1 and "source name" in partner.output
