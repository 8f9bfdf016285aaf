"""The status page: states named in words, numbers written as each language writes them."""

import pytest
from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.permissions import Role
from evac.i18n import language
from evac.people.models import State
from evac.people.service import PersonNames, create_person
from evac.people.views import STATE_LABELS


@pytest.mark.parametrize(
    ("code", "written"),
    [("en", "1,234,567"), ("fa-AF", "۱٬۲۳۴٬۵۶۷"), ("ps", "۱٬۲۳۴٬۵۶۷")],
)
def test_numbers_are_grouped_in_the_digits_of_the_language(code, written):
    assert language(code).number(1234567) == written


def test_every_state_has_a_label_translated_in_dari_and_pashto():
    assert set(STATE_LABELS) == set(State)
    for code in ("fa-AF", "ps"):
        messages = language(code).messages
        assert all(messages.get(label) for label in STATE_LABELS.values()), code


@pytest.mark.parametrize(("code", "count"), [("en", "2"), ("fa-AF", "۲"), ("ps", "۲")])
def test_status_page_names_states_in_words(settings, session, cipher, auth_headers, code, count):
    for name in ("Gul Ahmad", "Mursal"):
        create_person(session, cipher=cipher, names=PersonNames(name))
    session.commit()
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/status?lang={code}", headers=auth_headers(Role.planner)).text
    words = language(code).gettext
    registered = f'<tr data-state="registered"><td>{words("Registered")}</td>'
    assert f'{registered}<td class="number">{count}</td>' in page
    assert f'<tr data-state="called_forward"><td>{words("Called forward")}</td>' in page
    assert ">called_forward<" not in page and ("Called forward" in page) == (code == "en")
