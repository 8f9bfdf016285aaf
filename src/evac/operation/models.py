"""The operation: one evacuation, with its airport, time zone and deadline."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from evac.db import Base, UTCDateTime, utcnow


class Operation(Base):
    __tablename__ = "operation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    airport: Mapped[str] = mapped_column(String(4))  # ICAO code, OAKB for Kabul
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name, Asia/Kabul
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
