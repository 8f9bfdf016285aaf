"""The review flow over HTTP: the queue (totals, filters, numbering), a pair (partners named,
differences marked, the date in the reader's calendar, only weighty evidence, who decided),
the next pair after a decision, the API under /api/v1/linkage, and the person's page."""

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from evac.app import create_app
from evac.auth.permissions import Role, cli_actor
from evac.linkage.models import LinkHistory, ReviewItem
from evac.linkage.review import birth_text
from evac.linkage.service import open_reviews, run_linkage
from evac.people.models import ContactKind, DocumentKind, Person, Registration, State
from evac.people.models import Role as MemberRole
from evac.people.records import RegistrationRecord
from evac.people.service import (
    PersonNames,
    add_contact,
    add_document,
    add_registration,
    create_group,
    create_person,
)
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
    return detached(session, [item])[0], a, b


def detached(session, items: list) -> list:
    """Rows loaded and let go of: reading their attributes later starts no transaction of the
    test's session (on SQLite each one holds the write lock, and the app under test waits)."""
    for item in items:
        session.refresh(item)
        session.expunge(item)
    session.commit()
    return items


def person_of(session, registration_id: int) -> int:
    """Read outside any open transaction: SQLite writers (the app) wait for readers' locks."""
    session.expire_all()
    person_id = session.get(Registration, registration_id).person_id
    session.commit()
    return person_id


# --- a queue as a linkage run leaves it, built by hand so that its scores are known ---------

SISTERS = (
    ("Kabul Women's Network", "kwn-list.xlsx", 14,
     {"given_name": "Farida", "father_name": "Ghulam Sakhi", "sex": "F", "birth_year": 1990,
      "birth_month": 3, "birth_day": 12, "phone": "+93700555111", "province": "Kabul"}),
    ("Veterans for Afghans", "vfa-aug-17.csv", 203,
     {"given_name": "Fariba", "father_name": "Ghulam Sakhi", "sex": "F", "birth_year": 1990,
      "birth_month": 6, "birth_day": 20, "phone": "+93700555111", "province": "Kabul"}),
)  # fmt: skip
NAMESAKES = (
    ("US Embassy LES", "les-staff.csv", 7,
     {"given_name": "Mohammad Zaman", "father_name": "Ghulam Nabi", "sex": "M",
      "birth_year": 1986, "province": "Kabul", "name_native": "محمد زمان",
      "tazkira_number": "1400-0101-23456", "phone": "+93700111222"}),
    ("crowd", "form", 88,
     {"given_name": "Zaman", "father_name": "Gholam Nabi", "sex": "M", "birth_year": 1986,
      "province": "Herat", "phone": "+93799888777"}),
)  # fmt: skip
COUSINS = (
    ("US Embassy LES", "les-staff.csv", 9,
     {"given_name": "Nasir", "father_name": "Abdul Wahid", "sex": "M", "birth_year": 1979}),
    ("crowd", "form", 301,
     {"given_name": "Nasir Ahmad", "father_name": "Abdul Qadir", "sex": "M", "birth_year": 1980}),
)  # fmt: skip
MISSING = {"level": "missing", "weight": 0.0}
SISTERS_EVIDENCE = {
    "given_key": {"level": "near spelling", "weight": 2.1},
    "father_key": {"level": "same words", "weight": 6.3},
    "birth": {"level": "same year, another day", "weight": -1.4},
    "phone": {"level": "same", "weight": 9.8},
    **{name: MISSING for name in ("family_key", "native_key", "passport", "tazkira", "email")},
}


def linked(session, cipher, source: str, file: str, row: int, fields: dict) -> Registration:
    """A registration and the person it resolved to, as a linkage run leaves them."""
    registration, _ = add_registration(session, cipher=cipher, source=source, raw=fields,
                                       record=RegistrationRecord(**fields), file=file,
                                       row_number=row)  # fmt: skip
    names = PersonNames(fields["given_name"], fields["father_name"],
                        name_native=fields.get("name_native"))  # fmt: skip
    person = create_person(session, cipher=cipher, names=names, birth_year=fields["birth_year"])
    registration.person_id = person.id
    if "tazkira_number" in fields:
        add_document(session, cipher=cipher, person=person, kind=DocumentKind.tazkira,
                     number=fields["tazkira_number"], registration_id=registration.id)  # fmt: skip
    if "phone" in fields:
        add_contact(session, cipher=cipher, person=person, kind=ContactKind.phone,
                    value=fields["phone"], registration_id=registration.id)  # fmt: skip
    return registration


def review_queue(session, cipher) -> list[ReviewItem]:
    """Three queued pairs, most likely first: two sisters sharing a phone (0.95), one man
    written with and without his first part (0.80), two cousins (0.60)."""
    items = []
    for pair, probability, weights in (
        (SISTERS, 0.95, SISTERS_EVIDENCE),
        (NAMESAKES, 0.80, {"given_key": {"level": "near spelling", "weight": 3.0}}),
        (COUSINS, 0.60, {"father_key": {"level": "different", "weight": -4.0}}),
    ):
        a, b = (linked(session, cipher, *side) for side in pair)
        session.flush()
        if pair is NAMESAKES:  # the staff member's wife, listed with him by the embassy
            wife = create_person(
                session, cipher=cipher, names=PersonNames("Shabana", "Abdul Ghafoor")
            )
            create_group(session, operation_id=cipher.operation_id,
                         members=[(session.get(Person, a.person_id), MemberRole.principal),
                                  (wife, MemberRole.spouse)])  # fmt: skip
        items.append(ReviewItem(operation_id=cipher.operation_id, registration_a_id=a.id,
                                registration_b_id=b.id, probability=probability,
                                weights=weights))  # fmt: skip
    session.add_all(items)
    session.commit()
    return detached(session, items)


@pytest.fixture
def queue(session, cipher) -> list[ReviewItem]:
    return review_queue(session, cipher)


@pytest.fixture
def client(settings, queue):
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def officer(auth_headers) -> dict[str, str]:
    return {**auth_headers(Role.officer), "Accept": "text/html"}


def test_queue_counts_filters_and_numbers_by_position(client, queue, officer):
    page = client.get("/linkage/review", headers=officer).text
    assert 'id="open-total">3<' in page and 'id="decided-total">0<' in page
    assert "Pairs 1 to 3 of 3" in page
    # most likely first, numbered 1, 2, 3 whatever the ids
    positions = [page.index(f'id="review-{item.id}"') for item in queue]
    assert positions == sorted(positions)
    by_partner = client.get("/linkage/review?source=Veterans+for+Afghans", headers=officer).text
    assert f'id="review-{queue[0].id}"' in by_partner and "of 1" in by_partner
    assert f'id="review-{queue[1].id}"' not in by_partner
    uncertain = client.get("/linkage/review?band=uncertain", headers=officer).text
    assert f'id="review-{queue[1].id}"' in uncertain
    assert f'id="review-{queue[0].id}"' not in uncertain
    assert f'id="review-{queue[2].id}"' not in uncertain
    # the links into a pair keep the filter, so its "next" stays in the same queue
    assert f"/linkage/review/{queue[1].id}?band=uncertain" in uncertain


def test_pair_names_partners_marks_differences_and_keeps_weighty_evidence(client, queue, officer):
    page = client.get(f"/linkage/review/{queue[0].id}", headers=officer).text
    assert "Kabul Women&#39;s Network" in page and "Veterans for Afghans" in page
    assert "vfa-aug-17.csv" in page and ">203<" in page
    assert 'class="field differs" data-field="given_name"' in page
    assert 'class="field differs" data-field="birth"' in page
    assert 'class="field same" data-field="phone"' in page
    assert "1990-03-12" in page and "birth_year" not in page  # one date, not three rows
    assert "Pair 1 of 3 waiting" in page
    evidence = page.split('id="evidence"')[1].split("</ul>")[0]
    assert evidence.count("<li") == 4  # the five missing comparisons are left out
    assert evidence.index("Phone") < evidence.index("Father") < evidence.index("Date of birth")
    assert "strong sign of one person" in evidence and "a sign of two people" in evidence


def test_pair_in_dari_shows_solar_hijri_dates_and_translated_fields(client, queue, officer):
    page = client.get(f"/linkage/review/{queue[0].id}?lang=fa-AF", headers=officer).text
    assert "21 حوت 1368" in page and "30 جوزا 1369" in page
    assert '<bdi dir="ltr" class="beside">(1990-03-12)</bdi>' in page  # beside, kept whole
    assert "نام پدر" in page and "Father&#39;s name" not in page
    partial = client.get(f"/linkage/review/{queue[1].id}?lang=ps", headers=officer).text
    assert "1364–1365" in partial and "(1986)" in partial  # a year alone stays a year


def test_a_decision_leads_to_the_next_pair_and_says_what_was_recorded(client, queue, officer):
    form = {"verdict": "different", "reason": "sisters: born three months apart"}
    answer = client.post(f"/linkage/review/{queue[0].id}", data=form, headers=officer)
    assert answer.url.path == f"/linkage/review/{queue[1].id}"
    assert 'id="recorded"' in answer.text and "sisters: born three months apart" in answer.text
    assert "Pair 1 of 2 waiting" in answer.text
    # filtered to a band: the next pair is the next of that band, then the queue itself
    last = client.post(f"/linkage/review/{queue[2].id}?band=unlikely", data=form, headers=officer)
    assert last.url.path == "/linkage/review" and "band=unlikely" in str(last.url)
    assert 'id="recorded"' in last.text


def test_already_decided_says_who_decided_what_and_why(client, queue, officer, session):
    form = {"verdict": "different", "reason": "different mothers on the tazkiras"}
    client.post(f"/linkage/review/{queue[0].id}", data=form, headers=officer)
    page = client.get(f"/linkage/review/{queue[0].id}", headers=officer).text
    decided = page.split('id="decision"')[1].split("</section>")[0]
    username = session.scalar(
        select(AuditEntry.username).where(AuditEntry.action == "linkage.decide")
    )
    session.commit()
    assert "Not the same" in decided and "different mothers on the tazkiras" in decided
    assert f'id="decided-by">{username}<' in decided and username.startswith("officer-")
    assert 'id="decision-form"' not in page
    api = client.get(f"/api/v1/linkage/reviews/{queue[0].id}", headers={**officer, "Accept": ""})
    assert api.json()["decision"] | {"decided_at": None} == {
        "same": False, "reason": "different mothers on the tazkiras", "actor": username,
        "decided_at": None,
    }  # fmt: skip


def test_api_lives_under_v1_with_named_operations(client, queue, auth_headers):
    spec = client.get("/openapi.json").json()
    linkage = {
        path: {op["operationId"] for op in methods.values()}
        for path, methods in spec["paths"].items()
        if "linkage" in path
    }
    assert all(path.startswith("/api/v1/linkage/") for path in linkage)
    assert set().union(*linkage.values()) == {"listReviewPairs", "getReviewPair",
                                              "decideReviewPair", "splitPerson",
                                              "getLinkHistory"}  # fmt: skip
    officer = auth_headers(Role.officer)
    assert client.get("/api/linkage/reviews", headers=officer).status_code == 404
    listed = client.get("/api/v1/linkage/reviews?band=likely", headers=officer).json()
    assert [(e["id"], e["position"]) for e in listed] == [(queue[0].id, 1)]
    assert listed[0]["sources"] == ["Kabul Women's Network", "Veterans for Afghans"]


def test_api_decides_and_splits_with_permissions_and_audit(settings, session, cipher, auth_headers):
    item, a, b = queued_pair(session, cipher)
    client = TestClient(create_app(settings))
    planner = auth_headers(Role.planner)
    assert client.get("/api/v1/linkage/reviews", headers=planner).status_code == 403
    officer = auth_headers(Role.officer)
    listed = client.get("/api/v1/linkage/reviews", headers=officer).json()
    assert item.id in [entry["id"] for entry in listed]
    detail = client.get(f"/api/v1/linkage/reviews/{item.id}", headers=officer).json()
    assert ["given_name", "Mohammad Zaman", "Zaman"] in detail["fields"]
    assert detail["weights"]["given_key"]["level"] == "same proper part, another first part"
    audited = select(AuditEntry).where(AuditEntry.subject == f"link_review_item:{item.id}")
    assert session.scalar(audited) is not None
    session.commit()
    empty = client.post(f"/api/v1/linkage/reviews/{item.id}/decision", headers=officer,
                        json={"same": True, "reason": ""})  # fmt: skip
    assert empty.status_code == 422
    done = client.post(f"/api/v1/linkage/reviews/{item.id}/decision", headers=officer,
                       json={"same": True, "reason": "one man, two phones"})  # fmt: skip
    assert done.status_code == 200, done.text
    merged_into = person_of(session, a)
    assert person_of(session, b) == merged_into
    split = client.post(f"/api/v1/linkage/persons/{merged_into}/split", headers=officer,
                        json={"registration_ids": [b], "reason": "a cousin after all"})  # fmt: skip
    assert split.status_code == 200, split.text
    assert person_of(session, b) == split.json()["new_person_id"] != person_of(session, a)
    history = client.get(f"/api/v1/linkage/persons/{merged_into}/history", headers=officer).json()
    assert [entry["kind"] for entry in history] == ["merge", "split"]
    wrong = client.post(f"/api/v1/linkage/persons/{merged_into}/split", headers=officer,
                        json={"registration_ids": [b], "reason": "again"})  # fmt: skip
    assert wrong.status_code == 422 and "not person" in wrong.json()["detail"]


def test_person_page_tells_the_whole_story_and_is_audited(client, queue, officer, session):
    form = {"verdict": "same", "reason": "one man: Mohammad is a common first part"}
    client.post(f"/linkage/review/{queue[1].id}", data=form, headers=officer)
    person = person_of(session, queue[1].registration_a_id)
    page = client.get(f"/linkage/persons/{person}", headers=officer).text
    registrations = page.split('id="registrations"')[1].split("</table>")[0]
    assert "US Embassy LES" in registrations and "les-staff.csv" in registrations
    assert "crowd" in registrations and ">88<" in registrations
    history = page.split('id="history"')[1].split("</ul>")[0]
    assert "merge" in history and "Mohammad is a common first part" in history
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert "<strong>merged</strong>" in timeline and "Mohammad is a common first part" in timeline
    assert f'id="pair-{queue[1].id}"' in page
    documents = page.split('id="documents"')[1].split("</ul>")[0]
    assert "1400-0101-23456" in documents and "+93799888777" in documents  # both lists' phones
    assert "محمد زمان" in page.split('id="name-native"')[1].split("</bdi>")[0]
    household = page.split('id="households"')[1].split("</ul>")[0]
    assert "Shabana" in household and "spouse" in household
    read = select(AuditEntry).where(AuditEntry.action == "person.read",
                                    AuditEntry.subject == f"person:{person}")  # fmt: skip
    entry = session.scalar(read)
    session.commit()
    assert entry is not None and entry.purpose


@pytest.mark.browser
def test_reviewer_merges_then_splits_in_the_browser(logged_in_page, live_server, session, cipher):
    """The whole loop on a real linkage run, in Pashto: decide, follow to the person, split."""
    item, a, b = queued_pair(session, cipher)
    page = logged_in_page(Role.officer)
    page.goto(f"{live_server}/linkage/review?lang=ps")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.click(f"#review-{item.id}")
    assert "Mohammad Zaman" in page.locator("#records").inner_text()
    assert "missing" not in page.locator("#evidence").inner_text()
    page.check("#verdict-same")
    page.fill("#reason", "same father, same village")
    page.click("#decision-form button[type=submit]")
    page.wait_for_url(f"**decided={item.id}**")
    page.click("#recorded a")
    page.wait_for_url("**/linkage/persons/**")
    survivor = person_of(session, a)
    assert person_of(session, b) == survivor
    assert session.get(Person, survivor).state == State.registered
    session.commit()
    assert page.locator("#registrations tbody tr").count() == 2

    page.check(f"#split-{b}")
    page.fill("#reason", "different mother on the tazkira")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#history").count() == 1, page.content()[:2000]
    new_person = int(page.locator("#person-id").inner_text())
    assert person_of(session, b) == new_person != person_of(session, a)
    kinds = [h.kind.value for h in session.scalars(select(LinkHistory).order_by(LinkHistory.id))]
    assert kinds == ["merge", "split"]
    assert "different mother on the tazkira" in page.locator("#history").inner_text()


MAY_12 = {"birth_year": 1986, "birth_month": 5, "birth_day": 12}


@pytest.mark.parametrize(
    ("birth", "lang", "shown"),
    [
        (MAY_12, "en", "1986-05-12"),
        (MAY_12, "fa-AF", "22 ثور 1365 (1986-05-12)"),
        (MAY_12, "ps", "22 غوایی 1365 (1986-05-12)"),
        # a month without its day overlaps two Solar Hijri months, here of two years
        ({"birth_year": 1986, "birth_month": 3}, "fa-AF", "حوت 1364 – حمل 1365 (1986-03)"),
        ({"birth_year": 1986, "birth_month": 6}, "en", "1986-06"),
        # 1365 SH alone: born between March 1986 and March 1987
        ({"birth_year": 1986, "birth_year_spans_two": True}, "fa-AF", "1365 (1986–1987)"),
        ({"birth_year": 1986, "birth_year_spans_two": True}, "en", "1986–1987 (1365 SH)"),
        ({"birth_year": 1986}, "en", "1986"),
    ],
)  # fmt: skip
def test_a_birth_date_is_one_date_in_the_readers_calendar(birth, lang, shown):
    assert str(birth_text(RegistrationRecord(**birth), lang)) == shown
