"""Households follow the registrations they came from when persons are merged and split.

Zaman is listed by an NGO with his wife (household A) and by an office with his son
(household B); the run makes him one person in both groups. Split off the office's row, and the
new person belongs to household B, not to A; merge it back, and he is in each group once.
"""

from sqlalchemy import select

from evac.auth.permissions import cli_actor
from evac.linkage.service import merge_persons, run_linkage, split_person
from evac.people.models import Group, GroupMember, Person, Registration, Role
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration, create_group, group_reference

ACTOR = cli_actor()


def register(session, cipher, source: str, **fields) -> int:
    registration, _ = add_registration(session, cipher=cipher, source=source, raw=fields,
                                       record=RegistrationRecord(**fields))  # fmt: skip
    return registration.id


def listed(session, cipher) -> dict[str, int]:
    """Zaman in two lists, each with one more member of his family; run; registration ids."""
    zaman = dict(sex="M", birth_year=1980, birth_month=5, birth_day=5,
                 tazkira_number="1359-0401-22451", relationship="principal")  # fmt: skip
    ids = {
        "zaman_ngo": register(session, cipher, "ngo", given_name="Zaman", father_name="Abdul Haq",
                              phone="+93700555111", household_ref="A", **zaman),
        "wife": register(session, cipher, "ngo", given_name="Laila", father_name="Gul Ahmad",
                         sex="F", birth_year=1985, phone="+93700555111", household_ref="A",
                         relationship="spouse"),
        "zaman_office": register(session, cipher, "office", given_name="Zaman",
                                 father_name="Abdulhaq", phone="+93799444222",
                                 household_ref="B", **zaman),
        "son": register(session, cipher, "office", given_name="Nabi", father_name="Zaman",
                        sex="M", birth_year=2010, phone="+93799444222", household_ref="B",
                        relationship="child"),
    }  # fmt: skip
    session.commit()
    run_linkage(session, cipher=cipher, actor=ACTOR)
    session.commit()
    return ids


def split_office_row(session, cipher, ids: dict[str, int], him: int) -> int:
    new = split_person(session, cipher=cipher, actor=ACTOR, person_id=him,
                       registration_ids=[ids["zaman_office"]], reason="two men")  # fmt: skip
    return new.id


def person(session, registration_id: int) -> int:
    return session.get(Registration, registration_id).person_id


def members(session, group_id: int) -> dict[int, Role]:
    rows = session.scalars(select(GroupMember).where(GroupMember.group_id == group_id))
    return {m.person_id: Role(m.role) for m in rows}


def group(session, cipher, source: str, number: str) -> int:
    reference = group_reference(cipher, source=source, household_ref=number)
    return session.scalar(select(Group.id).where(Group.reference == reference))


def test_split_off_person_joins_only_the_households_its_registrations_came_from(session, cipher):
    ids = listed(session, cipher)
    him, wife, son = (person(session, ids[k]) for k in ("zaman_ngo", "wife", "son"))
    assert person(session, ids["zaman_office"]) == him
    ngo, office = group(session, cipher, "ngo", "A"), group(session, cipher, "office", "B")
    assert members(session, ngo) == {him: Role.principal, wife: Role.spouse}
    assert members(session, office) == {him: Role.principal, son: Role.child}
    by_hand = create_group(session, operation_id=cipher.operation_id, reference=None,
                           members=[(session.get(Person, him), Role.principal),
                                    (session.get(Person, wife), Role.spouse)]).id  # fmt: skip

    split_off = split_office_row(session, cipher, ids, him)
    session.commit()
    assert members(session, ngo) == {him: Role.principal, wife: Role.spouse}
    assert members(session, office) == {split_off: Role.principal, son: Role.child}
    assert members(session, by_hand) == {him: Role.principal, wife: Role.spouse}

    merge_persons(session, actor=ACTOR, survivor=session.get(Person, him),
                  merged=session.get(Person, split_off), reason="one man after all")  # fmt: skip
    session.commit()
    assert members(session, ngo) == {him: Role.principal, wife: Role.spouse}
    assert members(session, office) == {him: Role.principal, son: Role.child}
    assert members(session, by_hand) == {him: Role.principal, wife: Role.spouse}


def test_a_merge_keeps_each_group_one_principal_and_each_person_once(session, cipher):
    ids = listed(session, cipher)
    him, wife = person(session, ids["zaman_ngo"]), person(session, ids["wife"])
    split_off = split_office_row(session, cipher, ids, him)
    # Staff put both in one travel group before the reviewer saw they are one man.
    both = create_group(session, operation_id=cipher.operation_id,
                        members=[(session.get(Person, split_off), Role.principal),
                                 (session.get(Person, him), Role.other),
                                 (session.get(Person, wife), Role.spouse)]).id  # fmt: skip
    session.commit()

    merge_persons(session, actor=ACTOR, survivor=session.get(Person, him),
                  merged=session.get(Person, split_off), reason="one man")  # fmt: skip
    session.commit()
    assert members(session, both) == {him: Role.principal, wife: Role.spouse}
    memberships = session.scalars(select(GroupMember.group_id).where(GroupMember.person_id == him))
    assert sorted(memberships) == sorted(
        {both, group(session, cipher, "ngo", "A"), group(session, cipher, "office", "B")}
    )
    assert session.scalar(select(GroupMember).where(GroupMember.person_id == split_off)) is None
