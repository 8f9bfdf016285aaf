"""Persons placed by hand (no model run), each with its registration indexed for search."""

import pytest

from evac.linkage.search_index import index_registrations
from evac.linkage.service import documents_of
from evac.people.models import ContactKind
from evac.people.records import RegistrationRecord
from evac.people.service import (
    PersonNames,
    add_contacts,
    add_documents,
    add_registration,
    contact_row,
    create_person,
    document_row,
)


@pytest.fixture
def place(session, cipher):
    """A factory: place(source, file=None, **record fields) -> the new person's id."""

    def make(source: str, file: str | None = None, **fields) -> int:
        record = RegistrationRecord(**fields)
        registration, _ = add_registration(
            session, cipher=cipher, source=source, raw=fields, record=record, file=file
        )
        names = PersonNames(given_name=record.given_name or record.full_name,
                            father_name=record.father_name, family_name=record.family_name,
                            name_native=record.name_native)  # fmt: skip
        person = create_person(session, cipher=cipher, names=names, birth_year=record.birth_year)
        registration.person_id = person.id
        add_documents(session, rows=[
            document_row(cipher, person_id=person.id, registration_id=registration.id, **document)
            for document in documents_of(record)
        ])  # fmt: skip
        if record.phone:
            add_contacts(session, rows=[contact_row(cipher, person_id=person.id,
                         kind=ContactKind.phone, value=record.phone,
                         registration_id=registration.id)])  # fmt: skip
        index_registrations(session, cipher=cipher, records={registration.id: record})
        session.commit()
        return person.id

    return make
