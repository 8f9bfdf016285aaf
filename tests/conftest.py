"""Shared fixtures: databases on SQLite and PostgreSQL, keys, an operation, a live server."""

import os
import secrets
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from evac.auth.permissions import Role
from evac.auth.service import create_user, issue_api_token
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker, migrate
from evac.operation.service import create_operation
from evac.throwaway_postgres import free_port, throwaway_postgres
from evac.vault.keys import LocalKeyProvider
from evac.vault.service import OperationCipher, cipher_for

BACKENDS = ["sqlite", "postgresql"]
_postgres_results: list[str] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL: EVAC_TEST_DATABASE_URL, else a throwaway cluster."""
    given = os.environ.get("EVAC_TEST_DATABASE_URL")
    if given:
        yield make_url(given).set(database=None).render_as_string(hide_password=False)
        return
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def template_databases(postgres_server, tmp_path_factory) -> dict[str, str]:
    """A migrated database of each kind, copied for every test (faster than migrating each time)."""
    sqlite_file = tmp_path_factory.mktemp("sqlite") / "template.db"
    migrate(f"sqlite:///{sqlite_file}")
    name = f"evac_template_{secrets.token_hex(4)}"
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    migrate(f"{postgres_server}/{name}")
    admin.dispose()
    return {"sqlite": str(sqlite_file), "postgresql": name}


@pytest.fixture(params=BACKENDS)
def database_url(request, postgres_server, template_databases, tmp_path) -> Iterator[str]:
    """A fresh, migrated database for one test, on SQLite and then on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "evac.db"
        shutil.copy(template_databases["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    name = f"evac_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text(f'CREATE DATABASE "{name}" TEMPLATE "{template_databases["postgresql"]}"')
        )
    yield f"{postgres_server}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine):
    return make_sessionmaker(engine)


@pytest.fixture
def session(session_factory) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def master_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def provider(master_key) -> LocalKeyProvider:
    return LocalKeyProvider(master_key)


@pytest.fixture
def operation(session, provider):
    operation = create_operation(
        session,
        provider=provider,
        name="test-op",
        country="AF",
        airport="OAKB",
        time_zone="Asia/Kabul",
        deadline=datetime(2021, 8, 31, 19, 29, tzinfo=UTC),
    )
    session.commit()
    return operation


@pytest.fixture
def cipher(session, provider, operation) -> OperationCipher:
    return cipher_for(session, provider=provider, operation_id=operation.id)


@pytest.fixture
def settings(database_url, master_key, tmp_path) -> Settings:
    import base64

    return Settings(
        database_url=database_url,
        master_key=base64.urlsafe_b64encode(master_key).decode(),
        master_key_file=tmp_path / "unused.key",
    )


@pytest.fixture
def live_server(settings) -> Iterator[str]:
    """The evac app served by uvicorn on a free loopback port, for browser and HTTP tests."""
    from evac.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


TEST_PASSWORD = "correct horse battery staple"


def csrf_token(client, page: str = "/login") -> str:
    """The CSRF token of a form, fetched as a browser does: GET the page that holds the form
    (the client keeps the cookie it sets) and read its hidden `csrf` field. Post it back as
    `data={..., "csrf": token}`; requests with an API token (Bearer) need none."""
    html = client.get(page).text
    return html.split('name="csrf" value="')[1].split('"')[0]


@pytest.fixture
def make_user(session):
    """A factory of users with a role, in the test database (partners get a source)."""

    def make(role: Role, partner_source: str | None = None):
        if role == Role.partner and partner_source is None:
            partner_source = "partner-test"
        user = create_user(
            session,
            username=f"{role.value}-{secrets.token_hex(4)}",
            password=TEST_PASSWORD,
            role=role,
            partner_source=partner_source,
        )
        session.commit()
        return user

    return make


@pytest.fixture
def auth_headers(session, make_user):
    """A factory: auth_headers(role, partner_source=None) -> a bearer-token header."""

    def make(role: Role, partner_source: str | None = None) -> dict[str, str]:
        token = issue_api_token(session, user=make_user(role, partner_source), name="test")
        session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def logged_in_page(browser, live_server, make_user):
    """A factory: a browser page logged in through the login form as a user of `role`."""
    pages = []

    def make(role: Role = Role.officer, partner_source: str | None = None):
        user = make_user(role, partner_source)
        page = browser.new_context().new_page()
        page.goto(f"{live_server}/login")
        page.fill("#username", user.username)
        page.fill("#password", TEST_PASSWORD)
        page.click("button[type=submit]")
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.context.close()


@pytest.fixture
def screenshots(tmp_path_factory) -> Path:
    """Where a browser test saves its pictures: a temporary folder, so a test run leaves the
    checkout as it was; docs/screenshots with EVAC_SCREENSHOTS=docs (`make screenshots`
    refreshes the pictures the docs show)."""
    if os.environ.get("EVAC_SCREENSHOTS") == "docs":
        return Path(__file__).parents[1] / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def pytest_runtest_logreport(report) -> None:
    if report.when == "call" and "[postgresql" in report.nodeid:
        _postgres_results.append(report.outcome)


def pytest_terminal_summary(terminalreporter) -> None:
    ran = len(_postgres_results)
    passed = _postgres_results.count("passed")
    where = (
        "EVAC_TEST_DATABASE_URL"
        if os.environ.get("EVAC_TEST_DATABASE_URL")
        else "a throwaway cluster from the installed binaries"
    )
    terminalreporter.write_line(
        f"PostgreSQL: {ran} tests ran against PostgreSQL, {passed} passed ({where})"
    )
