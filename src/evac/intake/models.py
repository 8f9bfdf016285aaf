"""Tables of intake: saved column mappings, import batches and the rows they rejected."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, BigId, UTCDateTime, utcnow


class MappingProfile(Base):
    """How a source's columns map to fields, confirmed once and reused for its next files."""

    __tablename__ = "intake_mapping_profile"
    __table_args__ = (UniqueConstraint("operation_id", "source"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    source: Mapped[str] = mapped_column(String(80))
    # JSON {header: field or null}, sealed: a header can be what a person wrote (a list's
    # first row, a form's question), so it goes with the operation's key when that is shredded
    mapping_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ImportBatch(Base):
    """One file, API submission or self-registration, and what became of its rows."""

    __tablename__ = "intake_batch"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    source: Mapped[str] = mapped_column(String(80), index=True)
    file: Mapped[str | None] = mapped_column(String(255))
    reference: Mapped[str] = mapped_column(String(24), unique=True)  # given to the submitter
    actor: Mapped[str] = mapped_column(String(80))
    # running, done, failed; interrupted: killed, found running by a later import of the file
    status: Mapped[str] = mapped_column(String(16), default="running")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a self-registration's household key: the same form sent again finds its reference
    submission_key: Mapped[str | None] = mapped_column(String(64), index=True)


class RejectedRow(Base):
    """A row intake could not take, with where and why; its content stays encrypted."""

    __tablename__ = "intake_rejected_row"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("intake_batch.id", ondelete="CASCADE"), index=True
    )
    row_number: Mapped[int]
    locator: Mapped[str] = mapped_column(String(120))
    column: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)  # what kind ("invalid phone"): no cell's value
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted: the whole why
    raw_payload: Mapped[bytes] = mapped_column(LargeBinary)  # encrypted JSON of the row
    household: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted; rejects file's
