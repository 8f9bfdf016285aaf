"""Rotation: re-wrap under a new master key while every reader keeps working."""

import base64
import secrets
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from evac.auth.permissions import cli_actor
from evac.cli import app
from evac.config import Settings
from evac.operation.service import create_operation
from evac.people.models import DocumentKind, Person
from evac.people.service import (
    PersonNames,
    add_document,
    create_person,
    find_by_document,
    read_names,
)
from evac.vault.keys import (
    KeyRing,
    LocalKeyProvider,
    WrongMasterKey,
    previous_key_file,
    provider_from_settings,
)
from evac.vault.service import cipher_for, keys_by_master, rotate_operation


def a_person(session, cipher) -> int:
    person = create_person(session, cipher=cipher, names=PersonNames("Spozhmai", "Abdul Wali"))
    add_document(session, cipher=cipher, person=person, kind=DocumentKind.tazkira, number="T-9931")
    session.commit()
    return person.id


def test_rotation_keeps_data_readable_throughout(session, operation, cipher, master_key):
    person_id = a_person(session, cipher)
    old, new = LocalKeyProvider(master_key), LocalKeyProvider(secrets.token_bytes(32))
    ring = KeyRing(new, old)
    # A server already holding both keys reads before, during and after the re-wrap.
    assert (
        read_names(
            session.get(Person, person_id),
            cipher=cipher_for(session, provider=ring, operation_id=operation.id),
        ).given_name
        == "Spozhmai"
    )
    rewrapped, version = rotate_operation(
        session, actor=cli_actor(), provider=ring, operation_id=operation.id, new_data_key=True
    )
    session.commit()
    assert (rewrapped, version) == (1, 2)
    assert keys_by_master(session) == {new.key_id: 2}

    after = cipher_for(session, provider=new, operation_id=operation.id)
    assert after.version == 2
    assert read_names(session.get(Person, person_id), cipher=after).given_name == "Spozhmai"
    # New writes use version 2; blind indexes did not change, so look-ups still match.
    assert after.encrypt("x", field="t")[1:3] == b"\x00\x02"
    found = find_by_document(session, cipher=after, kind=DocumentKind.tazkira, number="t 9931")
    assert [p.id for p in found] == [person_id]
    with pytest.raises(WrongMasterKey):
        cipher_for(session, provider=old, operation_id=operation.id)
    # Running it again changes nothing.
    assert rotate_operation(
        session, actor=cli_actor(), provider=ring, operation_id=operation.id, new_data_key=False
    ) == (0, None)


def test_cli_rotation_with_a_key_file(database_url, session, tmp_path, monkeypatch):
    key_file = tmp_path / "evac-master.key"
    monkeypatch.delenv("EVAC_MASTER_KEY", raising=False)
    monkeypatch.setenv("EVAC_MASTER_KEY_FILE", str(key_file))
    runner = CliRunner()
    url = ["--database-url", database_url]
    settings = Settings(database_url=database_url, master_key_file=key_file)
    assert runner.invoke(app, [*url, "init"]).exit_code == 0

    operation = create_operation(
        session,
        provider=provider_from_settings(settings),
        name="rot",
        country="AF",
        airport="OAKB",
        time_zone="Asia/Kabul",
        deadline=datetime(2021, 8, 31, tzinfo=UTC),
    )
    session.commit()
    old_id = provider_from_settings(settings).key_id

    result = runner.invoke(app, [*url, "vault", "rotate", "--new-master-key"])
    assert result.exit_code == 0, result.output
    assert previous_key_file(settings).exists()
    ring = provider_from_settings(settings)
    assert ring.key_id != old_id and [p.key_id for p in ring.previous] == [old_id]
    assert runner.invoke(app, [*url, "vault", "rotate", "--new-master-key"]).exit_code == 1

    result = runner.invoke(app, [*url, "vault", "rotate", "--finish"])
    assert result.exit_code == 0, result.output
    assert not previous_key_file(settings).exists()
    alone = provider_from_settings(settings)
    assert alone.previous == ()
    cipher_for(session, provider=alone, operation_id=operation.id)  # opens with the new key only
    session.rollback()
    status = runner.invoke(app, [*url, "vault", "status"])
    assert alone.key_id in status.output and old_id not in status.output


def test_previous_key_from_the_environment(tmp_path):
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    settings = Settings(
        master_key=base64.urlsafe_b64encode(new).decode(),
        previous_master_key=base64.urlsafe_b64encode(old).decode(),
        master_key_file=tmp_path / "none.key",
    )
    ring = provider_from_settings(settings)
    blob = LocalKeyProvider(old).wrap(b"k" * 32, context=b"c")
    assert ring.unwrap(blob, context=b"c") == b"k" * 32
    assert ring.key_id == LocalKeyProvider(new).key_id
    assert "k" * 4 not in repr(ring) and base64.urlsafe_b64encode(new).decode() not in repr(ring)
    with pytest.raises(WrongMasterKey):
        ring.unwrap(blob, context=b"another context")
