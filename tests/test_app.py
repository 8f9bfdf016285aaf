import re

import pytest
from fastapi.testclient import TestClient

from evac import __version__
from evac.app import create_app
from evac.auth.permissions import Role, cli_actor
from evac.people.service import PersonNames, create_person
from evac.vault.service import shred_operation
from tests.conftest import csrf_token


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def test_health_reaches_the_database(client, database_url):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"] == database_url.split(":")[0].split("+")[0]


def test_version_and_openapi(client):
    assert client.get("/version").json() == {"name": "evac", "version": __version__}
    spec = client.get("/openapi.json").json()
    assert "/api/v1/persons/counts" in spec["paths"]


def test_docs_page_loads_only_evacs_own_files(client):
    """/docs works in an office cut off from the Internet: no CDN, no online validator."""
    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)["']""", page.text)
    assert "/static/swagger/swagger-ui-bundle.js" in urls and "/openapi.json" in urls
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "http://" not in page.text and "https://" not in page.text
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "cdn" not in page.headers["content-security-policy"]
    assert client.get("/redoc").status_code == 404  # ReDoc would need a CDN


def test_every_api_operation_is_named_and_takes_a_bearer_token(client):
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    operations = [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    ids = [operation["operationId"] for _, _, operation in operations]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z][A-Za-z]+", i) for i in ids)
    for path, method, operation in operations:
        assert operation["summary"] and operation["tags"], (method, path)
        if path in ("/health", "/version"):
            assert "security" not in operation
        else:
            assert path.startswith("/api/v1/"), path
            assert operation["security"] == [{"bearer": []}], (method, path)
    tags = {tag["name"] for tag in spec["tags"]}
    assert tags == {tag for *_, operation in operations for tag in operation["tags"]}


def test_counts_api_lists_every_state(client, session, cipher, auth_headers):
    create_person(session, cipher=cipher, names=PersonNames("Gul Ahmad"))
    session.commit()
    response = client.get("/api/v1/persons/counts", headers=auth_headers(Role.planner))
    counts = {row["state"]: row["persons"] for row in response.json()}
    assert counts["registered"] == 1 and counts["boarded"] == 0 and len(counts) == 16


@pytest.mark.parametrize(
    ("lang", "direction", "heading"),
    [
        ("en", "ltr", "Persons by lifecycle state"),
        ("fa-AF", "rtl", "افراد بر اساس وضعیت"),
        ("ps", "rtl", "کسان د حالت له مخې"),
    ],
)
def test_status_page_in_each_language(client, auth_headers, lang, direction, heading):
    page = client.get(f"/status?lang={lang}", headers=auth_headers(Role.officer))
    assert page.status_code == 200
    assert f'lang="{lang}" dir="{direction}"' in page.text
    assert heading in page.text
    assert page.cookies.get("evac_lang") == lang


def test_language_from_accept_language_header(client, auth_headers):
    headers = {"Accept-Language": "ps-AF,ps;q=0.9,en;q=0.5", **auth_headers(Role.auditor)}
    page = client.get("/status", headers=headers)
    assert 'dir="rtl"' in page.text and "کسان" in page.text


@pytest.fixture
def shredded(session, operation):
    shred_operation(session, actor=cli_actor(), operation_id=operation.id, reason="test")
    session.commit()
    return operation


def test_a_shredded_operation_is_gone_not_a_server_error(settings, shredded, auth_headers):
    officer = auth_headers(Role.administrator)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        api = client.get("/api/v1/linkage/reviews", headers=officer)
        assert api.status_code == 410 and "destroyed" in api.json()["detail"]
        submitted = client.post(
            "/api/v1/intake/submissions", json={"rows": [{"given_name": "Gul"}]}, headers=officer
        )
        assert submitted.status_code == 410
        page = client.get("/linkage/review?lang=fa-AF", headers={**officer, "Accept": "text/html"})
        assert page.status_code == 410 and 'dir="rtl"' in page.text
        assert "عملیات بسته شد" in page.text  # "operation closed", in Dari
        form = {"p_full_name": "Gul Ahmad", "members": "0", "csrf": csrf_token(client, "/register")}
        registered = client.post("/register?lang=ps", data=form, headers={"Accept": "text/html"})
        assert registered.status_code == 410 and "عملیات بند شو" in registered.text


@pytest.mark.browser
def test_docs_page_shows_every_operation_with_no_internet(browser, live_server):
    page = browser.new_page()
    outside = []
    page.route(
        lambda url: not url.startswith(live_server),
        lambda route: (outside.append(route.request.url), route.abort()),
    )
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator("#operations-intake-submitRegistrations").count() == 1
    assert page.locator(".btn.authorize").count() == 1  # the bearer scheme: "Authorize"
    assert outside == []
    page.close()


def test_a_nul_byte_is_refused_not_a_server_error(settings, operation, session, auth_headers):
    """PostgreSQL refuses NUL in text: each field that reaches a query refuses it first."""
    officer = auth_headers(Role.officer)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        login = {"username": "gul\x00", "password": "x", "csrf": csrf_token(client)}
        assert client.post("/login", data=login).status_code == 422
        asked = {"reference": "EV-\x00", "phone": "0799\x00", "csrf": csrf_token(client)}
        assert client.post("/register/status", data=asked).status_code == 200  # the neutral one
        body = {"rows": [{"given_name": "Gul"}], "source": "ngo\x00"}
        sent = client.post("/api/v1/intake/submissions", json=body, headers=officer)
        assert sent.status_code == 422
        for url in ("/linkage/review?source=ngo%00", "/api/v1/intake/submissions/EV-%00"):
            assert client.get(url, headers=officer).status_code == 422, url
