"""The public registration form on a phone-sized screen, in Dari and Pashto: a refused phone
number's message reads as one Dari sentence with its examples left to right and whole."""

import pytest

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}

# The x of each character of an element's text, as laid out.
CHARACTER_XS = """element => {
    const text = element.firstChild, range = document.createRange(), xs = [];
    for (let i = 0; i < text.length; i++) {
        range.setStart(text, i); range.setEnd(text, i + 1);
        xs.push(range.getBoundingClientRect().x);
    }
    return xs;
}"""
LINES = "element => element.getClientRects().length"


def test_a_refused_phone_in_dari_shows_its_examples_left_to_right(
    screenshots, live_server, browser, operation, session
):
    session.rollback()  # release SQLite's lock taken by the fixtures: the server writes
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server}/register?lang=fa-AF")
    page.fill("#p_full_name", "Zarghona Habibi")
    page.fill("#p_phone", "07OO 123 456")  # letters O for zeros: refused
    page.click("button[value=register]")

    error = page.locator("#p_phone-error")
    assert error.inner_text().startswith("یک شمارهٔ موبایل افغانستان مانند")  # Dari first
    examples = error.locator("bdi")
    assert examples.all_inner_texts() == ["0799 123 456", "+93 799 123 456", "+49 1512 3456789"]
    text = error.inner_text()  # the DOM's order is the sentence's: local, +93, foreign
    assert text.index("0799 123 456") < text.index("+93 799 123 456") < text.index("+49")
    for index in range(examples.count()):
        example = examples.nth(index)
        assert example.get_attribute("dir") == "ltr"
        assert example.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
        xs = example.evaluate(CHARACTER_XS)
        assert xs == sorted(xs)  # drawn left to right: "+93 799", not "456 123 799 93+"
        assert example.evaluate(LINES) == 1  # never broken over two lines
    assert "country code" not in page.content()  # no English line under the Dari sentence
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    error.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 120)")  # the field's label and hint above, in view too
    page.screenshot(path=screenshots / "register-fa-phone.png")
    page.close()


def test_the_example_dates_stay_whole_in_pashto_on_a_phone(live_server, browser, operation):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server}/register?lang=ps")
    hint = page.locator("#p_birth_date ~ small")
    assert hint.locator("bdi").all_inner_texts() == ["1365/02/22", "1986-05-12"]
    for index in range(2):
        assert hint.locator("bdi").nth(index).evaluate(LINES) == 1
    provinces = page.locator("#p_province option")
    assert provinces.count() == 35 and "کابل" in provinces.all_inner_texts()
    page.close()
