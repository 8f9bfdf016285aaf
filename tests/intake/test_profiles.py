"""Mapping profiles: sealed with the operation's key, real headers only, old ones migrated."""

import base64
import json
from datetime import UTC, datetime

import pytest
from alembic import command
from rich.console import Console
from sqlalchemy import select, text

from evac.auth.permissions import cli_actor
from evac.db import alembic_config, make_engine, migrate
from evac.intake.cli import run_import
from evac.intake.models import MappingProfile
from evac.intake.service import IntakeFailed, profile_entries, save_mapping
from evac.operation.service import create_operation
from evac.vault.service import DecryptionFailed, KeysDestroyed, cipher_for, shred_operation_keys

QUIET = Console(quiet=True)
HEADERS = {"Full Name (as in passport)": "full_name", "Tazkira #": "tazkira_number"}


def another_operation(session, provider, name: str):
    operation = create_operation(
        session, provider=provider, name=name, country="AF", airport="OAKB",
        time_zone="Asia/Kabul", deadline=datetime(2021, 8, 31, tzinfo=UTC),
    )  # fmt: skip
    return cipher_for(session, provider=provider, operation_id=operation.id)


def stored(session, source: str) -> bytes:
    return session.scalar(
        select(MappingProfile.mapping_sealed).where(MappingProfile.source == source)
    )


def test_a_profile_is_sealed_merged_and_unreadable_once_shredded(session, cipher, provider):
    save_mapping(session, actor=cli_actor(), cipher=cipher, source="ngo", mapping=HEADERS)
    save_mapping(session, actor=cli_actor(), cipher=cipher, source="ngo",
                 mapping={"DOB": "birth_date"}, date_orders={"DOB": "mdy"})  # fmt: skip
    session.commit()
    assert profile_entries(session, cipher=cipher, source="ngo") == {
        **HEADERS,
        "DOB": {"field": "birth_date", "date_order": "mdy"},
    }
    sealed = stored(session, "ngo")
    for header in (*HEADERS, "DOB", "birth_date"):
        assert header.encode() not in sealed
    # Copied under another operation's row, it opens under neither key.
    other = another_operation(session, provider, "elsewhere")
    session.add(MappingProfile(operation_id=other.operation_id, source="ngo",
                               mapping_sealed=sealed, updated_by="intruder"))  # fmt: skip
    with pytest.raises(DecryptionFailed):
        profile_entries(session, cipher=other, source="ngo")

    shred_operation_keys(session, operation_id=cipher.operation_id)
    session.commit()
    with pytest.raises(KeysDestroyed):
        cipher_for(session, provider=provider, operation_id=cipher.operation_id)


def test_a_list_without_a_header_row_leaves_no_profile(settings, session, cipher, tmp_path):
    session.commit()
    headerless = tmp_path / "no-header.csv"
    person = ["Zarlasht", "Abdul Ghafoor", "1991-04-02", "+93 700 555 901", "1400-0102-33871"]
    headerless.write_text(",".join(person) + "\nOmid,Nazar,1988-11-30,0700555902,P51734098\n")
    with pytest.raises(IntakeFailed, match="header row"):
        run_import(settings, path=headerless, source="ngo", accept_proposal=True, console=QUIET)
    assert session.scalar(select(MappingProfile)) is None


def test_migrating_seals_old_profiles_and_deletes_a_shredded_operations(
    database_url, session, cipher, provider, master_key, monkeypatch, tmp_path
):
    shredded = another_operation(session, provider, "shredded").operation_id
    shred_operation_keys(session, operation_id=shredded)
    session.commit()
    session.close()
    command.downgrade(alembic_config(database_url), "intake@intake_0003")
    insert = text(
        "INSERT INTO intake_mapping_profile (operation_id, source, mapping, updated_by, "
        "updated_at) VALUES (:operation_id, :source, :mapping, 'officer', :now)"
    )
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for operation_id in (cipher.operation_id, shredded):
            row = {"operation_id": operation_id, "source": "ngo", "mapping": json.dumps(HEADERS)}
            connection.execute(insert, {**row, "now": datetime.now(UTC)})

    monkeypatch.setenv("EVAC_MASTER_KEY", base64.urlsafe_b64encode(master_key).decode())
    monkeypatch.setenv("EVAC_MASTER_KEY_FILE", str(tmp_path / "unused.key"))
    migrate(database_url)
    operations = session.scalars(select(MappingProfile.operation_id))
    assert list(operations) == [cipher.operation_id]
    assert profile_entries(session, cipher=cipher, source="ngo") == HEADERS
    assert b"Tazkira" not in stored(session, "ngo")
    session.close()

    command.downgrade(alembic_config(database_url), "intake@intake_0003")  # opened again
    with engine.connect() as connection:
        mapping = connection.scalar(text("SELECT mapping FROM intake_mapping_profile"))
    engine.dispose()
    assert (json.loads(mapping) if isinstance(mapping, str) else mapping) == HEADERS
