from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, update

from evac.auth.permissions import Actor, Role
from evac.vault.audit import AuditEntry, record_access, verify_chain

OFFICER = Actor(username="officer1", role=Role.officer, user_id=1)


def write_entries(session, count: int) -> list[int]:
    for n in range(count):
        record_access(
            session,
            actor=OFFICER,
            action="person.read",
            purpose="case review",
            subject=f"person:{n}",
        )
    session.commit()
    return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_intact_chain_verifies(session):
    write_entries(session, 5)
    assert verify_chain(session) == []


def test_edited_entry_is_found(session):
    ids = write_entries(session, 5)
    session.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(purpose="nothing"))
    session.commit()
    breaks = verify_chain(session)
    assert [(b.entry_id, b.reason) for b in breaks] == [
        (ids[2], "its content was edited after it was written")
    ]


def test_removed_entry_is_found(session):
    ids = write_entries(session, 5)
    session.delete(session.get(AuditEntry, ids[1]))
    session.commit()
    breaks = verify_chain(session)
    assert len(breaks) == 1 and breaks[0].entry_id == ids[2]
    assert "was removed" in breaks[0].reason


def test_reordered_entries_are_found(session):
    ids = write_entries(session, 4)
    # Swap the content of entries 1 and 2 (their hashes travel with them).
    first, second = session.get(AuditEntry, ids[1]), session.get(AuditEntry, ids[2])
    columns = ("at", "subject", "previous_hash", "entry_hash")
    values = [{c: getattr(e, c) for c in columns} for e in (first, second)]
    session.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(entry_hash="x"))
    session.flush()
    session.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(**values[0]))
    session.flush()
    session.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(**values[1]))
    session.commit()
    reasons = " ".join(b.reason for b in verify_chain(session))
    assert "reordered" in reasons


def test_cut_tail_is_found(session):
    ids = write_entries(session, 3)
    session.delete(session.get(AuditEntry, ids[-1]))
    session.commit()
    assert "cut" in verify_chain(session)[0].reason


def test_concurrent_writers_keep_one_chain(session_factory):
    def write(n):
        with session_factory() as session:
            record_access(
                session, actor=OFFICER, action="person.read", purpose="p", subject=f"person:{n}"
            )
            session.commit()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(20)))
    with session_factory() as session:
        assert verify_chain(session) == []
        assert len(session.scalars(select(AuditEntry)).all()) == 20
