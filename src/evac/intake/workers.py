"""Validation and the sealing of raw rows in a worker process, for large files.

An import is one Python process, and validating and sealing a row costs it tens of
microseconds while PostgreSQL's COPY of the row costs a few. A worker process takes the
validation and the raw row's sealing (canonical bytes, keyed hash, AES-GCM); the main process
reads the file, places households, seals the record and writes the COPY. Both run at once on
two cores. Rows come back in the order they were sent, so households and row numbers hold.
"""

import ctypes
import multiprocessing
import os
import queue
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from multiprocessing.queues import Queue

from evac.intake.readers import SourceRow
from evac.intake.validate import FieldError, RowRejected, RowValidator
from evac.people.service import SealedRaw, seal_raw
from evac.vault.service import SealingKeys

CHUNK_ROWS = 1000
IN_FLIGHT = 3  # chunks sent ahead, so that neither process waits for the other
PARALLEL_FROM_BYTES = 2_000_000  # about 20,000 rows: below that, a worker costs more than it saves
POLL_SECONDS = 1.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h

# What the worker says of one row: its record's fields and its sealed raw content, or errors.
Outcome = tuple[dict[str, object], SealedRaw] | tuple[list[FieldError], None]


class WorkerStopped(RuntimeError):
    """The worker process ended without answering (killed, or out of memory)."""


def workers_for(size_bytes: int) -> int:
    """One worker for a file this large on a machine with a core to spare; none otherwise."""
    large = size_bytes >= PARALLEL_FROM_BYTES
    return 1 if large and (os.cpu_count() or 1) > 1 else 0


def serial_outcomes(
    rows: Iterable[SourceRow],
    mapping: dict[str, str | None],
    *,
    date_orders: dict[str, str | None] | None = None,
) -> Iterator[tuple[SourceRow, Outcome]]:
    """The same outcomes in this process; raw rows are sealed later, batch by batch."""
    validator = RowValidator(mapping, date_orders=date_orders)
    for row in rows:
        try:
            yield row, (validator.fields(row.raw), None)
        except RowRejected as rejected:
            yield row, (rejected.errors, None)


@dataclass(frozen=True)
class RowJob:
    """All that the worker is given: how to read a row, and the only keys sealing needs."""

    mapping: dict[str, str | None]
    keys: SealingKeys
    source: str
    date_orders: dict[str, str | None] | None
    unhashed: frozenset[str]  # the table's volatile columns, left out of the content hash

    def outcomes(self, validator: RowValidator, chunk: list[dict[str, str]]) -> list[Outcome]:
        return [self._outcome(validator, raw) for raw in chunk]

    def _outcome(self, validator: RowValidator, raw: dict[str, str]) -> Outcome:
        try:
            fields = validator.fields(raw)
        except RowRejected as rejected:
            return rejected.errors, None
        # the row's own hash: a member's is tied to its principal's once households are placed
        return fields, seal_raw(self.keys, source=self.source, raw=raw, unhashed=self.unhashed)


# A master key given in the environment, rather than in its file, would be in the worker's copy
# of the environment: the worker needs no master key.
SECRET_VARIABLES = ("EVAC_MASTER_KEY", "EVAC_PREVIOUS_MASTER_KEY")


@contextmanager
def _secrets_kept_back() -> Iterator[None]:
    """The environment without SECRET_VARIABLES while a child process starts from it."""
    kept = {name: os.environ.pop(name) for name in SECRET_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(kept)


class RowWorker:
    """A spawned process that validates rows and seals the accepted rows' raw content.

    Spawned, not forked: a forked child would hold a copy of all the import's memory, every
    key version, the blind-index key, the database connections and the rows already read. A
    spawned child is a fresh interpreter; its job (`RowJob`, with `SealingKeys`) reaches it
    once, pickled through the start-up pipe, never a file or an environment variable.
    Queues, not a pipe: their feeder threads never block a sender, so two full buffers cannot
    wait on each other."""

    def __init__(
        self,
        *,
        mapping: dict[str, str | None],
        keys: SealingKeys,
        source: str,
        date_orders: dict[str, str | None] | None = None,
        unhashed: frozenset[str] = frozenset(),
    ) -> None:
        job = RowJob(mapping, keys, source, date_orders, unhashed)
        context = multiprocessing.get_context("spawn")
        self.tasks, self.results = context.Queue(), context.Queue()
        self.process = context.Process(
            target=_serve,
            args=(job, self.tasks, self.results, os.getpid()),
            daemon=True,
            name="evac-intake",
        )
        with _secrets_kept_back():
            self.process.start()

    def __enter__(self) -> "RowWorker":
        return self

    def __exit__(self, *_: object) -> None:
        self.tasks.put(None)
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()

    def outcomes(self, rows: Iterable[SourceRow]) -> Iterator[tuple[SourceRow, Outcome]]:
        """Each row with the worker's outcome, in the order of the rows."""
        waiting: deque[list[SourceRow]] = deque()
        iterator = iter(rows)
        while chunk := list(islice(iterator, CHUNK_ROWS)):
            self.tasks.put([row.raw for row in chunk])
            waiting.append(chunk)
            if len(waiting) >= IN_FLIGHT:
                yield from zip(waiting.popleft(), self._next_result(), strict=True)
        while waiting:
            yield from zip(waiting.popleft(), self._next_result(), strict=True)

    def _next_result(self) -> list[Outcome]:
        while True:
            try:
                return self.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not self.process.is_alive():
                    raise WorkerStopped(
                        f"the intake worker ended (exit code {self.process.exitcode}); "
                        "the batches stored so far stay, run the import again to finish"
                    ) from None


def _serve(job: RowJob, tasks: Queue, results: Queue, parent: int) -> None:
    """The worker's life: answer each chunk of rows until told to stop, or the import dies."""
    _exit_with(parent=parent)
    validator = RowValidator(job.mapping, date_orders=job.date_orders)
    while (chunk := tasks.get()) is not None:
        results.put(job.outcomes(validator, chunk))


def _exit_with(*, parent: int) -> None:
    """Have the kernel kill this worker when the import that started it dies (a SIGKILL, the
    OOM killer, a closed terminal): an orphan would live on holding the operation's keys
    and rows of the file, waiting for work that never comes. The signal follows the thread
    that started it, so the worker is started from the import's own thread."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the import died before the prctl took hold
        os._exit(1)
