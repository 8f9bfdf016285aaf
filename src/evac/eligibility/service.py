"""The register's side of eligibility: travel parties, policy versions, overrides, and what
planning, passes and messages read (plannable_parties, party_members).

Parties are formed from the households that linked persons join (parties.py). An officer's
split or join is kept as the officer made it: re-forming from households leaves it alone.
"""

import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from evac.eligibility.models import Party, PartyMember, PersonDecision
from evac.eligibility.parties import travel_parties
from evac.eligibility.policy import Outcome
from evac.operation.models import Operation
from evac.people.models import Group, GroupMember, Person, Role, State
from evac.people.service import insert_rows

# Persons who no longer travel with anyone: merged into another, withdrawn, or their case closed.
GONE = (State.merged, State.withdrawn, State.closed)
# Letters and digits that cannot be misread over a bad phone line or on a creased printout
# (no 0/O, 1/I, 2/Z, 5/S, 8/B).
REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
REFERENCE_LENGTH = 5


@dataclass(frozen=True)
class PlannableParty:
    reference: str  # the party's reference
    size: int  # members who travel
    priority: int  # 1 = first to go (the policy's order, flags applied)
    category: str  # the principal's canonical category


class PartyError(ValueError):
    """A split or join that cannot be made (an unknown reference, a person of another party)."""


# --- What planning, passes and messages read ---------------------------------------------


def plannable_parties(session: Session, *, operation: Operation) -> list[PlannableParty]:
    """Parties whose members are all eligible (or an officer let a mixed party travel)."""
    rows = session.execute(
        select(
            Party.reference,
            Party.principal_id,
            Party.travels_split_by,
            PartyMember.person_id,
            PersonDecision.outcome,
            PersonDecision.priority,
            PersonDecision.category,
        )
        .join(PartyMember, PartyMember.party_id == Party.id)
        .outerjoin(
            PersonDecision,
            (PersonDecision.person_id == PartyMember.person_id)
            & PersonDecision.superseded_at.is_(None),
        )
        .where(Party.operation_id == operation.id)
        .order_by(Party.id)
    )
    members: dict[str, list] = {}
    for row in rows:
        members.setdefault(row.reference, []).append(row)
    plannable = [_plannable(reference, rows) for reference, rows in members.items()]
    return [party for party in plannable if party is not None]


def _plannable(reference: str, members: list) -> PlannableParty | None:
    travelling = [m for m in members if m.outcome == Outcome.eligible]
    if not travelling or (len(travelling) < len(members) and members[0].travels_split_by is None):
        return None
    principal = next((m for m in travelling if m.person_id == m.principal_id), travelling[0])
    priority = min(m.priority for m in travelling if m.priority is not None)
    return PlannableParty(reference, len(travelling), priority, principal.category)


def party_members(session: Session, *, operation: Operation, reference: str) -> list[Person]:
    """The persons of one party, principal first (passes digest their documents)."""
    party = _party(session, operation_id=operation.id, reference=reference)
    persons = session.scalars(
        select(Person)
        .join(PartyMember, PartyMember.person_id == Person.id)
        .where(PartyMember.party_id == party.id)
        .order_by(Person.id)
    ).all()
    return sorted(persons, key=lambda person: person.id != party.principal_id)


def _party(session: Session, *, operation_id: int, reference: str) -> Party:
    party = session.scalar(
        select(Party).where(Party.operation_id == operation_id, Party.reference == reference)
    )
    if party is None:
        raise PartyError(f"no party {reference!r} in this operation")
    return party


# --- Forming parties -------------------------------------------------------------------


@dataclass(frozen=True)
class Formation:
    parties: int  # parties with members after forming
    created: int
    moved: int  # persons placed in another party (or a first one)
    left: int  # persons taken out: merged into another, withdrawn, closed


def form_parties(session: Session, *, operation_id: int) -> Formation:
    """Parties from the households linked persons join (see the module). A person keeps the
    party that holds most of their new party's members, so references stay stable."""
    persons = dict(
        session.execute(
            select(Person.id, Person.state)
            .where(Person.operation_id == operation_id)
            .order_by(Person.id)
        ).all()
    )
    placed = _placements(session, operation_id)
    gone = [person for person in placed if persons.get(person) in GONE]
    if gone:
        session.execute(delete(PartyMember).where(PartyMember.person_id.in_(gone)))
    by_officer = set(
        session.scalars(
            select(Party.id).where(Party.operation_id == operation_id, Party.by_officer)
        )
    )
    free = [p for p, state in persons.items() if state not in GONE]
    free = [p for p in free if placed.get(p) not in by_officer]
    households, heads = _households(session, operation_id, set(free))
    components = travel_parties(
        (person, group) for person in free for group in households.get(person, [None])
    )
    references = set(
        session.scalars(select(Party.reference).where(Party.operation_id == operation_id))
    )
    taken: set[int] = set()
    moves: list[dict] = []
    firsts: list[dict] = []
    new_parties: list[tuple[list[int], dict]] = []
    for members in components:
        keep = _party_to_keep(members, placed, taken, by_officer)
        if keep is None:
            row = {"operation_id": operation_id, "reference": new_reference(references)}
            new_parties.append((members, row))
            continue
        taken.add(keep)
        for person in members:
            if person not in placed:
                firsts.append({"person_id": person, "party_id": keep})
            elif placed[person] != keep:
                moves.append({"person": person, "party": keep})
    for members, row in new_parties:
        principal = next((person for person in members if person in heads), members[0])
        party = Party(**row, principal_id=principal)
        session.add(party)
        session.flush()
        for person in members:
            if person in placed:
                moves.append({"person": person, "party": party.id})
            else:
                firsts.append({"person_id": person, "party_id": party.id})
    _move(session, moves)
    insert_rows(session, PartyMember, firsts)
    _set_missing_principals(session, operation_id)
    count = session.scalar(
        select(func.count(func.distinct(PartyMember.party_id)))
        .join(Party, Party.id == PartyMember.party_id)
        .where(Party.operation_id == operation_id)
    )
    return Formation(count or 0, len(new_parties), len(moves) + len(firsts), len(gone))


def _placements(session: Session, operation_id: int) -> dict[int, int]:
    """Person -> party, for the operation's placed persons."""
    return dict(
        session.execute(
            select(PartyMember.person_id, PartyMember.party_id)
            .join(Party, Party.id == PartyMember.party_id)
            .where(Party.operation_id == operation_id)
        ).all()
    )


def _households(
    session: Session, operation_id: int, persons: set[int]
) -> tuple[dict[int, list[int]], set[int]]:
    """Person -> their households (in id order), and the persons who head one."""
    rows = session.execute(
        select(GroupMember.person_id, GroupMember.group_id, GroupMember.role)
        .join(Group, Group.id == GroupMember.group_id)
        .where(Group.operation_id == operation_id)
        .order_by(GroupMember.group_id, GroupMember.id)
    )
    households: dict[int, list[int]] = {}
    heads: set[int] = set()
    for person, group, role in rows:
        if person in persons:
            households.setdefault(person, []).append(group)
            if role == Role.principal:
                heads.add(person)
    return households, heads


def _party_to_keep(
    members: list[int], placed: dict[int, int], taken: set[int], by_officer: set[int]
) -> int | None:
    """The existing party holding most of these members and not kept by another group."""
    held = Counter(placed[p] for p in members if p in placed and placed[p] not in by_officer)
    for party, _ in held.most_common():
        if party not in taken:
            return party
    return None


def _move(session: Session, moves: list[dict]) -> None:
    if moves:
        statement = (
            update(PartyMember)
            .where(PartyMember.person_id == bindparam("person"))
            .values(party_id=bindparam("party"))
        )
        session.connection().execute(statement, moves)


def _set_missing_principals(session: Session, operation_id: int) -> None:
    """A party whose principal left it (merged, moved) takes its first member as principal
    until the next evaluation names one."""
    principals = dict(
        session.execute(
            select(Party.id, Party.principal_id).where(Party.operation_id == operation_id)
        ).all()
    )
    members: dict[int, list[int]] = {}
    for person, party in _placements(session, operation_id).items():
        members.setdefault(party, []).append(person)
    stale = [
        {"party": party, "principal": min(persons)}
        for party, persons in members.items()
        if principals[party] not in persons
    ]
    if stale:
        statement = (
            update(Party)
            .where(Party.id == bindparam("party"))
            .values(principal_id=bindparam("principal"))
        )
        session.connection().execute(statement, stale)


def new_reference(taken: set[str]) -> str:
    """A fresh party reference ("P-7KQ2M"), added to `taken`."""
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        reference = f"P-{code}"
        if reference not in taken:
            taken.add(reference)
            return reference
