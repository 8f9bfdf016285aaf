"""No plaintext personal data anywhere in the database, before or after a crypto-shred.

Looks where an attacker holding the disk would: the raw SQLite file and its WAL; every column
of every PostgreSQL table as text, and PostgreSQL's own data files.
"""

import base64
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from evac.cli import app
from evac.people.models import ContactKind, DocumentKind
from evac.people.service import PersonNames, add_contact, add_document, create_person
from evac.vault.keys import LocalKeyProvider
from evac.vault.models import OperationKey
from evac.vault.service import KeysDestroyed, cipher_for

# Synthetic people only: names, a phone and document numbers no real person holds.
PEOPLE = [
    (
        PersonNames("Zarmina", father_name="Ghulam Sakhi", family_name="Qaderyar"),
        "+93 799 123 457",
        "P48213977",
    ),
    (
        PersonNames("Habibullah", father_name="Noorullah", family_name="Stanekzai"),
        "+93 700 555 910",
        "1400-0101-88123",
    ),
]
PLAINTEXT = [
    "Zarmina",
    "Ghulam Sakhi",
    "Qaderyar",
    "Habibullah",
    "Noorullah",
    "Stanekzai",
    "799123457",
    "799 123 457",
    "700555910",
    "P48213977",
    "1400-0101-88123",
    "88123",
]


def store_people(session, cipher) -> None:
    for names, phone, document in PEOPLE:
        person = create_person(session, cipher=cipher, names=names)
        add_contact(session, cipher=cipher, person=person, kind=ContactKind.phone, value=phone)
        add_document(
            session, cipher=cipher, person=person, kind=DocumentKind.passport, number=document
        )
    session.commit()


def sqlite_bytes(database_url: str) -> bytes:
    path = Path(make_url(database_url).database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def postgres_table_text(session) -> str:
    """Every row of every table as PostgreSQL prints it (bytea as hex)."""
    tables = inspect(session.connection()).get_table_names()
    rows = [session.execute(text(f'SELECT t::text FROM "{name}" t')).scalars() for name in tables]
    return "\n".join(row for table in rows for row in table)


def postgres_file_bytes(session) -> bytes:
    """The heap files of this database's tables, after a checkpoint writes them out."""
    session.execute(text("CHECKPOINT"))
    directory = Path(session.execute(text("SHOW data_directory")).scalar_one())
    paths = session.execute(
        text(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 't')"
        )
    ).scalars()
    files = [directory / p for p in paths if p]
    assert files and all(f.exists() for f in files), "PostgreSQL's data files must be readable"
    return b"".join(f.read_bytes() for f in files)


def assert_no_plaintext(session, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        raw = sqlite_bytes(database_url)
        haystacks = [raw, raw.decode("latin-1").encode()]
    else:
        table_text = postgres_table_text(session)
        assert b"Zarmina".hex() not in table_text  # bytea shown as hex
        haystacks = [table_text.encode(), postgres_file_bytes(session)]
        session.rollback()
    for needle in PLAINTEXT:
        for haystack in haystacks:
            assert needle.encode() not in haystack, f"{needle!r} found in plaintext"


def test_no_plaintext_before_or_after_shred(
    session, database_url, operation, cipher, master_key, monkeypatch, tmp_path
):
    operation_id = operation.id
    store_people(session, cipher)
    wrapped = [k.wrapped_data_key for k in session.scalars(select(OperationKey))]
    assert_no_plaintext(session, database_url)

    monkeypatch.setenv("EVAC_MASTER_KEY", base64.urlsafe_b64encode(master_key).decode())
    monkeypatch.setenv("EVAC_MASTER_KEY_FILE", str(tmp_path / "unused.key"))
    session.close()
    result = CliRunner().invoke(
        app, ["--database-url", database_url, "vault", "shred", "--operation", "test-op", "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert "2 key rows destroyed" not in result.output and "1 key rows destroyed" in result.output

    assert_no_plaintext(session, database_url)
    with pytest.raises(KeysDestroyed):
        cipher_for(session, provider=LocalKeyProvider(master_key), operation_id=operation_id)
    assert session.scalar(select(OperationKey).limit(1)) is None
    if database_url.startswith("sqlite"):
        # Checkpointed WAL, zeroed pages: not even the wrapped key is left in the files.
        raw = sqlite_bytes(database_url)
        assert all(blob not in raw for blob in wrapped)


def test_shred_asks_and_names_unknown_operations(database_url, operation, session):
    session.close()
    runner = CliRunner()
    refused = runner.invoke(
        app,
        ["--database-url", database_url, "vault", "shred", "--operation", "test-op"],
        input="n\n",
    )
    assert refused.exit_code == 1
    unknown = runner.invoke(
        app, ["--database-url", database_url, "vault", "shred", "--operation", "nope", "--yes"]
    )
    assert unknown.exit_code == 1 and "no operation named 'nope'" in unknown.output
    assert "test-op" in unknown.output
