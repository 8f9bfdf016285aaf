"""Evaluating everyone in the register: decisions, lifecycle moves, events, overrides, a
policy difference, documents beating claims, claims to map."""

from datetime import date

import pytest
from sqlalchemy import func, select

from evac.eligibility.flows import demo_step, evaluate
from evac.eligibility.models import PersonDecision
from evac.eligibility.policy import Outcome, default_policy_text
from evac.eligibility.service import (
    add_override,
    load_policy_text,
    newest_policy,
    party_of,
    unmapped_claims,
    withdraw_override,
)
from evac.people.models import DocumentKind, Event, Role, State
from tests.eligibility.register_world import OFFICER, household, person

AS_OF = date(2021, 8, 25)


def _current(session, someone) -> PersonDecision:
    return session.scalar(
        select(PersonDecision).where(
            PersonDecision.person_id == someone.id, PersonDecision.superseded_at.is_(None)
        )
    )


def _evaluate(session, cipher, **options):
    return evaluate(session, cipher=cipher, actor=OFFICER, as_of=AS_OF, **options)


def test_an_siv_family_is_decided_moved_and_written_as_events(session, operation, cipher):
    applicant = person(
        session,
        cipher,
        claim="SIV",
        documents=(DocumentKind.siv_case, DocumentKind.com_approval),
        approved_on=date(2021, 7, 2),
    )
    wife = person(session, cipher, documents=(DocumentKind.tazkira,))
    daughter = person(
        session,
        cipher,
        documents=(DocumentKind.tazkira,),
        birth_year=2000,
        birth_month=9,
        birth_day=1,
    )
    brother = person(session, cipher, documents=(DocumentKind.tazkira,))
    household(
        session,
        operation,
        (applicant, Role.principal),
        (wife, Role.spouse),
        (daughter, Role.child),
        (brother, Role.sibling),
    )

    evaluation = _evaluate(session, cipher)
    assert evaluation.applied and evaluation.persons == 4 and evaluation.mixed_parties == 1
    session.refresh(wife)
    assert wife.state == State.eligible and wife.category == "siv_com_approved"
    assert "spouse of SIV applicant with COM approval dated 2021-07-02 (document)" in (
        _current(session, wife).reason
    )
    assert _current(session, daughter).outcome == Outcome.eligible  # 20 on the day
    assert _current(session, brother).outcome == Outcome.ineligible
    assert "sibling of" in _current(session, brother).reason
    events = session.scalars(
        select(Event.type).where(Event.person_id == wife.id).order_by(Event.id)
    ).all()
    assert events == ["verified", "eligible"]
    assert party_of(session, person_id=brother.id).mixed


def test_documents_beat_claims_and_the_basis_says_which(session, operation, cipher):
    said_siv = person(session, cipher, claim="SIV", documents=(DocumentKind.us_passport,))
    said_amcit = person(session, cipher, claim="AMCIT", documents=(DocumentKind.green_card,))
    _evaluate(session, cipher)
    assert (_current(session, said_siv).category, _current(session, said_siv).basis) == (
        "us_citizen",
        "document: us_passport",
    )
    assert _current(session, said_amcit).category == "lpr"


def test_a_claim_alone_from_an_untrusted_list_is_deferred_until_verified(
    session, operation, cipher
):
    claimed = person(session, cipher, claim="AMCIT")
    trusted = person(session, cipher, claim="Local staff", source="embassy-staff")
    _evaluate(session, cipher)
    session.refresh(claimed)
    session.refresh(trusted)
    assert claimed.state == State.registered and claimed.category == "us_citizen"
    assert _current(session, claimed).outcome == Outcome.deferred
    assert "not verified" in _current(session, claimed).reason
    assert trusted.state == State.eligible


def test_an_override_survives_re_evaluation_until_withdrawn(session, operation, cipher):
    brother = person(session, cipher, documents=(DocumentKind.tazkira,))
    _evaluate(session, cipher)
    assert _current(session, brother).outcome == Outcome.ineligible
    add_override(
        session,
        operation_id=operation.id,
        person_id=brother.id,
        outcome=Outcome.eligible,
        category="at_risk",
        reason="interpreter's brother named in a threat letter",
        actor=OFFICER,
    )
    _evaluate(session, cipher)
    _evaluate(session, cipher)
    decision = _current(session, brother)
    assert (decision.outcome, decision.category) == (Outcome.eligible, "at_risk")
    assert "threat letter" in decision.reason and decision.override_id is not None
    session.refresh(brother)
    assert brother.state == State.eligible
    withdraw_override(
        session,
        operation_id=operation.id,
        person_id=brother.id,
        reason="threat not confirmed",
        actor=OFFICER,
    )
    _evaluate(session, cipher)
    assert _current(session, brother).outcome == Outcome.ineligible
    session.refresh(brother)
    assert brother.state == State.ineligible


def test_a_new_policy_is_shown_as_a_difference_and_applied_only_when_asked(
    session, operation, cipher
):
    applicant = person(session, cipher, claim="SIV", documents=(DocumentKind.siv_case,))
    at_risk = person(session, cipher, claim="Journalist", documents=(DocumentKind.tazkira,))
    _evaluate(session, cipher)
    assert _current(session, applicant).priority == 4
    stricter = default_policy_text().replace("version: us-2021-08-25", "version: us-2021-08-26")
    stricter = stricter.replace("  - [siv_applied, local_staff]\n", "  - [local_staff]\n")
    stricter = stricter.replace("  - [at_risk]\n", "  - [at_risk, siv_applied]\n")
    load_policy_text(
        session, operation_id=operation.id, text=stricter, source="new.yaml", actor=OFFICER
    )

    shown = _evaluate(session, cipher)
    assert shown.new_policy and not shown.applied
    assert [(c.person_id, c.before, c.after) for c in shown.changes] == [
        (applicant.id, "eligible siv_applied, priority 4", "eligible siv_applied, priority 7")
    ]
    assert _current(session, applicant).priority == 4  # nothing written
    applied = _evaluate(session, cipher, apply_new_policy=True)
    assert applied.applied and _current(session, applicant).priority == 7
    assert _current(session, at_risk).priority == 7
    history = session.scalar(select(func.count()).where(PersonDecision.person_id == applicant.id))
    assert history == 2


def test_a_claim_the_vocabulary_does_not_know_is_listed_never_dropped(session, operation, cipher):
    someone = person(
        session, cipher, claim="Former army officer", documents=(DocumentKind.tazkira,)
    )
    evaluation = _evaluate(session, cipher)
    assert evaluation.unmapped_claims == {"Former army officer": 1}
    decision = _current(session, someone)
    assert decision.outcome == Outcome.deferred
    assert decision.unmapped_claim == "Former army officer"
    session.refresh(someone)
    assert someone.category is None  # undecided until staff map it
    policy = newest_policy(session, operation_id=operation.id).policy()
    assert unmapped_claims(session, operation_id=operation.id, policy=policy) == {
        "Former army officer": 1
    }


def test_a_dry_run_writes_nothing(session, operation, cipher):
    someone = person(session, cipher, claim="AMCIT", documents=(DocumentKind.us_passport,))
    evaluation = _evaluate(session, cipher, dry_run=True)
    assert not evaluation.applied and evaluation.outcomes == {"eligible": 1}
    assert _current(session, someone) is None
    session.refresh(someone)
    assert someone.state == State.registered


@pytest.fixture(autouse=True)
def _no_leftover_transaction(session):
    yield
    session.rollback()


def test_the_demo_step_evaluates_everyone_and_says_so(session, operation, cipher):
    person(session, cipher, claim="AMCIT", documents=(DocumentKind.us_passport,))
    person(session, cipher, claim="Former army officer", documents=(DocumentKind.tazkira,))
    summary = demo_step(session, cipher=cipher, actor=OFFICER)
    assert summary.startswith("policy us-2021-08-25 (version 1): 2 persons in 2 parties")
    assert "1 eligible" in summary and "1 deferred" in summary
    assert "claims to map: 1 (on 1 registrations)" in summary


def test_ages_count_on_the_deadline_of_an_operation_that_is_over(session, operation, cipher):
    """The test operation's deadline is 31 August 2021: a daughter born in September 2000 is
    20 then (a derivative), though older than 21 today."""
    applicant = person(session, cipher, claim="US citizen", documents=(DocumentKind.us_passport,))
    daughter = person(
        session,
        cipher,
        documents=(DocumentKind.tazkira,),
        birth_year=2000,
        birth_month=9,
        birth_day=1,
    )
    household(session, operation, (applicant, Role.principal), (daughter, Role.child))
    evaluate(session, cipher=cipher, actor=OFFICER)
    assert _current(session, daughter).outcome == Outcome.eligible
    assert "under 21" in _current(session, daughter).reason
