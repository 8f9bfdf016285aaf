"""How many SQL statements a check-in sends to PostgreSQL, counted so that they cannot creep
back: each is a round trip on a gate's busiest path (there were 44 before they were cut). A
party of three costs what a party of one does. (SQLite runs in the server's process, with no
round trips; there the rows whose ids must come back in order are inserted one by one.)"""

import pytest
from sqlalchemy import event

from evac.gate.service import GateCache, Status, check_in

from .conftest import AGENT, arrival

PARTY, SINGLE = "P-7KQ2M", "P-3XHTW"  # three members, one
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
# the keys' stamp, the trusted signing keys with the pass's revocation (one read), the members
# locked, the check-ins of the key or the party, the check-in, the members moved, their events,
# their wristbands, and the audit lane locked, appended to and its head moved
ACCEPTED = 11
DUPLICATE = 8  # the same reads, the wristbands read, the audit's three


@pytest.fixture
def statements(engine) -> list[str]:
    """The statements sent to the database from here on, less BEGIN."""
    sent: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:
        if not statement.startswith("BEGIN"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield sent
    event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def gate(session, provider, operation):
    """check_in through one warm cache, as a server's process runs it."""
    cache = GateCache()

    def run(sent):
        result = check_in(
            session, actor=AGENT, provider=provider, operation=operation, arrival=sent, cache=cache
        )
        session.commit()
        return result

    return run


def sent_by(statements: list[str], work) -> tuple[object, int]:
    before = len(statements)
    result = work()
    return result, len(statements) - before


def test_a_check_in_sends_as_few_statements_whatever_the_partys_size(world, gate, statements):
    gate(arrival("warm-up", "not a pass"))  # the keys unsealed once for the process
    three, for_three = sent_by(statements, lambda: gate(arrival("k-1", world.passes[PARTY])))
    one, for_one = sent_by(statements, lambda: gate(arrival("k-2", world.passes[SINGLE])))
    assert (three.status, len(three.members), one.status) == (Status.accepted, 3, Status.accepted)
    assert for_three == for_one <= ACCEPTED, "\n".join(
        s[:60] for s in statements[-for_three - for_one :]
    )


def test_a_retry_sends_few_statements_and_no_savepoint(world, gate, statements):
    gate(arrival("k-1", world.passes[PARTY]))
    again, sent = sent_by(statements, lambda: gate(arrival("k-1", world.passes[PARTY])))
    assert again.status == Status.duplicate
    assert sent <= DUPLICATE, statements[-sent:]
    assert not [s for s in statements if "SAVEPOINT" in s]
