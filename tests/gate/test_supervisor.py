"""The supervisor: a role that checks in and settles the gates' conflicts, on a page that
gate agents cannot reach."""

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.permissions import ROLE_PERMISSIONS, Actor, Forbidden, Permission, Role
from evac.gate.models import Decision
from evac.gate.service import Status, check_in, list_conflicts, resolve_conflict

from .conftest import AGENT, OTHER_GATE, arrival

PARTY = "P-7KQ2M"
SUPERVISOR = Actor(username="supervisor-north", role=Role.supervisor)


@pytest.fixture
def conflict_id(session, provider, operation, world) -> int:
    """One party checked in at North Gate, then its pass shown again at Abbey Gate."""
    first = arrival("north-1", world.passes[PARTY])
    second = arrival("abbey-1", world.passes[PARTY], gate=OTHER_GATE)
    for sent in (first, second):
        result = check_in(
            session, actor=AGENT, provider=provider, operation=operation, arrival=sent
        )
    session.commit()
    assert result.status == Status.conflict
    return result.conflict_id


def test_a_supervisor_checks_in_and_supervises_but_reads_no_register():
    held = ROLE_PERMISSIONS[Role.supervisor]
    assert held == {Permission.gate_checkin, Permission.gate_supervise}
    assert Permission.gate_supervise not in ROLE_PERMISSIONS[Role.gate_agent]
    assert Permission.gate_supervise in ROLE_PERMISSIONS[Role.officer]


def test_a_supervisor_settles_a_conflict_a_gate_agent_cannot(session, operation, conflict_id):
    with pytest.raises(Forbidden):
        list_conflicts(session, actor=AGENT, operation=operation)
    with pytest.raises(Forbidden):
        resolve_conflict(
            session, actor=AGENT, operation=operation, conflict_id=conflict_id,
            decision=Decision.keep_first, reason="mine",
        )  # fmt: skip
    (listed,) = list_conflicts(session, actor=SUPERVISOR, operation=operation)
    assert (listed.id, listed.second_gate) == (conflict_id, OTHER_GATE)
    settled = resolve_conflict(
        session, actor=SUPERVISOR, operation=operation, conflict_id=conflict_id,
        decision=Decision.keep_first, reason="a forwarded copy of the pass",
    )  # fmt: skip
    assert settled.decided_by == SUPERVISOR.username
    assert list_conflicts(session, actor=SUPERVISOR, operation=operation) == []


def test_the_conflicts_page_is_the_supervisors_not_the_gate_agents(
    settings, auth_headers, conflict_id
):
    page = {"Accept": "text/html"}
    with TestClient(create_app(settings)) as client:
        agent = auth_headers(Role.gate_agent) | page
        supervisor = auth_headers(Role.supervisor) | page
        assert client.get("/gate/conflicts", headers=agent).status_code == 403
        assert client.post(
            f"/gate/conflicts/{conflict_id}",
            data={"decision": "keep_first", "reason": "mine"},
            headers=agent,
        ).status_code == 403  # fmt: skip
        assert client.get("/gate", headers=agent).url.path == "/gate/station"
        assert client.get("/gate", headers=supervisor).url.path == "/gate/conflicts"

        shown = client.get("/gate/conflicts", headers=supervisor)
        assert shown.status_code == 200 and PARTY in shown.text and OTHER_GATE in shown.text
        settled = client.post(
            f"/gate/conflicts/{conflict_id}",
            data={"decision": "take_second", "reason": "the Marines moved the family"},
            headers=supervisor,
        )
        assert settled.status_code == 200 and settled.url.path == "/gate/conflicts"
        assert 'id="no-conflicts"' in settled.text  # the open list is empty
        everything = client.get("/gate/conflicts?settled=true", headers=supervisor).text
        assert "the Marines moved the family" in everything
        again = client.post(
            f"/gate/conflicts/{conflict_id}",
            data={"decision": "keep_first", "reason": "second thoughts"},
            headers=supervisor,
        )
        assert again.status_code == 409  # a settled conflict stays settled
        blank = client.post(
            f"/gate/conflicts/{conflict_id}", data={"decision": "keep_first"}, headers=supervisor
        )
        assert blank.status_code == 422  # no decision without a reason
