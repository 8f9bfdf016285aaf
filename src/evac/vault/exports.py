"""Exports that carry only what their purpose needs, each one audited.

A checkpoint list goes to people at a gate or a road block, where a list can be lost or
taken: it names who may pass and the pass to check, nothing more. No category
("interpreter", "SIV"), no documents, no phone numbers: a leaked list must not tell anyone
who worked with whom.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.people.models import Person
from evac.people.service import read_names
from evac.safe_csv import SafeWriter
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

CHECKPOINT_FIELDS = ("name", "pass_id")


@dataclass(frozen=True)
class CheckpointRow:
    name: str
    pass_id: str

    def __repr__(self) -> str:  # keep names out of logs and tracebacks
        return f"CheckpointRow(<redacted>, {self.pass_id})"


def checkpoint_list(
    session: Session,
    *,
    actor: Actor,
    cipher: OperationCipher,
    passes: Mapping[int, str],
    checkpoint: str,
) -> list[CheckpointRow]:
    """Name and pass id of each person in `passes` ({person id: pass id}), sorted by name."""
    actor.require(Permission.export_personal)
    persons = session.scalars(
        select(Person).where(Person.id.in_(passes), Person.operation_id == cipher.operation_id)
    ).all()
    if len(persons) != len(passes):
        missing = sorted(set(passes) - {p.id for p in persons})
        raise LookupError(f"persons {missing} are not in operation {cipher.operation_id}")
    rows = sorted(
        (CheckpointRow(_display_name(person, cipher), passes[person.id]) for person in persons),
        key=lambda row: row.name,
    )
    record_access(
        session,
        actor=actor,
        action="export.checkpoint_list",
        purpose=f"checkpoint list for {checkpoint}",
        subject=f"operation:{cipher.operation_id}",
        details={"persons": sorted(passes), "fields": list(CHECKPOINT_FIELDS)},
    )
    return rows


def _display_name(person: Person, cipher: OperationCipher) -> str:
    names = read_names(person, cipher=cipher)
    return " ".join(part for part in (names.given_name, names.family_name) if part)


def checkpoint_csv(rows: list[CheckpointRow]) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(CHECKPOINT_FIELDS)
    writer.writerows((row.name, row.pass_id) for row in rows)
    return buffer.getvalue()
