"""Issue, revoke and publish passes: what notify calls to attach a pass to a call-forward, and
what stations are handed (the key file, the revocation list)."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.db import utcnow
from evac.operation.models import Operation
from evac.passes.format import (
    PASS_ID_BYTES,
    PASS_PREFIX,
    PassClaims,
    document_digest,
    encode_pass,
    encode_revocations,
    open_envelope,
    pass_claims,
    short_code,
)
from evac.passes.models import TravelPass
from evac.passes.qr import qr_png as qr_png  # drawn there; importers of service keep it
from evac.passes.verify import key_file_text
from evac.vault.audit import record_access
from evac.vault.keys import KeyProvider
from evac.vault.service import cipher_for
from evac.vault.signing import Signer, current_signer, verifying_keys

# A pass stays good this long after its window closes. At Kabul's gates families who came on
# time waited hours in the crowd: past the window a gate sees "outside its window" and an
# officer decides; past expiry the pass is worth nothing.
GRACE_AFTER_WINDOW = timedelta(hours=6)
ISSUE_BATCH = 1000  # parties whose live passes are read in one query


class PassNotFound(LookupError):
    pass


@dataclass(frozen=True)
class IssuedPass:
    """A pass as a message carries it: `text` is what the QR code holds."""

    pass_id: str  # 20 hex digits; `evac pass revoke` takes this or the short code
    text: str
    short_code: str


@dataclass(frozen=True)
class PassRequest:
    """One party's pass for one window, as `issue_passes` takes it. `head_count` defaults to
    the documents' count; a child on a parent's passport adds one."""

    party_reference: str
    gate: str
    window_start: datetime
    window_end: datetime
    document_numbers: list[str] = field(repr=False)
    head_count: int | None = None

    @property
    def count(self) -> int:
        return len(self.document_numbers) if self.head_count is None else self.head_count

    def check(self) -> None:
        if self.window_end <= self.window_start:
            raise ValueError("a call-forward window must end after it starts")
        if self.count < max(1, len(self.document_numbers)):
            raise ValueError(
                "a pass admits at least one person, and everyone whose document it holds"
            )


def issue_pass(
    session: Session,
    *,
    provider: KeyProvider,
    operation: Operation,
    party_reference: str,
    gate: str,
    window_start: datetime,
    window_end: datetime,
    document_numbers: list[str],
    head_count: int | None = None,
) -> IssuedPass:
    """The party's pass for this window: the one already issued if nothing changed (a resent
    message carries the same pass), else a new one that supersedes (revokes) the old."""
    request = PassRequest(
        party_reference, gate, window_start, window_end, document_numbers, head_count
    )
    [issued] = issue_passes(session, provider=provider, operation=operation, requests=[request])
    return issued


def issue_passes(
    session: Session, *, provider: KeyProvider, operation: Operation, requests: list[PassRequest]
) -> list[IssuedPass]:
    """`issue_pass` for many parties at once, in the order asked: the keys unsealed once, the
    live passes of a thousand parties read in one query and the new ones written in one flush
    (a call-forward issues thousands of passes; five round trips each held it to a crawl)."""
    if not requests:
        return []
    for request in requests:
        request.check()
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    signer = current_signer(session, cipher=cipher)
    document_keys = {
        key.key_id.hex(): key.document_key for key in verifying_keys(session, cipher=cipher)
    }
    issued: list[IssuedPass] = []
    for start in range(0, len(requests), ISSUE_BATCH):
        batch = requests[start : start + ISSUE_BATCH]
        live = _live_passes(session, operation=operation, requests=batch)
        for request in batch:
            key = (request.party_reference, request.window_start)
            previous = live.get(key)
            if previous is not None and _same_pass(previous, document_keys, request):
                issued.append(_issued(previous))
                continue
            if previous is not None:
                _revoke(previous, reason="superseded by a new pass for the same window")
            live[key] = _new_pass(signer, operation=operation, request=request)
            session.add(live[key])
            document_keys.setdefault(live[key].key_id, signer.document_key)
            issued.append(_issued(live[key]))
        session.flush()  # the batch's new passes written together, as one executemany
    return issued


def _new_pass(signer: Signer, *, operation: Operation, request: PassRequest) -> TravelPass:
    claims = _new_claims(
        signer,
        party_reference=request.party_reference,
        head_count=request.count,
        gate=request.gate,
        window_start=request.window_start,
        window_end=request.window_end,
        document_numbers=request.document_numbers,
    )
    return TravelPass(
        pass_id=claims.pass_id.hex(),
        operation_id=operation.id,
        party_reference=request.party_reference,
        gate=request.gate,
        window_start=request.window_start,
        window_end=request.window_end,
        expires_at=claims.expires_at,
        head_count=request.count,
        key_id=claims.key_id.hex(),
        text=encode_pass(claims, signing_key=signer.private_key),
        issued_at=claims.issued_at,
    )


def _new_claims(
    signer: Signer,
    *,
    party_reference: str,
    head_count: int,
    gate: str,
    window_start: datetime,
    window_end: datetime,
    document_numbers: list[str],
) -> PassClaims:
    pass_id = secrets.token_bytes(PASS_ID_BYTES)
    return PassClaims(
        pass_id=pass_id,
        key_id=signer.key_id,
        party_reference=party_reference,
        head_count=head_count,
        gate=gate,
        window_start=window_start,
        window_end=window_end,
        expires_at=window_end + GRACE_AFTER_WINDOW,
        issued_at=utcnow().replace(microsecond=0),
        document_digests=tuple(
            document_digest(signer.document_key, pass_id, n) for n in document_numbers
        ),
    )


def revoke_pass(
    session: Session, *, actor: Actor, operation: Operation, pass_id: bytes, reason: str
) -> TravelPass:
    """Revoke one pass (forwarded, lost, party changed); stations learn it from the next list."""
    actor.require(Permission.plan_write)
    row = session.scalar(
        select(TravelPass).where(
            TravelPass.operation_id == operation.id, TravelPass.pass_id == pass_id.hex()
        )
    )
    if row is None:
        raise PassNotFound(f"no pass {short_code(pass_id)} in operation {operation.name}")
    if row.revoked_at is None:
        _revoke(row, reason=reason)
        record_access(
            session,
            actor=actor,
            action="passes.revoke",
            purpose=reason,
            subject=f"pass:{short_code(pass_id)}",
            details={"party": row.party_reference},
        )
    session.flush()
    return row


def revocation_list(session: Session, *, provider: KeyProvider, operation: Operation) -> str:
    """The signed list of revoked passes that have not yet expired (an expired pass is refused
    anyway, so the list stays small enough to load at every station)."""
    now = utcnow()
    revoked = session.scalars(
        select(TravelPass.pass_id).where(
            TravelPass.operation_id == operation.id,
            TravelPass.revoked_at.is_not(None),
            TravelPass.expires_at >= now,
        )
    ).all()
    signer = current_signer(
        session, cipher=cipher_for(session, provider=provider, operation_id=operation.id)
    )
    return encode_revocations(
        [bytes.fromhex(pass_id) for pass_id in revoked],
        issued_at=now.replace(microsecond=0),
        key_id=signer.key_id,
        signing_key=signer.private_key,
    )


def station_key_file(
    session: Session,
    *,
    provider: KeyProvider,
    operation: Operation,
    passphrase: str | None = None,
) -> str:
    """The key file stations load: every key generation's public key (older passes verify
    until they expire) and its document key, sealed under `passphrase` when given."""
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    current_signer(session, cipher=cipher)  # an operation that never issued still gets a key
    keys = verifying_keys(session, cipher=cipher)
    return key_file_text(
        {key.key_id: key.public_key for key in keys},
        {key.key_id: key.document_key for key in keys},
        operation=operation.name,
        time_zone=operation.time_zone,
        passphrase=passphrase,
    )


def roster(session: Session, *, operation: Operation, gate: str | None = None) -> list[str]:
    """The texts of the passes still good, for a station that checks short codes read out over
    the phone: the short code finds the pass, and the pass is then verified as usual."""
    query = select(TravelPass.text).where(
        TravelPass.operation_id == operation.id,
        TravelPass.revoked_at.is_(None),
        TravelPass.expires_at >= utcnow(),
    )
    if gate is not None:
        query = query.where(TravelPass.gate == gate)
    return list(session.scalars(query.order_by(TravelPass.window_start, TravelPass.pass_id)))


def _live_passes(
    session: Session, *, operation: Operation, requests: list[PassRequest]
) -> dict[tuple[str, datetime], TravelPass]:
    """The passes not revoked of the requests' parties, by party and window start."""
    rows = session.scalars(
        select(TravelPass).where(
            TravelPass.operation_id == operation.id,
            TravelPass.party_reference.in_({r.party_reference for r in requests}),
            TravelPass.revoked_at.is_(None),
        )
    )
    return {(row.party_reference, row.window_start): row for row in rows}


def _same_pass(row: TravelPass, document_keys: dict[str, bytes], request: PassRequest) -> bool:
    """Whether a pass already issued says what a new one would (gate, window, count and
    documents): then it is sent again rather than replaced, even if signed by a key retired
    since (a rotation leaves passes already sent valid). Not if its key was withdrawn since:
    the pass is then worthless and must be replaced."""
    document_key = document_keys.get(row.key_id)
    said = (row.gate, row.window_end, row.head_count)
    if document_key is None or said != (request.gate, request.window_end, request.count):
        return False
    pass_id = bytes.fromhex(row.pass_id)
    wanted = {document_digest(document_key, pass_id, n) for n in request.document_numbers}
    return wanted == set(_claims_of(row).document_digests)


def _claims_of(row: TravelPass) -> PassClaims:
    return pass_claims(open_envelope(row.text, prefix=PASS_PREFIX))


def _revoke(row: TravelPass, *, reason: str) -> None:
    row.revoked_at = utcnow()
    row.revoked_reason = reason


def _issued(row: TravelPass) -> IssuedPass:
    return IssuedPass(
        pass_id=row.pass_id, text=row.text, short_code=short_code(bytes.fromhex(row.pass_id))
    )
