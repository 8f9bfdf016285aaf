"""Check-ins over HTTP against PostgreSQL on loopback, the server SIGKILLed mid-run and
restarted; at the end, the database counted against what the stations were told.

    .venv/bin/python bench/gate/checkins.py [--parties 40000] [--users 48] [--seconds 60]

What runs, on a throwaway PostgreSQL cluster:
  prepare   `--parties` called-forward parties of one to three synthetic people, a plan
            calling them to three gates in a window open now, and each party's pass
            (evac.passes.service.issue_passes), made before any load
  server    evac (evac.app:create_app) under uvicorn, `--server-workers` processes, on a
            free loopback port; its gate cache and key cache warm up on the first requests
  anchor    locust, in its own process, sending a trivial authenticated GET (the
            supervisor's empty conflict list) for `--anchor-seconds`: the rate this server
            answers a request that authenticates and reads one table, on this machine now
  load      locust headless in its own process, `--users` stations each posting check-ins
            (POST /api/v1/gate/checkins) with idempotency keys, for `--seconds`
  crash     after a third of the run the server's processes are SIGKILLed and a new server
            started on the same port; stations retry on connection errors with the same key
The rate is check-ins acknowledged (201, or 200 for a retry whose first answer was lost)
over the run; p50/p95/p99 are of the answered requests. At the end: check-ins in the
database against keys acknowledged (lost), check-ins per key and per party and checked_in
events per person (doubled). CPU a request is read from /proc for each side (evac's
processes, PostgreSQL's, locust's), so that the floor on this machine shows: what the rate
would be if the cores did nothing else. Start-ups (locust's, the restarted server's) are
counted in: negligible over minutes, not over a few seconds. Synthetic people; keys made for
the run.
"""

import argparse
import base64
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import astuple, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import quantiles

from sqlalchemy import create_engine, func, make_url, select, text

import evac.models  # noqa: F401  (every table)
from evac.auth.permissions import Role
from evac.auth.service import create_user, issue_api_token
from evac.db import make_engine, make_sessionmaker, migrate
from evac.eligibility.models import Party, PartyMember
from evac.gate.models import CheckIn
from evac.operation.service import create_operation
from evac.passes.service import PassRequest, issue_passes
from evac.people.models import Event, State
from evac.people.service import PersonNames, insert_persons, insert_rows, person_row
from evac.planning.models import PlannedParty, SavedPlan
from evac.throwaway_postgres import free_port, throwaway_postgres
from evac.vault.keys import LocalKeyProvider
from evac.vault.service import cipher_for

GATES = ("North Gate", "Abbey Gate", "East Gate")
GIVEN = ("Wahidullah", "Shabnam", "Gulalai", "Mursal", "Zarmina", "Habibullah", "Spozhmai")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BATCH = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=40_000)
    parser.add_argument("--users", type=int, default=48, help="locust users (stations)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--anchor-seconds", type=int, default=15)
    parser.add_argument("--server-workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"evac-gate-bench-{secrets.token_hex(4)}"
    folder.mkdir()
    master_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    with throwaway_postgres() as server:
        url = _database(server)
        started = time.perf_counter()
        agent_token, officer_token = prepare(url, master_key, args.parties, folder / "passes.tsv")
        print(
            f"prepared {args.parties:,} parties and passes in {time.perf_counter() - started:.0f} s"
        )
        run(args, url, master_key, folder, agent_token, officer_token)


def _database(server: str) -> str:
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "gate_bench"'))
    admin.dispose()
    url = f"{server}/gate_bench"
    migrate(url)
    return url


def prepare(url: str, master_key: str, parties: int, passes_file: Path) -> tuple[str, str]:
    """The population, its plan and passes, written as `pass<TAB>gate<TAB>time` lines; the
    API tokens of a gate agent and an officer."""
    provider = LocalKeyProvider(base64.urlsafe_b64decode(master_key))
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = now - timedelta(minutes=30), now + timedelta(hours=3)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        operation = create_operation(
            session, provider=provider, name="bench-kabul", country="AF", airport="OAKB",
            time_zone="Asia/Kabul", deadline=now + timedelta(days=7),
        )  # fmt: skip
        cipher = cipher_for(session, provider=provider, operation_id=operation.id)
        plan = SavedPlan(
            operation_id=operation.id, version=1, created_by="bench", starts_at=start,
            method="bench", objective=0.0, bound=0.0, seconds=0.0,
        )  # fmt: skip
        session.add(plan)
        session.flush()
        lines = []
        for first in range(0, parties, BATCH):
            batch = range(first, min(first + BATCH, parties))
            requests = _add_parties(session, cipher, operation.id, plan.id, batch, start, end)
            issued = issue_passes(
                session, provider=provider, operation=operation, requests=requests
            )
            lines += [
                f"{p.text}\t{r.gate}\t{now.isoformat()}"
                for p, r in zip(issued, requests, strict=True)
            ]
            session.commit()
        agent = create_user(
            session, username="bench-agent", password=secrets.token_urlsafe(), role=Role.gate_agent
        )
        officer = create_user(
            session, username="bench-officer", password=secrets.token_urlsafe(), role=Role.officer
        )
        tokens = (
            issue_api_token(session, user=agent, name="bench"),
            issue_api_token(session, user=officer, name="bench"),
        )
        session.commit()
    engine.dispose()
    passes_file.write_text("\n".join(lines) + "\n")
    return tokens


def _add_parties(session, cipher, operation_id, plan_id, numbers, start, end) -> list[PassRequest]:
    """One to three called-forward people a party; a call-forward each to one of the gates."""
    sizes = [number % 3 + 1 for number in numbers]
    rows = []
    for number, size in zip(numbers, sizes, strict=True):
        for member in range(size):
            names = PersonNames(GIVEN[(number + member) % len(GIVEN)], None, "Safi")
            rows.append(person_row(cipher, names=names) | {"state": State.called_forward})
    person_ids = iter(insert_persons(session, rows))
    requests = []
    for number, size in zip(numbers, sizes, strict=True):
        members = [next(person_ids) for _ in range(size)]
        reference, gate = f"B-{number:07d}", GATES[number % len(GATES)]
        party = Party(operation_id=operation_id, reference=reference, principal_id=members[0])
        session.add(party)
        session.flush()
        insert_rows(session, PartyMember, [{"person_id": m, "party_id": party.id} for m in members])
        session.add(
            PlannedParty(
                plan_id=plan_id, party_reference=reference, size=size, priority=1,
                category="siv", gate=gate, window_start=start, window_end=end,
                sortie="RCH871", hub="Al Udeid", called_at=start - timedelta(hours=3),
            )
        )  # fmt: skip
        requests.append(PassRequest(reference, gate, start, end, [], head_count=size))
    session.flush()
    return requests


def start_server(url: str, master_key: str, port: int, workers: int) -> subprocess.Popen:
    environment = os.environ | {"EVAC_DATABASE_URL": url, "EVAC_MASTER_KEY": master_key}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "evac.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
         "--log-level", "warning"],
        env=environment, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the evac server did not start")


def kill(server: subprocess.Popen) -> None:
    """SIGKILL the server and its worker processes (its own process group)."""
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) of these processes and of the children they waited for."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # ended in between
            continue
        total += sum(int(field) for field in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def processes(*, group: int | None = None, parent: int | None = None) -> list[int]:
    """The processes of a process group, or a process and its children."""
    found = [] if parent is None else [parent]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            if int(fields[2 if group is not None else 1]) == (group or parent):
                found.append(int(entry.name))
    return found


def postmaster(url: str) -> int:
    """The PostgreSQL server's main process: its backends are its children."""
    port = f"-p {make_url(url).port} "
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if command.split(" ", 1)[0].endswith("postgres") and port in command:
                return int(entry.name)
    raise RuntimeError("the PostgreSQL server's process was not found")


def finish(process: subprocess.Popen) -> float:
    """Wait for a process (locust: one process) and give its CPU seconds."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def locust(args, host: str, folder: Path, token: str, task: str, seconds: int) -> subprocess.Popen:
    results = folder / f"{task}.txt"
    environment = os.environ | {
        "BENCH_PASSES": str(folder / "passes.tsv"), "BENCH_TOKEN": token, "BENCH_TASK": task,
        "BENCH_RESULTS": str(results),
    }  # fmt: skip
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless",
         "-u", str(args.users), "-r", str(args.users), "-t", f"{seconds}s", "--host", host,
         "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
        env=environment, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def answered(folder: Path, task: str) -> list[tuple[str, int, float, float]]:
    rows = []
    for line in (folder / f"{task}.txt").read_text().splitlines():
        key, status, milliseconds, finished = line.split()
        rows.append((key, int(status), float(milliseconds), float(finished)))
    return rows


def run(args, url: str, master_key: str, folder: Path, agent: str, officer: str) -> None:
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    database = postmaster(url)
    server = start_server(url, master_key, port, args.server_workers)
    try:
        before = (cpu_seconds(processes(group=server.pid)), _database_cpu(database))
        anchor_cpu = [finish(locust(args, host, folder, officer, "anchor", args.anchor_seconds))]
        anchor_cpu += [
            cpu_seconds(processes(group=server.pid)) - before[0],
            _database_cpu(database) - before[1],
        ]
        anchor = answered(folder, "anchor")
        anchor_rate = sum(1 for row in anchor if row[1] == 200) / args.anchor_seconds
        before = (cpu_seconds(processes(group=server.pid)), _database_cpu(database))
        load = locust(args, host, folder, agent, "checkin", args.seconds)
        started = time.time()
        time.sleep(args.seconds / 3)
        server_cpu = cpu_seconds(processes(group=server.pid)) - before[0]
        kill(server)
        killed_at = time.time() - started
        server = start_server(url, master_key, port, args.server_workers)
        print(f"server SIGKILLed at {killed_at:.1f} s, answering again after "
              f"{time.time() - started - killed_at:.1f} s")  # fmt: skip
        load_cpu = [finish(load)]
        # the new server's start-up is counted too: a fair share of a crash's cost
        load_cpu += [
            server_cpu + cpu_seconds(processes(group=server.pid)),
            _database_cpu(database) - before[1],
        ]
    finally:
        kill(server)
    report(url, folder, args.seconds, anchor_rate, CPU(*anchor_cpu), CPU(*load_cpu))


def _database_cpu(postmaster_pid: int) -> float:
    return cpu_seconds(processes(parent=postmaster_pid))


@dataclass(frozen=True)
class CPU:
    """CPU seconds each side spent in one phase."""

    locust: float
    evac: float
    postgres: float

    def per_request(self, requests: int) -> str:
        ms = [1000 * seconds / max(requests, 1) for seconds in astuple(self)]
        floor = 2000 / sum(ms) if sum(ms) else 0
        return (
            f"locust {ms[0]:.1f} / evac {ms[1]:.1f} / PostgreSQL {ms[2]:.1f} ms a request "
            f"(all three: {sum(ms):.1f} ms, at most {floor:,.0f} a second on 2 idle cores)"
        )


def report(
    url: str, folder: Path, seconds: int, anchor_rate: float, anchor_cpu: CPU, load_cpu: CPU
) -> None:
    rows = answered(folder, "checkin")
    statuses = Counter(status for _, status, _, _ in rows)
    acknowledged = {key for key, status, _, _ in rows if status in (200, 201)}
    milliseconds = [ms for _, status, ms, _ in rows if status in (200, 201)]
    p = quantiles(milliseconds, n=100)
    rate = len(acknowledged) / seconds
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        keys = Counter(session.scalars(select(CheckIn.idempotency_key)))
        parties = Counter(session.scalars(select(CheckIn.party_reference)))
        per_person = select(Event.person_id, func.count()).where(
            Event.type == State.checked_in.value
        )
        events = Counter(dict(session.execute(per_person.group_by(Event.person_id)).all()))
    engine.dispose()
    lost = acknowledged - set(keys)
    print(f"answers:                 {dict(sorted(statuses.items()))}")
    print(f"check-ins acknowledged:  {len(acknowledged):,} in {seconds} s")
    print(f"check-ins in database:   {len(keys):,} (unacknowledged but taken: "
          f"{len(set(keys) - acknowledged):,}, stations still retrying at the end)")  # fmt: skip
    print(f"lost:                    {len(lost):,}")
    print(f"doubled:                 {sum(n > 1 for n in keys.values()):,} keys, "
          f"{sum(n > 1 for n in parties.values()):,} parties, "
          f"{sum(n > 1 for n in events.values()):,} persons checked in twice")  # fmt: skip
    print(f"sustained rate:          {rate:,.0f} check-ins/s (target >= 500)")
    print(f"latency p50/p95/p99:     {p[49]:.1f} / {p[94]:.1f} / {p[98]:.1f} ms (target p99 < 50)")
    print(f"anchor (GET, same run):  {anchor_rate:,.0f} requests/s; ratio {rate / anchor_rate:.2f}")
    print(f"CPU a check-in:          {load_cpu.per_request(len(rows))}")
    print(f"CPU an anchor GET:       {anchor_cpu.per_request(len(answered(folder, 'anchor')))}")
    # the machine is shared: a figure means little without how busy it was
    print("load average (1/5/15 min): {:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
