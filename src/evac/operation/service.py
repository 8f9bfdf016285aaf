"""Create and find operations."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.operation.models import Operation
from evac.vault.keys import KeyProvider
from evac.vault.service import create_operation_keys


class OperationNotFound(LookupError):
    pass


def create_operation(
    session: Session,
    *,
    provider: KeyProvider,
    name: str,
    country: str,
    airport: str,
    time_zone: str,
    deadline: datetime,
) -> Operation:
    """A new operation with its own encryption keys."""
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone {time_zone!r}; use an IANA name like Asia/Kabul"
        ) from error
    operation = Operation(
        name=name,
        country=country.upper(),
        airport=airport.upper(),
        time_zone=time_zone,
        deadline=deadline,
    )
    session.add(operation)
    session.flush()
    create_operation_keys(session, provider=provider, operation_id=operation.id)
    return operation


def get_operation(session: Session, *, name: str) -> Operation:
    operation = session.scalar(select(Operation).where(Operation.name == name))
    if operation is None:
        known = ", ".join(session.scalars(select(Operation.name))) or "none yet"
        raise OperationNotFound(f"no operation named {name!r} (known: {known})")
    return operation


def local_time(operation: Operation, moment: datetime) -> datetime:
    """A UTC moment shown in the operation's own zone."""
    return moment.astimezone(ZoneInfo(operation.time_zone))
