"""The review flow over HTTP and in the browser: decide a pair, split a person, with history."""

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from evac.app import create_app
from evac.auth.permissions import Role, cli_actor
from evac.linkage.models import LinkHistory, ReviewItem
from evac.linkage.service import open_reviews, run_linkage
from evac.people.models import Person, Registration, State
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration
from evac.vault.audit import AuditEntry

GIVEN = ["Zaman", "Nabi", "Karim", "Rahim", "Hamid", "Wahid", "Nasir", "Qasim", "Jawad", "Farid"]


def register(session, cipher, source: str, **fields) -> int:
    registration, _ = add_registration(session, cipher=cipher, source=source, raw=fields,
                                       record=RegistrationRecord(**fields))  # fmt: skip
    return registration.id


def queued_pair(session, cipher) -> tuple[ReviewItem, int, int]:
    """A list with one doubtful pair (Mohammad Zaman / Zaman, different phones), linked."""
    rng = random.Random(9)
    for i in range(60):
        register(session, cipher, "crowd", source_record_id=str(i), sex="M",
                 given_name=rng.choice(GIVEN), father_name=rng.choice(GIVEN),
                 birth_year=rng.randint(1950, 2000), phone=f"+9370{rng.randint(10**6, 10**7)}",
                 tazkira_number=str(rng.randint(10**9, 10**10)))  # fmt: skip
    a = register(session, cipher, "one", given_name="Mohammad Zaman", father_name="Ghulam Nabi",
                 sex="M", birth_year=1986, province="Kabul", phone="+93700111222")  # fmt: skip
    b = register(session, cipher, "two", given_name="Zaman", father_name="Gholam Nabi", sex="M",
                 birth_year=1986, province="Herat", phone="+93799888777")  # fmt: skip
    session.commit()
    run_linkage(session, cipher=cipher, actor=cli_actor())
    session.commit()
    item = next(i for i in open_reviews(session, operation_id=cipher.operation_id)
                if {i.registration_a_id, i.registration_b_id} == {a, b})  # fmt: skip
    session.commit()
    return item, a, b


def person_of(session, registration_id: int) -> int:
    """Read outside any open transaction: SQLite writers (the app) wait for readers' locks."""
    session.expire_all()
    person_id = session.get(Registration, registration_id).person_id
    session.commit()
    return person_id


def test_api_decides_and_splits_with_permissions_and_audit(settings, session, cipher, auth_headers):
    item, a, b = queued_pair(session, cipher)
    client = TestClient(create_app(settings))
    planner = auth_headers(Role.planner)
    assert client.get("/api/linkage/reviews", headers=planner).status_code == 403
    officer = auth_headers(Role.officer)
    listed = client.get("/api/linkage/reviews", headers=officer).json()
    assert item.id in [entry["id"] for entry in listed]
    detail = client.get(f"/api/linkage/reviews/{item.id}", headers=officer).json()
    assert ["given_name", "Mohammad Zaman", "Zaman"] in detail["fields"]
    assert detail["weights"]["given_key"]["level"] == "same proper part, another first part"
    audited = select(AuditEntry).where(AuditEntry.subject == f"link_review_item:{item.id}")
    assert session.scalar(audited) is not None
    session.commit()
    empty = client.post(f"/api/linkage/reviews/{item.id}/decision", headers=officer,
                        json={"same": True, "reason": ""})  # fmt: skip
    assert empty.status_code == 422
    done = client.post(f"/api/linkage/reviews/{item.id}/decision", headers=officer,
                       json={"same": True, "reason": "one man, two phones"})  # fmt: skip
    assert done.status_code == 200, done.text
    merged_into = person_of(session, a)
    assert person_of(session, b) == merged_into
    split = client.post(f"/api/linkage/persons/{merged_into}/split", headers=officer,
                        json={"registration_ids": [b], "reason": "a cousin after all"})  # fmt: skip
    assert split.status_code == 200, split.text
    assert person_of(session, b) == split.json()["new_person_id"] != person_of(session, a)
    history = client.get(f"/api/linkage/persons/{merged_into}/history", headers=officer).json()
    assert [entry["kind"] for entry in history] == ["merge", "split"]
    wrong = client.post(f"/api/linkage/persons/{merged_into}/split", headers=officer,
                        json={"registration_ids": [b], "reason": "again"})  # fmt: skip
    assert wrong.status_code == 422 and "not person" in wrong.json()["detail"]


@pytest.mark.browser
def test_reviewer_merges_then_splits_in_the_browser(logged_in_page, live_server, session, cipher):
    item, a, b = queued_pair(session, cipher)
    page = logged_in_page(Role.officer)
    page.goto(f"{live_server}/linkage/review?lang=ps")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.click(f"#review-{item.id}")
    assert "Mohammad Zaman" in page.locator("#records").inner_text()
    assert page.locator("#weights tbody tr").count() == 12  # one row per comparison
    page.check("#verdict-same")
    page.fill("#reason", "same father, same village")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/linkage/persons/**")
    survivor = person_of(session, a)
    assert person_of(session, b) == survivor
    assert session.get(Person, survivor).state == State.registered
    session.commit()
    assert page.locator("#registrations tbody tr").count() == 2

    page.check(f"#split-{b}")
    page.fill("#reason", "different mother on the tazkira")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/linkage/persons/**")
    new_person = int(page.locator("#person-id").inner_text())
    assert person_of(session, b) == new_person != person_of(session, a)
    kinds = [h.kind.value for h in session.scalars(select(LinkHistory).order_by(LinkHistory.id))]
    assert kinds == ["merge", "split"]
    assert "different mother on the tazkira" in page.locator("#history").inner_text()
