"""What the gate records: check-ins, the steps of the evacuation control center (ECC), the
conflicts a supervisor must settle, and the supervisor's decisions.

No names and no document numbers: a check-in names the party by its reference and the
persons by id; the content digest covers a document only through its keyed blind index.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, BigId, JSONData, UTCDateTime, utcnow
from evac.people.models import _enum  # the portable enum column every domain uses


class Step(StrEnum):
    """The ECC's stations, in the order a party goes through them."""

    reception = "reception"
    id_check = "id_check"
    screening = "screening"
    medical = "medical"
    manifest = "manifest"


class Outcome(StrEnum):
    passed = "passed"
    sent_back = "sent_back"  # back to an officer: ineligible after all
    refused = "refused"  # withdrawn from the evacuation (refused to travel, left)


class ConflictKind(StrEnum):
    """Why a check-in waits for a supervisor instead of being taken."""

    other_content = "other_content"  # one idempotency key, two different check-ins
    party_again = "party_again"  # a party already checked in (another gate, another device)


class Decision(StrEnum):
    keep_first = "keep_first"  # the first check-in stands; the second is dismissed
    take_second = "take_second"  # the second was right: the check-in moves to its gate


class CheckIn(Base):
    """One party let in at one gate, recorded once by its idempotency key."""

    __tablename__ = "gate_checkin"
    __table_args__ = (Index(None, "operation_id", "party_reference"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    content_digest: Mapped[str] = mapped_column(String(64))
    party_reference: Mapped[str] = mapped_column(String(40))
    pass_id: Mapped[str | None] = mapped_column(String(20))  # None: found by document
    gate: Mapped[str] = mapped_column(String(80))
    station: Mapped[str] = mapped_column(String(80))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the gate saw them
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    members_confirmed: Mapped[int] = mapped_column(Integer)


class Evacuee(Base):
    """A person checked in (once an operation). The row's id is the number on their
    wristband: the database hands it out, so gates checking in at once never wait on one
    counter or collide on a number."""

    __tablename__ = "gate_evacuee"
    __table_args__ = (UniqueConstraint("operation_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("gate_checkin.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))


class StationEvent(Base):
    """One ECC station's step for one evacuee; a refusal carries its reason."""

    __tablename__ = "gate_station_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    step: Mapped[Step] = mapped_column(_enum(Step, "gate_step"))
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome, "gate_outcome"))
    station: Mapped[str] = mapped_column(String(80))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)


class Conflict(Base):
    """A check-in that was not taken, kept for a supervisor: what was sent, and what it
    collided with. Never overwritten: a resend of the same thing finds this row."""

    __tablename__ = "gate_conflict"
    __table_args__ = (UniqueConstraint("idempotency_key", "content_digest"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    kind: Mapped[ConflictKind] = mapped_column(_enum(ConflictKind, "gate_conflict_kind"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("gate_checkin.id"))  # the one taken
    idempotency_key: Mapped[str] = mapped_column(String(120))
    content_digest: Mapped[str] = mapped_column(String(64))
    party_reference: Mapped[str] = mapped_column(String(40))
    gate: Mapped[str] = mapped_column(String(80))
    station: Mapped[str] = mapped_column(String(80))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[dict] = mapped_column(JSONData, default=dict)


class SupervisorOverride(Base):
    """How a supervisor settled a conflict, and why."""

    __tablename__ = "gate_override"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conflict_id: Mapped[int] = mapped_column(ForeignKey("gate_conflict.id"), unique=True)
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "gate_decision"))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
