"""`run_linkage` writes persons in batches: what each batch writes must still add up.

A loaded scenario is linked with small batches, so that several rounds of bulk statements
run; then every registration, document, contact and household is checked against the
registrations it came from; a second run with new rows must join the persons already made,
and a run that fails part way must leave nothing behind.
"""

from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

import evac.linkage.service as linkage
from evac.auth.permissions import cli_actor
from evac.linkage.service import run_linkage
from evac.people.models import (
    Contact,
    Document,
    Event,
    Group,
    GroupMember,
    Person,
    Registration,
    Role,
)
from evac.people.service import (
    add_registration,
    group_reference,
    read_names,
    read_registration,
)
from evac.scenario.service import load_scenario
from evac.vault.audit import verify_chain

ACTOR = cli_actor()


def load(session, session_factory, cipher, *, persons: int, seed: int) -> None:
    session.rollback()  # free SQLite's write lock for the loader's own transactions
    load_scenario(session_factory=session_factory, cipher=cipher, actor=ACTOR,
                  persons=persons, seed=seed)  # fmt: skip


def link(session, cipher):
    summary = run_linkage(session, cipher=cipher, actor=ACTOR)
    session.commit()
    return summary


def check_persons(session, cipher) -> dict[int, int]:
    """Every registration has one person, made of, and holding what, its registrations bring;
    returns {registration id: person id}."""
    registrations = session.scalars(select(Registration)).all()
    records = {r.id: read_registration(r, cipher=cipher)[1] for r in registrations}
    person_of = {r.id: r.person_id for r in registrations}
    assert None not in person_of.values()
    of_person: dict[int, list[int]] = defaultdict(list)
    for registration_id, person_id in person_of.items():
        of_person[person_id].append(registration_id)
    persons = session.scalars(select(Person).where(Person.merged_into_id.is_(None))).all()
    assert {p.id for p in persons} == set(of_person)
    for person in persons:
        own = [records[i] for i in of_person[person.id]]
        names = read_names(person, cipher=cipher)
        # The person's face is one of its registrations: ids were not shuffled between rows.
        assert names.given_name in {r.given_name or r.full_name for r in own}
        assert person.birth_year in {r.birth_year for r in own}
    # One document or contact per person, kind and value (as its blind index reads it),
    # listing every registration that brought it.
    expected_documents, expected_contacts = defaultdict(set), defaultdict(set)
    for registration_id, record in records.items():
        person_id = person_of[registration_id]
        for document in linkage.documents_of(record):
            kind = document["kind"]
            index = cipher.blind_index(document["number"], kind=f"document:{kind.value}")
            expected_documents[(person_id, kind, index)].add(registration_id)
        for kind, field in linkage.CONTACT_FIELDS:
            if linkage.brings(kind, getattr(record, field)):
                index = cipher.blind_index(getattr(record, field), kind=f"contact:{kind.value}")
                expected_contacts[(person_id, kind, index)].add(registration_id)
    documents = {
        (d.person_id, d.kind, d.number_index): {s.registration_id for s in d.sources}
        for d in session.scalars(select(Document))
    }
    contacts = {
        (c.person_id, c.kind, c.value_index): {s.registration_id for s in c.sources}
        for c in session.scalars(select(Contact))
    }
    assert documents == expected_documents and contacts == expected_contacts
    source_of = {r.id: r.source for r in registrations}
    check_households(session, cipher, records, source_of, person_of)
    return person_of


def check_events(session, person_of) -> dict[int, Event]:
    """Each registration's placement is one event of the person it was placed with: made of
    it (`registered`, once per person) or joined by it (`linked`); returns them by registration."""
    placed: dict[int, Event] = {}
    made: Counter[int] = Counter()
    for event in session.scalars(select(Event).where(Event.type.in_(["registered", "linked"]))):
        assert event.actor == ACTOR.username and event.at is not None
        made[event.person_id] += event.type == "registered"
        for registration_id in event.data["registrations"]:
            assert registration_id not in placed  # one placement, one event
            placed[registration_id] = event
    assert set(placed) == set(person_of)
    assert set(made.values()) == {1}  # every person the runs made, once
    return placed


def check_households(session, cipher, records, source_of, person_of) -> None:
    """Each source's household is one group of its members' persons, with one principal."""
    expected: dict[str, set[int]] = defaultdict(set)
    for registration_id, record in records.items():
        if record.household_ref:
            source = source_of[registration_id]
            reference = group_reference(cipher, source=source, household_ref=record.household_ref)
            expected[reference].add(person_of[registration_id])
    groups = session.scalars(select(Group)).all()
    assert Counter(g.reference for g in groups) == Counter(expected.keys())  # one group a household
    for group in groups:
        members = session.scalars(select(GroupMember).where(GroupMember.group_id == group.id))
        roles = {m.person_id: m.role for m in members}
        assert set(roles) == expected[group.reference]
        assert list(roles.values()).count(Role.principal) == 1


def test_batched_run_and_incremental_run_add_up(session, session_factory, cipher, monkeypatch):
    monkeypatch.setattr(linkage, "WRITE_BATCH", 37)  # many rounds of bulk statements
    load(session, session_factory, cipher, persons=150, seed=11)
    first = link(session, cipher)
    assert first.registrations == first.new_registrations > first.persons_created > 100
    before = check_persons(session, cipher)
    events = check_events(session, before)
    assert {e.type for e in events.values()} == {"registered"}
    assert all(before[i] == e.person_id for i, e in events.items())

    # Later: another list, and one earlier row sent again by a new source.
    load(session, session_factory, cipher, persons=20, seed=12)
    known = session.scalars(select(Registration).order_by(Registration.id)).first()
    raw, record = read_registration(known, cipher=cipher)
    again, _ = add_registration(session, cipher=cipher, source="late-list", raw=raw,
                                record=record)  # fmt: skip
    session.commit()
    second = link(session, cipher)
    assert second.new_registrations == second.registrations - first.registrations
    after = check_persons(session, cipher)
    assert after[again.id] == before[known.id]  # joined the person already made
    events = check_events(session, after)
    joined = events[again.id]
    assert (joined.type, joined.person_id) == ("linked", before[known.id])
    assert joined.data["reason"] == linkage.RUN_REASON
    assert {i: after[i] for i in before} == before  # earlier placements untouched
    created = len(set(after.values())) - len(set(before.values()))
    assert second.persons_created - second.merges == created
    assert verify_chain(session) == []


def test_a_run_that_fails_part_way_leaves_nothing(session, session_factory, cipher, monkeypatch):
    monkeypatch.setattr(linkage, "WRITE_BATCH", 20)
    load(session, session_factory, cipher, persons=80, seed=13)
    real, calls = linkage.add_documents, 0

    def failing(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:  # the documents of the third batch, after two batches were written
            raise RuntimeError("crash")
        return real(*args, **kwargs)

    monkeypatch.setattr(linkage, "add_documents", failing)
    with pytest.raises(RuntimeError, match="crash"):
        run_linkage(session, cipher=cipher, actor=ACTOR)
    session.rollback()  # what `evac link run` does on any error: one transaction per run
    assert session.scalar(select(func.count()).select_from(Person)) == 0
    assert session.scalar(select(func.count()).where(Registration.person_id.is_not(None))) == 0
    assert session.scalar(select(func.count()).select_from(Event)) == 0
    monkeypatch.setattr(linkage, "add_documents", real)
    link(session, cipher)
    check_persons(session, cipher)
