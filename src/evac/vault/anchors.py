"""Signed anchors of the audit log: its head, signed with a key that is never in the database.

Certificate Transparency's signed tree heads, for a hash chain. `evac audit anchor` signs the
entry count and the newest hash with Ed25519 and sends the statement away (a file elsewhere,
an e-mail). Whoever holds only the database can still cut the newest entries and fix up the
head row, or rewrite the chain with fresh hashes, but no earlier anchor then agrees with the
log (`check_log` recomputes the chain up to each anchor's count), and a new anchor needs the key.
"""

import base64
import binascii
import hashlib
import json
import os
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.config import Settings
from evac.db import utcnow
from evac.operation.models import Operation
from evac.vault.audit import AnchoredHead, AuditEntry, ChainBreak, chain_head, verify_chain

FORMAT = "evac-audit-anchor/1"
# Signed bytes start with the format, so a signature made by this key for anything else
# (another tool given the same key) can never pass as an anchor.
SIGNING_CONTEXT = f"{FORMAT}\n".encode()


class AnchorRefused(Exception):
    """A line that is no anchor this verifier can trust; the message says why."""


class LogNotIntact(Exception):
    """The log already fails verification: signing its head would bless the tampering."""

    def __init__(self, breaks: list[ChainBreak]):
        super().__init__(f"the audit log has {len(breaks)} break(s): no anchor signed")
        self.breaks = breaks


@dataclass(frozen=True)
class SignedAnchor:
    head: AnchoredHead
    line: str  # one JSON line: the statement and its signature


def public_key_file(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".pub")


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def create_anchor_key(key_file: Path) -> str:
    """Write a new signing key (owner-only) and its public half beside it; return its id.

    Never overwrites: anchors signed by a lost key could no longer be checked."""
    private = Ed25519PrivateKey.generate()
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    public_key_file(key_file).write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(private.public_key())


def load_signing_key(key_file: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{key_file} is not an Ed25519 key")
    return key


def load_trusted_keys(files: Sequence[Path]) -> dict[str, Ed25519PublicKey]:
    """The public keys whose anchors a verifier accepts, by key id."""
    trusted = {}
    for file in files:
        key = serialization.load_pem_public_key(file.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{file} is not an Ed25519 public key")
        trusted[key_id(key)] = key
    return trusted


def sign_head(session: Session, *, actor: Actor, signing_key: Ed25519PrivateKey) -> SignedAnchor:
    """Sign the head of a log that verifies; refuse (LogNotIntact) one that does not."""
    actor.require(Permission.audit_read)
    breaks = verify_chain(session)
    if breaks:
        raise LogNotIntact(breaks)
    head = chain_head(session, actor=actor)
    statement = {
        "entries": session.scalar(select(func.count()).select_from(AuditEntry)),
        "head": head.head_hash,
        "last_entry_id": head.last_entry_id,
        "operations": list(session.scalars(select(Operation.name).order_by(Operation.name))),
        "signed_at": utcnow().isoformat(),
        "key_id": key_id(signing_key.public_key()),
    }
    signature = signing_key.sign(_signed_bytes(statement))
    document = {
        "format": FORMAT,
        "statement": statement,
        "signature": base64.b64encode(signature).decode(),
    }
    return SignedAnchor(_anchored_head(statement), json.dumps(document, ensure_ascii=False))


def _signed_bytes(statement: dict) -> bytes:
    canonical = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return SIGNING_CONTEXT + canonical.encode()


def _anchored_head(statement: dict) -> AnchoredHead:
    return AnchoredHead(
        entries=statement["entries"],
        head_hash=statement["head"],
        last_entry_id=statement["last_entry_id"],
        signed_at=datetime.fromisoformat(statement["signed_at"]),
    )


def parse_anchor(line: str, trusted: dict[str, Ed25519PublicKey]) -> AnchoredHead:
    """The head an anchor line signed, once its signature verifies under a trusted key."""
    try:
        document = json.loads(line)
        statement = document["statement"]
        signature = base64.b64decode(document["signature"], validate=True)
        if document["format"] != FORMAT:
            raise AnchorRefused(f"format {document['format']!r}, not {FORMAT}")
        key = trusted.get(statement["key_id"])
    except (ValueError, TypeError, KeyError, binascii.Error) as error:
        raise AnchorRefused(f"not an evac audit anchor ({error})") from None
    if key is None:
        raise AnchorRefused(
            f"signed by key {statement['key_id']!r}, which is not a trusted anchor key"
        )
    try:
        key.verify(signature, _signed_bytes(statement))
    except InvalidSignature:
        raise AnchorRefused(
            "its signature does not verify: the anchor was altered or forged"
        ) from None
    return _anchored_head(statement)


def read_anchor_files(
    files: Sequence[Path], trusted: dict[str, Ed25519PublicKey]
) -> tuple[list[AnchoredHead], list[ChainBreak]]:
    """Every anchor of the files (one a line), and a break for each line that is refused."""
    heads: list[AnchoredHead] = []
    refused: list[ChainBreak] = []
    for file in files:
        lines = [(n, line) for n, line in enumerate(file.read_text().splitlines(), 1) if line]
        if not lines:
            refused.append(ChainBreak(None, f"{file} holds no anchor"))
        for number, line in lines:
            try:
                heads.append(parse_anchor(line, trusted))
            except AnchorRefused as error:
                refused.append(ChainBreak(None, f"{file}, line {number}: {error}"))
    return heads, refused


def append_anchor(anchor: SignedAnchor, file: Path) -> None:
    """Add the anchor as one line: the file keeps every anchor ever written to it."""
    with file.open("a") as handle:
        handle.write(anchor.line + "\n")


def mail(
    settings: Settings,
    *,
    recipients: Sequence[str],
    subject: str,
    body: str,
    attachment: tuple[str, str] | None = None,
) -> None:
    """Send one message through the SMTP server of the settings."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        settings.smtp_sender,
        ", ".join(recipients),
        subject,
    )
    message.set_content(body)
    if attachment:
        name, text = attachment
        message.add_attachment(text, filename=name)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(message)


def mail_anchor(anchor: SignedAnchor, settings: Settings, *, recipients: Sequence[str]) -> None:
    head = anchor.head
    mail(
        settings,
        recipients=recipients,
        subject=f"evac audit anchor: {head.entries} entries, {head.signed_at:%Y-%m-%d %H:%M} UTC",
        body=(
            f"The audit log held {head.entries} entries (newest: entry {head.last_entry_id}, "
            f"hash {head.head_hash}) at {head.signed_at:%Y-%m-%d %H:%M:%S} UTC.\n\n"
            "Keep the attached file. To prove later that nobody cut or rewrote the log up to "
            "here:\n    evac audit verify --anchor FILE --public-key ANCHOR-KEY.pub\n"
        ),
        attachment=(f"evac-audit-anchor-{head.signed_at:%Y%m%dT%H%M%SZ}.jsonl", anchor.line + "\n"),
    )
