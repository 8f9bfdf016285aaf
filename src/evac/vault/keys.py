"""Master-key providers: the one place that holds the key that wraps every data key.

A provider wraps and unwraps data keys. The local provider keeps a 256-bit master key in a
file or an environment variable; a KMS or HSM provider only has to offer the same two calls.
During a rotation a `KeyRing` wraps under the new key and still unwraps under the previous
one, so servers keep reading every operation while `evac vault rotate` re-wraps its keys.
"""

import base64
import os
import secrets
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from evac.config import Settings


class KeyProvider(Protocol):
    key_id: str

    def wrap(self, key: bytes, *, context: bytes) -> bytes: ...

    def unwrap(self, blob: bytes, *, context: bytes) -> bytes: ...


class MasterKeyMissing(RuntimeError):
    """No master key is configured; personal data cannot be read or written."""


class WrongMasterKey(RuntimeError):
    """A wrapped key does not open under any master key in force."""


class LocalKeyProvider:
    """AES-256-GCM key wrapping under a master key held by this process."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes (256 bits)")
        self._aead = AESGCM(master_key)
        # An id that names the key without revealing it, so wrapped keys say which master made them.
        self.key_id = "local:" + base64.b32encode(
            AESGCM(master_key).encrypt(b"\0" * 12, b"evac-key-id", None)[:10]
        ).decode().lower().rstrip("=")

    def wrap(self, key: bytes, *, context: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, key, context)

    def unwrap(self, blob: bytes, *, context: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:12], blob[12:], context)
        except InvalidTag as error:
            raise WrongMasterKey(
                f"a data key does not open under master key {self.key_id}: "
                "set EVAC_PREVIOUS_MASTER_KEY during a rotation, or restore the right key"
            ) from error

    def __repr__(self) -> str:  # never show key material
        return f"LocalKeyProvider({self.key_id})"


class KeyRing:
    """The current master key for wrapping, plus older ones that can still unwrap."""

    def __init__(self, current: KeyProvider, *previous: KeyProvider) -> None:
        self.current = current
        self.previous = previous
        self.key_id = current.key_id

    def wrap(self, key: bytes, *, context: bytes) -> bytes:
        return self.current.wrap(key, context=context)

    def unwrap(self, blob: bytes, *, context: bytes) -> bytes:
        for provider in (self.current, *self.previous):
            try:
                return provider.unwrap(blob, context=context)
            except WrongMasterKey:
                continue
        raise WrongMasterKey(
            "a data key opens under none of the master keys in force; restore the key it was "
            "wrapped under (see `evac vault status`)"
        )

    def __repr__(self) -> str:
        return f"KeyRing({self.key_id}, previous={[p.key_id for p in self.previous]})"


def new_master_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def decode_master_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as error:
        raise MasterKeyMissing("the master key is not valid base64") from error
    if len(key) != 32:
        raise MasterKeyMissing("the master key must decode to 32 bytes")
    return key


def create_master_key_file(path: Path) -> bool:
    """Write a new master key file readable by its owner only; False if one is already there."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as handle:
        handle.write(new_master_key() + "\n")
    return True


def previous_key_file(settings: Settings) -> Path:
    """Where a rotation keeps the old key file until every wrapped key has moved on."""
    return settings.master_key_file.with_name(settings.master_key_file.name + ".previous")


def provider_from_settings(settings: Settings) -> KeyRing:
    """The keys in force: EVAC_MASTER_KEY, else the key file; plus a previous key, if any
    (EVAC_PREVIOUS_MASTER_KEY or the `.previous` file a rotation leaves)."""
    if settings.master_key is not None:
        current = LocalKeyProvider(decode_master_key(settings.master_key.get_secret_value()))
    elif settings.master_key_file.exists():
        current = LocalKeyProvider(decode_master_key(settings.master_key_file.read_text()))
    else:
        raise MasterKeyMissing(
            f"no master key: set EVAC_MASTER_KEY or create {settings.master_key_file} "
            "with `evac init`"
        )
    previous = []
    if settings.previous_master_key is not None:
        previous.append(decode_master_key(settings.previous_master_key.get_secret_value()))
    if previous_key_file(settings).exists():
        previous.append(decode_master_key(previous_key_file(settings).read_text()))
    return KeyRing(current, *(LocalKeyProvider(key) for key in previous))


def master_key_source(settings: Settings) -> tuple:
    """What `provider_from_settings` would build from, read cheaply: the keys given in the
    environment and the key files' identity (inode, size, time). A rotation changes it."""

    def file_identity(path: Path) -> tuple[int, int, int] | None:
        try:
            status = path.stat()
        except FileNotFoundError:
            return None
        return status.st_ino, status.st_size, status.st_mtime_ns

    given = (settings.master_key, settings.previous_master_key)
    return (
        tuple(secret.get_secret_value() if secret else None for secret in given),
        file_identity(settings.master_key_file),
        file_identity(previous_key_file(settings)),
    )
