"""The keys an import's worker is given: enough to seal a raw row, nothing else."""

import pickle

from evac.vault.service import add_data_key_version, cipher_for


def test_sealing_keys_seal_and_hash_as_the_cipher_does(cipher):
    keys = pickle.loads(pickle.dumps(cipher.for_sealing()))  # as a spawned worker gets them
    sealed = keys.encrypt_bytes(b"Gul Ahmad", field="registration.raw_payload")
    assert cipher.decrypt(sealed, field="registration.raw_payload") == "Gul Ahmad"
    assert keys.keyed_hash(b"row", kind="registration:ngo") == cipher.keyed_hash(
        b"row", kind="registration:ngo"
    )


def test_what_a_worker_is_sent_holds_the_current_data_key_and_no_other_key(
    session, provider, operation, master_key
):
    add_data_key_version(session, provider=provider, operation_id=operation.id)
    session.commit()
    cipher = cipher_for(session, provider=provider, operation_id=operation.id)
    sent = pickle.dumps(cipher.for_sealing())
    assert cipher.for_sealing().version == 2
    assert cipher.data_keys[2] in sent
    # not the first version's key (it opens older rows), the blind-index key, the master key
    for secret in (cipher.data_keys[1], cipher.index_key, master_key):
        assert secret not in sent


def test_keys_never_shown(cipher):
    shown = repr(cipher.for_sealing()) + repr(cipher)
    for secret in (cipher.data_keys[1], cipher.index_key):
        assert secret.hex() not in shown and repr(secret) not in shown
    assert "version 1" in repr(cipher.for_sealing())
