"""Tables of reports: the blind index that lets a search find names without reading them."""

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, BigId


class SearchKey(Base):
    """One name key of one registration as a keyed digest (`OperationCipher.blind_index`):
    equal keys are findable, no name is readable, and a shred of the operation key leaves
    digests no one can compute again. Registrations never change, so neither do their keys;
    merges and splits move registrations between persons and searches follow them."""

    __tablename__ = "search_key"
    __table_args__ = (Index("ix_search_key_digest", "digest", "registration_id"),)

    registration_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
