"""Create and read persons, groups, documents and contacts through the operation's cipher."""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Insert, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from evac.db import Base, utcnow
from evac.people.models import (
    Contact,
    ContactKind,
    ContactSource,
    Document,
    DocumentKind,
    DocumentSource,
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


def group_reference(
    cipher: OperationCipher, *, source: str, household_ref: str | None
) -> str | None:
    """What a source's household becomes as a group's reference: a keyed digest of its number.

    An SIV list's household number is its case number, which names an interpreter to whoever
    reads it; the digest still joins the same source's household again on its next file, and
    the operation's shred leaves nothing that leads back to the number."""
    if not household_ref:
        return None
    return cipher.keyed_hash(household_ref.encode(), kind=f"household:{source}")


def create_group(
    session: Session,
    *,
    operation_id: int,
    members: list[tuple[Person, Role]],
    reference: str | None = None,
) -> Group:
    """A group with its members; exactly one of them is the principal. `reference` is
    `group_reference`'s digest, or a label that names no one (a source's number never)."""
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
    nationality: str | None = None,
    expiry: date | None = None,
    issued_on: date | None = None,
    status: str | None = None,
    registration_id: int | None = None,
) -> dict:
    """The column values of a person's document, its number encrypted and blind-indexed, and
    the registration that brings it (None when staff add it by hand)."""
    return {
        "person_id": person_id,
        "kind": kind,
        "number": cipher.encrypt(number, field="document.number"),
        "number_index": cipher.blind_index(number, kind=f"document:{kind.value}"),
        "issuing_country": issuing_country,
        "nationality": nationality,
        "expiry": expiry,
        "issued_on": issued_on,
        "status": status,
        "registration_id": registration_id,
    }


def contact_row(
    cipher: OperationCipher,
    *,
    person_id: int,
    kind: ContactKind,
    value: str,
    registration_id: int | None = None,
) -> dict:
    """The column values of a person's contact, its value encrypted and blind-indexed, and the
    registration that brings it."""
    return {
        "person_id": person_id,
        "kind": kind,
        "value": cipher.encrypt(value, field="contact.value"),
        "value_index": cipher.blind_index(value, kind=f"contact:{kind.value}"),
        "registration_id": registration_id,
    }


@dataclass(frozen=True)
class Holding:
    """What a person holds, one row per (person, kind, blind index) however many registrations
    bring it, and the link table that lists those registrations."""

    table: type[Document] | type[Contact]
    links: type[DocumentSource] | type[ContactSource]
    link_column: str
    index: str
    details: tuple[str, ...] = ()  # what a newer registration may tell of the same item

    def key(self, item: dict | Base) -> tuple:
        """(person, kind, blind index): what makes two rows one item."""
        if isinstance(item, dict):
            return item["person_id"], item["kind"], item[self.index]
        return item.person_id, item.kind, getattr(item, self.index)


DOCUMENT_DETAILS = ("issuing_country", "nationality", "expiry", "issued_on", "status")
DOCUMENTS = Holding(Document, DocumentSource, "document_id", "number_index", DOCUMENT_DETAILS)
CONTACTS = Holding(Contact, ContactSource, "contact_id", "value_index")
PERSONS_PER_QUERY = 5000  # persons in one IN (...) list


def add_documents(session: Session, *, rows: list[dict]) -> list[int]:
    """Documents (rows from `document_row`), each once per person however often it comes: a
    number the person holds already gains the registration and any newer details. Their ids,
    in the rows' order."""
    return _hold(session, DOCUMENTS, rows)


def add_contacts(session: Session, *, rows: list[dict]) -> list[int]:
    """Contacts (rows from `contact_row`), each once per person, as `add_documents`."""
    return _hold(session, CONTACTS, rows)


def _hold(session: Session, holding: Holding, rows: list[dict]) -> list[int]:
    """Each row's item found or inserted, its details updated, its registration listed."""
    items: dict[tuple, dict] = {}
    brought: dict[tuple, set[int]] = defaultdict(set)
    for row in rows:
        item = {name: value for name, value in row.items() if name != "registration_id"}
        key = holding.key(item)
        if key in items:  # rows come oldest first: a newer list's details win
            items[key] |= {d: item[d] for d in holding.details if item.get(d) is not None}
        else:
            items[key] = item
        if row.get("registration_id") is not None:
            brought[key].add(row["registration_id"])
    ids = _held_ids(session, holding, {person_id for person_id, _, _ in items})
    known = {key: ids[key] for key in items if key in ids}
    fresh = [key for key in items if key not in ids]
    new_ids = _insert_with_ids(session, holding.table, [items[key] for key in fresh])
    ids.update(zip(fresh, new_ids, strict=True))
    _update_details(session, holding, [(ids[key], items[key]) for key in known])
    listed = _listed(session, holding, list(known.values()))
    links = [
        {holding.link_column: ids[key], "registration_id": registration_id}
        for key, registrations in brought.items()
        for registration_id in sorted(registrations)
        if (ids[key], registration_id) not in listed
    ]
    insert_rows(session, holding.links, links)
    return [ids[holding.key(row)] for row in rows]


def _held_ids(session: Session, holding: Holding, person_ids: set[int]) -> dict[tuple, int]:
    """{(person, kind, index): id} of what these persons hold already."""
    table, found = holding.table, {}
    persons = sorted(person_ids)
    for start in range(0, len(persons), PERSONS_PER_QUERY):
        query = select(table.id, table.person_id, table.kind, getattr(table, holding.index))
        chunk = persons[start : start + PERSONS_PER_QUERY]
        for item_id, *key in session.execute(query.where(table.person_id.in_(chunk))):
            found[tuple(key)] = item_id
    return found


def _update_details(session: Session, holding: Holding, items: list[tuple[int, dict]]) -> None:
    """Known items take the details a newer registration gives; what it leaves out stays."""
    columns = holding.table.__table__.c
    newer = [
        {"item_id": item_id, **{f"new_{d}": item.get(d) for d in holding.details}}
        for item_id, item in items
        if any(item.get(d) is not None for d in holding.details)
    ]
    if not newer:
        return
    kept_unless_given = {
        d: func.coalesce(bindparam(f"new_{d}", type_=columns[d].type), columns[d])
        for d in holding.details
    }
    statement = update(holding.table.__table__).where(columns.id == bindparam("item_id"))
    session.execute(statement.values(kept_unless_given), newer)


def _listed(session: Session, holding: Holding, item_ids: list[int]) -> set[tuple[int, int]]:
    """(item, registration) pairs already listed for these items."""
    column = getattr(holding.links, holding.link_column)
    found: set[tuple[int, int]] = set()
    for start in range(0, len(item_ids), PERSONS_PER_QUERY):
        chunk = item_ids[start : start + PERSONS_PER_QUERY]
        query = select(column, holding.links.registration_id).where(column.in_(chunk))
        found.update(
            (item_id, registration_id) for item_id, registration_id in session.execute(query)
        )
    return found


def add_document(
    session: Session, *, cipher: OperationCipher, person: Person, **details: Any
) -> Document:
    """A document of `person` (the one it holds already, if the number is known);
    `details` as for `document_row`."""
    (document_id,) = add_documents(
        session, rows=[document_row(cipher, person_id=person.id, **details)]
    )
    return session.get(Document, document_id)


def add_contact(
    session: Session, *, cipher: OperationCipher, person: Person, **details: Any
) -> Contact:
    """A contact of `person` (the one it holds already, if known); `details` as for
    `contact_row`."""
    (contact_id,) = add_contacts(
        session, rows=[contact_row(cipher, person_id=person.id, **details)]
    )
    return session.get(Contact, contact_id)


def fold_holdings(session: Session, *, survivor_id: int, merged_id: int) -> None:
    """A merged person's documents and contacts become the survivor's: one it holds already
    lists the merged one's registrations too (and fills in details it lacked)."""
    for holding in (DOCUMENTS, CONTACTS):
        kept = {holding.key(item): item for item in _held(session, holding, survivor_id)}
        for item in _held(session, holding, merged_id):
            twin = kept.get((survivor_id, item.kind, getattr(item, holding.index)))
            if twin is None:
                item.person_id = survivor_id
                continue
            for detail in holding.details:
                if getattr(twin, detail) is None:
                    setattr(twin, detail, getattr(item, detail))
            listed = {source.registration_id for source in twin.sources}
            twin.sources += [
                holding.links(registration_id=source.registration_id)
                for source in item.sources
                if source.registration_id not in listed
            ]
            session.delete(item)
    session.flush()


def merged_into_them(session: Session, *, person_id: int) -> set[int]:
    """The person and everyone folded into them, however many merges ago: what any of them
    carried (events, an officer's flag) is this person's now."""
    ids, found = set(), {person_id}
    while found:
        ids |= found
        found = set(session.scalars(select(Person.id).where(Person.merged_into_id.in_(found))))
        found -= ids
    return ids


def survivors(session: Session, *, person_ids: Iterable[int]) -> dict[int, int]:
    """Each person id mapped to the person it now lives on in: itself, or the end of its
    chain of merges."""
    step: dict[int, int] = {}
    asked: set[int] = set()
    pending = set(person_ids)
    while pending:
        asked |= pending
        rows = select(Person.id, Person.merged_into_id).where(
            Person.id.in_(pending), Person.merged_into_id.is_not(None)
        )
        found = dict(session.execute(rows).all())
        step |= found
        pending = set(found.values()) - asked
    final = {}
    for person in person_ids:
        current = person
        while current in step:
            current = step[current]
        final[person] = current
    return final


def split_holdings(
    session: Session, *, person_id: int, new_person_id: int, registration_ids: set[int]
) -> None:
    """A person split off with `registration_ids` takes what those registrations brought:
    an item only they brought moves; one that staying registrations brought too is copied,
    each copy listing its own side's registrations. Items added by hand stay."""
    for holding in (DOCUMENTS, CONTACTS):
        for item in _held(session, holding, person_id):
            moving = [s for s in item.sources if s.registration_id in registration_ids]
            if not moving:
                continue
            if len(moving) == len(item.sources):
                item.person_id = new_person_id
                continue
            copied = {c.key: getattr(item, c.key) for c in holding.table.__table__.c
                      if c.key not in ("id", "person_id")}  # fmt: skip
            copy = holding.table(**copied, person_id=new_person_id)
            copy.sources = [holding.links(registration_id=s.registration_id) for s in moving]
            for source in moving:
                item.sources.remove(source)
            session.add(copy)
    session.flush()


def _held(session: Session, holding: Holding, person_id: int) -> list:
    query = select(holding.table).where(holding.table.person_id == person_id)
    return list(session.scalars(query.order_by(holding.table.id)))


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
    cipher: OperationCipher,
    *,
    source: str,
    raw: dict,
    within: str | None = None,
    unhashed: frozenset[str] = frozenset(),
) -> str:
    """The keyed content hash of a source row: equal rows from one source hash equal, and
    rows that differ in any character (a space, a hyphen, a capital) hash apart. `within`
    names what holds the row in the source (a web-form submission holding family members):
    the same member in two submissions is two rows the source sent, not one. `unhashed` are
    columns left out of the hash (not of the stored row): a form tool's positions and review
    states, which change between two exports of the same submissions."""
    payload = _hashed_bytes(raw, canonical_bytes(raw), unhashed)
    return _content_hash(cipher, source=source, payload=_hashed(payload, within))


def _hashed_bytes(raw: dict, payload: bytes, unhashed: frozenset[str]) -> bytes:
    """The canonical bytes the hash covers: the whole row's unless it has unhashed columns,
    so that a row without them hashes exactly as it always has."""
    if not unhashed or unhashed.isdisjoint(raw):
        return payload
    return canonical_bytes({key: value for key, value in raw.items() if key not in unhashed})


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
    cipher: OperationCipher,
    *,
    source: str,
    raw: dict,
    within: str | None = None,
    unhashed: frozenset[str] = frozenset(),
) -> SealedRaw:
    """The whole row sealed (provenance), and its content hash as `registration_hash`'s."""
    payload = canonical_bytes(raw)  # encoded once: stored (sealed) and hashed
    hashed = _hashed_bytes(raw, payload, unhashed)
    return SealedRaw(
        cipher.encrypt_bytes(payload, field="registration.raw_payload"),
        _content_hash(cipher, source=source, payload=_hashed(hashed, within)),
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
