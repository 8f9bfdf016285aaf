"""The register's side of eligibility: travel parties, policy versions, overrides, and what
planning, passes and messages read (plannable_parties, party_members).

Parties are formed from the households that linked persons join (parties.py). An officer's
split or join is kept as the officer made it: re-forming from households leaves it alone.
"""

import hashlib
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.db import utcnow
from evac.eligibility.models import (
    Override,
    Party,
    PartyMember,
    PersonDecision,
    PersonFlag,
    PolicyVersion,
    RegistrationClaim,
)
from evac.eligibility.parties import travel_parties
from evac.eligibility.policy import (
    Outcome,
    Policy,
    claim_key,
    default_policy,
    default_policy_text,
    parse_policy,
)
from evac.eligibility.register import Register, read_register
from evac.operation.models import Operation
from evac.people.lifecycle import event_row
from evac.people.models import Event, Person, Registration, Role, State
from evac.people.service import insert_rows, merged_into_them
from evac.vault.audit import record_access

CHUNK = 5000  # ids in one IN (...) list
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


def form_parties(
    session: Session, *, operation_id: int, register: Register | None = None
) -> Formation:
    """Parties from the households linked persons join (see the module). A person keeps the
    party that holds most of their new party's members, so references stay stable.
    `register` is read_register's, when the caller has read it already."""
    register = register or read_register(session, operation_id=operation_id)
    placed = _placements(session, operation_id)
    gone = [person for person in placed if person not in register.states]
    for start in range(0, len(gone), CHUNK):
        chunk = gone[start : start + CHUNK]
        session.execute(delete(PartyMember).where(PartyMember.person_id.in_(chunk)))
    by_officer = set(
        session.scalars(
            select(Party.id).where(Party.operation_id == operation_id, Party.by_officer)
        )
    )
    free = [person for person in sorted(register.states) if placed.get(person) not in by_officer]
    households = register.households
    components = travel_parties(
        (person, household)
        for person in free
        for household, _ in households.get(person, [(None, None)])
    )
    references = set(
        session.scalars(select(Party.reference).where(Party.operation_id == operation_id))
    )
    taken: set[int] = set()
    placing: list[tuple[int, int | str]] = []  # (person, party id or a new party's reference)
    new_parties: list[dict] = []
    for members in components:
        keep = _party_to_keep(members, placed, taken, by_officer)
        if keep is None:
            principal = next((p for p in members if _heads(households.get(p, []))), members[0])
            reference = new_reference(references)
            new_parties.append(
                {"operation_id": operation_id, "reference": reference, "principal_id": principal}
            )
            placing += [(person, reference) for person in members]
            continue
        taken.add(keep)
        placing += [(person, keep) for person in members if placed.get(person) != keep]
    ids = _insert_parties(session, operation_id, new_parties)
    placing = [(person, ids.get(party, party)) for person, party in placing]
    _move(session, [{"person": p, "party": party} for p, party in placing if p in placed])
    insert_rows(
        session,
        PartyMember,
        [{"person_id": p, "party_id": party} for p, party in placing if p not in placed],
    )
    if placing or gone:
        _set_missing_principals(session, operation_id)
    count = session.scalar(
        select(func.count(func.distinct(PartyMember.party_id)))
        .join(Party, Party.id == PartyMember.party_id)
        .where(Party.operation_id == operation_id)
    )
    return Formation(count or 0, len(new_parties), len(placing), len(gone))


def _heads(households: list[tuple[int, Role]]) -> bool:
    return any(role == Role.principal for _, role in households)


def _insert_parties(session: Session, operation_id: int, rows: list[dict]) -> dict[str, int]:
    """New parties, in bulk; reference -> id."""
    ids: dict[str, int] = {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        insert_rows(session, Party, chunk)
        query = select(Party.reference, Party.id).where(
            Party.operation_id == operation_id,
            Party.reference.in_([row["reference"] for row in chunk]),
        )
        ids.update((reference, id_) for reference, id_ in session.execute(query))
    return ids


def _placements(session: Session, operation_id: int) -> dict[int, int]:
    """Person -> party, for the operation's placed persons."""
    return dict(
        session.connection()
        .execute(
            select(PartyMember.person_id, PartyMember.party_id)
            .join(Party, Party.id == PartyMember.party_id)
            .where(Party.operation_id == operation_id)
        )
        .all()
    )


def _party_to_keep(
    members: list[int], placed: dict[int, int], taken: set[int], by_officer: set[int]
) -> int | None:
    """The existing party holding most of these members and not kept by another group."""
    first = placed.get(members[0])
    if (
        first not in taken
        and first not in by_officer
        and all(placed.get(p) == first for p in members)
    ):
        return first  # the common case: nobody moved
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
        session.connection()
        .execute(select(Party.id, Party.principal_id).where(Party.operation_id == operation_id))
        .all()
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


# --- Officers' changes to parties ---------------------------------------------------------


def split_party(
    session: Session,
    *,
    operation_id: int,
    reference: str,
    person_ids: list[int],
    reason: str,
    actor: Actor,
) -> Party:
    """Take persons out of their party into a new one; both are then the officer's, and
    re-forming from households leaves them as they are."""
    actor.require(Permission.eligibility_decide)
    reason = _reason(reason)
    party = _party(session, operation_id=operation_id, reference=reference)
    members = set(_member_ids(session, party.id))
    leaving = set(person_ids)
    if not leaving or not leaving < members:
        raise PartyError(f"split {reference}: name some of its members, not all of them")
    references = set(
        session.scalars(select(Party.reference).where(Party.operation_id == operation_id))
    )
    new = Party(
        operation_id=operation_id,
        reference=new_reference(references),
        principal_id=min(leaving),
        by_officer=True,
    )
    session.add(new)
    session.flush()
    party.by_officer = True
    if party.principal_id in leaving:
        party.principal_id = min(members - leaving)
    _move(session, [{"person": person, "party": new.id} for person in sorted(leaving)])
    _record(
        session,
        actor,
        "party_split",
        operation_id,
        sorted(leaving),
        reason,
        {"from": party.reference, "to": new.reference},
    )
    return new


def join_parties(
    session: Session, *, operation_id: int, references: list[str], reason: str, actor: Actor
) -> Party:
    """Join parties into the first one named (its reference stays; the others empty)."""
    actor.require(Permission.eligibility_decide)
    reason = _reason(reason)
    if len(set(references)) < 2:
        raise PartyError("join: name two parties or more")
    parties = [_party(session, operation_id=operation_id, reference=r) for r in references]
    kept, others = parties[0], parties[1:]
    moving = [p for other in others for p in _member_ids(session, other.id)]
    kept.by_officer = True
    for other in others:
        other.by_officer = True
    _move(session, [{"person": person, "party": kept.id} for person in moving])
    _record(
        session,
        actor,
        "party_joined",
        operation_id,
        moving,
        reason,
        {"from": [o.reference for o in others], "to": kept.reference},
    )
    return kept


def let_party_travel_split(
    session: Session, *, operation_id: int, reference: str, reason: str, actor: Actor
) -> Party:
    """An officer lets a party with mixed outcomes travel: its eligible members go."""
    actor.require(Permission.eligibility_decide)
    reason = _reason(reason)
    party = _party(session, operation_id=operation_id, reference=reference)
    party.travels_split_by, party.travels_split_reason = actor.username, reason
    _record(
        session,
        actor,
        "party_travels_split",
        operation_id,
        _member_ids(session, party.id),
        reason,
        {"party": party.reference},
    )
    return party


def _member_ids(session: Session, party_id: int) -> list[int]:
    return list(
        session.scalars(
            select(PartyMember.person_id)
            .where(PartyMember.party_id == party_id)
            .order_by(PartyMember.person_id)
        )
    )


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("an officer's decision needs a reason")
    return reason[:500]


def _record(
    session: Session,
    actor: Actor,
    kind: str,
    operation_id: int,
    persons: list[int],
    reason: str,
    data: dict,
) -> None:
    """An officer's change as an event for each person and one audit entry."""
    at = utcnow()
    insert_rows(
        session,
        Event,
        [
            event_row(
                operation_id=operation_id,
                person_id=person,
                type=kind,
                actor=actor,
                idempotency_key=f"eligibility:{kind}:{at.isoformat()}:{person}",
                at=at,
                data={**data, "reason": reason},
            )
            for person in persons
        ],
    )
    subject = ",".join(f"person:{person}" for person in persons[:20])
    record_access(
        session,
        actor=actor,
        action=f"eligibility.{kind}",
        purpose=reason,
        subject=subject,
        details={**data, "persons": len(persons)},
    )


# --- Policy versions -------------------------------------------------------------------


def load_policy_text(
    session: Session, *, operation_id: int, text: str, source: str, actor: Actor
) -> PolicyVersion:
    """Validate a policy and keep it as the operation's next version (the same text as the
    newest is no new version); raises PolicyError naming each problem's line."""
    actor.require(Permission.eligibility_decide)
    policy = parse_policy(text, source=source)
    digest = hashlib.sha256(text.encode()).hexdigest()
    newest = newest_policy(session, operation_id=operation_id)
    if newest is not None and newest.digest == digest:
        return newest
    version = PolicyVersion(
        operation_id=operation_id,
        number=(newest.number if newest else 0) + 1,
        version=policy.version[:80],
        name=policy.name[:200],
        text=text,
        digest=digest,
        loaded_by=actor.username,
    )
    session.add(version)
    session.flush()
    record_access(
        session,
        actor=actor,
        action="eligibility.policy_load",
        purpose=source[:200],
        subject=f"operation:{operation_id}",
        details={"number": version.number, "version": policy.version, "digest": digest},
    )
    return version


def newest_policy(session: Session, *, operation_id: int) -> PolicyVersion | None:
    return session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.operation_id == operation_id)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )


def current_policy(session: Session, *, operation_id: int, actor: Actor) -> PolicyVersion:
    """The newest policy loaded; the default (US guidance of August 2021) when none is."""
    newest = newest_policy(session, operation_id=operation_id)
    if newest is not None:
        return newest
    return load_policy_text(
        session,
        operation_id=operation_id,
        text=default_policy_text(),
        source="default-policy.yaml",
        actor=actor,
    )


def policy_history(session: Session, *, operation_id: int) -> list[PolicyVersion]:
    """Every version loaded, newest first."""
    query = (
        select(PolicyVersion)
        .where(PolicyVersion.operation_id == operation_id)
        .order_by(PolicyVersion.number.desc())
    )
    return list(session.scalars(query))


def last_evaluated_policy(session: Session, *, operation_id: int) -> PolicyVersion | None:
    """The policy the current decisions were made under (the newest, if several)."""
    newest = (
        select(func.max(PersonDecision.policy_id))
        .where(PersonDecision.operation_id == operation_id, PersonDecision.superseded_at.is_(None))
        .scalar_subquery()
    )
    return session.scalar(select(PolicyVersion).where(PolicyVersion.id == newest))


# --- Overrides ---------------------------------------------------------------------------


def add_override(
    session: Session,
    *,
    operation_id: int,
    person_id: int,
    outcome: Outcome,
    reason: str,
    actor: Actor,
    category: str | None = None,
) -> Override:
    """An officer's decision for one person, in force over every evaluation until withdrawn
    (an earlier one of the same person is withdrawn by it)."""
    actor.require(Permission.eligibility_decide)
    reason = _reason(reason)
    _person_of(session, operation_id, person_id)
    policy = current_policy(session, operation_id=operation_id, actor=actor).policy()
    if category is not None and category not in policy.categories:
        raise ValueError(f"{category!r} is not a category of the policy")
    for earlier in active_overrides(
        session, operation_id=operation_id, person_id=person_id
    ).values():
        earlier.withdrawn_at, earlier.withdrawn_by = utcnow(), actor.username
    override = Override(
        operation_id=operation_id,
        person_id=person_id,
        outcome=outcome,
        category=category,
        reason=reason,
        officer=actor.username,
    )
    session.add(override)
    session.flush()
    _record(
        session,
        actor,
        "eligibility_override",
        operation_id,
        [person_id],
        reason,
        {"outcome": outcome.value, "category": category},
    )
    return override


def withdraw_override(
    session: Session, *, operation_id: int, person_id: int, reason: str, actor: Actor
) -> Override:
    """The person's override withdrawn: the policy decides them again at the next evaluation."""
    actor.require(Permission.eligibility_decide)
    reason = _reason(reason)
    active = active_overrides(session, operation_id=operation_id, person_id=person_id)
    if person_id not in active:
        raise ValueError(f"person {person_id} has no override in force")
    override = active[person_id]
    override.withdrawn_at, override.withdrawn_by = utcnow(), actor.username
    _record(
        session,
        actor,
        "eligibility_override_withdrawn",
        operation_id,
        [person_id],
        reason,
        {"override": override.id},
    )
    return override


def active_overrides(
    session: Session, *, operation_id: int, person_id: int | None = None
) -> dict[int, Override]:
    """Person -> their override in force."""
    query = select(Override).where(
        Override.operation_id == operation_id, Override.withdrawn_at.is_(None)
    )
    if person_id is not None:
        query = query.where(Override.person_id == person_id)
    return {
        override.person_id: override for override in session.scalars(query.order_by(Override.id))
    }


def _person_of(session: Session, operation_id: int, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.operation_id != operation_id:
        raise ValueError(f"no person {person_id} in this operation")
    return person


# --- Officers' flags -----------------------------------------------------------------------


def set_flag(
    session: Session,
    *,
    operation_id: int,
    person_id: int,
    flag: str,
    present: bool,
    reason: str,
    actor: Actor,
) -> PersonFlag:
    """An officer sets a flag on a person (present) or clears it, with a reason: it holds over
    every evaluation and over what the person's lists wrote, until an officer changes it."""
    actor.require(Permission.eligibility_decide)
    reason = _reason(reason)
    _person_of(session, operation_id, person_id)
    policy = current_policy(session, operation_id=operation_id, actor=actor).policy()
    if flag not in policy.flags:
        known = ", ".join(policy.flags)
        raise ValueError(f"{flag!r} is not a flag of the policy (its flags: {known})")
    change = PersonFlag(
        operation_id=operation_id,
        person_id=person_id,
        flag=flag,
        present=present,
        reason=reason,
        officer=actor.username,
    )
    session.add(change)
    session.flush()
    kind = "priority_flag_set" if present else "priority_flag_cleared"
    _record(session, actor, kind, operation_id, [person_id], reason, {"flag": flag})
    return change


def flag_history(session: Session, *, person_id: int) -> list[PersonFlag]:
    """Officers' flag changes on a person and on those merged into them, the newest first."""
    ids = merged_into_them(session, person_id=person_id)
    query = select(PersonFlag).where(PersonFlag.person_id.in_(ids))
    return list(session.scalars(query.order_by(PersonFlag.id.desc())))


def describe_flags(session: Session, *, person_id: int) -> list[str]:
    """A person's flags and where each comes from, as explain prints them: "medical (a list)",
    "pregnancy (set by alice on 2026-12-06: seen at the clinic)", "threat cleared by ..."."""
    rows = session.scalars(
        select(RegistrationClaim.flags)
        .join(Registration, Registration.id == RegistrationClaim.registration_id)
        .where(Registration.person_id == person_id, RegistrationClaim.flags.is_not(None))
    )
    listed = {flag for flags in rows for flag in flags.split(",")}
    described: dict[str, str] = {}
    for change in flag_history(session, person_id=person_id):
        if change.flag not in described:
            did = "set" if change.present else "cleared"
            on = change.at.date().isoformat()
            described[change.flag] = f"{did} by {change.officer} on {on}: {change.reason}"
    lines = [f"{flag} ({described.pop(flag, 'a list')})" for flag in sorted(listed)]
    return lines + [f"{flag} ({how})" for flag, how in sorted(described.items())]


# --- What staff read -----------------------------------------------------------------------


def unmapped_claims(session: Session, *, operation_id: int, policy: Policy) -> Counter[str]:
    """Claims (as written) that the policy's vocabulary does not know, with how many
    registrations of a person make each: for staff to map, never dropped."""
    rows = session.execute(
        select(RegistrationClaim.claim, func.count())
        .join(Registration, Registration.id == RegistrationClaim.registration_id)
        .where(
            RegistrationClaim.operation_id == operation_id,
            RegistrationClaim.claim.is_not(None),
            Registration.person_id.is_not(None),
        )
        .group_by(RegistrationClaim.claim)
    )
    vocabulary = policy.vocabulary
    return Counter({claim: n for claim, n in rows if claim_key(claim) not in vocabulary})


def decision_history(session: Session, *, person_id: int) -> list[PersonDecision]:
    """A person's decisions, the current first."""
    query = (
        select(PersonDecision)
        .where(PersonDecision.person_id == person_id)
        .order_by(PersonDecision.id.desc())
    )
    return list(session.scalars(query))


# How far along the way out each state is. A party is called forward, checked in and flown as
# one, so it is as far along as its least advanced member: one member still deferred holds the
# whole party, and one missing at the gate (no-show) marks it however many came.
PARTY_ORDER = [
    State.registered,
    State.verified,
    State.ineligible,
    State.deferred,
    State.eligible,
    State.called_forward,
    State.no_show,
    State.checked_in,
    State.processed,
    State.manifested,
    State.boarded,
    State.departed,
    State.arrived_hub,
    State.closed,
]
LEFT_THE_PARTY = {State.withdrawn, State.merged}  # no longer one of its travellers


def party_state(states: Iterable[State]) -> State | None:
    """A party's state, derived from its members' (lifecycle states stay on persons); None
    when nobody in it travels any more."""
    travelling = [state for state in states if state not in LEFT_THE_PARTY]
    return min(travelling, key=PARTY_ORDER.index, default=None)


def party_member_states(session: Session, *, party: Party) -> list[State]:
    return list(
        session.scalars(
            select(Person.state)
            .join(PartyMember, PartyMember.person_id == Person.id)
            .where(PartyMember.party_id == party.id)
        )
    )


def party_of(session: Session, *, person_id: int) -> Party | None:
    return session.scalar(
        select(Party)
        .join(PartyMember, PartyMember.party_id == Party.id)
        .where(PartyMember.person_id == person_id)
    )


@dataclass(frozen=True)
class DecisionCount:
    category: str
    priority: int | None
    outcome: str
    source: str | None  # the partner's source list, when counted by partner
    persons: int


def decision_counts(
    session: Session, *, operation_id: int, by_source: bool = False
) -> list[DecisionCount]:
    """Current decisions counted by category, priority and outcome (and by source list: a
    person sent by two partners counts for each)."""
    columns = [PersonDecision.category, PersonDecision.priority, PersonDecision.outcome]
    query = select(
        *columns,
        *([Registration.source] if by_source else []),
        func.count(func.distinct(PersonDecision.person_id)),
    ).where(PersonDecision.operation_id == operation_id, PersonDecision.superseded_at.is_(None))
    if by_source:
        query = query.join(Registration, Registration.person_id == PersonDecision.person_id)
        columns.append(Registration.source)
    rows = session.execute(query.group_by(*columns))
    return [
        DecisionCount(
            row[0] or "no_category",
            row[1],
            str(Outcome(row[2])),
            row[3] if by_source else None,
            row[-1],
        )
        for row in rows
    ]


def claims_to_map(session: Session) -> Counter[str]:
    """The claims no operation's newest policy maps (the default policy's, before one is
    loaded), with their registrations: what `evac status` lists beside "undecided"."""
    found: Counter[str] = Counter()
    for operation_id in session.scalars(select(Operation.id)):
        version = newest_policy(session, operation_id=operation_id)
        policy = version.policy() if version else default_policy()
        found += unmapped_claims(session, operation_id=operation_id, policy=policy)
    return found
