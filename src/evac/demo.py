"""`evac demo`: the whole job on a generated scenario, in a database of its own.

It builds the Kabul 2021 operation from the figures that ship with evac, writes a 20,000-person
scenario as the partners' files, imports them through intake, links them into persons, scores
that against the scenario's truth, decides everyone's eligibility, plans the eligible parties'
call-forward windows and sorties, calls the first window forward by e-mail and text message
into local folders, checks one of its passes as a gate would (offline, in a process of its own),
checks the window's parties in at their gates and through the stations, and simulates the
plan against the same plan with ten more sorties.
"""

import base64
import csv
import secrets
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.engine import make_url

from evac.auth.permissions import cli_actor
from evac.cli import command_as_found, initialise, print_status
from evac.config import Settings, remove_sqlite_file, sqlite_file
from evac.db import make_engine, make_sessionmaker, session_scope
from evac.eligibility.flows import demo_step as eligibility_demo_step
from evac.gate.flows import demo_step as gate_demo_step
from evac.intake.cli import run_import
from evac.intake.service import ImportSummary
from evac.linkage.cli import step_spinner
from evac.linkage.evaluation import pairwise_quality
from evac.linkage.service import RunSummary, run_linkage
from evac.notify.flows import DemoCounts
from evac.notify.flows import demo_step as notify_demo_step
from evac.operation.models import Operation
from evac.operation.service import sorties_per_day
from evac.passes.flows import demo_verify_step
from evac.people.models import Registration
from evac.planning.flows import demo_step as planning_demo_step
from evac.scenario.cli import print_sorties, progress_bar
from evac.scenario.operations import kabul_2021_operation
from evac.scenario.service import write_scenario
from evac.simulation.flows import demo_step as simulation_demo_step
from evac.vault.keys import KeyProvider, provider_from_settings
from evac.vault.service import cipher_for

DEMO_PERSONS = 20_000
DEMO_SEED = 2021
OPERATION = "kabul-2021"
ENV_FILE = ".env"  # read by every `evac` command run in this folder (evac.config)
DEMO_ENV_FILE = "evac-demo.env"
ENV_MARK = "# Written by `evac demo`: its database and master key. Synthetic data only."


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
        f"the truth are in {files}/."
    )
    _decide_plan_and_call(factory, provider=provider, operation_id=operation_id, files=files,
                          console=console)  # fmt: skip
    print_status(settings)
    settings_file = write_settings(Path(ENV_FILE), database_url=database_url, master_key=master_key)
    _print_next_steps(console, settings_file=settings_file, files=files)


def _build_operation(factory, *, provider) -> tuple[int, dict]:
    """Kabul 2021 from the figures that ship with evac."""
    with session_scope(factory) as session:
        operation, _ = kabul_2021_operation(session, provider=provider, name=OPERATION)
        return operation.id, sorties_per_day(session, operation=operation)


def _decide_plan_and_call(
    factory, *, provider: KeyProvider, operation_id: int, files: Path, console: Console
) -> None:
    """Eligibility, the plan, the first window called forward, one pass checked at a gate,
    and the plan simulated against ten more sorties; each step prints what it did."""
    actor = cli_actor()
    with step_spinner() as bar, session_scope(factory) as session:
        task = bar.add_task("eligibility: deciding everyone under the default policy")
        cipher = cipher_for(session, provider=provider, operation_id=operation_id)
        decided = eligibility_demo_step(session, cipher=cipher, actor=actor)
        bar.update(task, description="planning: windows, gates and sorties (HiGHS)")
        planned = planning_demo_step(session, operation=session.get(Operation, operation_id))
    console.print(f"\n[bold]Eligibility[/]\n{decided}\n\n[bold]Plan[/]\n{planned}")
    with step_spinner() as bar:
        bar.add_task("call-forward: the first window's messages, each with its pass")
        called = notify_demo_step(factory, provider=provider, operation_id=operation_id,
                                  actor=actor, folder=files)  # fmt: skip
    _print_call_forward(console, called)
    with step_spinner() as bar, session_scope(factory) as session:
        task = bar.add_task("gate: checking one pass offline")
        operation = session.get(Operation, operation_id)
        checked = demo_verify_step(session, actor=actor, provider=provider,
                                   operation=operation, folder=files / "station")  # fmt: skip
        bar.update(task, description="gate: the first window's parties checked in")
        arrived = gate_demo_step(session, actor=actor, provider=provider, operation=operation)
        bar.update(task, description="simulation: the plan, and ten more sorties")
        simulated = simulation_demo_step(session, operation=operation)
    console.print(
        f"\n[bold]A gate checks one pass[/] (`evac pass verify`, no database, no network; "
        f"exit {checked.returncode}):\n{escape(checked.stdout.strip() or checked.stderr.strip())}"
        f"\n\n[bold]Gate and stations[/]\n{escape(str(arrived))}"
        f"\n\n[bold]Simulation[/]\n{simulated}\n"
    )


def _print_call_forward(console: Console, called: DemoCounts) -> None:
    if called.window_start is None:
        console.print("\n[bold]Call-forward[/]: the plan calls nobody forward.")
        return
    languages = ", ".join(f"{language} {n:,}" for language, n in sorted(called.by_language.items()))
    channels = ", ".join(f"{channel} {n:,}" for channel, n in sorted(called.by_channel.items()))
    console.print(
        f"\n[bold]Call-forward[/] of the window starting {called.window_start:%Y-%m-%d %H:%M} "
        f"UTC: {called.parties:,} parties ({called.people:,} people), {called.messages:,} "
        f"messages ({channels}; {languages}): e-mails with their passes in "
        f"{called.folder}/mail/, texts with the pass's short code in {called.folder}/texts/."
    )


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
