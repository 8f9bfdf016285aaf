"""A real SMTP server (aiosmtpd) on a free loopback port that keeps every message it receives."""

import email
import email.policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from evac.throwaway_postgres import free_port


class Inbox:
    """What the SMTP server received, and the answers it gives to recipients on request."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        # address -> SMTP replies to give it, one per attempt ("451 ..." then "250 OK")
        self.replies: dict[str, list[str]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.replies.get(address)
        if replies:
            reply = replies.pop(0)
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in self.raw]

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]


@pytest.fixture
def smtp_server():
    """(inbox, host, port) of a running aiosmtpd server."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, "127.0.0.1", port
    controller.stop()
