"""A partner, signed in through the form in Chromium, follows its own referrals and sees
nothing of another partner's."""

import pytest

from evac.auth.permissions import Role

pytestmark = pytest.mark.browser


def test_a_partner_sees_only_its_own_referrals(screenshots, logged_in_page, live_server, place):
    place("kwn", file="kwn-list.xlsx", given_name="Farida", family_name="Sakhi")
    place("kwn", file="kwn-list.xlsx", given_name="Nasir", family_name="Wahidi")
    place("vets", file="vets.csv", given_name="Mohammad", family_name="Zaman")
    page = logged_in_page(Role.partner, partner_source="kwn")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/referrals?source=vets")
    names = page.locator("#referrals tbody tr td:nth-child(3)").all_inner_texts()
    assert sorted(names) == ["Farida Sakhi", "Nasir Wahidi"]
    assert page.locator("#source").inner_text() == "kwn"
    assert page.locator("tr[data-stage=registered] td.number").inner_text() == "2"
    assert "Zaman" not in page.content() and "vets.csv" not in page.content()
    page.screenshot(path=str(screenshots / "referrals-partner-phone.png"), full_page=True)
