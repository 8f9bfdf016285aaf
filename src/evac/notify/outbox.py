"""The outbox: messages written to the database before anything is sent, so that a crash of
the sender loses none. A worker (notify.worker) sends them."""

import json
import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from evac.db import utcnow
from evac.notify.models import Channel, OutboxMessage, Status
from evac.notify.templates import Template
from evac.vault.service import OperationCipher

RECIPIENT_FIELD = "notify_outbox.recipient"
VALUES_FIELD = "notify_outbox.values"
INSERT_BATCH = 1000


@dataclass(frozen=True)
class NewMessage:
    """A message to queue. `idempotency_key` names the fact (this call, this contact): queuing
    the same key twice queues one message."""

    channel: Channel
    recipient: str
    language: str
    template: Template
    values: dict
    idempotency_key: str
    person_id: int | None = None
    send_id: int | None = None

    def __repr__(self) -> str:  # keep addresses and numbers out of logs
        return f"NewMessage({self.channel}, {self.template}, key={self.idempotency_key!r})"


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue_messages(
    session: Session,
    *,
    cipher: OperationCipher,
    messages: list[NewMessage],
    domain: str = "evac.invalid",
) -> int:
    """Write messages to the outbox (those whose idempotency key is there already are left
    alone); returns how many were new. Each gets its Message-ID now, once."""
    postgres = session.get_bind().dialect.name == "postgresql"
    insert = _insert_unnested if postgres else _insert_rows
    now = utcnow()
    queued = 0
    for start in range(0, len(messages), INSERT_BATCH):
        rows = [
            _row(message, cipher=cipher, domain=domain, now=now)
            for message in messages[start : start + INSERT_BATCH]
        ]
        queued += insert(session, rows)
    return queued


def _insert_rows(session: Session, rows: list[dict]) -> int:
    table = OutboxMessage.__table__
    insert = (
        sqlite.insert(table)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    return len(session.execute(insert, rows).all())


# The columns a message is queued with, and their types in PostgreSQL
ARRAY_TYPES = {
    "operation_id": "bigint",
    "send_id": "bigint",
    "person_id": "bigint",
    "channel": "text",
    "recipient": "bytea",
    "language": "text",
    "template": "text",
    "values": "bytea",
    "message_id": "text",
    "idempotency_key": "text",
    "status": "text",
    "attempts": "integer",
    "next_attempt_at": "timestamptz",
    "queued_at": "timestamptz",
}


def _insert_unnested(session: Session, rows: list[dict]) -> int:
    """PostgreSQL: the rows sent as one array a column and unnested by the server, one short
    statement; a VALUES list of a thousand rows was 14,000 parameters that the driver parsed
    out of the statement's text again for every batch (a fifth of the queueing's time)."""
    columns = ", ".join(f'"{name}"' for name in ARRAY_TYPES)
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in ARRAY_TYPES.items())
    insert = text(
        f"INSERT INTO notify_outbox ({columns}) SELECT * FROM unnest({arrays}) "
        "ON CONFLICT (idempotency_key) DO NOTHING"
    )
    return session.execute(insert, {n: [row[n] for row in rows] for n in ARRAY_TYPES}).rowcount


def _row(message: NewMessage, *, cipher: OperationCipher, domain: str, now) -> dict:
    values = json.dumps(message.values, ensure_ascii=False, sort_keys=True)
    return {
        "operation_id": cipher.operation_id,
        "send_id": message.send_id,
        "person_id": message.person_id,
        "channel": str(message.channel),
        "recipient": cipher.encrypt(message.recipient, field=RECIPIENT_FIELD),
        "language": message.language,
        "template": message.template.value,
        "values": cipher.encrypt(values, field=VALUES_FIELD),
        "message_id": new_message_id(domain),
        "idempotency_key": message.idempotency_key,
        "status": Status.queued.value,
        "attempts": 0,
        "next_attempt_at": now,
        "queued_at": now,
    }


def read_recipient(sealed: bytes, *, cipher: OperationCipher) -> str:
    """A message's recipient, from its row's `recipient`."""
    return cipher.decrypt(sealed, field=RECIPIENT_FIELD)


def read_values(sealed: bytes, *, cipher: OperationCipher) -> dict:
    """A message's template values, from its row's `values`."""
    return json.loads(cipher.decrypt(sealed, field=VALUES_FIELD))


def outbox_counts(
    session: Session, *, operation_id: int | None = None, send_id: int | None = None
) -> Counter[Status]:
    """How many messages are in each state, for one send, one operation, or all."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if operation_id is not None:
        query = query.where(OutboxMessage.operation_id == operation_id)
    if send_id is not None:
        query = query.where(OutboxMessage.send_id == send_id)
    return Counter({Status(status): count for status, count in session.execute(query)})
