"""Two stations sending at the same moment: never two check-ins of one party, never a
check-in lost (each in its own session and thread, as two HTTP requests would be)."""

import threading

from sqlalchemy import func, select

from evac.gate.models import CheckIn, Conflict, Evacuee
from evac.gate.service import Status, check_in
from evac.vault.audit import verify_chain

from .conftest import AGENT, arrival

PARTY = "P-7KQ2M"


def at_once(session_factory, provider, operation, arrivals) -> list[Status]:
    """Each arrival checked in by its own thread and session, all released together."""
    start = threading.Barrier(len(arrivals))
    statuses: list[Status] = []

    def station(sent) -> None:
        with session_factory() as session:
            start.wait()
            result = check_in(
                session, actor=AGENT, provider=provider, operation=operation, arrival=sent
            )
            session.commit()
            statuses.append(result.status)

    threads = [threading.Thread(target=station, args=(sent,)) for sent in arrivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def counts(session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(table))
        for table in (CheckIn, Evacuee, Conflict)
    )


def test_one_party_at_two_stations_at_once_is_one_check_in_and_one_conflict(
    session, session_factory, provider, operation, world
):
    text = world.passes[PARTY]
    statuses = at_once(
        session_factory, provider, operation,
        [arrival("lane-1", text), arrival("lane-2", text, station="lane 2")],
    )  # fmt: skip
    assert statuses == [Status.accepted, Status.conflict]
    assert counts(session) == (1, 3, 1)
    assert verify_chain(session) == []  # both appended to the audit log, each chain intact


def test_one_check_in_sent_twice_at_once_is_one(
    session, session_factory, provider, operation, world
):
    text = world.passes[PARTY]
    statuses = at_once(
        session_factory, provider, operation, [arrival("k-1", text), arrival("k-1", text)]
    )
    assert statuses == [Status.accepted, Status.duplicate]
    assert counts(session) == (1, 3, 0)
    assert verify_chain(session) == []


def test_two_parties_at_once_are_both_checked_in(
    session, session_factory, provider, operation, world
):
    statuses = at_once(
        session_factory, provider, operation,
        [arrival("lane-1", world.passes[PARTY]), arrival("lane-2", world.passes["P-3XHTW"])],
    )  # fmt: skip
    assert statuses == [Status.accepted, Status.accepted]
    assert counts(session) == (2, 4, 0)
    assert verify_chain(session) == []
