from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

import evac.models  # noqa: F401  (every table on Base.metadata)
from evac.db import (
    Base,
    alembic_config,
    current_revisions,
    make_engine,
    migrate,
    unapplied_revisions,
)
from evac.people.models import Contact, Document, DocumentKind
from evac.people.records import RegistrationRecord
from evac.people.service import PersonNames, add_document, add_registration, create_person


def test_migrating_twice_changes_nothing(engine, database_url):
    before = current_revisions(engine)
    migrate(database_url)
    assert current_revisions(engine) == before and unapplied_revisions(engine) == set()


def test_a_database_behind_has_its_missing_migrations_named(engine):
    command.downgrade(alembic_config(engine.url.render_as_string(hide_password=False)), "audit@-1")
    assert unapplied_revisions(engine) == {"audit_0001"}


def test_migrations_match_the_models(engine):
    """A model changed without its migration shows up here, on both databases."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def _old_style_rows(cipher, person_of: dict[int, int]) -> tuple[list[dict], list[dict]]:
    """Documents and contacts as linkage wrote them before people_0001: one row per
    registration, so one passport sent by two lists was two passports."""
    a, b, c = person_of
    passport, tazkira = (
        {"kind": kind, "number": cipher.encrypt(number, field="document.number"),
         "number_index": cipher.blind_index(number, kind=f"document:{kind}")}
        for kind, number in (("passport", "P01234567"), ("tazkira", "74/146/2401"))
    )  # fmt: skip
    phone = {"kind": "phone", "value": cipher.encrypt("+93700111222", field="contact.value"),
             "value_index": cipher.blind_index("+93700111222", kind="contact:phone")}  # fmt: skip
    documents = [
        {**passport, "registration_id": a, "issuing_country": None, "expiry": None},
        {**passport, "registration_id": b, "issuing_country": "AFG", "expiry": date(2031, 5, 1)},
        {**tazkira, "registration_id": a, "issuing_country": None, "expiry": None},
        {**passport, "registration_id": c, "issuing_country": None, "expiry": None},  # a namesake
    ]
    contacts = [{**phone, "registration_id": r} for r in (a, b, c)]
    for row in documents + contacts:
        row["person_id"] = person_of[row["registration_id"]]
    return documents, contacts


def test_migrating_folds_a_persons_duplicate_documents_and_keeps_every_source(
    database_url, session, cipher
):
    nasir, namesake = (create_person(session, cipher=cipher, names=PersonNames(name)).id
                       for name in ("Nasir", "Naser"))  # fmt: skip
    ids = []
    for number in range(3):
        registration, _ = add_registration(
            session, cipher=cipher, source="list", raw={"row": number}, record=RegistrationRecord()
        )
        ids.append(registration.id)
    person_of = dict(zip(ids, (nasir, nasir, namesake), strict=True))
    session.commit()
    session.close()
    command.downgrade(alembic_config(database_url), "people@people_0001-1")
    documents, contacts = _old_style_rows(cipher, person_of)
    engine = make_engine(database_url)
    old = MetaData()
    with engine.begin() as connection:
        for name, rows in (("document", documents), ("contact", contacts)):
            connection.execute(Table(name, old, autoload_with=connection).insert(), rows)
    engine.dispose()

    migrate(database_url)
    a, b, c = ids
    found = {
        (d.person_id, d.kind.value): ({s.registration_id for s in d.sources},
                                      d.issuing_country, d.expiry)
        for d in session.scalars(select(Document))
    }  # fmt: skip
    assert found == {
        (nasir, "passport"): ({a, b}, "AFG", date(2031, 5, 1)),
        (nasir, "tazkira"): ({a}, None, None),
        (namesake, "passport"): ({c}, None, None),
    }
    phones = {c.person_id: {s.registration_id for s in c.sources}
              for c in session.scalars(select(Contact))}  # fmt: skip
    assert phones == {nasir: {a, b}, namesake: {c}}
    assert session.scalar(select(func.count()).select_from(Document)) == 3
    session.close()

    # and back: one per registration
    command.downgrade(alembic_config(database_url), "people@people_0001-1")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        back = connection.execute(text("SELECT person_id, kind, registration_id FROM document"))
        assert sorted(back) == sorted((d["person_id"], d["kind"], d["registration_id"])
                                      for d in documents)  # fmt: skip
    engine.dispose()


def test_identity_cards_are_a_document_kind_on_both_databases(session, cipher):
    person = create_person(session, cipher=cipher, names=PersonNames("Nasir"))
    card = add_document(session, cipher=cipher, person=person, kind=DocumentKind.id_card,
                        number="C01X00T47", issuing_country="PAK")  # fmt: skip
    session.commit()
    assert session.get(Document, card.id).kind == DocumentKind.id_card
    with pytest.raises(IntegrityError):  # the kind is still checked by the database
        session.execute(
            text("UPDATE document SET kind = 'bus_ticket' WHERE id = :id"), {"id": card.id}
        )


def test_an_autocommit_read_does_not_wait_for_a_writer(tmp_path):
    """The health check's way of reading: while an import holds SQLite's write lock, it still
    answers (with BEGIN IMMEDIATE it would wait out the busy timeout, then fail)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'locked.db'}")
    with engine.connect() as writer:
        writer.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        writer.exec_driver_sql("INSERT INTO t VALUES (1)")  # the write lock, held
        with engine.connect() as reader:
            reader.execution_options(isolation_level="AUTOCOMMIT")
            assert reader.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
        writer.commit()
    with engine.connect() as reader:
        assert reader.exec_driver_sql("SELECT x FROM t").scalar() == 1  # the writer's work landed


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_idle_a_while_is_tested_and_replaced_if_the_database_dropped_it(
    engine, monkeypatch
):
    """The server restarted (here: its backend terminated) while the pool kept a connection:
    the next request gets a new one, not an error."""
    with engine.connect() as connection:
        backend = connection.scalar(text("SELECT pg_backend_pid()"))
    other = make_engine(engine.url.render_as_string(hide_password=False), poolclass=NullPool)
    with other.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    monkeypatch.setattr("evac.db.PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT pg_backend_pid()")) != backend


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_in_steady_use_is_not_tested_at_every_checkout(engine, monkeypatch):
    pings = []
    monkeypatch.setattr(engine.dialect, "do_ping", pings.append)
    for _ in range(3):
        with engine.connect() as connection:
            connection.scalar(text("SELECT 1"))
    monkeypatch.setattr("evac.db.PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as connection:
        connection.scalar(text("SELECT 1"))
    assert len(pings) == 1
