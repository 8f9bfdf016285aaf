"""Generate synthetic populations, write them as partner files, or load them into the database."""

import gc
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from evac.auth.permissions import Actor, Permission
from evac.operation.models import Operation
from evac.operation.service import OperationNotFound, get_operation
from evac.people.models import Registration as RegistrationRow
from evac.people.service import seal_registration
from evac.scenario.files import FileWriterProcess, file_rows
from evac.scenario.operations import kabul_like_operation
from evac.scenario.population import Household, generate_households
from evac.scenario.sources import (
    SOURCES,
    SOURCES_BY_KEY,
    Registration,
    Writer,
    listed_members,
    reached_sources,
)
from evac.vault.audit import record_access
from evac.vault.keys import KeyProvider
from evac.vault.service import OperationCipher

Progress = Callable[[int], None]  # called with the number of persons just finished


@dataclass
class Population:
    """A generated population in memory (for tests and small runs)."""

    households: list[Household] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)

    @property
    def persons(self):
        return [person for household in self.households for person in household.members]


@dataclass
class Summary:
    persons: int = 0
    households: int = 0
    registrations: Counter = field(default_factory=Counter)  # by source
    inserted: int = 0  # database rows added (0 on a re-run)

    @property
    def total_registrations(self) -> int:
        return sum(self.registrations.values())


def iter_scenario(
    *, persons: int, seed: int
) -> Iterator[tuple[Household, list[tuple[str, list[Registration]]]]]:
    """Each household with its registrations, grouped by source, in a deterministic order."""
    rng = random.Random(f"{seed}/sources")
    writers = {source.key: Writer(source, rng) for source in SOURCES}
    for household in generate_households(persons=persons, seed=seed):
        reached = reached_sources(household, rng)
        listed = [(s, listed_members(household, s, rng)) for s in reached]
        _list_everyone(household, listed)
        yield household, [(s.key, writers[s.key].household(household, m)) for s, m in listed]


def _list_everyone(household: Household, listed: list) -> None:
    """A person every source missed is added to the first source that may list them."""
    seen = {person.id for _, members in listed for person in members}
    for person in household.members:
        if person.id in seen:
            continue
        for source, members in listed:
            if person.role in source.roles and (
                source.household_field != "siv_case" or person.siv_case
            ):
                members.append(person)
                break
        else:
            webform = SOURCES_BY_KEY["webform"]
            listed.append((webform, [household.principal, person]))
            seen.add(household.principal.id)


def generate_population(*, persons: int, seed: int) -> Population:
    """A whole population with its registrations, in memory."""
    population = Population()
    for household, by_source in iter_scenario(persons=persons, seed=seed):
        population.households.append(household)
        for _, rows in by_source:
            population.registrations.extend(rows)
    return population


def write_scenario(
    *, out: Path, persons: int, seed: int, progress: Progress | None = None
) -> Summary:
    """Write the partner files, the linkage input and the truth into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    files = FileWriterProcess(out)
    summary = Summary()
    try:
        with _without_cycle_collection():
            for household, by_source in iter_scenario(persons=persons, seed=seed):
                for source, rows in by_source:
                    files.add(file_rows(source, rows))
                    summary.registrations[source] += len(rows)
                _count(summary, household, progress)
    except BaseException:
        files.abort()
        raise
    files.close()
    return summary


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Generation makes millions of short-lived objects and no reference cycles: the cycle
    collector's repeated scans of them cost a quarter of the time, and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_scenario(
    *,
    session_factory: sessionmaker[Session],
    cipher: OperationCipher,
    actor: Actor,
    persons: int,
    seed: int,
    batch_size: int = 2000,
    progress: Progress | None = None,
) -> Summary:
    """Store every registration, sealed, in batches of one transaction each; re-runs add nothing.

    The truth never enters the database: only what the sources wrote does. Each batch writes
    its audit entry (counts and ids) in its own transaction.
    """
    actor.require(Permission.registrations_write)
    store = partial(_insert_batch, session_factory, actor=actor, operation_id=cipher.operation_id)
    summary = Summary()
    batch: list[dict] = []
    for household, by_source in iter_scenario(persons=persons, seed=seed):
        for source, rows in by_source:
            file = SOURCES_BY_KEY[source].file
            batch.extend(
                seal_registration(
                    cipher,
                    source=source,
                    file=file,
                    row_number=row.row_number,
                    raw=row.raw,
                    record=row.record,
                )
                for row in rows
            )
            summary.registrations[source] += len(rows)
        _count(summary, household, progress)
        if len(batch) >= batch_size:
            summary.inserted += store(batch)
            batch = []
    if batch:
        summary.inserted += store(batch)
    return summary


def find_or_create_operation(session: Session, *, provider: KeyProvider, name: str) -> Operation:
    """The operation to load a scenario into; a Kabul-like one is created when missing."""
    try:
        return get_operation(session, name=name)
    except OperationNotFound:
        return kabul_like_operation(session, provider=provider, name=name)


def _count(summary: Summary, household: Household, progress: Progress | None) -> None:
    summary.households += 1
    summary.persons += len(household.members)
    if progress:
        progress(len(household.members))


def _insert_batch(
    session_factory: sessionmaker[Session], rows: list[dict], *, actor: Actor, operation_id: int
) -> int:
    """Insert sealed rows, skipping those already stored (same source and content hash)."""
    with session_factory() as session, session.begin():
        dialect = session.get_bind().dialect.name
        statement = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}.get(dialect, insert)
        query = statement(RegistrationRow).on_conflict_do_nothing(
            index_elements=["operation_id", "source", "content_hash"]
        )
        ids = session.execute(query.returning(RegistrationRow.id), rows).scalars().all()
        if ids:
            record_access(session, actor=actor, action="scenario.load",
                          purpose="synthetic registrations for tests and demonstrations",
                          subject=f"operation:{operation_id}",
                          details={"inserted": len(ids), "first_id": min(ids),
                                   "last_id": max(ids)})  # fmt: skip
        return len(ids)
