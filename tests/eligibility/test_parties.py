"""Travel parties, derivatives, mixed parties and priority."""

from datetime import date

from evac.eligibility.ages import BirthSpan, birth_span
from evac.eligibility.decisions import Member, decide_party
from evac.eligibility.evidence import Evidence, category_from_evidence
from evac.eligibility.parties import travel_parties
from evac.eligibility.policy import Outcome, default_policy
from evac.eligibility.service import party_state
from evac.intake.dates import parse_birth_date
from evac.people.models import Role, State

POLICY = default_policy()
AS_OF = date(2021, 8, 25)


def _member(key, relationship, born=None, *, claim="", documents=(), married=False, flags=()):
    evidence = Evidence(claim=claim, documents=frozenset(documents), approval_date="2021-07-02")
    birth = birth_span(parse_birth_date(born, today=AS_OF)) if born else None
    return Member(
        key=key,
        household="H1",
        relationship=relationship,
        finding=category_from_evidence(evidence, POLICY),
        birth=birth,
        married=married,
        flags=frozenset(flags),
    )


INTERPRETER = _member("pa", Role.principal, "1985-03-02", documents={"siv_case", "com_approval"})


def _decide(*members):
    decisions = decide_party([INTERPRETER, *members], policy=POLICY, as_of=AS_OF)
    return {decision.key: decision for decision in decisions}


def test_households_that_share_a_person_are_one_party():
    parties = travel_parties(
        [("a", "H1"), ("b", "H1"), ("c", "H2"), ("a", "H2"), ("d", "H3"), ("e", None)]
    )
    assert parties == [["a", "b", "c"], ["d"], ["e"]]


def test_a_chain_of_shared_persons_joins_every_household_on_it():
    parties = travel_parties([("a", "H1"), ("b", "H2"), ("c", "H3"), ("a", "H2"), ("c", "H2")])
    assert parties == [["a", "b", "c"]]


def test_a_spouse_shares_the_principals_category_and_the_reason_names_the_chain():
    decision = _decide(_member("wife", Role.spouse, "1988"))["wife"]
    assert (decision.outcome, decision.category, decision.party) == (
        Outcome.eligible,
        "siv_com_approved",
        "pa",
    )
    assert decision.reason.startswith(
        "eligible: spouse of SIV applicant with COM approval dated 2021-07-02 (document); "
        "priority 3"
    )
    assert decision.basis == "derivative of pa (document: siv_case+com_approval)"


def test_a_brother_of_an_siv_applicant_is_not_a_derivative():
    decision = _decide(_member("brother", Role.sibling, "1990"))["brother"]
    assert decision.outcome == Outcome.ineligible
    assert "sibling of SIV applicant" in decision.reason
    assert "is not a derivative" in decision.reason


def test_children_are_derivatives_when_unmarried_and_under_21_on_the_day():
    decisions = _decide(
        _member("twenty", Role.child, "2001-03-01"),
        _member("twenty_two", Role.child, "1999-03-01"),
        _member("married_nineteen", Role.child, "2002-03-01", married=True),
    )
    assert decisions["twenty"].outcome == Outcome.eligible
    assert decisions["twenty"].category == "siv_com_approved"
    assert decisions["twenty_two"].outcome == Outcome.ineligible
    assert "21 or older on 2021-08-25" in decisions["twenty_two"].reason
    assert decisions["married_nineteen"].outcome == Outcome.ineligible
    assert "married child" in decisions["married_nineteen"].reason


def test_a_birth_year_that_straddles_the_age_limit_is_deferred_to_an_officer():
    decision = _decide(_member("born_2000", Role.child, "2000"))["born_2000"]
    assert decision.outcome == Outcome.deferred
    assert "too vague" in decision.reason


def test_a_party_with_mixed_outcomes_is_flagged_on_every_member_and_not_split():
    decisions = _decide(_member("wife", Role.spouse), _member("father", Role.parent, "1950"))
    assert {d.outcome for d in decisions.values()} == {Outcome.eligible, Outcome.ineligible}
    assert all(d.mixed_party and d.party == "pa" for d in decisions.values())
    assert all("an officer decides" in d.reason for d in decisions.values())
    alone = decide_party([INTERPRETER], policy=POLICY, as_of=AS_OF)
    assert not alone[0].mixed_party


def test_a_second_principal_in_a_household_is_judged_on_their_own():
    decision = _decide(_member("again", Role.principal, "1985", claim="At risk"))["again"]
    assert (decision.outcome, decision.category) == (Outcome.deferred, "at_risk")
    assert "derivative" not in decision.reason


def test_a_relative_with_a_category_of_their_own_keeps_the_better_one():
    decision = _decide(_member("father", Role.parent, claim="AMCIT"))["father"]
    assert (decision.outcome, decision.category, decision.priority.level) == (
        Outcome.eligible,
        "us_citizen",
        1,
    )


def test_flags_raise_priority_by_the_strongest_flag_only():
    decisions = _decide(
        _member("sick", Role.spouse, "1990", flags={"medical"}),
        _member("threatened", Role.spouse, "1990", flags={"medical", "imminent_threat"}),
        _member("grandmother", Role.spouse, "1950-01-05"),
        _member("odd", Role.spouse, "1990", flags={"vip"}),
    )
    assert decisions["pa"].priority.level == 3
    assert decisions["sick"].priority.level == 2
    assert decisions["threatened"].priority.level == 1
    assert decisions["grandmother"].priority.level == 2
    assert "over_65" in decisions["grandmother"].reason
    assert decisions["odd"].priority.level == 3
    assert "flag 'vip' is not in the policy" in decisions["odd"].reason


def test_children_alone_are_unaccompanied_minors():
    children = [
        Member(
            "a",
            "H9",
            Role.child,
            INTERPRETER.finding,
            BirthSpan(date(2010, 1, 1), date(2010, 1, 1)),
        ),
        Member(
            "b",
            "H9",
            Role.child,
            INTERPRETER.finding,
            BirthSpan(date(2012, 1, 1), date(2012, 1, 1)),
        ),
    ]
    decisions = decide_party(children, policy=POLICY, as_of=AS_OF)
    assert all("unaccompanied_minor" in d.reason for d in decisions)
    assert all(d.priority.level == 2 for d in decisions)


def test_a_party_is_as_far_along_as_its_least_advanced_member():
    S = State
    assert party_state([S.checked_in, S.called_forward, S.checked_in]) == S.called_forward
    assert party_state([S.eligible, S.deferred]) == S.deferred  # one deferred holds all
    assert party_state([S.checked_in, S.no_show]) == S.no_show  # one missing at the gate
    assert party_state([S.departed, S.withdrawn]) == S.departed  # who left is not waited for
    assert party_state([S.merged]) is None
