"""The operation: one evacuation, with its airport, gates, aircraft, sorties and hubs."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
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


class SiteKind(StrEnum):
    airport = "airport"
    gate = "gate"


class Site(Base):
    """A place of the operation: its airport (with its runways) or an entry gate."""

    __tablename__ = "operation_site"
    __table_args__ = (UniqueConstraint("operation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    kind: Mapped[SiteKind] = mapped_column(Enum(SiteKind, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(80))
    code: Mapped[str | None] = mapped_column(String(8))  # ICAO code for airports
    runways: Mapped[int | None] = mapped_column(Integer)
    hourly_capacity: Mapped[int | None] = mapped_column(Integer)  # persons screened an hour
    # A gate's crowd cap: the most people called to it for one slot (crowds outside the walls
    # were the danger at Abbey Gate), and its daily opening hours on the local clock (None:
    # open around the clock); closures beyond those are GateClosure rows.
    crowd_cap: Mapped[int | None] = mapped_column(Integer)
    opens_hour: Mapped[int | None] = mapped_column(Integer)
    closes_hour: Mapped[int | None] = mapped_column(Integer)
    departures_per_hour: Mapped[int | None] = mapped_column(Integer)  # an airport's runway slots
    note: Mapped[str | None] = mapped_column(Text)


class GateClosure(Base):
    """A time a gate admits nobody (an embassy alert, a bombing)."""

    __tablename__ = "gate_closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(
        ForeignKey("operation_site.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)


class AircraftType(Base):
    """A kind of aircraft with the evacuee loads it really flew (not only its rated seats)."""

    __tablename__ = "aircraft_type"
    __table_args__ = (UniqueConstraint("operation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str] = mapped_column(String(40))  # US military, coalition, charter
    rated_seats: Mapped[int] = mapped_column(Integer)
    typical_load: Mapped[int] = mapped_column(Integer)
    max_load: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class AirliftWindow(Base):
    """The figures published for one reporting window (usually 24 hours)."""

    __tablename__ = "airlift_window"
    __table_args__ = (UniqueConstraint("operation_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hours: Mapped[int] = mapped_column(Integer)
    evacuated: Mapped[int | None] = mapped_column(Integer)
    military_flights: Mapped[int | None] = mapped_column(Integer)
    military_passengers: Mapped[int | None] = mapped_column(Integer)
    coalition_flights: Mapped[int | None] = mapped_column(Integer)
    coalition_passengers: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)


class SortieStatus(StrEnum):
    planned = "planned"
    cancelled = "cancelled"
    departed = "departed"


class Sortie(Base):
    """One departure slot: an aircraft of a type leaving at a planned time with a planned load,
    to a hub; once departed, with the load it really carried."""

    __tablename__ = "sortie"
    __table_args__ = (UniqueConstraint("operation_id", "callsign"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(
        ForeignKey("operation.id", ondelete="CASCADE"), index=True
    )
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("airlift_window.id", ondelete="CASCADE")
    )
    aircraft_type_id: Mapped[int] = mapped_column(ForeignKey("aircraft_type.id"))
    callsign: Mapped[str] = mapped_column(String(24))
    departs_at: Mapped[datetime] = mapped_column(UTCDateTime)
    planned_load: Mapped[int] = mapped_column(Integer)
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hub.id", ondelete="SET NULL"))
    status: Mapped[SortieStatus] = mapped_column(
        Enum(SortieStatus, native_enum=False, length=16), default=SortieStatus.planned
    )
    actual_load: Mapped[int | None] = mapped_column(Integer)


class Hub(Base):
    """A transit hub evacuees fly to, with its places and how fast it sends people onward."""

    __tablename__ = "hub"
    __table_args__ = (UniqueConstraint("operation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    airport: Mapped[str | None] = mapped_column(String(4))  # ICAO code
    country: Mapped[str] = mapped_column(String(2))
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no published figure
    onward_per_day: Mapped[int | None] = mapped_column(Integer)
    max_stay_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
