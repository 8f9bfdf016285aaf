"""The partner API (tokens, own source only) and the upload page with its mapping step."""

import csv
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import evac.intake.uploads as uploads_module
from evac.auth.permissions import Role
from evac.intake.models import RejectedRow
from evac.intake.service import profile_entries
from evac.intake.uploads import UPLOAD_SECONDS, UploadGone, keep_upload, open_upload
from evac.people.models import Registration
from evac.vault.audit import AuditEntry

FILES = Path(__file__).parent / "files"
ROWS = [
    {"full_name": "Gul Ahmad Safi", "birth_date": "1360", "phone": "0700 123 456"},
    {"full_name": "Shirin Safi", "birth_date": "31/09/1985", "relationship": "wife"},
    {"full_name": "Ali Safi", "birth_date": "2010", "relationship": "son"},
]


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
    stored = session.execute(select(RejectedRow.reason, RejectedRow.reason_sealed)).all()
    assert [r.reason for r in stored] == ["invalid birth_date"] * 2  # sent twice; no cell
    assert all(b"1985" not in r.reason_sealed for r in stored)
    reads = select(func.count()).where(AuditEntry.action == "intake.rejections.read")
    assert session.scalar(reads) == 3  # the answers to both submissions, and the look-up


def test_who_may_submit(client, auth_headers):
    stranger = client.post("/api/v1/intake/submissions", json={"rows": ROWS})
    assert stranger.status_code == 403 and "Bearer" in stranger.json()["detail"]  # CSRF first
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
    for source in ("ngo\x00alpha", "ngo\nalpha", ""):  # PostgreSQL refuses a NUL: a 500 before
        body = {"rows": ROWS, "source": source}
        sent = client.post("/api/v1/intake/submissions", json=body, headers=officer)
        assert sent.status_code == 422, source


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


def test_upload_page_proposes_a_mapping_that_can_be_corrected(
    client, auth_headers, session, cipher
):
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
    form = {"token": token, **mapping}
    checked = client.post("/intake/upload/confirm", data={**form, "dry_run": "1"}, headers=officer)
    assert "nothing was stored" not in checked.text  # Dari page
    assert 'data-count="accepted"><th scope="row">' in checked.text
    # the check's page offers the import with the same upload and the corrected mapping
    assert f'name="token" value="{token}"' in checked.text
    assert selected_hidden(checked.text) == mapping
    done = client.post("/intake/upload/confirm", data=form, headers=officer)
    assert done.status_code == 200
    accepted = re.search(r'data-count="accepted">.*?<td class="number">(\d+)<', done.text, re.S)
    assert accepted.group(1) == "6"  # with the phone unread, row 7 is no longer rejected
    session.rollback()
    profile = profile_entries(session, cipher=cipher, source="ngo-alpha")
    assert profile["Phone/WhatsApp"] is None
    session.rollback()
    expired = client.post("/intake/upload/confirm", data=form, headers=officer)
    assert expired.status_code == 404


def selected_hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(column-\d+)" value="([^"]*)">', page))


def test_partner_uploads_only_for_itself(client, auth_headers):
    partner = auth_headers(Role.partner, "ngo-alpha")
    page = client.get("/intake/upload", headers=partner)
    assert 'value="ngo-alpha" readonly' in page.text
    proposed = upload(
        client, partner, name="webform.json", source="someone-else", media_type="application/json"
    )
    assert 'id="source">ngo-alpha<' in proposed.text
    assert 'name="source"' not in proposed.text  # the source is sealed with the upload
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
    # "female?" is kept with a flag for staff (test_import's table of the same file)
    assert counts == {
        "read": "7",
        "accepted": "6",
        "flagged": "1",
        "duplicates": "0",
        "households": "2",
    }


def sealed_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.exists() else {}


def test_uploads_wait_sealed_tied_to_source_and_uploader_and_go_away(
    client, auth_headers, session, uploads
):
    officer, other_officer = auth_headers(Role.officer), auth_headers(Role.officer)
    proposed = upload(
        client, officer, name="ngo_alpha.csv", source="ngo-alpha", media_type="text/csv"
    )
    token = re.search(r'name="token" value="([^"]+)"', proposed.text).group(1)
    held = sealed_files(uploads)
    assert len(held) == 1
    [(name, content)] = held.items()
    plain = (FILES / "ngo_alpha.csv").read_bytes()
    # neither the file's name, the token, nor a cell or header is on disk in plain text
    assert "ngo_alpha" not in name and token not in name and name.endswith(".sealed")
    for text in ("Rahimi", "Ahmad Wali", "احمد ولی", "Full Name", "1365/02/22", "0799"):
        assert text.encode() not in content
    assert plain[:40] not in content and len(content) > len(plain)
    assert (uploads.stat().st_mode & 0o777, (uploads / name).stat().st_mode & 0o777) == (
        0o700,
        0o600,
    )

    form = {"token": token, "source": "someone-else", **selected_mapping(proposed.text)}
    refused = client.post("/intake/upload/confirm", data=form, headers=other_officer)
    assert refused.status_code == 404  # only the uploader confirms
    checked = client.post("/intake/upload/confirm", data={**form, "dry_run": "1"}, headers=officer)
    assert checked.status_code == 200 and sealed_files(uploads) == held  # kept for the import
    done = client.post("/intake/upload/confirm", data=form, headers=officer)
    assert done.status_code == 200 and sealed_files(uploads) == {}  # imported: gone
    session.rollback()
    sources = set(session.scalars(select(Registration.source)))
    session.rollback()
    assert sources == {"ngo-alpha"}  # the form's "someone-else" is not read

    # an abandoned upload expires after an hour, swept by the next request of the page
    upload(client, officer, name="hxl_list.csv", source="ngo-alpha", media_type="text/csv")
    [abandoned] = uploads.iterdir()
    hour_ago = time.time() - UPLOAD_SECONDS - 60
    os.utime(abandoned, (hour_ago, hour_ago))
    (uploads / "old-token.csv").write_bytes(plain)  # a plaintext upload of an earlier version
    newer = upload(
        client, officer, name="webform.json", source="ngo-alpha", media_type="application/json"
    )
    assert newer.status_code == 200
    assert [p.name for p in uploads.iterdir()] != [abandoned.name]
    assert len(list(uploads.iterdir())) == 1 and not abandoned.exists()


def test_a_sealed_upload_opens_only_with_its_token_until_it_expires(cipher, tmp_path, monkeypatch):
    folder = tmp_path / "up"
    content = (FILES / "ngo_beta.xlsx").read_bytes()  # a workbook: bytes, not text
    keep = {"cipher": cipher, "directory": folder, "source": "ngo-beta", "uploader": "officer-1"}
    token = keep_upload(name="ngo_beta.xlsx", content=content, **keep)
    other = keep_upload(name="other.csv", content=b"Name,DOB\nGul,1360\n", **keep)
    opened = open_upload(cipher=cipher, directory=folder, token=token, uploader="officer-1")
    assert (opened.name, opened.source, opened.content) == ("ngo_beta.xlsx", "ngo-beta", content)
    assert "Gul" not in repr(opened) and str(len(content)) in repr(opened)
    # a sealed file moved under another upload's name does not open as that upload
    [first, second] = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    first.replace(second)
    with pytest.raises(UploadGone):
        open_upload(cipher=cipher, directory=folder, token=other, uploader="officer-1")
    token = keep_upload(name="ngo_beta.xlsx", content=content, **keep)
    later = time.time() + UPLOAD_SECONDS + 1  # its own time, sealed inside, says it expired
    monkeypatch.setattr(uploads_module.time, "time", lambda: later)
    with pytest.raises(UploadGone, match="expired"):
        open_upload(cipher=cipher, directory=folder, token=token, uploader="officer-1")
    assert len(list(folder.iterdir())) == 1  # the expired one deleted, the moved one left


def test_the_upload_result_counts_values_kept_with_a_flag(client, auth_headers):
    officer = auth_headers(Role.officer)
    proposed = upload(
        client, officer, name="habits_congress.csv", source="congress", media_type="text/csv"
    )
    token = re.search(r'name="token" value="([^"]+)"', proposed.text).group(1)
    form = {"token": token, **selected_mapping(proposed.text)}
    done = client.post("/intake/upload/confirm?lang=en", data=form, headers=officer)
    assert done.status_code == 200
    flagged = dict(
        re.findall(
            r'data-count="flagged">.*?<span dir="ltr">(\w+)</span>.*?"number">(\d+)<',
            done.text,
            re.S,
        )
    )
    assert flagged == {"passport_shape": "1", "phone_unverified": "1"}
