"""`evac demo`: the whole job on a generated scenario, in a database of its own.

It builds the Kabul 2021 operation from the figures that ship with evac, writes a 20,000-person
scenario as the partners' files, imports them through intake, links them into persons, scores
that against the scenario's truth, and walks one household through the whole journey.
"""

import base64
import csv
import secrets
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.engine import make_url

from evac.auth.permissions import cli_actor
from evac.cli import command_as_found, initialise, print_status
from evac.config import Settings, remove_sqlite_file, sqlite_file
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.intake.cli import run_import
from evac.intake.service import ImportSummary
from evac.linkage.cli import step_spinner
from evac.linkage.evaluation import pairwise_quality
from evac.linkage.service import RunSummary, run_linkage
from evac.operation.service import sorties_per_day
from evac.people.lifecycle import HAPPY_PATH, transition
from evac.people.models import DocumentKind, Registration, Role, Sex, State
from evac.people.service import PersonNames, add_document, create_group, create_person
from evac.scenario.cli import print_sorties, progress_bar
from evac.scenario.operations import kabul_2021_operation
from evac.scenario.service import write_scenario
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
ENV_FILE = ".env"  # read by every `evac` command run in this folder (evac.config)
DEMO_ENV_FILE = "evac-demo.env"
ENV_MARK = "# Written by `evac demo`: its database and master key. Synthetic data only."
JOURNEY = HAPPY_PATH[: HAPPY_PATH.index(State.departed) + 1]


@dataclass
class ScenarioTruth:
    """Who each written row really is, from the scenario's truth file."""

    person_of_row: dict[tuple[str, int], str]  # (file name, row number) -> true person
    source_of_file: dict[str, str]  # partner file (relative to the folder) -> source name


@dataclass
class TruthScore:
    registrations: int
    persons_found: int
    precision: float
    recall: float
    f1: float


def read_scenario_truth(path: Path) -> ScenarioTruth:
    person_of_row, source_of_file = {}, {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            person_of_row[(Path(row["file"]).name, int(row["row_number"]))] = row["person_id"]
            source_of_file[row["file"]] = row["source"]
    return ScenarioTruth(person_of_row, source_of_file)


def score_against_truth(session, *, operation_id: int, truth: ScenarioTruth) -> TruthScore:
    """Pairwise quality of the persons linkage made, over the registrations the truth knows."""
    placed = session.execute(
        select(Registration.file, Registration.row_number, Registration.person_id).where(
            Registration.operation_id == operation_id
        )
    )
    found, true = [], []
    for file, row_number, person_id in placed:
        if (file, row_number) in truth.person_of_row:
            found.append(person_id)
            true.append(truth.person_of_row[(file, row_number)])
    precision, recall, f1 = pairwise_quality(found, true)
    return TruthScore(len(found), len(set(found)), precision, recall, f1)


def run_demo(*, database_url: str, console: Console, persons: int = DEMO_PERSONS) -> None:
    _empty_sqlite_file(database_url)
    master_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    settings = Settings(database_url=database_url, master_key=master_key)
    initialise(settings)
    provider = provider_from_settings(settings)
    factory = make_sessionmaker(make_engine(database_url))
    operation_id, sorties = _build_operation(factory, provider=provider)
    print_sorties(sorties, title="Kabul, August 2021: sorties by day (from the figures)")
    files = _files_folder(database_url)
    with progress_bar() as bar:
        task = bar.add_task("writing the partners' files", total=persons)
        written = write_scenario(
            out=files, persons=persons, seed=DEMO_SEED, progress=lambda n: bar.advance(task, n)
        )
    truth = read_scenario_truth(files / "truth.csv")
    imports = _import_partner_files(settings, truth=truth, folder=files)
    _print_imports(console, imports)
    linked = _link(factory, provider=provider, operation_id=operation_id, console=console)
    with session_scope(factory) as session:
        quality = score_against_truth(session, operation_id=operation_id, truth=truth)
    where = make_url(database_url).render_as_string(hide_password=True)
    console.print(
        f"\n[bold]{linked.registrations:,} registrations[/] of {written.persons:,} synthetic "
        f"persons, sent by {len(imports)} partners, became [bold]{quality.persons_found:,} "
        f"persons[/] ({linked.merges:,} merged, {linked.queued:,} doubtful pairs for review). "
        f"Against the scenario's truth ({quality.registrations:,} registrations scored): "
        f"pairwise precision {quality.precision:.3f}, recall {quality.recall:.3f}, "
        f"F1 {quality.f1:.3f}.\nDatabase: {where}; the partners' files, the linkage input and "
        f"the truth are in {files}/. One household of {len(HOUSEHOLD)} went through the whole "
        "journey:"
    )
    print_status(settings)
    settings_file = write_settings(Path(ENV_FILE), database_url=database_url, master_key=master_key)
    _print_next_steps(console, settings_file=settings_file, files=files)


def _build_operation(factory, *, provider) -> tuple[int, dict]:
    """Kabul 2021 from the figures that ship with evac, and the demo household."""
    with session_scope(factory) as session:
        operation, _ = kabul_2021_operation(session, provider=provider, name=OPERATION)
        sorties = sorties_per_day(session, operation=operation)
        cipher = cipher_for(session, provider=provider, operation_id=operation.id)
        _walk_one_household(session, cipher=cipher, operation_id=operation.id)
        return operation.id, sorties


def _import_partner_files(
    settings: Settings, *, truth: ScenarioTruth, folder: Path
) -> list[tuple[str, str, ImportSummary]]:
    """Each partner's file through intake, as staff would import it (mapping proposal accepted)."""
    quiet = Console(quiet=True)
    results = []
    with progress_bar() as bar:
        task = bar.add_task("importing the partners' files", total=len(truth.source_of_file))
        for file, source in sorted(truth.source_of_file.items()):
            summary = run_import(settings, path=folder / file, source=source,
                                 accept_proposal=True, operation_name=OPERATION,
                                 console=quiet)  # fmt: skip
            results.append((file, source, summary))
            bar.advance(task)
    return results


def _print_imports(console: Console, imports: list[tuple[str, str, ImportSummary]]) -> None:
    rows = [
        (file, source, s.rows_read, s.accepted, s.duplicates, s.rejected, s.households)
        for file, source, s in imports
    ]
    table = Table(title="Partners' files imported through intake", show_footer=True)
    table.add_column("file", footer="total")
    table.add_column("source")
    for index, name in enumerate(("rows", "accepted", "duplicates", "rejected", "households")):
        total = sum(row[2 + index] for row in rows)
        table.add_column(name, justify="right", footer=f"{total:,}")
    for file, source, *counts in rows:
        table.add_row(Path(file).name, source, *(f"{n:,}" for n in counts))
    console.print(table)


def _link(factory, *, provider, operation_id: int, console: Console) -> RunSummary:
    with step_spinner() as bar, session_scope(factory) as session:
        task = bar.add_task("linking registrations into persons")
        return run_linkage(
            session,
            cipher=cipher_for(session, provider=provider, operation_id=operation_id),
            actor=cli_actor(),
            progress=lambda step: bar.update(task, description=f"linkage: {step}"),
        )


def write_settings(env_file: Path, *, database_url: str, master_key: str) -> Path:
    """The demo's database and master key as settings that every later `evac` command in this
    folder reads: in `.env`, unless a `.env` not written by the demo is there (a real
    operation's settings are never replaced); then in `evac-demo.env` beside it."""
    if env_file.exists() and not env_file.read_text(encoding="utf-8").startswith(ENV_MARK):
        env_file = env_file.with_name(DEMO_ENV_FILE)
    env_file.unlink(missing_ok=True)  # made anew, owner-only, before the key is written
    env_file.touch(mode=0o600)
    env_file.write_text(
        f"{ENV_MARK}\n# The master key opens only the demo's synthetic data.\n"
        f"EVAC_DATABASE_URL={database_url}\nEVAC_MASTER_KEY={master_key}\n",
        encoding="utf-8",
    )
    return env_file


def _print_next_steps(console: Console, *, settings_file: Path, files: Path) -> None:
    evac = command_as_found()
    if settings_file.name == ENV_FILE:
        console.print(
            f"\nThe demo's database and master key are in {settings_file} (owner-only): the "
            "commands below use them from this folder. Delete it to use evac's defaults again."
        )
    else:
        console.print(
            f"\n[yellow]{ENV_FILE} is not the demo's: left as it is.[/] The demo's settings "
            f"are in {settings_file}; run `set -a; . ./{settings_file}; set +a` before the "
            "commands below, or put them in .env yourself."
        )
    console.print(
        "\nLook next:\n"
        f"  {evac} user add admin --role administrator   a first user, to sign in\n"
        f"  {evac} serve   then open http://127.0.0.1:8000/ and sign in\n"
        f"  {evac} link review   decide the doubtful pairs\n"
        f"  {evac} status\n"
        f"  {evac} link file {files}/linkage-input.csv -o clusters.csv   (truth: {files}/truth.csv)"
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
                actor=cli_actor(),
                place="OAKB",
                idempotency_key=f"demo:{person.id}:{step}",
            )


def _files_folder(database_url: str) -> Path:
    """Beside a SQLite file, else in the current folder."""
    database_file = sqlite_file(database_url)
    if database_file is not None:
        return database_file.with_name(database_file.stem + "-files")
    return Path("evac-demo-files")


def _empty_sqlite_file(database_url: str) -> None:
    database_file = sqlite_file(database_url)
    if database_file is not None:
        remove_sqlite_file(database_file)
