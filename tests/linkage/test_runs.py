"""Linkage started from the imports page: the run makes persons of new registrations, one run
at a time, only for those allowed to review, and the page shows what came in and how the run
went."""

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import evac.linkage.runs as runs_module
from evac.app import create_app
from evac.auth.permissions import Actor, Forbidden, Role
from evac.intake.service import submit_rows
from evac.linkage.runs import LinkageRuns, RunGoing, start_run, waiting_registrations
from evac.people.models import Registration
from tests.conftest import TEST_PASSWORD, csrf_token

ROWS = [
    {"Name": "Mohammad Zaman", "Father": "Ghulam Nabi", "Born": "1986", "Phone": "0700111222"},
    {"Name": "Mohd Zaman", "Father": "Gholam Nabi", "Born": "1986", "Phone": "0700111222"},
    {"Name": "Farida", "Father": "Sakhi", "Born": "1990", "Phone": "0799555111"},
    {"Name": "Nasir Ahmad", "Father": "Wahid", "Born": "1975", "Phone": "0788123456"},
]
RUN_SECONDS = 120  # a generous wait for a small run on a busy machine; not a measure of speed


@pytest.fixture
def imported(session, cipher):
    submit_rows(session, cipher=cipher, actor=Actor("officer", Role.officer), source="kwn",
                rows=ROWS, mapping={"Name": "full_name", "Father": "father_name",
                                    "Born": "birth_date", "Phone": "phone"})  # fmt: skip
    session.commit()


def registrations(session) -> int:
    count = session.scalar(select(func.count()).select_from(Registration))
    session.commit()  # no transaction left open: on SQLite it would hold the write lock
    return count


def signed_in(client: TestClient, username: str) -> TestClient:
    token = csrf_token(client)
    client.post("/login", data={"username": username, "password": TEST_PASSWORD, "csrf": token})
    return client


def test_a_run_makes_persons_of_the_waiting_registrations(
    session, session_factory, provider, cipher, imported
):
    assert waiting_registrations(session, operation_id=cipher.operation_id) == len(ROWS)
    session.commit()
    run = start_run(runs=LinkageRuns(), factory=session_factory, provider=provider,
                    operation_id=cipher.operation_id, actor=Actor("o", Role.officer))  # fmt: skip
    assert run.ended.wait(RUN_SECONDS)
    assert run.failed is None and run.summary.registrations == len(ROWS)
    assert run.summary.persons_created + run.summary.merges >= 3
    assert waiting_registrations(session, operation_id=cipher.operation_id) == 0


def test_a_second_run_is_refused_while_one_goes(
    session_factory, provider, cipher, imported, monkeypatch
):
    release = threading.Event()
    monkeypatch.setattr(runs_module, "run_linkage", lambda *_, **__: release.wait(RUN_SECONDS))
    runs, officer = LinkageRuns(), Actor("o", Role.officer)
    first = start_run(runs=runs, factory=session_factory, provider=provider,
                      operation_id=cipher.operation_id, actor=officer)  # fmt: skip
    with pytest.raises(RunGoing, match=r"started by o at .* is still going"):
        start_run(runs=runs, factory=session_factory, provider=provider,
                  operation_id=cipher.operation_id, actor=officer)  # fmt: skip
    release.set()
    assert first.ended.wait(RUN_SECONDS)
    second = start_run(runs=runs, factory=session_factory, provider=provider,
                       operation_id=cipher.operation_id, actor=officer)  # fmt: skip
    assert second is not first and second.ended.wait(RUN_SECONDS)


def test_a_failed_run_says_so_and_keeps_nothing(
    session, session_factory, provider, cipher, imported, monkeypatch
):
    def half_done(session, **_):
        session.execute(Registration.__table__.delete())  # a write the failure must undo
        raise ValueError("Mohammad Zaman")  # a message that may quote personal data

    monkeypatch.setattr(runs_module, "run_linkage", half_done)
    run = start_run(runs=LinkageRuns(), factory=session_factory, provider=provider,
                    operation_id=cipher.operation_id, actor=Actor("o", Role.officer))  # fmt: skip
    assert run.ended.wait(RUN_SECONDS)
    assert run.failed == "ValueError" and run.summary is None
    assert registrations(session) == len(ROWS)


@pytest.mark.parametrize("role", [Role.partner, Role.planner])
def test_only_reviewers_start_a_run(session_factory, provider, cipher, role):
    with pytest.raises(Forbidden):
        start_run(runs=LinkageRuns(), factory=session_factory, provider=provider,
                  operation_id=cipher.operation_id, actor=Actor("x", role))  # fmt: skip


def test_the_imports_page_lists_batches_and_starts_a_run(
    settings, session, cipher, imported, make_user
):
    officer = make_user(Role.officer)
    with TestClient(create_app(settings)) as client:
        signed_in(client, officer.username)
        page = client.get("/imports").text
        assert "kwn" in page and 'id="waiting"' in page and ">4<" in page
        assert 'id="start-linkage"' in page
        started = client.post("/linkage/runs", data={"csrf": csrf_token(client, "/imports")},
                              follow_redirects=False)  # fmt: skip
        assert started.status_code == 303 and started.headers["location"] == "/imports"
        run = client.app.state.linkage_runs.latest(cipher.operation_id)
        assert run.ended.wait(RUN_SECONDS) and run.failed is None
        done = client.get("/imports").text
        assert "is done" in done and ">0<" in done  # nobody waits for a person any more
        assert 'http-equiv="refresh"' not in done


def test_a_partner_sees_its_own_batches_and_no_run_button(
    settings, session, cipher, imported, make_user
):
    partner = make_user(Role.partner, partner_source="other-ngo")
    with TestClient(create_app(settings)) as client:
        signed_in(client, partner.username)
        page = client.get("/imports").text
        assert "kwn" not in page and 'id="start-linkage"' not in page
        refused = client.post("/linkage/runs", data={"csrf": csrf_token(client, "/imports")})
        assert refused.status_code == 403
