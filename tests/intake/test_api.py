"""The partner API (tokens, own source only) and the upload page with its mapping step."""

import csv
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from evac.app import create_app
from evac.auth.permissions import Role
from evac.intake.models import MappingProfile
from evac.vault.audit import AuditEntry

FILES = Path(__file__).parent / "files"
ROWS = [
    {"full_name": "Gul Ahmad Safi", "birth_date": "1360", "phone": "0700 123 456"},
    {"full_name": "Shirin Safi", "birth_date": "31/09/1985", "relationship": "wife"},
    {"full_name": "Ali Safi", "birth_date": "2010", "relationship": "son"},
]


@pytest.fixture
def client(settings, operation, session):
    session.commit()
    return TestClient(create_app(settings))


def test_partner_submits_and_follows_only_its_own_rows(client, auth_headers, session):
    alpha = auth_headers(Role.partner, "ngo-alpha")
    beta = auth_headers(Role.partner, "ngo-beta")
    sent = client.post(
        "/api/v1/intake/submissions", json={"rows": ROWS, "source": "ngo-beta"}, headers=alpha
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["source"] == "ngo-alpha"  # a partner cannot write into another source
    assert (body["accepted"], body["rejected"], body["duplicates"]) == (2, 1, 0)
    assert body["rejections"] == [
        {"row": "row 2", "column": "birth_date", "reason": "birth_date: 1985-09-31 does not exist"}
    ]
    again = client.post("/api/v1/intake/submissions", json={"rows": ROWS}, headers=alpha).json()
    assert (again["accepted"], again["duplicates"]) == (0, 2)

    listed = client.get("/api/v1/intake/submissions", headers=alpha).json()
    assert [s["reference"] for s in listed] == [again["reference"], body["reference"]]
    assert client.get("/api/v1/intake/submissions", headers=beta).json() == []
    reference = body["reference"]
    assert client.get(f"/api/v1/intake/submissions/{reference}", headers=beta).status_code == 403
    own = client.get(f"/api/v1/intake/submissions/{reference}", headers=alpha)
    assert own.json()["status"] == "done"

    rejects = client.get(f"/intake/batches/{reference}/rejects.csv", headers=alpha)
    assert rejects.status_code == 200
    rows = list(csv.reader(rejects.text.lstrip("\ufeff").splitlines()))
    assert rows[1][0] == "row 2" and "Shirin Safi" in rows[1]
    assert client.get(f"/intake/batches/{reference}/rejects.csv", headers=beta).status_code == 403
    session.rollback()
    audited = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "intake.rejects.download")
    )
    assert audited == 1


def test_who_may_submit(client, auth_headers):
    assert client.post("/api/v1/intake/submissions", json={"rows": ROWS}).status_code == 401
    planner = auth_headers(Role.planner)
    refused = client.post("/api/v1/intake/submissions", json={"rows": ROWS}, headers=planner)
    assert refused.status_code == 403
    officer = auth_headers(Role.officer)
    no_source = client.post("/api/v1/intake/submissions", json={"rows": ROWS}, headers=officer)
    assert no_source.status_code == 422 and "source" in no_source.text
    ok = client.post(
        "/api/v1/intake/submissions", json={"rows": ROWS, "source": "hotline"}, headers=officer
    )
    assert ok.status_code == 201 and ok.json()["source"] == "hotline"
    assert (
        client.post("/api/v1/intake/submissions", json={"rows": []}, headers=officer).status_code
        == 422
    )


def selected_mapping(page: str) -> dict[str, str]:
    """The form fields of the mapping page as the browser would send them."""
    fields = {}
    for name, options in re.findall(
        r'<select id="[^"]+" name="(column-\d+)">(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def upload(client, headers: dict, *, name: str, source: str, media_type: str):
    """Send a file from tests/intake/files to the upload page, as its form does."""
    with (FILES / name).open("rb") as handle:
        return client.post(
            "/intake/upload",
            data={"source": source},
            files={"file": (name, handle, media_type)},
            headers=headers,
        )


def test_upload_page_proposes_a_mapping_that_can_be_corrected(client, auth_headers, session):
    officer = auth_headers(Role.officer)
    assert client.get("/intake/upload?lang=fa-AF", headers=officer).status_code == 200
    proposed = upload(
        client, officer, name="ngo_alpha.csv", source="ngo-alpha", media_type="text/csv"
    )
    assert proposed.status_code == 200 and 'dir="rtl"' in proposed.text
    token = re.search(r'name="token" value="([^"]+)"', proposed.text).group(1)
    mapping = selected_mapping(proposed.text)
    assert mapping["column-1"] == "full_name" and mapping["column-8"] == "phone"
    mapping["column-8"] = ""  # staff decide not to read the phone column
    form = {"token": token, "source": "ngo-alpha", **mapping}
    checked = client.post("/intake/upload/confirm", data={**form, "dry_run": "1"}, headers=officer)
    assert "nothing was stored" not in checked.text  # Dari page
    assert 'data-count="accepted"><th scope="row">' in checked.text
    done = client.post("/intake/upload/confirm", data=form, headers=officer)
    assert done.status_code == 200
    accepted = re.search(r'data-count="accepted">.*?<td class="number">(\d+)<', done.text, re.S)
    assert accepted.group(1) == "6"  # with the phone unread, row 7 is no longer rejected
    session.rollback()
    profile = session.scalar(select(MappingProfile).where(MappingProfile.source == "ngo-alpha"))
    assert profile.mapping["Phone/WhatsApp"] is None
    session.rollback()
    expired = client.post("/intake/upload/confirm", data=form, headers=officer)
    assert expired.status_code == 404


def test_partner_uploads_only_for_itself(client, auth_headers):
    partner = auth_headers(Role.partner, "ngo-alpha")
    page = client.get("/intake/upload", headers=partner)
    assert 'value="ngo-alpha" readonly' in page.text
    proposed = upload(
        client, partner, name="webform.json", source="someone-else", media_type="application/json"
    )
    assert 'name="source" value="ngo-alpha"' in proposed.text
    bad = client.post(
        "/intake/upload",
        data={"source": "x"},
        files={"file": ("list.pdf", b"%PDF-1.4", "application/pdf")},
        headers=partner,
    )
    assert bad.status_code == 422 and "evac reads .csv" in bad.text


def test_upload_in_a_browser_in_dari(logged_in_page, live_server, operation, session):
    session.commit()  # release SQLite's lock: the server writes
    page = logged_in_page(Role.officer)
    page.goto(f"{live_server}/intake/upload?lang=fa-AF")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "وارد کردن یک فهرست"
    page.fill("#source", "ngo-beta")
    page.set_input_files("#file", str(FILES / "ngo_beta.xlsx"))
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "بررسی ستون‌ها"
    # the Dari sheet's headers were proposed too
    dari_name = page.locator("label", has_text="نام پدر").get_attribute("for")
    assert page.input_value(f"#{dari_name}") == "father_name"
    page.click("button.primary")
    assert page.locator("h1").inner_text() == "نتیجه وارد کردن"
    counts = {
        row.get_attribute("data-count"): row.locator("td").inner_text()
        for row in page.locator("tr[data-count]").all()
        if row.get_attribute("data-count") != "rejected"
    }
    assert counts == {"read": "7", "accepted": "5", "duplicates": "0", "households": "2"}
