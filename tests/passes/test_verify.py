"""A pass checked offline: every flag a gate can raise, from keys made here (no database)."""

import hmac
import secrets
import zlib
from datetime import UTC, datetime, timedelta

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from evac.passes.format import (
    PASS_PREFIX,
    BadShortCode,
    PassClaims,
    _byte_string,
    _sig_structure,
    b45decode,
    document_digest,
    document_mac,
    encode_pass,
    encode_revocations,
    keyed_document_digest,
    open_envelope,
    pass_id_from_short_code,
    short_code,
)
from evac.passes.verify import (
    Flag,
    StationKeys,
    StationKeysError,
    key_file_text,
    load_revocations,
    load_station_keys,
    verify_pass,
)
from evac.vault.signing import key_id_of

START = datetime(2021, 8, 20, 6, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
DURING = START + timedelta(minutes=30)
PASSPORTS = ["P01234567", "P07654321"]  # synthetic numbers


class Issuer:
    """One signing key and its document key, as the vault holds them."""

    def __init__(self) -> None:
        self.signing_key = Ed25519PrivateKey.generate()
        self.public_bytes = self.signing_key.public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw
        )
        self.key_id = key_id_of(self.public_bytes)
        self.document_key = secrets.token_bytes(32)

    def claims(self, **changes) -> PassClaims:
        pass_id = secrets.token_bytes(10)
        fields = dict(
            pass_id=pass_id,
            key_id=self.key_id,
            party_reference="PTY-000042",
            head_count=3,
            gate="North Gate",
            window_start=START,
            window_end=END,
            expires_at=END + timedelta(hours=6),
            issued_at=START - timedelta(hours=12),
            document_digests=tuple(
                document_digest(self.document_key, pass_id, n) for n in PASSPORTS
            ),
        )
        return PassClaims(**(fields | changes))

    def issue(self, **changes) -> tuple[PassClaims, str]:
        claims = self.claims(**changes)
        return claims, encode_pass(claims, signing_key=self.signing_key)


def station_keys(*issuers: Issuer) -> StationKeys:
    text = key_file_text(
        {i.key_id: i.public_bytes for i in issuers},
        {i.key_id: i.document_key for i in issuers},
        operation="Kabul 2021",
    )
    return load_station_keys(text)


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def keys(issuer) -> StationKeys:
    return station_keys(issuer)


def test_a_genuine_pass_is_admitted_with_what_it_says(issuer, keys):
    claims, text = issuer.issue()
    verdict = verify_pass(
        text, keys=keys, at=DURING, gate="north gate", documents=PASSPORTS, people=3
    )
    assert verdict.admitted and verdict.flags == ()
    assert verdict.claims == claims
    assert text.startswith(PASS_PREFIX)
    assert "PTY" not in text  # compressed and encoded: nothing to read by eye


def test_a_changed_character_is_tampered(issuer, keys):
    _, text = issuer.issue()
    position = len(text) // 2
    altered = text[:position] + ("A" if text[position] != "A" else "B") + text[position + 1 :]
    assert verify_pass(altered, keys=keys, at=DURING).flags == (Flag.tampered,)
    assert verify_pass(text[:-6], keys=keys, at=DURING).flags == (Flag.tampered,)


def test_a_rewritten_pass_keeping_the_signature_is_forged(issuer, keys):
    _, text = issuer.issue()
    sign1 = cbor2.loads(zlib.decompress(base45.b45decode(text[len(PASS_PREFIX) :])))
    payload = cbor2.loads(sign1.value[2])
    payload[-2] = 9  # head count: let nine in on a pass for three
    protected, unprotected, _, signature = sign1.value
    sign1 = cbor2.CBORTag(sign1.tag, [protected, unprotected, cbor2.dumps(payload), signature])
    rewritten = PASS_PREFIX + base45.b45encode(zlib.compress(cbor2.dumps(sign1))).decode()
    verdict = verify_pass(rewritten, keys=keys, at=DURING)
    assert verdict.flags == (Flag.forged,) and verdict.claims is None


def test_a_pass_signed_by_another_key_naming_ours_is_forged(issuer, keys):
    forger = Issuer()
    claims = issuer.claims()
    text = encode_pass(claims, signing_key=forger.signing_key)  # claims carry our key id
    assert verify_pass(text, keys=keys, at=DURING).flags == (Flag.forged,)


def test_a_key_the_station_never_received_is_unknown(keys):
    _, text = Issuer().issue()
    assert verify_pass(text, keys=keys, at=DURING).flags == (Flag.unknown_key,)


def test_times_before_during_after_the_window_and_after_expiry(issuer, keys):
    claims, text = issuer.issue()
    assert verify_pass(text, keys=keys, at=START - timedelta(minutes=1)).flags == (
        Flag.outside_window,
    )
    assert verify_pass(text, keys=keys, at=START).admitted
    assert verify_pass(text, keys=keys, at=END).admitted
    assert verify_pass(text, keys=keys, at=END + timedelta(minutes=1)).flags == (
        Flag.outside_window,
    )
    after = claims.expires_at + timedelta(seconds=1)
    assert verify_pass(text, keys=keys, at=after).flags == (Flag.expired,)


def test_wrong_gate_too_many_people_revoked_and_used_are_each_flagged(issuer, keys):
    claims, text = issuer.issue()
    used = frozenset({claims.pass_id})
    verdict = verify_pass(
        text, keys=keys, at=DURING, gate="Abbey Gate", people=4, revoked=used, used=used
    )
    assert verdict.flags == (Flag.wrong_gate, Flag.too_many_people, Flag.revoked, Flag.already_used)
    assert verdict.claims == claims  # genuine: staff see whose pass it is


def test_a_passport_not_on_the_pass_is_flagged(issuer, keys):
    _, text = issuer.issue()
    assert verify_pass(text, keys=keys, at=DURING, documents=["p 0123-4567"]).admitted
    verdict = verify_pass(text, keys=keys, at=DURING, documents=["P01234568"])
    assert verdict.flags == (Flag.wrong_document,)


def test_the_same_passport_digests_differently_on_two_passes(issuer):
    first, second = issuer.claims(), issuer.claims()
    assert set(first.document_digests).isdisjoint(second.document_digests)


def test_a_rotated_key_still_verifies_an_older_pass(issuer):
    _, old_text = issuer.issue()
    successor = Issuer()
    _, new_text = successor.issue()
    keys = station_keys(issuer, successor)
    assert verify_pass(old_text, keys=keys, at=DURING, documents=PASSPORTS).admitted
    assert verify_pass(new_text, keys=keys, at=DURING, documents=PASSPORTS).admitted


def test_a_sealed_key_file_opens_its_document_keys_only_with_the_passphrase(issuer):
    text = key_file_text(
        {issuer.key_id: issuer.public_bytes},
        {issuer.key_id: issuer.document_key},
        operation="Kabul 2021",
        passphrase="correct horse",
    )
    assert issuer.document_key.hex() not in text
    _, pass_text = issuer.issue()
    without = load_station_keys(text)
    assert verify_pass(pass_text, keys=without, at=DURING).admitted
    with pytest.raises(StationKeysError, match="no document key"):
        verify_pass(pass_text, keys=without, at=DURING, documents=PASSPORTS)
    with pytest.raises(StationKeysError, match="wrong passphrase"):
        load_station_keys(text, passphrase="wrong")
    opened = load_station_keys(text, passphrase="correct horse")
    assert verify_pass(pass_text, keys=opened, at=DURING, documents=PASSPORTS).admitted


def test_a_revocation_list_is_read_only_when_signed_by_a_known_key(issuer, keys):
    claims, _ = issuer.issue()
    text = encode_revocations(
        [claims.pass_id], issued_at=DURING, key_id=issuer.key_id, signing_key=issuer.signing_key
    )
    assert load_revocations(text, keys=keys) == (DURING, frozenset({claims.pass_id}))
    stranger = Issuer()
    foreign = encode_revocations(
        [], issued_at=DURING, key_id=stranger.key_id, signing_key=stranger.signing_key
    )
    with pytest.raises(StationKeysError, match="not signed"):
        load_revocations(foreign, keys=keys)


def test_a_short_code_round_trips_and_catches_a_misheard_symbol():
    pass_id = bytes.fromhex("00ff10203040506070ab")
    code = short_code(pass_id)
    assert len(code) == 16 + 3 + 2 and code.count("-") == 4
    assert pass_id_from_short_code(code.lower().replace("-", " ")) == pass_id
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    with pytest.raises(BadShortCode):
        pass_id_from_short_code(wrong)


@pytest.mark.parametrize("length", [*range(0, 10), 64, 200, 257, 1000])
def test_base45_decoding_matches_the_reference_package(length):
    for _ in range(20):
        data = secrets.token_bytes(length)
        assert b45decode(base45.b45encode(data).decode()) == data


RFC_9285_EXAMPLES = [
    ("BB8", b"AB"),
    ("%69 VD92EX0", b"Hello!!"),
    ("UJCLQE7W581", b"base-45"),
    ("QED8WEX0", b"ietf!"),
]
EXTREMES = [("FGW", b"\xff\xff"), ("U5", b"\xff"), ("000", b"\x00\x00"), ("", b"")]


@pytest.mark.parametrize(("encoded", "decoded"), [*RFC_9285_EXAMPLES, *EXTREMES])
def test_base45_decoding_gives_rfc_9285s_examples_and_the_extremes(encoded, decoded):
    assert b45decode(encoded) == decoded


@pytest.mark.parametrize(
    "text",
    ["A", "abc", "GGW", ":::", "BB8GGW", "V5", "BB8::", "BB8A", "ÄÄÄ", "::", "BB\n", "BB8=="],
)
def test_base45_decoding_refuses_what_rfc_9285_refuses(text):
    with pytest.raises(ValueError):
        b45decode(text)
    with pytest.raises(ValueError):
        base45.b45decode(text)  # the reference refuses it too


def _sign1_items(text: str) -> list:
    return cbor2.loads(zlib.decompress(base45.b45decode(text[len(PASS_PREFIX) :]))).value


def _reencoded(items: list) -> str:
    sign1 = cbor2.CBORTag(18, items)
    return PASS_PREFIX + base45.b45encode(zlib.compress(cbor2.dumps(sign1))).decode()


def test_a_pass_signed_by_openssl_verifies_with_libsodium_over_coses_sig_structure(issuer):
    """The bytes a station checks are COSE's own Sig_structure, encoded by a CBOR library,
    and the signature that `cryptography` (OpenSSL) made verifies with libsodium."""
    _, text = issuer.issue()
    protected, _, payload, signature = _sign1_items(text)
    envelope = open_envelope(text, prefix=PASS_PREFIX)
    assert envelope.signed_bytes == cbor2.dumps(["Signature1", protected, b"", payload])
    assert envelope.signature == signature and envelope.payload == payload
    verify_key = VerifyKey(issuer.public_bytes)
    verify_key.verify(envelope.signed_bytes, envelope.signature)
    altered = bytearray(envelope.signed_bytes)
    altered[-1] ^= 1
    with pytest.raises(BadSignatureError):
        verify_key.verify(bytes(altered), envelope.signature)
    with pytest.raises(BadSignatureError):
        verify_key.verify(envelope.signed_bytes, bytes(64))


@pytest.mark.parametrize("length", [0, 23, 24, 255, 256, 65535, 65536])
def test_the_sig_structure_written_by_hand_is_cbors_encoding(length):
    protected, payload = b"\xa1\x01\x27", secrets.token_bytes(length)
    by_hand = _sig_structure(_byte_string(protected), _byte_string(payload))
    assert by_hand == cbor2.dumps(["Signature1", protected, b"", payload])


def test_a_cose_sign1_not_laid_out_as_evac_writes_it_is_tampered(issuer, keys):
    _, text = issuer.issue()
    protected, _, payload, signature = _sign1_items(text)
    with_unprotected_header = _reencoded([protected, {4: b"kid"}, payload, signature])
    assert verify_pass(with_unprotected_header, keys=keys, at=DURING).flags == (Flag.tampered,)
    five_items = _reencoded([protected, {}, payload, signature, b""])
    assert verify_pass(five_items, keys=keys, at=DURING).flags == (Flag.tampered,)
    payload_as_map = _reencoded([protected, {}, cbor2.loads(payload), signature])
    assert verify_pass(payload_as_map, keys=keys, at=DURING).flags == (Flag.tampered,)
    assert verify_pass(
        _reencoded([protected, {}, payload, signature]), keys=keys, at=DURING
    ).admitted


def test_a_signature_cut_short_is_forged(issuer, keys):
    _, text = issuer.issue()
    protected, _, payload, signature = _sign1_items(text)
    cut = _reencoded([protected, {}, payload, signature[:63]])
    assert verify_pass(cut, keys=keys, at=DURING).flags == (Flag.forged,)


def test_a_long_revocation_list_is_read_whole(issuer, keys):
    """Over 65,535 bytes of ids: the payload's length takes four bytes in its CBOR head."""
    pass_ids = [secrets.token_bytes(10) for _ in range(6_500)]
    text = encode_revocations(
        pass_ids, issued_at=DURING, key_id=issuer.key_id, signing_key=issuer.signing_key
    )
    assert load_revocations(text, keys=keys) == (DURING, frozenset(pass_ids))


def test_a_documents_digest_is_hmac_sha256_of_the_pass_id_and_the_normalised_number():
    """What issued passes hold: the station's prepared HMAC gives the same eight bytes."""
    document_key, pass_id = secrets.token_bytes(32), secrets.token_bytes(10)
    expected = hmac.digest(document_key, pass_id + b"P01234567", "sha256")[:8]
    assert document_digest(document_key, pass_id, "p 0123-4567") == expected
    mac = document_mac(document_key)
    assert keyed_document_digest(mac, pass_id, "P01234567") == expected
    assert keyed_document_digest(mac, pass_id, "P01234568") != expected
