"""100,000 call-forward messages, each with its party's pass, queued and delivered to a local
SMTP server; one worker killed (SIGKILL) mid-run and restarted; counted at the server.

    .venv/bin/python bench/notify/outbox.py [--messages 100000] [--per-party 2] [--workers 2]
                                            [--no-pipelining]

What runs, on a throwaway PostgreSQL cluster:
  queue     a thousand parties at a time: their passes issued in one call
            (evac.passes.service.issue_passes: Ed25519, stored in one flush), and one
            call-forward per contact queued in the outbox (recipient and values
            encrypted), in Dari, Pashto and English, as evac.notify.flows.queue_send does; the
            audience is not resolved from a register (that is the audience tests' part)
  deliver   `--workers` worker processes (FOR UPDATE SKIP LOCKED) render each message (the
            pass as a QR PNG attachment and its short code), and send it over SMTP to an
            aiosmtpd server in a process of its own, which writes down every Message-ID. The
            server offers PIPELINING (RFC 2920) as Postfix and Exim do (aiosmtpd handles it
            but does not say so); `--no-pipelining` leaves it out, one command a round trip
  crash     once a third of the messages reached the server, one worker is SIGKILLed and a
            new one started; the dead worker's claims come back when their lease (10 s) ends
  anchor    in the same run: the same kind of message, already rendered, sent with bare
            smtplib on one connection to the same server: the floor of SMTP delivery here
The figure is messages / seconds from the first pass issued to the last message received
(the workers start with the queueing and run beside it). At the end the server's Message-IDs
are counted: received, distinct, received twice, and any queued message never received; and
the CPU time each part took over the run (queueing, workers, SMTP server, PostgreSQL).
Synthetic parties, addresses and passport numbers; keys made for the run.
"""

import argparse
import multiprocessing
import os
import secrets
import signal
import smtplib
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

import evac.models  # noqa: F401  (every table, for the worker processes too)
from evac.db import make_engine, make_sessionmaker, migrate
from evac.throwaway_postgres import free_port, throwaway_postgres

START = datetime(2021, 8, 24, 4, 30, tzinfo=UTC)
LANGUAGES = ("fa-AF", "ps", "en")
GATES = ("North Gate", "Abbey Gate", "East Gate")
LEASE = timedelta(seconds=10)
SENDER = "evac@bench.invalid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--per-party", type=int, default=2, help="contacts (messages) per party")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--anchor", type=int, default=5_000, help="messages of the anchor")
    parser.add_argument("--no-pipelining", dest="pipelining", action="store_false")
    args = parser.parse_args()
    multiprocessing.set_start_method("spawn")
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"evac-notify-bench-{secrets.token_hex(4)}"
    folder.mkdir()
    master_key = secrets.token_bytes(32)
    with throwaway_postgres() as server:
        url = _database(server)
        smtp_port = free_port()
        received = folder / "received.txt"
        smtp = multiprocessing.Process(
            target=smtp_server, args=(smtp_port, received, args.pipelining)
        )
        smtp.start()
        _wait_for_port(smtp_port)
        try:
            run(args, url, master_key, (smtp.pid, smtp_port), received)
        finally:
            smtp.terminate()
            smtp.join()


def _database(server: str) -> str:
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "notify_bench"'))
    admin.dispose()
    url = f"{server}/notify_bench"
    migrate(url)
    return url


def run(args, url: str, master_key: bytes, smtp: tuple[int, int], received: Path) -> None:
    from evac.notify.models import OutboxMessage, Status

    smtp_pid, smtp_port = smtp
    operation_id = _operation(url, master_key)
    parties = -(-args.messages // args.per_party)
    anchor_rate = anchor(url, master_key, operation_id, smtp_port, args.anchor)
    stage_costs(url, master_key, operation_id)
    received_before = len(received.read_text().split())  # the anchor's, not the run's

    postmaster = _postmaster_pid(url)
    servers_before = _cpu_seconds(smtp_pid), _cpu_seconds(postmaster, waited_children=True)
    spent = multiprocessing.SimpleQueue()  # (part, CPU seconds) from each process as it ends
    queueing_done = multiprocessing.Event()
    started = time.perf_counter()
    queuer = multiprocessing.Process(
        target=queue_all,
        args=(url, master_key, operation_id, parties, args.per_party, queueing_done, spent),
    )
    queuer.start()
    worker_args = (url, master_key, smtp_port, queueing_done, spent)
    workers = [_start_worker(*worker_args) for _ in range(args.workers)]
    killed_in_flight = None
    while True:
        arrived = _count_lines(received) - received_before
        if killed_in_flight is None and arrived >= args.messages // 3:
            victim = workers.pop(0)
            spent.put(("workers", _cpu_seconds(victim.pid)))
            os.kill(victim.pid, signal.SIGKILL)
            victim.join()
            killed_in_flight = _in_flight(url)
            print(f"SIGKILL worker {victim.pid} at {arrived:,} received; "
                  f"{killed_in_flight:,} messages in flight (all workers' claims)")  # fmt: skip
            workers.append(_start_worker(*worker_args))
        if queueing_done.is_set() and not any(w.is_alive() for w in workers):
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    queuer.join()
    ids = received.read_text().split()[received_before:]
    counts = Counter(ids)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        queued_ids = set(session.scalars(select(OutboxMessage.message_id)))
        by_status = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        states = {Status(status).value: count for status, count in session.execute(by_status)}
    engine.dispose()
    time.sleep(1)  # the backends of the closed connections exit and are counted
    cpu = Counter()
    while not spent.empty():
        part, seconds = spent.get()
        cpu[part] += seconds
    cpu["SMTP server"] = _cpu_seconds(smtp_pid) - servers_before[0]
    cpu["PostgreSQL backends"] = _cpu_seconds(postmaster, waited_children=True) - servers_before[1]
    rate = len(queued_ids) / elapsed
    print(f"messages queued:            {len(queued_ids):,} ({parties:,} parties, one pass each)")
    print(f"outbox at the end:          {states}")
    print(f"received at the server:     {len(ids):,}")
    print(f"distinct Message-IDs:       {len(counts):,}")
    print(f"received twice:             {sum(1 for c in counts.values() if c > 1):,}")
    print(f"queued but never received:  {len(queued_ids - counts.keys()):,}")
    print(f"queued and delivered:       {rate:,.0f} messages/s ({elapsed:,.1f} s, "
          f"{args.workers} workers, one killed and restarted)")  # fmt: skip
    print(f"anchor, bare smtplib:       {anchor_rate:,.0f} messages/s (rendered beforehand)")
    print(f"ratio to the anchor:        {rate / anchor_rate:.2f}")
    for part, seconds in cpu.items():
        print(f"CPU per message:            {1000 * seconds / len(queued_ids):6.2f} ms  {part}")
    print(f"CPU per message, in all:    {1000 * sum(cpu.values()) / len(queued_ids):6.2f} ms")
    print("target: >= 500 messages/s on 2 cores")


def _cpu_seconds(pid: int, *, waited_children: bool = False) -> float:
    """The CPU time (user and system) a live process has used, with that of its children
    that have ended (a PostgreSQL server's backends); Linux's /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11 : 15 if waited_children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def _postmaster_pid(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        folder = connection.execute(text("SHOW data_directory")).scalar_one()
    engine.dispose()
    return int((Path(folder) / "postmaster.pid").read_text().split()[0])


def _operation(url: str, master_key: bytes) -> int:
    from evac.operation.service import create_operation
    from evac.vault.keys import LocalKeyProvider

    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        operation = create_operation(
            session,
            provider=LocalKeyProvider(master_key),
            name="bench",
            country="AF",
            airport="OAKB",
            time_zone="Asia/Kabul",
            deadline=datetime(2021, 8, 31, 19, 29, tzinfo=UTC),
        )
        session.commit()
        operation_id = operation.id
    engine.dispose()
    return operation_id


def queue_all(url, master_key, operation_id, parties, per_party, done, spent) -> None:
    """Issue every party's pass and queue its messages, a thousand parties a transaction."""
    from evac.operation.models import Operation
    from evac.vault.keys import LocalKeyProvider
    from evac.vault.service import cipher_for

    provider = LocalKeyProvider(master_key)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    for first in range(0, parties, 1000):
        with factory() as session:
            operation = session.get(Operation, operation_id)
            cipher = cipher_for(session, provider=provider, operation_id=operation_id)
            numbers = range(first, min(first + 1000, parties))
            _queue(
                session, cipher, _call_forwards(session, provider, operation, numbers, per_party)
            )
            session.commit()
    engine.dispose()
    spent.put(("queueing", time.process_time()))
    done.set()


def _call_forwards(session, provider, operation, numbers: range, per_party: int) -> list:
    """The parties' passes, issued in one call as evac.notify.flows.queue_send does, and one
    call-forward per contact."""
    from evac.notify.models import Channel
    from evac.notify.outbox import NewMessage
    from evac.notify.templates import Template, call_values
    from evac.passes.service import PassRequest, issue_passes

    requests = []
    for number in numbers:
        window_start = START + timedelta(hours=2 * (number % 80))
        travellers = [f"P{number:06d}{i}" for i in range(1 + number % 6)]
        requests.append(
            PassRequest(
                party_reference=f"P-{number:06d}",
                gate=GATES[number % len(GATES)],
                window_start=window_start,
                window_end=window_start + timedelta(hours=2),
                document_numbers=travellers,
            )
        )
    issued = issue_passes(session, provider=provider, operation=operation, requests=requests)
    messages = []
    for number, request, party_pass in zip(numbers, requests, issued, strict=True):
        values = call_values(
            gate=request.gate,
            window_start=request.window_start,
            window_end=request.window_end,
            time_zone="Asia/Kabul",
            travellers=request.count,
            pass_text=party_pass.text,
            short_code=party_pass.short_code,
        )
        messages += [
            NewMessage(
                channel=Channel.email,
                recipient=f"family{number}.{contact}@example.org",
                language=LANGUAGES[(number + contact) % len(LANGUAGES)],
                template=Template.call_forward,
                values=values,
                idempotency_key=f"bench:{number}:{contact}",
            )
            for contact in range(per_party)
        ]
    return messages


def _queue(session, cipher, messages) -> None:
    from evac.notify.outbox import queue_messages

    queue_messages(session, cipher=cipher, messages=messages, domain="bench.invalid")


def _start_worker(*args) -> multiprocessing.Process:
    process = multiprocessing.Process(target=work, args=args)
    process.start()
    return process


def work(url, master_key, smtp_port, queueing_done, spent) -> None:
    """A worker process: send what is due; once queueing is over and nothing is left, stop."""
    from evac.notify.channels import SmtpTransport
    from evac.notify.models import Channel
    from evac.notify.worker import Worker, WorkerSettings
    from evac.vault.keys import LocalKeyProvider

    engine = make_engine(url)
    worker = Worker(
        make_sessionmaker(engine),
        provider=LocalKeyProvider(master_key),
        transports={Channel.email: SmtpTransport("127.0.0.1", smtp_port, sender=SENDER)},
        settings=WorkerSettings(batch=100, record_every=20, lease=LEASE),
    )
    while True:
        finished = queueing_done.is_set()
        worker.run(until_idle=True)
        if finished and _left(engine) == 0:
            break
        time.sleep(0.2)
    worker.close()
    engine.dispose()
    spent.put(("workers", time.process_time()))


def _left(engine) -> int:
    from evac.notify.models import OutboxMessage, Status

    with make_sessionmaker(engine)() as session:
        return session.scalar(
            select(func.count()).where(OutboxMessage.status.in_([Status.queued, Status.in_flight]))
        )


def _in_flight(url: str) -> int:
    from evac.notify.models import OutboxMessage, Status

    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        count = session.scalar(select(func.count()).where(OutboxMessage.status == Status.in_flight))
    engine.dispose()
    return count


def anchor(url, master_key, operation_id, smtp_port, count: int) -> float:
    """Bare smtplib: one call-forward rendered once (with a real pass), sent `count` times
    with fresh Message-IDs on one connection."""
    from evac.notify.channels import Outgoing, mime_bytes
    from evac.notify.models import Channel
    from evac.notify.templates import render
    from evac.operation.models import Operation
    from evac.vault.keys import LocalKeyProvider

    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        operation = session.get(Operation, operation_id)
        provider = LocalKeyProvider(master_key)
        [message] = _call_forwards(session, provider, operation, range(10**6, 10**6 + 1), 1)
        session.rollback()  # the anchor's pass is not kept
    engine.dispose()
    content = render(message.template, message.values, language_code="fa-AF", channel=Channel.email)
    bodies = [
        mime_bytes(
            Outgoing(f"<anchor{i}@bench.invalid>", message.recipient, "fa-AF", content),
            sender=SENDER,
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for body in bodies:
            smtp.sendmail(SENDER, [message.recipient], body)
    return count / (time.perf_counter() - started)


def stage_costs(url, master_key, operation_id, samples: int = 50) -> None:
    """Milliseconds of one core for each step of one message, on a sample (not kept), to say
    where the time goes."""
    from evac.notify.channels import Outgoing, mime_bytes
    from evac.notify.models import Channel
    from evac.notify.templates import render
    from evac.operation.models import Operation
    from evac.passes.qr import qr_png
    from evac.vault.keys import LocalKeyProvider

    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        operation = session.get(Operation, operation_id)
        provider = LocalKeyProvider(master_key)
        started = time.process_time()
        numbers = range(2 * 10**6, 2 * 10**6 + samples)
        messages = _call_forwards(session, provider, operation, numbers, 1)
        issuing = time.process_time() - started
        session.rollback()
    engine.dispose()
    started = time.process_time()
    for message in messages:
        qr_png(message.values["pass_text"])
    drawing = time.process_time() - started

    def write_all() -> None:
        for message in messages:
            content = render(
                message.template, message.values, language_code="ps", channel=Channel.email
            )
            mime_bytes(
                Outgoing("<x@bench.invalid>", message.recipient, "ps", content), sender=SENDER
            )

    write_all()  # each pass's QR code drawn once, and kept for its party's messages
    started = time.process_time()
    write_all()
    writing = time.process_time() - started
    for name, seconds in (("issue a pass", issuing), ("draw its QR code (PNG)", drawing),
                          ("render and write the e-mail", writing)):  # fmt: skip
        print(f"CPU per pass or message:    {1000 * seconds / samples:6.1f} ms  {name}")


def smtp_server(port: int, received: Path, pipelining: bool) -> None:
    """aiosmtpd, writing each message's Message-ID on a line as the message is accepted."""
    import asyncio

    from aiosmtpd.controller import Controller

    handle = received.open("ab", buffering=0)

    class Record:
        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            start = content.index(b"Message-ID: ") + len(b"Message-ID: ")
            handle.write(content[start : content.index(b"\r\n", start)] + b"\n")
            return "250 Message accepted for delivery"

        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            session.host_name = hostname
            return [*responses[:-1], "250-PIPELINING", responses[-1]] if pipelining else responses

    controller = Controller(Record(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


def _wait_for_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the SMTP server did not start")


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


if __name__ == "__main__":
    main()
