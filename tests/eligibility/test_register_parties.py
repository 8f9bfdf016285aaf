"""Parties in the register: formed from linked persons' households, kept stable, and read by
planning (plannable_parties) and passes (party_members)."""

from sqlalchemy import select

from evac.eligibility.models import Party, PartyMember, PersonDecision, PolicyVersion
from evac.eligibility.policy import Outcome, default_policy_text
from evac.eligibility.service import (
    REFERENCE_ALPHABET,
    PlannableParty,
    form_parties,
    party_members,
    plannable_parties,
)
from evac.people.models import Role
from evac.people.service import PersonNames, create_group, create_person


def _person(session, cipher, given: str):
    return create_person(session, cipher=cipher, names=PersonNames(given_name=given))


def _household(session, operation, *members):
    create_group(session, operation_id=operation.id, members=list(members))


def _decide(session, operation, policy, person, outcome, priority, category):
    session.add(
        PersonDecision(
            operation_id=operation.id,
            person_id=person.id,
            policy_id=policy.id,
            outcome=outcome,
            category=category,
            basis="claim: test",
            priority=priority,
            reason=f"{outcome}: test",
        )
    )


def _policy(session, operation):
    policy = PolicyVersion(
        operation_id=operation.id,
        number=1,
        version="test",
        name="test",
        text=default_policy_text(),
        digest="0" * 64,
        loaded_by="test",
    )
    session.add(policy)
    session.flush()
    return policy


def test_households_sharing_a_person_are_one_party_and_a_loner_a_party_of_one(
    session, operation, cipher
):
    interpreter, wife, father, loner = (
        _person(session, cipher, name) for name in ("Zaman", "Mariam", "Karim", "Nadia")
    )
    # the SIV list has him with his wife; an NGO list has him with his father
    _household(session, operation, (interpreter, Role.principal), (wife, Role.spouse))
    _household(session, operation, (father, Role.principal), (interpreter, Role.child))
    formation = form_parties(session, operation_id=operation.id)
    assert (formation.parties, formation.created, formation.moved) == (2, 2, 4)

    family = party_members(session, operation=operation, reference=_reference_of(session, wife))
    assert [p.id for p in family] == [interpreter.id, wife.id, father.id]  # principal first
    alone = party_members(session, operation=operation, reference=_reference_of(session, loner))
    assert [p.id for p in alone] == [loner.id]

    reference = _reference_of(session, wife)
    assert reference.startswith("P-") and set(reference[2:]) <= set(REFERENCE_ALPHABET)
    again = form_parties(session, operation_id=operation.id)
    assert (again.created, again.moved) == (0, 0)
    assert _reference_of(session, wife) == reference  # references are stable


def test_plannable_parties_are_those_whose_members_are_all_eligible(session, operation, cipher):
    a1, a2, b1, b2 = (_person(session, cipher, name) for name in ("A", "Aa", "B", "Bb"))
    _household(session, operation, (a1, Role.principal), (a2, Role.child))
    _household(session, operation, (b1, Role.principal), (b2, Role.parent))
    form_parties(session, operation_id=operation.id)
    policy = _policy(session, operation)
    _decide(session, operation, policy, a1, Outcome.eligible, 3, "siv_com_approved")
    _decide(session, operation, policy, a2, Outcome.eligible, 2, "siv_com_approved")
    _decide(session, operation, policy, b1, Outcome.eligible, 1, "us_citizen")
    _decide(session, operation, policy, b2, Outcome.ineligible, None, None)
    session.flush()

    parties = plannable_parties(session, operation=operation)
    assert parties == [PlannableParty(_reference_of(session, a1), 2, 2, "siv_com_approved")]

    mixed = session.scalar(select(Party).where(Party.reference == _reference_of(session, b1)))
    mixed.travels_split_by = "officer-1"
    session.flush()
    references = {
        party.reference: party for party in plannable_parties(session, operation=operation)
    }
    assert references[mixed.reference] == PlannableParty(mixed.reference, 1, 1, "us_citizen")


def _reference_of(session, person) -> str:
    return session.scalar(
        select(Party.reference)
        .join(PartyMember, PartyMember.party_id == Party.id)
        .where(PartyMember.person_id == person.id)
    )
