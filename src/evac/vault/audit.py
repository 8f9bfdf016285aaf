"""A tamper-evident audit log: every read of personal data and every change, hash-chained.

Each entry's hash covers its content and the previous entry's hash; a head row holds the
newest hash, so an edited, removed, reordered or cut-off entry breaks the chain at a place
`verify_chain` names. Entries name what was touched by id, never by personal data.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from evac.auth.permissions import Actor, Permission
from evac.db import Base, BigId, JSONData, UTCDateTime, utcnow

GENESIS = "0" * 64
HASH_PATTERN = re.compile(r"[0-9a-f]{64}")


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


class AuditHead(Base):
    """The newest entry of the chain: one row, locked while an entry is appended."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a deleted newest entry must stay detectable, not be blocked silently.
    last_entry_id: Mapped[int | None] = mapped_column(BigId)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def _digest(entry: AuditEntry) -> str:
    content = {
        "at": entry.at.isoformat(),
        "username": entry.username,
        "role": entry.role,
        "action": entry.action,
        "purpose": entry.purpose,
        "subject": entry.subject,
        "details": entry.details or {},
        "previous": entry.previous_hash,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


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
    head = session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS)
        session.add(head)
    entry = AuditEntry(
        at=utcnow(),
        username=actor.username,
        role=actor.role.value,
        action=action,
        purpose=purpose,
        subject=subject,
        details=details or {},
        previous_hash=head.last_hash,
    )
    entry.entry_hash = _digest(entry)
    session.add(entry)
    session.flush()
    head.last_entry_id, head.last_hash = entry.id, entry.entry_hash
    session.flush()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    reason: str


def verify_chain(session: Session) -> list[ChainBreak]:
    """Every place the chain is broken, in order; empty when the log is intact."""
    breaks: list[ChainBreak] = []
    previous, previous_id = GENESIS, None
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.previous_hash != previous:
            breaks.append(ChainBreak(entry.id, _link_reason(session, entry, previous_id)))
        if _digest(entry) != entry.entry_hash:
            breaks.append(ChainBreak(entry.id, "its content was edited after it was written"))
        previous, previous_id = entry.entry_hash, entry.id
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != previous:
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


def check_log(session: Session, *, actor: Actor, anchors: tuple[str, ...] = ()) -> list[ChainBreak]:
    """`verify_chain` for an auditor, plus anchors: head hashes noted earlier outside the
    database. A chain rewritten from some entry on verifies by itself, but loses the anchors."""
    actor.require(Permission.audit_read)
    breaks = verify_chain(session)
    for anchor in anchors:
        if not HASH_PATTERN.fullmatch(anchor):
            breaks.append(ChainBreak(None, "an anchor is not a hash printed by `evac audit head`"))
        elif session.scalar(select(AuditEntry.id).where(AuditEntry.entry_hash == anchor)) is None:
            breaks.append(ChainBreak(None, f"anchor {anchor[:16]}… is missing: history rewritten"))
    return breaks


def chain_head(session: Session, *, actor: Actor) -> AuditHead:
    """The newest hash, to note outside the database (an anchor for `evac audit verify`)."""
    actor.require(Permission.audit_read)
    return session.get(AuditHead, 1)
