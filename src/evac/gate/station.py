"""What a gate's station page holds for one shift, to keep checking parties in with the
network cut: the day's roster of its gate (each party's pass, window and members' names and
flags), the keys that verify passes, and the signed revocation list.

The page seals it at rest under the agent's shift PIN and wipes it at the end of the shift or
at `expires_at`, whichever comes first; docs/gate.md says why.
"""

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.db import utcnow
from evac.eligibility.models import RegistrationClaim
from evac.eligibility.policy import UNACCOMPANIED_MINOR
from evac.eligibility.register import officer_flags
from evac.operation.models import Operation
from evac.passes.flows import travelling_members
from evac.passes.models import TravelPass
from evac.passes.service import revocation_list
from evac.people.models import Person, Registration, State
from evac.people.service import read_names
from evac.vault.audit import AuditEntry, record_access
from evac.vault.keys import KeyProvider
from evac.vault.service import OperationCipher, cipher_for
from evac.vault.signing import verifying_keys

BUNDLE_FORMAT = "evac-station/1"
# A shift: the roster covers the windows opening in it, and the page wipes it at its end.
SHIFT = timedelta(hours=12)
DENY = "deny"  # the server would refuse this member: not called forward (withdrawn, flown...)
ADULT_AGE = 18
UNLISTED = "gate.unlisted_member"


@dataclass(frozen=True)
class RosterMember:
    person_id: int
    given_name: str | None
    family_name: str | None
    name_native: str | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RosterParty:
    reference: str
    pass_text: str
    window_start: datetime
    window_end: datetime
    head_count: int
    members: tuple[RosterMember, ...]


@dataclass(frozen=True)
class StationBundle:
    operation: str
    time_zone: str
    gate: str
    issued_at: datetime
    expires_at: datetime
    public_keys: dict[str, str]  # key id (hex) -> raw Ed25519 public key (base64url)
    # key id -> the key that checks a passport against a pass (a typed or scanned MRZ)
    document_keys: dict[str, str] = field(repr=False)
    revocations: str  # the signed list (EPR1:), checked by the page like a pass
    parties: tuple[RosterParty, ...]


def station_bundle(
    session: Session,
    *,
    actor: Actor,
    provider: KeyProvider,
    operation: Operation,
    gate: str,
    now: datetime | None = None,
) -> StationBundle:
    """The gate's roster for the shift starting `now` (the live passes whose window opens
    before its end), with the keys and revocations. Reading the names is audited."""
    actor.require(Permission.gate_checkin)
    now = now or utcnow()
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    # first: an operation that never issued a pass gets its signing key here
    revocations = revocation_list(session, provider=provider, operation=operation)
    keys = {key.key_id.hex(): key for key in verifying_keys(session, cipher=cipher)}
    passes = _shift_passes(session, operation, gate, now)
    members = {
        row.party_reference: travelling_members(
            session, operation=operation, reference=row.party_reference
        )
        for row in passes
    }
    flags = _flags(session, operation, members, now)
    parties = tuple(
        RosterParty(
            reference=row.party_reference,
            pass_text=row.text,
            window_start=row.window_start,
            window_end=row.window_end,
            head_count=row.head_count,
            members=tuple(
                _member(person, cipher, flags.get(person.id, ()))
                for person in members[row.party_reference]
            ),
        )
        for row in passes
    )
    record_access(
        session,
        actor=actor,
        action="gate.station_bundle",
        purpose="a station's roster for its shift",
        subject=f"gate:{gate}",
        details={
            "parties": [party.reference for party in parties],
            "persons": sum(len(party.members) for party in parties),
        },
    )
    return StationBundle(
        operation=operation.name,
        time_zone=operation.time_zone,
        gate=gate,
        issued_at=now,
        expires_at=now + SHIFT,
        public_keys={key_id: _b64(key.public_key) for key_id, key in keys.items()},
        document_keys={key_id: _b64(key.document_key) for key_id, key in keys.items()},
        revocations=revocations,
        parties=parties,
    )


def _shift_passes(
    session: Session, operation: Operation, gate: str, now: datetime
) -> list[TravelPass]:
    query = select(TravelPass).where(
        TravelPass.operation_id == operation.id,
        TravelPass.gate == gate,
        TravelPass.revoked_at.is_(None),
        TravelPass.expires_at >= now,
        TravelPass.window_start < now + SHIFT,
    )
    return list(session.scalars(query.order_by(TravelPass.window_start, TravelPass.pass_id)))


def _member(person: Person, cipher: OperationCipher, flags: tuple[str, ...]) -> RosterMember:
    names = read_names(person, cipher=cipher)
    return RosterMember(person.id, names.given_name, names.family_name, names.name_native, flags)


def _flags(
    session: Session, operation: Operation, parties: dict[str, list[Person]], now: datetime
) -> dict[int, tuple[str, ...]]:
    """Each person's flags as the gate reads them: those their lists gave and officers left
    set, `deny` for anyone the server would refuse, and a minor travelling with no adult."""
    persons = [person for members in parties.values() for person in members]
    ids = {person.id for person in persons}
    found: dict[int, set[str]] = {person_id: set() for person_id in ids}
    listed = session.execute(
        select(Registration.person_id, RegistrationClaim.flags)
        .join(RegistrationClaim, RegistrationClaim.registration_id == Registration.id)
        .where(Registration.person_id.in_(ids), RegistrationClaim.flags.is_not(None))
    )
    for person_id, flags in listed:
        found[person_id] |= set(flags.split(","))
    for person_id, flag, present in officer_flags(session, operation_id=operation.id):
        if person_id in ids:
            (found[person_id].add if present else found[person_id].discard)(flag)
    for person in persons:
        if State(person.state) != State.called_forward:
            found[person.id].add(DENY)
    for members in parties.values():
        for person in _unaccompanied_minors(members, now):
            found[person.id].add(UNACCOMPANIED_MINOR)
    return {person_id: tuple(sorted(flags)) for person_id, flags in found.items()}


def _unaccompanied_minors(members: list[Person], now: datetime) -> list[Person]:
    """A party's minors when none of its members is known to be an adult (the gate asks who
    brought them: at Kabul children were handed over the wall to soldiers)."""
    ages = {person.id: now.year - person.birth_year for person in members if person.birth_year}
    if any(age >= ADULT_AGE for age in ages.values()):
        return []
    return [person for person in members if ages.get(person.id, ADULT_AGE) < ADULT_AGE]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


@dataclass(frozen=True)
class UnlistedReport:
    """Family members a gate met with a party but did not find on its roster: an officer
    decides whether they travel (a brother's child, a grandmother no list had)."""

    party_reference: str
    gate: str
    station: str
    reported_by: str
    at: datetime
    names: tuple[str, ...]


def report_unlisted(
    session: Session,
    *,
    actor: Actor,
    provider: KeyProvider,
    operation: Operation,
    idempotency_key: str,
    party_reference: str,
    gate: str,
    station: str,
    names: list[str],
) -> None:
    """Keep the names a station typed for an officer, sealed under the operation's key in
    the audit log; once by the check-in's key, however often the station sends it."""
    actor.require(Permission.gate_checkin)
    if any(entry.details.get("key") == idempotency_key for entry in _unlisted(session, operation)):
        return
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    sealed = [_b64(cipher.encrypt(name, field=UNLISTED)) for name in names]
    record_access(
        session,
        actor=actor,
        action=UNLISTED,
        purpose="a family member not on the roster, for an officer",
        subject=f"party:{party_reference}",
        details={
            "operation": operation.id,
            "key": idempotency_key,
            "gate": gate,
            "station": station,
            "names": sealed,
        },
    )


def unlisted_reports(
    session: Session, *, actor: Actor, provider: KeyProvider, operation: Operation
) -> list[UnlistedReport]:
    """The unlisted family members the gates reported, oldest first; the read is audited."""
    actor.require(Permission.gate_supervise)
    entries = _unlisted(session, operation)
    if not entries:
        return []
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    reports = [
        UnlistedReport(
            party_reference=entry.subject.removeprefix("party:"),
            gate=entry.details["gate"],
            station=entry.details["station"],
            reported_by=entry.username,
            at=entry.at,
            names=tuple(
                cipher.decrypt(base64.urlsafe_b64decode(name), field=UNLISTED)
                for name in entry.details["names"]
            ),
        )
        for entry in entries
    ]
    record_access(
        session,
        actor=actor,
        action="gate.read_unlisted",
        purpose="unlisted family members, for a decision",
        subject=f"operation:{operation.id}",
        details={"parties": [report.party_reference for report in reports]},
    )
    return reports


def _unlisted(session: Session, operation: Operation) -> list[AuditEntry]:
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == UNLISTED).order_by(AuditEntry.id)
    )
    return [entry for entry in entries if entry.details.get("operation") == operation.id]
