"""The operation's pass-signing keys: Ed25519, each with the document key its passes' digests
use, sealed under the operation's data key.

Sealed under the data key (not the master key alone) so that the crypto-shred that destroys
the operation's keys makes its signing keys unusable at the same moment: nobody can issue a
pass, or test a passport number against one, for an operation that no longer exists.
A rotation adds a key and retires the previous one; a retired key signs nothing new, but its
public key is still handed to stations so the passes it signed verify until they expire.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import ForeignKey, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from evac.auth.permissions import Actor, Permission
from evac.db import Base, UTCDateTime, utcnow
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher


class SigningKey(Base):
    """One generation of an operation's pass-signing key; `retired_at` is set by rotation."""

    __tablename__ = "operation_signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(
        ForeignKey("operation.id", ondelete="CASCADE"), index=True
    )
    key_id: Mapped[str] = mapped_column(String(16), unique=True)  # hex of 8 bytes
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_document_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A key that may have leaked: left out of stations' key files, so nothing it signs is
    # trusted any more (passes it signed must be issued again).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def key_id_of(public_key: bytes) -> bytes:
    """The first 8 bytes of SHA-256 of the raw public key, as the DCC derives its kid."""
    return hashlib.sha256(public_key).digest()[:8]


@dataclass(frozen=True)
class Signer:
    """The current signing key and document key of an operation, unsealed in memory."""

    key_id: bytes
    private_key: Ed25519PrivateKey = field(repr=False)
    document_key: bytes = field(repr=False)


@dataclass(frozen=True)
class VerifyingKey:
    """What a station needs of one key generation: its public key and its document key."""

    key_id: bytes
    public_key: bytes
    document_key: bytes = field(repr=False)
    retired_at: datetime | None


def current_signer(session: Session, *, cipher: OperationCipher) -> Signer:
    """The key that signs new passes; the operation's first one is made on first use."""
    row = session.scalar(
        select(SigningKey).where(
            SigningKey.operation_id == cipher.operation_id, SigningKey.retired_at.is_(None)
        )
    )
    if row is None:
        row = _add_key(session, cipher=cipher)
    private = Ed25519PrivateKey.from_private_bytes(_unseal(cipher, row, "private"))
    return Signer(bytes.fromhex(row.key_id), private, _unseal(cipher, row, "document"))


def rotate_signing_key(
    session: Session, *, actor: Actor, cipher: OperationCipher, withdraw: bool = False
) -> bytes:
    """Retire the current signing key and make a new one; returns the new key id. `withdraw`
    also withdraws the retired key (it may have leaked): stations stop trusting it."""
    actor.require(Permission.operation_manage)
    retired = session.scalars(
        select(SigningKey)
        .where(SigningKey.operation_id == cipher.operation_id, SigningKey.retired_at.is_(None))
        .with_for_update()
    ).all()
    for row in retired:
        row.retired_at = utcnow()
        row.withdrawn_at = row.retired_at if withdraw else None
    new = _add_key(session, cipher=cipher)
    record_access(
        session,
        actor=actor,
        action="vault.rotate_signing_key",
        purpose="pass signing key rotation",
        subject=f"operation:{cipher.operation_id}",
        details={
            "new_key_id": new.key_id,
            "retired": [row.key_id for row in retired],
            "withdrawn": withdraw,
        },
    )
    return bytes.fromhex(new.key_id)


def verifying_keys(session: Session, *, cipher: OperationCipher) -> list[VerifyingKey]:
    """Every key generation of the operation that stations may trust (not withdrawn), oldest
    first, with its document key."""
    rows = session.scalars(
        select(SigningKey)
        .where(SigningKey.operation_id == cipher.operation_id, SigningKey.withdrawn_at.is_(None))
        .order_by(SigningKey.id)
    ).all()
    return [
        VerifyingKey(
            bytes.fromhex(row.key_id),
            row.public_key,
            _unseal(cipher, row, "document"),
            row.retired_at,
        )
        for row in rows
    ]


def _add_key(session: Session, *, cipher: OperationCipher) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = key_id_of(public).hex()
    row = SigningKey(
        operation_id=cipher.operation_id,
        key_id=key_id,
        public_key=public,
        sealed_private_key=_seal(cipher, key_id, "private", private.private_bytes_raw()),
        sealed_document_key=_seal(cipher, key_id, "document", secrets.token_bytes(32)),
    )
    session.add(row)
    session.flush()
    return row


def _seal(cipher: OperationCipher, key_id: str, part: str, key: bytes) -> bytes:
    return cipher.encrypt_bytes(base64.b64encode(key), field=f"signing:{key_id}:{part}")


def _unseal(cipher: OperationCipher, row: SigningKey, part: str) -> bytes:
    sealed = row.sealed_private_key if part == "private" else row.sealed_document_key
    return base64.b64decode(cipher.decrypt(sealed, field=f"signing:{row.key_id}:{part}"))
