"""Channels behind one interface: e-mail over SMTP (or into a Maildir folder), SMS and WhatsApp
through an HTTP gateway that speaks Twilio's Messages API. Each has its own rate limit."""

import base64
import contextlib
import mailbox
import re
import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import httpx

from evac.db import utcnow
from evac.notify.models import Channel
from evac.notify.templates import Rendered


@dataclass(frozen=True)
class Outgoing:
    """One message as a channel sends it."""

    message_id: str  # <...@...>, fixed when the message was queued
    recipient: str  # an e-mail address, or an E.164 number
    language: str
    content: Rendered


@dataclass(frozen=True)
class Delivery:
    """What the server or gateway answered."""

    status: str  # "sent" (accepted by the SMTP server), or the gateway's: "queued", "sent"...
    provider_id: str | None = None  # the gateway's id, which its status callbacks name


class Refused(Exception):
    """Refused for good (a malformed address, a number the gateway cannot reach)."""


class Unavailable(Exception):
    """Not sent this time (server down, busy, rate-limited): try again later."""


class Transport(Protocol):
    channel: Channel

    def deliver(self, message: Outgoing) -> Delivery: ...

    def deliver_many(
        self, messages: list[Outgoing], *, rate: "RateLimit | None" = None
    ) -> list[Delivery | Exception]:
        """Each message's delivery, or what stopped it (`Refused`, `Unavailable`...), in
        order, each sent within the rate limit."""
        ...

    def close(self) -> None: ...


class OneByOne:
    """`deliver_many` for a transport that takes one message a request (a file, an HTTP
    call): each message in turn, through the class's `deliver`."""

    def deliver_many(
        self, messages: list[Outgoing], *, rate: "RateLimit | None" = None
    ) -> list[Delivery | Exception]:
        outcomes: list[Delivery | Exception] = []
        for message in messages:
            if rate:
                rate.wait()
            try:
                outcomes.append(self.deliver(message))  # type: ignore[attr-defined]
            except Exception as error:
                outcomes.append(error)
        return outcomes


class RateLimit:
    """A token bucket: at most `per_second` sends a second on average, bursts of `burst`.
    Mail providers and SMS gateways throttle (and then block) senders that go faster."""

    def __init__(
        self,
        per_second: float | None,
        burst: int = 10,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second, self.burst, self._clock, self._sleep = per_second, burst, clock, sleep
        self._tokens, self._last = float(burst), clock()
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.per_second:
            return
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.per_second)
            self._last = now
            self._tokens -= 1
            shortfall = -self._tokens / self.per_second if self._tokens < 0 else 0.0
        if shortfall:
            self._sleep(shortfall)


def mime_bytes(message: Outgoing, *, sender: str) -> bytes:
    """The e-mail as sent: plain text with its HTML alternative, then the attachments (the
    pass's QR code). Written directly rather than through `email.message`, which spends ten
    milliseconds a message on what is the same few headers and base64 bodies every time (a
    hundred thousand call-forwards must go out within minutes)."""
    content = message.content
    mixed, alternative = f"mixed-{uuid.uuid4().hex}", f"alt-{uuid.uuid4().hex}"
    bodies = [f"--{alternative}", *_part("text/plain; charset=utf-8", content.text.encode())]
    if content.html:
        bodies += [f"--{alternative}", *_part("text/html; charset=utf-8", content.html.encode())]
    parts = [
        f"From: {sender}",
        f"To: {message.recipient}",
        f"Subject: {_encoded_words(content.subject)}",
        f"Message-ID: {message.message_id}",
        f"Date: {format_datetime(utcnow())}",
        "MIME-Version: 1.0",
        f"Content-Language: {message.language}",
        f'Content-Type: multipart/mixed; boundary="{mixed}"',
        "",
        f"--{mixed}",
        f'Content-Type: multipart/alternative; boundary="{alternative}"',
        "",
        *bodies,
        f"--{alternative}--",
    ]
    for attachment in content.attachments:
        disposition = f'Content-Disposition: attachment; filename="{attachment.filename}"'
        parts += [f"--{mixed}", *_part(attachment.mime_type, attachment.data, disposition)]
    parts += [f"--{mixed}--", ""]
    return "\r\n".join(parts).encode("ascii")


def _part(content_type: str, data: bytes, *headers: str) -> list[str]:
    text = base64.b64encode(data).decode("ascii")
    # Lines of 76 characters (RFC 2045), cut from one encoding: encodebytes encodes each line
    # on its own, in Python.
    encoded = "\r\n".join([text[i : i + 76] for i in range(0, len(text), 76)])
    return [
        f"Content-Type: {content_type}",
        *headers,
        "Content-Transfer-Encoding: base64",
        "",
        encoded,
    ]


@lru_cache(maxsize=64)  # a send's subjects: one a template and language
def _encoded_words(text: str) -> str:
    """A header value as RFC 2047 encoded words (UTF-8, Base64): Dari and Pashto subjects.
    Each word holds whole characters and stays within 75 characters."""
    if text.isascii():
        return text
    words, chunk = [], b""
    for character in text:
        encoded = character.encode()
        if len(chunk) + len(encoded) > 45:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode()}?=" for w in words)


# A bare address, as the outbox holds it: anything else (a display name, a line break that
# would smuggle in a command) is refused rather than written into the SMTP dialogue.
ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+", re.ASCII)
# DATA ends at a line holding one dot: a line of the message that starts with one gets two.
LINE_STARTING_WITH_DOT = re.compile(rb"^\.", re.MULTILINE)
Sendable = list[tuple[int, str, bytes]]  # a message's place in the run, recipient, mail as sent
Outcomes = dict[int, Delivery | Exception]  # by place in the run


class SmtpTransport:
    """E-mail over one SMTP connection, kept open between messages and reopened when lost.

    Where the server offers PIPELINING (RFC 2920, as Postfix and Exim do), a run of messages
    goes one round trip a message: each message's content is sent with the next message's
    MAIL, RCPT and DATA, instead of four exchanges a message that each wait for the server.
    """

    channel = Channel.email

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self._smtp: smtplib.SMTP | None = None

    def deliver(self, message: Outgoing) -> Delivery:
        [outcome] = self.deliver_many([message])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def deliver_many(
        self, messages: list[Outgoing], *, rate: RateLimit | None = None
    ) -> list[Delivery | Exception]:
        outcomes: Outcomes = {}
        sendable: Sendable = []
        for index, message in enumerate(messages):
            try:
                sendable.append((index, message.recipient, self._mail(message)))
            except (Refused, ValueError) as error:  # not an address, not ASCII
                outcomes[index] = Refused(str(error))
        try:
            smtp = self._connection()
            send = self._pipelined if smtp.has_extn("pipelining") else self._one_by_one
            send(smtp, sendable, outcomes, rate)
        except (smtplib.SMTPException, OSError) as error:
            # The connection is gone: whatever has no answer yet may or may not have arrived,
            # and is tried again (with its Message-ID, so a reader sees one message).
            self.close()
            lost = Unavailable(f"{type(error).__name__}: {error}")
            outcomes |= {index: lost for index, *_ in sendable if index not in outcomes}
        return [outcomes[index] for index in range(len(messages))]

    def _one_by_one(
        self, smtp: smtplib.SMTP, sendable: Sendable, outcomes: Outcomes, rate: RateLimit | None
    ) -> None:
        for index, recipient, mail in sendable:
            if rate:
                rate.wait()
            try:
                smtp.sendmail(self.sender, [recipient], mail)
                outcomes[index] = Delivery(status="sent")
            except smtplib.SMTPRecipientsRefused as refused:
                code, reason = next(iter(refused.recipients.values()))
                outcomes[index] = _refusal(code, reason)
            except smtplib.SMTPResponseException as error:
                outcomes[index] = _refusal(error.smtp_code, error.smtp_error)
                if error.smtp_code == 421:  # the server is closing the connection
                    raise

    def _pipelined(
        self, smtp: smtplib.SMTP, sendable: Sendable, outcomes: Outcomes, rate: RateLimit | None
    ) -> None:
        """Each write: what the server awaits from the previous message (its content, or a
        reset after a refusal), then this message's MAIL, RCPT and DATA; the answers to all
        of them are read back in order."""
        lead, owners = b"", []  # written before the next envelope; whose answers they are
        for index, recipient, mail in sendable:
            if rate:
                rate.wait()
            smtp.send(lead + self._envelope(recipient))
            _read_outcomes(smtp, owners, outcomes)
            replies = [_reply(smtp) for _ in range(3)]  # MAIL, RCPT, DATA
            codes = [code for code, _ in replies]
            if codes == [250, 250, 354]:
                lead, owners = LINE_STARTING_WITH_DOT.sub(b"..", mail) + b".\r\n", [index]
                continue
            outcomes[index] = _refusal(*next(r for r in replies if r[0] not in (250, 354)))
            # The refused transaction is cleared; a server that opened DATA anyway first gets
            # an empty message (which it refuses: it has no recipient).
            lead, owners = (
                (b".\r\nRSET\r\n", [None, None]) if codes[2] == 354 else (b"RSET\r\n", [None])
            )
        if lead:
            smtp.send(lead)
            _read_outcomes(smtp, owners, outcomes)

    def _envelope(self, recipient: str) -> bytes:
        return f"MAIL FROM:<{self.sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n".encode()

    def _mail(self, message: Outgoing) -> bytes:
        if not (ADDRESS.fullmatch(message.recipient) and message.recipient.isascii()):
            raise Refused("not a bare e-mail address")
        return mime_bytes(message, sender=self.sender)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, timeout=30)
            smtp.ehlo()
            if self.starttls:
                smtp.starttls()
                smtp.ehlo()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        if self._smtp is not None:
            # The server may have gone first: then there is nothing left to close politely.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


def _refusal(code: int, reason: bytes) -> Exception:
    """A server's no: for good (5xx), or for now (4xx, or anything unexpected)."""
    return (Refused if 500 <= code < 600 else Unavailable)(f"{code} {reason!r}")


def _reply(smtp: smtplib.SMTP) -> tuple[int, bytes]:
    """The server's next answer; 421 (it is shutting the connection, nothing more will be
    answered on it) raised."""
    code, reason = smtp.getreply()
    if code == 421:
        raise smtplib.SMTPResponseException(code, reason)
    return code, reason


def _read_outcomes(smtp: smtplib.SMTP, owners: list[int | None], outcomes: Outcomes) -> None:
    """Read one answer for each owner: a message's content accepted or refused (None: the
    answer to a reset, which says nothing of any message)."""
    for owner in owners:
        code, reason = _reply(smtp)
        if owner is not None:
            outcomes[owner] = Delivery(status="sent") if code == 250 else _refusal(code, reason)


class MaildirTransport(OneByOne):
    """E-mail written into a local Maildir folder (the demo's, or a machine with no network),
    each message whole, as a mail client would read it."""

    channel = Channel.email

    def __init__(self, folder: Path, *, sender: str) -> None:
        self.folder, self.sender = Path(folder), sender
        self._maildir = mailbox.Maildir(self.folder, create=True)

    def deliver(self, message: Outgoing) -> Delivery:
        key = self._maildir.add(mime_bytes(message, sender=self.sender))
        return Delivery(status="sent", provider_id=key)

    def close(self) -> None:
        """Nothing held open: each message is its own file."""


class TextFolderTransport(OneByOne):
    """SMS or WhatsApp written into a local folder, one text file a message, as the phone
    would show it (the demo's, or a desk with no gateway whose staff read the texts out or
    type them into a phone). Written whole and renamed into place, so a crash leaves no half
    message; a message sent again replaces its own file (named by its Message-ID)."""

    def __init__(self, folder: Path, *, channel: Channel) -> None:
        self.folder, self.channel = Path(folder), channel
        self.folder.mkdir(parents=True, exist_ok=True)

    def deliver(self, message: Outgoing) -> Delivery:
        name = f"{self.channel.value}-{re.sub(r'[^A-Za-z0-9.-]', '_', message.message_id)}.txt"
        heading = f"To: {message.recipient}\nLanguage: {message.language}\n"
        partial = self.folder / f".{name}.partial"
        partial.write_text(f"{heading}Message-ID: {message.message_id}\n\n{message.content.text}\n")
        partial.replace(self.folder / name)
        return Delivery(status="sent", provider_id=name)

    def close(self) -> None:
        """Nothing held open: each message is its own file."""


# Twilio's error codes for a number that can never receive (invalid, unreachable, opted out):
# retrying those only spends money and the gateway's patience.
PERMANENT_ERRORS = {21211, 21214, 21408, 21610, 21612, 21614, 63003}


class TwilioTransport(OneByOne):
    """SMS or WhatsApp through a gateway speaking Twilio's Messages API: a form-encoded POST
    to /2010-04-01/Accounts/{sid}/Messages.json, answered with the message's SID and status,
    later status changes posted to `status_callback`."""

    def __init__(
        self,
        *,
        channel: Channel,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str = "https://api.twilio.com",
        status_callback: str | None = None,
    ) -> None:
        self.channel = channel
        self.account_sid, self.sender, self.status_callback = account_sid, sender, status_callback
        self._client = httpx.Client(base_url=base_url, auth=(account_sid, auth_token), timeout=30.0)

    def deliver(self, message: Outgoing) -> Delivery:
        form = {
            "To": self._address(message.recipient),
            "From": self._address(self.sender),
            "Body": message.content.text,
        }
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        try:
            answer = self._client.post(
                f"/2010-04-01/Accounts/{self.account_sid}/Messages.json", data=form
            )
        except httpx.HTTPError as error:
            raise Unavailable(f"{type(error).__name__}: {error}") from None
        if answer.status_code in (200, 201):
            body = answer.json()
            return Delivery(status=body.get("status", "queued"), provider_id=body["sid"])
        raise self._failure(answer)

    def _address(self, number: str) -> str:
        return f"whatsapp:{number}" if self.channel == Channel.whatsapp else number

    @staticmethod
    def _failure(answer: httpx.Response) -> Exception:
        try:
            code = answer.json().get("code")
        except ValueError:
            code = None
        reason = f"HTTP {answer.status_code}, gateway code {code}"
        return (Refused if code in PERMANENT_ERRORS else Unavailable)(reason)

    def close(self) -> None:
        self._client.close()
