"""A small world at a gate: two called-forward parties of synthetic people, a plan calling
them to North Gate in a window open now, and each party's pass."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from evac.auth.permissions import Actor, Role, cli_actor
from evac.eligibility.models import Party, PartyMember
from evac.gate.service import Arrival
from evac.passes.flows import party_pass
from evac.people.models import DocumentKind, State
from evac.people.service import PersonNames, add_document, create_person
from evac.planning.models import PlannedParty, SavedPlan

NOW = datetime.now(UTC).replace(microsecond=0)
START, END = NOW - timedelta(minutes=30), NOW + timedelta(minutes=90)
GATE, OTHER_GATE = "North Gate", "Abbey Gate"
# Synthetic people and numbers: (given name, passport or None) per member, principal first.
PARTIES = {
    "P-7KQ2M": [("Wahidullah", "P31415926"), ("Shabnam", "P27182818"), ("Mursal", None)],
    "P-3XHTW": [("Gulalai", "P16180339")],
}
AGENT = Actor(username="agent-north", role=Role.gate_agent)
SUPERVISOR = Actor(username="officer-north", role=Role.officer)


@dataclass(frozen=True)
class World:
    passes: dict[str, str]  # party reference -> pass text
    members: dict[str, list[int]]  # party reference -> person ids, principal first


def arrival(key: str, pass_text: str | None = None, **changes) -> Arrival:
    fields = dict(idempotency_key=key, gate=GATE, station="lane 1", at=NOW, pass_text=pass_text)
    return Arrival(**(fields | changes))


def called_world(
    session,
    provider,
    operation,
    cipher,
    parties: dict[str, list[tuple[str, str | None]]],
    family: str = "Safi",
) -> World:
    """A plan calling each party to North Gate in a window open now, with each party's pass."""
    plan = SavedPlan(
        operation_id=operation.id, version=1, created_by="test", starts_at=START,
        method="test", objective=0.0, bound=0.0, seconds=0.0,
    )  # fmt: skip
    session.add(plan)
    session.flush()
    members: dict[str, list[int]] = {}
    for reference, people in parties.items():
        persons = []
        for given, passport in people:
            person = create_person(session, cipher=cipher, names=PersonNames(given, None, family))
            person.state = State.called_forward
            if passport:
                add_document(
                    session, cipher=cipher, person=person, kind=DocumentKind.passport,
                    number=passport,
                )  # fmt: skip
            persons.append(person)
        party = Party(operation_id=operation.id, reference=reference, principal_id=persons[0].id)
        session.add(party)
        session.flush()
        session.add_all(PartyMember(person_id=p.id, party_id=party.id) for p in persons)
        session.add(
            PlannedParty(
                plan_id=plan.id, party_reference=reference, size=len(persons), priority=1,
                category="siv", gate=GATE, window_start=START, window_end=END,
                sortie="RCH871", hub="Al Udeid", called_at=START - timedelta(hours=3),
            )
        )  # fmt: skip
        members[reference] = [p.id for p in persons]
    session.flush()
    passes = {
        reference: party_pass(
            session, actor=cli_actor(), provider=provider, operation=operation,
            party_reference=reference, gate=GATE, window_start=START, window_end=END,
        ).text
        for reference in parties
    }  # fmt: skip
    session.commit()
    return World(passes, members)


@pytest.fixture
def world(session, provider, operation, cipher) -> World:
    return called_world(session, provider, operation, cipher, PARTIES)
