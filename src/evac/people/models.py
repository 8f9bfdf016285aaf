"""Tables of the people domain. Personal fields are ciphertext (see evac.vault)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evac.db import Base, BigId, JSONData, UTCDateTime, utcnow


def _enum(enum_type: type[StrEnum], name: str) -> Enum:
    """A portable enum column: a checked VARCHAR on both databases, values as written."""
    return Enum(
        enum_type,
        name=name,
        native_enum=False,
        length=24,
        create_constraint=True,
        values_callable=lambda members: [m.value for m in members],
    )


class State(StrEnum):
    """Where a person is in the evacuation."""

    registered = "registered"
    verified = "verified"
    eligible = "eligible"
    ineligible = "ineligible"
    deferred = "deferred"
    called_forward = "called_forward"
    checked_in = "checked_in"
    processed = "processed"
    manifested = "manifested"
    boarded = "boarded"
    departed = "departed"
    arrived_hub = "arrived_hub"
    closed = "closed"
    no_show = "no_show"
    withdrawn = "withdrawn"
    merged = "merged"


class Sex(StrEnum):
    female = "F"
    male = "M"
    other = "X"
    unknown = "U"


class Role(StrEnum):
    """A member's place in a group, relative to its principal applicant."""

    principal = "principal"
    spouse = "spouse"
    child = "child"
    parent = "parent"
    sibling = "sibling"
    other = "other"


class DocumentKind(StrEnum):
    passport = "passport"
    tazkira = "tazkira"
    us_passport = "us_passport"
    green_card = "green_card"
    visa = "visa"
    id_card = "id_card"  # any other identity card (ICAO 9303 TD1 or TD2)
    siv_case = "siv_case"
    com_approval = "com_approval"  # Chief-of-Mission approval of an SIV case


class ContactKind(StrEnum):
    phone = "phone"
    email = "email"
    whatsapp = "whatsapp"


class Registration(Base):
    """One record exactly as a source sent it. Never updated except for its link to a person."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("operation_id", "source", "content_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    source: Mapped[str] = mapped_column(String(80))
    file: Mapped[str | None] = mapped_column(String(255))
    row_number: Mapped[int | None]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    raw_payload: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted JSON of the row
    record: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted RegistrationRecord JSON
    content_hash: Mapped[str] = mapped_column(String(64))  # keyed, so equal rows are findable
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)


class Person(Base):
    """One real human, resolved from one or more registrations."""

    __tablename__ = "person"
    __table_args__ = (Index("ix_person_operation_state", "operation_id", "state"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    state: Mapped[State] = mapped_column(_enum(State, "person_state"), default=State.registered)
    category: Mapped[str | None] = mapped_column(String(40))
    given_name: Mapped[bytes | None] = mapped_column(LargeBinary)
    father_name: Mapped[bytes | None] = mapped_column(LargeBinary)
    family_name: Mapped[bytes | None] = mapped_column(LargeBinary)
    name_native: Mapped[bytes | None] = mapped_column(LargeBinary)
    sex: Mapped[Sex] = mapped_column(_enum(Sex, "person_sex"), default=Sex.unknown)
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    birth_month: Mapped[int | None] = mapped_column(SmallInteger)
    birth_day: Mapped[int | None] = mapped_column(SmallInteger)
    birth_date_default: Mapped[bool] = mapped_column(Boolean, default=False)
    province: Mapped[str | None] = mapped_column(String(40))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    documents: Mapped[list["Document"]] = relationship(back_populates="person")
    contacts: Mapped[list["Contact"]] = relationship(back_populates="person")
    registrations: Mapped[list[Registration]] = relationship()


class Group(Base):
    """People who travel together (a household)."""

    __tablename__ = "travel_group"  # "group" is an SQL keyword

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    # a keyed digest of a source's case or family number (people.service.group_reference)
    reference: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["GroupMember"]] = relationship(back_populates="group")


class GroupMember(Base):
    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("travel_group.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "member_role"))

    group: Mapped[Group] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class Document(Base):
    """A document a person holds: one row per kind and number, however many registrations
    brought it (the same passport from five lists is one passport); `sources` lists them."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("person_id", "kind", "number_index"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "document_kind"))
    number: Mapped[bytes] = mapped_column(LargeBinary)
    number_index: Mapped[str] = mapped_column(String(32), index=True)  # blind index
    issuing_country: Mapped[str | None] = mapped_column(String(3))  # ICAO 9303 code, AFG, USA
    nationality: Mapped[str | None] = mapped_column(String(3))  # the holder's, as its MRZ says
    expiry: Mapped[date | None] = mapped_column(Date)
    issued_on: Mapped[date | None] = mapped_column(Date)  # a Chief-of-Mission approval's date
    status: Mapped[str | None] = mapped_column(String(40))  # approved, pending, denied...

    person: Mapped[Person] = relationship(back_populates="documents")
    sources: Mapped[list["DocumentSource"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class DocumentSource(Base):
    """A registration that brought a document to its person."""

    __tablename__ = "document_source"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id"), primary_key=True, index=True
    )


class Contact(Base):
    """A phone or e-mail of a person: one row per kind and value; `sources` lists the
    registrations that brought it."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("person_id", "kind", "value_index"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[ContactKind] = mapped_column(_enum(ContactKind, "contact_kind"))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    value_index: Mapped[str] = mapped_column(String(32), index=True)  # blind index

    person: Mapped[Person] = relationship(back_populates="contacts")
    sources: Mapped[list["ContactSource"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ContactSource(Base):
    """A registration that brought a contact to its person."""

    __tablename__ = "contact_source"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id"), primary_key=True, index=True
    )


class Event(Base):
    """An append-only fact about a person: who did what, when and where."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_person_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    place: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[dict] = mapped_column(JSONData, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
