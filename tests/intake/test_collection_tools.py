"""KoboToolbox XLSX and ODK Central CSV zip exports, with their XLSForm, imported as households
through the real service and CLI, on SQLite and PostgreSQL. The exports are built here, shaped
as the tools write them (synthetic people)."""

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from evac.app import create_app
from evac.auth.permissions import Role, cli_actor
from evac.cli import app
from evac.intake.collection_tools import apply_form, odk_zip_tables, read_xlsform
from evac.intake.mapping import FIELDS, propose_for_tables
from evac.intake.readers import UnreadableFile, read_source
from evac.intake.service import import_tables
from evac.people.models import Registration
from evac.people.service import read_registration

MAIN_SHEET = "Afghan family registration"
# (uuid, principal, q7 = date of birth, phone, members: (name, sex, relationship, birth date))
SUBMISSIONS = [
    (
        "4f1c2a9e-0001",
        "Ahmad Wali Rahimi",
        "1986-05-12",
        "0799 123 456",
        [("Freshta Rahimi", "F", "wife", "1990-03-02"), ("Omid Rahimi", "M", "son", "2012")],
    ),
    (
        "4f1c2a9e-0002",
        "Bibi Gul Noori",
        "1365/02/22",
        "0772 345 678",
        [
            ("Laila Noori", "F", "daughter", "2010-07-19"),
            ("Nasir Noori", "M", "son", "30/02/2014"),  # no such day: the broken member row
        ],
    ),
    (
        "4f1c2a9e-0003",
        "Sayed Jawad Hashimi",
        "1979",
        "+93 700 111 222",
        [("Zarmina", "F", "wife", "")],
    ),
]
KOBO_METADATA = {
    "_submission_time": "2021-08-20T09:14:03",
    "_validation_status": "validation_status_approved",
    "_status": "submitted_via_web",
    "_submitted_by": "enumerator7",
    "_notes": "",
    "_tags": "",
    "__version__": "vK3xpxQ9w4zBFn9gLJcRfW",
}
KOBO_REPEAT_METADATA = (
    "_parent_table_name",
    "_parent_index",
    "_submission__id",
    "_submission__uuid",
    "_submission__submission_time",
)
ODK_METADATA = (
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)
MEMBERS = sum(len(members) for *_, members in SUBMISSIONS)
PEOPLE = len(SUBMISSIONS) + MEMBERS


def kobo_export(
    path: Path,
    *,
    group_paths: bool = True,
    submissions: list = SUBMISSIONS,
    validation: str = KOBO_METADATA["_validation_status"],
) -> Path:
    """A KoboToolbox XLSX export: the main sheet, and the repeat group's own sheet joined by
    `_index` / `_parent_index`. Without group paths, Kobo's "include groups" is off. `_id`
    follows the submission, `_index` its position in this export."""
    respondent = "respondent/" if group_paths else ""
    member = "family_members/" if group_paths else ""
    workbook = Workbook()
    main = workbook.active
    main.title = MAIN_SHEET
    questions = [f"{respondent}{name}" for name in ("full_name", "q7", "phone")]
    main.append(["start", "end", "deviceid", *questions, "_id", "_uuid", *KOBO_METADATA, "_index"])
    repeat = workbook.create_sheet("family_members")
    member_questions = [f"{member}member_{name}" for name in ("name", "sex", "relation", "dob")]
    repeat.append([*member_questions, "_index", *KOBO_REPEAT_METADATA])
    member_index = 0
    metadata = {**KOBO_METADATA, "_validation_status": validation}
    for index, (uuid, name, born, phone, members) in enumerate(submissions, start=1):
        started = "2021-08-20T09:02:11.000+04:30"
        device = [started, started, "ee.kobotoolbox.org:AbC123"]
        submission_id = 4100 + int(uuid.rpartition("-")[2])
        main.append([*device, name, born, phone, submission_id, uuid, *metadata.values(), index])
        for member_name, sex, relationship, member_born in members:
            member_index += 1
            parent = [MAIN_SHEET, index, submission_id, uuid, KOBO_METADATA["_submission_time"]]
            repeat.append([member_name, sex, relationship, member_born, member_index, *parent])
    workbook.save(path)
    return path


ODK_MAIN = "afghan_registration.csv"
ODK_REPEAT = "afghan_registration-family_members.csv"


def odk_export(path: Path, *, submissions: list = SUBMISSIONS, review: str = "approved") -> Path:
    """An ODK Central CSV zip: the main CSV and the repeat's, joined by KEY / PARENT_KEY, with
    group paths joined by '-', and an attachment that is not read."""
    questions = [f"respondent-{name}" for name in ("full_name", "q7", "phone")]
    main = [["SubmissionDate", *questions, "meta-instanceID", "KEY", *ODK_METADATA]]
    member_questions = [f"family_members-member_{n}" for n in ("name", "sex", "relation", "dob")]
    repeat = [[*member_questions, "PARENT_KEY", "KEY"]]
    for uuid, name, born, phone, members in submissions:
        key = f"uuid:{uuid}"
        metadata = [
            "12",
            "enumerator7",
            "0",
            "1",
            "",
            review,
            "collect:Xyz9",
            "0",
            "2021082001",
        ]
        main.append(["2021-08-20T09:14:03.000Z", name, born, phone, key, key, *metadata])
        for position, member in enumerate(members, start=1):
            repeat.append([*member, key, f"{key}/family_members[{position}]"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ODK_MAIN, csv_text(main))
        archive.writestr(ODK_REPEAT, csv_text(repeat))
        archive.writestr("media/1629450843000.jpg", b"\xff\xd8\xff\xe0 not a person")
    return path


def csv_text(rows: list[list[str]]) -> str:
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    return output.getvalue()


def xlsform(path: Path) -> Path:
    """The form's definition: `q7` says what it asks only in its labels."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(
        ["type", "name", "label::English (en)", "label::Dari (prs)", "label::Pashto (ps)"]
    )
    survey.append(["start", "start", "", "", ""])
    survey.append(["begin_group", "respondent", "Respondent", "پاسخ دهنده", "ځواب ورکوونکی"])
    survey.append(["text", "full_name", "Full name", "نام کامل", "بشپړ نوم"])
    survey.append(["date", "q7", "Date of birth", "تاریخ تولد", "د زیږیدو نیټه"])
    survey.append(["text", "phone", "Phone", "شماره تلفن", "د تلیفون شمیره"])
    survey.append(["end_group", "", "", "", ""])
    survey.append(["begin_repeat", "family_members", "Family members", "اعضای خانواده", ""])
    survey.append(["text", "member_name", "Name", "نام", "نوم"])
    survey.append(["end_repeat", "", "", "", ""])
    workbook.create_sheet("choices").append(["list_name", "name", "label"])
    workbook.save(path)
    return path


def import_file(session, cipher, path: Path, *, form: Path | None = None, dry_run=False, workers=0):
    tables = read_source(path)
    if form:
        apply_form(tables, read_xlsform(form.name, form))
    return import_tables(
        session,
        actor=cli_actor(),
        cipher=cipher,
        source="kobo-ngo",
        file=path.name,
        tables=tables,
        mapping=propose_for_tables(tables),
        dry_run=dry_run,
        batch_size=3,  # several batches even in these small files
        workers=workers,
    )


def stored(session, cipher) -> dict[str, tuple[dict, object]]:
    """Every stored registration's raw row and record, by the record's full name."""
    found = {}
    for registration in session.scalars(select(Registration).order_by(Registration.id)):
        raw, record = read_registration(registration, cipher=cipher)
        found[record.full_name] = (raw, record)
    session.rollback()  # end the read: on SQLite a transaction holds the lock a command needs
    return found


def assert_households(found: dict, *, birth_dates_read: bool) -> None:
    """Each submission is one household: its principal, then its members by their names."""
    for _uuid, name, _born, _phone, members in SUBMISSIONS:
        _, principal = found[name]
        assert principal.relationship == "principal"
        for member_name, _, relationship, _ in members:
            if member_name == "Nasir Noori":
                continue  # the broken row
            _, record = found[member_name]
            assert record.household_ref == principal.household_ref
            assert record.relationship == {"wife": "spouse"}.get(relationship, "child")
    assert len({record.household_ref for _, record in found.values()}) == len(SUBMISSIONS)
    wali = found["Ahmad Wali Rahimi"][1]
    assert wali.phone == "+93799123456"
    if birth_dates_read:
        assert (wali.birth_year, wali.birth_month, wali.birth_day) == (1986, 5, 12)
        assert found["Bibi Gul Noori"][1].birth_year == 1986  # 1365/02/22 SH
    else:
        assert wali.birth_year is None


def test_kobo_export_is_read_as_households(session, cipher, tmp_path):
    path = kobo_export(tmp_path / "kobo_export.xlsx")
    summary = import_file(session, cipher, path)
    assert (summary.rows_read, summary.accepted, summary.households) == (PEOPLE, PEOPLE - 1, 3)
    assert dict(summary.rejected_by_reason) == {"invalid birth_date": 1}
    (reject,) = summary.rejects
    assert reject.row.locator == "kobo_export.xlsx sheet 'family_members' row 5"
    assert reject.household == f"{MAIN_SHEET}#4f1c2a9e-0002"  # its submission's household
    found = stored(session, cipher)
    # q7 is only a question's name: without the form nothing says it is a date of birth
    assert_households(found, birth_dates_read=False)
    laila = found["Laila Noori"][1]
    assert (laila.sex, laila.birth_year, laila.birth_month) == ("F", 2010, 7)


def test_kobo_metadata_is_kept_as_provenance_never_as_a_persons_field(session, cipher, tmp_path):
    path = kobo_export(tmp_path / "kobo_export.xlsx")
    tables = read_source(path)
    mapping = propose_for_tables(tables)
    for header in [*KOBO_METADATA, "_uuid", "_index", "_parent_index", "_parent_table_name"]:
        assert mapping[header] is None, header
    assert mapping["start"] is mapping["deviceid"] is mapping["_submission__uuid"] is None
    assert mapping["_id"] == "source_record_id"  # the submission's own id
    import_file(session, cipher, path)
    found = stored(session, cipher)
    raw, wali = found["Ahmad Wali Rahimi"]
    assert raw["_status"] == "submitted_via_web" and raw["_uuid"] == "4f1c2a9e-0001"
    assert raw["_validation_status"] == "validation_status_approved"
    assert wali.source_record_id == "4101"
    member_raw, _ = found["Freshta Rahimi"]
    assert (member_raw["_parent_index"], member_raw["_parent_table_name"]) == ("1", MAIN_SHEET)
    metadata_values = {v for v in KOBO_METADATA.values() if v} | {"ee.kobotoolbox.org:AbC123"}
    for _, record in found.values():
        assert record.category_claimed is None
        values = {str(getattr(record, name, "")) for name in FIELDS}
        assert not values & metadata_values


def test_kobo_export_without_group_paths(session, cipher, tmp_path):
    """Kobo's "include groups" off: `full_name` and `member_name` are both names, each of its
    own sheet's people."""
    path = kobo_export(tmp_path / "kobo_flat.xlsx", group_paths=False)
    mapping = propose_for_tables(read_source(path))
    assert mapping["full_name"] == mapping["member_name"] == "full_name"
    summary = import_file(session, cipher, path)
    assert (summary.accepted, summary.households) == (PEOPLE - 1, 3)
    assert_households(stored(session, cipher), birth_dates_read=False)


def test_xlsform_labels_propose_the_mapping(session, cipher, tmp_path):
    path = kobo_export(tmp_path / "kobo_export.xlsx")
    form = xlsform(tmp_path / "form.xlsx")
    tables = read_source(path)
    apply_form(tables, read_xlsform(form.name, form))
    assert tables[0].labels["respondent/q7"][:2] == ("Date of birth", "تاریخ تولد")
    assert propose_for_tables(tables)["respondent/q7"] == "birth_date"
    summary = import_file(session, cipher, path, form=form)
    assert summary.accepted == PEOPLE - 1
    assert_households(stored(session, cipher), birth_dates_read=True)


def test_xlsform_in_dari_alone_still_names_the_question(tmp_path):
    workbook = Workbook()
    workbook.active.title = "survey"
    workbook.active.append(["type", "name", "label::Dari (prs)"])
    workbook.active.append(["date", "q7", "تاریخ تولد"])
    workbook.save(tmp_path / "dari_form.xlsx")
    tables = read_source(kobo_export(tmp_path / "kobo_export.xlsx"))
    apply_form(tables, read_xlsform("dari_form.xlsx", tmp_path / "dari_form.xlsx"))
    assert propose_for_tables(tables)["respondent/q7"] == "birth_date"


def test_a_file_that_is_not_an_xlsform_is_refused(tmp_path):
    path = kobo_export(tmp_path / "kobo_export.xlsx")
    with pytest.raises(UnreadableFile, match="not an XLSForm: it has no 'survey' sheet"):
        read_xlsform(path.name, path)


def test_reimport_of_an_export_adds_nothing(session, cipher, tmp_path):
    kobo = kobo_export(tmp_path / "kobo_export.xlsx")
    first = import_file(session, cipher, kobo)
    again = import_file(session, cipher, kobo)
    assert (first.accepted, again.accepted, again.duplicates) == (PEOPLE - 1, 0, PEOPLE - 1)
    odk = odk_export(tmp_path / "odk_export.zip")
    odk_first = import_file(session, cipher, odk)
    odk_again = import_file(session, cipher, odk)
    assert (odk_first.accepted, odk_again.accepted) == (PEOPLE - 1, 0)


def later_export(*, corrected: bool = False) -> list:
    """The same submissions exported again, in another order (a filter, a sort), perhaps with
    one answer corrected since."""
    later = [SUBMISSIONS[2], SUBMISSIONS[0], SUBMISSIONS[1]]
    if corrected:
        uuid, _, born, phone, members = later[1]
        later[1] = (uuid, "Ahmad Wali Rahimy", born, phone, members)
    return later


def test_a_later_export_of_the_same_submissions_adds_nothing(session, cipher, tmp_path):
    """Review states and positions change between exports; the people do not. The raw row
    is still stored whole."""
    kobo = kobo_export(tmp_path / "kobo_1.xlsx", validation="validation_status_on_hold")
    first = import_file(session, cipher, kobo)
    reviewed = kobo_export(tmp_path / "kobo_2.xlsx", submissions=later_export())
    again = import_file(session, cipher, reviewed)
    assert (first.accepted, again.accepted, again.duplicates) == (PEOPLE - 1, 0, PEOPLE - 1)
    raw, _ = stored(session, cipher)["Ahmad Wali Rahimi"]
    assert (raw["_validation_status"], raw["_index"]) == ("validation_status_on_hold", "1")
    odk = odk_export(tmp_path / "odk_1.zip", review="")
    odk_first = import_file(session, cipher, odk)
    odk_reviewed = odk_export(tmp_path / "odk_2.zip", submissions=later_export(), review="approved")
    odk_again = import_file(session, cipher, odk_reviewed)
    assert (odk_first.accepted, odk_again.accepted, odk_again.duplicates) == (
        PEOPLE - 1,
        0,
        PEOPLE - 1,
    )


def test_a_worker_process_leaves_the_same_columns_out_of_the_hash(session, cipher, tmp_path):
    kobo = kobo_export(tmp_path / "kobo_1.xlsx", validation="validation_status_on_hold")
    first = import_file(session, cipher, kobo, workers=1)
    reviewed = kobo_export(tmp_path / "kobo_2.xlsx", submissions=later_export())
    again = import_file(session, cipher, reviewed, workers=0)
    assert (first.accepted, again.accepted, again.duplicates) == (PEOPLE - 1, 0, PEOPLE - 1)


def test_a_corrected_answer_in_a_later_export_is_a_new_registration(session, cipher, tmp_path):
    import_file(session, cipher, kobo_export(tmp_path / "kobo_1.xlsx"))
    corrected = kobo_export(tmp_path / "kobo_2.xlsx", submissions=later_export(corrected=True))
    again = import_file(session, cipher, corrected)
    # the principal's row changed: it, and its members whose hashes cover it, are new rows
    wali_household = 1 + len(SUBMISSIONS[0][4])
    assert (again.accepted, again.duplicates) == (wali_household, PEOPLE - 1 - wali_household)
    assert "Ahmad Wali Rahimy" in stored(session, cipher)
    import_file(session, cipher, odk_export(tmp_path / "odk_1.zip"))
    odk_again = import_file(
        session,
        cipher,
        odk_export(tmp_path / "odk_2.zip", submissions=later_export(corrected=True)),
    )
    assert (odk_again.accepted, odk_again.duplicates) == (
        wali_household,
        PEOPLE - 1 - wali_household,
    )


def test_odk_central_zip_is_read_as_households(session, cipher, tmp_path):
    path = odk_export(tmp_path / "odk_export.zip")
    tables = read_source(path)
    assert [table.name for table in tables] == [ODK_MAIN]
    mapping = propose_for_tables(tables)
    assert mapping["family_members-member_name"] == mapping["respondent-full_name"] == "full_name"
    assert mapping["family_members-member_relation"] == "relationship"
    for header in ["SubmissionDate", "meta-instanceID", "PARENT_KEY", *ODK_METADATA]:
        assert mapping[header] is None, header
    assert mapping["KEY"] == "source_record_id"
    summary = import_file(session, cipher, path, form=xlsform(tmp_path / "form.xlsx"))
    assert (summary.rows_read, summary.accepted, summary.households) == (PEOPLE, PEOPLE - 1, 3)
    (reject,) = summary.rejects
    assert reject.row.locator == f"{ODK_REPEAT} row 5"
    assert reject.household == f"{ODK_MAIN}#uuid:4f1c2a9e-0002"
    found = stored(session, cipher)
    assert_households(found, birth_dates_read=True)
    raw, freshta = found["Freshta Rahimi"]
    assert raw["KEY"] == "uuid:4f1c2a9e-0001/family_members[1]"
    assert freshta.source_record_id == raw["KEY"]
    assert found["Ahmad Wali Rahimi"][0]["ReviewState"] == "approved"


def test_a_repeat_row_whose_submission_is_not_in_the_export_is_kept(session, cipher, tmp_path):
    """An export filtered by date may hold a member without its submission: it is stored in a
    household of its own, not dropped."""
    path = tmp_path / "odk_filtered.zip"
    odk_export(tmp_path / "odk_export.zip")
    with zipfile.ZipFile(tmp_path / "odk_export.zip") as source:
        main = source.read(ODK_MAIN).decode().splitlines(keepends=True)
        repeat = source.read(ODK_REPEAT)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(ODK_MAIN, "".join([main[0], *main[2:]]))  # the first submission gone
        archive.writestr(ODK_REPEAT, repeat)
    summary = import_file(session, cipher, path)
    assert (summary.accepted, summary.households) == (PEOPLE - 2, 3)
    found = stored(session, cipher)
    assert found["Freshta Rahimi"][1].household_ref == found["Omid Rahimi"][1].household_ref


def test_kobo_nested_repeat_and_a_long_form_name(session, cipher, tmp_path):
    """Excel keeps 31 letters of a sheet's title, Kobo's `_parent_table_name` the whole form
    name; a repeat inside the members' repeat (their children) joins the same household."""
    form_name = "Registration of families at risk, Kabul, August 2021"
    workbook = Workbook()
    main = workbook.active
    main.title = form_name[:31]
    main.append(["name", "_id", "_uuid", "_index"])
    main.append(["Karima Sultani", 7001, "c0ffee-1", 1])
    spouses = workbook.create_sheet("spouse")
    spouses.append(["spouse/name", "_index", "_parent_table_name", "_parent_index"])
    spouses.append(["Rahim Sultani", 1, form_name, 1])
    children = workbook.create_sheet("children")
    children.append(["spouse/children/name", "_index", "_parent_table_name", "_parent_index"])
    children.append(["Mursal Sultani", 1, "spouse", 1])
    workbook.save(tmp_path / "nested.xlsx")
    summary = import_file(session, cipher, tmp_path / "nested.xlsx")
    assert (summary.accepted, summary.rejected, summary.households) == (3, 0, 1)
    found = stored(session, cipher)
    assert found["Mursal Sultani"][1].household_ref == f"{form_name[:31]}#c0ffee-1"


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_a_zip_bomb_is_refused_member_by_member(tmp_path):
    header = b"name,KEY\n"
    bomb = zip_of(tmp_path / "bomb.zip", {"form.csv": header + b"0" * (8 * 2**20)})
    assert bomb.stat().st_size < 100_000  # 8 MB that unpack from a few kB
    with pytest.raises(UnreadableFile, match=r"form\.csv unpacks to more than 1 MB"):
        odk_zip_tables(bomb.name, bomb, member_limit=2**20)
    # each member under the limit, the zip over its own
    members = {f"form-r{i}.csv": header + b"x,1\n" * 200_000 for i in range(4)}
    several = zip_of(tmp_path / "several.zip", members)
    with pytest.raises(UnreadableFile, match=r"3 MB a zip"):
        odk_zip_tables(several.name, several, member_limit=2**20, zip_limit=3 * 2**20)


@pytest.mark.parametrize(
    ("members", "says"),
    [
        ({"notes.txt": b"hello"}, "holds no .csv file"),
        ({"a.csv": b"name,phone\nx,y\n"}, "one main CSV, with a KEY column"),
    ],
)
def test_a_zip_that_is_not_an_odk_export_is_refused(tmp_path, members, says):
    path = zip_of(tmp_path / "other.zip", members)
    with pytest.raises(UnreadableFile, match=says):
        read_source(path)


def test_a_csv_cell_too_large_is_refused_clearly(tmp_path):
    path = zip_of(tmp_path / "odd.zip", {"form.csv": b"name,KEY\n" + b"1" * 200_000})
    with pytest.raises(UnreadableFile, match=r"form\.csv: line 2 cannot be read as CSV"):
        read_source(path)


def test_a_broken_zip_is_refused(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(UnreadableFile, match=r"not a readable \.zip"):
        read_source(path)


def environment(settings) -> dict[str, str]:
    return {
        "EVAC_DATABASE_URL": settings.database_url,
        "EVAC_MASTER_KEY": settings.master_key.get_secret_value(),
        "COLUMNS": "200",
    }


@pytest.mark.parametrize(
    ("export", "name", "broken_row"),
    [
        (kobo_export, "export.xlsx", "export.xlsx sheet 'family_members' row 5"),
        (odk_export, "export.zip", f"{ODK_REPEAT} row 5"),
    ],
)
def test_evac_import_with_the_form(
    settings, operation, session, cipher, tmp_path, export, name, broken_row
):
    path = export(tmp_path / name)
    form = xlsform(tmp_path / "form.xlsx")
    command = ["import", str(path), "--source", "kobo-ngo", "--form", str(form), "--yes"]
    session.commit()  # release SQLite's lock: the command writes
    result = CliRunner().invoke(app, command, env=environment(settings))
    assert result.exit_code == 0, result.output
    assert "birth_date" in result.output and "rejected: invalid birth_date" in result.output
    with (tmp_path / "export.rejected.csv").open(encoding="utf-8-sig", newline="") as rejects:
        (rejected,) = csv.DictReader(rejects)
    assert rejected["evac_row"] == broken_row
    assert rejected["evac_error"].endswith("member_dob: 2014-02-30 does not exist")
    assert_households(stored(session, cipher), birth_dates_read=True)
    again = CliRunner().invoke(app, command, env=environment(settings))
    assert again.exit_code == 0, again.output
    assert len(stored(session, cipher)) == PEOPLE - 1


def test_evac_import_refuses_a_form_that_is_not_one(settings, operation, tmp_path):
    path = kobo_export(tmp_path / "export.xlsx")
    command = ["import", str(path), "--source", "kobo-ngo", "--form", str(path), "--yes"]
    result = CliRunner().invoke(app, command, env=environment(settings))
    assert result.exit_code == 1 and "not an XLSForm" in result.output


def test_upload_page_takes_an_odk_zip_and_its_form(
    settings, operation, session, cipher, auth_headers, tmp_path
):
    session.commit()
    client = TestClient(create_app(settings))
    officer = auth_headers(Role.officer)
    page = client.get("/intake/upload?lang=ps", headers=officer)
    assert 'name="form" type="file"' in page.text and ".zip" in page.text
    export, form = odk_export(tmp_path / "export.zip"), xlsform(tmp_path / "form.xlsx")
    with export.open("rb") as zipped, form.open("rb") as definition:
        proposed = client.post(
            "/intake/upload",
            data={"source": "odk-ngo"},
            files={
                "file": ("export.zip", zipped, "application/zip"),
                "form": ("form.xlsx", definition, "application/octet-stream"),
            },
            headers=officer,
        )
    assert proposed.status_code == 200, proposed.text
    proposal = proposed_fields(proposed.text)
    assert proposal["respondent-q7"] == "birth_date"  # from the form's label
    assert proposal["family_members-member_name"] == "full_name"
    assert proposal["Status"] == proposal["ReviewState"] == ""
    token = re.search(r'name="token" value="([^"]+)"', proposed.text).group(1)
    columns = dict(re.findall(r'<label for="(column-\d+)">([^<]*)</label>', proposed.text))
    form_fields = {name: proposal[header] for name, header in columns.items()}
    done = client.post(
        "/intake/upload/confirm", data={"token": token, **form_fields}, headers=officer
    )
    accepted = re.search(r'data-count="accepted">.*?<td class="number">(\d+)<', done.text, re.S)
    assert accepted.group(1) == str(PEOPLE - 1)
    assert_households(stored(session, cipher), birth_dates_read=True)


def proposed_fields(page: str) -> dict[str, str]:
    """{column: the field selected for it} of the upload page's mapping step."""
    headers = dict(re.findall(r'<label for="(column-\d+)">([^<]*)</label>', page))
    fields = {}
    for name, options in re.findall(r'<select id="(column-\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[headers[name]] = chosen.group(1) if chosen else ""
    return fields
