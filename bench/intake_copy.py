"""Import a partner CSV into PostgreSQL, against a raw COPY of the same rows (same run).

    .venv/bin/python bench/intake_copy.py [--rows 1000000] [--write-rows 200000] [--no-sqlite]

Writes a synthetic CSV (invented people, Afghan-style columns and mixed date formats) under
/tmp, starts a throwaway PostgreSQL cluster, then measures:
  anchor   COPY of the file's bytes into a plain table of text columns (PostgreSQL parses)
  evac     `evac import`'s path: read, map, validate, normalise, seal with the vault (in a
           worker process beside the main one, as `evac import` does for a file this size),
           COPY straight into `registration`, batch by batch
  sqlite   the same import into SQLite (batched INSERT ... ON CONFLICT DO NOTHING)
and prints rows per second and the ratio evac / anchor. The target is 50% or more.

The breakdown: microseconds of one process per row for reading, validating (with households)
and sealing, measured on the write-path rows in the same run.

The write path alone is measured too: the same sealed registration rows (already validated
and encrypted) stored by evac's batched COPY + INSERT ... ON CONFLICT, against one raw COPY of
those rows into a plain table with the same columns.

And the ceiling: one raw binary COPY of only what the issue requires each row to keep (source,
file, row number, content hash, the raw content sealed by the vault), into a plain table with
no index, no Python work before it. No import that seals personal data can beat it; its
ratio to the anchor says whether 50% is reachable at all.
"""

import argparse
import csv
import os
import random
import tempfile
import time
from itertools import islice
from pathlib import Path

import psycopg
from rich.console import Console
from sqlalchemy import text

from evac.auth.permissions import cli_actor
from evac.db import make_engine, make_sessionmaker, migrate
from evac.intake.mapping import propose_for_tables
from evac.intake.readers import SourceTable, read_source
from evac.intake.service import (
    BATCH_SIZE,
    REGISTRATION_COLUMNS,
    import_tables,
    insert_registrations,
    validated_records,
)
from evac.intake.workers import workers_for
from evac.people.service import seal_registration
from evac.scenario.operations import kabul_like_operation
from evac.throwaway_postgres import throwaway_postgres
from evac.vault.keys import LocalKeyProvider
from evac.vault.service import cipher_for

HEADERS = [
    "S.No",
    "Full Name (as in passport)",
    "Father Name",
    "Relationship to PA",
    "Gender",
    "DOB",
    "Tazkira #",
    "Phone/WhatsApp",
    "Province",
]
GIVEN = ["Ahmad", "Mohammad", "Abdul", "Gul", "Zarghona", "Freshta", "Laila", "Omid", "Nabi"]
FAMILY = ["Rahimi", "Habibi", "Noori", "Popal", "Ahmadzai", "Sadat", "Karimi", "Amiri"]
PROVINCES = ["Kabul", "Balkh", "Herat", "Kandahar", "Nangarhar", "Bamyan"]
RELATIONS = ["PA", "Wife", "Son", "Daughter", "Mother"]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(1, rows + 1):
            year = rng.randint(1950, 2020)
            dob = rng.choice(
                [
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                    f"{year - 621}/{rng.randint(1, 12):02d}/{rng.randint(1, 29):02d}",
                    str(year),
                ]
            )
            writer.writerow(
                [
                    number,
                    f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    rng.choice(GIVEN),
                    rng.choice(RELATIONS),
                    rng.choice("MF"),
                    dob,
                    f"1400-{rng.randint(0, 9999):04d}-{number % 100000:05d}",
                    f"07{rng.choice('0236789')}{rng.randint(0, 9999999):07d}",
                    rng.choice(PROVINCES),
                ]
            )


def libpq(server: str) -> str:
    return server.replace("postgresql+psycopg://", "postgresql://")


def raw_copy_seconds(server: str, path: Path) -> float:
    with psycopg.connect(f"{libpq(server)}/bench") as connection:
        columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
        connection.execute(f"CREATE TABLE plain ({columns})")
        connection.commit()
        start = time.perf_counter()
        with (
            connection.cursor() as cursor,
            path.open("rb") as handle,
            cursor.copy("COPY plain FROM STDIN (FORMAT CSV, HEADER true)") as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        connection.commit()
        return time.perf_counter() - start


def evac_import_seconds(url: str, path: Path, *, workers: int) -> tuple[float, int]:
    migrate(url)
    factory = make_sessionmaker(make_engine(url))
    provider = LocalKeyProvider(b"k" * 32)
    with factory() as session:
        operation = kabul_like_operation(session, provider=provider, name="bench")
        session.commit()
        cipher = cipher_for(session, provider=provider, operation_id=operation.id)
        start = time.perf_counter()
        tables = read_source(path)
        summary = import_tables(
            session,
            actor=cli_actor(),
            cipher=cipher,
            source="bench",
            file=path.name,
            tables=tables,
            mapping=propose_for_tables(tables),
            workers=workers,
        )
        seconds = time.perf_counter() - start
    return seconds, summary.accepted


def sealed_rows(path: Path, cipher, limit: int) -> tuple[list[dict], dict[str, float]]:
    """The first rows sealed for the write path, and one process's cost per row of each
    stage of the import path on them (µs)."""
    mapping = propose_for_tables(read_source(path))
    start = time.perf_counter()
    rows = list(islice(read_source(path)[0].rows, limit))
    read = time.perf_counter() - start
    table = SourceTable(name=path.name, headers=list(mapping), rows=rows)
    start = time.perf_counter()
    records = list(validated_records(table, mapping))
    validate = time.perf_counter() - start
    start = time.perf_counter()
    sealed = [
        seal_registration(
            cipher,
            source="write",
            file=path.name,
            row_number=row.row_number,
            raw=row.raw,
            record=record,
        )
        for row, record in records
    ]
    seal = time.perf_counter() - start
    stages = {"read": read, "validate": validate, "seal": seal}
    return sealed, {name: seconds / len(rows) * 1e6 for name, seconds in stages.items()}


def write_path_seconds(
    url: str, path: Path, limit: int
) -> tuple[float, float, float, int, dict[str, float]]:
    """(raw COPY of sealed rows, evac's batched store of the same rows, the ceiling's COPY,
    rows, µs per row of each stage)."""
    factory = make_sessionmaker(make_engine(url))
    provider = LocalKeyProvider(b"k" * 32)
    with factory() as session:
        cipher = cipher_for(session, provider=provider, operation_id=1)
        sealed, stages = sealed_rows(path, cipher, limit)
        raw = _bare_copy_seconds(session, sealed, "plain_sealed", COLUMN_TYPES)
        ceiling = _bare_copy_seconds(session, sealed, "minimal_sealed", MINIMAL_COLUMN_TYPES)
        start = time.perf_counter()
        for first in range(0, len(sealed), BATCH_SIZE):
            insert_registrations(session, sealed[first : first + BATCH_SIZE])
            session.commit()
        stored = time.perf_counter() - start
    stages["store"] = stored / len(sealed) * 1e6
    return raw, stored, ceiling, len(sealed), stages


COLUMN_TYPES = dict(
    zip(
        REGISTRATION_COLUMNS,
        ["int4", "varchar", "varchar", "int4", "timestamptz", "bytea", "bytea", "varchar"],
        strict=True,
    )
)
# What every import must keep of a row: where it came from, its hash, its sealed raw content.
MINIMAL_COLUMN_TYPES = {
    column: COLUMN_TYPES[column]
    for column in ("source", "file", "row_number", "content_hash", "raw_payload")
}


def _bare_copy_seconds(session, sealed: list[dict], table: str, types: dict[str, str]) -> float:
    """One binary COPY of the sealed rows' `types` columns into a new table without index."""
    columns = ", ".join(types)
    session.execute(
        text(f"CREATE TABLE {table} AS SELECT {columns} FROM registration WITH NO DATA")
    )
    session.commit()
    connection = session.connection().connection.driver_connection
    start = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types(list(types.values()))
        for values in sealed:
            copy.write_row([values[c] for c in types])
    session.commit()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--write-rows", type=int, default=200_000, help="rows for the write path")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite figure")
    args = parser.parse_args()
    console = Console()
    workdir = Path(tempfile.mkdtemp(prefix="evac-bench-intake-"))
    path = workdir / "partner.csv"
    write_csv(path, args.rows)
    console.print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB in {path}")
    console.print(f"load average at start {os.getloadavg()}, {os.cpu_count()} cores")
    with throwaway_postgres() as server:
        with psycopg.connect(f"{libpq(server)}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        anchor = raw_copy_seconds(server, path)
        console.print(
            f"anchor: raw COPY        {args.rows / anchor:>10,.0f} rows/s ({anchor:.1f} s)"
        )
        with psycopg.connect(f"{libpq(server)}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench_alone")
        workers = workers_for(path.stat().st_size)  # what `evac import` uses for this file
        alone, accepted_alone = evac_import_seconds(f"{server}/bench_alone", path, workers=0)
        seconds, accepted = evac_import_seconds(f"{server}/bench", path, workers=workers)
        raw, stored, ceiling, sealed, stages = write_path_seconds(
            f"{server}/bench", path, args.write_rows
        )
    assert accepted == accepted_alone == args.rows, f"{accepted:,} of {args.rows:,} accepted"
    for label, took in ((f"{workers} worker(s)", seconds), ("one process", alone)):
        console.print(
            f"evac import PostgreSQL, {label}: {args.rows / took:>8,.0f} rows/s ({took:.1f} s)  "
            f"ratio {anchor / took:.1%} of raw COPY (target >= 50%)"
        )
    console.print(
        f"write path, {sealed:,} sealed rows: raw COPY {sealed / raw:,.0f} rows/s, evac store "
        f"{sealed / stored:,.0f} rows/s, ratio {raw / stored:.1%}"
    )
    console.print(
        f"ceiling, {sealed:,} rows: raw COPY of source, file, row, hash and sealed raw content "
        f"only {sealed / ceiling:,.0f} rows/s = {(sealed / ceiling) / (args.rows / anchor):.1%} "
        "of the anchor's rows/s: no import that seals personal data can go faster"
    )
    console.print(
        "one process, µs per row: "
        + ", ".join(f"{name} {value:.1f}" for name, value in stages.items())
        + f"; anchor {1e6 * anchor / args.rows:.1f}"
    )
    if not args.no_sqlite:
        sqlite_seconds, _ = evac_import_seconds(
            f"sqlite:///{workdir / 'bench.db'}", path, workers=workers
        )
        console.print(
            f"evac import SQLite, {workers} worker(s): {args.rows / sqlite_seconds:>8,.0f} rows/s "
            f"({sqlite_seconds:.1f} s)  ratio {anchor / sqlite_seconds:.1%}"
        )
    console.print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
