from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from evac.auth.permissions import cli_actor
from evac.linkage.service import run_linkage
from evac.operation.service import create_operation
from evac.people.models import (
    ContactKind,
    DocumentKind,
    Group,
    GroupMember,
    Person,
    Registration,
    Role,
    Sex,
    State,
)
from evac.people.records import RegistrationRecord
from evac.people.service import (
    PersonNames,
    add_contact,
    add_document,
    add_registration,
    count_by_category_and_state,
    count_by_state,
    create_group,
    create_person,
    find_by_document,
    group_reference,
    insert_groups,
    insert_persons,
    iter_registration_records,
    person_row,
    read_names,
    read_registration,
    registration_hash,
    seal_registration,
)
from evac.vault.service import cipher_for

NAMES = PersonNames("Zabihullah", "Abdul Rahman", "Ahmadzai", "ذبیح الله")


def test_names_are_stored_encrypted_and_read_back(session, cipher):
    person = create_person(session, cipher=cipher, names=NAMES, sex=Sex.male, birth_year=1986)
    session.commit()
    stored = session.get(Person, person.id)
    assert b"Zabihullah" not in stored.given_name
    assert read_names(stored, cipher=cipher) == NAMES
    assert "Zabihullah" not in repr(NAMES)


def test_document_lookup_goes_through_the_blind_index(session, cipher):
    person = create_person(session, cipher=cipher, names=NAMES)
    add_document(
        session,
        cipher=cipher,
        person=person,
        kind=DocumentKind.passport,
        number="P01234567",
        issuing_country="AFG",
    )
    add_contact(session, cipher=cipher, person=person, kind=ContactKind.phone, value="+93701234567")
    session.commit()
    assert find_by_document(
        session, cipher=cipher, kind=DocumentKind.passport, number="p0123 4567"
    ) == [person]
    assert (
        find_by_document(session, cipher=cipher, kind=DocumentKind.passport, number="P01234568")
        == []
    )
    assert (
        find_by_document(session, cipher=cipher, kind=DocumentKind.tazkira, number="P01234567")
        == []
    )


def test_group_needs_exactly_one_principal(session, cipher):
    a = create_person(session, cipher=cipher, names=NAMES)
    b = create_person(session, cipher=cipher, names=PersonNames("Parwana"))
    with pytest.raises(ValueError, match="exactly one principal"):
        create_group(
            session, operation_id=cipher.operation_id, members=[(a, Role.spouse), (b, Role.spouse)]
        )
    group = create_group(
        session,
        operation_id=cipher.operation_id,
        members=[(a, Role.principal), (b, Role.spouse)],
        reference="F-1",
    )
    session.commit()
    roles = session.execute(
        select(GroupMember.person_id, GroupMember.role).where(GroupMember.group_id == group.id)
    ).all()
    assert sorted(roles) == sorted([(a.id, Role.principal), (b.id, Role.spouse)])


def test_bulk_persons_and_groups_keep_their_order(session, cipher):
    names = [PersonNames(given) for given in ("Zarghona", "Omid", "Freshta", "Laila")]
    rows = [person_row(cipher, names=n, birth_year=1990 + i) for i, n in enumerate(names)]
    rows[1]["province"] = "Kabul"  # rows with different empty fields stay in order
    ids = insert_persons(session, rows)
    with pytest.raises(ValueError, match="exactly one principal"):
        insert_groups(session, operation_id=cipher.operation_id,
                      groups=[("F-2", {ids[0]: Role.spouse})])  # fmt: skip
    groups = [
        ("F-1", {ids[0]: Role.principal, ids[1]: Role.child}),
        ("F-2", {ids[3]: Role.principal}),
    ]
    group_ids = insert_groups(session, operation_id=cipher.operation_id, groups=groups)
    session.commit()
    for person_id, expected in zip(ids, names, strict=True):
        assert read_names(session.get(Person, person_id), cipher=cipher) == expected
    assert [session.get(Group, g).reference for g in group_ids] == ["F-1", "F-2"]
    members = session.execute(select(GroupMember.group_id, GroupMember.person_id, GroupMember.role))
    assert sorted(members) == sorted(
        [(group_ids[0], ids[0], Role.principal), (group_ids[0], ids[1], Role.child),
         (group_ids[1], ids[3], Role.principal)]
    )  # fmt: skip


def test_counts_by_state_and_category(session, cipher):
    for category in ("siv", "siv", "us_citizen", None):
        create_person(session, cipher=cipher, names=NAMES, category=category)
    session.commit()
    assert count_by_state(session) == {State.registered: 4}
    assert count_by_category_and_state(session) == {
        ("siv", State.registered): 2,
        ("us_citizen", State.registered): 1,
        ("undecided", State.registered): 1,
    }


def test_registration_is_kept_whole_and_not_added_twice(session, cipher):
    raw = {"Full Name": "MOHD NABI", "Father Name": "Gul Ahmad", "DOB": "1365"}
    record = RegistrationRecord(
        given_name="Mohammad Nabi", father_name="Gul Ahmad", birth_year=1986, phone="+93701234567"
    )
    first, created = add_registration(
        session,
        cipher=cipher,
        source="ngo-a",
        raw=raw,
        record=record,
        file="list.csv",
        row_number=2,
    )
    again, created_again = add_registration(
        session, cipher=cipher, source="ngo-a", raw=dict(reversed(raw.items())), record=record
    )
    other, created_other = add_registration(
        session, cipher=cipher, source="ngo-b", raw=raw, record=record
    )
    session.commit()
    assert (created, created_again, created_other) == (True, False, True)
    assert again.id == first.id != other.id
    assert b"NABI" not in first.raw_payload and b"Nabi" not in first.record
    assert read_registration(first, cipher=cipher) == (raw, record)
    assert list(iter_registration_records(session, cipher=cipher)) == [
        (first.id, record),
        (other.id, record),
    ]
    assert "Nabi" not in repr(record)


@pytest.mark.parametrize(
    "variant",
    [
        {"Full Name": "Abdulrahman", "Father Name": "Gul Ahmad"},  # one word, not two
        {"Full Name": "Abdul-Rahman", "Father Name": "Gul Ahmad"},  # punctuation
        {"Full Name": "ABDUL RAHMAN", "Father Name": "Gul Ahmad"},  # case
        {"Full Name": "Abdul Rahman", "Father Name": "Gul  Ahmad"},  # spacing
        {"Full Name": "Abdul Rahman", "FatherName": "Gul Ahmad"},  # a header
    ],
)
def test_rows_differing_only_in_spelling_are_two_registrations(session, cipher, variant):
    record = RegistrationRecord(full_name="Abdul Rahman")
    raw = {"Full Name": "Abdul Rahman", "Father Name": "Gul Ahmad"}
    first, _ = add_registration(session, cipher=cipher, source="ngo-a", raw=raw, record=record)
    second, created = add_registration(
        session, cipher=cipher, source="ngo-a", raw=variant, record=record
    )
    session.commit()
    assert created and second.id != first.id
    assert first.content_hash != second.content_hash
    assert read_registration(second, cipher=cipher)[0] == variant


def test_record_json_holds_exactly_the_set_fields(cipher):
    record = RegistrationRecord(
        full_name="Zarghona Popal", birth_year=1986, birth_month=5, birth_date_default=False
    )
    assert record.to_json() == '{"birth_month":5,"birth_year":1986,"full_name":"Zarghona Popal"}'
    flagged = RegistrationRecord(name_native="زرغونه", birth_date_default=True)
    assert RegistrationRecord.from_json(flagged.to_json()) == flagged
    assert "زرغونه" in flagged.to_json()  # kept as written, not escaped


def test_the_same_member_in_two_submissions_hashes_apart(cipher):
    member = {"family_members/full_name": "Maryam Hashimi", "family_members/relationship": "wife"}
    first = registration_hash(cipher, source="webform", raw=member, within="WF00108")
    assert first == registration_hash(cipher, source="webform", raw=member, within="WF00108")
    assert first != registration_hash(cipher, source="webform", raw=member, within="WF00109")
    assert first != registration_hash(cipher, source="webform", raw=member)
    sealed = seal_registration(
        cipher,
        source="webform",
        file="webform.json",
        row_number=3,
        raw=member,
        record=RegistrationRecord(full_name="Maryam Hashimi"),
        within="WF00108",
    )
    assert sealed["content_hash"] == first


CASE = "ISL2019532776"  # a synthetic SIV case number, as an SIV list's household column has it


def register_case_member(session, cipher, source: str, given_name: str, relationship: str) -> int:
    record = RegistrationRecord(
        given_name=given_name, sex="F" if relationship == "spouse" else "M", birth_year=1980,
        household_ref=CASE, relationship=relationship,
    )  # fmt: skip
    registration, _ = add_registration(
        session, cipher=cipher, source=source, raw={"name": given_name}, record=record
    )
    session.commit()
    return registration.id


def test_a_case_number_is_stored_as_a_keyed_digest_that_rejoins_its_household(
    session, cipher, provider
):
    principal = register_case_member(session, cipher, "siv", "Abdul Wakil", "principal")
    run_linkage(session, cipher=cipher, actor=cli_actor())
    session.commit()
    (group,) = session.scalars(select(Group)).all()
    assert group.reference == group_reference(cipher, source="siv", household_ref=CASE)
    assert "2019532776" not in group.reference and "ISL" not in group.reference

    # The same case in the list's next file joins the group; another source's is its own.
    spouse = register_case_member(session, cipher, "siv", "Nargis", "spouse")
    other = register_case_member(session, cipher, "ngo", "Farhad", "principal")
    run_linkage(session, cipher=cipher, actor=cli_actor())
    session.commit()
    group_of = dict(session.execute(select(GroupMember.person_id, GroupMember.group_id)).all())
    person_of = {r: session.get(Registration, r).person_id for r in (principal, spouse, other)}
    assert len(group_of) == 3
    assert group_of[person_of[principal]] == group_of[person_of[spouse]] == group.id
    assert group_of[person_of[other]] != group.id

    # Another operation's key digests the same case apart: digests do not meet across them.
    elsewhere = create_operation(
        session, provider=provider, name="elsewhere", country="AF", airport="OAKB",
        time_zone="Asia/Kabul", deadline=datetime(2021, 8, 31, tzinfo=UTC),
    )  # fmt: skip
    other_cipher = cipher_for(session, provider=provider, operation_id=elsewhere.id)
    assert group_reference(other_cipher, source="siv", household_ref=CASE) != group.reference
    assert group_reference(cipher, source="siv", household_ref=None) is None
