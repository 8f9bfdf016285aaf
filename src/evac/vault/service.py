"""Encrypt and decrypt personal fields, compute blind indexes, create and destroy keys."""

import hashlib
import hmac
import re
import secrets
import struct
import unicodedata
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.config import Settings
from evac.vault.audit import record_access
from evac.vault.keys import KeyProvider, KeyRing, master_key_source, provider_from_settings
from evac.vault.models import OperationKey

FORMAT = 1  # first byte of every ciphertext, so the layout can change later
CONTENT_HASH_KEY_LABEL = b"evac:content-hash:v1"  # derives the raw-HMAC key from the index key
HEADER = struct.Struct(">BH")  # format, key version
NOT_ALNUM = re.compile(r"[\W_]+")


class KeysDestroyed(RuntimeError):
    """The operation's keys are gone (crypto-shredded): its personal data is unreadable."""


class DecryptionFailed(RuntimeError):
    """A ciphertext was altered, moved to another field, or made under another key."""


def _context(operation_id: int, version: int, purpose: str) -> bytes:
    return f"evac:{operation_id}:{version}:{purpose}".encode()


def create_operation_keys(session: Session, *, provider: KeyProvider, operation_id: int) -> None:
    """Make the operation's first data key and its blind-index key."""
    session.add(
        OperationKey(
            operation_id=operation_id,
            version=1,
            master_key_id=provider.key_id,
            wrapped_data_key=provider.wrap(
                AESGCM.generate_key(256), context=_context(operation_id, 1, "data")
            ),
            wrapped_index_key=provider.wrap(
                secrets.token_bytes(32), context=_context(operation_id, 1, "index")
            ),
        )
    )
    session.flush()


def shred_operation_keys(session: Session, *, operation_id: int) -> int:
    """Destroy the operation's keys; returns how many key rows were destroyed."""
    result = session.execute(delete(OperationKey).where(OperationKey.operation_id == operation_id))
    return result.rowcount


def shred_operation(session: Session, *, actor: Actor, operation_id: int, reason: str) -> int:
    """The crypto-shred as a user may ask for it: checked, audited, one transaction."""
    actor.require(Permission.operation_manage)
    destroyed = shred_operation_keys(session, operation_id=operation_id)
    record_access(
        session,
        actor=actor,
        action="vault.shred",
        purpose=reason,
        subject=f"operation:{operation_id}",
        details={"key_rows_destroyed": destroyed},
    )
    return destroyed


def rotate_operation(
    session: Session, *, actor: Actor, provider: KeyProvider, operation_id: int, new_data_key: bool
) -> tuple[int, int | None]:
    """Re-wrap one operation's keys under the current master key, and optionally start a new
    data-key version for new writes. Returns (rows re-wrapped, new version or None)."""
    actor.require(Permission.operation_manage)
    rewrapped = rewrap_operation_keys(session, provider=provider, operation_id=operation_id)
    version = (
        add_data_key_version(session, provider=provider, operation_id=operation_id)
        if new_data_key
        else None
    )
    record_access(
        session,
        actor=actor,
        action="vault.rotate",
        purpose="key rotation",
        subject=f"operation:{operation_id}",
        details={"rewrapped": rewrapped, "new_version": version, "master": provider.key_id},
    )
    return rewrapped, version


def scrub_deleted_keys(engine: Engine) -> str:
    """After a committed shred, push the deleted key rows' bytes out of the database's files.

    SQLite (secure_delete=ON) zeroes a deleted row in its page; checkpointing the WAL writes
    that page home and truncates the log that still held older copies. PostgreSQL's VACUUM
    prunes the dead row versions, but does not promise to zero their bytes or the WAL's copies
    (docs/security.md says what remains). Returns what was done, to tell the operator.
    """
    if engine.dialect.name == "sqlite":
        # Outside any transaction (a checkpoint cannot run inside one): the raw connection.
        connection = engine.raw_connection()
        try:
            busy, _, _ = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
        if busy:
            return "WAL checkpoint postponed by readers; it completes when they close"
        return "WAL checkpointed and truncated; deleted key pages zeroed (secure_delete)"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM operation_key"))
    return "dead key rows vacuumed; rotate the master key to void copies left in WAL or free space"


def rewrap_operation_keys(session: Session, *, provider: KeyProvider, operation_id: int) -> int:
    """Re-wrap the operation's keys under the provider's current master key (idempotent).

    The provider must still unwrap under the old key (a KeyRing); the data keys themselves do
    not change, so no ciphertext is touched and the operation stays readable throughout.
    """
    rows = session.scalars(
        select(OperationKey)
        .where(
            OperationKey.operation_id == operation_id,
            OperationKey.master_key_id != provider.key_id,
        )
        .with_for_update()
    ).all()
    for row in rows:
        for purpose, attribute in (("data", "wrapped_data_key"), ("index", "wrapped_index_key")):
            context = _context(operation_id, row.version, purpose)
            key = provider.unwrap(getattr(row, attribute), context=context)
            setattr(row, attribute, provider.wrap(key, context=context))
        row.master_key_id = provider.key_id
    session.flush()
    return len(rows)


def add_data_key_version(session: Session, *, provider: KeyProvider, operation_id: int) -> int:
    """A new data key for new writes; older versions stay for reading. Returns the version.

    The blind-index key carries over unchanged, or exact look-ups would stop matching.
    """
    rows = session.scalars(
        select(OperationKey)
        .where(OperationKey.operation_id == operation_id)
        .order_by(OperationKey.version)
        .with_for_update()
    ).all()
    if not rows:
        raise KeysDestroyed(f"operation {operation_id} has no keys to add a version to")
    first, version = rows[0], rows[-1].version + 1
    index_key = provider.unwrap(
        first.wrapped_index_key, context=_context(operation_id, first.version, "index")
    )
    session.add(
        OperationKey(
            operation_id=operation_id,
            version=version,
            master_key_id=provider.key_id,
            wrapped_data_key=provider.wrap(
                AESGCM.generate_key(256), context=_context(operation_id, version, "data")
            ),
            wrapped_index_key=provider.wrap(
                index_key, context=_context(operation_id, version, "index")
            ),
        )
    )
    session.flush()
    return version


def keys_by_master(session: Session) -> dict[str, int]:
    """How many operation key rows each master key wraps (a rotation is done when one is left)."""
    rows = session.execute(
        select(OperationKey.master_key_id, func.count()).group_by(OperationKey.master_key_id)
    )
    return {key_id: count for key_id, count in rows}


def normalise_for_index(value: str) -> str:
    """The form of a value that exact look-ups compare: NFKC, no spaces or dashes, upper case."""
    text = unicodedata.normalize("NFKC", value)
    # re's \w is exactly str.isalnum() plus "_" (CPython's _sre), so this keeps the same
    # characters as a per-character isalnum() walk, in C: rows' content hashes use it too.
    return NOT_ALNUM.sub("", text).upper()


class SealingKeys:
    """What sealing a source row takes and no more: the current data key, to encrypt, and the
    content-hash key, to hash. No older data key, no blind-index key, no master key: this is
    all an import's worker process is given, so a worker that outlives its import or is read
    by an attacker opens nothing sealed under another version and computes no blind index."""

    def __init__(
        self, operation_id: int, version: int, data_key: bytes, content_hash_key: bytes
    ) -> None:
        self.operation_id, self.version = operation_id, version
        self._data_key, self._content_hash_key = data_key, content_hash_key
        self._aead = AESGCM(data_key)
        self._content_mac = hmac.new(content_hash_key, digestmod=hashlib.sha256)

    def __reduce__(self) -> tuple:
        # The raw keys only (AESGCM and HMAC states cannot be pickled): a spawned worker gets
        # them through its start-up pipe and builds its own.
        keys = (self.operation_id, self.version, self._data_key, self._content_hash_key)
        return SealingKeys, keys

    def __repr__(self) -> str:  # never show key material
        return f"SealingKeys(operation {self.operation_id}, version {self.version})"

    def encrypt_bytes(self, data: bytes, *, field: str) -> bytes:
        """Encrypt text already encoded as UTF-8 under the current data key."""
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, data, _context(self.operation_id, self.version, field))
        return HEADER.pack(FORMAT, self.version) + nonce + sealed

    def keyed_hash(self, data: bytes, *, kind: str) -> str:
        """A keyed HMAC-SHA256 of exactly these bytes (no normalising, unlike blind_index):
        two inputs that differ in any byte hash apart. `kind` separates uses."""
        mac = self._content_mac.copy()  # the keyed state, without re-keying per row
        mac.update(kind.encode())
        mac.update(b"\x00")  # a kind never contains NUL: kind and data cannot run together
        mac.update(data)
        return mac.hexdigest()[:32]


@dataclass
class OperationCipher:
    """Encryption for one operation's personal fields, with its keys unwrapped in memory."""

    operation_id: int
    version: int
    data_keys: dict[int, bytes] = field(repr=False)
    index_key: bytes = field(repr=False)
    _readers: dict[int, AESGCM] = field(init=False, repr=False, compare=False)
    _sealing: SealingKeys = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._readers = {version: AESGCM(key) for version, key in self.data_keys.items()}
        # derived from the index key, so a blind index never equals a keyed hash
        content_hash_key = hmac.new(self.index_key, CONTENT_HASH_KEY_LABEL, hashlib.sha256)
        self._sealing = SealingKeys(
            self.operation_id, self.version, self.data_keys[self.version], content_hash_key.digest()
        )

    def for_sealing(self) -> SealingKeys:
        """The keys that sealing a raw row needs, for a worker process: nothing else."""
        return self._sealing

    def encrypt(self, text: str | None, *, field: str) -> bytes | None:
        if text is None:
            return None
        return self.encrypt_bytes(text.encode(), field=field)

    def encrypt_bytes(self, data: bytes, *, field: str) -> bytes:
        """`encrypt` for text already encoded as UTF-8 (what `decrypt` gives back as text)."""
        return self._sealing.encrypt_bytes(data, field=field)

    def decrypt(self, blob: bytes | None, *, field: str) -> str | None:
        if blob is None:
            return None
        fmt, version = HEADER.unpack_from(blob)
        if fmt != FORMAT or version not in self._readers:
            raise DecryptionFailed(f"unknown ciphertext format {fmt} or key version {version}")
        start = HEADER.size
        nonce, sealed = blob[start : start + 12], blob[start + 12 :]
        try:
            plain = self._readers[version].decrypt(
                nonce, sealed, _context(self.operation_id, version, field)
            )
        except InvalidTag as error:
            raise DecryptionFailed(f"field {field!r} failed authentication") from error
        return plain.decode()

    def blind_index(self, value: str | None, *, kind: str) -> str | None:
        """A keyed hash for exact look-up of `value` of `kind` (passport, phone, ...)."""
        if value is None:
            return None
        normal = normalise_for_index(value)
        if not normal:
            return None
        digest = hmac.new(self.index_key, f"{kind}:{normal}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def keyed_hash(self, data: bytes, *, kind: str) -> str:
        """`SealingKeys.keyed_hash`: a keyed hash of exactly these bytes."""
        return self._sealing.keyed_hash(data, kind=kind)


def cipher_for(session: Session, *, provider: KeyProvider, operation_id: int) -> OperationCipher:
    """Unwrap the operation's keys; raises KeysDestroyed after a crypto-shred."""
    rows = session.scalars(
        select(OperationKey)
        .where(OperationKey.operation_id == operation_id)
        .order_by(OperationKey.version)
    ).all()
    if not rows:
        raise KeysDestroyed(
            f"operation {operation_id} has no keys: its personal data was shredded or never keyed"
        )
    data_keys = {
        row.version: provider.unwrap(
            row.wrapped_data_key, context=_context(operation_id, row.version, "data")
        )
        for row in rows
    }
    first = rows[0]
    index_key = provider.unwrap(
        first.wrapped_index_key, context=_context(operation_id, first.version, "index")
    )
    return OperationCipher(
        operation_id=operation_id,
        version=rows[-1].version,
        data_keys=data_keys,
        index_key=index_key,
    )


def key_stamp(session: Session, *, operation_id: int) -> tuple[tuple[int, str], ...]:
    """The operation's key rows as (version, master key id), without their wrapped bytes:
    empty after a crypto-shred, changed by a new data-key version or a re-wrap."""
    rows = session.execute(
        select(OperationKey.version, OperationKey.master_key_id)
        .where(OperationKey.operation_id == operation_id)
        .order_by(OperationKey.version)
    )
    return tuple((version, master) for version, master in rows)


class KeyCache:
    """Master keys and unwrapped operation keys kept for the life of a process (in app.state).

    Reading the key file and unwrapping on every request serialised the gate under load. Each
    use still reads the operation's key stamp, one small indexed query, so a crypto-shred
    refuses at once and a rotation or new data-key version unwraps afresh; the master keys
    are rebuilt when their source (environment, key files) changes.
    """

    def __init__(self) -> None:
        self._provider: tuple[tuple, KeyRing] | None = None
        self._ciphers: dict[int, tuple[tuple, OperationCipher]] = {}

    def provider(self, settings: Settings) -> KeyRing:
        source = master_key_source(settings)
        if self._provider is None or self._provider[0] != source:
            self._provider = (source, provider_from_settings(settings))
        return self._provider[1]

    def cipher(
        self, session: Session, *, provider: KeyProvider, operation_id: int
    ) -> OperationCipher:
        """`cipher_for`, unwrapping only when the operation's keys or master key changed."""
        stamp = (provider.key_id, key_stamp(session, operation_id=operation_id))
        cached = self._ciphers.get(operation_id)
        if cached is not None and cached[0] == stamp and stamp[1]:
            return cached[1]
        self._ciphers.pop(operation_id, None)  # shredded keys leave no copy in memory either
        cipher = cipher_for(session, provider=provider, operation_id=operation_id)
        self._ciphers[operation_id] = (stamp, cipher)
        return cipher
