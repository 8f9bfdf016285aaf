"""`evac import`'s row worker dies with the import: a SIGKILL of the import leaves no
orphan holding the operation's keys and rows of the file."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

IMPORT_WITH_A_WORKER = """
import os, time
from evac.intake.workers import RowWorker
from evac.vault.service import SealingKeys

keys = SealingKeys(1, 1, os.urandom(32), os.urandom(32))
worker = RowWorker(mapping={"Name": "full_name"}, keys=keys, source="ngo-alpha")
worker.tasks.put([{"Name": "Gul Ahmad"}])
worker.results.get(timeout=60)  # the worker is serving: its death signal is set
print(worker.process.pid, flush=True)
time.sleep(600)
"""


def is_running(pid: int) -> bool:
    """Alive and not a zombie (a container's first process may never reap an orphan)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_the_worker_dies_when_the_import_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", IMPORT_WITH_A_WORKER], stdout=subprocess.PIPE)
    try:
        worker = int(parent.stdout.readline())
        assert is_running(worker)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10  # a bound on the wait, not a measured time
        while is_running(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not is_running(worker)
    finally:
        parent.kill()
        parent.wait()
