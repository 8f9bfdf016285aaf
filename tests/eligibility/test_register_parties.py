"""Parties in the register: formed from linked persons' households, kept stable, and read by
planning (plannable_parties) and passes (party_members)."""

import pytest
from sqlalchemy import select

from evac.eligibility.models import Party, PartyMember, PersonDecision, PolicyVersion
from evac.eligibility.policy import Outcome, default_policy_text
from evac.eligibility.service import (
    REFERENCE_ALPHABET,
    PartyError,
    PlannableParty,
    form_parties,
    join_parties,
    party_members,
    plannable_parties,
    split_party,
)
from evac.people.models import Event, Role, State
from evac.people.service import PersonNames, create_group, create_person
from tests.eligibility.register_world import OFFICER


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


def test_an_officers_split_and_join_survive_re_forming_and_are_events(session, operation, cipher):
    father, son, nephew = (_person(session, cipher, name) for name in ("F", "S", "N"))
    _household(
        session, operation, (father, Role.principal), (son, Role.child), (nephew, Role.other)
    )
    form_parties(session, operation_id=operation.id)
    reference = _reference_of(session, father)
    new = split_party(
        session,
        operation_id=operation.id,
        reference=reference,
        person_ids=[nephew.id],
        reason="travels with his own parents",
        actor=OFFICER,
    )
    again = form_parties(session, operation_id=operation.id)
    assert again.moved == 0 and _reference_of(session, nephew) == new.reference
    assert _reference_of(session, son) == reference
    events = session.scalars(select(Event).where(Event.person_id == nephew.id)).all()
    assert [(e.type, e.data["reason"], e.actor) for e in events] == [
        ("party_split", "travels with his own parents", OFFICER.username)
    ]

    join_parties(
        session,
        operation_id=operation.id,
        references=[reference, new.reference],
        reason="his parents stayed",
        actor=OFFICER,
    )
    form_parties(session, operation_id=operation.id)
    assert _reference_of(session, nephew) == reference
    with pytest.raises(PartyError):  # a party cannot be split from all its members
        split_party(
            session,
            operation_id=operation.id,
            reference=reference,
            person_ids=[father.id, son.id, nephew.id],
            reason="x",
            actor=OFFICER,
        )
    with pytest.raises(ValueError, match="reason"):
        join_parties(
            session,
            operation_id=operation.id,
            references=[reference, new.reference],
            reason="  ",
            actor=OFFICER,
        )


def test_a_person_merged_into_another_leaves_the_party(session, operation, cipher):
    kept, twice = _person(session, cipher, "K"), _person(session, cipher, "K2")
    _household(session, operation, (kept, Role.principal), (twice, Role.spouse))
    form_parties(session, operation_id=operation.id)
    twice.state = State.merged
    twice.merged_into_id = kept.id
    session.flush()
    formation = form_parties(session, operation_id=operation.id)
    assert formation.left == 1 and _reference_of(session, twice) is None
    members = party_members(session, operation=operation, reference=_reference_of(session, kept))
    assert [p.id for p in members] == [kept.id]
