"""Synthetic persons in a test register: a registration with a claim, a person linked to it,
documents and households, as intake and linkage leave them."""

import secrets
from datetime import date

from evac.auth.permissions import Actor
from evac.auth.permissions import Role as UserRole
from evac.people.models import DocumentKind, Person, Role
from evac.people.records import RegistrationRecord
from evac.people.service import (
    PersonNames,
    add_document,
    add_registration,
    create_group,
    create_person,
)

OFFICER = Actor(username="officer-test", role=UserRole.officer)


def person(
    session,
    cipher,
    *,
    claim: str | None = None,
    nationality: str | None = None,
    documents: tuple[DocumentKind, ...] = (),
    approved_on: date | None = None,
    source: str = "ngo-test",
    birth_year: int | None = 1990,
    birth_month: int | None = None,
    birth_day: int | None = None,
    marital_status: str | None = None,
    priority_flags: tuple[str, ...] = (),
) -> Person:
    """A person made of one registration (`claim` from `source`), holding `documents`."""
    created = create_person(
        session,
        cipher=cipher,
        names=PersonNames(given_name=f"Test{secrets.token_hex(3)}"),
        birth_year=birth_year,
        birth_month=birth_month,
        birth_day=birth_day,
        category=claim,
    )
    record = RegistrationRecord(
        category_claimed=claim,
        nationality=nationality,
        marital_status=marital_status,
        priority_flags=priority_flags,
    )
    registration, _ = add_registration(
        session, cipher=cipher, source=source, raw={"id": created.id}, record=record
    )
    registration.person_id = created.id
    for kind in documents:
        details = {"issued_on": approved_on, "status": "approved"}
        extra = details if kind == DocumentKind.com_approval else {}
        add_document(
            session,
            cipher=cipher,
            person=created,
            kind=kind,
            number=f"N{secrets.token_hex(4)}",
            **extra,
        )
    session.flush()
    return created


def household(session, operation, *members: tuple[Person, Role]) -> None:
    create_group(session, operation_id=operation.id, members=list(members))
