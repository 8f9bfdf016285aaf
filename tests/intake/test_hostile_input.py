"""Hostile answers through the forms, the API and the upload page: answers, not tracebacks;
names stored without invisible controls, the change flagged on the registration."""

import io
import json
import zipfile

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from evac.auth.permissions import Role
from evac.cli import app
from evac.intake import limits
from evac.intake.validate import CONTROLS_REMOVED, row_to_record
from evac.people.service import iter_registration_records
from tests.conftest import csrf_token

RIGHT_TO_LEFT_OVERRIDE = "\u202e"


@pytest.mark.parametrize(
    "written",
    [
        f"Ahmad {RIGHT_TO_LEFT_OVERRIDE}ilaW",
        "Ahmad\x00 Wali",
        "Ahmad \u2066Wali\u2069",
        "Ahmad\x07 Wali\x7f",
    ],
)
def test_controls_are_stripped_from_names_and_flagged(written):
    record = row_to_record({"Name": written}, {"Name": "full_name"})
    assert record.full_name.startswith("Ahmad ") and record.full_name.isprintable()
    assert CONTROLS_REMOVED in record.flags


def test_dari_joiners_stay_in_names_without_a_flag():
    record = row_to_record({"Name": "عبدالله\u200cزی"}, {"Name": "full_name"})
    assert record.name_native == "عبدالله\u200cزی" and record.flags == ()


def test_a_name_of_controls_alone_is_no_name():
    with pytest.raises(ValueError, match="no name"):
        row_to_record({"Name": "\x00\u202e"}, {"Name": "full_name"})


def test_names_sent_through_the_api_are_stored_clean_and_flagged(
    client, auth_headers, session, cipher
):
    officer = auth_headers(Role.officer)
    rows = [{"full_name": f"Gul Ahmad{RIGHT_TO_LEFT_OVERRIDE} Safi\x00", "birth_date": "1360"}]
    sent = client.post(
        "/api/v1/intake/submissions", json={"rows": rows, "source": "hotline"}, headers=officer
    )
    assert sent.status_code == 201 and sent.json()["accepted"] == 1
    session.rollback()
    (record,) = [record for _, record in iter_registration_records(session, cipher=cipher)]
    assert record.full_name == "Gul Ahmad Safi"
    assert record.flags == (CONTROLS_REMOVED,)


def test_a_ten_megabyte_name_through_the_api_is_a_clear_422(client, auth_headers):
    officer = auth_headers(Role.officer)
    rows = [{"full_name": "A" * 10 * limits.MB}]
    refused = client.post(
        "/api/v1/intake/submissions", json={"rows": rows, "source": "hotline"}, headers=officer
    )
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["loc"][-1] == "full_name" and "at most 1000 characters" in error["msg"]


def test_a_member_count_that_is_not_a_number_gives_the_form_back(client, session):
    session.rollback()
    token = csrf_token(client, "/register")
    answer = client.post(
        "/register", data={"p_full_name": "Ahmad Wali", "members": "abc", "csrf": token}
    )
    assert answer.status_code == 422
    assert 'value="Ahmad Wali"' in answer.text and 'role="alert"' in answer.text


def test_a_flood_in_a_form_field_gives_the_form_back(client, session):
    session.rollback()
    token = csrf_token(client, "/register")
    flood = "A" * (limits.FORM_FIELD_CHARS + 1)
    answer = client.post("/register", data={"p_full_name": flood, "members": "0", "csrf": token})
    assert answer.status_code == 422 and 'aria-invalid="true"' in answer.text


def merged_over_a_sheet() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Name", "Phone"])
    workbook.active.append(["Person One", "0799000001"])
    plain = io.BytesIO()
    workbook.save(plain)
    source, hostile = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                merge = b'<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'
                content = content.replace(b"</sheetData>", b"</sheetData>" + merge)
            target.writestr(info.filename, content)
    return hostile.getvalue()


def test_a_hostile_upload_gives_the_page_back_with_what_to_do(client, auth_headers, uploads):
    officer = auth_headers(Role.officer)
    answer = client.post(
        "/intake/upload",
        data={"source": "ngo-alpha"},
        files={"file": ("merged.xlsx", merged_over_a_sheet(), "application/octet-stream")},
        headers=officer,
    )
    assert answer.status_code == 422
    assert "merged.xlsx: its merged cells cover 17,179,852,800 cells" in answer.text
    assert not uploads.exists() or not list(uploads.iterdir())  # nothing kept


def test_an_upload_over_the_size_limit_is_refused(client, auth_headers, monkeypatch):
    monkeypatch.setattr(limits, "UPLOAD_BYTES", 1000)
    officer = auth_headers(Role.officer)
    answer = client.post(
        "/intake/upload",
        data={"source": "ngo-alpha"},
        files={"file": ("big.csv", b"Name,Phone\n" + b"Person,0799\n" * 100, "text/csv")},
        headers=officer,
    )
    assert answer.status_code == 413 and "big.csv is over" in answer.text


# --- `evac import` ----------------------------------------------------------------------------


def cli_environment(settings) -> dict[str, str]:
    return {
        "EVAC_DATABASE_URL": settings.database_url,
        "EVAC_MASTER_KEY": settings.master_key.get_secret_value(),
        "COLUMNS": "200",
    }


HEADERLESS = "Ahmad Wali Rahimi,1985-03-12,0799123456\nFreshta Rahimi,1990-01-02,0799123457\n"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_headerless_file_is_refused_then_read_with_a_mapping_by_position(
    settings, cipher, session, tmp_path, suffix
):
    session.commit()  # the cipher's read: on SQLite a transaction holds the write lock
    path = tmp_path / f"no_header{suffix}"
    if suffix == ".csv":
        path.write_text(HEADERLESS, encoding="utf-8")
    else:
        workbook = Workbook()
        for line in HEADERLESS.splitlines():
            workbook.active.append(line.split(","))
        workbook.save(path)
    runner, env = CliRunner(), cli_environment(settings)
    refused = runner.invoke(app, ["import", str(path), "--source", "hotline", "--yes"], env=env)
    assert refused.exit_code == 1
    assert "row 1 should name the columns" in refused.output and "Traceback" not in refused.output
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"column 1": "full_name", "column 2": "birth_date", "column 3": "phone"}),
        encoding="utf-8",
    )
    arguments = ["import", str(path), "--source", "hotline", "--mapping", str(mapping)]
    done = runner.invoke(app, arguments, env=env)
    assert done.exit_code == 0, done.output
    session.rollback()
    names = sorted(r.full_name for _, r in iter_registration_records(session, cipher=cipher))
    assert names == ["Ahmad Wali Rahimi", "Freshta Rahimi"]


def test_a_huge_cell_past_the_first_rows_is_one_line_from_evac_import(
    settings, cipher, session, tmp_path
):
    session.commit()
    path = tmp_path / "open_quote.csv"
    people = "".join(f"Person {n},0799{n:06d}\n" for n in range(40))
    path.write_bytes(b"Name,Phone\n" + people.encode() + b'"Person,' + b"x" * 10 * limits.MB)
    result = CliRunner().invoke(
        app, ["import", str(path), "--source", "hotline", "--yes"], env=cli_environment(settings)
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "open_quote.csv: line 42 cannot be read as CSV" in result.output
