"""Tables of notify: the outbox, sends and their frozen audiences, language preferences."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, BigId, JSONData, UTCDateTime, utcnow


def _enum(enum_type: type[StrEnum], name: str) -> Enum:
    """A portable enum column: a checked VARCHAR on both databases, values as written."""
    return Enum(
        enum_type,
        name=name,
        native_enum=False,
        length=16,
        create_constraint=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Channel(StrEnum):
    email = "email"
    sms = "sms"
    whatsapp = "whatsapp"


class Status(StrEnum):
    """Where one message is in the outbox."""

    queued = "queued"
    in_flight = "in_flight"  # claimed by a worker, perhaps handed to the server already
    sent = "sent"  # accepted by the mail server or gateway
    failed = "failed"  # refused for good, or out of attempts


class SendState(StrEnum):
    previewed = "previewed"  # audience resolved and frozen, nothing queued yet
    queued = "queued"  # its messages are in the outbox
    cancelled = "cancelled"


class OutboxMessage(Base):
    """One message to one contact. The recipient and the template's values are ciphertext:
    a list of who is called when, and where to, is as dangerous as the register itself."""

    __tablename__ = "notify_outbox"
    __table_args__ = (Index("ix_notify_outbox_claim", "status", "channel", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    send_id: Mapped[int | None] = mapped_column(ForeignKey("notify_send.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "notify_channel"))
    recipient: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted address or number
    language: Mapped[str] = mapped_column(String(8))
    template: Mapped[str] = mapped_column(String(40))
    values: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted JSON of the template's values
    # Fixed when queued, so a message sent again after a crash is recognisably the same one.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[Status] = mapped_column(_enum(Status, "notify_status"), default=Status.queued)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # while in flight
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)  # gateway's SID
    delivery_status: Mapped[str | None] = mapped_column(String(24))  # as the gateway reports
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Send(Base):
    """One message written for one audience: what, to whom (frozen at preview), by whom."""

    __tablename__ = "notify_send"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    template: Mapped[str] = mapped_column(String(40))
    audience: Mapped[dict] = mapped_column(JSONData)  # the filter as chosen
    state: Mapped[SendState] = mapped_column(
        _enum(SendState, "notify_send_state"), default=SendState.previewed
    )
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Recipients frozen at preview that the re-check at send left out, and why.
    dropped: Mapped[dict] = mapped_column(JSONData, default=dict)


class SendRecipient(Base):
    """One contact of one party, as the audience was resolved at preview."""

    __tablename__ = "notify_recipient"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    send_id: Mapped[int] = mapped_column(ForeignKey("notify_send.id", ondelete="CASCADE"))
    party_reference: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "notify_channel"))
    language: Mapped[str] = mapped_column(String(8))
    # The call this party was chosen for (plan window), kept for the message and the pass.
    call: Mapped[dict] = mapped_column(JSONData, default=dict)


class SavedAudience(Base):
    """An audience kept under a name ("US citizens, priority 1"), to send to again. Resolved
    afresh at every preview: who it holds is what the register says then."""

    __tablename__ = "notify_audience"
    __table_args__ = (UniqueConstraint("operation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    name: Mapped[str] = mapped_column(String(80))
    audience: Mapped[dict] = mapped_column(JSONData)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LanguageSource(StrEnum):
    form = "form"  # chosen on the registration form
    list = "list"  # a source list's language column
    officer = "officer"  # set by staff


class LanguagePreference(Base):
    """The language a person wants messages in. The register keeps none (neither the
    RegistrationRecord nor /register stores it), so notify keeps it here; without a row the
    person's category decides (notify.languages)."""

    __tablename__ = "notify_language"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[LanguageSource] = mapped_column(_enum(LanguageSource, "notify_language_source"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
