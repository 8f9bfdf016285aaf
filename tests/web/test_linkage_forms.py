"""The review and split forms answer a value no page sends with 422 and a message on the page,
and change nothing: not a server error, and not a guess."""

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.permissions import Role
from evac.linkage.models import ReviewItem
from tests.linkage.test_review_web import person_of, queued_pair


@pytest.fixture
def pair(session, cipher):
    return queued_pair(session, cipher)


@pytest.fixture
def officer(auth_headers):
    return {**auth_headers(Role.officer), "Accept": "text/html"}


@pytest.fixture
def client(settings, pair):
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def status_of(session, item_id: int) -> str:
    session.expire_all()
    status = session.get(ReviewItem, item_id).status
    session.commit()
    return status


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"verdict": "abc", "reason": "typed by hand"}, "Same person"),
        ({"reason": "no verdict"}, "Same person"),
        ({"verdict": "different", "reason": "x" * 501}, "longer than 500 characters"),
    ],
)
def test_review_form_refuses_what_no_page_sends(client, session, pair, officer, form, message):
    item, _, _ = pair
    answer = client.post(f"/linkage/review/{item.id}", data=form, headers=officer)
    assert answer.status_code == 422, answer.text[:300]
    assert message in answer.text and 'role="alert"' in answer.text
    assert status_of(session, item.id) == "open"  # nothing decided


def test_split_form_refuses_what_no_page_sends(client, session, pair, officer):
    item, a, b = pair
    merged = client.post(
        f"/linkage/review/{item.id}", data={"verdict": "same", "reason": "r"}, headers=officer
    )
    assert merged.status_code == 200  # followed the redirect to the next pair or the queue
    person = person_of(session, a)
    for form, message in (
        ({"registration": "abc", "reason": "typed by hand"}, "tick registrations"),
        ({"registration": "99999999999999999999999", "reason": "r"}, "not person"),
        ({"registration": str(b), "reason": "x" * 501}, "longer than 500 characters"),
        ({"reason": "nothing ticked"}, "person"),
    ):
        answer = client.post(f"/linkage/persons/{person}/split", data=form, headers=officer)
        assert answer.status_code == 422, (form, answer.text[:300])
        assert message in answer.text, form
        assert f'id="split-{b}"' in answer.text  # the person's page, to correct and resend
    assert person_of(session, b) == person_of(session, a) == person  # nothing split
