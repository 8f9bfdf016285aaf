"""GET /api/v1/search over HTTP on SQLite and PostgreSQL, on persons a linkage run made (the
run indexes what it places), and `evac search reindex` for a database indexed before."""

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from evac.app import create_app
from evac.auth.permissions import Role, cli_actor
from evac.cli import app as cli
from evac.linkage.models import SearchKey
from evac.linkage.service import run_linkage
from evac.people.models import Registration
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration
from tests.intake.test_cli import environment

GIVEN = ["Zaman", "Nabi", "Karim", "Rahim", "Hamid", "Wahid", "Nasir", "Qasim", "Jawad", "Farid"]
PURPOSE = {"purpose": "answer an inquiry"}


def register(session, cipher, source: str, **fields) -> int:
    registration, _ = add_registration(session, cipher=cipher, source=source, raw=fields,
                                       record=RegistrationRecord(**fields))  # fmt: skip
    return registration.id


@pytest.fixture
def linked(session, cipher) -> dict[str, int]:
    """A crowd and one interpreter listed twice (Latin and native script), linked by a run."""
    rng = random.Random(4)
    for i in range(40):
        phone = f"+9370{rng.randint(10**6, 10**7)}"
        register(session, cipher, "crowd", source_record_id=str(i), sex="M", phone=phone,
                 given_name=rng.choice(GIVEN), father_name=rng.choice(GIVEN),
                 birth_year=rng.randint(1950, 2000))  # fmt: skip
    interpreter = register(session, cipher, "siv-list", given_name="Muhammad Ishaq",
                           father_name="Abdul Wali", birth_year=1985, sex="M",
                           phone="+93799123456", siv_case_number="SQ-2021-887766")  # fmt: skip
    session.commit()
    run_linkage(session, cipher=cipher, actor=cli_actor())
    session.commit()
    person = session.get(Registration, interpreter).person_id
    session.commit()
    return {"interpreter": person}


@pytest.fixture
def client(settings, linked):
    return TestClient(create_app(settings))


def test_an_officer_finds_the_interpreter_by_a_variant_spelling(client, linked, auth_headers):
    answer = client.get("/api/v1/search", params={"q": "Mohd Ishaq", **PURPOSE},
                        headers=auth_headers(Role.officer))  # fmt: skip
    assert answer.status_code == 200, answer.text
    first = answer.json()[0]
    assert first["person_id"] == linked["interpreter"]
    assert first["url"] == f"/linkage/persons/{linked['interpreter']}"
    assert {"kind": "siv_case", "number": "SQ-2021-887766"} in first["documents"]
    by_phone = client.get("/api/v1/search", params={"q": "0799123456", **PURPOSE},
                          headers=auth_headers(Role.officer)).json()  # fmt: skip
    assert [hit["person_id"] for hit in by_phone] == [linked["interpreter"]]


def test_roles_see_what_they_may(client, linked, auth_headers):
    planner = auth_headers(Role.planner)
    names = client.get("/api/v1/search", params={"q": "Ishaq", **PURPOSE}, headers=planner)
    assert names.json()[0]["documents"] == [] and names.json()[0]["contacts"] == []
    by_number = client.get("/api/v1/search", params={"q": "0799123456", **PURPOSE}, headers=planner)
    assert by_number.status_code == 422
    gate = client.get("/api/v1/search", params={"q": "Ishaq", **PURPOSE},
                      headers=auth_headers(Role.gate_agent))  # fmt: skip
    assert gate.status_code == 403
    partner = client.get("/api/v1/search", params={"q": "Ishaq", **PURPOSE},
                         headers=auth_headers(Role.partner, "another-ngo"))  # fmt: skip
    assert partner.json() == []
    own = client.get("/api/v1/search", params={"q": "Ishaq", **PURPOSE},
                     headers=auth_headers(Role.partner, "siv-list"))  # fmt: skip
    assert [hit["person_id"] for hit in own.json()] == [linked["interpreter"]]


def test_a_search_without_a_purpose_is_refused(client, auth_headers):
    officer = auth_headers(Role.officer)
    assert client.get("/api/v1/search", params={"q": "Ishaq"}, headers=officer).status_code == 422
    blank = client.get("/api/v1/search", params={"q": "Ishaq", "purpose": "\x07 "}, headers=officer)
    assert blank.status_code == 422  # control characters are no purpose
    odd = client.get("/api/v1/search", params={"q": "Ishaq", "purpose": "a\x07b"}, headers=officer)
    assert odd.status_code == 200


def test_the_operation_is_named_in_openapi(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/search"]["get"]
    assert operation["operationId"] == "searchPersons"


def test_reindex_rebuilds_an_index_made_before(settings, session, linked):
    count = select(func.count()).select_from(SearchKey)
    before = session.scalar(count)
    session.execute(delete(SearchKey))
    session.commit()
    result = CliRunner().invoke(cli, ["search", "reindex"], env=environment(settings))
    assert result.exit_code == 0, result.output
    assert session.scalar(count) == before > 40
