"""The staff workspace end to end, as issue 12 asks: an officer signs in, finds a person by a
variant spelling, opens the person, follows a review pair, decides it and lands on the next;
then the same on a phone-sized screen in Dari (Chromium)."""

import pytest

from evac.auth.permissions import Role
from evac.linkage.search_index import index_registrations
from evac.people.service import iter_registration_records
from tests.linkage.test_review_web import person_of, review_queue

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def queue(session, cipher):
    """The review page's three pairs, their registrations indexed for search."""
    items = review_queue(session, cipher)
    records = dict(iter_registration_records(session, cipher=cipher))
    index_registrations(session, cipher=cipher, records=records)
    session.commit()
    return items


def find_and_decide(page, live_server, *, lang: str, spelling: str, purpose: str, reason: str):
    """Search, open the first person, follow the pair that involves them, decide 'same'."""
    page.goto(f"{live_server}/search?lang={lang}")
    page.fill("#q", spelling)
    page.fill("#purpose", purpose)
    page.click("form.search button[type=submit]")
    with page.expect_navigation():
        page.locator("ol.results li.result").first.locator("a").first.click()
    assert "/linkage/persons/" in page.url
    with page.expect_navigation():
        page.locator("#reviews a").first.click()
    assert "/linkage/review/" in page.url
    page.check("#verdict-same")
    page.fill("#reason", reason)
    with page.expect_navigation():
        page.click("#decision-form button[type=submit]")


def test_an_officer_finds_decides_and_lands_on_the_next_pair(
    logged_in_page, live_server, queue, session
):
    sisters, namesakes, cousins = queue
    page = logged_in_page(Role.officer)
    reason = "Same father, year and tazkira"
    find_and_decide(page, live_server, lang="en", spelling="Mohd Zaman",
                    purpose="A family's inquiry", reason=reason)  # fmt: skip
    assert page.url.split("?")[0].rsplit("/", 1)[-1] in {str(sisters.id), str(cousins.id)}
    assert reason in page.locator("#recorded").inner_text()
    assert person_of(session, namesakes.registration_a_id) == person_of(
        session, namesakes.registration_b_id
    )


def test_the_same_in_dari_on_a_phone(screenshots, logged_in_page, live_server, queue, session):
    sisters, namesakes, cousins = queue
    page = logged_in_page(Role.officer)
    page.set_viewport_size(PHONE)
    find_and_decide(page, live_server, lang="fa-AF", spelling="محمد زمان",
                    purpose="پرسش خانواده", reason="پدر، سال و تذکره یکی است")  # fmt: skip
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.url.split("?")[0].rsplit("/", 1)[-1] in {str(sisters.id), str(cousins.id)}
    assert "تصمیم ثبت شد" in page.locator("#recorded").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshots / "journey-fa-phone.png"), full_page=True)
    page.goto(f"{live_server}/linkage/review?lang=fa-AF")
    assert page.locator("#open-total").inner_text() == "۲"  # two left, in Dari's digits
    assert person_of(session, namesakes.registration_a_id) == person_of(
        session, namesakes.registration_b_id
    )
