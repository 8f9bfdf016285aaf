"""The contract stations and tests use: `evac pass public-key | issue | verify | revoke |
revocations | roster | rotate-key`, on a party of the register."""

import base64
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select
from typer.testing import CliRunner

from evac.auth.permissions import cli_actor
from evac.cli import app
from evac.eligibility.models import Party, PartyMember
from evac.operation.service import create_operation
from evac.passes.flows import NothingToVerify, demo_verify_step
from evac.passes.service import issue_pass
from evac.people.models import DocumentKind, Person, State
from evac.people.service import PersonNames, add_document, create_person
from evac.planning.models import PlannedParty, SavedPlan
from evac.vault.audit import AuditEntry

REFERENCE = "P-7KQ2M"
# Synthetic people: a principal with a passport and a tazkira, his wife with a passport, and
# a child on neither (she counts, with no document of her own).
PASSPORT, TAZKIRA, WIFE_PASSPORT = "P31415926", "1400-0101-27182", "P27182818"
START = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
END = START + timedelta(hours=2)
DURING = (START + timedelta(minutes=30)).isoformat()
runner = CliRunner()


@pytest.fixture
def party(session, cipher, operation) -> str:
    principal = create_person(session, cipher=cipher, names=PersonNames("Wahidullah"))
    wife = create_person(session, cipher=cipher, names=PersonNames("Shabnam"))
    child = create_person(session, cipher=cipher, names=PersonNames("Mursal"))
    for person, kind, number in (
        (principal, DocumentKind.passport, PASSPORT),
        (principal, DocumentKind.tazkira, TAZKIRA),
        (principal, DocumentKind.siv_case, "KBL2021123456"),  # evidence, not shown at a gate
        (wife, DocumentKind.passport, WIFE_PASSPORT),
    ):
        add_document(session, cipher=cipher, person=person, kind=kind, number=number)
    row = Party(operation_id=operation.id, reference=REFERENCE, principal_id=principal.id)
    session.add(row)
    session.flush()
    session.add_all(PartyMember(person_id=p.id, party_id=row.id) for p in (principal, wife, child))
    session.commit()
    return REFERENCE


@pytest.fixture
def planned(session, operation, party) -> str:
    """A current plan calling the party to Abbey Gate in the window."""
    plan = SavedPlan(
        operation_id=operation.id, version=1, created_by="test", starts_at=START,
        method="test", objective=0.0, bound=0.0, seconds=0.0,
    )  # fmt: skip
    session.add(plan)
    session.flush()
    session.add(
        PlannedParty(
            plan_id=plan.id, party_reference=party, size=3, priority=1, category="siv",
            gate="Abbey Gate", window_start=START, window_end=END, sortie="RCH871", hub="Al Udeid",
        )
    )  # fmt: skip
    session.commit()
    return party


@pytest.fixture
def evac(database_url, master_key, tmp_path, monkeypatch):
    """Run `evac ...` on the test database with the test's master key."""
    monkeypatch.setenv("EVAC_MASTER_KEY", base64.urlsafe_b64encode(master_key).decode())
    monkeypatch.setenv("EVAC_MASTER_KEY_FILE", str(tmp_path / "unused.key"))
    monkeypatch.delenv("EVAC_STATION_PASSPHRASE", raising=False)

    def run(*arguments: str):
        return runner.invoke(app, ["--database-url", database_url, *map(str, arguments)])

    return run


def issued(evac, tmp_path, party: str = REFERENCE, gate: str = "North Gate"):
    """Issue a pass through the CLI; the file it was saved to."""
    result = evac(
        "pass", "issue", "--party", party, "--gate", gate,
        "--window-start", START.isoformat(), "--window-end", END.isoformat(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = tmp_path / f"{party}-{gate}.pass"
    path.write_text(result.stdout)
    return path


def key_file(evac, tmp_path, name: str = "station.keys"):
    path = tmp_path / name
    result = evac("pass", "public-key", "--out", path)
    assert result.exit_code == 0, result.output
    return path


def verify(evac, pass_file, key, *options: str):
    return evac("pass", "verify", pass_file, "--public-key", key, *options)


def test_issue_then_verify_offline_prints_party_count_gate_and_window(
    evac, party, tmp_path, monkeypatch
):
    pass_file, key = issued(evac, tmp_path), key_file(evac, tmp_path)
    assert pass_file.read_text().startswith("EP1:") and len(pass_file.read_text().splitlines()) == 1
    # No database at all: a station laptop has none.
    monkeypatch.delenv("EVAC_MASTER_KEY")
    result = runner.invoke(
        app,
        ["--database-url", f"sqlite:///{tmp_path / 'absent' / 'none.db'}", "pass", "verify",
         str(pass_file), "--public-key", str(key), "--gate", "North Gate", "--at", DURING,
         "--document", PASSPORT, "--document", "p 3141 5926", "--document", WIFE_PASSPORT,
         "--people", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    kabul = START.astimezone(ZoneInfo("Asia/Kabul"))
    assert f"party {REFERENCE}, 3 people, gate North Gate" in result.stdout
    assert f"window {kabul:%Y-%m-%d %H:%M}-" in result.stdout and "Asia/Kabul" in result.stdout
    assert "ADMIT" in result.stdout
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (["--gate", "Abbey Gate"], "wrong gate"),
        (["--document", "P31415927"], "document does not belong"),
        (["--document", "KBL2021123456"], "document does not belong"),
        # his passport stands for him on the pass, not also his tazkira
        (["--document", TAZKIRA], "document does not belong"),
        (["--people", "4"], "more people than the pass names"),
        (["--at", (START - timedelta(hours=1)).isoformat()], "outside its window"),
        (["--at", (END + timedelta(hours=1)).isoformat()], "outside its window"),
        (["--at", (END + timedelta(days=1)).isoformat()], "expired"),
    ],
)
def test_verify_refuses_with_the_reason(evac, party, tmp_path, options, reason):
    pass_file, key = issued(evac, tmp_path), key_file(evac, tmp_path)
    result = verify(evac, pass_file, key, "--at", DURING, *options)
    assert result.exit_code == 1
    assert f"REFUSE: {reason}" in result.stdout
    assert f"party {REFERENCE}" in result.stdout  # a genuine pass: staff see whose it is


def test_a_tampered_pass_and_a_pass_of_another_operation(
    evac, party, tmp_path, session, provider, operation
):
    pass_file, key = issued(evac, tmp_path), key_file(evac, tmp_path)
    text = pass_file.read_text().rstrip("\n")
    middle = len(text) // 2
    pass_file.write_text(text[:middle] + ("Q" if text[middle] != "Q" else "R") + text[middle + 1 :])
    result = verify(evac, pass_file, key, "--at", DURING)
    assert result.exit_code == 1 and "REFUSE: tampered" in result.stdout
    assert REFERENCE not in result.stdout

    other = create_operation(
        session, provider=provider, name="other-op", country="AF", airport="OAKB",
        time_zone="Asia/Kabul", deadline=operation.deadline,
    )  # fmt: skip
    foreign = issue_pass(
        session, provider=provider, operation=other, party_reference=REFERENCE,
        gate="North Gate", window_start=START, window_end=END, document_numbers=[PASSPORT],
    )  # fmt: skip
    session.commit()
    pass_file.write_text(foreign.text)
    result = verify(evac, pass_file, key, "--at", DURING)
    assert result.exit_code == 1 and "REFUSE: unknown key" in result.stdout


def test_a_revoked_pass_is_refused_once_the_station_loads_the_list(evac, party, tmp_path):
    pass_file, key = issued(evac, tmp_path), key_file(evac, tmp_path)
    code = evac("pass", "issue", "--party", REFERENCE, "--gate", "North Gate",
                "--window-start", START.isoformat(), "--window-end", END.isoformat())  # fmt: skip
    assert code.stdout == pass_file.read_text()  # issued again: the same pass
    short_code = code.stderr.split("short code")[1].split()[0]
    result = evac("pass", "revoke", short_code, "--reason", "forwarded to a crowd")
    assert result.exit_code == 0, result.output
    revocations = tmp_path / "revoked.list"
    assert evac("pass", "revocations", "--out", revocations).exit_code == 0
    result = verify(evac, pass_file, key, "--at", DURING, "--revocations", revocations)
    assert result.exit_code == 1 and "REFUSE: revoked" in result.stdout
    assert evac("pass", "revoke", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-0", "--reason", "x").exit_code == 1


def test_a_station_refuses_a_pass_it_already_let_through(evac, party, tmp_path):
    pass_file, key = issued(evac, tmp_path), key_file(evac, tmp_path)
    used = tmp_path / "used.txt"
    first = verify(evac, pass_file, key, "--at", DURING, "--used", used, "--mark-used")
    assert first.exit_code == 0, first.output
    again = verify(evac, pass_file, key, "--at", DURING, "--used", used, "--mark-used")
    assert again.exit_code == 1 and "REFUSE: already used" in again.stdout


def test_a_rotated_key_keeps_an_older_pass_verifying(evac, party, tmp_path):
    old_pass = issued(evac, tmp_path)
    old_keys = key_file(evac, tmp_path, "old.keys")
    assert evac("pass", "rotate-key").exit_code == 0
    new_pass = issued(evac, tmp_path, gate="Abbey Gate")  # a new pass supersedes the old...
    keys = key_file(evac, tmp_path, "new.keys")
    for pass_file in (old_pass, new_pass):
        assert verify(evac, pass_file, keys, "--at", DURING, "--document", PASSPORT).exit_code == 0
    # ...and a station still on the old key file does not know the new key.
    assert "unknown key" in verify(evac, new_pass, old_keys, "--at", DURING).stdout


def test_a_withdrawn_key_leaves_its_passes_unknown_until_issued_again(evac, party, tmp_path):
    old_pass = issued(evac, tmp_path).rename(tmp_path / "old.pass")
    assert evac("pass", "rotate-key", "--withdraw").exit_code == 0
    keys = key_file(evac, tmp_path)
    assert "REFUSE: unknown key" in verify(evac, old_pass, keys, "--at", DURING).stdout
    again = issued(evac, tmp_path)  # the same call: a new pass, under the new key
    assert again.read_text() != old_pass.read_text()
    assert verify(evac, again, keys, "--at", DURING, "--document", PASSPORT).exit_code == 0


def test_a_short_code_read_over_the_phone_is_checked_against_the_roster(evac, party, tmp_path):
    pass_file, key = issued(evac, tmp_path), key_file(evac, tmp_path)
    again = evac("pass", "issue", "--party", REFERENCE, "--gate", "North Gate",
                 "--window-start", START.isoformat(), "--window-end", END.isoformat(),
                 "--qr", tmp_path / "pass.png")  # fmt: skip
    short_code = again.stderr.split("short code")[1].split()[0]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO((tmp_path / "pass.png").read_bytes())))
    assert [code.text for code in decoded] == [pass_file.read_text().rstrip("\n")]
    roster = tmp_path / "north.roster"
    assert evac("pass", "roster", "--out", roster, "--gate", "North Gate").exit_code == 0
    spoken = short_code.lower().replace("-", " ")
    result = verify(evac, spoken, key, "--at", DURING, "--roster", roster, "--document", PASSPORT)
    assert result.exit_code == 0, result.output
    misheard = ("X" if spoken[0] != "x" else "Y") + spoken[1:]
    assert verify(evac, misheard, key, "--roster", roster).exit_code == 1


def test_a_sealed_key_file_checks_documents_only_with_the_passphrase(
    evac, party, tmp_path, monkeypatch
):
    pass_file = issued(evac, tmp_path)
    monkeypatch.setenv("EVAC_STATION_PASSPHRASE", "gate laptop 7")
    key = key_file(evac, tmp_path)
    assert verify(evac, pass_file, key, "--at", DURING, "--document", PASSPORT).exit_code == 0
    monkeypatch.delenv("EVAC_STATION_PASSPHRASE")
    assert verify(evac, pass_file, key, "--at", DURING).exit_code == 0
    result = verify(evac, pass_file, key, "--at", DURING, "--document", PASSPORT)
    assert result.exit_code == 1 and "no document key" in result.output


def test_issue_takes_gate_and_window_from_the_current_plan(evac, planned, tmp_path):
    result = evac("pass", "issue", "--party", REFERENCE)
    assert result.exit_code == 0, result.output
    pass_file = tmp_path / "planned.pass"
    pass_file.write_text(result.stdout)
    checked = verify(
        evac, pass_file, key_file(evac, tmp_path), "--at", DURING, "--gate", "Abbey Gate"
    )
    assert checked.exit_code == 0 and "gate Abbey Gate" in checked.stdout
    unplanned = evac("pass", "issue", "--party", "P-NONE1")
    assert unplanned.exit_code == 1 and "no call-forward in the current plan" in unplanned.output


def test_issuing_is_audited_without_the_numbers(evac, party, tmp_path, session):
    issued(evac, tmp_path)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "passes.issue"))
    assert entry.subject == f"party:{REFERENCE}"
    assert entry.details == {"members": 3, "documents": 2}


def test_a_withdrawn_member_is_not_counted(evac, party, tmp_path, session):
    child = session.scalar(
        select(Person).where(Person.id == select(func.max(Person.id)).scalar_subquery())
    )
    child.state = State.withdrawn
    session.commit()
    result = verify(evac, issued(evac, tmp_path), key_file(evac, tmp_path), "--at", DURING)
    assert result.exit_code == 0 and f"party {REFERENCE}, 2 people" in result.stdout


def test_the_demo_step_verifies_the_first_calls_pass_from_the_command_line(
    session, provider, operation, planned, tmp_path
):
    done = demo_verify_step(
        session,
        actor=cli_actor(),
        provider=provider,
        operation=operation,
        folder=tmp_path / "station",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"party {planned}, 3 people, gate Abbey Gate" in done.stdout and "ADMIT" in done.stdout


def test_the_demo_step_needs_a_call_forward(session, provider, operation, tmp_path):
    with pytest.raises(NothingToVerify):
        demo_verify_step(
            session, actor=cli_actor(), provider=provider, operation=operation, folder=tmp_path
        )
