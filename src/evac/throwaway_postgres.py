"""A throwaway PostgreSQL cluster from the installed binaries, for tests and benchmarks.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
It listens on 127.0.0.1 only, on a free port, and is deleted when the context ends.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    """The folder of initdb and pg_ctl: PATH first, then Debian's versioned folders."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (initdb): install them with "
        "`apt-get install postgresql`, or set EVAC_TEST_DATABASE_URL to a server you have"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_postgres(*, durable: bool = False) -> Iterator[str]:
    """Start a cluster and yield its server URL (no database part); stop and delete it after.

    With durable=False the cluster skips fsync, as is usual for tests; benchmarks that compare
    against raw COPY measure both sides on the same cluster either way.
    """
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="evac-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    data, log = root / "data", root / "server.log"
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or b"").decode(errors="replace")
        if log.exists():
            detail += log.read_text(errors="replace")
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"could not start a throwaway PostgreSQL: {detail}") from error
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def create_database(server: str, name: str) -> str:
    """Create the database `name` on a server `throwaway_postgres` yielded; its URL."""
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{server}/{name}"
