"""The pass on the wire: a CBOR claims map signed as COSE_Sign1 (Ed25519), compressed with zlib
and written in Base45 after the prefix "EP1:", as the EU Digital COVID Certificate does
("HC1:"). docs/passes.md says why. The same envelope carries the signed revocation list.

This module only encodes and decodes; `verify` decides what a pass is worth at a gate.
"""

import hmac
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import base45
import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evac.vault.service import normalise_for_index

PASS_PREFIX = "EP1:"
REVOCATIONS_PREFIX = "EPR1:"
PASS_CONTENT_TYPE = "evac-pass"  # short: the QR code carries every byte
REVOCATIONS_CONTENT_TYPE = "evac-revocations"
DIGEST_BYTES = 8  # 64 bits: a wrong passport matches by chance once in 1.8e19 tries
PASS_ID_BYTES = 10  # 80 random bits: 16 Crockford characters in the short code

# COSE (RFC 9052) header labels and the EdDSA algorithm id; the Sign1 CBOR tag.
COSE_ALG, COSE_CONTENT_TYPE, COSE_KID = 1, 3, 4
EDDSA = -8
COSE_SIGN1_TAG = 18
# Claims: CWT's own keys (RFC 8392) for expiry, issue time and token id; small negative keys
# (as the DCC's -260) for the rest, so the map stays a few bytes of keys.
EXPIRES, ISSUED_AT, PASS_ID = 4, 6, 7
PARTY, HEAD_COUNT, GATE, WINDOW_START, WINDOW_END, DOCUMENTS = -1, -2, -3, -4, -5, -6
REVOKED = -10
# The CBOR bytes of COSE_Sign1 as evac writes it: tag 18 and an array of four (protected
# header, unprotected header, payload, signature), whose unprotected header is the empty map.
SIGN1_START = bytes([0xC0 + COSE_SIGN1_TAG, 0x84])  # tag 18 is 0xD2, then 0x84
EMPTY_MAP = 0xA0
# The fixed start of every Sig_structure: an array of four, then the text "Signature1".
SIGN1_STRUCTURE_START = b"\x84\x6aSignature1"
EMPTY_BYTE_STRING = b"\x40"
BASE45_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
NOT_BASE45 = 255
BASE45_VALUES = bytes(
    BASE45_ALPHABET.index(code) if code in BASE45_ALPHABET else NOT_BASE45 for code in range(256)
)


class MalformedPass(ValueError):
    """The text does not decode to a signed pass (altered by hand, cut short, or not a pass)."""


@dataclass(frozen=True)
class PassClaims:
    """What a pass says; `key_id` comes from the signed (protected) header."""

    pass_id: bytes
    key_id: bytes
    party_reference: str
    head_count: int
    gate: str
    window_start: datetime
    window_end: datetime
    expires_at: datetime
    issued_at: datetime
    document_digests: tuple[bytes, ...]


@dataclass(frozen=True)
class SignedEnvelope:
    """A decoded COSE_Sign1: what was signed, the signature, and the key id it names."""

    key_id: bytes
    content_type: str
    payload: bytes
    signed_bytes: bytes
    signature: bytes


def document_digest(document_key: bytes, pass_id: bytes, number: str) -> bytes:
    """A keyed digest of one document number, salted with the pass id: the same passport in two
    passes gives unrelated digests, and without the operation's document key no number can be
    tried against it (a 9-digit passport space is only 1e9 guesses)."""
    return keyed_document_digest(document_mac(document_key), pass_id, number)


def document_mac(document_key: bytes) -> hmac.HMAC:
    """The document key's HMAC-SHA256, keyed once: a station copies it for every passport it
    checks. OpenSSL's one-shot HMAC sets the key up each time, which cost three times the copy
    right after a signature check had taken the processor's caches (bench/passes)."""
    return hmac.new(document_key, digestmod="sha256")


def keyed_document_digest(mac: hmac.HMAC, pass_id: bytes, number: str) -> bytes:
    """`document_digest` from the key's prepared HMAC (`document_mac`)."""
    digest = mac.copy()
    digest.update(pass_id + normalise_for_index(number).encode())
    return digest.digest()[:DIGEST_BYTES]


def encode_pass(claims: PassClaims, *, signing_key: Ed25519PrivateKey) -> str:
    payload = {
        PASS_ID: claims.pass_id,
        PARTY: claims.party_reference,
        HEAD_COUNT: claims.head_count,
        GATE: claims.gate,
        WINDOW_START: _seconds(claims.window_start),
        WINDOW_END: _seconds(claims.window_end),
        EXPIRES: _seconds(claims.expires_at),
        ISSUED_AT: _seconds(claims.issued_at),
        DOCUMENTS: list(claims.document_digests),
    }
    return seal(
        payload,
        prefix=PASS_PREFIX,
        content_type=PASS_CONTENT_TYPE,
        key_id=claims.key_id,
        signing_key=signing_key,
    )


def pass_claims(envelope: SignedEnvelope) -> PassClaims:
    """The claims of a pass envelope (call after its signature was checked)."""
    if envelope.content_type != PASS_CONTENT_TYPE:
        raise MalformedPass("this is not a pass")
    try:
        payload = cbor2.loads(envelope.payload)
        return PassClaims(
            pass_id=bytes(payload[PASS_ID]),
            key_id=envelope.key_id,
            party_reference=str(payload[PARTY]),
            head_count=int(payload[HEAD_COUNT]),
            gate=str(payload[GATE]),
            window_start=_moment(payload[WINDOW_START]),
            window_end=_moment(payload[WINDOW_END]),
            expires_at=_moment(payload[EXPIRES]),
            issued_at=_moment(payload[ISSUED_AT]),
            document_digests=tuple(map(bytes, payload[DOCUMENTS])),
        )
    except (cbor2.CBORDecodeError, KeyError, TypeError, ValueError) as error:
        raise MalformedPass("the pass's claims are incomplete") from error


def encode_revocations(
    pass_ids: list[bytes], *, issued_at: datetime, key_id: bytes, signing_key: Ed25519PrivateKey
) -> str:
    payload = {ISSUED_AT: _seconds(issued_at), REVOKED: sorted(pass_ids)}
    return seal(
        payload,
        prefix=REVOCATIONS_PREFIX,
        content_type=REVOCATIONS_CONTENT_TYPE,
        key_id=key_id,
        signing_key=signing_key,
    )


def revoked_pass_ids(envelope: SignedEnvelope) -> tuple[datetime, frozenset[bytes]]:
    """When the list was signed and the pass ids it revokes (call after checking it)."""
    if envelope.content_type != REVOCATIONS_CONTENT_TYPE:
        raise MalformedPass("this is not a revocation list")
    try:
        payload = cbor2.loads(envelope.payload)
        return _moment(payload[ISSUED_AT]), frozenset(bytes(i) for i in payload[REVOKED])
    except (cbor2.CBORDecodeError, KeyError, TypeError, ValueError) as error:
        raise MalformedPass("the revocation list is incomplete") from error


def seal(
    payload: dict, *, prefix: str, content_type: str, key_id: bytes, signing_key: Ed25519PrivateKey
) -> str:
    """Sign a claims map as COSE_Sign1 and write it as prefix + Base45(zlib(CBOR))."""
    protected = cbor2.dumps({COSE_ALG: EDDSA, COSE_CONTENT_TYPE: content_type, COSE_KID: key_id})
    body = cbor2.dumps(payload)
    signature = signing_key.sign(_sig_structure(_byte_string(protected), _byte_string(body)))
    sign1 = cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, body, signature])
    return prefix + base45.b45encode(zlib.compress(cbor2.dumps(sign1), 9)).decode()


def open_envelope(text: str, *, prefix: str) -> SignedEnvelope:
    """Decode prefix + Base45(zlib(COSE_Sign1)) without checking the signature."""
    text = text.strip("\r\n")  # only line ends: a space is a Base45 character
    if not text.startswith(prefix):
        raise MalformedPass(f"does not start with {prefix}")
    try:
        sign1 = zlib.decompress(b45decode(text[len(prefix) :]))
        protected, body, signature, signed_bytes = _split_sign1(sign1)
        header = cbor2.loads(protected)
        if header[COSE_ALG] != EDDSA:
            raise MalformedPass("not an Ed25519 COSE_Sign1")
        return SignedEnvelope(
            key_id=bytes(header[COSE_KID]),
            content_type=str(header[COSE_CONTENT_TYPE]),
            payload=body,
            signed_bytes=signed_bytes,
            signature=signature,
        )
    except MalformedPass:
        raise
    except (zlib.error, cbor2.CBORDecodeError, IndexError, KeyError, TypeError, ValueError):
        # zlib's checksum catches a changed character that Base45 alone would let through
        raise MalformedPass("the text was altered or damaged") from None


def _split_sign1(sign1: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """The protected header, payload and signature of a COSE_Sign1 laid out as `seal` writes
    it, and the Sig_structure its signature covers, cut from the bytes as they are: a gate
    reads every pass, and a general CBOR decode and re-encode of the whole cost more than this.
    """
    if not sign1.startswith(SIGN1_START):
        raise MalformedPass("not a COSE_Sign1")
    header_first, header_end = _byte_string_at(sign1, len(SIGN1_START))
    if sign1[header_end] != EMPTY_MAP:
        raise MalformedPass("not a COSE_Sign1 as evac writes it")
    payload_first, payload_end = _byte_string_at(sign1, header_end + 1)
    signature_first, signature_end = _byte_string_at(sign1, payload_end)
    if signature_end != len(sign1):
        raise MalformedPass("bytes after the COSE_Sign1")
    signed_bytes = _sig_structure(
        sign1[len(SIGN1_START) : header_end], sign1[header_end + 1 : payload_end]
    )
    return (
        sign1[header_first:header_end],
        sign1[payload_first:payload_end],
        sign1[signature_first:],
        signed_bytes,
    )


def _byte_string_at(data: bytes, start: int) -> tuple[int, int]:
    """Where the content of the CBOR byte string whose head is at `start` begins and ends."""
    head = data[start]
    if not 0x40 <= head <= 0x5B:
        raise MalformedPass("a byte string was expected")
    if head < 0x58:  # a length under 24 is in the head itself
        return start + 1, start + 1 + head - 0x40
    first = start + 1 + (1 << (head - 0x58))  # then 1, 2, 4 or 8 bytes of length
    return first, first + int.from_bytes(data[start + 1 : first])


def b45decode(text: str) -> bytes:
    """Base45 (RFC 9285) decoding, refusing what the RFC refuses (a character outside its
    alphabet, a length of 3n+1, a group over 65535 or a last pair over 255).

    A gate decodes every pass, and a loop over the groups in Python took a fifth of its check:
    here the whole text is one integer, three bytes a group, and each group's three digits
    are masked out of it at once, so the work is a dozen operations in C whatever the length.
    """
    values = text.encode("ascii").translate(BASE45_VALUES)
    groups, tail = divmod(len(values), 3)
    if NOT_BASE45 in values or tail == 1:
        raise ValueError("not Base45")
    digits = int.from_bytes(values[: 3 * groups])
    last_byte_of_each_group = int.from_bytes(b"\0\0\xff" * groups)
    values_of_groups = (
        (digits >> 16 & last_byte_of_each_group)
        + 45 * (digits >> 8 & last_byte_of_each_group)
        + 2025 * (digits & last_byte_of_each_group)
    )
    decoded = bytearray(values_of_groups.to_bytes(3 * groups))
    if decoded[0::3].count(0) != groups:  # a group's value over 0xFFFF spills into its top byte
        raise ValueError("not Base45")
    del decoded[0::3]
    if tail:
        last = values[-2] + 45 * values[-1]
        if last > 0xFF:
            raise ValueError("not Base45")
        decoded.append(last)
    return bytes(decoded)


def _sig_structure(protected_item: bytes, payload_item: bytes) -> bytes:
    """COSE's Sig_structure for Sign1 with no external data, the CBOR array
    ["Signature1", protected, b"", payload], from the two byte strings as CBOR items."""
    return SIGN1_STRUCTURE_START + protected_item + EMPTY_BYTE_STRING + payload_item


def _byte_string(data: bytes) -> bytes:
    """A CBOR byte string item: its head (the length in the shortest form) and the data."""
    length = len(data)
    if length < 24:
        return bytes([0x40 + length]) + data
    if length < 0x100:
        return bytes([0x58, length]) + data
    if length < 0x10000:
        return b"\x59" + length.to_bytes(2) + data
    return b"\x5a" + length.to_bytes(4) + data


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("a pass's times must be timezone-aware (UTC)")
    return int(moment.timestamp())


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC)


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = CROCKFORD + "*~$=U"  # Crockford's mod-37 check symbols
# What people mishear or mistype, as Crockford's alphabet reads them.
READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


class BadShortCode(ValueError):
    """A short code with a wrong character, a wrong length or a failing check symbol."""


def short_code(pass_id: bytes) -> str:
    """The pass id in Crockford Base32, in groups of four, and a check symbol: read over a
    phone line as 'K7Q2-9XMA-...', with no letters that sound alike (no I, L, O, U)."""
    number = int.from_bytes(pass_id)
    symbols = "".join(
        CROCKFORD[(number >> shift) & 31] for shift in range(len(pass_id) * 8 - 5, -1, -5)
    )
    groups = [symbols[start : start + 4] for start in range(0, len(symbols), 4)]
    return "-".join(groups) + "-" + CHECK_SYMBOLS[number % 37]


def pass_id_from_short_code(code: str) -> bytes:
    """The pass id a short code names; a misheard symbol fails the check."""
    cleaned = code.upper().translate(READ_AS)
    symbols, check = cleaned[:-1], cleaned[-1:]
    if len(symbols) != PASS_ID_BYTES * 8 // 5 or any(s not in CROCKFORD for s in symbols):
        raise BadShortCode("a short code is 16 symbols and a check symbol")
    number = 0
    for symbol in symbols:
        number = number * 32 + CROCKFORD.index(symbol)
    if CHECK_SYMBOLS[number % 37] != check:
        raise BadShortCode("the check symbol does not match: a symbol was misheard")
    return number.to_bytes(PASS_ID_BYTES)


def parse_pass_id(text: str) -> bytes:
    """A pass id as people give it: its 20 hex digits, or its short code."""
    cleaned = text.strip()
    if len(cleaned) == PASS_ID_BYTES * 2 and all(c in "0123456789abcdefABCDEF" for c in cleaned):
        return bytes.fromhex(cleaned)
    return pass_id_from_short_code(cleaned)
