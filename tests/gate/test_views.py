"""The gate's HTTP contract: POST /api/v1/gate/checkins and the supervisor's conflicts."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from evac.app import create_app
from evac.auth.permissions import Role
from evac.gate.models import CheckIn, Evacuee
from evac.passes.verify import Flag

from .conftest import GATE, NOW, OTHER_GATE

PARTY, SINGLE = "P-7KQ2M", "P-3XHTW"
ZONE = (  # a synthetic passport's machine-readable zone (TD3), for party P-3XHTW's passport
    "P<AFGSAFI<<GULALAI<<<<<<<<<<<<<<<<<<<<<<<<<<\nP161803394AFG9001011F3001019<<<<<<<<<<<<<<08"
)


@pytest.fixture
def client(settings, world):
    with TestClient(create_app(settings)) as client:
        yield client


def sent(key: str, **fields) -> dict:
    return {"idempotency_key": key, "gate": GATE, "station": "lane 1", "at": NOW.isoformat()} | (
        fields
    )


def test_a_check_in_sent_twice_over_http_is_one(client, auth_headers, world, session):
    agent = auth_headers(Role.gate_agent)
    body = sent(str(uuid.uuid4()), **{"pass": world.passes[PARTY]})
    first = client.post("/api/v1/gate/checkins", json=body, headers=agent)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["status"] == "accepted" and answer["party_reference"] == PARTY
    assert [m["evacuee_number"] for m in answer["members"]] == [1, 2, 3]
    again = client.post("/api/v1/gate/checkins", json=body, headers=agent)
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert again.json()["members"] == answer["members"]
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert session.scalar(select(func.count()).select_from(Evacuee)) == 3


def test_same_key_other_content_is_409_and_on_the_supervisors_list(client, auth_headers, world):
    agent, officer = auth_headers(Role.gate_agent), auth_headers(Role.officer)
    body = sent("tab-1", **{"pass": world.passes[PARTY]})
    assert client.post("/api/v1/gate/checkins", json=body, headers=agent).status_code == 201
    other = client.post("/api/v1/gate/checkins", json=body | {"station": "lane 2"}, headers=agent)
    assert other.status_code == 409 and other.json()["status"] == "conflict"
    two_gates = client.post(
        "/api/v1/gate/checkins",
        json=sent("abbey-1", gate=OTHER_GATE, **{"pass": world.passes[PARTY]}),
        headers=agent,
    )
    assert two_gates.status_code == 409
    listed = client.get("/api/v1/gate/conflicts", headers=officer)
    assert [c["kind"] for c in listed.json()] == ["other_content", "party_again"]
    assert client.get("/api/v1/gate/conflicts", headers=agent).status_code == 403
    conflict_id = two_gates.json()["conflict_id"]
    url = f"/api/v1/gate/conflicts/{conflict_id}/resolve"
    decision = {"decision": "keep_first", "reason": "a copy of a forwarded pass"}
    assert client.post(url, json=decision, headers=agent).status_code == 403
    settled = client.post(url, json=decision, headers=officer)
    assert settled.status_code == 200 and settled.json()["decided_by"].startswith("officer")
    assert client.post(url, json=decision, headers=officer).status_code == 409
    assert (
        client.post(
            "/api/v1/gate/conflicts/99999/resolve", json=decision, headers=officer
        ).status_code
        == 404
    )
    assert len(client.get("/api/v1/gate/conflicts", headers=officer).json()) == 1


def test_a_refused_pass_is_422_with_the_reason(client, auth_headers, world):
    agent = auth_headers(Role.gate_agent)
    wrong = client.post(
        "/api/v1/gate/checkins",
        json=sent("w-1", gate=OTHER_GATE, **{"pass": world.passes[SINGLE]}),
        headers=agent,
    )
    assert wrong.status_code == 422
    assert wrong.json()["reasons"] == [Flag.wrong_gate.value]
    nothing = client.post("/api/v1/gate/checkins", json=sent("w-2"), headers=agent)
    assert nothing.status_code == 422 and "pass" in nothing.json()["detail"]
    naive = sent("w-3", at="2030-08-20T10:00:00", **{"pass": world.passes[SINGLE]})
    assert client.post("/api/v1/gate/checkins", json=naive, headers=agent).status_code == 422


def test_a_passport_zone_finds_the_person_without_a_pass(client, auth_headers, world):
    result = client.post(
        "/api/v1/gate/checkins",
        json=sent("mrz-1", mrz=ZONE),
        headers=auth_headers(Role.gate_agent),
    )
    assert result.status_code == 201, result.text
    assert result.json()["party_reference"] == SINGLE


def test_only_gate_agents_check_in_and_the_counts_follow(client, auth_headers, world):
    body = sent("p-1", **{"pass": world.passes[SINGLE]})
    assert (
        client.post(
            "/api/v1/gate/checkins", json=body, headers=auth_headers(Role.planner)
        ).status_code
        == 403
    )
    assert client.get("/api/v1/gate/status").status_code == 401
    agent = auth_headers(Role.gate_agent)
    number = client.post("/api/v1/gate/checkins", json=body, headers=agent).json()["members"][0]
    step = {
        "idempotency_key": "st-1", "evacuee_number": number["evacuee_number"],
        "step": "reception", "outcome": "passed", "station": "ECC reception",
    }  # fmt: skip
    assert client.post("/api/v1/gate/steps", json=step, headers=agent).status_code == 201
    again = client.post("/api/v1/gate/steps", json=step | {"step": "medical"}, headers=agent)
    assert again.status_code == 409
    counts = client.get("/api/v1/gate/status", headers=auth_headers(Role.officer)).json()
    assert counts == {"at_gates": {}, "in_ecc": 1, "airside": 0, "no_shows": []}


def test_a_nul_in_any_text_is_refused_not_stored(client, auth_headers, world, session):
    """PostgreSQL refuses NUL in text: a scanner's stray byte must be a 422, never a 500."""
    agent = auth_headers(Role.gate_agent)
    for body in (
        sent("key\x00"),
        sent("k-1", station="lane\x001"),
        sent("k-2", documents=["P\x00"]),
    ):
        answer = client.post("/api/v1/gate/checkins", json=body, headers=agent)
        assert answer.status_code == 422, answer.text
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_a_check_in_is_stored_before_its_answer_leaves(settings, auth_headers, world):
    """A server killed while answering must not have said "checked in" about a check-in it
    never stored: the request's session commits before the first byte of the answer."""
    stored_when_answering = []
    engine = create_engine(settings.database_url)

    def count() -> int:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(CheckIn))

    app = create_app(settings)

    async def watched(scope, receive, send):
        async def answer(message):
            if message["type"] == "http.response.start":
                stored_when_answering.append(count())
            await send(message)

        await app(scope, receive, answer)

    with TestClient(watched) as client:
        body = sent(str(uuid.uuid4()), **{"pass": world.passes[PARTY]})
        taken = client.post(
            "/api/v1/gate/checkins", json=body, headers=auth_headers(Role.gate_agent)
        )
    engine.dispose()
    assert taken.status_code == 201, taken.text
    assert stored_when_answering == [1]
