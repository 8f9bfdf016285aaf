"""In a real browser with the network cut: the station page checks parties in offline and
sends them once each when the network returns; two stations checking in one party offline
leave the second on the supervisor's page."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from evac.auth.permissions import Role
from evac.gate.models import CheckIn, Conflict, Evacuee
from evac.passes.format import short_code
from evac.passes.models import TravelPass
from tests.gate.conftest import GATE, World, called_world
from tests.gate.test_views import ZONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
PIN = "482915"
# Synthetic parties: given names, principal first.
PARTIES = {
    "P-4MWQ7": ["Zarghuna", "Farid"],
    "P-8TKD2": ["Nazanin"],
    "P-6RHJ3": ["Mirwais", "Palwasha", "Sediqa"],
}


@pytest.fixture
def roster(session, provider, operation, cipher) -> World:
    """Three called-forward parties with their passes for North Gate, in a window open now."""
    parties = {
        reference: [(given, None) for given in names] for reference, names in PARTIES.items()
    }
    return called_world(session, provider, operation, cipher, parties, family="Amiri")


def start_shift(page: Page, live_server: str, lane: str) -> None:
    page.goto(f"{live_server}/gate/station")
    page.fill("#gate", GATE)
    page.fill("#lane", lane)
    page.fill("#pin", PIN)
    page.click("#start button[type=submit]")
    expect(page.locator("#desk")).to_be_visible(timeout=20_000)


def check_in_offline(
    page: Page, reference: str, pass_text: str, people: int, unlisted: str | None = None
) -> None:
    """Scan the pass as a keyboard-wedge scanner does (its text, then Enter), confirm each
    member with their number key, and check in."""
    page.fill("#scan-input", pass_text)
    page.press("#scan-input", "Enter")
    expect(page.locator("#party-ref")).to_have_text(reference)
    expect(page.locator("#verdict")).to_have_class("verdict admit")
    for number in range(1, people + 1):
        page.keyboard.press(str(number))
    expect(page.locator("#members button[aria-pressed=true]")).to_have_count(people)
    if unlisted:
        page.fill("#unlisted-name", unlisted)
        page.click("#unlisted-form button")
        expect(page.locator("#members li.unlisted")).to_contain_text(unlisted)
    page.keyboard.press("Enter")
    expect(page.locator("#party")).to_be_hidden()


def test_three_parties_checked_in_offline_arrive_once_each(
    logged_in_page, live_server, roster, session
):
    page = logged_in_page(Role.gate_agent)
    start_shift(page, live_server, "lane 1")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    for reference, pass_text in roster.passes.items():
        check_in_offline(page, reference, pass_text, len(roster.members[reference]))
    expect(page.locator("#queue li[data-state=queued]")).to_have_count(3)

    # The page opened again with the network still cut: the service worker's copy, the
    # queue kept in IndexedDB, opened with the shift PIN.
    reloaded = page.reload()
    assert reloaded.from_service_worker and reloaded.ok
    expect(page.locator("#unlock")).to_be_visible()
    page.fill("#unlock-pin", "000000")
    page.press("#unlock-pin", "Enter")
    expect(page.locator("#unlock-notice")).to_have_text("Wrong PIN.")
    page.fill("#unlock-pin", PIN)
    page.press("#unlock-pin", "Enter")
    expect(page.locator("#queue li[data-state=queued]")).to_have_count(3)
    page.wait_for_timeout(6_000)  # a sync round passes with the network still cut
    expect(page.locator("#queue li[data-state=queued]")).to_have_count(3)
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 0

    page.context.set_offline(False)
    expect(page.locator("#queue li[data-state=sent]")).to_have_count(3, timeout=20_000)
    session.expire_all()
    taken = session.scalars(select(CheckIn)).all()
    assert sorted(row.party_reference for row in taken) == sorted(PARTIES)
    assert {row.gate for row in taken} == {GATE}
    wristbands = session.scalars(select(Evacuee.person_id)).all()
    assert sorted(wristbands) == sorted(p for ids in roster.members.values() for p in ids)
    assert session.scalar(select(func.count()).select_from(Conflict)) == 0


def test_one_party_at_two_stations_offline_reaches_the_supervisor(
    logged_in_page, live_server, roster, session
):
    reference = "P-4MWQ7"
    people = len(roster.members[reference])
    north, south = logged_in_page(Role.gate_agent), logged_in_page(Role.gate_agent)
    for page, lane, unlisted in ((north, "lane 1", "Hamid Amiri"), (south, "lane 2", None)):
        start_shift(page, live_server, lane)
        page.context.set_offline(True)
        check_in_offline(page, reference, roster.passes[reference], people, unlisted)

    north.context.set_offline(False)
    expect(north.locator("#queue li[data-state=sent]")).to_have_count(1, timeout=20_000)
    south.context.set_offline(False)
    expect(south.locator("#queue li[data-state=conflict]")).to_have_count(1, timeout=20_000)
    expect(south.locator("#queue li[data-state=conflict]")).to_contain_text(
        "sent to the supervisor"
    )
    assert south.goto(f"{live_server}/gate/conflicts").status == 403  # not for gate agents

    supervisor = logged_in_page(Role.supervisor)
    supervisor.goto(f"{live_server}/gate/conflicts")
    conflict = supervisor.locator(f"li.conflict[data-party={reference}]")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("lane 1")
    expect(conflict).to_contain_text("lane 2")
    conflict.locator("input[value=keep_first]").check()
    conflict.locator("input[name=reason]").fill("the same family, scanned again at lane 2")
    conflict.locator("button[type=submit]").click()
    expect(supervisor.locator("#no-conflicts")).to_be_visible()
    expect(supervisor.locator(f"table.unlisted tr[data-party={reference}]")).to_contain_text(
        "Hamid Amiri"
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert session.scalar(select(func.count()).select_from(Conflict)) == 1


def test_the_station_checks_passes_codes_and_passports_by_itself(
    logged_in_page, live_server, world, session
):
    """Offline: a damaged pass is refused as tampered; a short code read over the phone and a
    passport's machine-readable zone find their party on the roster."""
    page = logged_in_page(Role.gate_agent)
    start_shift(page, live_server, "lane 3")
    page.context.set_offline(True)
    pass_text = world.passes["P-7KQ2M"]
    middle = len(pass_text) // 2
    damaged = (
        pass_text[:middle] + ("A" if pass_text[middle] != "A" else "B") + pass_text[middle + 1 :]
    )
    page.fill("#scan-input", damaged)
    page.press("#scan-input", "Enter")
    expect(page.locator("#scan-notice")).to_contain_text("tampered")

    pass_id = session.scalar(
        select(TravelPass.pass_id).where(TravelPass.party_reference == "P-7KQ2M")
    )
    page.fill("#scan-input", short_code(bytes.fromhex(pass_id)).lower())
    page.press("#scan-input", "Enter")
    expect(page.locator("#party-ref")).to_have_text("P-7KQ2M")
    expect(page.locator("#members button")).to_have_count(3)
    page.keyboard.press("Escape")

    page.fill("#scan-input", ZONE)
    page.press("#scan-input", "Enter")
    expect(page.locator("#party-ref")).to_have_text("P-3XHTW")
    expect(page.locator("#verdict")).to_have_class("verdict admit")


def test_the_station_in_dari_on_a_phone_reads_right_to_left(
    screenshots, logged_in_page, live_server, roster
):
    """A gate agent at night with a phone, the page in Dari: the party card reads right to
    left, the pass's reference stays left to right inside it."""
    page = logged_in_page(Role.gate_agent)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/gate/station?lang=fa-AF")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#gate", GATE)
    page.fill("#lane", "lane 1")
    page.fill("#pin", PIN)
    page.click("#start button[type=submit]")
    expect(page.locator("#desk")).to_be_visible(timeout=20_000)
    page.context.set_offline(True)
    page.fill("#scan-input", roster.passes["P-6RHJ3"])
    page.press("#scan-input", "Enter")
    expect(page.locator("#party-ref")).to_have_text("P-6RHJ3")
    expect(page.locator("#members button")).to_have_count(3)
    assert page.locator("#party").evaluate("node => getComputedStyle(node).direction") == "rtl"
    page.screenshot(path=screenshots / "gate-station-fa-phone.png", full_page=True)
