"""Checking a pass at a gate with no network: what a station holds, and the verdict.

A station holds a key file (the operation's public keys by id, and the document keys that
let it check a passport against a pass), the latest signed revocation list, and its own
list of passes already used. Nothing here touches the database.
"""

import base64
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from evac.passes.format import (
    PASS_PREFIX,
    REVOCATIONS_PREFIX,
    MalformedPass,
    PassClaims,
    SignedEnvelope,
    document_mac,
    keyed_document_digest,
    open_envelope,
    pass_claims,
    revoked_pass_ids,
)

KEY_FILE_FORMAT = "evac-pass-keys/1"
# scrypt at 32 MiB and about a tenth of a second: cheap once at a station's start, costly
# for whoever tries passphrases against a stolen key file.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class Flag(StrEnum):
    """Why a gate must not simply admit a pass; docs/passes.md says what to do for each."""

    tampered = "tampered: the text was altered or damaged"
    unknown_key = "unknown key: not signed by a key this station knows"
    forged = "forged: the signature does not match the pass"
    expired = "expired"
    outside_window = "outside its window"
    wrong_gate = "wrong gate"
    too_many_people = "more people than the pass names"
    revoked = "revoked"
    already_used = "already used at this station"
    wrong_document = "document does not belong to this pass"


class StationKeysError(ValueError):
    """A key file or revocation list that cannot be read or trusted."""


@dataclass(frozen=True)
class StationKeys:
    """The verifying keys by key id, the document keys by the same ids (may be empty), and
    the operation's time zone, in which gate staff read a window."""

    public_keys: dict[bytes, Ed25519PublicKey]
    document_keys: dict[bytes, bytes] = field(default_factory=dict, repr=False)
    time_zone: str = "UTC"
    # Passes are checked with libsodium, twice as fast as OpenSSL at Ed25519 verification
    # (the bytes are standard Ed25519 either way); its key objects are made once per station.
    verify_keys: dict[bytes, VerifyKey] = field(init=False, repr=False, compare=False)
    document_macs: dict[bytes, hmac.HMAC] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        verify_keys = {
            key_id: VerifyKey(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))
            for key_id, public_key in self.public_keys.items()
        }
        object.__setattr__(self, "verify_keys", verify_keys)
        macs = {key_id: document_mac(key) for key_id, key in self.document_keys.items()}
        object.__setattr__(self, "document_macs", macs)


@dataclass(frozen=True)
class Verdict:
    """The flags raised (none: admit) and, unless the pass could not be trusted, its claims."""

    flags: tuple[Flag, ...]
    claims: PassClaims | None = None

    @property
    def admitted(self) -> bool:
        return not self.flags


def verify_pass(
    text: str,
    *,
    keys: StationKeys,
    at: datetime,
    gate: str | None = None,
    documents: Iterable[str] = (),
    people: int | None = None,
    revoked: frozenset[bytes] = frozenset(),
    used: frozenset[bytes] = frozenset(),
) -> Verdict:
    """Every check a gate makes; a pass that is not genuine gets one flag and no claims."""
    try:
        envelope = open_envelope(text, prefix=PASS_PREFIX)
    except MalformedPass:
        return Verdict((Flag.tampered,))
    untrusted = _signature_flag(envelope, keys)
    if untrusted is not None:
        return Verdict((untrusted,))
    try:
        claims = pass_claims(envelope)
    except MalformedPass:
        return Verdict((Flag.tampered,))
    flags = _time_flags(claims, at)
    if gate is not None and gate.casefold() != claims.gate.casefold():
        flags.append(Flag.wrong_gate)
    if people is not None and people > claims.head_count:
        flags.append(Flag.too_many_people)
    if claims.pass_id in revoked:
        flags.append(Flag.revoked)
    if claims.pass_id in used:
        flags.append(Flag.already_used)
    if not _documents_belong(claims, keys, documents):
        flags.append(Flag.wrong_document)
    return Verdict(tuple(flags), claims)


def _signature_flag(envelope: SignedEnvelope, keys: StationKeys) -> Flag | None:
    verify_key = keys.verify_keys.get(envelope.key_id)
    if verify_key is None:
        return Flag.unknown_key
    try:
        verify_key.verify(envelope.signed_bytes, envelope.signature)
    except (BadSignatureError, ValueError):  # ValueError: a signature of the wrong length
        return Flag.forged
    return None


def _time_flags(claims: PassClaims, at: datetime) -> list[Flag]:
    if at > claims.expires_at:
        return [Flag.expired]
    if not claims.window_start <= at <= claims.window_end:
        return [Flag.outside_window]
    return []


def _documents_belong(claims: PassClaims, keys: StationKeys, documents: Iterable[str]) -> bool:
    """Whether every document shown has its digest on the pass (true when none is shown)."""
    mac = keys.document_macs.get(claims.key_id)
    for number in documents:
        if mac is None:
            raise StationKeysError(
                "this station's key file holds no document key for this pass: export it with "
                "document keys (and give the passphrase if it is sealed)"
            )
        if keyed_document_digest(mac, claims.pass_id, number) not in claims.document_digests:
            return False
    return True


def load_revocations(text: str, *, keys: StationKeys) -> tuple[datetime, frozenset[bytes]]:
    """A signed revocation list: when it was signed and the pass ids it revokes."""
    try:
        envelope = open_envelope(text, prefix=REVOCATIONS_PREFIX)
        if _signature_flag(envelope, keys) is not None:
            raise StationKeysError("the revocation list is not signed by a key this station knows")
        return revoked_pass_ids(envelope)
    except MalformedPass as error:
        raise StationKeysError(f"unreadable revocation list: {error}") from None


def key_file_text(
    public_keys: dict[bytes, bytes],
    document_keys: dict[bytes, bytes],
    *,
    operation: str,
    time_zone: str = "UTC",
    passphrase: str | None = None,
) -> str:
    """A station's key file: public keys in clear; document keys sealed under a passphrase
    (scrypt, AES-GCM) when one is given, so a lost laptop does not hand them over."""
    document_entries = {key_id.hex(): _b64(key) for key_id, key in document_keys.items()}
    content: dict = {
        "format": KEY_FILE_FORMAT,
        "operation": operation,
        "time_zone": time_zone,
        "keys": [{"kid": k.hex(), "public_key": _b64(v)} for k, v in public_keys.items()],
    }
    if passphrase is None:
        content["document_keys"] = document_entries
    else:
        content["document_keys_sealed"] = _seal(json.dumps(document_entries).encode(), passphrase)
    return json.dumps(content, indent=2) + "\n"


def load_station_keys(text: str, *, passphrase: str | None = None) -> StationKeys:
    """Read a key file; its document keys are left out when sealed and no passphrase is given."""
    try:
        content = json.loads(text)
        if content.get("format") != KEY_FILE_FORMAT:
            raise StationKeysError(f"not an evac pass key file ({KEY_FILE_FORMAT})")
        public_keys = {
            bytes.fromhex(entry["kid"]): Ed25519PublicKey.from_public_bytes(
                _unb64(entry["public_key"])
            )
            for entry in content["keys"]
        }
        document_entries = content.get("document_keys", {})
        if "document_keys_sealed" in content and passphrase is not None:
            document_entries = json.loads(_open(content["document_keys_sealed"], passphrase))
        document_keys = {bytes.fromhex(k): _unb64(v) for k, v in document_entries.items()}
    except StationKeysError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise StationKeysError(f"unreadable key file: {error}") from None
    return StationKeys(public_keys, document_keys, content.get("time_zone", "UTC"))


def _seal(plain: bytes, passphrase: str) -> dict[str, str | int]:
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _passphrase_key(passphrase, salt)
    return {
        "kdf": "scrypt",
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "ciphertext": _b64(AESGCM(key).encrypt(nonce, plain, b"evac-pass-keys")),
    }


def _open(sealed: dict[str, str], passphrase: str) -> bytes:
    key = _passphrase_key(passphrase, _unb64(sealed["salt"]))
    try:
        return AESGCM(key).decrypt(
            _unb64(sealed["nonce"]), _unb64(sealed["ciphertext"]), b"evac-pass-keys"
        )
    except InvalidTag:
        raise StationKeysError("wrong passphrase for the key file's document keys") from None


def _passphrase_key(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(passphrase.encode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())
