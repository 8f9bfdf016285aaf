"""Import source rows as registrations: map, validate, group households, store in batches.

Guarantees: every accepted row is stored with its source, file, row and raw content (sealed by
the vault); a row the same source already sent is skipped (keyed content hash + unique
constraint); each batch commits on its own, so an import killed halfway leaves whole batches
only and running it again completes it without duplicates. Rejected rows are kept (encrypted)
with file, row, column and reason, and written back as a file the partner can fix.
"""

import io
import json
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import psycopg
from sqlalchemy import func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Forbidden, Permission, Role
from evac.db import utcnow
from evac.intake.mapping import (
    DateOrderCheck,
    check_mapping,
    choose_date_orders,
    date_order_evidence,
    merge_profile,
    propose_mapping,
    split_profile,
)
from evac.intake.models import ImportBatch, MappingProfile, RejectedRow
from evac.intake.readers import SourceRow, SourceTable
from evac.intake.validate import (
    FieldError,
    RowRejected,
    clean,
    parse_relationship,
    row_to_record,
)
from evac.intake.workers import Outcome, RowWorker, serial_outcomes
from evac.operation.models import Operation
from evac.operation.service import get_operation
from evac.people.models import Registration
from evac.people.models import Role as MemberRole
from evac.people.records import RegistrationRecord, canonical_bytes, canonical_json
from evac.people.service import SealedRaw, registration_hash, seal_raw, seal_registration
from evac.safe_csv import SafeWriter
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

BATCH_SIZE = 2000
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read over a phone
REGISTRATION_COLUMNS = (
    "operation_id",
    "source",
    "file",
    "row_number",
    "received_at",
    "raw_payload",
    "record",
    "content_hash",
)
ERROR_COLUMN = "evac_error"
ROW_COLUMN = "evac_row"
HOUSEHOLD_COLUMN = "evac_household"  # in a rejects file: the household its row belongs to
# Batches a later import may find still running: only files, which are imported one at a
# time; API submissions and public forms of one source run side by side.
FILE_CHANNELS = ("cli", "upload page")


class IntakeFailed(RuntimeError):
    """An import that cannot start: no operation, unreadable file, bad mapping."""


def current_operation(session: Session, *, name: str | None = None) -> Operation:
    """The named operation, or the only one there is."""
    if name:
        return get_operation(session, name=name)
    operations = list(session.scalars(select(Operation).order_by(Operation.id)))
    if len(operations) == 1:
        return operations[0]
    if not operations:
        raise IntakeFailed("no operation yet: create one (or run `evac demo`) before importing")
    names = ", ".join(o.name for o in operations)
    raise IntakeFailed(f"several operations ({names}): choose one with --operation NAME")


@dataclass(frozen=True)
class Reject:
    table: SourceTable
    row: SourceRow
    errors: list[FieldError]
    household: str | None = None  # the household the row was in, written to the rejects file

    @property
    def reason(self) -> str:
        return "; ".join(f"{e.column}: {e.reason}" for e in self.errors)


@dataclass
class ImportSummary:
    reference: str
    batch_id: int | None = None
    rows_read: int = 0
    accepted: int = 0  # new registrations stored (or that would be, in a dry run)
    duplicates: int = 0  # rows this source had already sent
    rejected_by_reason: Counter[str] = field(default_factory=Counter)
    # rows kept with a value staff should look at ("passport_shape", "phone_unverified")
    flagged: Counter[str] = field(default_factory=Counter)
    households: int = 0
    rejects: list[Reject] = field(default_factory=list)
    dry_run: bool = False
    interrupted: list[str] = field(default_factory=list)  # earlier batches found still running
    date_warnings: list[str] = field(default_factory=list)  # a date column against its order
    seen_hashes: set[str] = field(default_factory=set, repr=False)  # dry runs only

    @property
    def rejected(self) -> int:
        return len(self.rejects)


def new_reference() -> str:
    """A reference a person can read out: EV-XXXX-XXXX."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"EV-{body[:4]}-{body[4:]}"


def check_source_access(actor: Actor, source: str, *, write: bool) -> None:
    """Partners submit and read only their own source; staff need the matching permission
    (to write, registrations:write; to read, personal:read, which covers every source)."""
    if write:
        actor.require(Permission.registrations_write)
    if actor.can(Permission.personal_read):
        return
    if not write:
        actor.require(Permission.registrations_read_own)
    if actor.partner_source != source:
        raise Forbidden(
            f"{actor.username} may only use source {actor.partner_source!r}, not {source!r}"
        )


PROFILE_FIELD = "intake_mapping_profile.mapping"


def saved_mapping(session: Session, *, cipher: OperationCipher, source: str) -> dict | None:
    entries = profile_entries(session, cipher=cipher, source=source)
    return split_profile(entries)[0] if entries is not None else None


def saved_date_orders(session: Session, *, cipher: OperationCipher, source: str) -> dict[str, str]:
    """The day/month order the source's profile keeps for its date columns."""
    entries = profile_entries(session, cipher=cipher, source=source)
    return split_profile(entries)[1] if entries is not None else {}


def profile_entries(session: Session, *, cipher: OperationCipher, source: str) -> dict | None:
    """The source's saved profile, unsealed: {header: field, or {field, date order}}."""
    sealed = session.scalar(
        select(MappingProfile.mapping_sealed).where(
            MappingProfile.operation_id == cipher.operation_id, MappingProfile.source == source
        )
    )
    return open_profile(cipher, sealed) if sealed else None


def seal_profile(cipher: OperationCipher, entries: dict) -> bytes:
    return cipher.encrypt(json.dumps(entries, ensure_ascii=False), field=PROFILE_FIELD)


def open_profile(cipher: OperationCipher, sealed: bytes) -> dict:
    return json.loads(cipher.decrypt(sealed, field=PROFILE_FIELD))


def save_mapping(
    session: Session,
    *,
    actor: Actor,
    cipher: OperationCipher,
    source: str,
    mapping: dict,
    date_orders: dict[str, str | None] | None = None,
) -> None:
    """Remember a confirmed mapping for the source (merged with the columns it already knew),
    with the day/month order of its date columns."""
    check_source_access(actor, source, write=True)
    profile = session.scalar(
        select(MappingProfile).where(
            MappingProfile.operation_id == cipher.operation_id, MappingProfile.source == source
        )
    )
    if profile is None:
        profile = MappingProfile(operation_id=cipher.operation_id, source=source)
        session.add(profile)
    entries = open_profile(cipher, profile.mapping_sealed) if profile.mapping_sealed else {}
    profile.mapping_sealed = seal_profile(
        cipher, merge_profile(entries, mapping, date_orders or {})
    )
    profile.updated_by = actor.username
    session.flush()


def import_tables(
    session: Session,
    *,
    actor: Actor,
    cipher: OperationCipher,
    source: str,
    file: str | None,
    tables: Iterable[SourceTable],
    mapping: dict[str, str | None],
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
    channel: str = "cli",
    workers: int = 0,
    reference: str | None = None,
    submission_key: str | None = None,
    date_orders: dict[str, str | None] | None = None,
) -> ImportSummary:
    """Import every row of the tables; commits batch by batch unless it is a dry run.

    `channel` (cli, api, upload page, self-registration) is what the audit entry says the
    import came through; every import that stores writes one, with its counts. `workers`
    (0 or 1) validates and seals rows in a worker process (`workers.workers_for`).
    `reference` and `submission_key` are a self-registration's (`register_household`).
    `date_orders` ({header: "dmy" or "mdy"}) sets date columns' day/month order; the others
    are inferred from their dates (`table_date_orders`)."""
    check_source_access(actor, source, write=True)
    saved_orders = saved_date_orders(session, cipher=cipher, source=source)
    summary = ImportSummary(reference=new_reference(), dry_run=dry_run)
    batch = None
    if not dry_run:
        id_floor = session.scalar(select(func.max(Registration.id))) or 0
        if channel in FILE_CHANNELS and file is not None:
            summary.interrupted = _mark_interrupted(
                session, operation_id=cipher.operation_id, source=source, file=file
            )
        batch = ImportBatch(
            operation_id=cipher.operation_id,
            source=source,
            file=file,
            reference=reference or summary.reference,
            actor=actor.username,
            submission_key=submission_key,
        )
        session.add(batch)
        session.commit()
        summary.reference, summary.batch_id = batch.reference, batch.id
    households: set[str] = set()
    for table in tables:
        table_mapping = check_mapping(mapping, table.headers)
        orders, date_check = table_date_orders(
            table, table_mapping, given=date_orders, saved=saved_orders
        )
        pending: list[PendingRow] = []
        with row_outcomes(
            table,
            table_mapping,
            cipher=cipher,
            source=source,
            workers=workers,
            date_orders=orders,
        ) as outcomes:
            placed = placed_records(
                table.name,
                table_mapping,
                outcomes,
                cipher=cipher,
                source=source,
                unhashed=table.volatile,
            )
            for row, outcome, sealed_raw, household in placed:
                summary.rows_read += 1
                if isinstance(outcome, RegistrationRecord):
                    pending.append((row, outcome, sealed_raw))
                    summary.flagged.update(outcome.flags)
                    if outcome.household_ref:
                        households.add(outcome.household_ref)
                else:
                    reject = Reject(table, row, outcome.errors, household)
                    _reject(session, cipher, summary, batch, reject, table_mapping)
                if len(pending) >= batch_size:
                    _flush(session, cipher, summary, source=source, file=file, rows=pending)
                    pending = []
                    if on_progress:
                        on_progress(summary.rows_read)
        _flush(session, cipher, summary, source=source, file=file, rows=pending)
        if on_progress:
            on_progress(summary.rows_read)
        summary.date_warnings += date_check.warnings(orders)
    summary.households = len(households)
    if batch is not None:
        _finish(session, batch, summary)
        _audit_import(session, actor=actor, batch=batch, channel=channel, id_floor=id_floor)
        session.commit()
    return summary


PendingRow = tuple[SourceRow, RegistrationRecord, SealedRaw | None]


@contextmanager
def row_outcomes(
    table: SourceTable,
    mapping: dict[str, str | None],
    *,
    cipher: OperationCipher,
    source: str,
    workers: int,
    date_orders: dict[str, str | None] | None = None,
) -> Iterator[Iterator[tuple[SourceRow, Outcome]]]:
    """Each row's validation outcome, from a worker process when `workers` asks for one."""
    if workers <= 0:
        yield serial_outcomes(table.rows, mapping, date_orders=date_orders)
        return
    with RowWorker(
        mapping=mapping,
        keys=cipher.for_sealing(),
        source=source,
        date_orders=date_orders,
        unhashed=table.volatile,
    ) as worker:
        yield worker.outcomes(table.rows)


def table_date_orders(
    table: SourceTable,
    mapping: dict[str, str | None],
    *,
    given: dict[str, str | None] | None = None,
    saved: dict[str, str] | None = None,
) -> tuple[dict[str, str | None], DateOrderCheck]:
    """The day/month order of each date column (given, else from the table's own dates, else
    as saved), and a check that counts, as the rows stream into the import, every date that
    contradicts it (the table's rows now pass through the check)."""
    evidence = date_order_evidence([table], mapping)
    choices = choose_date_orders(evidence, given=given, saved=saved)
    check = DateOrderCheck.over(table, evidence)
    return {header: choice.order for header, choice in choices.items()}, check


class Placed(NamedTuple):
    """A row once validated and placed in its household."""

    row: SourceRow
    outcome: RegistrationRecord | RowRejected
    sealed_raw: SealedRaw | None  # its content hash covers the household (members)
    household: str | None  # for a rejected row: the household it was in


def placed_records(
    table_name: str,
    mapping: dict[str, str | None],
    outcomes: Iterable[tuple[SourceRow, Outcome]],
    *,
    cipher: OperationCipher | None = None,
    source: str = "",
    unhashed: frozenset[str] = frozenset(),
) -> Iterator[Placed]:
    """Households placed in row order (they depend on the rows before), records made, and,
    with a cipher, raw rows sealed with a content hash that covers the member's household.
    `unhashed` (the table's volatile columns) are left out of every hash, the principal's
    that a member's covers too, so a later export of the same submissions hashes the same."""

    def head_hash(row: SourceRow) -> str | None:
        if cipher is None:
            return None
        return registration_hash(cipher, source=source, raw=row.raw, unhashed=unhashed)

    households = HouseholdTracker(table_name, mapping, head_hash=head_hash)
    for row, (result, sealed_raw) in outcomes:
        if isinstance(result, list):
            household = households.skip(row)  # a rejected principal still heads its family
            yield Placed(row, RowRejected(result), None, household)
            continue
        if sealed_raw is None and cipher is not None:
            sealed_raw = seal_raw(cipher, source=source, raw=row.raw, unhashed=unhashed)
        scope = households.place(row, result, sealed_raw.content_hash if sealed_raw else None)
        if scope is not None and sealed_raw is not None:
            member = member_hash(
                cipher, source=source, row_hash=sealed_raw.content_hash, scope=scope
            )
            sealed_raw = sealed_raw._replace(content_hash=member)
        yield Placed(row, RegistrationRecord(**result), sealed_raw, result.get("household_ref"))


def member_hash(cipher: OperationCipher, *, source: str, row_hash: str, scope: str) -> str:
    """A family member's content hash: its row's and its household's principal's together.

    Two families may each list a child row with the same cells ("Daughter, Fatima, F, 2010"):
    two children. The same family sent again, in another file or at other rows, hashes the
    same, since its principal's row does. A kind of its own: never equal to a row's hash."""
    return cipher.keyed_hash(f"{row_hash}:{scope}".encode(), kind=f"registration-member:{source}")


def validated_records(
    table: SourceTable, mapping: dict[str, str | None]
) -> Iterator[tuple[SourceRow, RegistrationRecord | RowRejected]]:
    """Each row's record (with its household) or the reason it was rejected."""
    orders, _ = table_date_orders(table, mapping)
    outcomes = serial_outcomes(table.rows, mapping, date_orders=orders)
    for placed in placed_records(table.name, mapping, outcomes):
        yield placed.row, placed.outcome


def _reject(
    session: Session,
    cipher: OperationCipher,
    summary: ImportSummary,
    batch: ImportBatch | None,
    reject: Reject,
    mapping: dict[str, str | None],
) -> None:
    summary.rejects.append(reject)
    summary.rejected_by_reason[_reason_key(reject.errors, mapping)] += 1
    if batch is not None:
        session.add(_rejected_row(cipher, batch.id, reject, mapping))


class HouseholdTracker:
    """Households from a family/case column, a web form's nesting, an SIV case, a rejects
    file's evac_household column, a relationship column, or a serial-numbered principal
    followed by family rows without a serial number.

    `place` and `skip` also say what a member row's content hash must cover: the content hash
    of its household's principal (`member_hash`), for households that only the rows' order or
    nesting makes. A row that names its household in a cell (family column, SIV case,
    evac_household) needs nothing more: that cell is in its hash already."""

    def __init__(
        self,
        table_name: str,
        mapping: dict[str, str | None],
        *,
        head_hash: Callable[[SourceRow], str | None] = lambda row: None,
    ) -> None:
        self.table_name = table_name
        self.columns = {field: header for header, field in mapping.items() if field}
        self.by_relationship = "relationship" in self.columns
        self.by_serial = "source_record_id" in self.columns and not self.by_relationship
        self.head_hash = head_hash
        self.current: str | None = None  # the positional household
        self.current_head: str | None = None  # its principal's content hash
        self.group: tuple[str, str | None] | None = None  # web-form submission, its principal's

    def _raw(self, row: SourceRow, field: str) -> str | None:
        header = self.columns.get(field)
        return clean(row.raw.get(header)) if header else None

    def _starts_household(self, row: SourceRow, relationship: str | None) -> bool:
        if self.by_relationship:
            return relationship == MemberRole.principal.value
        return self.by_serial and self._raw(row, "source_record_id") is not None

    def _joins_positional(self, relationship: str | None) -> bool:
        return bool(self.by_relationship and relationship) or self.by_serial

    def _start(self, row: SourceRow, head: str | None) -> None:
        self.current = f"{self.table_name}:{row.row_number}"
        self.current_head = head

    def _group_scope(self, row: SourceRow, head: str | None) -> str | None:
        if row.is_principal:
            self.group = (row.group_key, head)
            return None
        if self.group and self.group[0] == row.group_key:
            return self.group[1]
        return row.group_key

    def skip(self, row: SourceRow) -> str | None:
        """Follow a rejected row; returns the household it was in (for the rejects file)."""
        if row.group_key is not None:
            if row.is_principal:
                self.group = (row.group_key, self.head_hash(row))
            return self._raw(row, "household_ref") or f"{self.table_name}#{row.group_key}"
        if own := self._raw(row, "household_ref") or clean(row.raw.get(HOUSEHOLD_COLUMN)):
            return own
        if self._raw(row, "siv_case_number"):
            return None  # the fixed row finds its SIV case household again
        relationship = self._raw(row, "relationship")
        relationship = relationship and parse_relationship(relationship)
        if self._starts_household(row, relationship):
            self._start(row, self.head_hash(row))
        return self.current if self._joins_positional(relationship) else None

    def place(self, row: SourceRow, fields: dict[str, object], row_hash: str | None) -> str | None:
        """Set the row's household_ref and relationship in its validated fields; returns the
        principal's content hash when the row is a member its hash must tie to it."""
        relationship = fields.get("relationship")
        if row.group_key is not None:
            if relationship is None:
                relationship = MemberRole.principal.value if row.is_principal else None
            fields["relationship"] = relationship
            fields["household_ref"] = (
                fields.get("household_ref") or f"{self.table_name}#{row.group_key}"
            )
            return self._group_scope(row, row_hash)
        if fields.get("household_ref"):
            return None
        if fields.get("siv_case_number"):
            fields["household_ref"] = fields["siv_case_number"]
        elif resent := clean(row.raw.get(HOUSEHOLD_COLUMN)):
            fields["household_ref"] = resent  # a fixed row of a rejects file rejoins its own
        elif self._joins_positional(relationship):
            if self._starts_household(row, relationship):
                self._start(row, row_hash)
                fields["relationship"] = MemberRole.principal.value
                fields["household_ref"] = self.current
                return None
            fields["household_ref"] = self.current
            return self.current_head
        return None


def _reason_key(errors: list[FieldError], mapping: dict[str, str | None]) -> str:
    """What the summary groups rejects by: the field of the first bad column."""
    first = errors[0]
    field_name = mapping.get(first.column)
    if field_name is None and "no name" in first.reason:
        return "no name"
    return f"invalid {field_name or first.column}"


def _rejected_row(
    cipher: OperationCipher, batch_id: int, reject: Reject, mapping: dict[str, str | None]
) -> RejectedRow:
    # The validator's reason quotes the cell ("'0799 12' is not a valid phone number"), so it
    # is sealed like the row; only its kind stays readable.
    return RejectedRow(
        batch_id=batch_id,
        row_number=reject.row.row_number,
        locator=reject.row.locator[:120],
        column=" | ".join(e.column for e in reject.errors)[:255],
        reason=_reason_key(reject.errors, mapping),
        reason_sealed=cipher.encrypt(reject.reason, field="intake_rejected_row.reason"),
        raw_payload=cipher.encrypt(
            canonical_json(reject.row.raw), field="intake_rejected_row.raw_payload"
        ),
        household=cipher.encrypt(reject.household, field="intake_rejected_row.household"),
    )


def _mark_interrupted(session: Session, *, operation_id: int, source: str, file: str) -> list[str]:
    """Earlier imports of this source and file still `running`: killed before they finished
    (whole batches of theirs are stored; this import counts them as duplicates). Should one
    in fact still be running, it sets itself `done` when it ends."""
    stale = list(
        session.scalars(
            select(ImportBatch).where(
                ImportBatch.operation_id == operation_id,
                ImportBatch.source == source,
                ImportBatch.file == file,
                ImportBatch.status == "running",
            )
        )
    )
    for batch in stale:
        batch.status = "interrupted"
    return [batch.reference for batch in stale]


def _flush(
    session: Session,
    cipher: OperationCipher,
    summary: ImportSummary,
    *,
    source: str,
    file: str | None,
    rows: list[PendingRow],
) -> None:
    """Store one batch in one transaction; count what was new and what was a duplicate."""
    if not rows:
        if not summary.dry_run:
            session.commit()  # the batch's rejected rows
        return
    received_at = utcnow()
    sealed = [
        seal_registration(
            cipher,
            source=source,
            file=file,
            row_number=row.row_number,
            raw=row.raw,
            record=record,
            received_at=received_at,
            sealed_raw=sealed_raw,
        )
        for row, record, sealed_raw in rows
    ]
    if summary.dry_run:
        new = _count_new(session, cipher, source=source, sealed=sealed, seen=summary.seen_hashes)
    else:
        new = insert_registrations(session, sealed)
        session.commit()
    summary.accepted += new
    summary.duplicates += len(rows) - new


def _count_new(
    session: Session,
    cipher: OperationCipher,
    *,
    source: str,
    sealed: list[dict],
    seen: set[str],
) -> int:
    """How many rows a real import would add: not stored, not seen earlier in this file."""
    hashes = {values["content_hash"] for values in sealed} - seen
    seen |= hashes
    known = set(
        session.scalars(
            select(Registration.content_hash).where(
                Registration.operation_id == cipher.operation_id,
                Registration.source == source,
                Registration.content_hash.in_(hashes),
            )
        )
    )
    return len(hashes - known)


def insert_registrations(session: Session, sealed: list[dict]) -> int:
    """Insert sealed rows, skipping ones already there; returns how many were new."""
    if session.get_bind().dialect.name == "postgresql":
        return _copy_registrations(session, sealed)
    before = session.scalar(text("SELECT total_changes()"))
    statement = sqlite_insert(Registration.__table__).on_conflict_do_nothing(
        index_elements=["operation_id", "source", "content_hash"]
    )
    session.execute(statement, sealed)
    return session.scalar(text("SELECT total_changes()")) - before


REGISTRATION_TYPES = (
    "int4",
    "varchar",
    "varchar",
    "int4",
    "timestamptz",
    "bytea",
    "bytea",
    "varchar",
)


def _copy_registrations(session: Session, sealed: list[dict]) -> int:
    """COPY the batch straight into `registration`. If a row is already stored (a re-import,
    or another import meanwhile), the unique constraint stops the COPY; the batch then goes
    through a staging table and INSERT ... ON CONFLICT DO NOTHING. A first import, the usual
    case, never pays for the look-up. Staged rows are sealed too: no plaintext."""
    rows = _first_of_each(sealed)
    connection = session.connection().connection.driver_connection
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT intake_copy")
        try:
            _copy_rows(cursor, "registration", rows)
        except psycopg.errors.UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT intake_copy")
            return _stage_and_insert(cursor, rows)
        cursor.execute("RELEASE SAVEPOINT intake_copy")
    return len(rows)


def _first_of_each(sealed: list[dict]) -> list[dict]:
    """The batch without rows repeated inside it (a list that names a person twice)."""
    seen: set[tuple[int, str, str]] = set()
    rows = []
    for values in sealed:
        key = (values["operation_id"], values["source"], values["content_hash"])
        if key not in seen:
            seen.add(key)
            rows.append(values)
    return rows


def _copy_rows(cursor: psycopg.Cursor, table: str, sealed: list[dict]) -> None:
    columns = ", ".join(REGISTRATION_COLUMNS)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(REGISTRATION_TYPES)
        for values in sealed:
            copy.write_row([values[c] for c in REGISTRATION_COLUMNS])


def _stage_and_insert(cursor: psycopg.Cursor, sealed: list[dict]) -> int:
    """COPY into a temporary table, then INSERT ... ON CONFLICT DO NOTHING: the unique
    constraint decides, whatever other imports stored meanwhile."""
    columns = ", ".join(REGISTRATION_COLUMNS)
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS intake_stage (operation_id integer, "
        "source varchar(80), file varchar(255), row_number integer, "
        "received_at timestamptz, raw_payload bytea, record bytea, content_hash varchar(64)) "
        "ON COMMIT DELETE ROWS"
    )
    _copy_rows(cursor, "intake_stage", sealed)
    cursor.execute(
        f"INSERT INTO registration ({columns}) SELECT {columns} FROM intake_stage "
        "ON CONFLICT (operation_id, source, content_hash) DO NOTHING"
    )
    inserted = cursor.rowcount
    cursor.execute("TRUNCATE intake_stage")
    return inserted


def _finish(session: Session, batch: ImportBatch, summary: ImportSummary) -> None:
    batch.rows_read = summary.rows_read
    batch.accepted = summary.accepted
    batch.duplicates = summary.duplicates
    batch.rejected = summary.rejected
    batch.households = summary.households
    batch.status = "done"
    batch.finished_at = utcnow()


def _audit_import(
    session: Session, *, actor: Actor, batch: ImportBatch, channel: str, id_floor: int
) -> None:
    """Who imported what, through which channel, and the counts: never a cell of a row.

    The id range spans the registrations of this source stored since the import began
    (another import of the same source at the same time may have ids inside it)."""
    first, last = session.execute(
        select(func.min(Registration.id), func.max(Registration.id)).where(
            Registration.id > id_floor,
            Registration.operation_id == batch.operation_id,
            Registration.source == batch.source,
        )
    ).one()
    record_access(
        session,
        actor=actor,
        action="intake.import",
        purpose=f"registration intake ({channel})",
        subject=f"intake_batch:{batch.reference}",
        details={
            "channel": channel,
            "operation_id": batch.operation_id,
            "source": batch.source,
            "file": batch.file,
            "rows_read": batch.rows_read,
            "accepted": batch.accepted,
            "duplicates": batch.duplicates,
            "rejected": batch.rejected,
            "households": batch.households,
            "registration_ids": [first, last] if first is not None else None,
        },
    )


RejectEntry = tuple[str, dict, str | None, str]  # where, raw row, household, why


def rejects_text(entries: list[RejectEntry]) -> str:
    """Rejected rows as the CSV a partner fixes and sends back: the row's own columns plus
    evac_row and evac_error (not read on import) and, when a row was in a household,
    evac_household, which the import reads back as the household of a row that names none
    in its own cells: fixed family rows rejoin their principal. With a BOM, so Excel shows
    Dari names."""
    headers = list(dict.fromkeys(h for _, raw, _, _ in entries for h in raw))
    households = any(household for _, _, household, _ in entries)
    extra = [HOUSEHOLD_COLUMN] if households and HOUSEHOLD_COLUMN not in headers else []
    output = io.StringIO()
    writer = SafeWriter(output)
    writer.writerow([ROW_COLUMN, *headers, *extra, ERROR_COLUMN])
    for locator, raw, household, reason in entries:
        cells = [raw.get(h, "") for h in headers]
        writer.writerow([locator, *cells, *([household or ""] if extra else []), reason])
    return "\ufeff" + output.getvalue()


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    text = rejects_text([(r.row.locator, r.row.raw, r.household, r.reason) for r in rejects])
    path.write_text(text, encoding="utf-8", newline="")


def list_batches(
    session: Session, *, actor: Actor, operation_id: int, source: str | None = None
) -> list[ImportBatch]:
    """Import batches, newest first; a partner sees only its own source's."""
    if not actor.can(Permission.personal_read):
        source = actor.partner_source
        check_source_access(actor, source or "", write=False)
    query = select(ImportBatch).where(ImportBatch.operation_id == operation_id)
    if source is not None:
        query = query.where(ImportBatch.source == source)
    return list(session.scalars(query.order_by(ImportBatch.id.desc())))


def get_batch(session: Session, *, actor: Actor, reference: str) -> ImportBatch | None:
    batch = session.scalar(select(ImportBatch).where(ImportBatch.reference == reference))
    if batch is not None:
        check_source_access(actor, batch.source, write=False)
    return batch


def batch_rejections(
    session: Session, *, actor: Actor, cipher: OperationCipher, batch: ImportBatch
) -> list[tuple[str, str, str]]:
    """(where, column, reason) of each rejected row of a batch. A reason may quote the cell it
    refused, so reading them is audited."""
    check_source_access(actor, batch.source, write=False)
    rejected = list(
        session.scalars(
            select(RejectedRow).where(RejectedRow.batch_id == batch.id).order_by(RejectedRow.id)
        )
    )
    if rejected:
        record_access(
            session,
            actor=actor,
            action="intake.rejections.read",
            purpose="partner learns why rows were refused",
            subject=f"intake_batch:{batch.reference}",
            details={"rows": len(rejected)},
        )
    return [(r.locator, r.column, _full_reason(cipher, r)) for r in rejected]


def _full_reason(cipher: OperationCipher, rejected: RejectedRow) -> str:
    if rejected.reason_sealed is None:  # stored before reasons were sealed
        return rejected.reason
    return cipher.decrypt(rejected.reason_sealed, field="intake_rejected_row.reason")


def count_registrations(session: Session, *, operation_id: int, source: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.operation_id == operation_id, Registration.source == source)
    )


def rows_from_json(rows: list[dict]) -> SourceTable:
    """Rows submitted through the API (keys are column names) as a table."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    source_rows = [
        SourceRow(
            number,
            f"row {number}",
            {k: "" if v is None else str(v) for k, v in row.items()},
        )
        for number, row in enumerate(rows, start=1)
    ]
    return SourceTable(name="api", headers=headers, rows=source_rows)


SELF_REGISTRATION = "self-registration"
PRINCIPAL_FIELDS = (
    "full_name",
    "father_name",
    "name_native",
    "sex",
    "birth_date",
    "phone",
    "email",
    "tazkira_number",
    "passport_number",
    "province",
    "category_claimed",
)
MEMBER_FIELDS = ("full_name", "father_name", "relationship", "sex", "birth_date", "tazkira_number")
HOUSEHOLD_KEY = "household"


@dataclass
class HouseholdOutcome:
    """A self-registration: its reference, or the errors to show beside the form's fields."""

    reference: str | None = None
    errors: dict[tuple[int, str], str] = field(default_factory=dict)  # (person, field) -> why
    accepted: int = 0
    duplicates: int = 0


def public_actor() -> Actor:
    """Whoever fills in the public form: a partner whose source is the form itself."""
    return Actor(username="public-form", role=Role.partner, partner_source=SELF_REGISTRATION)


def register_household(
    session: Session,
    *,
    cipher: OperationCipher,
    principal: dict[str, str],
    members: list[dict[str, str]],
) -> HouseholdOutcome:
    """A principal and family from the public form: all stored together, or none with errors.

    The household key is a keyed hash of the principal's answers, so sending the same form
    twice adds nothing and gives the same reference, while two families with a child of the
    same name stay apart."""
    people = [{**principal, "relationship": MemberRole.principal.value}, *members]
    mapping = {name: name for person in people for name in person}
    outcome = HouseholdOutcome()
    for index, person in enumerate(people):
        try:
            row_to_record(person, mapping)
        except RowRejected as rejected:
            for error in rejected.errors:
                for name in error.column.split(" / "):
                    outcome.errors[(index, name)] = error.reason
    if outcome.errors:
        return outcome
    # Exact answers, not a blind index: two principals who differ only in spacing or case
    # ("Abdul Rahman", "Abdulrahman") are two families, not one.
    household = "SR-" + cipher.keyed_hash(canonical_bytes(principal), kind="selfreg")[:12]
    rows = [{**person, HOUSEHOLD_KEY: household} for person in people]
    earlier = self_registration_reference(
        session, operation_id=cipher.operation_id, household=household
    )
    # The reference names the submission: its registrations' `file`, so staff find them by
    # it; the same form sent again (even with a member more) keeps the first reference.
    reference = earlier or new_reference()
    summary = import_tables(
        session,
        actor=public_actor(),
        cipher=cipher,
        source=SELF_REGISTRATION,
        file=reference,
        tables=[rows_from_json(rows)],
        mapping={**mapping, HOUSEHOLD_KEY: "household_ref"},
        channel="self-registration",
        reference=None if earlier else reference,
        submission_key=household,
    )
    outcome.reference = reference
    outcome.accepted, outcome.duplicates = summary.accepted, summary.duplicates
    return outcome


def self_registration_reference(
    session: Session, *, operation_id: int, household: str
) -> str | None:
    """The reference the household's form got when it was first sent, if it was."""
    return session.scalar(
        select(ImportBatch.file)
        .where(
            ImportBatch.operation_id == operation_id,
            ImportBatch.source == SELF_REGISTRATION,
            ImportBatch.submission_key == household,
        )
        .order_by(ImportBatch.id)
        .limit(1)
    )


def submission_registrations(session: Session, *, actor: Actor, batch: ImportBatch) -> list[int]:
    """Ids of the registrations a submission's reference names: a self-registration's
    (their `file` is its reference, whichever sending stored them); none for a file."""
    check_source_access(actor, batch.source, write=False)
    return list(
        session.scalars(
            select(Registration.id)
            .where(
                Registration.operation_id == batch.operation_id,
                Registration.source == batch.source,
                Registration.file == batch.reference,
            )
            .order_by(Registration.id)
        )
    )


def submit_rows(
    session: Session,
    *,
    actor: Actor,
    cipher: OperationCipher,
    source: str,
    rows: list[dict],
    mapping: dict[str, str | None] | None = None,
) -> ImportSummary:
    """Rows sent through the API: keys are field names, or columns with a mapping."""
    table = rows_from_json(rows)
    if mapping is None:
        mapping = saved_mapping(session, cipher=cipher, source=source) or {}
        mapping = {**propose_mapping(table.headers), **mapping}
    return import_tables(
        session,
        actor=actor,
        cipher=cipher,
        source=source,
        file="api",
        tables=[table],
        mapping=mapping,
        channel="api",
    )


def rejects_csv(
    session: Session, *, actor: Actor, cipher: OperationCipher, batch: ImportBatch
) -> str:
    """A batch's rejected rows as the CSV a partner fixes and sends back (decrypted)."""
    check_source_access(actor, batch.source, write=False)
    rejected = session.scalars(
        select(RejectedRow).where(RejectedRow.batch_id == batch.id).order_by(RejectedRow.id)
    )
    return rejects_text(
        [
            (
                r.locator,
                json.loads(cipher.decrypt(r.raw_payload, field="intake_rejected_row.raw_payload")),
                cipher.decrypt(r.household, field="intake_rejected_row.household"),
                _full_reason(cipher, r),
            )
            for r in rejected
        ]
    )
