"""A person's documents and contacts: one per kind and number, listing the registrations that
brought them, through imports, merges and splits."""

from datetime import date

from sqlalchemy import select

from evac.auth.permissions import cli_actor
from evac.linkage.service import documents_of, merge_persons, split_person
from evac.people.models import Contact, ContactKind, Document, DocumentKind, Person, Registration
from evac.people.records import RegistrationRecord
from evac.people.service import (
    PersonNames,
    add_contacts,
    add_document,
    add_documents,
    add_registration,
    contact_row,
    create_person,
    document_row,
)

ACTOR = cli_actor()


def registrations(session, cipher, *records: RegistrationRecord) -> list[int]:
    """Synthetic rows of one list, stored; their ids."""
    ids = []
    for number, record in enumerate(records):
        raw = {"row": number, "name": record.given_name}
        registration, _ = add_registration(session, cipher=cipher, source="list", raw=raw,
                                           record=record, row_number=number)  # fmt: skip
        ids.append(registration.id)
    return ids


def person_with(session, cipher, registration_ids: list[int], passport: str) -> Person:
    """A person holding `registration_ids`, each of which brought this passport and a phone."""
    person = create_person(session, cipher=cipher, names=PersonNames("Nasir"))
    for registration_id in registration_ids:
        session.get(Registration, registration_id).person_id = person.id
    add_documents(session, rows=[
        document_row(cipher, person_id=person.id, kind=DocumentKind.passport, number=passport,
                     registration_id=i) for i in registration_ids])  # fmt: skip
    add_contacts(session, rows=[
        contact_row(cipher, person_id=person.id, kind=ContactKind.phone, value="+93700111222",
                    registration_id=i) for i in registration_ids])  # fmt: skip
    session.flush()
    return person


def held(session, table, person: Person) -> dict[str, set[int]]:
    """{kind: registrations listed} of what `person` holds, one entry per row."""
    rows = session.scalars(select(table).where(table.person_id == person.id)).all()
    kinds = [row.kind.value for row in rows]
    assert len(kinds) == len(set(kinds)), "one row per kind here: a duplicate crept in"
    return {row.kind.value: {s.registration_id for s in row.sources} for row in rows}


def test_one_passport_from_five_lists_is_one_document_listing_all_five(session, cipher):
    ids = registrations(session, cipher, *(RegistrationRecord(given_name=f"Nasir {n}")
                                          for n in range(5)))  # fmt: skip
    person = create_person(session, cipher=cipher, names=PersonNames("Nasir"))
    # Lists write a number their own way: case and spaces are one number for the blind index.
    written = ["P01234567", "p01234567", "P0123 4567", "P01234567", "P01234567"]
    rows = [
        document_row(cipher, person_id=person.id, kind=DocumentKind.passport, number=number,
                     registration_id=i)
        for i, number in zip(ids, written, strict=True)
    ]  # fmt: skip
    document_ids = add_documents(session, rows=rows)
    session.commit()
    assert len(set(document_ids)) == 1
    assert held(session, Document, person) == {"passport": set(ids)}


def test_a_newer_list_fills_in_what_an_older_left_out(session, cipher):
    old, new = registrations(session, cipher, RegistrationRecord(given_name="Nasir"),
                             RegistrationRecord(given_name="Naser"))  # fmt: skip
    person = create_person(session, cipher=cipher, names=PersonNames("Nasir"))
    add_documents(session, rows=[document_row(
        cipher, person_id=person.id, kind=DocumentKind.passport, number="P01234567",
        issuing_country="AFG", registration_id=old)])  # fmt: skip
    add_documents(session, rows=[document_row(
        cipher, person_id=person.id, kind=DocumentKind.passport, number="P01234567",
        expiry=date(2031, 5, 1), nationality="AFG", registration_id=new)])  # fmt: skip
    session.commit()
    (passport,) = session.scalars(select(Document)).all()
    assert (passport.issuing_country, passport.nationality, passport.expiry) == (
        "AFG", "AFG", date(2031, 5, 1))  # fmt: skip
    assert {s.registration_id for s in passport.sources} == {old, new}


def test_a_document_added_by_hand_twice_is_one(session, cipher):
    person = create_person(session, cipher=cipher, names=PersonNames("Nasir"))
    first = add_document(session, cipher=cipher, person=person, kind=DocumentKind.id_card,
                         number="ID-778812", issuing_country="PAK")  # fmt: skip
    again = add_document(session, cipher=cipher, person=person, kind=DocumentKind.id_card,
                         number="id 778812")  # fmt: skip
    other = add_document(session, cipher=cipher, person=person, kind=DocumentKind.visa,
                         number="ID-778812", issuing_country="USA")  # fmt: skip
    session.commit()
    assert first.id == again.id != other.id
    assert first.issuing_country == "PAK" and first.sources == []


def test_merging_folds_the_same_passport_and_phone_into_one(session, cipher):
    a, b, c = registrations(session, cipher, *(RegistrationRecord(given_name=f"Nasir {n}")
                                               for n in range(3)))  # fmt: skip
    survivor = person_with(session, cipher, [a], "P01234567")
    merged = person_with(session, cipher, [b, c], "P01234567")
    add_document(session, cipher=cipher, person=merged, kind=DocumentKind.tazkira,
                 number="1400-0101-12345", registration_id=c)  # fmt: skip
    session.commit()
    merge_persons(session, actor=ACTOR, survivor=survivor, merged=merged, reason="same man")
    session.commit()
    assert held(session, Document, survivor) == {"passport": {a, b, c}, "tazkira": {c}}
    assert held(session, Contact, survivor) == {"phone": {a, b, c}}
    assert held(session, Document, merged) == {} and held(session, Contact, merged) == {}


def test_a_split_person_takes_what_its_registrations_brought_only(session, cipher):
    a, b, c = registrations(session, cipher, *(RegistrationRecord(given_name=f"Nasir {n}")
                                               for n in range(3)))  # fmt: skip
    person = person_with(session, cipher, [a, b, c], "P01234567")
    add_document(session, cipher=cipher, person=person, kind=DocumentKind.tazkira,
                 number="74/146/2401", registration_id=c)  # fmt: skip
    add_document(
        session, cipher=cipher, person=person, kind=DocumentKind.siv_case, number="KBL2019123456"
    )  # added by hand: the person's, not a registration's
    session.commit()
    new = split_person(session, cipher=cipher, actor=ACTOR, person_id=person.id,
                       registration_ids=[c], reason="a cousin, not him")  # fmt: skip
    session.commit()
    assert held(session, Document, person) == {"passport": {a, b}, "siv_case": set()}
    assert held(session, Document, new) == {"passport": {c}, "tazkira": {c}}
    assert held(session, Contact, person) == {"phone": {a, b}}
    assert held(session, Contact, new) == {"phone": {c}}
    (copy,) = [d for d in new.documents if d.kind == DocumentKind.passport]
    assert cipher.decrypt(copy.number, field="document.number") == "P01234567"
    merge_persons(session, actor=ACTOR, survivor=person, merged=new, reason="same man after all")
    session.commit()
    assert held(session, Document, person) == {
        "passport": {a, b, c}, "tazkira": {c}, "siv_case": set()}  # fmt: skip


def test_each_document_a_record_names_comes_with_what_the_record_says_of_it():
    record = RegistrationRecord(
        given_name="Nasir", nationality="AFG", passport_number="P04718263",
        passport_country="AFG", passport_expiry="2031-05-01",
        tazkira_number="Jild 74 Safha 146 No 2401", green_card_number="SRC2190384756",
        green_card_expiry="2032-01-31", visa_number="N/A",
        visa_country="USA", id_card_number="D23145890", id_card_country="PAK",
        id_card_expiry="2030-02", siv_case_number="KBL2019123456", com_approval_date="2021-07-30",
        com_approval_status="approved",
    )  # fmt: skip
    found = {d["kind"].value: d for d in documents_of(record)}
    # the visa "N/A" is a placeholder: no visa
    assert set(found) == {"passport", "tazkira", "green_card", "id_card", "siv_case",
                          "com_approval"}  # fmt: skip
    assert found["passport"] == {"kind": DocumentKind.passport, "number": "P04718263",
        "issuing_country": "AFG", "expiry": date(2031, 5, 1), "nationality": "AFG"}  # fmt: skip
    assert found["tazkira"]["number"] == "74/146/2401"  # one written form, one tazkira
    assert found["tazkira"]["nationality"] is None  # no zone: the record's word is not its
    assert (found["green_card"]["issuing_country"], found["green_card"]["expiry"]) == (
        "USA", date(2032, 1, 31))  # fmt: skip
    assert found["id_card"]["expiry"] is None  # a month alone is no expiry date
    approval = found["com_approval"]
    assert (approval["number"], approval["issued_on"], approval["status"]) == (
        "KBL2019123456", date(2021, 7, 30), "approved")  # fmt: skip


def test_a_passport_the_united_states_issued_is_a_us_passport():
    record = RegistrationRecord(passport_number="573829104", passport_country="USA",
                                us_passport_number="573829104", nationality="USA")  # fmt: skip
    kinds = [d["kind"] for d in documents_of(record)]
    assert kinds == [DocumentKind.us_passport, DocumentKind.us_passport]  # one row once stored


def test_two_written_forms_of_one_tazkira_are_one_document(session, cipher):
    written = ("Vol 74, Page 146, Reg 2401", "ج ۷۴ ص ۱۴۶ ث ۲۴۰۱")
    ids = registrations(session, cipher, *(RegistrationRecord(tazkira_number=w) for w in written))
    person = create_person(session, cipher=cipher, names=PersonNames("Nasir"))
    records = [RegistrationRecord(tazkira_number=w) for w in written]
    rows = [
        document_row(cipher, person_id=person.id, registration_id=i, **document)
        for i, record in zip(ids, records, strict=True)
        for document in documents_of(record)
    ]
    add_documents(session, rows=rows)
    session.commit()
    assert held(session, Document, person) == {"tazkira": set(ids)}
