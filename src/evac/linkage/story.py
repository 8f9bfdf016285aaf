"""A person's whole story as an officer reads it: names, documents, contacts, households,
every registration with its partner, file and row, the lifecycle events, the linkage history
and the review pairs that involve them. Reading it is personal data: audited, with a purpose."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from evac.auth.permissions import Actor, Permission
from evac.linkage.models import LinkHistory, ReviewItem
from evac.linkage.service import person_history
from evac.people.models import Event, GroupMember, Person, Registration
from evac.people.records import RegistrationRecord
from evac.people.service import PersonNames, merged_into_them, read_names, read_registration
from evac.vault.audit import record_access
from evac.vault.service import OperationCipher

# What the page calls each kind of document or contact, and a document's details.
KIND_LABELS = {
    "passport": "Passport",
    "tazkira": "Tazkira",
    "us_passport": "US passport",
    "green_card": "Green card",
    "visa": "Visa",
    "id_card": "Identity card",
    "siv_case": "SIV case",
    "com_approval": "Chief-of-Mission approval",
    "phone": "Phone",
    "email": "E-mail",
    "whatsapp": "WhatsApp",
}
READ_PURPOSE = "see a person's record: who they are, where they came from, what happened"


@dataclass(frozen=True)
class HeldItem:
    """A document or contact, decrypted, with the partners whose registrations brought it."""

    kind: str  # its label, as KIND_LABELS names it
    value: str
    details: dict
    sources: list[str]


@dataclass(frozen=True)
class HouseholdMember:
    person_id: int
    role: str
    names: PersonNames


@dataclass(frozen=True)
class Household:
    group_id: int
    role: str  # this person's role in it
    members: list[HouseholdMember]  # the others


@dataclass(frozen=True)
class PersonStory:
    person: Person
    names: PersonNames
    registrations: list[tuple[Registration, RegistrationRecord]]
    documents: list[HeldItem]
    contacts: list[HeldItem]
    households: list[Household]
    events: list[Event]
    history: list[LinkHistory]
    reviews: list[ReviewItem]


def person_story(
    session: Session, *, cipher: OperationCipher, actor: Actor, person: Person
) -> PersonStory:
    """Everything known of `person`, decrypted for `actor`; the read is audited."""
    actor.require(Permission.personal_read)
    registrations = list(
        session.scalars(
            select(Registration)
            .where(Registration.person_id == person.id)
            .order_by(Registration.id)
        )
    )
    sources = {r.id: r.source for r in registrations}
    story = PersonStory(
        person=person,
        names=read_names(person, cipher=cipher),
        registrations=[(r, read_registration(r, cipher=cipher)[1]) for r in registrations],
        documents=[_document(d, cipher, sources) for d in person.documents],
        contacts=[_contact(c, cipher, sources) for c in person.contacts],
        households=_households(session, cipher, person.id),
        events=_events(session, person.id),
        history=person_history(session, person_id=person.id),
        reviews=_reviews(session, [r.id for r in registrations]),
    )
    record_access(session, actor=actor, action="person.read", purpose=READ_PURPOSE,
                  subject=f"person:{person.id}",
                  details={"registrations": list(sources)})  # fmt: skip
    return story


def _sources(links, sources: dict[int, str]) -> list[str]:
    # A registration since split off to another person still names its partner here.
    return sorted({sources.get(link.registration_id, "?") for link in links})


def _document(document, cipher: OperationCipher, sources: dict[int, str]) -> HeldItem:
    details = {
        "Issued by": document.issuing_country,
        "Expires": _iso(document.expiry),
        "Status": document.status,
    }
    return HeldItem(
        kind=KIND_LABELS[document.kind.value],
        value=cipher.decrypt(document.number, field="document.number"),
        details={k: v for k, v in details.items() if v},
        sources=_sources(document.sources, sources),
    )


def _contact(contact, cipher: OperationCipher, sources: dict[int, str]) -> HeldItem:
    return HeldItem(
        kind=KIND_LABELS[contact.kind.value],
        value=cipher.decrypt(contact.value, field="contact.value"),
        details={},
        sources=_sources(contact.sources, sources),
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _households(session: Session, cipher: OperationCipher, person_id: int) -> list[Household]:
    households = []
    own = session.scalars(select(GroupMember).where(GroupMember.person_id == person_id))
    for membership in own:
        others = [
            HouseholdMember(m.person_id, m.role.value, read_names(m.person, cipher=cipher))
            for m in sorted(membership.group.members, key=lambda m: m.person_id)
            if m.person_id != person_id
        ]
        households.append(Household(membership.group_id, membership.role.value, others))
    return households


def _events(session: Session, person_id: int) -> list[Event]:
    """The person's events and those of the persons merged into them (their story before the
    merge is this person's too), oldest first."""
    ids = merged_into_them(session, person_id=person_id)
    query = select(Event).where(Event.person_id.in_(ids)).order_by(Event.at, Event.id)
    return list(session.scalars(query))


def _reviews(session: Session, registration_ids: list[int]) -> list[ReviewItem]:
    """The review pairs that involve any of the person's registrations, newest first."""
    return list(
        session.scalars(
            select(ReviewItem)
            .where(
                or_(
                    ReviewItem.registration_a_id.in_(registration_ids),
                    ReviewItem.registration_b_id.in_(registration_ids),
                )
            )
            .order_by(ReviewItem.id.desc())
        )
    )
