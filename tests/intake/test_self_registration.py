"""The public self-registration form: plain HTML forms, in Dari in a real browser."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from evac.app import create_app
from evac.auth.permissions import Role
from evac.intake.service import SELF_REGISTRATION, register_household
from evac.intake.validate import canonical_phone
from evac.intake.views import HINT_EXAMPLES
from evac.people.models import Registration, State
from evac.people.service import PersonNames, create_person, iter_registration_records
from tests.conftest import csrf_token


def stored(session, cipher) -> list:
    session.rollback()  # a fresh read; on SQLite it also releases the lock
    records = [r for _, r in iter_registration_records(session, cipher=cipher)]
    sources = set(session.scalars(select(Registration.source)))
    session.rollback()
    assert sources <= {SELF_REGISTRATION}
    return records


def test_form_without_javascript_adds_members_and_registers(
    settings, operation, session, cipher, auth_headers
):
    auth_headers(Role.officer)  # a first user, before the app's session opens
    session.rollback()  # release SQLite's lock taken by the fixtures: the app writes
    client = TestClient(create_app(settings))
    page = client.get("/register?lang=ps")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and 'lang="ps"' in page.text
    principal = {
        "p_full_name": "Ahmad Wali Rahimi",
        "p_birth_date": "1365/02/22",
        "p_phone": "0799 123 456",
        "p_sex": "M",
        "p_category_claimed": "siv",
        "csrf": csrf_token(client, "/register?lang=ps"),  # the page's token, as a browser sends
    }
    added = client.post("/register", data={**principal, "members": "0", "action": "add"})
    assert 'name="m0_full_name"' in added.text and 'value="Ahmad Wali Rahimi"' in added.text
    assert stored(session, cipher) == []  # adding a member stores nothing yet

    family = {
        **principal,
        "members": "2",
        "m0_full_name": "Freshta Rahimi",
        "m0_relationship": "spouse",
        "m0_birth_date": "30/02/1990",  # no such day: the form comes back with the error
        "m1_full_name": "Omid Rahimi",
        "m1_relationship": "child",
        "m1_birth_date": "2012",
        "action": "register",
    }
    refused = client.post("/register", data=family)
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text
    assert "نېټه د کال/میاشت/ورځ په بڼه ولیکئ" in refused.text  # what to write, in Pashto
    assert '<bdi dir="ltr" class="ltr">1365/02/22</bdi>' in refused.text  # the example, whole
    assert "does not exist" not in refused.text  # no English reason in a Pashto page
    assert 'value="Omid Rahimi"' in refused.text  # nothing typed is lost
    assert stored(session, cipher) == []  # a family is stored whole or not at all

    family["m0_birth_date"] = "01/01/1990"
    done = client.post("/register", data=family)
    assert done.status_code == 200
    reference = re.search(r'id="reference">(EV-[A-Z0-9]{4}-[A-Z0-9]{4})<', done.text).group(1)
    records = stored(session, cipher)
    assert [r.relationship for r in records] == ["principal", "spouse", "child"]
    assert len({r.household_ref for r in records}) == 1
    assert records[0].phone == "+93799123456" and records[0].birth_year == 1986
    assert records[1].birth_date_default

    again = client.post("/register", data=family)  # sent twice: nothing added
    # in Pashto: the language chosen on the first page is remembered in a cookie
    assert "دا نوم لیکنه مخکې راغلې وه" in again.text
    assert f'id="reference">{reference}<' in again.text  # the same reference, still valid
    assert len(stored(session, cipher)) == 3
    # sent again with a member more: the new member is added under the same reference
    grown = {**family, "members": "3", "m2_full_name": "Mina Rahimi", "m2_relationship": "child"}
    more = client.post("/register", data=grown)
    assert f'id="reference">{reference}<' in more.text and "دا نوم لیکنه" not in more.text
    records = stored(session, cipher)
    assert [r.full_name for r in records][-1] == "Mina Rahimi"
    assert len({r.household_ref for r in records}) == 1
    files = set(session.scalars(select(Registration.file)))
    session.rollback()
    assert files == {reference}  # the reference names the submission's registrations

    # staff find the people by the reference the evacuee reads out
    headers = auth_headers(Role.officer)
    found = client.get(f"/api/v1/intake/submissions/{reference}", headers=headers).json()
    ids = list(session.scalars(select(Registration.id).order_by(Registration.id)))
    session.rollback()
    assert (found["source"], found["status"], found["registration_ids"]) == (
        SELF_REGISTRATION,
        "done",
        ids,
    )
    assert len(ids) == 4


def test_dari_form_in_a_browser(live_server, browser, operation, session, cipher):
    session.rollback()  # release SQLite's lock taken by the fixtures: the server writes
    page = browser.new_page(java_script_enabled=False)  # as on a phone without scripts
    page.goto(f"{live_server}/register?lang=fa-AF")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "ثبت نام برای تخلیه"
    page.fill("#p_full_name", "Zarghona Habibi")
    page.fill("#p_name_native", "زرغونه حبیبی")
    page.fill("#p_birth_date", "۱۳۶۷/۰۲/۲۳")
    page.fill("#p_phone", "۰۷۰۲۲۲۳۳۴۴")
    page.select_option("#p_sex", "F")
    page.click("button[value=add]")
    page.fill("#m0_full_name", "Nabi Habibi")
    page.select_option("#m0_relationship", "spouse")
    page.click("button[value=add]")
    page.fill("#m1_full_name", "Mina Habibi")
    page.select_option("#m1_relationship", "child")
    page.fill("#m1_birth_date", "1395")
    assert page.input_value("#m0_full_name") == "Nabi Habibi"  # kept across the step
    page.click("button[value=register]")
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"EV-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    assert page.locator("h1").inner_text() == "ثبت نام دریافت شد"
    page.close()
    records = stored(session, cipher)
    assert [r.relationship for r in records] == ["principal", "spouse", "child"]
    zarghona = records[0]
    assert (zarghona.birth_year, zarghona.birth_month, zarghona.birth_day) == (1988, 5, 13)
    assert zarghona.phone == "+93702223344" and zarghona.name_native == "زرغونه حبیبی"
    assert records[2].birth_year == 2016  # 1395 SH began in March 2016


def test_principals_differing_only_in_spelling_are_two_families(session, cipher):
    """The household key covers the principal's exact answers: a blind index would fold
    "Abdul Rahman" and "Abdulrahman" into one key and drop the second family's child."""
    child = {"full_name": "Omid", "relationship": "son", "birth_date": "2012"}
    outcomes = [
        register_household(session, cipher=cipher, principal={"full_name": name}, members=[child])
        for name in ("Abdul Rahman", "Abdulrahman", "Abdul Rahman")
    ]
    assert [(o.accepted, o.duplicates) for o in outcomes] == [(2, 0), (2, 0), (0, 2)]
    households = {r.household_ref for r in stored(session, cipher)}
    assert len(households) == 2
    first, second, again = (o.reference for o in outcomes)
    assert first != second and again == first


def test_the_page_names_who_runs_it_and_what_is_done_with_the_data(settings, operation, session):
    session.commit()
    settings.organisation = "Kabul Task Force"
    client = TestClient(create_app(settings))
    english = client.get("/register?lang=en").text
    assert "This form is run by" in english and "Kabul Task Force" in english
    assert '<bdi dir="ltr" class="ltr">test-op</bdi>' in english  # the operation's name
    assert "Only the staff who run this evacuation read them" in english
    assert "the key that opens them is destroyed" in english
    dari = client.get("/register?lang=fa-AF").text
    assert "این فورم را" in dari and "کلیدی که آن‌ها را باز می‌کند" in dari


def test_provinces_are_the_34_in_the_pages_language(client):
    page = client.get("/register?lang=fa-AF").text
    select = page.split('<select id="p_province"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert len(options) == 35 and options[0][0] == ""  # "—", then the 34
    assert ("Balkh", "بلخ") in options and ("Kabul", "کابل") in options
    english = client.get("/register?lang=en").text
    assert '<option value="Nangarhar">Nangarhar</option>' in english


def test_the_phone_hint_shows_only_numbers_the_check_accepts(client):
    for example in HINT_EXAMPLES["phone"].values():
        assert canonical_phone(example) is not None, example
    form = {"p_full_name": "Gul Ahmad", "p_phone": "07OO 123 456", "members": "0"}  # O for 0
    form["csrf"] = csrf_token(client, "/register?lang=fa-AF")
    refused = client.post("/register?lang=fa-AF", data=form)
    assert refused.status_code == 422
    error = refused.text.split('id="p_phone-error">')[1].split("</strong>")[0]
    assert error.startswith("یک شمارهٔ موبایل افغانستان مانند")  # one sentence, in Dari
    assert '<bdi dir="ltr" class="ltr">0799 123 456</bdi>' in error
    assert '<bdi dir="ltr" class="ltr">+93 799 123 456</bdi>' in error
    assert "country code" not in refused.text  # no English line under the Dari one


def _register(client, phone: str = "0799 123 456") -> str:
    form = {"p_full_name": "Ahmad Wali Rahimi", "p_phone": phone, "members": "1"}
    form |= {"m0_full_name": "Omid Rahimi", "m0_relationship": "child"}
    form["csrf"] = csrf_token(client, "/register")
    done = client.post("/register", data=form)
    return re.search(r'id="reference">(EV-[A-Z0-9-]+)<', done.text).group(1)


def _ask(client, reference: str, phone: str, lang: str = "en"):
    form = {"reference": reference, "phone": phone, "csrf": csrf_token(client, "/register/status")}
    return client.post(f"/register/status?lang={lang}", data=form)


def _progress(page) -> str:
    return re.search(r'data-progress="(\w+)"', page.text).group(1)


def test_status_page_answers_by_reference_and_phone_together(client, session, cipher):
    session.commit()  # release SQLite's lock taken by the cipher fixture: the app writes
    reference = _register(client)
    session.rollback()
    received = _ask(client, reference, "+93799123456")  # the same number, written otherwise
    assert _progress(received) == "received"
    assert "Ahmad" not in received.text and "Omid" not in received.text  # no one's data
    assert "Nobody has looked at it yet" in received.text

    registrations = session.scalars(select(Registration).order_by(Registration.id)).all()
    ahmad = create_person(session, cipher=cipher, names=PersonNames("Ahmad Wali Rahimi"))
    registrations[0].person_id = ahmad.id
    session.commit()
    typed = reference.lower().replace("-", " ")  # as read out over a phone
    assert _progress(_ask(client, typed, "0799123456")) == "being_reviewed"
    ahmad.state = State.eligible
    session.commit()
    contacted = _ask(client, reference, "0799 123 456", lang="ps")
    assert _progress(contacted) == "will_be_contacted"
    assert "له تاسو سره به اړیکه ونیول شي" in contacted.text  # in Pashto


def test_a_wrong_pair_gets_the_same_answer_as_an_unknown_reference(client):
    reference = _register(client)
    other = _register(client, phone="0700 111 222")  # another family
    answers = [
        _ask(client, reference, "0700 111 222"),  # a real phone, of another registration
        _ask(client, other, "0799 123 456"),
        _ask(client, "EV-AAAA-AAAA", "0799 123 456"),  # no such reference
        _ask(client, reference, "not a phone"),
    ]
    texts = {_progress(a) for a in answers}
    bodies = {a.text.split('data-progress="unknown">')[1].split("</p>")[0] for a in answers}
    assert texts == {"unknown"} and len(bodies) == 1
    assert {a.status_code for a in answers} == {200}


def test_status_questions_are_rate_limited(client):
    token = csrf_token(client, "/register/status")
    form = {"reference": "EV-AAAA-AAAA", "phone": "0799 123 456", "csrf": token}
    codes = [client.post("/register/status", data=form).status_code for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429
