"""A rehearsal beside the real operation: every page says which one it shows, and staff choose."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.permissions import Role
from evac.operation.models import Hub
from evac.operation.service import create_operation


@pytest.fixture
def rehearsal(session, provider, operation):
    """A second operation beside `operation`, each with a hub only it has."""
    second = create_operation(session, provider=provider, name="rehearsal", country="AF",
                              airport="OAKB", time_zone="Asia/Kabul",
                              deadline=datetime(2021, 8, 31, 19, 29, tzinfo=UTC))  # fmt: skip
    session.add(Hub(operation_id=operation.id, name="Al Udeid", country="QA"))
    session.add(Hub(operation_id=second.id, name="Ramstein", country="DE"))
    session.commit()
    return second


def test_with_two_operations_a_page_asks_which(settings, rehearsal, auth_headers):
    with TestClient(create_app(settings)) as client:
        page = client.get("/dashboard", headers=auth_headers(Role.planner))
    assert page.status_code == 409
    assert "several operations" in page.text and "?operation=" in page.text


def test_the_choice_is_shown_and_remembered(settings, rehearsal, auth_headers):
    headers = auth_headers(Role.planner)
    with TestClient(create_app(settings)) as client:
        chosen = client.get("/dashboard?operation=rehearsal", headers=headers)
        again = client.get("/dashboard", headers=headers)  # the cookie remembers
        other = client.get("/dashboard?operation=test-op", headers=headers)
        unknown = client.get("/dashboard?operation=nowhere", headers=headers)
    assert chosen.status_code == again.status_code == other.status_code == 200
    assert "Ramstein" in chosen.text and "Al Udeid" not in chosen.text
    assert "Ramstein" in again.text
    assert "Al Udeid" in other.text and "Ramstein" not in other.text
    assert '<option value="rehearsal" selected>' in chosen.text
    assert '<option value="test-op" >' in chosen.text
    assert unknown.status_code == 404


def test_with_one_operation_nothing_is_asked(settings, operation, auth_headers):
    with TestClient(create_app(settings)) as client:
        page = client.get("/dashboard", headers=auth_headers(Role.planner))
    assert page.status_code == 200 and 'name="operation"' not in page.text
