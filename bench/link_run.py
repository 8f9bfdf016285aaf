"""`evac link run` on a loaded scenario: seconds per phase, against a raw INSERT of its persons.

    .venv/bin/python bench/link_run.py [--persons 20000] [--no-sqlite] [--no-postgres]

Per database (a fresh SQLite file, then a throwaway PostgreSQL cluster): the registrations of
`--persons` scenario persons are stored sealed (as `evac scenario generate --into-db`), then
`run_linkage` runs in one transaction (as `evac link run`), timed phase by phase from its
progress steps; then 5% more persons arrive (another seed) and a second, incremental run is
timed. Anchor, on the same database in the same run: one executemany INSERT of as many person
rows as the first run created, names sealed beforehand, rolled back. The ratio is the first
run's write phases (persons, households, review queue) over the anchor.
Synthetic people only.
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy import insert, text

from evac.auth.permissions import cli_actor
from evac.db import make_engine, make_sessionmaker, migrate, session_scope
from evac.linkage.service import RunSummary, run_linkage
from evac.people.models import Person
from evac.people.service import NAME_FIELDS
from evac.scenario.operations import kabul_like_operation
from evac.scenario.service import load_scenario
from evac.throwaway_postgres import create_database, throwaway_postgres
from evac.vault.keys import LocalKeyProvider
from evac.vault.service import OperationCipher, cipher_for

WRITE_PHASES = ("writing persons", "grouping households", "queueing doubtful pairs")
SEED, LATE_SEED = 2021, 2022
console = Console(width=240)  # one line per run, also in a log file


class PhaseClock:
    """Seconds spent in each progress step of a run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._step, self._since = "starting", time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[self._step] = self.seconds.get(self._step, 0.0) + now - self._since
        self._step, self._since = step, now

    def stop(self) -> float:
        self("done")
        return sum(self.seconds.values())


def prepared_database(url: str, persons: int) -> tuple[Callable, OperationCipher, int]:
    """A migrated database at `url` with one operation and `persons` scenario persons loaded:
    (session factory, cipher, registrations stored)."""
    migrate(url)
    factory = make_sessionmaker(make_engine(url))
    provider = LocalKeyProvider(b"\x07" * 32)
    with session_scope(factory) as session:
        operation = kabul_like_operation(session, provider=provider, name="bench")
        operation_id = operation.id
    with factory() as session:
        cipher = cipher_for(session, provider=provider, operation_id=operation_id)
    loaded = load_scenario(session_factory=factory, cipher=cipher, actor=cli_actor(),
                           persons=persons, seed=SEED)  # fmt: skip
    return factory, cipher, loaded.inserted


def timed_run(factory, cipher: OperationCipher) -> tuple[RunSummary, PhaseClock, float]:
    clock = PhaseClock()
    with session_scope(factory) as session:
        summary = run_linkage(session, cipher=cipher, actor=cli_actor(), progress=clock)
        clock("committing")
    return summary, clock, clock.stop()


def anchor_insert(factory, cipher: OperationCipher, count: int) -> float:
    """Seconds for one executemany INSERT of `count` persons with sealed names, rolled back."""
    now = datetime.now(UTC)
    rows = [
        {
            "operation_id": cipher.operation_id,
            "state": "registered",
            "sex": "M",
            "birth_year": 1980 + n % 30,
            "created_at": now,
            "updated_at": now,
            **{f: cipher.encrypt(f"Name {n}", field=f"person.{f}") for f in NAME_FIELDS},
        }
        for n in range(count)
    ]
    with factory() as session:
        session.execute(text("SELECT 1"))  # connect and begin before the clock starts
        started = time.perf_counter()
        session.execute(insert(Person), rows)
        session.flush()
        seconds = time.perf_counter() - started
        session.rollback()
    return seconds


def report(label: str, summary: RunSummary, clock: PhaseClock, total: float) -> None:
    phases = ", ".join(f"{step} {seconds:.1f}" for step, seconds in clock.seconds.items())
    console.print(
        f"{label}: {summary.new_registrations:,} new of {summary.registrations:,} registrations, "
        f"{summary.persons_created:,} persons created, {summary.merges:,} merged, "
        f"{summary.queued:,} queued; [bold]{total:.1f} s[/] ({phases})"
    )


def bench(label: str, url: str, persons: int) -> None:
    factory, cipher, stored = prepared_database(url, persons)
    console.print(f"[bold]{label}[/]: {persons:,} persons, {stored:,} registrations stored")
    summary, clock, total = timed_run(factory, cipher)
    report("  first run", summary, clock, total)
    write = sum(clock.seconds.get(step, 0.0) for step in WRITE_PHASES)
    anchor = anchor_insert(factory, cipher, summary.persons_created)
    load_scenario(session_factory=factory, cipher=cipher, actor=cli_actor(),
                  persons=max(persons // 20, 1), seed=LATE_SEED)  # fmt: skip
    report("  incremental run", *timed_run(factory, cipher))
    console.print(
        f"  anchor: INSERT of {summary.persons_created:,} person rows {anchor:.2f} s; "
        f"write phases {write:.1f} s = [bold]{write / anchor:.1f}×[/] the anchor "
        f"(whole run {total / anchor:.1f}×)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        directory = Path(tempfile.mkdtemp(prefix="evac-bench-link-"))
        bench("SQLite", f"sqlite:///{directory / 'link.db'}", args.persons)
    if not args.no_postgres:
        with throwaway_postgres() as server:
            bench("PostgreSQL", create_database(server, "link"), args.persons)


if __name__ == "__main__":
    main()
