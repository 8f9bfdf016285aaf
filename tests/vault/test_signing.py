"""Pass-signing keys: sealed under the operation's data key, rotated, shredded with it."""

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select

from evac.auth.permissions import Actor, Forbidden, Role, cli_actor
from evac.operation.service import create_operation
from evac.vault.audit import AuditEntry
from evac.vault.service import DecryptionFailed, KeysDestroyed, cipher_for, shred_operation_keys
from evac.vault.signing import (
    SigningKey,
    current_signer,
    key_id_of,
    rotate_signing_key,
    verifying_keys,
)


def test_the_first_key_is_made_on_first_use_and_kept_sealed(session, cipher):
    signer = current_signer(session, cipher=cipher)
    assert current_signer(session, cipher=cipher).key_id == signer.key_id
    row = session.scalar(select(SigningKey))
    private = signer.private_key.private_bytes_raw()
    assert (
        private not in row.sealed_private_key and signer.document_key not in row.sealed_document_key
    )
    public = signer.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert row.public_key == public and key_id_of(public) == signer.key_id
    assert repr(signer) == f"Signer(key_id={signer.key_id!r})"  # no key material in logs


def test_rotation_signs_with_a_new_key_and_keeps_the_old_one_verifying(session, cipher):
    old = current_signer(session, cipher=cipher)
    new_id = rotate_signing_key(session, actor=cli_actor(), cipher=cipher)
    new = current_signer(session, cipher=cipher)
    assert new.key_id == new_id != old.key_id and new.document_key != old.document_key
    keys = verifying_keys(session, cipher=cipher)
    assert [k.key_id for k in keys] == [old.key_id, new.key_id]
    assert keys[0].retired_at is not None and keys[1].retired_at is None
    assert keys[0].document_key == old.document_key
    audited = session.scalar(select(AuditEntry).where(AuditEntry.action.like("%signing%")))
    assert audited.details["new_key_id"] == new_id.hex()


def test_a_withdrawn_key_is_no_longer_handed_to_stations(session, cipher):
    old = current_signer(session, cipher=cipher)
    new_id = rotate_signing_key(session, actor=cli_actor(), cipher=cipher, withdraw=True)
    assert [k.key_id for k in verifying_keys(session, cipher=cipher)] == [new_id]
    assert old.key_id != new_id


def test_only_an_operation_manager_rotates(session, cipher):
    with pytest.raises(Forbidden):
        rotate_signing_key(session, actor=Actor(username="g", role=Role.gate_agent), cipher=cipher)


def test_shredding_the_operation_leaves_its_signing_key_unopenable(
    session, provider, operation, cipher
):
    current_signer(session, cipher=cipher)
    shred_operation_keys(session, operation_id=operation.id)
    session.commit()
    with pytest.raises(KeysDestroyed):
        cipher_for(session, provider=provider, operation_id=operation.id)
    other = create_operation(
        session,
        provider=provider,
        name="other-op",
        country="AF",
        airport="OAKB",
        time_zone="Asia/Kabul",
        deadline=operation.deadline,
    )
    other_cipher = cipher_for(session, provider=provider, operation_id=other.id)
    row = session.scalar(select(SigningKey).where(SigningKey.operation_id == operation.id))
    with pytest.raises(DecryptionFailed):
        other_cipher.decrypt(row.sealed_private_key, field=f"signing:{row.key_id}:private")
