"""The passes an operation issued: what each said, and whether it was revoked.

No names and no document numbers: a pass row holds the party's reference and the pass text,
whose document digests are keyed per operation and salted per pass.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, UTCDateTime, utcnow


class TravelPass(Base):
    """One issued pass; a revoked one keeps its row so the revocation list can name it."""

    __tablename__ = "travel_pass"
    __table_args__ = (Index(None, "operation_id", "party_reference", "window_start"),)

    pass_id: Mapped[str] = mapped_column(String(20), primary_key=True)  # hex of 10 bytes
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    party_reference: Mapped[str] = mapped_column(String(40))
    gate: Mapped[str] = mapped_column(String(80))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    head_count: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
