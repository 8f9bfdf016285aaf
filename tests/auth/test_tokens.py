"""API tokens expire, are refused with a clear 401 once expired, and can be rotated."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from evac.app import create_app
from evac.auth.models import ApiToken
from evac.auth.permissions import Role, cli_actor
from evac.auth.service import (
    AuthenticationFailed,
    actor_for_token,
    issue_api_token,
    rotate_api_token,
)
from evac.cli import app
from evac.db import alembic_config, make_engine, migrate, utcnow
from evac.vault.audit import AuditEntry

runner = CliRunner()


def expire(session, token_name: str) -> None:
    """Move a token's expiry into the past, as if its 90 days had gone by."""
    session.execute(
        sa.update(ApiToken)
        .where(ApiToken.name == token_name)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()


def test_a_token_lasts_the_days_it_was_given(session, make_user):
    user = make_user(Role.partner)
    token = issue_api_token(session, user=user, name="uploader", days=7)
    session.commit()
    row = session.scalar(select(ApiToken).where(ApiToken.name == "uploader"))
    assert timedelta(days=7) - (row.expires_at - utcnow()) < timedelta(minutes=1)
    assert actor_for_token(session, token=token).username == user.username
    expire(session, "uploader")
    with pytest.raises(AuthenticationFailed, match=r"'uploader' expired on .*rotate-token"):
        actor_for_token(session, token=token)


def test_the_default_term_is_ninety_days(session, make_user):
    issue_api_token(session, user=make_user(Role.partner), name="default")
    expires_at = session.scalar(select(ApiToken.expires_at).where(ApiToken.name == "default"))
    assert timedelta(days=89) < expires_at - utcnow() <= timedelta(days=90)


def test_an_expired_token_gets_a_clear_401(settings, session, make_user):
    token = issue_api_token(session, user=make_user(Role.planner), name="dashboard")
    session.commit()
    expire(session, "dashboard")
    with TestClient(create_app(settings)) as client:
        refused = client.get("/api/v1/persons/counts", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert "API token 'dashboard' expired on" in refused.json()["detail"]


def test_rotation_revokes_the_old_token_and_issues_a_new_one(session, make_user):
    user = make_user(Role.partner)
    old = issue_api_token(session, user=user, name="uploader")
    other = issue_api_token(session, user=user, name="reader")
    session.commit()
    expire(session, "uploader")  # an expired token can be rotated too
    new = rotate_api_token(session, actor=cli_actor(), username=user.username, name="uploader")
    session.commit()
    assert new != old and actor_for_token(session, token=new).user_id == user.id
    with pytest.raises(AuthenticationFailed, match="unknown or revoked"):
        actor_for_token(session, token=old)
    assert actor_for_token(session, token=other).user_id == user.id  # another name: untouched
    with pytest.raises(LookupError, match="no token called 'nope'"):
        rotate_api_token(session, actor=cli_actor(), username=user.username, name="nope")


def test_cli_issues_rotates_and_lists_tokens(database_url, session, make_user):
    user = make_user(Role.partner)
    username, user_id = user.username, user.id
    session.commit()  # ends the read: the CLI writes through its own connection (SQLite locks)

    def evac(*args: str):
        return runner.invoke(app, ["--database-url", database_url, "user", *args])

    issued = evac("token", username, "--name", "uploader", "--days", "30")
    assert issued.exit_code == 0 and "works 30 days" in issued.output
    first = issued.output.strip().splitlines()[-1]
    rotated = evac("rotate-token", username, "--name", "uploader")
    assert rotated.exit_code == 0, rotated.output
    assert "works 90 days" in rotated.output and "old one is revoked" in rotated.output
    second = rotated.output.strip().splitlines()[-1]
    listed = evac("tokens", username)
    assert listed.exit_code == 0 and listed.output.count("uploader") == 1
    unknown = evac("rotate-token", username, "--name", "nope")
    assert unknown.exit_code == 1 and "no token called 'nope'" in unknown.output
    assert actor_for_token(session, token=second).user_id == user_id
    with pytest.raises(AuthenticationFailed):
        actor_for_token(session, token=first)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"token.issue", "token.rotate"} <= actions


def test_tokens_issued_before_expiry_existed_get_a_full_term(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "vault_0001")  # the schema before auth_0001
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO app_user (id, username, password_hash, role, active, created_at) "
            "VALUES (1, 'ngo', 'x', 'partner', 1, '2021-08-15 00:00:00.000000')"
        )
        connection.exec_driver_sql(
            "INSERT INTO api_token (user_id, name, token_hash, created_at) "
            "VALUES (1, 'old', 'h', '2021-08-15 00:00:00.000000')"
        )
    migrate(url)
    with engine.connect() as connection:
        expires_at = connection.scalar(select(ApiToken.expires_at))
    engine.dispose()
    assert timedelta(days=89) < expires_at - utcnow() <= timedelta(days=90)
