"""`evac demo`: the whole job on a generated scenario, in a database of its own.

It builds the Kabul 2021 operation from the shared figures, generates a 20,000-person scenario
(written as the partners' files and loaded, sealed, into the database), and walks one household
through the whole journey.
"""

from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import make_url

from evac.cli import initialise, print_status
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.operation.service import sorties_per_day
from evac.people.lifecycle import transition
from evac.people.models import DocumentKind, Role, Sex, State
from evac.people.service import PersonNames, add_document, create_group, create_person
from evac.scenario.cli import print_sorties, print_summary, progress_bar
from evac.scenario.operations import MissingData, kabul_2021_operation
from evac.scenario.service import find_or_create_operation, load_scenario, write_scenario
from evac.vault.keys import provider_from_settings
from evac.vault.service import cipher_for

# A household invented for the demo; every name and number here is synthetic.
HOUSEHOLD = [
    (PersonNames("Ahmad Zia", "Gul Mohammad", None, "احمد ضیا"), Sex.male, 1986, Role.principal),
    (PersonNames("Parwana", "Abdul Qadir", None, "پروانه"), Sex.female, 1990, Role.spouse),
    (PersonNames("Sohail", "Ahmad Zia", None, "سهیل"), Sex.male, 2012, Role.child),
    (PersonNames("Mursal", "Ahmad Zia", None, "مرسل"), Sex.female, 2015, Role.child),
]
DEMO_PERSONS = 20_000
DEMO_SEED = 2021
OPERATION = "kabul-2021"
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


def run_demo(*, database_url: str, console: Console, persons: int = DEMO_PERSONS) -> None:
    _empty_sqlite_file(database_url)
    settings = Settings(database_url=database_url)
    initialise(settings)
    provider = provider_from_settings(settings)
    factory = make_sessionmaker(make_engine(database_url))
    with session_scope(factory) as session:
        try:
            operation, _ = kabul_2021_operation(session, provider=provider, name=OPERATION)
        except MissingData as error:  # the shared figures are optional for the demo
            console.print(f"[yellow]{error}[/]\nUsing an operation without sorties or hubs.")
            operation = find_or_create_operation(session, provider=provider, name=OPERATION)
        operation_id = operation.id
        sorties = sorties_per_day(session, operation=operation)
        cipher = cipher_for(session, provider=provider, operation_id=operation_id)
        _walk_one_household(session, cipher=cipher, operation_id=operation_id)
    if sorties:
        print_sorties(sorties, title="Kabul, August 2021: sorties by day (from the figures)")
    files = _files_folder(database_url)
    with progress_bar() as bar:
        task = bar.add_task("writing the partners' files", total=persons)
        written = write_scenario(
            out=files, persons=persons, seed=DEMO_SEED, progress=lambda n: bar.advance(task, n)
        )
    with progress_bar() as bar:
        task = bar.add_task("loading registrations (encrypted)", total=persons)
        loaded = load_scenario(
            session_factory=factory,
            cipher=cipher,
            persons=persons,
            seed=DEMO_SEED,
            progress=lambda n: bar.advance(task, n),
        )
    print_summary(loaded, title=f"Synthetic registrations loaded into {OPERATION}")
    where = make_url(database_url).render_as_string(hide_password=True)
    console.print(
        f"{loaded.inserted:,} registrations of {written.persons:,} synthetic persons in {where}; "
        f"the partners' files, the linkage input and the truth are in {files}/. One household "
        f"of {len(HOUSEHOLD)} went through the whole journey:"
    )
    print_status(settings)
    env = f"EVAC_DATABASE_URL={database_url}"
    console.print(
        "\nLook next:\n"
        f"  {env} evac link run          resolve the registrations into persons\n"
        f"  {env} evac import {files}/sources/ngo-rahyab.csv   import a partner's file\n"
        f"  evac link file {files}/linkage-input.csv -o clusters.csv   (truth: {files}/truth.csv)\n"
        f"  {env} evac status\n"
        f"  {env} evac serve   then open http://127.0.0.1:8000/"
    )


def _walk_one_household(session, *, cipher, operation_id: int) -> None:
    """The demo household, from registration to departure."""
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
    create_group(session, operation_id=operation_id, members=members, reference="DEMO-1")
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


def _files_folder(database_url: str) -> Path:
    """Beside a SQLite file, else in the current folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_name(Path(url.database).stem + "-files")
    return Path("evac-demo-files")


def _empty_sqlite_file(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
