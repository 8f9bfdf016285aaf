"""Linkage runs started from the imports page, so that an upload or a self-registration
becomes a person without someone at a shell: one run at a time per operation, in a thread of
the server, with the step it is on for whoever looks at the page.

A run writes everything in one transaction (`run_linkage`): if the server stops half-way,
nothing of it is kept, and the next run starts again from the same registrations.
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from evac.auth.permissions import Actor, Permission
from evac.db import session_scope, utcnow
from evac.linkage.service import RunSummary, run_linkage
from evac.people.models import Registration
from evac.vault.keys import KeyProvider
from evac.vault.service import cipher_for

logger = logging.getLogger(__name__)


@dataclass
class WebRun:
    """A run started from the page: who started it, the step it is on, how it ended."""

    started_by: str
    started_at: datetime
    step: str = "starting"
    finished_at: datetime | None = None
    summary: RunSummary | None = None
    failed: str | None = None  # the kind of error, for the page; never personal data
    ended: threading.Event = field(default_factory=threading.Event)

    @property
    def going(self) -> bool:
        return not self.ended.is_set()


class RunGoing(RuntimeError):
    """A run of this operation is still going; a second one would compare the same rows."""

    def __init__(self, run: WebRun) -> None:
        super().__init__(
            f"a linkage run started by {run.started_by} at {run.started_at:%H:%M} UTC is still "
            f"going ({run.step}); its result shows here when it ends"
        )
        self.run = run


@dataclass
class LinkageRuns:
    """The server's runs by operation (kept on the app's state: one server, one set)."""

    by_operation: dict[int, WebRun] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def latest(self, operation_id: int) -> WebRun | None:
        return self.by_operation.get(operation_id)


def start_run(
    *,
    runs: LinkageRuns,
    factory: sessionmaker[Session],
    provider: KeyProvider,
    operation_id: int,
    actor: Actor,
) -> WebRun:
    """Start a linkage run of the operation in a thread; refused while another one runs."""
    actor.require(Permission.linkage_review)
    with runs.lock:
        current = runs.latest(operation_id)
        if current is not None and current.going:
            raise RunGoing(current)
        run = WebRun(started_by=actor.username, started_at=utcnow())
        runs.by_operation[operation_id] = run
    thread = threading.Thread(
        target=_run,
        kwargs={
            "run": run,
            "factory": factory,
            "provider": provider,
            "operation_id": operation_id,
            "actor": actor,
        },
        name=f"linkage-run-{operation_id}",
        daemon=True,
    )
    thread.start()
    return run


def _run(
    *,
    run: WebRun,
    factory: sessionmaker[Session],
    provider: KeyProvider,
    operation_id: int,
    actor: Actor,
) -> None:
    def on_step(step: str) -> None:
        run.step = step

    try:
        with session_scope(factory) as session:
            cipher = cipher_for(session, provider=provider, operation_id=operation_id)
            run.summary = run_linkage(session, cipher=cipher, actor=actor, progress=on_step)
    except Exception as error:  # the page says it failed; the message may quote stored values
        logger.error("linkage run of operation %s failed: %s", operation_id, type(error).__name__)
        run.failed = type(error).__name__
    finally:
        run.finished_at = utcnow()
        run.ended.set()


def waiting_registrations(session: Session, *, operation_id: int) -> int:
    """Registrations that no run has made a person of yet."""
    return session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.operation_id == operation_id, Registration.person_id.is_(None))
    )
