"""A real SMTP server (aiosmtpd) that keeps every message it receives, and a local HTTP server
that speaks Twilio's Messages API."""

import base64
import email
import email.policy
import json
import threading
import uuid
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller

from evac.throwaway_postgres import free_port


class Inbox:
    """What the SMTP server received, and the answers it gives to recipients on request.
    With `pipelining` it offers PIPELINING (RFC 2920), as Postfix and Exim do; aiosmtpd reads
    commands in order either way, but does not say so itself."""

    def __init__(self, *, pipelining: bool = True) -> None:
        self.pipelining = pipelining
        self.raw: list[bytes] = []
        # address -> SMTP replies to give it, one per attempt ("451 ..." then "250 OK")
        self.replies: dict[str, list[str]] = {}

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

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
    """(inbox, host, port) of a running aiosmtpd server that offers PIPELINING."""
    yield from _smtp_server(Inbox())


@pytest.fixture
def smtp_server_without_pipelining():
    """(inbox, host, port) of a running aiosmtpd server that answers each command in turn."""
    yield from _smtp_server(Inbox(pipelining=False))


def _smtp_server(inbox: Inbox):
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, "127.0.0.1", port
    controller.stop()


class FakeGateway(BaseHTTPRequestHandler):
    """A small server speaking Twilio's Messages API as its documentation describes it: a
    form-encoded POST to /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth
    (account SID, auth token), answered 201 with the message's JSON (sid, status "queued"), or
    an error JSON with Twilio's code (21211: the 'To' number is not a valid phone number)."""

    account_sid = "AC" + "0" * 32
    auth_token = "test-auth-token"
    invalid_numbers = frozenset({"+15005550001"})  # Twilio's test number for an invalid 'To'

    def do_POST(self):
        received: list[dict] = self.server.received
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
        if self.path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
        received.append(form)
        number = form["To"].removeprefix("whatsapp:")
        if number in self.invalid_numbers:
            message = f"The 'To' number {form['To']} is not a valid phone number."
            return self._answer(400, {"code": 21211, "message": message, "status": 400})
        sid = "SM" + uuid.uuid4().hex
        body = {"sid": sid, "status": "queued", "to": form["To"], "from": form["From"]}
        return self._answer(201, body | {"body": form["Body"], "account_sid": self.account_sid})

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture
def sms_gateway():
    """(received forms, base URL) of a running fake Twilio Messages API."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.received, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
