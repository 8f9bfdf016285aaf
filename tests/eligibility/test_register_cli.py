"""`evac eligibility` on the register, as an officer types it: load a policy, evaluate, read
the difference, apply, explain, override, split and join a party, list claims to map."""

from datetime import date

from sqlalchemy import select
from typer.testing import CliRunner

from evac.cli import app
from evac.eligibility.models import Party, PartyMember
from evac.eligibility.policy import default_policy_text
from evac.people.models import DocumentKind, Role
from tests.eligibility.register_world import household, person
from tests.intake.test_cli import environment  # the database and key of the test, wide output


def _reference(session, someone) -> str:
    """The person's party, the session closed at once (SQLite: the CLI needs the write lock)."""
    reference = session.scalar(
        select(Party.reference)
        .join(PartyMember, PartyMember.party_id == Party.id)
        .where(PartyMember.person_id == someone.id)
    )
    session.close()
    return reference


def test_an_officer_evaluates_explains_overrides_and_splits_from_the_command_line(
    settings, session, operation, cipher, tmp_path
):
    applicant = person(
        session,
        cipher,
        claim="SIV",
        documents=(DocumentKind.siv_case, DocumentKind.com_approval),
        approved_on=date(2021, 7, 2),
    )
    wife = person(session, cipher, documents=(DocumentKind.tazkira,))
    brother = person(session, cipher, claim="Ex-police", documents=(DocumentKind.tazkira,))
    household(
        session,
        operation,
        (applicant, Role.principal),
        (wife, Role.spouse),
        (brother, Role.sibling),
    )
    session.commit()
    runner, env = CliRunner(), environment(settings)

    def run(*arguments: str):
        result = runner.invoke(app, ["eligibility", *arguments], env=env)
        assert result.exit_code == 0, result.output
        return result.output

    first = run("evaluate", "--as-of", "2021-08-25")
    assert "3 persons in 1 parties" in first and "Ex-police: 1" in first
    explained = run("explain", str(wife.id))
    assert (
        "eligible: spouse of SIV applicant with COM approval dated 2021-07-02 (document); "
        "priority 3" in explained
    )
    assert "mixed outcomes" in explained  # the brother's claim is not mapped yet
    assert "Ex-police: 1" in run("claims")
    status = runner.invoke(app, ["status"], env=env).output
    assert "siv_com_approved" in status and "undecided" in status  # the brother, until mapped
    assert "does not map" in status and "Ex-police: 1" in status

    policy = tmp_path / "policy.yaml"
    policy.write_text(
        default_policy_text()
        .replace("version: us-2021-08-25", "version: us-2021-08-27")
        .replace("Human rights defender]", "Human rights defender, Ex-police]"),
        encoding="utf-8",
    )
    assert "Policy version 2" in run("policy", "load", str(policy))
    shown = run("evaluate", "--as-of", "2021-08-25")
    assert "Not applied" in shown
    assert f"person {brother.id}: deferred -> deferred at_risk, priority 7" in shown
    applied = run("evaluate", "--apply", "--as-of", "2021-08-25")
    assert "Not applied" not in applied
    assert "Every claim is mapped" in run("claims")
    history = run("policy", "history")
    assert "us-2021-08-27" in history and "decisions follow it" in history

    overridden = run(
        "override", str(brother.id), "--outcome", "eligible", "--reason", "named in a threat letter"
    )
    assert "override by" in overridden and "threat letter" in overridden

    reference = _reference(session, applicant)
    split = run("party", "split", reference, str(brother.id), "--reason", "travels with cousins")
    assert "are now party P-" in split
    assert _reference(session, brother) != reference
    run("party", "join", reference, _reference(session, brother), "--reason", "cousins left")
    assert _reference(session, brother) == reference
    now = run("explain", str(wife.id)).split("\n  before")[0]
    assert "priority 3" in now and "mixed" not in now  # the brother goes too: not mixed


def test_a_policy_file_with_an_error_is_refused_with_its_line(settings, operation, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(default_policy_text().replace("  - [lpr]\n", "  - [lpr, green]\n"))
    result = CliRunner().invoke(
        app, ["eligibility", "policy", "load", str(broken)], env=environment(settings)
    )
    assert result.exit_code == 1
    assert "'green' is not a category of this policy" in result.output
    assert "line " in result.output


def test_an_officer_flags_a_person_and_explain_names_the_flags(
    settings, session, operation, cipher
):
    applicant = person(
        session,
        cipher,
        claim="SIV",
        documents=(DocumentKind.siv_case, DocumentKind.com_approval),
        approved_on=date(2021, 7, 2),
        priority_flags=("pregnancy",),
    )
    applicant_id = applicant.id
    session.commit()
    session.close()
    runner, env = CliRunner(), environment(settings)

    def run(*arguments: str, code: int = 0):
        result = runner.invoke(app, ["eligibility", *arguments], env=env)
        assert result.exit_code == code, result.output
        return result.output

    run("evaluate", "--as-of", "2021-08-25")
    flagged = run(
        "flag", str(applicant_id), "--add", "imminent_threat", "--reason", "named on a night letter"
    )
    assert "priority 1 (raised from 3: imminent_threat)" in flagged
    explained = run("explain", str(applicant_id))
    assert "flag: pregnancy (a list)" in explained
    assert "flag: imminent_threat (set by" in explained and "night letter" in explained
    cleared = run("flag", str(applicant_id), "--clear", "pregnancy", "--reason", "not pregnant")
    assert "raised from 3: imminent_threat" in cleared
    assert "flag: pregnancy (cleared by" in run("explain", str(applicant_id))
    assert "not a flag of the policy" in run(
        "flag", str(applicant_id), "--add", "vip", "--reason", "x", code=2
    )
    assert "--add FLAG" in run("flag", str(applicant_id), "--reason", "x", code=2)
