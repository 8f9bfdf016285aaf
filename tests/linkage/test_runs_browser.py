"""An officer starts linkage from the imports page in Chromium and follows it to its end."""

import pytest

from evac.auth.permissions import Role
from tests.linkage.test_runs import RUN_SECONDS, imported  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_an_officer_links_an_upload_from_the_page(
    screenshots,
    logged_in_page,
    live_server,
    imported,  # noqa: F811
):
    page = logged_in_page(Role.officer)
    page.goto(f"{live_server}/imports?lang=en")
    assert page.locator("#waiting .count").inner_text() == "4"
    assert page.locator("#batches tbody tr").count() == 1
    page.click("#start-linkage")
    # the page reloads itself while the run goes (no script), until it says how it ended
    page.wait_for_selector("#run-state:has-text('is done')", timeout=RUN_SECONDS * 1000)
    assert page.locator("#waiting .count").inner_text() == "0"
    assert page.locator("#start-linkage").count() == 1  # a new run may start again
    page.set_viewport_size({"width": 1000, "height": 700})
    page.screenshot(path=str(screenshots / "imports-en.png"), full_page=True)
