"""A send from start to end: preview (resolve and freeze the audience), then queue (check the
audience again, issue each party's pass, queue its messages, mark its members called forward).
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from evac.auth.permissions import Actor, Permission
from evac.db import session_scope, utcnow
from evac.notify.audience import Audience, Recipient, resolve
from evac.notify.channels import MaildirTransport, TextFolderTransport
from evac.notify.models import Channel, Send, SendRecipient, SendState
from evac.notify.outbox import NewMessage, queue_messages
from evac.notify.templates import Template, call_values, window_values
from evac.notify.worker import Worker
from evac.operation.models import Operation
from evac.passes.flows import gate_document_numbers, travelling_members
from evac.passes.models import TravelPass
from evac.passes.service import IssuedPass, PassRequest, issue_passes, revoke_pass
from evac.people.lifecycle import IllegalTransition, transition
from evac.people.models import Contact, Person, State
from evac.planning.service import first_window, mark_called
from evac.vault.audit import record_access
from evac.vault.keys import KeyProvider
from evac.vault.service import OperationCipher, cipher_for

CALLS = (Template.call_forward, Template.change)


class SendError(ValueError):
    """A send that cannot be made as asked (a call-forward with no window, a send twice)."""


@dataclass(frozen=True)
class Preview:
    send_id: int
    parties: int
    people: int
    unreachable_parties: int
    counts: Counter  # (channel, language) -> messages


@dataclass(frozen=True)
class Queued:
    send_id: int
    messages: int  # newly queued
    parties: int
    called_forward: int  # members moved to called_forward now (not by an earlier send)
    dropped: dict[str, int]  # recipients frozen at preview but not sent to, by reason


def preview_send(
    session: Session,
    *,
    actor: Actor,
    cipher: OperationCipher,
    operation: Operation,
    template: Template,
    audience: Audience,
) -> Preview:
    """Resolve the audience and freeze it as a send's recipients; nothing is sent yet."""
    actor.require(Permission.personal_read)
    if template in (*CALLS, Template.cancellation) and audience.window_start is None:
        raise SendError(f"a {template.value} message needs the plan window it is about")
    resolution = resolve(session, operation=operation, audience=audience, cipher=cipher)
    send = Send(
        operation_id=operation.id,
        template=template.value,
        audience=audience.to_json(),
        created_by=actor.username,
        dropped={},
    )
    session.add(send)
    session.flush()
    session.add_all(
        SendRecipient(
            send_id=send.id,
            party_reference=r.party_reference,
            person_id=r.person_id,
            contact_id=r.contact_id,
            channel=r.channel,
            language=r.language,
            call=r.call,
        )
        for r in resolution.recipients
    )
    counts = resolution.counts()
    record_access(
        session,
        actor=actor,
        action="notify.preview",
        purpose=template.value,
        subject=f"notify_send:{send.id}",
        details={"audience": audience.to_json(), "messages": sum(counts.values())},
    )
    return Preview(
        send.id, resolution.parties, resolution.people, resolution.unreachable_parties, counts
    )


def queue_send(
    session: Session,
    *,
    actor: Actor,
    provider: KeyProvider,
    cipher: OperationCipher,
    operation: Operation,
    send_id: int,
    domain: str = "evac.invalid",
) -> Queued:
    """Queue the messages of a previewed send to the recipients that still belong to its
    audience; for a call-forward, issue each party's pass and mark its members called forward."""
    actor.require(Permission.personal_read)
    send = session.scalar(
        select(Send).where(Send.id == send_id, Send.operation_id == operation.id).with_for_update()
    )
    if send is None:
        raise SendError(f"no send {send_id} in this operation")
    if send.state != SendState.previewed:
        raise SendError(f"send {send_id} is {send.state.value}: preview the audience again")
    template = Template(send.template)
    kept, dropped = recheck(session, operation=operation, send=send, cipher=cipher)
    by_party: dict[str, list[Recipient]] = defaultdict(list)
    for recipient in kept:
        by_party[recipient.party_reference].append(recipient)
    addresses = _addresses(session, cipher=cipher, send=send, recipients=kept)
    calls = {reference: recipients[0].call for reference, recipients in by_party.items()}
    _revoke_retired_passes(
        session, actor=actor, operation=operation, template=template, calls=calls
    )
    members = _members(session, operation=operation, references=list(calls), template=template)
    passes = _party_passes(
        session, provider=provider, cipher=cipher, operation=operation, calls=calls, members=members
    )
    messages: list[NewMessage] = []
    moved = 0
    for reference, recipients in by_party.items():
        moved += sum(
            _call_forward(
                session,
                actor=actor,
                person=person,
                send=send,
                reference=reference,
                call=calls[reference],
            )
            for person in members.get(reference, [])
        )
        values = _values(
            template, operation, calls[reference], members.get(reference), passes.get(reference)
        )
        messages += [
            _message(send, template, r, values, addresses[r.contact_id]) for r in recipients
        ]
    queued = queue_messages(session, cipher=cipher, messages=messages, domain=domain)
    if template in CALLS:
        mark_called(session, operation=operation, references=list(by_party), at=utcnow())
    send.state, send.queued_at, send.dropped = SendState.queued, utcnow(), dict(dropped)
    record_access(
        session,
        actor=actor,
        action="notify.send",
        purpose=template.value,
        subject=f"notify_send:{send.id}",
        details={"messages": queued, "parties": len(by_party), "dropped": dict(dropped)},
    )
    return Queued(send.id, queued, len(by_party), moved, dict(dropped))


def recheck(
    session: Session, *, operation: Operation, send: Send, cipher: OperationCipher
) -> tuple[list[Recipient], Counter[str]]:
    """The send's frozen recipients that the audience, resolved again now, still holds; and
    why the others are left out. Nobody is added: whoever joined since was never previewed."""
    audience = Audience.from_json(send.audience)
    now = resolve(session, operation=operation, audience=audience, cipher=cipher)
    current = {r.key for r in now.recipients}
    frozen = session.scalars(
        select(SendRecipient).where(SendRecipient.send_id == send.id).order_by(SendRecipient.id)
    ).all()
    merged = set(
        session.scalars(
            select(Person.id)
            .join(SendRecipient, SendRecipient.person_id == Person.id)
            .where(SendRecipient.send_id == send.id, Person.merged_into_id.is_not(None))
        )
    )
    kept, dropped = [], Counter()
    for row in frozen:
        recipient = Recipient(
            row.party_reference, row.person_id, row.contact_id, row.channel, row.language, row.call
        )
        if row.person_id in merged:
            dropped["merged into another person"] += 1
        elif recipient.key not in current:
            dropped["no longer in the audience"] += 1
        else:
            kept.append(recipient)
    return kept, dropped


def _revoke_retired_passes(
    session: Session, *, actor: Actor, operation: Operation, template: Template, calls: dict
) -> None:
    """A cancellation revokes the party's pass for its window, a change those of its other
    windows: the message says the old pass no longer works, and the gates must agree."""
    if template not in (Template.cancellation, Template.change):
        return
    cancelled = template == Template.cancellation
    reason = "call-forward cancelled" if cancelled else "call-forward changed"
    for reference, call in calls.items():
        start = _window(call)["window_start"]

        def retired(window: datetime, start: datetime = start) -> bool:
            return window == start if cancelled else window != start

        _revoke_passes(
            session,
            actor=actor,
            operation=operation,
            reference=reference,
            windows=retired,
            reason=reason,
        )


def _members(
    session: Session, *, operation: Operation, references: list[str], template: Template
) -> dict[str, list[Person]]:
    """Each called party's members who travel, their documents read in one query (a pass
    digests them) rather than one query a person."""
    if template not in CALLS:
        return {}
    members = {
        reference: travelling_members(session, operation=operation, reference=reference)
        for reference in references
    }
    ids = [person.id for persons in members.values() for person in persons]
    for start in range(0, len(ids), 1000):
        session.scalars(
            select(Person)
            .where(Person.id.in_(ids[start : start + 1000]))
            .options(selectinload(Person.documents))
        ).all()
    return members


def _party_passes(
    session: Session,
    *,
    provider: KeyProvider,
    cipher: OperationCipher,
    operation: Operation,
    calls: dict[str, dict],
    members: dict[str, list[Person]],
) -> dict[str, IssuedPass]:
    """The called parties' passes, one per party and window, issued in one go."""
    requests = [
        PassRequest(
            party_reference=reference,
            gate=calls[reference]["gate"],
            **_window(calls[reference]),
            document_numbers=gate_document_numbers(persons, cipher=cipher),
            head_count=len(persons),
        )
        for reference, persons in members.items()
    ]
    issued = issue_passes(session, provider=provider, operation=operation, requests=requests)
    return {request.party_reference: p for request, p in zip(requests, issued, strict=True)}


def _values(
    template: Template,
    operation: Operation,
    call: dict,
    members: list[Person] | None,
    issued: IssuedPass | None,
) -> dict:
    """The values of the party's message: its window, and for a call-forward its pass."""
    if template in CALLS:
        return call_values(
            gate=call["gate"],
            **_window(call),
            time_zone=operation.time_zone,
            travellers=len(members),
            pass_text=issued.text,
            short_code=issued.short_code,
        )
    if template == Template.cancellation:
        return window_values(**_window(call), time_zone=operation.time_zone)
    return {}


def _revoke_passes(
    session: Session,
    *,
    actor: Actor,
    operation: Operation,
    reference: str,
    windows: Callable[[datetime], bool],
    reason: str,
) -> None:
    """Revoke the party's live passes of the windows chosen: the message tells the party
    its earlier pass no longer works, and the gates must agree."""
    live = session.execute(
        select(TravelPass.pass_id, TravelPass.window_start).where(
            TravelPass.operation_id == operation.id,
            TravelPass.party_reference == reference,
            TravelPass.revoked_at.is_(None),
        )
    ).all()
    for pass_id, window_start in live:
        if windows(window_start):
            revoke_pass(
                session,
                actor=actor,
                operation=operation,
                pass_id=bytes.fromhex(pass_id),
                reason=reason,
            )


def _window(call: dict) -> dict[str, datetime]:
    return {
        "window_start": datetime.fromisoformat(call["window_start"]),
        "window_end": datetime.fromisoformat(call["window_end"]),
    }


def _call_forward(
    session: Session, *, actor: Actor, person: Person, send: Send, reference: str, call: dict
) -> bool:
    """Move one member to called_forward. The key names the call (party, window, person), so
    sending the same call again, in this send or another, never moves anyone twice."""
    key = f"call-forward:{reference}:{call['window_start']}:{call['gate']}:{person.id}"
    try:
        event = transition(
            session,
            person=person,
            to=State.called_forward,
            actor=actor,
            idempotency_key=key,
            place=call["gate"],
            data={"send": send.id, "party": reference, "window_start": call["window_start"]},
        )
    except IllegalTransition:
        return False  # already checked in or further on: a late message changes nothing
    return event.data.get("send") == send.id  # else an earlier send made this very call


def _message(
    send: Send, template: Template, recipient: Recipient, values: dict, address: str
) -> NewMessage:
    return NewMessage(
        channel=recipient.channel,
        recipient=address,
        language=recipient.language,
        template=template,
        values=values,
        idempotency_key=f"notify:{send.id}:{recipient.contact_id}:{recipient.channel.value}",
        person_id=recipient.person_id,
        send_id=send.id,
    )


def _addresses(
    session: Session, *, cipher: OperationCipher, send: Send, recipients: list[Recipient]
) -> dict[int, str]:
    """Each recipient's address or number, decrypted, by contact id."""
    wanted = {r.contact_id for r in recipients}
    rows = session.execute(
        select(Contact.id, Contact.value)
        .join(SendRecipient, SendRecipient.contact_id == Contact.id)
        .where(SendRecipient.send_id == send.id)
    )
    return {
        contact_id: cipher.decrypt(value, field="contact.value")
        for contact_id, value in rows
        if contact_id in wanted
    }


@dataclass(frozen=True)
class DemoCounts:
    """What `evac demo` prints of its call-forward."""

    window_start: datetime | None
    parties: int
    people: int
    messages: int  # written into the mail and text folders
    by_language: dict[str, int]
    by_channel: dict[str, int]
    folder: Path  # e-mail in folder/mail (Maildir), SMS and WhatsApp in folder/texts


def demo_step(
    factory: sessionmaker[Session],
    *,
    provider: KeyProvider,
    operation_id: int,
    actor: Actor,
    folder: Path,
) -> DemoCounts:
    """Call the plan's first window forward into local folders, as the recipients would
    read it: e-mail into a Maildir (`folder/mail`), SMS and WhatsApp as text files
    (`folder/texts`); say how many went."""
    with session_scope(factory) as session:
        operation = session.get(Operation, operation_id)
        cipher = cipher_for(session, provider=provider, operation_id=operation_id)
        window = first_window(session, operation=operation)
        if window is None:
            return DemoCounts(None, 0, 0, 0, {}, {}, folder)
        audience = Audience(window_start=window, channels=tuple(Channel))
        shown = preview_send(
            session,
            actor=actor,
            cipher=cipher,
            operation=operation,
            template=Template.call_forward,
            audience=audience,
        )
        queue_send(
            session,
            actor=actor,
            provider=provider,
            cipher=cipher,
            operation=operation,
            send_id=shown.send_id,
        )
    transports = {
        Channel.email: MaildirTransport(folder / "mail", sender="evac@demo.invalid"),
        Channel.sms: TextFolderTransport(folder / "texts", channel=Channel.sms),
        Channel.whatsapp: TextFolderTransport(folder / "texts", channel=Channel.whatsapp),
    }
    sent = Worker(factory, provider=provider, transports=transports).run().sent
    by_language, by_channel = Counter(), Counter()
    for (channel, language), count in shown.counts.items():
        by_language[language] += count
        by_channel[channel] += count
    return DemoCounts(
        window, shown.parties, shown.people, sent, dict(by_language), dict(by_channel), folder
    )
