"""An officer reviews doubtful pairs in Chromium: on a desktop in English with the keyboard,
and on a phone in Dari; then reads the person a decision made. Screenshots go to docs/."""

import pytest

from evac.auth.permissions import Role
from tests.linkage.test_review_web import person_of, review_queue

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def queue(session, cipher):
    return review_queue(session, cipher)


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_officer_decides_with_the_keyboard_and_lands_on_the_next_pair(
    screenshots, logged_in_page, live_server, queue, session
):
    sisters, namesakes, cousins = queue
    page = logged_in_page(Role.officer)
    page.goto(f"{live_server}/linkage/review?lang=en")
    assert page.locator("#open-total").inner_text() == "3"
    assert page.locator("#queue tbody tr td.number").all_inner_texts() == ["1", "2", "3"]
    page.click(f"#review-{sisters.id}")
    assert page.locator("#record-1 .partner").inner_text() == "Kabul Women's Network"
    assert page.locator("#record-2 .partner").inner_text() == "Veterans for Afghans"
    given = page.locator("#record-2 .field[data-field=given_name]")
    phone = page.locator("#record-2 .field[data-field=phone]")
    assert "differs" in given.get_attribute("class") and "Fariba" in given.inner_text()
    assert "same" in phone.get_attribute("class")
    assert background(given) != background(phone)  # the difference stands out
    page.screenshot(path=screenshots / "review-en.png", full_page=True)

    page.keyboard.press("j")  # the sisters are left for later: on to the next pair
    page.wait_for_url(f"**/linkage/review/{namesakes.id}?**")
    page.keyboard.press("s")
    assert page.locator("#verdict-same").is_checked()
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("Mohammad is a common first part; same father and year")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/linkage/review/{cousins.id}?**")
    assert "Mohammad is a common first part" in page.locator("#recorded").inner_text()
    assert person_of(session, namesakes.registration_a_id) == person_of(
        session, namesakes.registration_b_id
    )
    page.keyboard.press("k")  # back: the decided pair is no longer in the queue
    page.wait_for_url(f"**/linkage/review/{sisters.id}?**")


def test_officer_on_a_phone_in_dari(screenshots, logged_in_page, live_server, queue, session):
    sisters, namesakes, _ = queue
    page = logged_in_page(Role.officer)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/linkage/review?lang=fa-AF")
    page.click(f"#review-{sisters.id}")
    first = page.locator("#record-1")
    assert "نام پدر" in first.inner_text() and "Father's name" not in first.inner_text()
    assert "21 حوت 1368" in first.locator("[data-field=birth]").inner_text()
    assert "متفاوت" in first.locator("[data-field=birth]").inner_text()
    for record in ("#record-1", "#record-2"):
        box = page.locator(record).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (record, box)
    assert page.locator("#record-2").bounding_box()["y"] > first.bounding_box()["y"]  # stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots / "review-fa-phone.png", full_page=True)

    page.keyboard.press("n")
    page.keyboard.type("دو خواهر: تاریخ تولد متفاوت")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/linkage/review/{namesakes.id}?**")
    assert "تصمیم ثبت شد" in page.locator("#recorded").inner_text()
    assert person_of(session, sisters.registration_a_id) != person_of(
        session, sisters.registration_b_id
    )


def test_person_page_after_a_merge(screenshots, logged_in_page, live_server, queue, session):
    _, namesakes, _ = queue
    page = logged_in_page(Role.officer)
    page.goto(f"{live_server}/linkage/review/{namesakes.id}?lang=en")
    page.check("#verdict-same")
    page.fill("#reason", "one man: Mohammad is a common first part")
    page.click("#decision-form button[type=submit]")
    page.click("#recorded a")
    page.wait_for_url("**/linkage/persons/**")
    assert page.locator("#name-latin").inner_text() == "Mohammad Zaman Ghulam Nabi"
    rows = page.locator("#registrations tbody tr").all_inner_texts()
    assert any("US Embassy LES" in r and "les-staff.csv" in r and "7" in r for r in rows)
    assert any("crowd" in r and "88" in r for r in rows)
    assert "merged" in page.locator("#timeline").inner_text()
    assert "Mohammad is a common first part" in page.locator("#history").inner_text()
    assert page.locator(f"#pair-{namesakes.id}").is_visible()
    page.screenshot(path=screenshots / "person-en.png", full_page=True)
