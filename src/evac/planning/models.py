"""Saved plans: each run of the planner is a new version; the newest is the current plan."""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, UTCDateTime, utcnow


class SavedPlan(Base):
    """One version of an operation's plan, with what it achieved against its bound."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("operation_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(
        ForeignKey("operation.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)  # no window before this
    method: Mapped[str] = mapped_column(String(40))
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)


class PlannedParty(Base):
    """A party in one plan version: its call-forward and sortie, or why it is left behind."""

    __tablename__ = "plan_party"
    __table_args__ = (UniqueConstraint("plan_id", "party_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    # Parties are named by their reference, not a key into eligibility's tables: a plan is
    # a record of what was decided and stays readable whatever happens to the register.
    party_reference: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40))
    gate: Mapped[str | None] = mapped_column(String(80))
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sortie: Mapped[str | None] = mapped_column(String(24))
    departs_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hub: Mapped[str | None] = mapped_column(String(80))
    left_behind: Mapped[str | None] = mapped_column(String(16))  # no seats, gate full, hub full
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set when called forward
