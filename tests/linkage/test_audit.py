"""Every linkage run, merge, split and decision lands in the hash-chained audit log: ids and
counts, never a name nor the reviewer's free text."""

import json

from sqlalchemy import select

from evac.auth.permissions import cli_actor
from evac.linkage.service import decide, open_reviews, review_records, run_linkage
from evac.vault.audit import AuditEntry, verify_chain
from tests.linkage.test_resolution import crowd, person_of, register

REASON = "Gholam Nabi's brother confirmed it"


def linkage_entries(session) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action.like("linkage.%")).order_by(AuditEntry.id)
    return [e for e in session.scalars(query) if e.action != "linkage.read"]


def two_spellings_of_one_man(session, cipher) -> tuple[int, int]:
    """A pair the model doubts: same man, names written two ways, different phones."""
    a = register(session, cipher, "one", given_name="Mohammad Zaman", father_name="Ghulam Nabi",
                 sex="M", birth_year=1986, province="Kabul", phone="+93700111222")  # fmt: skip
    b = register(session, cipher, "two", given_name="Zaman", father_name="Gholam Nabi", sex="M",
                 birth_year=1986, province="Herat", phone="+93799888777")  # fmt: skip
    return a, b


def test_run_merge_split_and_decisions_are_audited_without_personal_data(session, cipher):
    actor = cli_actor()
    crowd(session, cipher)
    a, b = two_spellings_of_one_man(session, cipher)
    session.commit()
    summary = run_linkage(session, cipher=cipher, actor=actor)
    session.commit()
    (run,) = linkage_entries(session)
    assert (run.action, run.subject) == ("linkage.run", f"operation:{cipher.operation_id}")
    assert run.details["new_registrations"] == summary.new_registrations == 62
    assert run.username == actor.username and run.purpose.startswith("record linkage")

    item = next(i for i in open_reviews(session, operation_id=cipher.operation_id)
                if {i.registration_a_id, i.registration_b_id} == {a, b})  # fmt: skip
    before = sorted((person_of(session, a), person_of(session, b)))
    decide(session, cipher=cipher, actor=actor, item_id=item.id, same=True, reason=REASON)
    decide(session, cipher=cipher, actor=actor, item_id=item.id, same=False, reason=REASON)
    run_linkage(session, cipher=cipher, actor=actor)  # nothing new: still one entry
    session.commit()

    entries = linkage_entries(session)
    expected = ["run", "merge", "decide", "split", "decide", "run"]
    assert [e.action for e in entries] == [f"linkage.{action}" for action in expected]
    merge, split = entries[1], entries[3]
    assert (merge.details["survivor"], merge.details["merged"]) == tuple(before)
    assert merge.details["automatic"] is False
    assert split.details["registration_ids"] == [b] and split.details["person"] == before[0]
    assert entries[-1].details["new_registrations"] == 0
    written = json.dumps([[e.subject, e.purpose, e.details] for e in entries])
    for personal in ("Zaman", "Nabi", "Gholam", "+93", "1986", "Herat", "brother"):
        assert personal not in written
    assert verify_chain(session) == []


def test_showing_a_doubtful_pair_to_a_reviewer_is_an_audited_read(session, cipher):
    actor = cli_actor()
    crowd(session, cipher)
    two_spellings_of_one_man(session, cipher)
    session.commit()
    run_linkage(session, cipher=cipher, actor=actor)
    item = open_reviews(session, operation_id=cipher.operation_id)[0]
    review_records(session, cipher=cipher, actor=actor, item=item)  # what `evac link review` shows
    (read,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "linkage.read"))
    assert read.subject == f"link_review_item:{item.id}" and read.username == actor.username
    assert read.details == {"registrations": [item.registration_a_id, item.registration_b_id]}
