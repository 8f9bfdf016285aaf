"""Lanes: writers that overlap append to different heads, and the log checks as before."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update

from evac.auth.permissions import Actor, Role
from evac.vault.anchors import sign_head
from evac.vault.audit import AuditEntry, AuditHead, check_log, record_access, verify_chain
from tests.vault.test_audit import OFFICER, write_entries

AUDITOR = Actor(username="auditor1", role=Role.auditor, user_id=2)
# Row locks let a second writer skip a held lane; SQLite has one writer at a time.
ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def read(session, subject: str) -> None:
    record_access(session, actor=OFFICER, action="person.read", purpose="p", subject=subject)


def two_lanes(session_factory) -> None:
    """Two writers at once: the second does not wait for the first's lane."""
    with session_factory() as first, session_factory() as second:
        read(first, "person:1")  # holds lane 1 until it commits
        read(second, "person:2")
        second.commit()
        first.commit()


@ON_POSTGRESQL
def test_overlapping_writers_take_different_lanes_and_the_log_verifies(session_factory):
    two_lanes(session_factory)
    with session_factory() as session:
        write_entries(session, 3)  # a lone writer: lane 1 again
        lanes = session.scalars(select(AuditEntry.lane).order_by(AuditEntry.id)).all()
        assert sorted(lanes) == [1, 1, 1, 1, 2]
        assert verify_chain(session) == []


@ON_POSTGRESQL
def test_a_cut_in_the_second_lane_is_found(session_factory):
    two_lanes(session_factory)
    with session_factory() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.lane == 2))
        session.commit()
        assert [b.reason for b in verify_chain(session)] == [
            "the newest entries were removed (the log was cut)"
        ]


@ON_POSTGRESQL
def test_an_anchor_over_two_lanes_catches_a_fixed_up_cut(session_factory):
    two_lanes(session_factory)
    with session_factory() as session:
        anchor = sign_head(session, actor=AUDITOR, signing_key=Ed25519PrivateKey.generate())
        assert check_log(session, actor=AUDITOR, anchors=[anchor.head]) == []
        # An insider removes lane 2's entry and resets its head: the chain verifies by itself.
        session.execute(delete(AuditEntry).where(AuditEntry.lane == 2))
        session.execute(update(AuditHead).where(AuditHead.id == 2).values(last_entry_id=None))
        session.execute(update(AuditHead).where(AuditHead.id == 2).values(last_hash="0" * 64))
        write_entries(session, 1)  # and writes one entry so that the count matches
        assert verify_chain(session) == []
        assert (
            "no longer hash" in check_log(session, actor=AUDITOR, anchors=[anchor.head])[0].reason
        )


def test_a_lone_writer_keeps_one_chain_in_lane_one(session):
    write_entries(session, 4)
    assert set(session.scalars(select(AuditEntry.lane))) == {1}
    assert verify_chain(session) == []
