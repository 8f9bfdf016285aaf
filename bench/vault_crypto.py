"""What encryption costs: AES-GCM field throughput, and the slowdown of a bulk load.

    .venv/bin/python bench/vault_crypto.py [--fields 200000] [--rows 50000] [--no-postgres]

Measured in one run:
  encrypt / decrypt   name-sized fields through OperationCipher (AES-256-GCM, fresh nonce,
                      field-bound associated data), fields per second and MB/s
  blind index         keyed HMAC-SHA256 look-up hashes of document numbers, per second
  bulk load           persons with four name columns, a document and a phone, inserted in
                      batches of 2,000: encrypted (what evac stores) against the same rows with
                      the plaintext bytes in the same columns and no index keys (the anchor),
                      on SQLite and PostgreSQL; the ratio is encrypted time / anchor time.
Synthetic names only.
"""

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy import insert

from evac.db import make_engine, make_sessionmaker, migrate
from evac.people.models import Contact, Document, Person
from evac.scenario.operations import kabul_like_operation
from evac.throwaway_postgres import create_database, throwaway_postgres
from evac.vault.keys import LocalKeyProvider
from evac.vault.service import cipher_for

GIVEN = ["Ahmad", "Mohammad", "Abdul Wahid", "Gul", "Zarghona", "Freshta", "Laila", "Omid"]
FAMILY = ["Rahimi", "Habibi", "Noori", "Popal", "Ahmadzai", "Sadat", "Karimi", "Amiri"]
NATIVE = ["احمد", "محمد", "عبدالواحد", "ګل", "زرغونه", "فرشته", "لیلا", "امید"]
BATCH = 2000
console = Console()


def people(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [
        {
            "given_name": rng.choice(GIVEN),
            "father_name": rng.choice(GIVEN),
            "family_name": rng.choice(FAMILY),
            "name_native": rng.choice(NATIVE),
            "document": f"P{rng.randrange(10**7, 10**8)}",
            "phone": f"+9370{rng.randrange(10**7, 10**8)}",
        }
        for _ in range(count)
    ]


def bench_cipher(session, url: str):
    """A migrated database at `url` with one operation; its cipher."""
    migrate(url)
    provider = LocalKeyProvider(b"\x07" * 32)
    operation = kabul_like_operation(session, provider=provider, name="bench")
    session.commit()
    return cipher_for(session, provider=provider, operation_id=operation.id)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def field_throughput(cipher, rows) -> None:
    names = [row["father_name"] + " " + row["family_name"] for row in rows]
    size = sum(len(n.encode()) for n in names) / 1e6
    started = time.perf_counter()
    sealed = [cipher.encrypt(n, field="person.given_name") for n in names]
    encrypt = time.perf_counter() - started
    started = time.perf_counter()
    for blob in sealed:
        cipher.decrypt(blob, field="person.given_name")
    decrypt = time.perf_counter() - started
    started = time.perf_counter()
    for row in rows:
        cipher.blind_index(row["document"], kind="document:passport")
    index = time.perf_counter() - started
    console.print(
        f"encrypt     {rate(len(names), encrypt)} fields, {size / encrypt:.1f} MB/s\n"
        f"decrypt     {rate(len(names), decrypt)} fields, {size / decrypt:.1f} MB/s\n"
        f"blind index {rate(len(rows), index)}"
    )


def load(session, cipher, rows, *, encrypted: bool) -> float:
    """Insert persons, documents and contacts in batches; seconds taken."""
    seal = (
        (lambda value, field: cipher.encrypt(value, field=field))
        if encrypted
        else (lambda value, field: value.encode())
    )
    index = (
        (lambda value, kind: cipher.blind_index(value, kind=kind))
        if encrypted
        else (lambda value, kind: "")
    )
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        persons = [
            {
                "operation_id": cipher.operation_id,
                "created_at": now,
                "updated_at": now,
                **{
                    f: seal(row[f], f"person.{f}")
                    for f in ("given_name", "father_name", "family_name", "name_native")
                },
            }
            for row in batch
        ]
        ids = session.scalars(insert(Person).returning(Person.id), persons).all()
        for table, kind, value, field, key in (
            (Document, "passport", "number", "document.number", "document"),
            (Contact, "phone", "value", "contact.value", "phone"),
        ):
            index_kind = f"{field.split('.')[0]}:{kind}"
            session.execute(
                insert(table),
                [
                    {
                        "person_id": pid,
                        "kind": kind,
                        value: seal(row[key], field),
                        f"{value}_index": index(row[key], index_kind),
                        "created_at": now,
                    }
                    for pid, row in zip(ids, batch, strict=True)
                ],
            )
        session.commit()
    return time.perf_counter() - started


def timed_load(url: str, rows, *, encrypted: bool) -> float:
    """Seconds to load `rows` into a fresh database of its own (so neither side inherits the
    other's tables and indexes), after a one-batch warm-up."""
    with make_sessionmaker(make_engine(url))() as session:
        cipher = bench_cipher(session, url)
        load(session, cipher, rows[:BATCH], encrypted=encrypted)
        return load(session, cipher, rows, encrypted=encrypted)


def bulk_load(make_url, rows, label: str) -> None:
    plain = timed_load(make_url("plain"), rows, encrypted=False)
    sealed = timed_load(make_url("sealed"), rows, encrypted=True)
    console.print(
        f"{label:10} anchor (plaintext bytes) {rate(len(rows), plain)} persons  "
        f"encrypted {rate(len(rows), sealed)} persons  "
        f"ratio encrypted/anchor time [bold]{sealed / plain:.2f}[/]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fields", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="evac-bench-vault-"))
    url = f"sqlite:///{directory / 'fields.db'}"
    with make_sessionmaker(make_engine(url))() as session:
        field_throughput(bench_cipher(session, url), people(args.fields))
    rows = people(args.rows, seed=11)
    bulk_load(lambda name: f"sqlite:///{directory / name}.db", rows, "SQLite")
    if not args.no_postgres:
        with throwaway_postgres() as server:
            bulk_load(lambda name: create_database(server, name), rows, "PostgreSQL")


if __name__ == "__main__":
    main()
