"""Channels behind one interface: e-mail over SMTP (or into a Maildir folder), SMS and WhatsApp
through an HTTP gateway that speaks Twilio's Messages API. Each has its own rate limit."""

import base64
import contextlib
import mailbox
import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime
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

    def close(self) -> None: ...


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
    encoded = base64.encodebytes(data).decode("ascii").rstrip("\n").replace("\n", "\r\n")
    return [
        f"Content-Type: {content_type}",
        *headers,
        "Content-Transfer-Encoding: base64",
        "",
        encoded,
    ]


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


class SmtpTransport:
    """E-mail over one SMTP connection, kept open between messages and reopened when lost."""

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
        mail = mime_bytes(message, sender=self.sender)
        try:
            self._connection().sendmail(self.sender, [message.recipient], mail)
        except smtplib.SMTPRecipientsRefused as refused:
            code, reason = next(iter(refused.recipients.values()))
            raise (Refused if code >= 500 else Unavailable)(f"{code} {reason!r}") from None
        except smtplib.SMTPResponseException as error:
            self.close()
            kind = Refused if error.smtp_code >= 500 else Unavailable
            raise kind(f"{error.smtp_code} {error.smtp_error!r}") from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise Unavailable(f"{type(error).__name__}: {error}") from None
        return Delivery(status="sent")

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, timeout=30)
            if self.starttls:
                smtp.starttls()
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


class MaildirTransport:
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


# Twilio's error codes for a number that can never receive (invalid, unreachable, opted out):
# retrying those only spends money and the gateway's patience.
PERMANENT_ERRORS = {21211, 21214, 21408, 21610, 21612, 21614, 63003}


class TwilioTransport:
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
