"""Importing the messy partner files (tests/intake/files) on SQLite and PostgreSQL."""

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from evac.auth.permissions import Actor, Forbidden, Role, cli_actor
from evac.intake.mapping import propose_for_tables
from evac.intake.models import ImportBatch, RejectedRow
from evac.intake.readers import read_source
from evac.intake.service import (
    ERROR_COLUMN,
    HOUSEHOLD_COLUMN,
    ROW_COLUMN,
    batch_rejections,
    count_registrations,
    get_batch,
    import_tables,
    insert_registrations,
    list_batches,
    rejects_csv,
    submit_rows,
    write_rejects,
)
from evac.people.models import Registration
from evac.people.records import RegistrationRecord
from evac.people.service import iter_registration_records, read_registration, seal_registration

FILES = Path(__file__).parent / "files"


def run(session, cipher, name: str, *, source: str = "ngo", dry_run=False, path=None, actor=None):
    path = path or FILES / name
    tables = read_source(path)
    return import_tables(
        session,
        actor=actor or cli_actor(),
        cipher=cipher,
        source=source,
        file=path.name,
        tables=tables,
        mapping=propose_for_tables(tables),
        dry_run=dry_run,
        batch_size=3,  # several batches even in these small files
    )


def records(session, cipher) -> dict[str, dict]:
    """Stored records by name (Latin full name, else given name, else native name)."""
    found = {}
    for _, record in iter_registration_records(session, cipher=cipher):
        key = record.full_name or record.given_name or record.name_native
        found[key] = record
    return found


# file, rows read, accepted, duplicates, rejected by reason, households. Only rows that hold
# no name or a value certainly wrong are rejected (30 February, month 13, a phone with a letter,
# a zone's wrong check digit, a birth in the future); an unfamiliar value is kept and flagged.
EXPECTED = [
    (
        "ngo_alpha.csv",
        9,
        5,
        1,
        {"invalid birth_date": 1, "invalid phone": 1, "no name": 1},
        4,
    ),
    ("congress_office.csv", 5, 5, 0, {}, 1),
    ("siv_cases.txt", 3, 2, 0, {"invalid mrz": 1}, 1),
    ("hxl_list.csv", 2, 1, 0, {"invalid birth_date": 1}, 0),
    ("ngo_beta.xlsx", 7, 6, 0, {"invalid birth_date": 1}, 2),
    ("webform.json", 4, 3, 0, {"invalid birth_date": 1}, 2),
]
FLAGGED = {
    "congress_office.csv": {"email_shape": 1, "passport_shape": 1},  # rahim@@example, 8 digits
    "ngo_beta.xlsx": {"sex_unfamiliar": 1},  # "female?"
}


@pytest.mark.parametrize(
    ("name", "read", "accepted", "duplicates", "reasons", "households"), EXPECTED
)
def test_each_format_imports_with_exact_counts(
    session, cipher, name, read, accepted, duplicates, reasons, households
):
    summary = run(session, cipher, name)
    assert summary.rows_read == read
    assert summary.accepted == accepted
    assert summary.duplicates == duplicates
    assert dict(summary.rejected_by_reason) == reasons
    assert dict(summary.flagged) == FLAGGED.get(name, {})
    assert summary.households == households
    assert count_registrations(session, operation_id=cipher.operation_id, source="ngo") == accepted
    batch = session.get(ImportBatch, summary.batch_id)
    assert (batch.status, batch.accepted, batch.rejected) == (
        "done",
        accepted,
        sum(reasons.values()),
    )
    stored_rejects = session.scalar(
        select(func.count()).select_from(RejectedRow).where(RejectedRow.batch_id == batch.id)
    )
    assert stored_rejects == sum(reasons.values())


def test_reimport_adds_nothing(session, cipher):
    first = run(session, cipher, "ngo_alpha.csv")
    again = run(session, cipher, "ngo_alpha.csv")
    assert (first.accepted, again.accepted, again.duplicates) == (5, 0, 6)
    assert count_registrations(session, operation_id=cipher.operation_id, source="ngo") == 5
    # another source sending the same rows is a separate registration (linkage joins them)
    other = run(session, cipher, "ngo_alpha.csv", source="other-ngo")
    assert other.accepted == 5


def test_dry_run_stores_nothing(session, cipher):
    summary = run(session, cipher, "ngo_alpha.csv", dry_run=True)
    assert (summary.accepted, summary.duplicates, summary.rejected) == (5, 1, 3)
    assert session.scalar(select(func.count()).select_from(Registration)) == 0
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_converted_values_are_exact(session, cipher):
    for name, *_ in EXPECTED:
        run(session, cipher, name)
    found = records(session, cipher)
    wali = found["Ahmad Wali Rahimi"]  # 1365/02/22 SH, Afghan mobile, relationship "PA"
    assert (wali.birth_year, wali.birth_month, wali.birth_day) == (1986, 5, 12)
    assert not wali.birth_date_default
    assert wali.phone == "+93799123456"
    assert wali.name_native == "احمد ولی"
    assert (wali.relationship, wali.household_ref) == ("principal", "ngo_alpha.csv:2")
    freshta = found["Freshta Rahimi"]  # 01/01/1990: the clerk's stand-in for "day unknown"
    assert (freshta.birth_year, freshta.birth_month, freshta.birth_day) == (1990, 1, 1)
    assert freshta.birth_date_default
    assert (freshta.relationship, freshta.household_ref) == ("spouse", "ngo_alpha.csv:2")
    laila = found["Laila Noori"]  # 1392 SH alone: the Gregorian year it began
    assert (laila.birth_year, laila.birth_month) == (2013, None)
    # her principal (row 7) was rejected: she stays in his household, not the one before
    assert laila.household_ref == "ngo_alpha.csv:7"
    jawad = found["Sayed Jawad"]  # 05/13/1986 can only be month/day
    assert (jawad.birth_year, jawad.birth_month, jawad.birth_day) == (1986, 5, 13)
    assert jawad.household_ref == "KBL2021004411"
    assert found["José"].us_passport_number == "512345678"  # Windows-1252 é read right
    khalid = found["KHALID"]  # from the passport zone, check digits verified
    assert (khalid.passport_number, khalid.sex, khalid.birth_year) == ("P01234567", "M", 1985)
    assert (khalid.birth_month, khalid.birth_day, khalid.phone) == (3, 14, "+93700111222")
    assert found["SHABNAM"].passport_number == "P07654321"  # zone typed on one line
    bibi = found["Bibi Gul"]  # HXL tags map the odd headers
    assert (bibi.birth_year, bibi.phone, bibi.province) == (1981, "+93772345678", "Kandahar")
    yama = found["Yama Popal"]  # Excel serial 31467, family number from a merged cell
    assert (yama.birth_year, yama.birth_month, yama.birth_day) == (1986, 2, 24)
    assert yama.household_ref == "F-17"
    assert found["Sahar Popal"].birth_date_default
    assert found["Gulalai Popal"].phone == "+93799000111"  # a number cell, no leading 0
    khalida = found["Khalida"]  # the Dari sheet: 1369/05/15 SH
    assert (khalida.birth_year, khalida.birth_month, khalida.birth_day) == (1990, 8, 6)
    assert khalida.tazkira_number == "1399-0303-54321"
    yasin = found["Mohammad Yasin Sadat"]  # nested web form; 1366-07-10 SH
    assert (yasin.birth_year, yasin.birth_month, yasin.birth_day) == (1987, 10, 2)
    shukria = found["Shukria Sadat"]
    assert (shukria.relationship, shukria.household_ref) == ("spouse", "webform.json#9101")
    najib = found["نجیب الله"]  # Dari digits; 1 Hamal is the Solar Hijri "day unknown"
    assert (najib.birth_year, najib.birth_month, najib.birth_day) == (1981, 3, 21)
    assert najib.birth_date_default and najib.phone == "+93799887766"


def test_raw_row_and_provenance_are_kept(session, cipher):
    run(session, cipher, "ngo_alpha.csv")
    registration = session.scalar(select(Registration).where(Registration.row_number == 2))
    raw, record = read_registration(registration, cipher=cipher)
    assert registration.file == "ngo_alpha.csv" and registration.source == "ngo"
    assert raw["Remarks"] == "worked for\nUSAID 2012-2019"  # the two-line cell, as sent
    assert raw["DOB"] == "1365/02/22" and record.birth_year == 1986
    assert b"Rahimi" not in registration.raw_payload  # sealed by the vault


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def fix_rejects(path: Path, fixes: dict[int, dict[str, str]]) -> list[dict]:
    """Change cells of a rejects file as a partner would in Excel; returns its rows."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for index, cells in fixes.items():
        rows[index].update(cells)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_rejects_file_can_be_fixed_and_sent_again(session, cipher, tmp_path):
    summary = run(session, cipher, "ngo_alpha.csv")
    rejects = tmp_path / "ngo_alpha.rejected.csv"
    write_rejects(rejects, summary.rejects)
    batch = get_batch(session, actor=cli_actor(), reference=summary.reference)
    # the file the rejects page gives, from the database, holds the same rows (columns in
    # the stored raw row's sorted order)
    from_database = rejects_csv(session, actor=cli_actor(), cipher=cipher, batch=batch)
    written = rejects.read_text(encoding="utf-8")
    assert csv_rows(from_database) == csv_rows(written) and len(csv_rows(written)) == 3
    rows = fix_rejects(
        rejects,
        {
            0: {"DOB": "28/02/1985"},
            1: {"Phone/WhatsApp": "0799 123 457"},
            2: {"Full Name (as in passport)": "Mina Noori"},
        },
    )
    assert [r[ROW_COLUMN] for r in rows] == ["row 6", "row 7", "row 8"]
    assert rows[0][ERROR_COLUMN] == "DOB: 1985-02-30 does not exist"
    assert rows[1]["Full Name (as in passport)"] == "Hamid Noori"
    # the household each row was in: its principal's row (row 7 heads its own)
    assert [r[HOUSEHOLD_COLUMN] for r in rows] == [
        "ngo_alpha.csv:5",
        "ngo_alpha.csv:7",
        "ngo_alpha.csv:7",
    ]
    fixed = run(session, cipher, "ngo_alpha.rejected.csv", path=rejects)
    assert (fixed.accepted, fixed.rejected, fixed.households) == (3, 0, 2)
    assert count_registrations(session, operation_id=cipher.operation_id, source="ngo") == 8
    found = records(session, cipher)
    # fixed rows rejoin the households their principal (or family) was stored in
    assert (found["Nabi Habibi"].relationship, found["Nabi Habibi"].household_ref) == (
        "spouse",
        "ngo_alpha.csv:5",
    )
    assert found["Zarghona Habibi"].household_ref == "ngo_alpha.csv:5"
    assert (found["Hamid Noori"].relationship, found["Hamid Noori"].household_ref) == (
        "principal",
        "ngo_alpha.csv:7",
    )
    assert (found["Mina Noori"].relationship, found["Mina Noori"].household_ref) == (
        "child",
        "ngo_alpha.csv:7",
    )
    assert found["Laila Noori"].household_ref == "ngo_alpha.csv:7"
    again = run(session, cipher, "ngo_alpha.rejected.csv", path=rejects)
    assert (again.accepted, again.duplicates) == (0, 3)


def test_a_rejected_web_form_member_sent_back_as_csv_rejoins_its_family(session, cipher, tmp_path):
    summary = run(session, cipher, "webform.json")
    rejects = tmp_path / "webform.rejected.csv"
    write_rejects(rejects, summary.rejects)
    rows = fix_rejects(rejects, {0: {"family_members/date_of_birth": "2015"}})
    assert [(r[ROW_COLUMN], r[HOUSEHOLD_COLUMN]) for r in rows] == [
        ("submission 1, family_members 2", "webform.json#9101")
    ]
    fixed = run(session, cipher, "webform.rejected.csv", path=rejects)
    assert (fixed.accepted, fixed.rejected, fixed.households) == (1, 0, 1)
    aryan = records(session, cipher)["Aryan Sadat"]
    assert (aryan.relationship, aryan.household_ref, aryan.birth_year) == (
        "child",
        "webform.json#9101",
        2015,
    )
    assert records(session, cipher)["Mohammad Yasin Sadat"].household_ref == "webform.json#9101"


def test_partners_import_and_read_only_their_own_source(session, cipher):
    partner = Actor(username="ngo-alpha-bot", role=Role.partner, partner_source="ngo-alpha")
    with pytest.raises(Forbidden):
        run(session, cipher, "ngo_alpha.csv", source="ngo-beta", actor=partner)
    run(session, cipher, "ngo_alpha.csv", source="ngo-alpha", actor=partner)
    run(session, cipher, "hxl_list.csv", source="ngo-beta")
    own = list_batches(session, actor=partner, operation_id=cipher.operation_id)
    assert [b.source for b in own] == ["ngo-alpha"]
    every = list_batches(session, actor=cli_actor(), operation_id=cipher.operation_id)
    assert sorted(b.source for b in every) == ["ngo-alpha", "ngo-beta"]
    planner = Actor(username="planner", role=Role.planner)
    with pytest.raises(Forbidden):
        run(session, cipher, "hxl_list.csv", source="ngo-beta", actor=planner)


def test_api_rows_use_field_names_and_rejects_come_back_from_the_database(session, cipher):
    partner = Actor(username="ngo-alpha-bot", role=Role.partner, partner_source="ngo-alpha")
    rows = [
        {"full_name": "Gul Ahmad Safi", "birth_date": "1360", "phone": "0700 123 456"},
        {"full_name": "Shirin Safi", "birth_date": "31/09/1985", "relationship": "wife"},
    ]
    summary = submit_rows(session, actor=partner, cipher=cipher, source="ngo-alpha", rows=rows)
    assert (summary.accepted, summary.rejected) == (1, 1)
    batch = get_batch(session, actor=partner, reference=summary.reference)
    assert batch_rejections(session, actor=partner, cipher=cipher, batch=batch) == [
        ("row 2", "birth_date", "birth_date: 1985-09-31 does not exist")
    ]
    text = rejects_csv(session, actor=partner, cipher=cipher, batch=batch)
    lines = list(csv.reader(text.lstrip("\ufeff").splitlines()))
    # columns in the stored (sorted) order of the raw row
    assert lines[0] == [ROW_COLUMN, "birth_date", "full_name", "relationship", ERROR_COLUMN]
    assert lines[1] == [
        "row 2",
        "31/09/1985",
        "Shirin Safi",
        "wife",
        "birth_date: 1985-09-31 does not exist",
    ]
    other = Actor(username="beta-bot", role=Role.partner, partner_source="ngo-beta")
    with pytest.raises(Forbidden):
        rejects_csv(session, actor=other, cipher=cipher, batch=batch)


def test_rows_that_differ_only_in_spelling_are_all_kept(session, cipher, tmp_path):
    """The content hash covers the exact row: spellings a blind index would fold together
    ("Abdul Rahman", "Abdulrahman", "ABDUL-RAHMAN") are different rows, none a duplicate."""
    path = tmp_path / "spellings.csv"
    path.write_text(
        "Full Name,Father Name,DOB\n"
        "Abdul Rahman,Gul Ahmad,1365\n"
        "Abdulrahman,Gul Ahmad,1365\n"
        "ABDUL-RAHMAN,Gul Ahmad,1365\n"
        "Abdul Rahman,Gul Ahmad,1365\n",  # the first row again: the only duplicate
        encoding="utf-8",
    )
    summary = run(session, cipher, "spellings.csv", path=path)
    assert (summary.accepted, summary.duplicates) == (3, 1)
    stored = {record.full_name for record in records(session, cipher).values()}
    assert stored == {"Abdul Rahman", "Abdulrahman", "ABDUL-RAHMAN"}


def sealed_batch(cipher, names: list[str]) -> list[dict]:
    return [
        seal_registration(
            cipher,
            source="ngo",
            file="list.csv",
            row_number=number,
            raw={"Full Name": name},
            record=RegistrationRecord(full_name=name),
        )
        for number, name in enumerate(names, start=2)
    ]


def test_a_batch_stores_only_rows_not_yet_there(session, cipher):
    """Rows stored earlier, and rows repeated inside the batch, are not stored again (on
    PostgreSQL the direct COPY stops at the stored row and the batch goes through ON CONFLICT
    instead); a batch whose only repeats are inside it is stored whole."""
    assert insert_registrations(session, sealed_batch(cipher, ["Gul Ahmad", "Bibi Gul"])) == 2
    session.commit()
    batch = sealed_batch(cipher, ["Bibi Gul", "Nabi Karimi", "Nabi Karimi", "Laila Noori"])
    assert insert_registrations(session, batch) == 2
    session.commit()
    repeats = sealed_batch(cipher, ["Omid Sadat", "Omid Sadat", "Wali Sadat"])
    assert insert_registrations(session, repeats) == 2
    session.commit()
    assert count_registrations(session, operation_id=cipher.operation_id, source="ngo") == 6


FAMILIES = (
    "Full Name,Father Name,Relationship,Gender,DOB\n"
    "Gul Ahmad Safi,Abdul Wahid,Self,M,1980\n"
    "Fatima,,Daughter,F,2010\n"
    "Nabi Karimi,Abdul Rahim,Self,M,1975\n"
    "Fatima,,Daughter,F,2010\n"
)


def households_by_name(session, cipher) -> list[tuple[str, str | None, str | None]]:
    found = [
        (record.full_name, record.relationship, record.household_ref)
        for _, record in iter_registration_records(session, cipher=cipher)
    ]
    return sorted(found, key=lambda item: (item[2] or "", item[0] or ""))


def test_identical_member_rows_of_two_families_are_both_kept(session, cipher, tmp_path):
    """Each family lists a daughter "Fatima, F, 2010" with no father's name: two children,
    not one row and a duplicate. Sent again, in another file, at other rows: nothing new."""
    path = tmp_path / "families.csv"
    path.write_text(FAMILIES, encoding="utf-8")
    first = run(session, cipher, "families.csv", path=path)
    assert (first.accepted, first.duplicates, first.households) == (4, 0, 2)
    assert households_by_name(session, cipher) == [
        ("Fatima", "child", "families.csv:2"),
        ("Gul Ahmad Safi", "principal", "families.csv:2"),
        ("Fatima", "child", "families.csv:4"),
        ("Nabi Karimi", "principal", "families.csv:4"),
    ]
    again = run(session, cipher, "families.csv", path=path)
    assert (again.accepted, again.duplicates) == (0, 4)
    # the same two families swapped, below a new family whose daughter has the same cells
    later = tmp_path / "later.csv"
    header, gul, fatima, nabi, _ = FAMILIES.splitlines()
    later.write_text(
        "\n".join([header, "Zahra Noori,Sayed Noor,Self,F,1985", fatima, nabi, fatima, gul, fatima])
        + "\n",
        encoding="utf-8",
    )
    moved = run(session, cipher, "later.csv", path=later)
    assert (moved.accepted, moved.duplicates) == (2, 4)
    assert count_registrations(session, operation_id=cipher.operation_id, source="ngo") == 6
    assert households_by_name(session, cipher)[-2:] == [
        ("Fatima", "child", "later.csv:2"),
        ("Zahra Noori", "principal", "later.csv:2"),
    ]


def test_identical_members_of_two_web_form_submissions_without_ids(session, cipher, tmp_path):
    """Submissions without an id: the same child in two families is two children, and the
    export sent again in another order adds nothing."""
    child = {"name": "Fatima", "relationship": "daughter", "date_of_birth": "2010"}
    families = [
        {"full_name": "Gul Ahmad Safi", "family": [child]},
        {"full_name": "Nabi Karimi", "family": [child]},
    ]
    path = tmp_path / "form.json"
    path.write_text(json.dumps(families), encoding="utf-8")
    first = run(session, cipher, "form.json", path=path)
    assert (first.accepted, first.duplicates, first.households) == (4, 0, 2)
    path.write_text(json.dumps(families[::-1]), encoding="utf-8")
    again = run(session, cipher, "form.json", path=path)
    assert (again.accepted, again.duplicates) == (0, 4)


def test_a_later_import_of_the_file_marks_a_killed_one_interrupted(session, cipher):
    """A killed import leaves its batch "running"; the next import of the same source and
    file marks it "interrupted" (others' batches, and API submissions, are left alone)."""

    def running(source: str, file: str, reference: str) -> ImportBatch:
        batch = ImportBatch(
            operation_id=cipher.operation_id,
            source=source,
            file=file,
            reference=reference,
            actor="killed",
        )
        session.add(batch)
        return batch

    killed = running("ngo", "ngo_alpha.csv", "EV-KILL-0001")
    other_file = running("ngo", "hxl_list.csv", "EV-KILL-0002")
    other_source = running("ngo-beta", "ngo_alpha.csv", "EV-KILL-0003")
    api = running("ngo", "api", "EV-KILL-0004")
    session.commit()
    summary = run(session, cipher, "ngo_alpha.csv")
    assert summary.interrupted == ["EV-KILL-0001"]
    submit_rows(
        session, actor=cli_actor(), cipher=cipher, source="ngo", rows=[{"full_name": "Gul"}]
    )
    session.expire_all()
    statuses = [b.status for b in (killed, other_file, other_source, api)]
    assert statuses == ["interrupted", "running", "running", "running"]
    listed = list_batches(
        session, actor=cli_actor(), operation_id=cipher.operation_id, source="ngo"
    )
    assert [(b.reference, b.status) for b in listed][-2:] == [
        ("EV-KILL-0002", "running"),
        ("EV-KILL-0001", "interrupted"),
    ]
    assert run(session, cipher, "ngo_alpha.csv").interrupted == []  # once is enough
