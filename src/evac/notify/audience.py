"""Who a message is for: parties chosen by plan window, category and priority, each member's
contacts on the chosen channels, each in its language.

In August 2021 an e-mail meant for US citizens reached crowds of Afghans. So an audience is
resolved when it is previewed, and frozen; at send it is resolved again and only the frozen
recipients that still belong are sent to (a merged person, a changed decision, a moved call
are dropped and counted).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.eligibility.service import party_members, plannable_parties
from evac.notify.languages import languages_of
from evac.notify.models import Channel, SavedAudience
from evac.operation.models import Operation
from evac.people.models import Contact, ContactKind, Person, State
from evac.planning.service import PlannedCall, current_calls
from evac.vault.service import OperationCipher

CHANNEL_OF = {
    ContactKind.email: Channel.email,
    ContactKind.phone: Channel.sms,
    ContactKind.whatsapp: Channel.whatsapp,
}
# Members who no longer travel with their party, whatever a stale list says.
GONE = frozenset({State.merged, State.withdrawn, State.closed})


@dataclass(frozen=True)
class Audience:
    """Parties to write to. Every criterion given narrows; none given is every party that may
    travel. A call-forward needs a plan window (its gate and time come from the plan)."""

    window_start: datetime | None = None
    categories: tuple[str, ...] = ()
    priorities: tuple[int, ...] = ()
    channels: tuple[Channel, ...] = (Channel.email, Channel.sms)

    def to_json(self) -> dict:
        return {
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "categories": list(self.categories),
            "priorities": list(self.priorities),
            "channels": [c.value for c in self.channels],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Audience":
        start = data.get("window_start")
        return cls(
            window_start=datetime.fromisoformat(start) if start else None,
            categories=tuple(data.get("categories", ())),
            priorities=tuple(int(p) for p in data.get("priorities", ())),
            channels=tuple(Channel(c) for c in data.get("channels", ("email", "sms"))),
        )


@dataclass(frozen=True)
class Recipient:
    """One contact of one party's member: what is frozen at preview."""

    party_reference: str
    person_id: int
    contact_id: int
    channel: Channel
    language: str
    call: dict = field(default_factory=dict, compare=False)  # gate and window, from the plan

    @property
    def key(self) -> tuple:
        """What must still hold at send: this contact of this person, in this party, for
        this call."""
        call = tuple(sorted(self.call.items()))
        return (self.party_reference, self.person_id, self.contact_id, self.channel, call)


@dataclass(frozen=True)
class Resolution:
    recipients: list[Recipient]
    parties: int  # parties in the audience
    people: int  # their members who travel
    unreachable_parties: int  # parties with no contact on the chosen channels

    def counts(self) -> Counter[tuple[str, str]]:
        """Messages per channel and language."""
        return Counter((r.channel.value, r.language) for r in self.recipients)


def call_json(call: PlannedCall) -> dict:
    return {
        "gate": call.gate,
        "window_start": call.window_start.isoformat(),
        "window_end": call.window_end.isoformat(),
    }


def resolve(
    session: Session, *, operation: Operation, audience: Audience, cipher: OperationCipher
) -> Resolution:
    """The audience as the register and the plan say now."""
    parties = [
        party
        for party in plannable_parties(session, operation=operation)
        if (not audience.categories or party.category in audience.categories)
        and (not audience.priorities or party.priority in audience.priorities)
    ]
    calls: dict[str, PlannedCall] = {}
    if audience.window_start is not None:
        window = current_calls(session, operation=operation, window_start=audience.window_start)
        calls = {call.party_reference: call for call in window}
        parties = [party for party in parties if party.reference in calls]
    members = {
        party.reference: [
            person
            for person in party_members(session, operation=operation, reference=party.reference)
            if person.merged_into_id is None and State(person.state) not in GONE
        ]
        for party in parties
    }
    travelling = [person for persons in members.values() for person in persons]
    contacts = _contacts(session, [p.id for p in travelling], audience.channels)
    languages = languages_of(session, persons=travelling, cipher=cipher)
    recipients: list[Recipient] = []
    unreachable = 0
    for reference, persons in members.items():
        call = call_json(calls[reference]) if reference in calls else {}
        found = _party_recipients(reference, persons, contacts, languages, call)
        unreachable += not found
        recipients.extend(found)
    return Resolution(recipients, len(members), len(travelling), unreachable)


def _party_recipients(
    reference: str,
    persons: list[Person],
    contacts: dict[int, list[tuple[int, Channel, str]]],
    languages: dict[int, str],
    call: dict,
) -> list[Recipient]:
    """One message per contact of the party: a family sharing a phone gets it once."""
    seen: set[tuple[Channel, str]] = set()
    found = []
    for person in persons:
        for contact_id, channel, value_index in contacts.get(person.id, []):
            if (channel, value_index) in seen:
                continue
            seen.add((channel, value_index))
            found.append(
                Recipient(reference, person.id, contact_id, channel, languages[person.id], call)
            )
    return found


def _contacts(
    session: Session, person_ids: list[int], channels: tuple[Channel, ...]
) -> dict[int, list[tuple[int, Channel, str]]]:
    kinds = [kind for kind, channel in CHANNEL_OF.items() if channel in channels]
    found: dict[int, list[tuple[int, Channel, str]]] = {}
    for start in range(0, len(person_ids), 1000):
        rows = session.execute(
            select(Contact.id, Contact.person_id, Contact.kind, Contact.value_index)
            .where(Contact.person_id.in_(person_ids[start : start + 1000]), Contact.kind.in_(kinds))
            .order_by(Contact.id)
        )
        for contact_id, person_id, kind, value_index in rows:
            found.setdefault(person_id, []).append(
                (contact_id, CHANNEL_OF[ContactKind(kind)], value_index)
            )
    return found


def save_audience(
    session: Session, *, operation: Operation, name: str, audience: Audience, created_by: str
) -> SavedAudience:
    """Keep an audience under a name (the name chosen again replaces it)."""
    saved = session.scalar(
        select(SavedAudience).where(
            SavedAudience.operation_id == operation.id, SavedAudience.name == name
        )
    )
    if saved is None:
        saved = SavedAudience(operation_id=operation.id, name=name, created_by=created_by)
        session.add(saved)
    saved.audience = audience.to_json()
    session.flush()
    return saved


def saved_audience(session: Session, *, operation: Operation, name: str) -> Audience:
    saved = session.scalar(
        select(SavedAudience).where(
            SavedAudience.operation_id == operation.id, SavedAudience.name == name
        )
    )
    if saved is None:
        raise LookupError(f"no saved audience {name!r} in this operation")
    return Audience.from_json(saved.audience)


def saved_audiences(session: Session, *, operation: Operation) -> list[SavedAudience]:
    query = select(SavedAudience).where(SavedAudience.operation_id == operation.id)
    return list(session.scalars(query.order_by(SavedAudience.name)))
