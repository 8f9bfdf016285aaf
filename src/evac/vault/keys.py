"""Master-key providers: the one place that holds the key that wraps every data key.

A provider wraps and unwraps data keys. The local provider keeps a 256-bit master key in a
file or an environment variable; a KMS or HSM provider only has to offer the same two calls.
"""

import base64
import os
import secrets
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from evac.config import Settings


class KeyProvider(Protocol):
    key_id: str

    def wrap(self, key: bytes, *, context: bytes) -> bytes: ...

    def unwrap(self, blob: bytes, *, context: bytes) -> bytes: ...


class MasterKeyMissing(RuntimeError):
    """No master key is configured; personal data cannot be read or written."""


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
        return self._aead.decrypt(blob[:12], blob[12:], context)


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


def provider_from_settings(settings: Settings) -> LocalKeyProvider:
    """The key provider in force: EVAC_MASTER_KEY, else the key file."""
    if settings.master_key is not None:
        return LocalKeyProvider(decode_master_key(settings.master_key.get_secret_value()))
    if settings.master_key_file.exists():
        return LocalKeyProvider(decode_master_key(settings.master_key_file.read_text()))
    raise MasterKeyMissing(
        f"no master key: set EVAC_MASTER_KEY or create {settings.master_key_file} with `evac init`"
    )
