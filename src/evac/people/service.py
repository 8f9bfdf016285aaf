"""Create and read persons, groups, documents and contacts through the operation's cipher."""

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Insert, func, insert, select, text
from sqlalchemy.orm import Session

from evac.db import Base, utcnow
from evac.people.models import (
    Contact,
    ContactKind,
    Document,
    DocumentKind,
    Group,
    GroupMember,
    Person,
    Registration,
    Role,
    Sex,
    State,
)
from evac.people.records import RegistrationRecord, canonical_bytes
from evac.vault.service import OperationCipher

NAME_FIELDS = ("given_name", "father_name", "family_name", "name_native")


@dataclass(frozen=True)
class PersonNames:
    """A person's names in clear text: held in memory only, never logged."""

    given_name: str | None = None
    father_name: str | None = None
    family_name: str | None = None
    name_native: str | None = None

    def __repr__(self) -> str:  # keep names out of tracebacks and logs
        return "PersonNames(<redacted>)"


def person_row(
    cipher: OperationCipher,
    *,
    names: PersonNames,
    sex: Sex = Sex.unknown,
    birth_year: int | None = None,
    birth_month: int | None = None,
    birth_day: int | None = None,
    birth_date_default: bool = False,
    province: str | None = None,
    category: str | None = None,
) -> dict:
    """The column values of a new person in state `registered`, names encrypted."""
    return {
        "operation_id": cipher.operation_id,
        "state": State.registered,
        "category": category,
        "sex": sex,
        "birth_year": birth_year,
        "birth_month": birth_month,
        "birth_day": birth_day,
        "birth_date_default": birth_date_default,
        "province": province,
        **{f: cipher.encrypt(getattr(names, f), field=f"person.{f}") for f in NAME_FIELDS},
    }


def create_person(
    session: Session, *, cipher: OperationCipher, names: PersonNames, **details: Any
) -> Person:
    """A new person in state `registered`, names encrypted; `details` as for `person_row`."""
    person = Person(**person_row(cipher, names=names, **details))
    session.add(person)
    session.flush()
    return person


def _bulk_insert(table: type[Base]) -> Insert:
    # None as NULL: otherwise the ORM leaves None keys out, so rows with different empty
    # fields become different statements, and RETURNING in order re-sorts every piece.
    return insert(table).execution_options(render_nulls=True)


def insert_rows(session: Session, table: type[Base], rows: list[dict]) -> None:
    """Many rows of one table (documents, contacts, members...) in one executemany."""
    if rows:
        session.execute(_bulk_insert(table), rows)


NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


def _insert_with_ids(session: Session, table: type[Base], rows: list[dict]) -> list[int]:
    """Insert rows; their new ids, in the rows' order."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        statement = _bulk_insert(table).returning(table.id, sort_by_parameter_order=True)
        return list(session.scalars(statement, rows))
    # RETURNING through SQLAlchemy's insertmanyvalues took 2.5 times as long as the INSERT
    # itself (20,000 persons: 11.0 s against 4.3 s): draw the ids from the sequence first.
    ids = list(session.scalars(NEXT_IDS, {"table": table.__tablename__, "n": len(rows)}))
    insert_rows(session, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def insert_persons(session: Session, rows: list[dict]) -> list[int]:
    """Many new persons (rows from `person_row`) at once; their ids, in order."""
    return _insert_with_ids(session, Person, rows)


def read_names(person: Person, *, cipher: OperationCipher) -> PersonNames:
    return PersonNames(
        **{f: cipher.decrypt(getattr(person, f), field=f"person.{f}") for f in NAME_FIELDS}
    )


def _one_principal(roles: Iterable[Role]) -> None:
    principals = sum(1 for role in roles if role == Role.principal)
    if principals != 1:
        raise ValueError(f"a group needs exactly one principal, got {principals}")


def create_group(
    session: Session,
    *,
    operation_id: int,
    members: list[tuple[Person, Role]],
    reference: str | None = None,
) -> Group:
    """A group with its members; exactly one of them is the principal."""
    _one_principal(role for _, role in members)
    group = Group(operation_id=operation_id, reference=reference)
    group.members = [GroupMember(person=person, role=role) for person, role in members]
    session.add(group)
    session.flush()
    return group


def insert_groups(
    session: Session, *, operation_id: int, groups: list[tuple[str | None, dict[int, Role]]]
) -> list[int]:
    """Many groups, each (reference, {person id: role}) with one principal; their ids, in order."""
    for _, roles in groups:
        _one_principal(roles.values())
    rows = [{"operation_id": operation_id, "reference": reference} for reference, _ in groups]
    ids = _insert_with_ids(session, Group, rows)
    insert_rows(
        session,
        GroupMember,
        [
            {"group_id": group_id, "person_id": person_id, "role": role}
            for group_id, (_, roles) in zip(ids, groups, strict=True)
            for person_id, role in roles.items()
        ],
    )
    return ids


def document_row(
    cipher: OperationCipher,
    *,
    person_id: int,
    kind: DocumentKind,
    number: str,
    issuing_country: str | None = None,
    expiry: date | None = None,
    registration_id: int | None = None,
) -> dict:
    """The column values of a person's document, its number encrypted and blind-indexed."""
    return {
        "person_id": person_id,
        "kind": kind,
        "number": cipher.encrypt(number, field="document.number"),
        "number_index": cipher.blind_index(number, kind=f"document:{kind.value}"),
        "issuing_country": issuing_country,
        "expiry": expiry,
        "registration_id": registration_id,
    }


def add_document(
    session: Session, *, cipher: OperationCipher, person: Person, **details: Any
) -> Document:
    """A document of `person`; `details` as for `document_row`."""
    document = Document(**document_row(cipher, person_id=person.id, **details))
    session.add(document)
    session.flush()
    return document


def contact_row(
    cipher: OperationCipher,
    *,
    person_id: int,
    kind: ContactKind,
    value: str,
    registration_id: int | None = None,
) -> dict:
    """The column values of a person's contact, its value encrypted and blind-indexed."""
    return {
        "person_id": person_id,
        "kind": kind,
        "value": cipher.encrypt(value, field="contact.value"),
        "value_index": cipher.blind_index(value, kind=f"contact:{kind.value}"),
        "registration_id": registration_id,
    }


def add_contact(
    session: Session, *, cipher: OperationCipher, person: Person, **details: Any
) -> Contact:
    """A contact of `person`; `details` as for `contact_row`."""
    contact = Contact(**contact_row(cipher, person_id=person.id, **details))
    session.add(contact)
    session.flush()
    return contact


def find_by_document(
    session: Session, *, cipher: OperationCipher, kind: DocumentKind, number: str
) -> list[Person]:
    """Persons holding a document with exactly this number (through its blind index)."""
    index = cipher.blind_index(number, kind=f"document:{kind.value}")
    return list(
        session.scalars(
            select(Person)
            .join(Document)
            .where(Document.kind == kind, Document.number_index == index)
            .where(Person.operation_id == cipher.operation_id)
        )
    )


def count_by_state(session: Session, *, operation_id: int | None = None) -> Counter[State]:
    query = select(Person.state, func.count()).group_by(Person.state)
    if operation_id is not None:
        query = query.where(Person.operation_id == operation_id)
    return Counter({State(state): n for state, n in session.execute(query)})


def count_by_category_and_state(
    session: Session, *, operation_id: int | None = None
) -> Counter[tuple[str, State]]:
    query = select(Person.category, Person.state, func.count()).group_by(
        Person.category, Person.state
    )
    if operation_id is not None:
        query = query.where(Person.operation_id == operation_id)
    return Counter(
        {
            (category or "undecided", State(state)): n
            for category, state, n in session.execute(query)
        }
    )


def registration_hash(
    cipher: OperationCipher, *, source: str, raw: dict, within: str | None = None
) -> str:
    """The keyed content hash of a source row: equal rows from one source hash equal, and
    rows that differ in any character (a space, a hyphen, a capital) hash apart. `within`
    names what holds the row in the source (a web-form submission holding family members):
    the same member in two submissions is two rows the source sent, not one."""
    return _content_hash(cipher, source=source, payload=_hashed(canonical_bytes(raw), within))


def _hashed(payload: bytes, within: str | None) -> bytes:
    # canonical JSON escapes control characters, so a NUL byte cannot occur inside it
    return payload if within is None else payload + b"\x00" + within.encode()


def _content_hash(cipher: OperationCipher, *, source: str, payload: bytes) -> str:
    # Not a blind index: those normalise case and punctuation away for look-ups, which would
    # make "Abdul Rahman" and "Abdulrahman" one row and drop the second as a duplicate.
    return cipher.keyed_hash(payload, kind=f"registration:{source}")


class SealedRaw(NamedTuple):
    """A source row's raw content, encrypted, and its keyed content hash."""

    raw_payload: bytes
    content_hash: str


def seal_raw(
    cipher: OperationCipher, *, source: str, raw: dict, within: str | None = None
) -> SealedRaw:
    payload = canonical_bytes(raw)  # encoded once: stored (sealed) and hashed
    return SealedRaw(
        cipher.encrypt_bytes(payload, field="registration.raw_payload"),
        _content_hash(cipher, source=source, payload=_hashed(payload, within)),
    )


def seal_registration(
    cipher: OperationCipher,
    *,
    source: str,
    file: str | None,
    row_number: int | None,
    raw: dict,
    record: RegistrationRecord,
    received_at: datetime | None = None,
    sealed_raw: SealedRaw | None = None,
    within: str | None = None,
) -> dict:
    """The column values of one registration row, encrypted; for bulk inserts and COPY.
    `sealed_raw` is `seal_raw`'s result when another process sealed the raw row already;
    `within` is as for `registration_hash`."""
    sealed_raw = sealed_raw or seal_raw(cipher, source=source, raw=raw, within=within)
    return {
        "operation_id": cipher.operation_id,
        "source": source,
        "file": file,
        "row_number": row_number,
        "received_at": received_at or utcnow(),
        "raw_payload": sealed_raw.raw_payload,
        "record": cipher.encrypt(record.to_json(), field="registration.record"),
        "content_hash": sealed_raw.content_hash,
    }


def add_registration(
    session: Session,
    *,
    cipher: OperationCipher,
    source: str,
    raw: dict,
    record: RegistrationRecord,
    file: str | None = None,
    row_number: int | None = None,
) -> tuple[Registration, bool]:
    """Store one source row unless the same source already sent it; returns (row, created)."""
    values = seal_registration(
        cipher, source=source, file=file, row_number=row_number, raw=raw, record=record
    )
    existing = session.scalar(
        select(Registration).where(
            Registration.operation_id == cipher.operation_id,
            Registration.source == source,
            Registration.content_hash == values["content_hash"],
        )
    )
    if existing is not None:
        return existing, False
    registration = Registration(**values)
    session.add(registration)
    session.flush()
    return registration, True


def read_registration(
    registration: Registration, *, cipher: OperationCipher
) -> tuple[dict, RegistrationRecord]:
    """The raw row and its canonical record, decrypted."""
    raw = json.loads(cipher.decrypt(registration.raw_payload, field="registration.raw_payload"))
    record = RegistrationRecord.from_json(
        cipher.decrypt(registration.record, field="registration.record")
    )
    return raw, record


def iter_registration_records(
    session: Session, *, cipher: OperationCipher, batch_size: int = 5000
) -> Iterator[tuple[int, RegistrationRecord]]:
    """Every registration of the operation as (registration id, record), in id order."""
    query = (
        select(Registration.id, Registration.record)
        .where(Registration.operation_id == cipher.operation_id)
        .order_by(Registration.id)
        .execution_options(yield_per=batch_size)
    )
    for registration_id, sealed in session.execute(query):
        text = cipher.decrypt(sealed, field="registration.record")
        yield registration_id, RegistrationRecord.from_json(text)
