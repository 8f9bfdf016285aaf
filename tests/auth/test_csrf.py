"""Cross-site request forgery: every state-changing route of the app, read from the app itself
(a route added later is covered without touching this file), refuses a post that carries the
session cookie but no token, and one with a token but another site's Origin."""

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.csrf import REFUSED
from evac.auth.permissions import Role
from tests.auth.test_matrix import UNSAFE, concrete, every_route
from tests.conftest import TEST_PASSWORD, csrf_token

FOREIGN = {"Origin": "https://evil.example"}
OWN = {"Origin": "http://testserver"}


@pytest.fixture
def app(settings, operation):
    return create_app(settings)


@pytest.fixture
def browser_client(app, make_user):
    """A client logged in through the login form, holding the session cookie as a browser."""
    user = make_user(Role.administrator)
    with TestClient(app, raise_server_exceptions=False) as client:
        login = client.post(
            "/login",
            data={"username": user.username, "password": TEST_PASSWORD, "csrf": csrf_token(client)},
            headers=OWN,
            follow_redirects=False,
        )
        assert login.status_code == 303 and "evac_session" in client.cookies
        yield client


def state_changing_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every POST/PUT/PATCH/DELETE route; logout last, as it ends the session."""
    routes = [(m, concrete(p)) for p, m, _ in every_route(app) if m in UNSAFE]
    return sorted(routes, key=lambda route: route[1] == "/logout")


def assert_refused(response, route) -> None:
    assert response.status_code == 403, f"{route}: {response.status_code} {response.text[:200]}"
    assert response.json()["detail"] == REFUSED, route


def test_the_matrix_finds_the_forms_and_the_api(app):
    paths = {path for _, path in state_changing_routes(app)}
    assert {"/login", "/logout", "/register", "/intake/upload", "/intake/upload/confirm"} <= paths
    assert {"/linkage/review/1", "/linkage/persons/1/split"} <= paths
    assert "/api/v1/intake/submissions" in paths


def test_a_post_with_the_session_cookie_but_no_token_is_refused(app, browser_client):
    for route in state_changing_routes(app):
        method, path = route
        form = {"verdict": "same", "reason": "forged", "registration": "1", "action": "add"}
        assert_refused(browser_client.request(method, path, data=form), route)
        assert_refused(browser_client.request(method, path, data=form, headers=OWN), route)
        wrong = {**form, "csrf": "guessed"}
        assert_refused(browser_client.request(method, path, data=wrong), route)
        assert_refused(browser_client.request(method, path, json={"same": True}), route)


def test_a_post_from_another_site_is_refused_even_with_the_token(app, browser_client):
    token = csrf_token(browser_client, "/status")
    for route in state_changing_routes(app):
        method, path = route
        for headers in (
            FOREIGN,
            {"Origin": "null"},  # what a page under `Referrer-Policy: no-referrer` sends
            {"Origin": "http://testserver.evil.example"},
            {"Referer": "https://evil.example/page"},  # an old browser sends no Origin
        ):
            response = browser_client.request(method, path, data={"csrf": token}, headers=headers)
            assert_refused(response, (route, headers))


def test_the_token_from_the_page_passes(app, browser_client):
    """The control: the same posts with the page's token reach the route (whatever it answers
    then), so the refusals above are the CSRF check's."""
    token = csrf_token(browser_client, "/status")
    for route in state_changing_routes(app):
        method, path = route
        by_header = browser_client.request(method, path, json={}, headers={"X-CSRF-Token": token})
        responses = [by_header]
        if path != "/logout":  # logged out by the first
            responses.append(
                browser_client.request(method, path, data={"csrf": token}, headers=OWN)
            )
        for response in responses:
            assert response.status_code < 500, (route, response.text[:300])
            assert response.status_code != 403 or response.json()["detail"] != REFUSED, route


def test_the_public_forms_need_the_token_of_their_page(app):
    with TestClient(app) as client:
        for path in ("/register", "/login"):
            assert_refused(client.post(path, data={"action": "add"}), path)  # no cookie
            token = csrf_token(client, path)
            assert_refused(client.post(path, data={"action": "add"}), path)  # cookie, no token
            forged = {"action": "add", "csrf": token}
            assert_refused(client.post(path, data=forged, headers=FOREIGN), path)
        added = client.post("/register", data={"action": "add", "csrf": token}, headers=OWN)
        assert added.status_code == 200 and 'name="m0_full_name"' in added.text


def test_a_token_of_another_session_is_refused(app, browser_client, make_user):
    with TestClient(app) as other:
        stolen = csrf_token(other, "/login")  # a token the attacker got from his own visit
    response = browser_client.post("/linkage/review/1", data={"csrf": stolen, "verdict": "same"})
    assert_refused(response, "another session's token")


def test_an_api_token_needs_no_csrf_token(app, auth_headers):
    """A browser never adds an Authorization header across sites: partners' systems post as
    before."""
    with TestClient(app) as client:
        row = {"given_name": "Gulalai", "family_name": "Test", "birth_year": 1990, "sex": "F"}
        sent = client.post(
            "/api/v1/intake/submissions",
            json={"rows": [row]},
            headers={**auth_headers(Role.partner, "ngo-alpha"), **FOREIGN},
        )
        assert sent.status_code == 201, sent.text


def test_a_page_after_login_carries_a_token_bound_to_the_session(browser_client):
    first = csrf_token(browser_client, "/status")
    assert first == csrf_token(browser_client, "/linkage/review")  # one per session
    assert first != browser_client.cookies.get("evac_csrf")  # not the pre-login cookie
    assert browser_client.cookies.get("evac_session") not in first


def test_a_browser_gets_a_page_in_its_language_saying_to_reload(app):
    with TestClient(app) as client:
        refused = client.post(
            "/register?lang=fa-AF",
            data={"action": "add"},
            headers={"Accept": "text/html", "Accept-Language": "fa-AF"},
        )
        assert refused.status_code == 403 and 'dir="rtl"' in refused.text
        assert "فورم منقضی شد" in refused.text  # "form expired"
        token = client.cookies.get("evac_csrf")  # the page set one: a reload will work
        again = client.post("/register", data={"action": "add", "csrf": token})
        assert again.status_code == 200
