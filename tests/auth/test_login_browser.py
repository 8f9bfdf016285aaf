import pytest

from evac.auth.permissions import Role
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_login_in_dari_then_back_to_the_page_asked_for(browser, live_server, make_user):
    user = make_user(Role.planner)
    context = browser.new_context()
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    page.goto(f"{live_server}/login?lang=fa-AF")
    page.goto(f"{live_server}/status")
    assert "/login?next=/status" in page.url
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("label[for=username]").inner_text() == "نام کاربری"
    page.fill("#username", user.username)
    page.fill("#password", "wrong password!")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").is_visible()
    page.fill("#username", user.username)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/status")
    assert page.locator("html").get_attribute("lang") == "fa-AF"
    session_cookie = next(c for c in context.cookies() if c["name"] == "evac_session")
    assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Strict"
    assert blocked == []  # the pages need nothing the security policy forbids
    page.click("form.sign-out button")  # "خروج"
    page.wait_for_url(f"{live_server}/login")
    context.add_cookies([session_cookie])  # a copied cookie no longer opens a session
    page.goto(f"{live_server}/status")
    assert "/login?next=/status" in page.url
    context.close()
