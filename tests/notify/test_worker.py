"""The outbox and its worker against a real SMTP server: delivery, retries, and a crash."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from evac.db import utcnow
from evac.notify.channels import Delivery, OneByOne, Outgoing, RateLimit, SmtpTransport
from evac.notify.models import Channel, OutboxMessage, Status
from evac.notify.outbox import NewMessage, outbox_counts, queue_messages
from evac.notify.templates import Template
from evac.notify.worker import Worker, WorkerSettings, claim, record

NOW = WorkerSettings(first_retry=timedelta(0), lease=timedelta(minutes=2))


def warden_notices(count: int, *, language: str = "en", domain: str = "example.org"):
    return [
        NewMessage(
            channel=Channel.email,
            recipient=f"family{i}@{domain}",
            language=language,
            template=Template.do_not_come,
            values={},
            idempotency_key=f"test:do-not-come:{i}",
        )
        for i in range(count)
    ]


def worker_for(session_factory, provider, smtp_server, settings=NOW) -> Worker:
    _, host, port = smtp_server
    transport = SmtpTransport(host, port, sender="evac@example.org")
    return Worker(
        session_factory,
        provider=provider,
        transports={Channel.email: transport},
        settings=settings,
    )


def test_queued_messages_reach_the_server_with_the_message_id_fixed_when_queued(
    session, session_factory, provider, cipher, smtp_server
):
    inbox, _, _ = smtp_server
    assert queue_messages(session, cipher=cipher, messages=warden_notices(3)) == 3
    session.commit()
    ids = set(session.scalars(select(OutboxMessage.message_id)))
    session.commit()  # on SQLite a reader holds the write lock until its transaction ends

    totals = worker_for(session_factory, provider, smtp_server).run()

    assert totals.sent == 3
    assert set(inbox.message_ids()) == ids
    assert sorted(m["To"] for m in inbox.messages) == [f"family{i}@example.org" for i in range(3)]
    assert outbox_counts(session) == {Status.sent: 3}


def test_the_same_idempotency_key_queues_one_message(session, cipher):
    assert queue_messages(session, cipher=cipher, messages=warden_notices(2)) == 2
    assert queue_messages(session, cipher=cipher, messages=warden_notices(3)) == 1
    assert outbox_counts(session) == {Status.queued: 3}


def test_the_outbox_holds_no_address_in_clear(session, cipher):
    queue_messages(session, cipher=cipher, messages=warden_notices(1, domain="secret-host.org"))
    row = session.scalar(select(OutboxMessage))
    assert b"secret-host" not in row.recipient


def test_a_refusal_for_now_is_retried_and_a_refusal_for_good_is_not(
    session, session_factory, provider, cipher, smtp_server
):
    inbox, _, _ = smtp_server
    inbox.replies["family0@example.org"] = ["451 4.3.0 try again later"]
    inbox.replies["family1@example.org"] = ["550 5.1.1 no such mailbox"]
    queue_messages(session, cipher=cipher, messages=warden_notices(2))
    session.commit()

    totals = worker_for(session_factory, provider, smtp_server).run()

    assert (totals.sent, totals.retried, totals.failed) == (1, 1, 1)
    rows = {r.idempotency_key: r for r in session.scalars(select(OutboxMessage))}
    retried, refused = rows["test:do-not-come:0"], rows["test:do-not-come:1"]
    assert (retried.status, retried.attempts, retried.last_error) == (Status.sent, 2, None)
    assert (refused.status, refused.attempts) == (Status.failed, 1)
    assert "550" in refused.last_error
    assert [m["To"] for m in inbox.messages] == ["family0@example.org"]


def test_retries_stop_after_the_last_attempt(
    session, session_factory, provider, cipher, smtp_server
):
    inbox, _, _ = smtp_server
    inbox.replies["family0@example.org"] = ["421 4.7.0 busy"] * 3
    queue_messages(session, cipher=cipher, messages=warden_notices(1))
    session.commit()
    settings = WorkerSettings(first_retry=timedelta(0), max_attempts=3)

    totals = worker_for(session_factory, provider, smtp_server, settings).run()

    row = session.scalar(select(OutboxMessage))
    assert (totals.retried, totals.failed, row.status, row.attempts) == (2, 1, Status.failed, 3)
    assert inbox.raw == []


def test_a_retry_waits_longer_each_time(session, session_factory, provider, cipher, smtp_server):
    inbox, _, _ = smtp_server
    inbox.replies["family0@example.org"] = ["451 later"]
    queue_messages(session, cipher=cipher, messages=warden_notices(1))
    session.commit()
    settings = WorkerSettings(first_retry=timedelta(minutes=10))

    worker_for(session_factory, provider, smtp_server, settings).run()

    row = session.scalar(select(OutboxMessage))
    wait = row.next_attempt_at - row.queued_at
    assert row.status == Status.queued and timedelta(minutes=4) < wait <= timedelta(minutes=11)
    assert inbox.raw == []  # not due yet: the worker stopped rather than send it early


class Crash(BaseException):
    """The worker process killed mid-batch (nothing after it runs)."""


class CrashingTransport(OneByOne):
    """Delivers through SMTP, then dies just after handing over the `crash_after`-th message."""

    channel = Channel.email

    def __init__(self, inner: SmtpTransport, crash_after: int) -> None:
        self.inner, self.left = inner, crash_after

    def deliver(self, message: Outgoing) -> Delivery:
        delivery = self.inner.deliver(message)
        self.left -= 1
        if self.left == 0:
            raise Crash
        return delivery

    def close(self) -> None:
        self.inner.close()


def test_after_a_crash_nothing_is_lost_and_only_the_message_in_flight_is_sent_twice(
    session, session_factory, provider, cipher, smtp_server
):
    inbox, host, port = smtp_server
    queue_messages(session, cipher=cipher, messages=warden_notices(10))
    session.commit()
    settings = WorkerSettings(batch=10, record_every=5, lease=timedelta(minutes=2))
    smtp = SmtpTransport(host, port, sender="evac@example.org")
    crashing = Worker(
        session_factory,
        provider=provider,
        transports={Channel.email: CrashingTransport(smtp, crash_after=7)},
        settings=settings,
    )
    with pytest.raises(Crash):
        crashing.run()
    assert outbox_counts(session) == {Status.sent: 5, Status.in_flight: 5}
    session.commit()

    # A worker started at once leaves the dead one's messages alone while its lease runs...
    restarted = worker_for(session_factory, provider, smtp_server, settings)
    assert restarted.run().sent == 0
    # ...and sends them once it has run out.
    session.execute(OutboxMessage.__table__.update().values(lease_until=OutboxMessage.queued_at))
    session.commit()
    assert restarted.run().sent == 5

    received = inbox.message_ids()
    assert len(received) == 12  # 7 before the crash, 5 after
    assert set(received) == set(session.scalars(select(OutboxMessage.message_id)))
    twice = {mid for mid in received if received.count(mid) > 1}
    in_flight_at_crash = session.scalars(
        select(OutboxMessage.message_id).where(OutboxMessage.attempts == 2)
    ).all()
    assert len(twice) == 2 and twice <= set(in_flight_at_crash)
    assert outbox_counts(session) == {Status.sent: 10}


def test_a_rate_limit_waits_once_the_burst_is_spent():
    clock = [100.0]
    waits: list[float] = []
    limit = RateLimit(2.0, burst=2, clock=lambda: clock[0], sleep=waits.append)
    for _ in range(4):
        limit.wait()
    assert waits == [0.5, 1.0]  # two free, then each half a second after the last


class SlowTransport(OneByOne):
    """Takes longer over each message than a claim's lease, and checks as each message
    starts that no other worker could take what this one still holds."""

    channel = Channel.email

    def __init__(self, session_factory) -> None:
        self.session_factory = session_factory
        self.taken_by_another: list[int] = []

    def deliver(self, message: Outgoing) -> Delivery:
        with self.session_factory() as other:
            taken = claim(other, channel=Channel.email, limit=10, lease=timedelta(minutes=2))
            self.taken_by_another += [c.id for c in taken]
            other.rollback()
        time.sleep(SLOW.total_seconds())
        return Delivery(status="sent")

    def close(self) -> None:
        pass


SLOW = timedelta(seconds=3)


def test_a_slow_worker_keeps_its_claims_while_it_works(session, session_factory, provider, cipher):
    queue_messages(session, cipher=cipher, messages=warden_notices(2))
    session.commit()
    slow = SlowTransport(session_factory)
    settings = WorkerSettings(batch=2, record_every=1, lease=SLOW - timedelta(seconds=1))
    worker = Worker(
        session_factory, provider=provider, transports={Channel.email: slow}, settings=settings
    )

    assert worker.run().sent == 2
    assert slow.taken_by_another == []  # the second message's lease was renewed in time


def test_outcomes_recorded_together_keep_each_message_its_own(session, cipher):
    """A run of sends is written by one UPDATE per distinct outcome: a retry or a failure among
    them keeps its own state, and only those sent get the time."""
    queue_messages(session, cipher=cipher, messages=warden_notices(4))
    ids = sorted(session.scalars(select(OutboxMessage.id)))
    sent = {"status": Status.sent, "lease_until": None, "last_error": None}
    sent |= {"provider_id": None, "delivery_status": "sent"}
    at = utcnow()
    later = at + timedelta(minutes=1)
    outcomes = [
        {"id": ids[0]} | sent,
        {"id": ids[1], "status": Status.failed, "lease_until": None, "last_error": "550 no"},
        {"id": ids[2]} | sent,
        {"id": ids[3], "status": Status.queued, "next_attempt_at": later, "last_error": "451"},
    ]
    record(session, outcomes=outcomes, at=at)
    session.expire_all()
    rows = {row.id: row for row in session.scalars(select(OutboxMessage))}
    assert [rows[i].status for i in ids] == [Status.sent, Status.failed, Status.sent, Status.queued]
    assert [rows[i].sent_at for i in ids] == [at, None, at, None]
    assert (rows[ids[1]].last_error, rows[ids[3]].last_error) == ("550 no", "451")
    assert rows[ids[3]].next_attempt_at == later


def test_a_claim_takes_dead_workers_messages_first_then_the_longest_due(session, cipher):
    queue_messages(session, cipher=cipher, messages=warden_notices(4))
    ids = sorted(session.scalars(select(OutboxMessage.id)))
    now = utcnow()
    due_at = {ids[0]: now - timedelta(minutes=1), ids[1]: now - timedelta(minutes=10)}
    due_at[ids[2]] = now + timedelta(minutes=5)  # a retry not yet due
    for message_id, when in due_at.items():
        session.get(OutboxMessage, message_id).next_attempt_at = when
    dead = session.get(OutboxMessage, ids[3])
    dead.status, dead.lease_until = Status.in_flight, now - timedelta(seconds=1)
    session.commit()

    first = claim(session, channel=Channel.email, limit=2, lease=timedelta(minutes=2))
    second = claim(session, channel=Channel.email, limit=2, lease=timedelta(minutes=2))

    assert [c.id for c in first] == [ids[1], ids[3]]  # listed by id
    assert [c.id for c in second] == [ids[0]]
