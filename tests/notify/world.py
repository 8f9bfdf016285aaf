"""A small register for notify's tests: three parties of a plan, their members' contacts."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Role
from evac.eligibility.models import Party, PartyMember, PersonDecision, PolicyVersion
from evac.eligibility.policy import Outcome
from evac.people.models import ContactKind, DocumentKind, Person, State
from evac.people.service import PersonNames, add_contact, add_document, create_person
from evac.planning.models import PlannedParty, SavedPlan
from evac.vault.service import OperationCipher

OFFICER = Actor(username="officer-test", role=Role.officer)
FIRST = datetime(2021, 8, 24, 9, 30, tzinfo=UTC)
SECOND = FIRST + timedelta(hours=2)
# party reference -> (category, priority, window, each member's e-mail)
PARTIES = {
    "P-AMCIT": ("us_citizen", 1, FIRST, ["amcit@example.org"]),
    "P-SIVVV": ("siv_visa_issued", 2, FIRST, ["siv1@example.org", "siv2@example.org"]),
    "P-STAFF": ("local_staff", 3, SECOND, ["staff@example.org"]),
}


@dataclass
class World:
    persons: dict[str, list[Person]]  # by party reference
    policy: PolicyVersion


def build_world(session: Session, *, cipher: OperationCipher) -> World:
    policy = PolicyVersion(
        operation_id=cipher.operation_id,
        number=1,
        version="test",
        name="test policy",
        text="",
        digest="0" * 64,
        loaded_by="test",
    )
    plan = SavedPlan(
        operation_id=cipher.operation_id,
        version=1,
        created_by="test",
        starts_at=FIRST - timedelta(hours=1),
        method="test",
        objective=0.0,
        bound=0.0,
        seconds=0.0,
    )
    session.add_all([policy, plan])
    session.flush()
    persons = {}
    for number, (reference, (category, priority, window, emails)) in enumerate(PARTIES.items()):
        members = [
            _member(session, cipher, category, f"{number}{i}", email)
            for i, email in enumerate(emails)
        ]
        party = Party(
            operation_id=cipher.operation_id, reference=reference, principal_id=members[0].id
        )
        session.add(party)
        session.flush()
        for person in members:
            session.add(PartyMember(person_id=person.id, party_id=party.id))
            session.add(
                PersonDecision(
                    operation_id=cipher.operation_id,
                    person_id=person.id,
                    party_id=party.id,
                    policy_id=policy.id,
                    outcome=Outcome.eligible,
                    category=category,
                    basis="test",
                    priority=priority,
                    reason="test",
                )
            )
        session.add(
            PlannedParty(
                plan_id=plan.id,
                party_reference=reference,
                size=len(members),
                priority=priority,
                category=category,
                gate="North Gate",
                window_start=window,
                window_end=window + timedelta(hours=2),
                sortie=f"RCH{number}",
                hub="Al Udeid",
            )
        )
        persons[reference] = members
    session.commit()
    return World(persons, policy)


def _member(session, cipher, category: str, serial: str, email: str) -> Person:
    person = create_person(
        session, cipher=cipher, names=PersonNames(given_name=f"Test{serial}"), category=category
    )
    person.state = State.eligible
    add_contact(session, cipher=cipher, person=person, kind=ContactKind.email, value=email)
    add_document(
        session, cipher=cipher, person=person, kind=DocumentKind.passport, number=f"P00{serial}77"
    )
    session.flush()
    return person
