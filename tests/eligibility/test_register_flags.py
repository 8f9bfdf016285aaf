"""Priority flags and marital status in the register: what lists wrote, what officers set or
cleared (audited, as events, kept over re-evaluation), married children, a dry run."""

from datetime import date

import pytest
from sqlalchemy import func, select

from evac.eligibility.flows import evaluate
from evac.eligibility.models import PersonDecision, PolicyVersion, RegistrationClaim
from evac.eligibility.policy import Outcome, default_policy_text
from evac.eligibility.service import (
    describe_flags,
    load_policy_text,
    plannable_parties,
    set_flag,
)
from evac.linkage.service import merge_persons
from evac.people.models import DocumentKind, Event, Role
from evac.vault.audit import AuditEntry
from tests.eligibility.register_world import OFFICER, household, person

AS_OF = date(2021, 8, 25)
SIV = (DocumentKind.siv_case, DocumentKind.com_approval)


def _current(session, someone) -> PersonDecision:
    return session.scalar(
        select(PersonDecision).where(
            PersonDecision.person_id == someone.id, PersonDecision.superseded_at.is_(None)
        )
    )


def _evaluate(session, cipher, **options):
    return evaluate(session, cipher=cipher, actor=OFFICER, as_of=AS_OF, **options)


def _flag(session, operation, someone, flag: str, present: bool, reason: str):
    return set_flag(
        session,
        operation_id=operation.id,
        person_id=someone.id,
        flag=flag,
        present=present,
        reason=reason,
        actor=OFFICER,
    )


def _siv_family(session, cipher, operation, **wife):
    applicant = person(session, cipher, claim="SIV", documents=SIV, approved_on=date(2021, 7, 2))
    spouse = person(session, cipher, documents=(DocumentKind.tazkira,), **wife)
    household(session, operation, (applicant, Role.principal), (spouse, Role.spouse))
    return applicant, spouse


def test_a_pregnant_spouse_a_list_wrote_goes_one_step_sooner(session, operation, cipher):
    applicant, wife = _siv_family(session, cipher, operation, priority_flags=("pregnancy",))
    _evaluate(session, cipher)
    assert _current(session, applicant).priority == 3
    assert _current(session, wife).priority == 2
    assert "priority 2 (raised from 3: pregnancy)" in _current(session, wife).reason
    assert describe_flags(session, person_id=wife.id) == ["pregnancy (a list)"]


def test_an_officers_medical_flag_raises_the_party_and_survives_re_evaluation(
    session, operation, cipher
):
    _, wife = _siv_family(session, cipher, operation)
    _evaluate(session, cipher)
    assert _current(session, wife).priority == 3
    _flag(session, operation, wife, "medical", True, "wounded at the gate, seen by a medic")
    _evaluate(session, cipher)
    _evaluate(session, cipher)
    assert _current(session, wife).priority == 2
    assert "raised from 3: medical" in _current(session, wife).reason
    (party,) = plannable_parties(session, operation=operation)
    assert (party.size, party.priority) == (2, 2)
    events = session.scalars(
        select(Event).where(Event.person_id == wife.id, Event.type == "priority_flag_set")
    ).all()
    assert [event.data["flag"] for event in events] == ["medical"]
    audited = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "eligibility.priority_flag_set")
    )
    assert audited == 1
    (described,) = describe_flags(session, person_id=wife.id)
    assert described.startswith("medical (set by officer-test on ")


def test_an_officers_flag_follows_a_duplicate_into_the_person_it_merges_into(
    session, operation, cipher
):
    _, wife = _siv_family(session, cipher, operation)
    walk_in = person(session, cipher, documents=(DocumentKind.tazkira,))
    _flag(
        session, operation, walk_in, "medical", True, "seen at the clinic before her list was found"
    )
    merge_persons(session, actor=OFFICER, survivor=wife, merged=walk_in, reason="same woman")
    _evaluate(session, cipher)
    assert _current(session, wife).priority == 2
    (described,) = describe_flags(session, person_id=wife.id)
    assert described.startswith("medical (set by officer-test on ")


def test_an_officer_clears_a_flag_a_list_wrote(session, operation, cipher):
    _, wife = _siv_family(session, cipher, operation, priority_flags=("imminent_threat",))
    _evaluate(session, cipher)
    assert _current(session, wife).priority == 1
    _flag(
        session, operation, wife, "imminent_threat", False, "the threat was her brother's, not hers"
    )
    _evaluate(session, cipher)
    assert _current(session, wife).priority == 3
    (described,) = describe_flags(session, person_id=wife.id)
    assert described.startswith("imminent_threat (cleared by officer-test")


def test_a_flag_the_policy_does_not_know_or_no_reason_is_refused(session, operation, cipher):
    _, wife = _siv_family(session, cipher, operation)
    with pytest.raises(ValueError, match="not a flag of the policy"):
        _flag(session, operation, wife, "vip", True, "friend of a minister")
    with pytest.raises(ValueError, match="reason"):
        _flag(session, operation, wife, "medical", True, "  ")


def _daughter(session, cipher, operation, marital_status):
    applicant = person(session, cipher, claim="SIV", documents=SIV, approved_on=date(2021, 7, 2))
    daughter = person(
        session,
        cipher,
        documents=(DocumentKind.tazkira,),
        birth_year=2002,
        birth_month=3,
        birth_day=14,
        marital_status=marital_status,
    )
    household(session, operation, (applicant, Role.principal), (daughter, Role.child))
    return daughter


def test_a_married_daughter_of_19_is_not_a_derivative(session, operation, cipher):
    married = _daughter(session, cipher, operation, "married")
    single = _daughter(session, cipher, operation, "single")
    _evaluate(session, cipher)
    assert _current(session, married).outcome == Outcome.ineligible
    assert "married child of SIV applicant" in _current(session, married).reason
    assert _current(session, single).outcome == Outcome.eligible
    assert "unmarried child under 21" in _current(session, single).reason


def test_an_unknown_marital_status_is_read_as_the_policy_says(session, operation, cipher):
    unknown = _daughter(session, cipher, operation, None)
    _evaluate(session, cipher)
    assert _current(session, unknown).outcome == Outcome.eligible  # the 2021 default
    text = default_policy_text().replace(
        "marital_status_unknown: unmarried", "marital_status_unknown: deferred"
    )
    assert text != default_policy_text()
    load_policy_text(
        session, operation_id=operation.id, text=text, source="strict.yaml", actor=OFFICER
    )
    _evaluate(session, cipher, apply_new_policy=True)
    assert _current(session, unknown).outcome == Outcome.deferred
    assert "marital status unknown" in _current(session, unknown).reason


def test_a_dry_run_records_no_policy_version_and_reads_no_claims(session, operation, cipher):
    person(session, cipher, claim="AMCIT", documents=(DocumentKind.us_passport,))
    evaluation = _evaluate(session, cipher, dry_run=True)
    assert evaluation.outcomes == {"eligible": 1}
    assert session.scalar(select(func.count()).select_from(PolicyVersion)) == 0
    assert session.scalar(select(func.count()).select_from(RegistrationClaim)) == 0


@pytest.fixture(autouse=True)
def _no_leftover_transaction(session):
    yield
    session.rollback()
