import pytest

from evac.auth.permissions import Role
from evac.people.service import PersonNames, create_person

pytestmark = pytest.mark.browser


def test_status_page_in_dari_is_right_to_left(logged_in_page, live_server, session, cipher):
    create_person(session, cipher=cipher, names=PersonNames("Mursal"))
    session.commit()
    page = logged_in_page(Role.planner)
    page.goto(f"{live_server}/status?lang=fa-AF")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("h1").inner_text() == "افراد بر اساس وضعیت"
    # The number column sits on the left of the state column when the table runs right to left.
    state_box = page.locator("tbody tr[data-state=registered] td").nth(0).bounding_box()
    count_box = page.locator("tbody tr[data-state=registered] td").nth(1).bounding_box()
    assert count_box["x"] < state_box["x"]
    assert page.locator("tbody tr[data-state=registered] td.number").inner_text() == "۱"
    # The choice is remembered: the next page without ?lang stays in Dari.
    page.goto(f"{live_server}/status")
    assert page.locator("html").get_attribute("lang") == "fa-AF"
