"""A tamper-evident audit log: every read of personal data and every change, hash-chained.

Each entry's hash covers its content and the previous entry's hash in its lane; a head row
per lane holds the lane's newest hash, so an edited, removed, reordered or cut-off entry breaks
the chain at a place `verify_chain` names. Lanes exist because every change and every read of
personal data appends an entry: with one head row, all writers queued on its lock (a gate
checking in hundreds of people a second would have been one writer). A writer takes the first
lane no other transaction holds, so a lone writer always writes lane 1 and the log is the one
chain it always was. Whoever can write the database can still cut the newest entries and fix
up the head, or rewrite the chain with fresh hashes: against that, `check_log` also holds the
log to heads signed earlier outside the database (`evac.vault.anchors`). Entries name what was
touched by id, never by personal data.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import Row, SmallInteger, String, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from evac.auth.permissions import Actor, Permission
from evac.db import Base, BigId, JSONData, UTCDateTime, utcnow

GENESIS = "0" * 64
# Heads are moved with Core statements, past the session's copies: read them afresh.
FRESH = {"populate_existing": True}
LANES = 16  # head rows (the migration makes them): at most this many writers append at once


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSONData, default=dict)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Not in the hash: moving an entry to another lane breaks both lanes' links anyway.
    lane: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")


class AuditHead(Base):
    """The newest entry of one lane (the row's id is the lane), locked while one is appended."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a deleted newest entry must stay detectable, not be blocked silently.
    last_entry_id: Mapped[int | None] = mapped_column(BigId)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def entry_digest(entry: AuditEntry | Row | SimpleNamespace, previous_hash: str) -> str:
    """The hash of an entry (or of a row with its columns) chained after `previous_hash`."""
    content = {
        "at": entry.at.isoformat(),
        "username": entry.username,
        "role": entry.role,
        "action": entry.action,
        "purpose": entry.purpose,
        "subject": entry.subject,
        "details": entry.details or {},
        "previous": previous_hash,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Access:
    """One entry to append: what was done, why, to what (by id), and details."""

    action: str
    purpose: str
    subject: str
    details: dict | None = None


def record_access(
    session: Session,
    *,
    actor: Actor,
    action: str,
    purpose: str,
    subject: str,
    details: dict | None = None,
) -> None:
    """Append one entry, in the caller's transaction (it lands only if the work does)."""
    record_accesses(session, actor=actor, accesses=[Access(action, purpose, subject, details)])


def record_accesses(session: Session, *, actor: Actor, accesses: Sequence[Access]) -> None:
    """Append entries in order, chained one after another in one lane: one lane lock, one
    insert and one head update, however many (a check-in audits each member it moves)."""
    lane, previous = _lock_a_lane(session)
    rows = []
    for access in accesses:
        row = {
            "at": utcnow(),
            "username": actor.username,
            "role": actor.role.value,
            "action": access.action,
            "purpose": access.purpose,
            "subject": access.subject,
            "details": access.details or {},
            "previous_hash": previous,
            "lane": lane,
        }
        row["entry_hash"] = previous = entry_digest(SimpleNamespace(**row), previous)
        rows.append(row)
    entries = AuditEntry.__table__  # Core, not the ORM: a gate's hot path
    ids = session.scalars(
        insert(entries).returning(entries.c.id, sort_by_parameter_order=True), rows
    ).all()
    heads = AuditHead.__table__
    session.execute(
        update(heads).where(heads.c.id == lane).values(last_entry_id=ids[-1], last_hash=previous)
    )


def _lock_a_lane(session: Session) -> tuple[int, str]:
    """The first lane no other transaction holds, and its newest hash; if all are held, wait
    for lane 1. (SQLite has one writer at a time and no row locks: there it is always lane 1.)"""
    heads = AuditHead.__table__
    first = select(heads.c.id, heads.c.last_hash).order_by(heads.c.id).limit(1)
    head = (
        session.execute(first.with_for_update(skip_locked=True)).first()
        or session.execute(first.with_for_update()).first()
    )
    if head is None:  # every head row was deleted: the check reports it, the log goes on
        session.execute(insert(heads).values(id=1, last_hash=GENESIS))
        return 1, GENESIS
    return head.id, head.last_hash


def combined_head(heads: dict[int, str]) -> str:
    """One hash for the newest entry of every lane: lane 1's own while no other lane was
    written (so anchors signed before lanes existed still hold), else a digest of each written
    lane's head, in lane order."""
    written = {lane: digest for lane, digest in heads.items() if digest != GENESIS}
    if set(written) <= {1}:
        return written.get(1, GENESIS)
    text = ",".join(f"{lane}:{digest}" for lane, digest in sorted(written.items()))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    reason: str


def verify_chain(session: Session) -> list[ChainBreak]:
    """Every place the chain is broken, in order; empty when the log is intact."""
    breaks: list[ChainBreak] = []
    newest: dict[int, tuple[str, int | None]] = {}  # lane: its newest hash and entry so far
    for entry in session.scalars(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    ):
        previous, previous_id = newest.get(entry.lane, (GENESIS, None))
        if entry.previous_hash != previous:
            breaks.append(ChainBreak(entry.id, _link_reason(session, entry, previous_id)))
        if entry_digest(entry, entry.previous_hash) != entry.entry_hash:
            breaks.append(ChainBreak(entry.id, "its content was edited after it was written"))
        newest[entry.lane] = (entry.entry_hash, entry.id)
    for head in session.scalars(
        select(AuditHead).order_by(AuditHead.id).execution_options(**FRESH)
    ):
        if head.last_hash != newest.get(head.id, (GENESIS, None))[0]:
            breaks.append(
                ChainBreak(head.last_entry_id, "the newest entries were removed (the log was cut)")
            )
    return breaks


def _link_reason(session: Session, entry: AuditEntry, previous_id: int | None) -> str:
    owner = session.scalar(
        select(AuditEntry.id).where(AuditEntry.entry_hash == entry.previous_hash)
    )
    if owner is None:
        return f"the entry before it (after {previous_id}) was removed"
    return f"entries were reordered: it follows entry {owner}, not {previous_id}"


def audit_entries(session: Session, *, actor: Actor, limit: int = 100) -> list[AuditEntry]:
    """The newest entries, newest first, for an auditor."""
    actor.require(Permission.audit_read)
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


@dataclass(frozen=True)
class AnchoredHead:
    """A head signed earlier outside the database: how many entries the log held, the
    newest one's hash and id, and when."""

    entries: int
    head_hash: str
    last_entry_id: int | None
    signed_at: datetime


def check_log(
    session: Session, *, actor: Actor, anchors: Sequence[AnchoredHead] = ()
) -> list[ChainBreak]:
    """`verify_chain` for an auditor, plus each anchor: the log must still extend it."""
    actor.require(Permission.audit_read)
    breaks = verify_chain(session)
    if anchors:
        breaks += _anchor_breaks(session, anchors)
    return breaks


def read_one_snapshot(session: Session) -> None:
    """Make the session's coming transaction one snapshot, so that entries and head are read
    as of the same moment while servers keep appending (SQLite's transactions already are)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _anchor_breaks(session: Session, anchors: Sequence[AnchoredHead]) -> list[ChainBreak]:
    """Recompute the chain from the entries' content, not their stored hashes (the way
    Certificate Transparency checks a signed tree head): the first `entries` entries must
    hash to each anchor's head."""
    wanted = {anchor.entries for anchor in anchors}
    recomputed, newest, count = {0: GENESIS}, {}, 0
    content = select(
        AuditEntry.lane,
        AuditEntry.at,
        AuditEntry.username,
        AuditEntry.role,
        AuditEntry.action,
        AuditEntry.purpose,
        AuditEntry.subject,
        AuditEntry.details,
    ).order_by(AuditEntry.id)
    for row in session.execute(content.execution_options(yield_per=2000)):
        newest[row.lane] = entry_digest(row, newest.get(row.lane, GENESIS))
        count += 1
        if count in wanted:
            recomputed[count] = combined_head(newest)
    breaks = []
    for anchor in anchors:
        reason = _anchor_reason(anchor, count, recomputed.get(anchor.entries))
        if reason:
            breaks.append(ChainBreak(anchor.last_entry_id, reason))
    return breaks


def _anchor_reason(anchor: AnchoredHead, entries_now: int, recomputed: str | None) -> str | None:
    signed = (
        f"the anchor signed {anchor.signed_at:%Y-%m-%d %H:%M:%S} UTC "
        f"({anchor.entries} entries, up to entry {anchor.last_entry_id})"
    )
    if entries_now < anchor.entries:
        return (
            f"{anchor.entries - entries_now} of the {anchor.entries} entries of {signed} are "
            f"missing: the log was cut to {entries_now} entries"
        )
    if recomputed != anchor.head_hash:
        return (
            f"the first {anchor.entries} entries no longer hash to {signed}: an entry up to "
            "there was removed, rewritten or inserted"
        )
    return None


@dataclass(frozen=True)
class ChainHead:
    last_entry_id: int | None
    head_hash: str  # combined_head of the lanes


def chain_head(session: Session, *, actor: Actor) -> ChainHead:
    """The newest entry and the lanes' combined hash: what `evac audit anchor` signs."""
    actor.require(Permission.audit_read)
    heads = session.scalars(select(AuditHead).execution_options(**FRESH)).all()
    return ChainHead(
        max((h.last_entry_id for h in heads if h.last_entry_id is not None), default=None),
        combined_head({head.id: head.last_hash for head in heads}),
    )
