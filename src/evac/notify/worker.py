"""The outbox worker: claims queued messages, sends them, records what happened, retries
with backoff.

A claimed message is `in_flight` with a lease, renewed as the worker goes through its batch.
If the worker dies, the lease runs out and another worker (or the same one restarted) claims
the message again: it is sent again with
the Message-ID it was queued with. Outcomes are recorded every `record_every` sends, so a
crash re-sends at most those sent since the last record (sent twice only if in flight at the
crash). On PostgreSQL several workers share the outbox (`FOR UPDATE SKIP LOCKED`); on SQLite
run one.
"""

import logging
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker
from sqlalchemy.sql import ColumnElement

from evac.db import session_scope, utcnow
from evac.notify.channels import Delivery, Outgoing, RateLimit, Refused, Transport
from evac.notify.models import Channel, OutboxMessage, Status
from evac.notify.outbox import read_recipient, read_values
from evac.notify.templates import Template, render
from evac.vault.keys import KeyProvider
from evac.vault.service import OperationCipher, cipher_for

log = logging.getLogger(__name__)
# Outcomes and leases are written through the table, not the mapped class: the ORM's bulk
# UPDATE spent a millisecond a statement on objects it had none of.
OUTBOX = OutboxMessage.__table__


@dataclass(frozen=True)
class WorkerSettings:
    batch: int = 50  # messages claimed at once
    record_every: int = 10  # outcomes committed after this many sends
    lease: timedelta = timedelta(minutes=2)  # a claim older than this is a dead worker's
    max_attempts: int = 8
    first_retry: timedelta = timedelta(seconds=30)
    longest_wait: timedelta = timedelta(hours=1)
    idle_sleep: float = 1.0  # seconds between polls of an empty outbox


@dataclass
class Totals:
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Claimed:
    """What the worker needs of a claimed row, read inside the claiming transaction."""

    id: int
    operation_id: int
    channel: Channel
    message_id: str
    recipient: bytes = field(repr=False)
    values: bytes = field(repr=False)
    template: str
    language: str
    attempts: int


def claim(session: Session, *, channel: Channel, limit: int, lease: timedelta) -> list[Claimed]:
    """Mark up to `limit` sendable messages of the channel in flight, and return them: first
    those whose worker's lease ran out (it died while sending), then those queued and due,
    the longest due first."""
    now = utcnow()
    expired = and_(OutboxMessage.status == Status.in_flight, OutboxMessage.lease_until < now)
    claimed = _claim_where(session, channel, expired, OutboxMessage.id, limit, lease, now)
    if len(claimed) < limit:
        # Ordered by the claim index (status, channel, next_attempt_at), the scan starts at the
        # first message due: ordered by id it walked past every message already sent, the
        # whole outbox of the operation, on each claim.
        due = and_(OutboxMessage.status == Status.queued, OutboxMessage.next_attempt_at <= now)
        first_due = OutboxMessage.next_attempt_at
        claimed += _claim_where(session, channel, due, first_due, limit - len(claimed), lease, now)
    return sorted(claimed, key=lambda c: c.id)


def _claim_where(
    session: Session,
    channel: Channel,
    sendable: ColumnElement[bool],
    order: InstrumentedAttribute,
    limit: int,
    lease: timedelta,
    now: datetime,
) -> list[Claimed]:
    ids = (
        select(OutboxMessage.id)
        .where(OutboxMessage.channel == channel, sendable)
        .order_by(order)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids.scalar_subquery()))
        .values(
            status=Status.in_flight,
            attempts=OutboxMessage.attempts + 1,
            lease_until=now + lease,
        )
        .returning(
            OutboxMessage.id,
            OutboxMessage.operation_id,
            OutboxMessage.channel,
            OutboxMessage.message_id,
            OutboxMessage.recipient,
            OutboxMessage.values,
            OutboxMessage.template,
            OutboxMessage.language,
            OutboxMessage.attempts,
        )
        .execution_options(synchronize_session=False)
    ).all()
    return [Claimed(*row) for row in rows]


def backoff(attempts: int, settings: WorkerSettings) -> timedelta:
    """Exponential, capped, with jitter: a gateway back after an outage is not hit by every
    message at the same second."""
    wait = min(settings.first_retry * 2 ** (attempts - 1), settings.longest_wait)
    return wait * random.uniform(0.5, 1.0)


class Worker:
    """Sends the outbox through one transport per channel, each behind its rate limit."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        provider: KeyProvider,
        transports: dict[Channel, Transport],
        rates: dict[Channel, RateLimit] | None = None,
        settings: WorkerSettings | None = None,
    ) -> None:
        self.factory, self.provider, self.transports = factory, provider, transports
        self.rates = rates or {}
        self.settings = settings or WorkerSettings()
        self.totals = Totals()
        self._ciphers: dict[int, OperationCipher] = {}

    def run(
        self,
        *,
        until_idle: bool = True,
        stop: threading.Event | None = None,
        on_progress: Callable[[Totals], None] | None = None,
    ) -> Totals:
        """Work until nothing is due (`until_idle`) or until `stop` is set."""
        stop = stop or threading.Event()
        while not stop.is_set():
            worked = sum(self.work_batch(channel) for channel in self.transports)
            if on_progress:
                on_progress(self.totals)
            if not worked:
                if until_idle:
                    break
                stop.wait(self.settings.idle_sleep)
        return self.totals

    def close(self) -> None:
        for transport in self.transports.values():
            transport.close()

    def work_batch(self, channel: Channel) -> int:
        """Claim one batch of the channel, send it, record outcomes; returns how many."""
        leased_at = time.monotonic()
        with session_scope(self.factory) as session:
            claimed = claim(
                session, channel=channel, limit=self.settings.batch, lease=self.settings.lease
            )
            for operation_id in {c.operation_id for c in claimed} - self._ciphers.keys():
                self._ciphers[operation_id] = cipher_for(
                    session, provider=self.provider, operation_id=operation_id
                )
        step = self.settings.record_every
        for start in range(0, len(claimed), step):
            outcomes = self._send_all(channel, claimed[start : start + step])
            waiting = [c.id for c in claimed[start + step :]]
            # Renewed once half the lease is gone, as a DHCP client does: a batch sent in a
            # fraction of its lease costs no UPDATE for it.
            half_gone = time.monotonic() - leased_at > self.settings.lease.total_seconds() / 2
            renewing = bool(waiting) and half_gone
            with session_scope(self.factory) as session:
                record(session, outcomes=outcomes, at=utcnow())
                if renewing:
                    leased_at = time.monotonic()
                    renew(session, ids=waiting, lease=self.settings.lease)
        return len(claimed)

    def _send_all(self, channel: Channel, messages: list[Claimed]) -> list[dict]:
        """Send a run of the channel's messages together (SMTP pipelines them); the rows' new
        values (their outcomes) to record."""
        outcomes: dict[int, dict] = {}
        written: list[tuple[Claimed, Outgoing]] = []
        for message in messages:
            try:
                written.append((message, _outgoing(message, self._ciphers[message.operation_id])))
            except Exception as error:
                outcomes[message.id] = self._unsent(message, error)
        deliveries = self.transports[channel].deliver_many(
            [outgoing for _, outgoing in written], rate=self.rates.get(channel)
        )
        for (message, _), delivery in zip(written, deliveries, strict=True):
            if isinstance(delivery, Exception):
                outcomes[message.id] = self._unsent(message, delivery)
            else:
                self.totals.sent += 1
                outcomes[message.id] = _sent(message, delivery)
        return [outcomes[message.id] for message in messages]

    def _unsent(self, message: Claimed, error: Exception) -> dict:
        if isinstance(error, Refused):
            self.totals.failed += 1
            return _failed(message, str(error))
        log.warning("message %s not sent: %s", message.id, type(error).__name__)
        return self._retry_or_fail(message, f"{type(error).__name__}: {error}")

    def _retry_or_fail(self, message: Claimed, error: str) -> dict:
        if message.attempts >= self.settings.max_attempts:
            self.totals.failed += 1
            return _failed(message, error)
        self.totals.retried += 1
        return {
            "id": message.id,
            "status": Status.queued,
            "next_attempt_at": utcnow() + backoff(message.attempts, self.settings),
            "lease_until": None,
            "last_error": error[:500],
        }


def _outgoing(message: Claimed, cipher: OperationCipher) -> Outgoing:
    content = render(
        Template(message.template),
        read_values(message.values, cipher=cipher),
        language_code=message.language,
        channel=message.channel,
    )
    return Outgoing(
        message_id=message.message_id,
        recipient=read_recipient(message.recipient, cipher=cipher),
        language=message.language,
        content=content,
    )


def _sent(message: Claimed, delivery: Delivery) -> dict:
    return {
        "id": message.id,
        "status": Status.sent,
        "lease_until": None,
        "last_error": None,
        "provider_id": delivery.provider_id,
        "delivery_status": delivery.status,
    }


def _failed(message: Claimed, error: str) -> dict:
    return {"id": message.id, "status": Status.failed, "lease_until": None, "last_error": error}


def renew(session: Session, *, ids: list[int], lease: timedelta) -> None:
    """Extend the lease of claimed messages not yet sent: a worker that is alive but slow (a
    throttled gateway, a busy machine) must not see another worker take its claims."""
    if ids:
        session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids), OUTBOX.c.status == Status.in_flight)
            .values(lease_until=utcnow() + lease)
        )


def record(session: Session, *, outcomes: list[dict], at: datetime) -> None:
    """Write the outcomes of sends, those sent stamped `at` (when they were recorded, within
    one record interval of the server's answer). Outcomes that say the same (a run of e-mails
    accepted by the server) are written by one UPDATE: one per message was a database round
    trip for every e-mail."""
    same: dict[tuple, list[int]] = defaultdict(list)
    for outcome in outcomes:
        values = outcome | ({"sent_at": at} if outcome["status"] == Status.sent else {})
        del values["id"]
        same[tuple(sorted(values.items()))].append(outcome["id"])
    for values, ids in same.items():
        session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(ids)).values(dict(values)))
