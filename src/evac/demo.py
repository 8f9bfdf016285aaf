"""`evac demo`: the whole job on a generated scenario, in a database of its own."""

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import make_url

from evac.cli import initialise, print_status
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.operation.service import create_operation
from evac.people.lifecycle import transition
from evac.people.models import DocumentKind, Role, Sex, State
from evac.people.service import PersonNames, add_document, create_group, create_person
from evac.vault.keys import provider_from_settings
from evac.vault.service import cipher_for

# A household invented for the demo; every name and number here is synthetic.
HOUSEHOLD = [
    (PersonNames("Ahmad Zia", "Gul Mohammad", None, "احمد ضیا"), Sex.male, 1986, Role.principal),
    (PersonNames("Parwana", "Abdul Qadir", None, "پروانه"), Sex.female, 1990, Role.spouse),
    (PersonNames("Sohail", "Ahmad Zia", None, "سهیل"), Sex.male, 2012, Role.child),
    (PersonNames("Mursal", "Ahmad Zia", None, "مرسل"), Sex.female, 2015, Role.child),
]
JOURNEY = [
    State.verified,
    State.eligible,
    State.called_forward,
    State.checked_in,
    State.processed,
    State.manifested,
    State.boarded,
    State.departed,
]


def run_demo(*, database_url: str, console: Console) -> None:
    _empty_sqlite_file(database_url)
    settings = Settings(database_url=database_url)
    initialise(settings)
    provider = provider_from_settings(settings)
    factory = make_sessionmaker(make_engine(database_url))
    with session_scope(factory) as session:
        operation = create_operation(
            session,
            provider=provider,
            name="kabul-demo",
            country="AF",
            airport="OAKB",
            time_zone="Asia/Kabul",
            deadline=datetime(2021, 8, 31, 19, 29, tzinfo=UTC),
        )
        cipher = cipher_for(session, provider=provider, operation_id=operation.id)
        members = []
        for number, (names, sex, year, role) in enumerate(HOUSEHOLD, start=1):
            person = create_person(
                session,
                cipher=cipher,
                names=names,
                sex=sex,
                birth_year=year,
                province="Kabul",
                category="siv",
            )
            add_document(
                session,
                cipher=cipher,
                person=person,
                kind=DocumentKind.passport,
                number=f"P0{number:07d}",
                issuing_country="AFG",
            )
            members.append((person, role))
        create_group(session, operation_id=operation.id, members=members, reference="DEMO-1")
        for person, _ in members:
            for step, state in enumerate(JOURNEY):
                transition(
                    session,
                    person=person,
                    to=state,
                    actor="demo",
                    place="OAKB",
                    idempotency_key=f"demo:{person.id}:{step}",
                )
    console.print(
        f"Created operation [bold]kabul-demo[/] with {len(HOUSEHOLD)} persons in "
        f"{make_url(database_url).render_as_string(hide_password=True)}"
    )
    print_status(settings)
    console.print(
        "\nLook next:\n"
        f"  EVAC_DATABASE_URL={database_url} evac status\n"
        f"  EVAC_DATABASE_URL={database_url} evac serve   then open http://127.0.0.1:8000/"
    )


def _empty_sqlite_file(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
