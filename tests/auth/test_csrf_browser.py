"""In a real browser: evac's own forms (a multipart upload, the mapping step) still work with
the CSRF check, and the same form posted from another site is refused."""

import pytest
from playwright.sync_api import expect

from evac.auth.permissions import Role

pytestmark = pytest.mark.browser

ATTACKER = "http://attacker.test"


def test_own_forms_work_and_a_forged_one_is_refused(
    logged_in_page, live_server, operation, session, tmp_path
):
    session.commit()  # release SQLite's lock: the server writes
    listing = tmp_path / "list.csv"
    listing.write_text("full_name,birth_year,sex\nGulalai Test,1990,F\nWali Test,1985,M\n")
    page = logged_in_page(Role.officer)
    page.goto(f"{live_server}/intake/upload")
    page.fill("#source", "ngo-alpha")
    page.set_input_files("#file", str(listing))
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check the columns")  # parsed off the event loop
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("Import result")
    expect(page.locator("tr[data-count=accepted] td")).to_have_text("2")

    # Another site's page, in the same logged-in browser, posting to the same form.
    forged = (
        f'<form method="post" action="{live_server}/intake/upload/confirm">'
        '<input type="hidden" name="csrf" value="guessed"><input name="token" value="x">'
        '<button type="submit">win a prize</button></form>'
    )
    page.route(f"{ATTACKER}/**", lambda route: route.fulfill(body=forged, content_type="text/html"))
    page.goto(f"{ATTACKER}/prize")
    with page.expect_response(f"{live_server}/intake/upload/confirm") as answer:
        page.click("button")
    assert answer.value.status == 403
    expect(page.locator("h1")).to_have_text("Form expired")  # a page, not a JSON error
