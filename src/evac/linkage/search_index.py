"""Write the search index: each registration's name keys (and a self-registration's
reference) as blind-index digests.

Linkage calls `index_registrations` for the registrations it places; `reindex` rebuilds an
operation's index from its registrations (a database linked before the index existed)."""

from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.linkage.models import SearchKey
from evac.linkage.names import forget_prepared
from evac.linkage.search_keys import forget_sounds, name_keys, record_names, reference_key
from evac.people.models import Registration
from evac.people.records import RegistrationRecord
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

WRITE_BATCH = 40_000  # index rows per INSERT
READ_BATCH = 5000  # registrations read at a time


def key_digest(cipher: OperationCipher, key: str) -> str | None:
    """A key as the index stores it: the operation's keyed blind index, never the key."""
    kind, _, value = key.partition(":")
    return cipher.blind_index(value, kind=f"name-{kind}")


def key_rows(
    cipher: OperationCipher, registrations: Iterable[tuple[int, str | None, RegistrationRecord]]
) -> Iterator[dict]:
    """The index rows of registrations given as (id, file, record)."""
    # Lists repeat the same names endlessly: each field text is keyed and digested once per
    # call (a local cache: decrypted names live for this call only).
    digests_of: dict[str, set[str]] = {}
    try:
        for registration_id, file, record in registrations:
            digests = {key_digest(cipher, key) for key in [reference_key(file)] if key}
            for text in record_names(record):
                if text not in digests_of:
                    keys = {name_key.key for name_key in name_keys(text)}
                    digests_of[text] = {key_digest(cipher, key) for key in keys} - {None}
                digests |= digests_of[text]
            for digest in digests - {None}:
                yield {"registration_id": registration_id, "digest": digest}
    finally:
        forget_sounds()


def index_registrations(
    session: Session, *, cipher: OperationCipher, records: dict[int, RegistrationRecord]
) -> int:
    """Add the keys of these registrations ({id: record}), not indexed before."""
    files: dict[int, str | None] = {}
    ids = sorted(records)
    for start in range(0, len(ids), READ_BATCH):
        chunk = ids[start : start + READ_BATCH]
        query = select(Registration.id, Registration.file).where(Registration.id.in_(chunk))
        files.update(session.execute(query).all())
    return _insert(session, key_rows(cipher, ((i, files.get(i), records[i]) for i in records)))


def _insert(session: Session, rows: Iterator[dict]) -> int:
    written = 0
    while batch := list(islice(rows, WRITE_BATCH)):
        session.execute(insert(SearchKey), batch)
        written += len(batch)
    return written


def _registrations(session: Session, cipher: OperationCipher) -> Select:
    return (
        select(Registration.id, Registration.file, Registration.record)
        .where(Registration.operation_id == cipher.operation_id)
        .order_by(Registration.id)
        .execution_options(yield_per=READ_BATCH)
    )


def reindex(session: Session, *, cipher: OperationCipher, actor: Actor) -> int:
    """Rebuild the operation's whole index from its registrations; how many rows it holds."""
    actor.require(Permission.operation_manage)
    own = select(Registration.id).where(Registration.operation_id == cipher.operation_id)
    session.execute(delete(SearchKey).where(SearchKey.registration_id.in_(own)))
    registrations = (
        (registration_id, file, _record(cipher, sealed))
        for registration_id, file, sealed in session.execute(_registrations(session, cipher))
    )
    try:
        written = _insert(session, key_rows(cipher, registrations))
    finally:
        forget_prepared()  # linkage's caches of prepared names hold decrypted names
    record_access(
        session,
        actor=actor,
        action="search.reindex",
        purpose="rebuild the search index",
        subject=f"operation:{cipher.operation_id}",
        details={"keys": written},
    )
    return written


def _record(cipher: OperationCipher, sealed: bytes) -> RegistrationRecord:
    return RegistrationRecord.from_json(cipher.decrypt(sealed, field="registration.record"))
