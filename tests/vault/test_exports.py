import pytest
from sqlalchemy import select

from evac.auth.permissions import Actor, Forbidden, Role
from evac.people.models import ContactKind, DocumentKind
from evac.people.service import PersonNames, add_contact, add_document, create_person
from evac.vault.audit import AuditEntry
from evac.vault.exports import checkpoint_csv, checkpoint_list

OFFICER = Actor(username="officer1", role=Role.officer, user_id=1)


def test_checkpoint_list_carries_name_and_pass_only(session, cipher):
    person = create_person(
        session,
        cipher=cipher,
        names=PersonNames("Mahbooba", father_name="Rahmatullah", family_name="Sultani"),
        category="siv_applicant",
    )
    add_document(session, cipher=cipher, person=person, kind=DocumentKind.passport, number="P771")
    add_contact(session, cipher=cipher, person=person, kind=ContactKind.phone, value="+93700000001")
    rows = checkpoint_list(
        session, actor=OFFICER, cipher=cipher, passes={person.id: "PASS-7Q2"}, checkpoint="gate N"
    )
    session.commit()
    text = checkpoint_csv(rows)
    assert text.splitlines() == ["name,pass_id", "Mahbooba Sultani,PASS-7Q2"]
    for absent in ("siv", "P771", "93700000001", "Rahmatullah"):
        assert absent not in text
    assert "Mahbooba" not in repr(rows)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "export.checkpoint_list"))
    assert entry.username == "officer1" and entry.purpose == "checkpoint list for gate N"
    assert entry.details == {"persons": [person.id], "fields": ["name", "pass_id"]}


def test_checkpoint_list_refuses_planners_and_unknown_persons(session, cipher):
    planner = Actor(username="planner1", role=Role.planner)
    with pytest.raises(Forbidden):
        checkpoint_list(session, actor=planner, cipher=cipher, passes={}, checkpoint="gate N")
    with pytest.raises(LookupError, match="not in operation"):
        checkpoint_list(session, actor=OFFICER, cipher=cipher, passes={12345: "X"}, checkpoint="g")
