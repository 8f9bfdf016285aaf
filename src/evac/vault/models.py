"""Wrapped per-operation keys."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, UTCDateTime, utcnow


class OperationKey(Base):
    """One operation's data key and blind-index key, each wrapped by the master key.

    Deleting these rows is the crypto-shred: without them no ciphertext of the operation
    can be decrypted and no blind index recomputed.
    """

    __tablename__ = "operation_key"
    __table_args__ = (UniqueConstraint("operation_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    version: Mapped[int]
    master_key_id: Mapped[str] = mapped_column(String(64))
    wrapped_data_key: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_index_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
