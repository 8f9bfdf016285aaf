"""The eligibility pages: counts by category, priority and partner; a person's decision and
history; the claims still to map; the policy. In English, Dari and Pashto."""

from datetime import date

from fastapi.testclient import TestClient

from evac.app import create_app
from evac.auth.permissions import Role as UserRole
from evac.eligibility.flows import evaluate
from evac.eligibility.policy import default_policy_text
from evac.eligibility.service import load_policy_text
from evac.people.models import DocumentKind, Role
from tests.eligibility.register_world import OFFICER, household, person


def test_an_officer_reads_counts_a_decision_its_history_claims_and_the_policy(
    settings, session, operation, cipher, auth_headers
):
    applicant = person(
        session,
        cipher,
        claim="SIV",
        source="siv-case-list",
        documents=(DocumentKind.siv_case, DocumentKind.com_approval),
        approved_on=date(2021, 7, 2),
    )
    wife = person(session, cipher, source="siv-case-list", documents=(DocumentKind.tazkira,))
    person(
        session,
        cipher,
        claim="Former army officer",
        source="vets",
        documents=(DocumentKind.tazkira,),
    )
    household(session, operation, (applicant, Role.principal), (wife, Role.spouse))
    evaluate(session, cipher=cipher, actor=OFFICER, as_of=date(2021, 8, 25))
    text = default_policy_text().replace("version: us-2021-08-25", "version: us-2021-08-26")
    load_policy_text(
        session,
        operation_id=operation.id,
        actor=OFFICER,
        source="new.yaml",
        text=text.replace(
            "  - [siv_visa_issued, siv_com_approved]\n",
            "  - [siv_visa_issued]\n  - [siv_com_approved]\n",
        ),
    )
    evaluate(session, cipher=cipher, actor=OFFICER, as_of=date(2021, 8, 25), apply_new_policy=True)
    session.commit()
    officer = auth_headers(UserRole.officer)
    with TestClient(create_app(settings)) as client:
        overview = client.get("/eligibility", headers=officer)
        assert overview.status_code == 200
        assert 'data-category="siv_com_approved" data-outcome="eligible"' in overview.text
        assert 'data-source="siv-case-list"' in overview.text and "us-2021-08-26" in overview.text

        found = client.get(f"/eligibility?person={wife.id}", headers=officer)
        assert found.url.path == f"/eligibility/persons/{wife.id}"
        assert "spouse of SIV applicant with COM approval dated 2021-07-02" in found.text
        assert "priority 4" in found.text and "priority 3" in found.text  # now, and before
        assert '<span id="party-state">(Eligible)</span>' in found.text  # the party as one

        dari = client.get(f"/eligibility/persons/{wife.id}?lang=fa-AF", headers=officer)
        assert 'dir="rtl"' in dari.text and "واجد شرایط" in dari.text
        claims = client.get("/eligibility/claims?lang=ps", headers=officer)
        assert "Former army officer" in claims.text and "ادعاوې" in claims.text
        policy = client.get("/eligibility/policy?lang=en", headers=officer)
        assert "decisions follow it" in policy.text and "home_country: AFG" in policy.text

        planner = auth_headers(UserRole.planner)
        assert client.get("/eligibility", headers=planner).status_code == 200
        assert client.get(f"/eligibility/persons/{wife.id}", headers=planner).status_code == 403


def test_an_officer_overrides_and_withdraws_on_the_person_page(
    settings, session, operation, cipher, auth_headers
):
    brother = person(session, cipher, documents=(DocumentKind.tazkira,))
    evaluate(session, cipher=cipher, actor=OFFICER, as_of=date(2021, 8, 25))
    session.commit()
    officer = auth_headers(UserRole.officer)
    page = f"/eligibility/persons/{brother.id}"
    with TestClient(create_app(settings)) as client:
        assert 'action="' + page + '/override"' in client.get(page, headers=officer).text
        posted = client.post(
            f"{page}/override",
            headers=officer,
            data={"outcome": "eligible", "reason": "named in a threat letter"},
        )
        assert posted.url.path == page
        assert "threat letter" in posted.text and 'id="override"' in posted.text
        withdrawn = client.post(
            f"{page}/override",
            headers=officer,
            data={"withdraw": "true", "reason": "not confirmed"},
        )
        assert 'id="override"' not in withdrawn.text
        assert "no document, claim or nationality" in withdrawn.text.split('id="reason"')[1]
        planner = auth_headers(UserRole.planner)
        refused = client.post(
            f"{page}/override", headers=planner, data={"outcome": "eligible", "reason": "x"}
        )
        assert refused.status_code == 403
        assert 'id="decide"' not in client.get(page, headers=auth_headers(UserRole.auditor)).text


def test_an_officer_sets_and_clears_a_flag_on_the_person_page(
    settings, session, operation, cipher, auth_headers
):
    applicant = person(
        session,
        cipher,
        claim="SIV",
        documents=(DocumentKind.siv_case, DocumentKind.com_approval),
        approved_on=date(2021, 7, 2),
    )
    evaluate(session, cipher=cipher, actor=OFFICER, as_of=date(2021, 8, 25))
    session.commit()
    officer = auth_headers(UserRole.officer)
    page = f"/eligibility/persons/{applicant.id}"
    with TestClient(create_app(settings)) as client:
        before = client.get(f"{page}?lang=ps", headers=officer).text
        assert "د لومړیتوب نښې" in before and '<option value="medical">' in before
        posted = client.post(
            f"{page}/flag", headers=officer, data={"flag": "medical", "reason": "shrapnel wound"}
        )
        assert posted.url.path == page
        assert "raised from 3: medical" in posted.text
        assert "medical (set by" in posted.text and "shrapnel wound" in posted.text
        cleared = client.post(
            f"{page}/flag",
            headers=officer,
            data={"flag": "medical", "clear": "true", "reason": "treated, walking"},
        )
        assert "raised from" not in cleared.text.split('id="reason"')[1].split("</tr>")[0]
        assert "medical (cleared by" in cleared.text
        unknown = client.post(
            f"{page}/flag", headers=officer, data={"flag": "vip", "reason": "a minister's friend"}
        )
        assert unknown.status_code == 422
        planner = auth_headers(UserRole.planner)
        refused = client.post(
            f"{page}/flag", headers=planner, data={"flag": "medical", "reason": "x"}
        )
        assert refused.status_code == 403
