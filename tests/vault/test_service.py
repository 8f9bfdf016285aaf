import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from evac.vault.keys import LocalKeyProvider
from evac.vault.models import OperationKey
from evac.vault.service import (
    DecryptionFailed,
    KeysDestroyed,
    cipher_for,
    normalise_for_index,
    shred_operation_keys,
)


def test_round_trip_and_fresh_nonce(cipher):
    one = cipher.encrypt("Abdul Ghafar", field="person.given_name")
    two = cipher.encrypt("Abdul Ghafar", field="person.given_name")
    assert one != two
    assert cipher.decrypt(one, field="person.given_name") == "Abdul Ghafar"


def test_ciphertext_moved_to_another_field_fails(cipher):
    sealed = cipher.encrypt("Abdul Ghafar", field="person.given_name")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(sealed, field="person.father_name")


def test_blind_index_is_stable_normalised_and_keyed(session, cipher, operation):
    assert cipher.blind_index("P0123 4567", kind="passport") == cipher.blind_index(
        "p01234567", kind="passport"
    )
    assert cipher.blind_index("P01234567", kind="passport") != cipher.blind_index(
        "P01234567", kind="tazkira"
    )


def test_wrong_master_key_cannot_unwrap(session, operation):
    with pytest.raises(Exception):  # noqa: B017  (cryptography raises InvalidTag)
        cipher_for(session, provider=LocalKeyProvider(b"\1" * 32), operation_id=operation.id)


def test_shred_makes_the_operation_unreadable(session, provider, operation, cipher):
    sealed = cipher.encrypt("Zabihullah", field="person.given_name")
    assert shred_operation_keys(session, operation_id=operation.id) == 1
    session.commit()
    assert session.scalars(select(OperationKey)).all() == []
    with pytest.raises(KeysDestroyed):
        cipher_for(session, provider=provider, operation_id=operation.id)
    assert b"Zabihullah" not in sealed


@given(st.text())
def test_index_normalisation_keeps_exactly_the_alphanumerics(value):
    text = unicodedata.normalize("NFKC", value)
    assert normalise_for_index(value) == "".join(ch for ch in text if ch.isalnum()).upper()


def test_keyed_hash_covers_exact_bytes_and_is_keyed(session, cipher, operation):
    spaced = cipher.keyed_hash(b"Abdul Rahman", kind="registration:ngo")
    assert spaced == cipher.keyed_hash(b"Abdul Rahman", kind="registration:ngo")
    for other in ("Abdulrahman", "abdul rahman", "Abdul-Rahman", "Abdul Rahman "):
        assert cipher.keyed_hash(other.encode(), kind="registration:ngo") != spaced
    # the blind index, for look-ups, still treats those spellings as one
    assert cipher.blind_index("Abdul-Rahman", kind="name") == cipher.blind_index(
        "abdulrahman", kind="name"
    )
    assert cipher.keyed_hash(b"Abdul Rahman", kind="registration:other") != spaced
    other_key = replace(cipher, index_key=bytes(32))
    assert other_key.keyed_hash(b"Abdul Rahman", kind="registration:ngo") != spaced
