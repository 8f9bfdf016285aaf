"""Headers, cookies and rate limits of the web front door."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from evac.app import create_app, server_config
from evac.auth.permissions import Role
from evac.auth.ratelimit import RateLimited, RateLimiter
from evac.config import Settings
from evac.throwaway_postgres import free_port
from tests.auth.test_service import csrf_of
from tests.conftest import csrf_token

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def test_every_response_carries_security_headers(client, auth_headers):
    for response in (
        client.get("/login"),
        client.get("/api/v1/persons/counts", headers=auth_headers(Role.planner)),
        client.get("/api/v1/persons/counts"),  # a refusal too
        client.get("/static/evac.css"),
        client.get("/no-such-page"),
    ):
        headers = response.headers
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split(";")[1]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"  # another site gets no address
        assert "strict-transport-security" not in headers  # plain http: HSTS would be ignored
    assert client.get("/api/v1/persons/counts").headers["cache-control"] == "no-store"


def test_https_gets_hsts_and_secure_cookies(settings, make_user):
    user = make_user(Role.officer)
    with TestClient(create_app(settings), base_url="https://evac.example") as client:
        page = client.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "secure" in page.headers["set-cookie"].lower()
        login = client.post(
            "/login",
            data={"username": user.username, "password": PASSWORD, "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        cookie = login.headers["set-cookie"].lower()
        assert login.status_code == 303
        assert "evac_session=" in cookie
        assert all(flag in cookie for flag in ("httponly", "samesite=strict", "secure"))


def test_login_page_has_no_inline_script(client):
    assert "<script" not in client.get("/login").text


def test_one_user_name_is_locked_after_five_failures(client, make_user):
    user = make_user(Role.officer)
    page = client.get("/login")
    for _ in range(5):
        page = client.post(
            "/login",
            data={"username": user.username, "password": "wrong", "csrf": csrf_of(page.text)},
        )
        assert page.status_code == 401
    right = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
    assert "try again in" in right.json()["detail"]


def test_one_address_gets_ten_login_attempts_a_minute(client):
    page, codes = client.get("/login"), []
    for n in range(11):
        data = {"username": f"u{n}", "password": "x", "csrf": csrf_of(page.text)}
        response = client.post("/login", data=data)
        codes.append(response.status_code)
        page = response if response.status_code == 401 else page
    assert codes == [401] * 10 + [429]


def test_public_registration_form_is_rate_limited(client):
    form = {"action": "add", "csrf": csrf_token(client, "/register")}
    codes = [client.post("/register", data=form).status_code for _ in range(61)]
    assert codes == [200] * 60 + [429]


def test_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(limit=2, window=10, clock=lambda: now[0])
    limiter.hit("a")
    limiter.hit("a")
    limiter.hit("b")  # keys are counted apart
    with pytest.raises(RateLimited) as refused:
        limiter.hit("a")
    assert refused.value.retry_after == 10
    now[0] = 10.5
    limiter.hit("a")  # the first two have left the window
    limiter.reset("a")
    limiter.hit("a")
    limiter.check("a")


def test_a_refusal_inside_a_service_is_a_403(operation, client, auth_headers):
    refused = client.get("/api/v1/intake/submissions", headers=auth_headers(Role.gate_agent))
    assert refused.status_code == 403 and "gate_agent" in refused.json()["detail"]


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn as `evac serve` configures it."""
    port = free_port()
    server = uvicorn.Server(server_config(settings, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def login_attempts(base: str, forwarded_for: list[str]) -> list[int]:
    """Wrong-password logins, one per X-Forwarded-For address given."""
    with httpx.Client(base_url=base) as client:
        token = csrf_token(client)
        return [
            client.post(
                "/login",
                data={"username": f"u{n}", "password": "x", "csrf": token},
                headers={"X-Forwarded-For": address},
            ).status_code
            for n, address in enumerate(forwarded_for)
        ]


ROTATING = [f"203.0.113.{n}" for n in range(11)]


def test_rotating_x_forwarded_for_does_not_dodge_the_login_limit(settings):
    assert settings.forwarded_allow_ips == ""  # no proxy is believed by default
    with served(settings) as base:
        assert login_attempts(base, ROTATING) == [401] * 10 + [429]


def test_a_named_proxy_is_believed(settings):
    """Behind a real proxy each client is counted on its own, as the proxy reports it."""
    trusting = settings.model_copy(update={"forwarded_allow_ips": "127.0.0.1"})
    with served(trusting) as base:
        assert login_attempts(base, ROTATING) == [401] * 11
        assert login_attempts(base, ["198.51.100.7"] * 11) == [401] * 10 + [429]
