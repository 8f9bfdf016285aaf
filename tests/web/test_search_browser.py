"""An officer signs in, lands on search, types a variant spelling, sees the person first and
opens the person's page (Chromium)."""

import pytest

from evac.auth.permissions import Role
from tests.reports.conftest import place  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_an_officer_finds_the_interpreter_by_a_variant_spelling(
    screenshots,
    logged_in_page,
    live_server,
    place,  # noqa: F811
):
    place("ngo", given_name="Ishaq", family_name="Popal", birth_year=1979)
    interpreter = place("siv-list", given_name="Muhammad Ishaq", father_name="Abdul Wali",
                        family_name="Sharifi", name_native="محمد اسحاق شریفی", birth_year=1985,
                        phone="+93799123456", siv_case_number="SQ-2021-887766")  # fmt: skip
    place("ngo", given_name="Mahmud", family_name="Ishaqzai", birth_year=1990)
    page = logged_in_page(Role.officer)
    assert page.url == f"{live_server}/search"  # an officer's home
    assert page.locator("nav.sections a[aria-current=page]").inner_text() == "Search"
    page.fill("#q", "Mohd Ishaq")
    page.fill("#purpose", "Answer a family's or partner's inquiry")
    page.click("form.search button[type=submit]")
    first = page.locator("ol.results li.result").first
    assert first.get_attribute("data-person") == str(interpreter)
    assert "محمد اسحاق شریفی" in first.inner_text()
    assert "SQ-2021-887766" in first.inner_text()
    page.set_viewport_size({"width": 1000, "height": 700})
    page.screenshot(path=str(screenshots / "search-en.png"), full_page=True)
    with page.expect_navigation():
        first.locator("a").first.click()
    assert page.url.startswith(f"{live_server}/linkage/persons/{interpreter}")
    assert page.locator("h1").count() == 1
