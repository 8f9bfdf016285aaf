"""Check-in at a gate, as ODK Central and KoboToolbox take a form submission: each check-in
carries an idempotency key (their instanceID). The same key with the same content is a
retry of a station whose answer was lost, answered as success; the same key with other
content (Enketo let one draft open in two tabs send two different forms under one id) is a
conflict. A party checked in twice (two gates, two devices) is a conflict too. A conflict is
kept for a supervisor and never overwrites what was taken first.

Passes are verified by `evac.passes.verify`, the code stations run offline, with the
operation's keys; a person without a pass is found by the document they show.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import (
    Insert,
    Table,
    and_,
    bindparam,
    insert,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from evac.auth.permissions import Actor, Permission
from evac.db import utcnow
from evac.eligibility.models import Party, PartyMember
from evac.eligibility.register import GONE
from evac.eligibility.service import party_of
from evac.gate.models import (
    CheckIn,
    Conflict,
    ConflictKind,
    Decision,
    Evacuee,
    SupervisorOverride,
)
from evac.intake.mrz import parse_zone
from evac.operation.models import Operation
from evac.passes.flows import GATE_DOCUMENTS
from evac.passes.format import PASS_PREFIX, MalformedPass, PassClaims, open_envelope, pass_claims
from evac.passes.models import TravelPass
from evac.passes.service import GRACE_AFTER_WINDOW
from evac.passes.verify import Flag, StationKeys, verify_pass
from evac.people.lifecycle import event_row
from evac.people.models import Event, Person, State
from evac.people.service import find_by_document, read_names
from evac.planning.models import PlannedParty
from evac.planning.service import current_plan
from evac.vault.audit import Access, record_access, record_accesses
from evac.vault.keys import KeyProvider
from evac.vault.service import KeyCache, OperationCipher
from evac.vault.signing import SigningKey, verifying_keys

# Who settles conflicts: a gate's supervisor, officers and administrators, not the gate agent
# whose own scan is in question.
SUPERVISE = Permission.gate_supervise
KEY_LENGTH = 80  # the events' keys add the person's id to it, within their 128 characters
NOT_CALLED = "not called forward: no call-forward for this party in the current plan"

# The statements of every scan, built once: building one, and its cache key, cost more than
# its round trip to the database.
# One read for what a scan checks afresh: the signing keys stations may trust (their ids, in
# order, without unsealing any) and whether this pass is revoked. A key withdrawn or a pass
# revoked a moment ago is refused at the next scan, with one round trip to the database.
_KEYS_AND_REVOCATION = union_all(
    select(
        literal_column("'key'").label("kind"),
        SigningKey.key_id.label("value"),
        SigningKey.id.label("position"),
    ).where(
        SigningKey.operation_id == bindparam("operation_id"), SigningKey.withdrawn_at.is_(None)
    ),
    select(literal_column("'revoked'"), TravelPass.pass_id, literal_column("0")).where(
        TravelPass.pass_id == bindparam("pass_id"),
        TravelPass.operation_id == bindparam("operation_id"),
        TravelPass.revoked_at.is_not(None),
    ),
).order_by(literal_column("position"))
_PARTY_LOCKED = (
    select(Person, Party.principal_id)
    .join(PartyMember, PartyMember.person_id == Person.id)
    .join(Party, Party.id == PartyMember.party_id)
    .where(
        Party.operation_id == bindparam("operation_id"), Party.reference == bindparam("reference")
    )
    .order_by(Person.id)
    .with_for_update(of=Person)
    .execution_options(populate_existing=True)  # as the lock found them, not as first read
)
_CHECKINS_OF = (  # a reference of None matches no party (NULL equals nothing)
    select(CheckIn)
    .where(
        or_(
            CheckIn.idempotency_key == bindparam("key"),
            and_(
                CheckIn.operation_id == bindparam("operation_id"),
                CheckIn.party_reference == bindparam("reference"),
            ),
        )
    )
    .order_by(CheckIn.id)
)


class Status(StrEnum):
    accepted = "accepted"
    duplicate = "duplicate"  # the same check-in again: answered as the first time
    conflict = "conflict"  # kept for a supervisor (HTTP 409)
    refused = "refused"  # not let in, with the reasons


@dataclass(frozen=True)
class Arrival:
    """What a gate sends: the pass scanned, or the documents shown (typed, or read from a
    passport's machine-readable zone), and who of the party stands there (person ids;
    None: everyone on the party)."""

    idempotency_key: str
    gate: str
    station: str
    at: datetime
    pass_text: str | None = None
    documents: tuple[str, ...] = ()
    members: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Admitted:
    """One member let in: the wristband number and the names the gate compares."""

    person_id: int
    evacuee_number: int
    given_name: str | None
    family_name: str | None
    name_native: str | None


@dataclass(frozen=True)
class CheckInResult:
    status: Status
    party_reference: str | None = None
    checkin_id: int | None = None
    members: tuple[Admitted, ...] = ()
    reasons: tuple[str, ...] = ()
    conflict_id: int | None = None


class GateCache:
    """What a server's check-ins reuse for the life of its process (kept in app.state): the
    unwrapped operation keys and each operation's station keys (the pass-verifying keys).

    Unsealing the signing keys on every scan made the gate slow under load. Each scan reads
    the operation's key stamps (small indexed queries), so a shred, a rotation or a withdrawn
    signing key takes effect at once; the pass's revocation is read with them (`scan_checks`).
    """

    def __init__(self, keys: KeyCache | None = None) -> None:
        self.keys = keys or KeyCache()
        self._station_keys: dict[int, tuple[tuple, StationKeys]] = {}

    def cipher(
        self, session: Session, *, provider: KeyProvider, operation: Operation
    ) -> OperationCipher:
        return self.keys.cipher(session, provider=provider, operation_id=operation.id)

    def station_keys(
        self,
        session: Session,
        *,
        cipher: OperationCipher,
        operation: Operation,
        trusted: tuple[str, ...],
    ) -> StationKeys:
        """`station_keys`, read again only when the ids of the operation's `trusted` signing
        keys (as `scan_checks` read them) changed."""
        stamp = (operation.time_zone, trusted)
        cached = self._station_keys.get(operation.id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        keys = station_keys(session, cipher=cipher, operation=operation)
        self._station_keys[operation.id] = (stamp, keys)
        return keys


class CheckInError(ValueError):
    """A check-in that cannot even be read (no pass and no document, a bad key)."""


class ConflictNotFound(LookupError):
    pass


class ConflictSettled(ValueError):
    """A conflict already settled by a supervisor."""


def document_from_mrz(text: str) -> str:
    """The document number in a passport's or ID card's machine-readable zone."""
    return parse_zone(text).document_number


def check_in(
    session: Session,
    *,
    actor: Actor,
    provider: KeyProvider,
    operation: Operation,
    arrival: Arrival,
    cache: GateCache | None = None,
) -> CheckInResult:
    """Let a party in at a gate, exactly once by the arrival's idempotency key: its members
    move from called_forward to checked_in and get wristband numbers. Everything it reads
    and does is audited; the names returned are those of this party only. A server passes
    its process's `cache`; without one, the keys are unwrapped for this call alone."""
    actor.require(Permission.gate_checkin)
    _check_arrival(arrival)
    cache = cache or GateCache()
    cipher = cache.cipher(session, provider=provider, operation=operation)
    digest = content_digest(arrival, cipher=cipher)
    reference, claims, reasons = _identify(session, cache, cipher, operation, arrival)
    while True:
        # The party's members are locked first: two stations checking one party in at once
        # queue here, and the second finds the first's check-in below.
        travelling = _travelling_members(session, operation, reference) if reference else []
        earlier = _earlier(session, actor, cipher, operation, arrival, digest, reference)
        if earlier is not None:
            return earlier
        if reference is None:
            return _refuse(session, actor, arrival, reference, reasons)
        members, refusals = _confirmed_members(reference, travelling, arrival.members)
        if claims is not None and len(members) > claims.head_count:
            refusals.append(Flag.too_many_people.value)
        if reasons or refusals:
            return _refuse(session, actor, arrival, reference, reasons + refusals)
        row = {
            "operation_id": operation.id,
            "idempotency_key": arrival.idempotency_key,
            "content_digest": digest,
            "party_reference": reference,
            "pass_id": claims.pass_id.hex() if claims is not None else None,
            "gate": arrival.gate,
            "station": arrival.station,
            "actor": actor.username,
            "at": arrival.at,
            "members_confirmed": len(members),
        }
        accepted = _accept(session, actor, cipher, arrival, row, members)
        if accepted is not None:
            return accepted
        # Another station took this key for another party a moment ago: answer as for it.


def _earlier(
    session: Session,
    actor: Actor,
    cipher: OperationCipher,
    operation: Operation,
    arrival: Arrival,
    digest: str,
    reference: str | None,
) -> CheckInResult | None:
    """The answer when this key or this party came before: the same check-in again, or a
    conflict for the supervisor. None: nothing came before."""
    key = arrival.idempotency_key
    earlier = _checkins_of(session, operation, key, reference)
    by_key = next((row for row in earlier if row.idempotency_key == key), None)
    if by_key is not None:
        if by_key.content_digest == digest:
            return _answer(session, actor, cipher, by_key, Status.duplicate)
        return _conflict(session, actor, arrival, digest, by_key, ConflictKind.other_content)
    if earlier:
        # A party already in is a conflict even where its pass is refused here: the copy of
        # a forwarded pass shown at another gate is what the supervisor must see.
        return _conflict(session, actor, arrival, digest, earlier[0], ConflictKind.party_again)
    if reference is None:  # a conflict kept earlier, resent now that its pass is unreadable
        kept = _conflict_by_content(session, key, digest)
        if kept is not None:
            return CheckInResult(Status.conflict, kept.party_reference, conflict_id=kept.id)
    return None


def _check_arrival(arrival: Arrival) -> None:
    if not arrival.idempotency_key or len(arrival.idempotency_key) > KEY_LENGTH:
        raise CheckInError(f"an idempotency key is 1 to {KEY_LENGTH} characters")
    if arrival.pass_text is None and not arrival.documents:
        raise CheckInError("give the pass, or the document a person shows")
    if arrival.at.tzinfo is None:
        raise CheckInError("the time of a check-in must say its zone (UTC)")


def content_digest(arrival: Arrival, *, cipher: OperationCipher) -> str:
    """What a check-in says, as a digest: a pass by its hash, documents by their keyed blind
    index (a plain hash of a passport number is guessed in a billion tries)."""
    documents = [cipher.blind_index(n, kind="gate:document") for n in arrival.documents]
    if None in documents:
        raise CheckInError("a document number needs letters or digits")
    content = {
        "pass": hashlib.sha256(arrival.pass_text.encode()).hexdigest()
        if arrival.pass_text
        else None,
        "documents": sorted(documents),
        "gate": arrival.gate.casefold(),
        "station": arrival.station.casefold(),
        "at": arrival.at.astimezone(UTC).isoformat(timespec="seconds"),
        "members": sorted(arrival.members) if arrival.members is not None else None,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _identify(
    session: Session,
    cache: GateCache,
    cipher: OperationCipher,
    operation: Operation,
    arrival: Arrival,
) -> tuple[str | None, PassClaims | None, list[str]]:
    """The party's reference, the pass's claims, and why not to let them in (none: let in)."""
    if arrival.pass_text is not None:
        trusted, revoked = scan_checks(session, operation=operation, pass_text=arrival.pass_text)
        verdict = verify_pass(
            arrival.pass_text,
            keys=cache.station_keys(session, cipher=cipher, operation=operation, trusted=trusted),
            at=arrival.at,
            gate=arrival.gate,
            documents=arrival.documents,
            revoked=revoked,
        )
        if verdict.claims is None:
            return None, None, [flag.value for flag in verdict.flags]
        return verdict.claims.party_reference, verdict.claims, [f.value for f in verdict.flags]
    person = _person_by_document(session, cipher, arrival.documents[0])
    if person is None:
        return None, None, ["no person holds this document in this operation"]
    party = party_of(session, person_id=person.id)
    if party is None:
        return None, None, [f"person {person.id} is on no party"]
    return party.reference, None, _call_flags(session, operation, party.reference, arrival)


def station_keys(session: Session, *, cipher: OperationCipher, operation: Operation) -> StationKeys:
    """The keys a station's key file holds, read from the database."""
    keys = verifying_keys(session, cipher=cipher)
    return StationKeys(
        {key.key_id: Ed25519PublicKey.from_public_bytes(key.public_key) for key in keys},
        {key.key_id: key.document_key for key in keys},
        operation.time_zone,
    )


def scan_checks(
    session: Session, *, operation: Operation, pass_text: str
) -> tuple[tuple[str, ...], frozenset[bytes]]:
    """The ids of the signing keys stations may trust, and the revocation list as far as this
    pass goes: its id if its row is revoked. The pass's row is read by primary key, where
    the whole list would be a scan of every pass the operation issued."""
    try:
        pass_id = pass_claims(open_envelope(pass_text, prefix=PASS_PREFIX)).pass_id
    except MalformedPass:
        pass_id = None  # verify_pass refuses it as tampered
    rows = session.execute(
        _KEYS_AND_REVOCATION,
        {"operation_id": operation.id, "pass_id": pass_id.hex() if pass_id else None},
    ).all()
    trusted = tuple(value for kind, value, _ in rows if kind == "key")
    revoked = any(kind == "revoked" for kind, _, _ in rows)
    return trusted, frozenset({pass_id}) if revoked else frozenset()


def _person_by_document(session: Session, cipher: OperationCipher, number: str) -> Person | None:
    for kind in GATE_DOCUMENTS:
        found = find_by_document(session, cipher=cipher, kind=kind, number=number)
        if found:
            return found[0]
    return None


def _call_flags(
    session: Session, operation: Operation, reference: str, arrival: Arrival
) -> list[str]:
    """A party without a pass is held to its call-forward as a pass would be."""
    plan = current_plan(session, operation=operation)
    call = None
    if plan is not None:
        call = session.scalar(
            select(PlannedParty).where(
                PlannedParty.plan_id == plan.id,
                PlannedParty.party_reference == reference,
                PlannedParty.window_start.is_not(None),
            )
        )
    if call is None:
        return [NOT_CALLED]
    flags = []
    if call.gate.casefold() != arrival.gate.casefold():
        flags.append(Flag.wrong_gate.value)
    if arrival.at > call.window_end + GRACE_AFTER_WINDOW:
        flags.append(Flag.expired.value)
    elif not call.window_start <= arrival.at <= call.window_end:
        flags.append(Flag.outside_window.value)
    return flags


def _travelling_members(session: Session, operation: Operation, reference: str) -> list[Person]:
    """The party's members who travel (as `travelling_members` has them), principal first,
    locked until the check-in commits and read afresh under the lock."""
    rows = session.execute(
        _PARTY_LOCKED, {"operation_id": operation.id, "reference": reference}
    ).all()
    travelling = [
        person
        for person, _ in rows
        if person.merged_into_id is None and State(person.state) not in GONE
    ]
    principal = rows[0][1] if rows else None
    return sorted(travelling, key=lambda person: person.id != principal)


def _confirmed_members(
    reference: str, travelling: list[Person], confirmed: tuple[int, ...] | None
) -> tuple[list[Person], list[str]]:
    """The members the gate confirmed (all who travel, if it named none), each of whom must
    have been called forward; and why not, if not."""
    if confirmed is None:
        chosen = travelling
    else:
        by_id = {person.id: person for person in travelling}
        strangers = [i for i in confirmed if i not in by_id]
        if strangers:
            return [], [f"person {i} is not on party {reference}" for i in strangers]
        chosen = [by_id[i] for i in dict.fromkeys(confirmed)]
    if not chosen:
        return [], [f"party {reference} has nobody who travels"]
    reasons = [
        f"person {person.id} is {State(person.state).value}, not called forward"
        for person in chosen
        if State(person.state) != State.called_forward
    ]
    return chosen, reasons


def _accept(
    session: Session,
    actor: Actor,
    cipher: OperationCipher,
    arrival: Arrival,
    row: dict,
    members: list[Person],
) -> CheckInResult | None:
    """Record the check-in `row` (its column values), move its members to checked_in with
    their events, and number their wristbands: a statement each, whatever the party's size.
    None if another request holds the idempotency key (found without an error, so without
    a savepoint: the caller answers as for that one)."""
    checkins = CheckIn.__table__  # Core, not the ORM: its bookkeeping was a third of a check-in
    checkin_id = session.scalar(
        _unless_taken(session, checkins).values(row).returning(checkins.c.id)
    )
    if checkin_id is None:
        return None
    # The members are locked and were read called_forward: this move is the lifecycle's.
    session.execute(
        update(Person)
        .where(Person.id.in_([person.id for person in members]))
        .values(state=State.checked_in, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for person in members:
        set_committed_value(person, "state", State.checked_in)
    place = f"{arrival.gate} / {arrival.station}"
    events = [
        event_row(
            operation_id=row["operation_id"],
            person_id=person.id,
            type=State.checked_in.value,
            actor=actor,
            idempotency_key=f"gate:{arrival.idempotency_key}:{person.id}",
            at=arrival.at,
            place=place,
            data={
                "from": State.called_forward.value,
                "checkin": checkin_id,
                "party": row["party_reference"],
            },
        )
        for person in members
    ]
    event_ids = session.scalars(_inserted_ids(Event.__table__), events)
    numbers = session.scalars(
        _inserted_ids(Evacuee.__table__),
        [
            {"operation_id": row["operation_id"], "checkin_id": checkin_id, "person_id": person.id}
            for person in members
        ],
    ).all()
    moves = [
        Access(
            "person.transition",
            f"{State.called_forward.value} -> {State.checked_in.value}",
            f"person:{person.id}",
            {"event": event_id, "place": place},
        )
        for person, event_id in zip(members, event_ids.all(), strict=True)
    ]
    admitted = _admitted(cipher, members, numbers)
    return _read_party(
        session, actor, Status.accepted, checkin_id, row["party_reference"], row["gate"],
        admitted, moves,
    )  # fmt: skip


def _unless_taken(session: Session, table: Table) -> Insert:
    """An INSERT that does nothing where a unique key is taken (PostgreSQL's and SQLite's
    ON CONFLICT DO NOTHING)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _inserted_ids(table: Table) -> Insert:
    """An INSERT of many rows giving back their ids in the rows' order."""
    return insert(table).returning(table.c.id, sort_by_parameter_order=True)


def _admitted(
    cipher: OperationCipher, members: Sequence[Person], numbers: Sequence[int]
) -> tuple[Admitted, ...]:
    """Each member with the wristband number and the names (decrypted in memory only)."""
    admitted = []
    for person, number in zip(members, numbers, strict=True):
        names = read_names(person, cipher=cipher)
        admitted.append(
            Admitted(person.id, number, names.given_name, names.family_name, names.name_native)
        )
    return tuple(admitted)


def _answer(
    session: Session, actor: Actor, cipher: OperationCipher, row: CheckIn, status: Status
) -> CheckInResult:
    """A check-in taken earlier, with its members' names as the first answer gave them."""
    evacuees = session.execute(
        select(Evacuee.id, Person)
        .join(Person, Person.id == Evacuee.person_id)
        .where(Evacuee.checkin_id == row.id)
        .order_by(Evacuee.id)
    ).all()
    admitted = _admitted(cipher, [p for _, p in evacuees], [n for n, _ in evacuees])
    return _read_party(session, actor, status, row.id, row.party_reference, row.gate, admitted, [])


def _read_party(
    session: Session,
    actor: Actor,
    status: Status,
    checkin_id: int,
    reference: str,
    gate: str,
    admitted: tuple[Admitted, ...],
    accesses: list[Access],
) -> CheckInResult:
    """The answer with the party's names: the one read of names a gate makes, audited after
    `accesses` (the moves that made it), in one append."""
    read = Access(
        "gate.read_party",
        f"check-in {status.value}",
        f"party:{reference}",
        {"checkin": checkin_id, "members": len(admitted), "gate": gate},
    )
    record_accesses(session, actor=actor, accesses=[*accesses, read])
    return CheckInResult(status, reference, checkin_id, admitted)


def _refuse(
    session: Session, actor: Actor, arrival: Arrival, reference: str | None, reasons: list[str]
) -> CheckInResult:
    record_access(
        session,
        actor=actor,
        action="gate.refuse",
        purpose="; ".join(reasons)[:200],
        subject=f"party:{reference}" if reference else f"gate:{arrival.gate}",
        details={"gate": arrival.gate, "station": arrival.station, "key": arrival.idempotency_key},
    )
    return CheckInResult(Status.refused, reference, reasons=tuple(reasons))


def _conflict(
    session: Session,
    actor: Actor,
    arrival: Arrival,
    digest: str,
    taken: CheckIn,
    kind: ConflictKind,
) -> CheckInResult:
    kept = _conflict_by_content(session, arrival.idempotency_key, digest)
    if kept is None:
        kept = Conflict(
            operation_id=taken.operation_id,
            kind=kind,
            checkin_id=taken.id,
            idempotency_key=arrival.idempotency_key,
            content_digest=digest,
            party_reference=taken.party_reference,
            gate=arrival.gate,
            station=arrival.station,
            actor=actor.username,
            at=arrival.at,
            details={"members": list(arrival.members) if arrival.members is not None else None},
        )
        session.add(kept)
        session.flush()
        record_access(
            session,
            actor=actor,
            action="gate.conflict",
            purpose=kind.value,
            subject=f"party:{taken.party_reference}",
            details={"conflict": kept.id, "checkin": taken.id, "gate": arrival.gate},
        )
    return CheckInResult(
        Status.conflict,
        taken.party_reference,
        taken.id,
        reasons=(conflict_reason(kept, taken),),
        conflict_id=kept.id,
    )


def conflict_reason(conflict: Conflict, taken: CheckIn) -> str:
    if conflict.kind == ConflictKind.other_content:
        return (
            f"idempotency key {conflict.idempotency_key!r} already checked in party "
            f"{taken.party_reference} with other content; kept for a supervisor"
        )
    return (
        f"party {taken.party_reference} was already checked in at {taken.gate} "
        f"({taken.station}); kept for a supervisor"
    )


def _checkins_of(
    session: Session, operation: Operation, key: str, reference: str | None
) -> list[CheckIn]:
    """The check-in of this idempotency key and that of this party, if any, first first."""
    found = session.scalars(
        _CHECKINS_OF, {"key": key, "operation_id": operation.id, "reference": reference}
    )
    return list(found)


def _conflict_by_content(session: Session, key: str, digest: str) -> Conflict | None:
    return session.scalar(
        select(Conflict).where(Conflict.idempotency_key == key, Conflict.content_digest == digest)
    )


# --- The supervisor's list ---------------------------------------------------------------


@dataclass(frozen=True)
class ConflictView:
    """A conflict as a supervisor reads it: no names, references and places only."""

    id: int
    kind: ConflictKind
    party_reference: str
    reason: str
    first_gate: str
    first_station: str
    first_at: datetime
    second_gate: str
    second_station: str
    second_at: datetime
    sent_by: str
    decision: Decision | None
    decided_by: str | None
    decision_reason: str | None


def list_conflicts(
    session: Session, *, actor: Actor, operation: Operation, open_only: bool = True
) -> list[ConflictView]:
    """The conflicts of the operation, oldest first (only those not settled, by default)."""
    actor.require(SUPERVISE)
    query = (
        select(Conflict, CheckIn, SupervisorOverride)
        .join(CheckIn, CheckIn.id == Conflict.checkin_id)
        .outerjoin(SupervisorOverride, SupervisorOverride.conflict_id == Conflict.id)
        .where(Conflict.operation_id == operation.id)
        .order_by(Conflict.id)
    )
    if open_only:
        query = query.where(SupervisorOverride.id.is_(None))
    return [_conflict_view(*row) for row in session.execute(query)]


def _conflict_view(
    conflict: Conflict, taken: CheckIn, override: SupervisorOverride | None
) -> ConflictView:
    return ConflictView(
        id=conflict.id,
        kind=ConflictKind(conflict.kind),
        party_reference=conflict.party_reference,
        reason=conflict_reason(conflict, taken),
        first_gate=taken.gate,
        first_station=taken.station,
        first_at=taken.at,
        second_gate=conflict.gate,
        second_station=conflict.station,
        second_at=conflict.at,
        sent_by=conflict.actor,
        decision=Decision(override.decision) if override else None,
        decided_by=override.actor if override else None,
        decision_reason=override.reason if override else None,
    )


def resolve_conflict(
    session: Session,
    *,
    actor: Actor,
    operation: Operation,
    conflict_id: int,
    decision: Decision,
    reason: str,
) -> ConflictView:
    """A supervisor settles a conflict, with a reason. Taking the second moves the check-in
    to the second's gate, station and time (the party really stood there); its members and
    wristbands stay as they were."""
    actor.require(SUPERVISE)
    reason = reason.strip()
    if not reason:
        raise ValueError("give the reason for the decision")
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or conflict.operation_id != operation.id:
        raise ConflictNotFound(f"no conflict {conflict_id} in operation {operation.name}")
    taken = session.get(CheckIn, conflict.checkin_id)
    if session.scalar(
        select(SupervisorOverride).where(SupervisorOverride.conflict_id == conflict.id)
    ):
        raise ConflictSettled(f"conflict {conflict_id} was already settled")
    override = SupervisorOverride(
        conflict_id=conflict.id, decision=decision, reason=reason, actor=actor.username
    )
    session.add(override)
    if decision == Decision.take_second:
        taken.gate, taken.station, taken.at = conflict.gate, conflict.station, conflict.at
        if conflict.kind == ConflictKind.other_content:
            taken.content_digest = conflict.content_digest  # its resend is now the duplicate
    session.flush()
    record_access(
        session,
        actor=actor,
        action="gate.override",
        purpose=reason[:200],
        subject=f"party:{conflict.party_reference}",
        details={"conflict": conflict.id, "decision": decision.value},
    )
    return _conflict_view(conflict, taken, override)
