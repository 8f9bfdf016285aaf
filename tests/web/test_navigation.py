"""Each role lands after sign-in on a page it may see, and its header links only to pages
that open for it (no 403 behind any link); pages it may not use are not linked."""

import re

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.permissions import Role
from tests.conftest import TEST_PASSWORD, csrf_token

PAGE = {"Accept": "text/html"}
EVERY_SECTION = {
    "/search", "/linkage/review", "/intake/upload", "/imports", "/referrals", "/dashboard",
    "/eligibility", "/plan", "/notify", "/status", "/api/v1/audit/entries", "/gate",
}  # fmt: skip
STAFF = {
    "/search", "/linkage/review", "/intake/upload", "/imports", "/dashboard", "/eligibility",
    "/plan", "/notify", "/status", "/gate",
}  # fmt: skip
EXPECTED = {
    Role.administrator: ("/search", EVERY_SECTION),
    Role.officer: ("/search", STAFF),
    Role.partner: ("/search", {"/search", "/intake/upload", "/imports", "/referrals"}),
    Role.planner: ("/search", {"/search", "/dashboard", "/eligibility", "/plan", "/status"}),
    Role.auditor: (
        "/dashboard",
        {"/dashboard", "/eligibility", "/plan", "/status", "/api/v1/audit/entries"},
    ),
    Role.gate_agent: ("/gate", {"/gate"}),
    Role.supervisor: ("/gate", {"/gate"}),
}


def header_links(html: str) -> set[str]:
    nav = re.search(r'<nav class="sections".*?</nav>', html, re.S)
    return set(re.findall(r'href="([^"]+)"', nav.group(0))) if nav else set()


def signed_in(settings, make_user, role: Role) -> tuple[TestClient, str]:
    """A browser-like client signed in through the login form; where the login sent it."""
    client = TestClient(create_app(settings), headers=PAGE)
    user = make_user(role)
    answer = client.post(
        "/login",
        data={"username": user.username, "password": TEST_PASSWORD, "csrf": csrf_token(client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return client, answer.headers["location"]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_a_page_it_may_see_with_only_its_sections(
    role, settings, operation, make_user
):
    client, landing = signed_in(settings, make_user, role)
    expected_landing, expected_links = EXPECTED[role]
    assert landing == expected_landing
    page = client.get(landing)
    assert page.status_code == 200
    assert header_links(page.text) == expected_links
    for link in expected_links:
        assert client.get(link).status_code == 200, link
    for closed in EVERY_SECTION - expected_links:
        assert client.get(closed).status_code in (401, 403), closed


def test_a_page_asked_for_before_sign_in_is_where_the_login_leads(settings, operation, make_user):
    client = TestClient(create_app(settings), headers=PAGE)
    user = make_user(Role.officer)
    token = csrf_token(client, "/login?next=/status")
    answer = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD,
                                         "csrf": token, "next": "/status"},
                         follow_redirects=False)  # fmt: skip
    assert answer.headers["location"] == "/status"


def test_the_header_names_the_sections_in_dari(settings, operation, make_user):
    client, landing = signed_in(settings, make_user, Role.officer)
    html = client.get(f"{landing}?lang=fa-AF").text
    assert "جستجو" in html and "بررسی" in html and 'aria-current="page"' in html


def test_a_visitor_sees_no_sections(settings, operation):
    client = TestClient(create_app(settings), headers=PAGE)
    assert header_links(client.get("/login").text) == set()
    assert client.get("/search", follow_redirects=False).status_code == 303  # to the login
