"""The SMTP transport against a real server (aiosmtpd), pipelined or one command at a time:
each message of a run gets its own answer, in order, whatever its neighbours got."""

import pytest

from evac.notify.channels import (
    Delivery,
    Outgoing,
    RateLimit,
    Refused,
    SmtpTransport,
    Unavailable,
)
from evac.notify.templates import Rendered

SERVERS = ["smtp_server", "smtp_server_without_pipelining"]


def outgoing(number: int, recipient: str | None = None) -> Outgoing:
    content = Rendered(subject=f"Notice {number}", text=f"Stay away from the gates ({number}).\n")
    return Outgoing(
        message_id=f"<notice{number}@example.org>",
        recipient=recipient or f"family{number}@example.org",
        language="en",
        content=content,
    )


@pytest.mark.parametrize("server", SERVERS)
def test_each_message_of_a_run_gets_its_own_answer(server, request):
    inbox, host, port = request.getfixturevalue(server)
    inbox.replies["family1@example.org"] = ["451 4.3.0 try again later"]
    inbox.replies["family3@example.org"] = ["550 5.1.1 no such mailbox"]
    inbox.replies["family5@example.org"] = ["452 4.2.2 mailbox full"]
    transport = SmtpTransport(host, port, sender="evac@example.org")

    outcomes = transport.deliver_many([outgoing(n) for n in range(7)])

    kinds = [type(outcome) for outcome in outcomes]
    assert kinds == [Delivery, Unavailable, Delivery, Refused, Delivery, Unavailable, Delivery]
    assert "451" in str(outcomes[1]) and "550" in str(outcomes[3]) and "452" in str(outcomes[5])
    assert inbox.message_ids() == [f"<notice{n}@example.org>" for n in (0, 2, 4, 6)]
    assert [m["To"] for m in inbox.messages] == [f"family{n}@example.org" for n in (0, 2, 4, 6)]
    # The connection is still good: the refused transactions were cleared.
    assert isinstance(transport.deliver(outgoing(7)), Delivery)
    transport.close()


@pytest.mark.parametrize("server", SERVERS)
def test_what_has_no_answer_when_the_server_closes_is_tried_again(server, request):
    inbox, host, port = request.getfixturevalue(server)
    inbox.replies["family1@example.org"] = ["421 4.3.2 shutting down"]
    transport = SmtpTransport(host, port, sender="evac@example.org")

    outcomes = transport.deliver_many([outgoing(n) for n in range(3)])

    assert isinstance(outcomes[0], Delivery)
    assert all(isinstance(outcome, Unavailable) for outcome in outcomes[1:])
    assert inbox.message_ids() == ["<notice0@example.org>"]
    # A new connection is opened for the next run.
    assert [type(o) for o in transport.deliver_many([outgoing(1), outgoing(2)])] == [Delivery] * 2
    transport.close()


def test_an_address_that_could_smuggle_a_command_is_refused_before_any_is_sent(smtp_server):
    inbox, host, port = smtp_server
    transport = SmtpTransport(host, port, sender="evac@example.org")
    smuggler = "x@example.org>\r\nRCPT TO:<everyone@example.org"

    outcomes = transport.deliver_many(
        [outgoing(0, recipient=smuggler), outgoing(1), outgoing(2, recipient="Ali <a@b.org>")]
    )

    assert [type(o) for o in outcomes] == [Refused, Delivery, Refused]
    assert [m["To"] for m in inbox.messages] == ["family1@example.org"]
    transport.close()


def test_a_pipelined_run_keeps_to_the_rate_limit(smtp_server):
    inbox, host, port = smtp_server
    waits: list[float] = []
    rate = RateLimit(2.0, burst=2, clock=lambda: 100.0, sleep=waits.append)
    transport = SmtpTransport(host, port, sender="evac@example.org")

    transport.deliver_many([outgoing(n) for n in range(4)], rate=rate)

    assert waits == [0.5, 1.0]  # two free, then each half a second after the last
    assert len(inbox.raw) == 4
    transport.close()
