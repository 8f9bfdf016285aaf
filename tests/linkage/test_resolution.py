"""`evac link run`, review and split on a real database (SQLite and PostgreSQL)."""

import random

from sqlalchemy import select

from evac.auth.permissions import cli_actor
from evac.linkage.models import LinkDecision, LinkHistory, ModelRun, ReviewItem, Verdict
from evac.linkage.service import (
    decide,
    open_reviews,
    person_history,
    review_records,
    run_linkage,
    split_person,
)
from evac.people.models import Event, Group, Person, Registration, State
from evac.people.records import RegistrationRecord
from evac.people.service import add_registration, group_reference

GIVEN = ["Zaman", "Nabi", "Karim", "Rahim", "Hamid", "Wahid", "Nasir", "Qasim", "Jawad", "Farid"]


def register(session, cipher, source: str, **fields) -> int:
    record = RegistrationRecord(**fields)
    registration, _ = add_registration(
        session, cipher=cipher, source=source, raw=fields, record=record
    )
    return registration.id


def crowd(session, cipher, n: int = 60) -> None:
    rng = random.Random(5)
    for i in range(n):
        register(session, cipher, "crowd", source_record_id=str(i),
                 given_name=f"{rng.choice(['Mohammad ', ''])}{rng.choice(GIVEN)}",
                 father_name=rng.choice(GIVEN), sex="M", birth_year=rng.randint(1950, 2000),
                 phone=f"+9370{rng.randint(1000000, 9999999)}",
                 tazkira_number=str(rng.randint(10**9, 10**10)))  # fmt: skip


def person_of(session, registration_id: int) -> int:
    return session.get(Registration, registration_id).person_id


def test_run_review_split_and_incremental(session, cipher):
    actor = cli_actor()
    crowd(session, cipher)
    interpreter = [
        register(session, cipher, "ngo", given_name="Mohammad", father_name="Abdul Rahman",
                 sex="M", birth_year=1986, phone="+93700123456", tazkira_number="1365-0401-12345",
                 household_ref="F1", relationship="principal"),
        register(session, cipher, "office", given_name="Muhammad", father_name="Abdurrahman",
                 sex="M", birth_year=1986, birth_month=1, birth_day=1, birth_date_default=True,
                 phone="+93700123456"),
        register(session, cipher, "self", full_name="MOHD s/o Abd al-Rahman", sex="M",
                 birth_year=1986, tazkira_number="1365040112345"),
    ]  # fmt: skip
    wife = register(session, cipher, "ngo", given_name="Fatima", father_name="Ghulam Sakhi",
                    sex="F", birth_year=1990, phone="+93700123456", household_ref="F1",
                    relationship="spouse")  # fmt: skip
    other_mohammad = register(session, cipher, "office", given_name="Mohammad",
                              father_name="Abdul Rahman", sex="M", birth_year=1986,
                              phone="+93799000111")  # fmt: skip
    session.commit()

    summary = run_linkage(session, cipher=cipher, actor=actor)
    session.commit()
    assert summary.new_registrations == summary.registrations == 65
    persons = {person_of(session, r) for r in interpreter}
    assert len(persons) == 1 and None not in persons
    him = persons.pop()
    assert person_of(session, wife) != him
    assert person_of(session, other_mohammad) != him
    reference = group_reference(cipher, source="ngo", household_ref="F1")
    household = session.scalar(select(Group).where(Group.reference == reference))
    assert {m.person_id for m in household.members} == {him, person_of(session, wife)}

    # Incremental: a new list with him again joins his person; nothing else is re-decided.
    again = register(session, cipher, "ngo2", given_name="Haji Mohammed",
                     father_name="Abdorrahman", sex="M", birth_year=1986,
                     tazkira_number="1365 0401 12345")  # fmt: skip
    session.commit()
    second = run_linkage(session, cipher=cipher, actor=actor)
    session.commit()
    assert (second.new_registrations, second.persons_created) == (1, 0)
    assert person_of(session, again) == him
    assert session.scalar(select(ModelRun.new_registrations).order_by(ModelRun.id.desc())) == 1

    # A reviewer splits one registration off; a later run does not put it back.
    split_off = split_person(session, cipher=cipher, actor=actor, person_id=him,
                             registration_ids=[interpreter[2]],
                             reason="another man's tazkira")  # fmt: skip
    session.commit()
    assert person_of(session, interpreter[2]) == split_off.id
    assert [h.kind.value for h in person_history(session, person_id=him)] == ["split"]
    assert (
        session.scalar(select(Event).where(Event.person_id == him, Event.type == "split"))
        is not None
    )
    register(session, cipher, "late", given_name="Karim", sex="M", birth_year=1970)
    session.commit()
    run_linkage(session, cipher=cipher, actor=actor)
    session.commit()
    assert person_of(session, interpreter[2]) == split_off.id != him


def zaman_twice(session, cipher) -> tuple[int, int]:
    """One man from two lists, too unlike for the model alone to merge, among a crowd."""
    crowd(session, cipher)
    a = register(session, cipher, "one", given_name="Mohammad Zaman", father_name="Ghulam Nabi",
                 sex="M", birth_year=1986, province="Kabul", phone="+93700111222")  # fmt: skip
    b = register(session, cipher, "two", given_name="Zaman", father_name="Gholam Nabi", sex="M",
                 birth_year=1986, province="Herat", phone="+93799888777")  # fmt: skip
    session.commit()
    return a, b


def queued_pair(session, cipher, a: int, b: int) -> ReviewItem:
    return next(
        i for i in open_reviews(session, operation_id=cipher.operation_id)
        if {i.registration_a_id, i.registration_b_id} == {a, b}
    )  # fmt: skip


def test_reviewer_merges_a_queued_pair_and_the_run_respects_it(session, cipher):
    actor = cli_actor()
    a, b = zaman_twice(session, cipher)
    run_linkage(session, cipher=cipher, actor=actor)
    session.commit()
    assert person_of(session, a) != person_of(session, b)  # never merged by the model alone
    item = queued_pair(session, cipher, a, b)
    assert item.weights["given_key"]["level"] == "same proper part, another first part"
    assert item.weights["phone"]["weight"] < 0 < item.weights["father_key"]["weight"]
    left, right = review_records(session, cipher=cipher, actor=actor, item=item)
    assert (left.given_name, right.given_name) == ("Mohammad Zaman", "Zaman")

    first_a, first_b = person_of(session, a), person_of(session, b)
    decide(session, cipher=cipher, actor=actor, item_id=item.id, same=True,
           reason="same phone owner confirmed by call")  # fmt: skip
    session.commit()
    assert person_of(session, a) == person_of(session, b) == min(first_a, first_b)
    gone = session.get(Person, max(first_a, first_b))
    assert gone.state == State.merged and gone.merged_into_id == min(first_a, first_b)
    assert session.scalar(select(LinkHistory.kind)).value == "merge"

    # Changing one's mind: "not the same" splits them again, and a run keeps them apart.
    decide(session, cipher=cipher, actor=actor, item_id=item.id, same=False,
           reason="different mothers' names on the tazkiras")  # fmt: skip
    session.commit()
    assert person_of(session, a) != person_of(session, b)
    assert session.scalar(select(LinkDecision.verdict)) == Verdict.different
    register(session, cipher, "three", given_name="Nabi", sex="M", birth_year=1960)
    session.commit()
    run_linkage(session, cipher=cipher, actor=actor)
    session.commit()
    assert person_of(session, a) != person_of(session, b)
    assert session.scalar(select(ReviewItem.status).where(ReviewItem.id == item.id)) == "decided"


def m_of(run: ModelRun, comparison: str, label: str) -> float:
    levels = next(
        c["comparison_levels"]
        for c in run.parameters["comparisons"]
        if c["output_column_name"] == comparison
    )
    return next(level["m_probability"] for level in levels if level["label_for_charts"] == label)


def test_the_next_run_learns_from_pairs_a_reviewer_said_are_one_person(session, cipher):
    actor = cli_actor()
    a, b = zaman_twice(session, cipher)
    run_linkage(session, cipher=cipher, actor=actor)
    item = queued_pair(session, cipher, a, b)
    decide(session, cipher=cipher, actor=actor, item_id=item.id, same=True, reason="called him")
    register(session, cipher, "three", given_name="Nabi", sex="M", birth_year=1960)
    session.commit()
    run_linkage(session, cipher=cipher, actor=actor)
    session.commit()
    first, second = session.scalars(select(ModelRun).order_by(ModelRun.id)).all()
    label = "same proper part, another first part"
    assert m_of(second, "given_key", label) > m_of(first, "given_key", label)
