"""What the notify pages and commands read: the choices of an audience, sends and their
progress."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evac.eligibility.service import plannable_parties
from evac.notify.models import Send, SendRecipient, Status
from evac.notify.outbox import outbox_counts
from evac.operation.models import Operation
from evac.planning.service import current_calls


@dataclass(frozen=True)
class Choices:
    """What an audience can be made of in this operation now."""

    windows: list[tuple[datetime, int]]  # plan window start, parties called in it
    categories: list[str]
    priorities: list[int]


def audience_choices(session: Session, *, operation: Operation) -> Choices:
    parties = plannable_parties(session, operation=operation)
    windows = Counter(call.window_start for call in current_calls(session, operation=operation))
    return Choices(
        windows=sorted(windows.items()),
        categories=sorted({p.category for p in parties if p.category}),
        priorities=sorted({p.priority for p in parties}),
    )


@dataclass(frozen=True)
class SendSummary:
    send: Send
    counts: Counter  # (channel, language) -> recipients frozen at preview
    parties: int
    people: int
    outbox: Counter  # Status -> messages

    @property
    def done(self) -> int:
        return self.outbox[Status.sent] + self.outbox[Status.failed]

    @property
    def pending(self) -> int:
        return self.outbox[Status.queued] + self.outbox[Status.in_flight]


def send_summary(session: Session, *, operation: Operation, send_id: int) -> SendSummary | None:
    send = session.scalar(select(Send).where(Send.id == send_id, Send.operation_id == operation.id))
    if send is None:
        return None
    frozen = select(SendRecipient).where(SendRecipient.send_id == send.id).subquery()
    counts = Counter(
        {
            (channel, language): count
            for channel, language, count in session.execute(
                select(frozen.c.channel, frozen.c.language, func.count()).group_by(
                    frozen.c.channel, frozen.c.language
                )
            )
        }
    )
    parties, people = session.execute(
        select(
            func.count(frozen.c.party_reference.distinct()),
            func.count(frozen.c.person_id.distinct()),
        )
    ).one()
    return SendSummary(send, counts, parties, people, outbox_counts(session, send_id=send.id))


def recent_sends(session: Session, *, operation: Operation, limit: int = 20) -> list[Send]:
    query = select(Send).where(Send.operation_id == operation.id)
    return list(session.scalars(query.order_by(Send.id.desc()).limit(limit)))
