import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from evac.app import create_app
from evac.auth.models import ApiToken, User
from evac.auth.permissions import ROLE_PERMISSIONS, Actor, Forbidden, Permission, Role
from evac.auth.service import (
    AuthenticationFailed,
    actor_for_token,
    check_password,
    create_user,
    issue_api_token,
)

PASSWORD = "a long enough passphrase"


def test_passwords_are_argon2_hashed_and_checked(session):
    create_user(session, username="officer1", password=PASSWORD, role=Role.officer)
    session.commit()
    stored = session.scalar(select(User).where(User.username == "officer1"))
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert check_password(session, username="officer1", password=PASSWORD).id == stored.id
    for username, password in (("officer1", PASSWORD + "!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
            check_password(session, username=username, password=password)


def test_short_passwords_and_partners_without_source_are_refused(session):
    with pytest.raises(ValueError, match="12 characters"):
        create_user(session, username="u", password="short", role=Role.officer)
    with pytest.raises(ValueError, match="source name"):
        create_user(session, username="ngo", password=PASSWORD, role=Role.partner)


def test_token_is_shown_once_and_stored_hashed(session):
    user = create_user(
        session, username="ngo-a", password=PASSWORD, role=Role.partner, partner_source="ngo-a"
    )
    token = issue_api_token(session, user=user, name="ngo-a uploader")
    session.commit()
    assert token not in {row.token_hash for row in session.scalars(select(ApiToken))}
    assert actor_for_token(session, token=token) == Actor(
        username="ngo-a", role=Role.partner, user_id=user.id, partner_source="ngo-a"
    )
    with pytest.raises(AuthenticationFailed):
        actor_for_token(session, token=token + "x")


def test_roles_hold_only_their_permissions():
    partner = Actor(username="ngo", role=Role.partner, partner_source="ngo-a")
    assert partner.may_see_source("ngo-a") and not partner.may_see_source("ngo-b")
    with pytest.raises(Forbidden, match="may not personal:read"):
        partner.require(Permission.personal_read)
    assert Permission.personal_read not in ROLE_PERMISSIONS[Role.planner]
    assert Permission.personal_read not in ROLE_PERMISSIONS[Role.gate_agent]
    assert ROLE_PERMISSIONS[Role.administrator] == frozenset(Permission)


def test_counts_api_refuses_without_credentials_and_for_a_gate_agent(settings, auth_headers):
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/persons/counts").status_code == 401
        assert (
            client.get("/api/v1/persons/counts", headers={"Authorization": "Bearer x"}).status_code
            == 401
        )
        refused = client.get("/api/v1/persons/counts", headers=auth_headers(Role.gate_agent))
        assert refused.status_code == 403 and "gate_agent" in refused.json()["detail"]
        page = client.get("/status", headers={"Accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/status"


def test_login_needs_the_csrf_token_of_its_form(settings, make_user):
    user = make_user(Role.officer)
    with TestClient(create_app(settings)) as client:
        csrf = csrf_of(client.get("/login").text)
        data = {"username": user.username, "password": "correct horse battery staple"}
        forged = client.post("/login", data={**data, "csrf": "forged"}, follow_redirects=False)
        assert forged.status_code == 403
        wrong = client.post("/login", data={**data, "password": "nope", "csrf": csrf})
        assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
        # Each rendering of the form carries a fresh token; the failed attempt's page is used.
        good = client.post(
            "/login", data={**data, "csrf": csrf_of(wrong.text)}, follow_redirects=False
        )
        assert good.status_code == 303 and "evac_session" in good.cookies
        assert client.get("/status").status_code == 200


def csrf_of(page: str) -> str:
    return page.split('name="csrf" value="')[1].split('"')[0]
