"""The process's key cache: unwraps once, refuses at once after a shred, follows a rotation."""

import base64
import os

import pytest

from evac.auth.permissions import cli_actor
from evac.config import Settings
from evac.people.models import Person
from evac.people.service import PersonNames, create_person, read_names
from evac.vault.keys import create_master_key_file, previous_key_file
from evac.vault.service import KeyCache, KeysDestroyed, rotate_operation, shred_operation_keys


class CountingProvider:
    """A provider that counts its unwraps, to see whether the cache spared them."""

    def __init__(self, inner) -> None:
        self.inner, self.key_id, self.unwraps = inner, inner.key_id, 0

    def wrap(self, key: bytes, *, context: bytes) -> bytes:
        return self.inner.wrap(key, context=context)

    def unwrap(self, blob: bytes, *, context: bytes) -> bytes:
        self.unwraps += 1
        return self.inner.unwrap(blob, context=context)


def test_keys_are_unwrapped_once_per_process(session, provider, operation):
    counting, cache = CountingProvider(provider), KeyCache()
    first = cache.cipher(session, provider=counting, operation_id=operation.id)
    unwrapped = counting.unwraps
    assert unwrapped == 2  # the data key and the blind-index key
    again = cache.cipher(session, provider=counting, operation_id=operation.id)
    assert again is first and counting.unwraps == unwrapped


def test_a_shred_refuses_at_once(session, provider, operation):
    cache = KeyCache()
    cache.cipher(session, provider=provider, operation_id=operation.id)
    shred_operation_keys(session, operation_id=operation.id)
    session.commit()
    with pytest.raises(KeysDestroyed):
        cache.cipher(session, provider=provider, operation_id=operation.id)


def test_a_new_data_key_version_is_seen_at_once(session, provider, operation):
    cache = KeyCache()
    assert cache.cipher(session, provider=provider, operation_id=operation.id).version == 1
    rotate_operation(
        session, actor=cli_actor(), provider=provider, operation_id=operation.id, new_data_key=True
    )
    session.commit()
    assert cache.cipher(session, provider=provider, operation_id=operation.id).version == 2


def test_a_master_key_rotation_still_reads(
    session, operation, cipher, master_key, tmp_path, database_url
):
    person = create_person(session, cipher=cipher, names=PersonNames("Spozhmai", "Abdul Wali"))
    session.commit()
    # The key file holds the master key the operation's keys are wrapped under.
    settings = Settings(database_url=database_url, master_key_file=tmp_path / "master.key")
    settings.master_key_file.write_text(base64.urlsafe_b64encode(master_key).decode())
    cache = KeyCache()
    before = cache.provider(settings)
    assert cache.provider(settings) is before  # the file is not read again
    cache.cipher(session, provider=before, operation_id=operation.id)
    # `evac vault rotate --new-master-key`: the old file moves aside, a new one is made.
    os.replace(settings.master_key_file, previous_key_file(settings))
    create_master_key_file(settings.master_key_file)
    ring = cache.provider(settings)
    assert ring.key_id != before.key_id
    rotate_operation(
        session, actor=cli_actor(), provider=ring, operation_id=operation.id, new_data_key=False
    )
    session.commit()
    after = cache.cipher(session, provider=ring, operation_id=operation.id)
    assert read_names(session.get(Person, person.id), cipher=after).given_name == "Spozhmai"
    # `--finish`: the old key is gone; keys re-wrapped under the new one still open.
    previous_key_file(settings).unlink()
    alone = cache.provider(settings)
    assert alone.previous == ()
    fresh = KeyCache().cipher(session, provider=alone, operation_id=operation.id)
    assert read_names(session.get(Person, person.id), cipher=fresh).given_name == "Spozhmai"
