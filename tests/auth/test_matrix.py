"""The authorisation matrix: every route of the app against no credentials and every role.

Routes are read from the app itself, so a route another domain adds later is covered without
touching this file: it must be on the public allow-list, or refuse a request without
credentials; where it declares a permission (`requires(...)`), every role without that
permission is refused and no role meets a server error.
"""

import re

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.deps import current_actor
from evac.auth.permissions import ROLE_PERMISSIONS, Actor, Forbidden, Permission, Role, cli_actor
from evac.auth.service import add_user, deactivate_user, grant_api_token, list_users
from evac.intake.service import import_tables
from evac.linkage.service import decide, run_linkage, split_person
from evac.vault.audit import audit_entries, chain_head, check_log
from evac.vault.exports import checkpoint_list
from evac.vault.service import cipher_for, rotate_operation, shred_operation

# Open to anyone: the system's own pages, the login form, static files, the public
# self-registration form and its status page (both rate-limited), the home redirect, and the
# SMS gateway's delivery reports (no user calls it: it checks the gateway's signature itself,
# tests/notify).
PUBLIC = {
    "/api/v1/notify/twilio/status",
    "/health",
    "/version",
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/login",
    "/logout",
    "/register",
    "/register/status",
    "/static",
    "/",
}


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def every_route(app) -> list[tuple[str, str, object]]:
    """(path, method, route) for every route, including those of included routers."""
    found = []
    for route in app.routes:
        contexts = (
            route.effective_route_contexts()
            if hasattr(route, "effective_route_contexts")
            else [route]
        )
        for context in contexts:
            original = getattr(context, "original_route", context)
            for method in sorted(getattr(context, "methods", None) or {"GET"}):
                if method != "HEAD":
                    found.append((context.path, method, original))
    return found


def dependency_calls(route) -> list:
    calls, stack = [], list((getattr(route, "dependant", None) and [route.dependant]) or [])
    while stack:
        dependant = stack.pop()
        calls.append(dependant.call)
        stack.extend(dependant.dependencies)
    return calls


def declared_permissions(route) -> set[Permission]:
    return {call.permission for call in dependency_calls(route) if hasattr(call, "permission")}


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def client(settings, operation):
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_every_route_is_public_or_refuses_strangers(client):
    routes = every_route(client.app)
    assert len(routes) > 15  # the walk found the included routers' routes
    for path, method, route in routes:
        if path in PUBLIC:
            continue
        assert current_actor in dependency_calls(route), f"{method} {path} never asks who calls"
        response = client.request(method, concrete(path))
        # A stranger's post meets the CSRF check first (it cannot know it needs a token).
        refused = (401, 403) if method in UNSAFE else (401,)
        assert response.status_code in refused, f"{method} {path} answered a stranger"
        bad_token = client.request(
            method, concrete(path), headers={"Authorization": "Bearer evac_forged"}
        )
        assert bad_token.status_code == 401, f"{method} {path} took a forged token"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_meets_its_permissions_on_every_route(client, auth_headers, role):
    headers = auth_headers(role, "ngo-alpha" if role == Role.partner else None)
    for path, method, route in every_route(client.app):
        if path in PUBLIC or path.startswith("/register"):
            continue
        response = client.request(method, concrete(path), headers=headers, json={})
        assert response.status_code < 500, f"{role} {method} {path}: {response.status_code}"
        needed = declared_permissions(route)
        if not needed <= ROLE_PERMISSIONS[role]:
            assert response.status_code == 403, f"{role} reached {method} {path}"
        elif needed:
            assert response.status_code not in (401, 403), f"{role} refused {method} {path}"
        # Routes without a declared permission check in their service (Forbidden -> 403).


def test_a_partner_cannot_reach_another_partners_submission(client, auth_headers):
    alpha, beta = auth_headers(Role.partner, "ngo-alpha"), auth_headers(Role.partner, "ngo-beta")
    row = {"given_name": "Gulalai", "family_name": "Test", "birth_year": 1990, "sex": "F"}
    sent = client.post("/api/v1/intake/submissions", json={"rows": [row]}, headers=alpha)
    assert sent.status_code == 201, sent.text
    reference = sent.json()["reference"]
    assert client.get(f"/api/v1/intake/submissions/{reference}", headers=alpha).status_code == 200
    for url in (
        f"/api/v1/intake/submissions/{reference}",
        f"/intake/batches/{reference}/rejects.csv",
    ):
        assert client.get(url, headers=beta).status_code in (403, 404), url
    listed = client.get("/api/v1/intake/submissions", headers=beta).json()
    assert reference not in {s["reference"] for s in listed}
    # A partner cannot submit in another partner's name either.
    spoofed = client.post(
        "/api/v1/intake/submissions", json={"rows": [row], "source": "ngo-alpha"}, headers=beta
    )
    assert spoofed.status_code != 201 or spoofed.json()["source"] == "ngo-beta"


def service_calls(session, operation, cipher, provider):
    """Each service behind an `evac` command that touches personal data, keys or users,
    with the permission it needs. The CLI runs them as the server's operator."""
    return [
        (
            Permission.operation_manage,
            lambda a: shred_operation(session, actor=a, operation_id=operation.id, reason="test"),
        ),
        (
            Permission.operation_manage,
            lambda a: rotate_operation(
                session, actor=a, provider=provider, operation_id=operation.id, new_data_key=False
            ),
        ),
        (Permission.audit_read, lambda a: check_log(session, actor=a)),
        (Permission.audit_read, lambda a: audit_entries(session, actor=a)),
        (Permission.audit_read, lambda a: chain_head(session, actor=a)),
        (
            Permission.export_personal,
            lambda a: checkpoint_list(
                session, actor=a, cipher=cipher, passes={}, checkpoint="test"
            ),
        ),
        (
            Permission.registrations_write,  # evac import
            lambda a: import_tables(
                session, actor=a, cipher=cipher, source="ngo-x", file="x.csv", tables=[], mapping={}
            ),
        ),
        (Permission.linkage_review, lambda a: run_linkage(session, cipher=cipher, actor=a)),
        (
            Permission.linkage_review,  # evac link review
            lambda a: decide(session, cipher=cipher, actor=a, item_id=1, same=True, reason="r"),
        ),
        (
            Permission.linkage_review,  # evac link split
            lambda a: split_person(
                session, cipher=cipher, actor=a, person_id=1, registration_ids=[1], reason="r"
            ),
        ),
        (Permission.users_manage, lambda a: list_users(session, actor=a)),
        (
            Permission.users_manage,
            lambda a: add_user(
                session, actor=a, username=f"new-{a.role}", password="x" * 12, role=Role.planner
            ),
        ),
        (
            Permission.users_manage,
            lambda a: grant_api_token(session, actor=a, username=cli_actor().username, name="t"),
        ),
        (
            Permission.users_manage,
            lambda a: deactivate_user(session, actor=a, username=cli_actor().username),
        ),
    ]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.administrator])
def test_services_behind_commands_refuse_roles_without_the_permission(
    session, operation, cipher, provider, role
):
    actor = Actor(username=f"someone-{role}", role=role, user_id=99, partner_source="ngo-x")
    for permission, call in service_calls(session, operation, cipher, provider):
        if permission in ROLE_PERMISSIONS[role]:
            continue
        with pytest.raises(Forbidden):
            call(actor)
    session.rollback()
    cipher_for(session, provider=provider, operation_id=operation.id)  # nothing was shredded
