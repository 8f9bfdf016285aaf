"""The messages evac sends, in English, Dari and Pashto: call-forward, warden notices, changes
and cancellations. English sentences are the catalogue ids (`locales/*/notify.po`); each
message is an HTML e-mail with a plain-text alternative, or a plain text for SMS and WhatsApp.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, get_timezone_name
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import escape

from evac.i18n import DIGITS, Language, language
from evac.notify.models import Channel
from evac.passes.qr import qr_png

EMAIL_TEMPLATES = Path(__file__).parents[1] / "web" / "templates" / "notify"


class Template(StrEnum):
    call_forward = "call_forward"
    change = "change"  # a new call-forward that replaces an earlier one
    cancellation = "cancellation"
    leave_now = "leave_now"  # warden notice
    do_not_come = "do_not_come"  # warden notice


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime_type: str  # "image/png"
    data: bytes


@dataclass(frozen=True)
class Rendered:
    """One message ready for a channel: `html` only for e-mail."""

    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())


SUBJECTS = {
    Template.call_forward: "Call-forward: come to the airport",
    Template.change: "Change to your call-forward",
    Template.cancellation: "Your call-forward is cancelled",
    Template.leave_now: "Warning: leave the country now",
    Template.do_not_come: "Warning: do not come to the airport",
}
COME = "Come to {gate} between {start} and {end} ({zone})."
PARTY = "This pass is for {count} people. Each of them must come, with their own documents."
QR_ATTACHED = "The pass is attached as a QR code. Show it at the gate on your phone or printed."
SHORT_CODE = "If the QR code cannot be read, give the guard this code: {code}"
DO_NOT_SHARE = (
    "Do not share this message or the pass. It works only with the documents of the people "
    "on it, and only once."
)
NOT_EARLY = "Do not come before your time. Crowds at the gate put everyone in danger."
REPLACES = "This message replaces your earlier call-forward. The earlier pass no longer works."
CANCELLED = (
    "Your call-forward for {start} to {end} is cancelled. Do not come to the airport. "
    "Your pass no longer works. We will send you a new message."
)
LEAVE_NOW = "Leave the country now by any safe route. Do not wait for a flight or a call-forward."
DO_NOT_COME = (
    "Do not come to the airport. Stay away from the gates: there is a serious threat. "
    "Stay in a safe place and wait for a message from us."
)
FREE = "Passes are free. Never pay anyone for a pass or a place on a flight."
BRING_HEADING = "What to bring:"
BRING = (
    "The passport or tazkira of every person on the pass",
    "This message, on your phone or printed",
    "Water and food for one day, and one small bag each",
)
# SMS: the same call in fewer words; the sentences after the first are dropped from the end
# when the message would run past MAX_SEGMENTS (many phones in 2021 were basic handsets).
SMS_COME = "Come to {gate} {start} to {end} ({zone})."
SMS_CODE = "Pass code {code}, for {count} people."
SMS_BRING = "Bring every passport or tazkira."
SMS_SHARE = "Do not share this message."
MAX_SEGMENTS = 4

SENTENCES = (
    *SUBJECTS.values(),
    COME,
    PARTY,
    QR_ATTACHED,
    SHORT_CODE,
    DO_NOT_SHARE,
    NOT_EARLY,
    REPLACES,
    CANCELLED,
    LEAVE_NOW,
    DO_NOT_COME,
    FREE,
    BRING_HEADING,
    *BRING,
    SMS_COME,
    SMS_CODE,
    SMS_BRING,
    SMS_SHARE,
)

# Unicode isolates: a Latin gate name or a code inside a right-to-left sentence keeps its order.
FIRST_STRONG_ISOLATE, POP_ISOLATE = "\u2068", "\u2069"


def call_values(
    *,
    gate: str,
    window_start: datetime,
    window_end: datetime,
    time_zone: str,
    travellers: int,
    pass_text: str,
    short_code: str,
) -> dict:
    """The values a call-forward (or its change) is written from, as the outbox keeps them."""
    return {
        "gate": gate,
        "window_start": window_start.isoformat(),
        "window_end": window_end.isoformat(),
        "time_zone": time_zone,
        "travellers": travellers,
        "pass_text": pass_text,
        "short_code": short_code,
    }


def window_values(*, window_start: datetime, window_end: datetime, time_zone: str) -> dict:
    """The values of a cancellation: the window it cancels."""
    return {
        "window_start": window_start.isoformat(),
        "window_end": window_end.isoformat(),
        "time_zone": time_zone,
    }


def render(template: Template, values: dict, *, language_code: str, channel: Channel) -> Rendered:
    """The message `template` with its values, in the language, for the channel."""
    lang = language(language_code)
    pieces = _pieces(template, values, lang)
    if channel == Channel.email:
        return _email(template, values, lang, pieces)
    return Rendered(subject=lang.gettext(SUBJECTS[template]), text=_sms(template, lang, pieces))


def _pieces(template: Template, values: dict, lang: Language) -> dict[str, str]:
    """The values as the language writes them: times in the operation's zone, its digits."""
    if "window_start" not in values:
        return {}
    pieces = _window_pieces(
        values["window_start"], values["window_end"], values["time_zone"], lang.code
    )
    if template in (Template.call_forward, Template.change):
        pieces |= {
            "gate": values["gate"],
            "code": values["short_code"],
            "count": _count(lang.code, values["travellers"]),
        }
    return pieces


@lru_cache(maxsize=256)  # a send's thousands of messages share a few windows and languages
def _window_pieces(start_iso: str, end_iso: str, time_zone: str, code: str) -> dict[str, str]:
    lang = language(code)
    zone = ZoneInfo(time_zone)
    start = datetime.fromisoformat(start_iso).astimezone(zone)
    end = datetime.fromisoformat(end_iso).astimezone(zone)
    locale = Locale.parse(lang.locale)
    end_pattern = "HH:mm" if end.date() == start.date() else "EEEE d MMMM HH:mm"
    return {
        "start": digits(lang, format_datetime(start, "EEEE d MMMM HH:mm", locale=locale)),
        "end": digits(lang, format_datetime(end, end_pattern, locale=locale)),
        "zone": get_timezone_name(zone, locale=locale),
    }


@lru_cache(maxsize=64)  # parties are of a few sizes
def _count(code: str, number: int) -> str:
    return language(code).number(number)


def digits(lang: Language, text: str) -> str:
    """ASCII digits in a text written as the language writes them (۱۴:۰۰ in Dari and Pashto)."""
    system = Locale.parse(lang.locale).default_numbering_system
    return text.translate(str.maketrans(DIGITS["latn"], DIGITS.get(system, DIGITS["latn"])))


def _isolated(lang: Language, pieces: dict[str, str]) -> dict[str, str]:
    if lang.direction != "rtl":
        return pieces
    return {name: f"{FIRST_STRONG_ISOLATE}{value}{POP_ISOLATE}" for name, value in pieces.items()}


def _paragraphs(template: Template, lang: Language, pieces: dict[str, str]) -> list[str]:
    """The body's paragraphs, translated, with the pieces (not yet isolated) left as {names}."""
    _ = lang.gettext
    if template == Template.leave_now:
        return [_(LEAVE_NOW), _(FREE)]
    if template == Template.do_not_come:
        return [_(DO_NOT_COME)]
    if template == Template.cancellation:
        return [_(CANCELLED), _(FREE)]
    opening = [_(REPLACES)] if template == Template.change else []
    return [
        *opening,
        _(COME),
        _(PARTY),
        _(QR_ATTACHED),
        _(SHORT_CODE),
        _(NOT_EARLY),
        _(DO_NOT_SHARE),
        _(FREE),
    ]


def _email(template: Template, values: dict, lang: Language, pieces: dict[str, str]) -> Rendered:
    page = _email_skeleton(template, lang.code, tuple(pieces))
    return Rendered(
        subject=page.subject,
        text=_filled(page.text, _isolated(lang, pieces)),
        html=_filled(page.html, {name: str(escape(value)) for name, value in pieces.items()}),
        attachments=_pass_image(values),
    )


@dataclass(frozen=True)
class Skeleton:
    """An e-mail with a marker where each of its pieces goes."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=64)
def _email_skeleton(template: Template, code: str, names: tuple[str, ...]) -> Skeleton:
    """The e-mail of a template in a language, written once with markers for the pieces and
    filled in for each message: a send's thousands of messages share a few of these, and
    writing each one whole was most of a worker's time."""
    lang = language(code)
    markers = {name: _marker(name) for name in names}
    paragraphs = _paragraphs(template, lang, markers)
    calls = template in (Template.call_forward, Template.change)
    bring = [lang.gettext(item) for item in BRING] if calls else []
    text_lines = [p.format(**markers) for p in paragraphs]
    if bring:
        text_lines.append(lang.gettext(BRING_HEADING) + "\n" + "\n".join(f"- {b}" for b in bring))
    subject = lang.gettext(SUBJECTS[template])
    html = _email_page().render(
        lang=lang,
        subject=subject,
        paragraphs=[lang.with_ltr(p, **markers) if "{" in p else p for p in paragraphs],
        bring_heading=lang.gettext(BRING_HEADING),
        bring=bring,
        code=markers.get("code"),
    )
    return Skeleton(subject=subject, text="\n\n".join(text_lines) + "\n", html=html)


def _marker(name: str) -> str:
    # NUL never reaches a piece: forms refuse it, and PostgreSQL cannot store it
    return f"\0{name}\0"


def _filled(skeleton: str, pieces: dict[str, str]) -> str:
    for name, value in pieces.items():
        skeleton = skeleton.replace(_marker(name), value)
    return skeleton


def _pass_image(values: dict) -> tuple[Attachment, ...]:
    if "pass_text" not in values:
        return ()
    return (Attachment("pass.png", "image/png", _qr_image(values["pass_text"])),)


@lru_cache(maxsize=64)  # a party's messages (one per contact) follow each other in the outbox
def _qr_image(pass_text: str) -> bytes:
    return qr_png(pass_text)


def _sms(template: Template, lang: Language, pieces: dict[str, str]) -> str:
    """Plain text for a phone: as many of the message's sentences as fit MAX_SEGMENTS."""
    _ = lang.gettext
    isolated = _isolated(lang, pieces)
    if template in (Template.call_forward, Template.change):
        opening = [_(REPLACES)] if template == Template.change else []
        sentences = [*opening, _(SMS_COME), _(SMS_CODE), _(SMS_SHARE), _(SMS_BRING), _(FREE)]
    else:
        sentences = _paragraphs(template, lang, pieces)
    kept: list[str] = []
    for sentence in (s.format(**isolated) for s in sentences):
        if kept and sms_segments(" ".join([*kept, sentence])) > MAX_SEGMENTS:
            break
        kept.append(sentence)
    return " ".join(kept)


# The GSM 03.38 default alphabet (and its extension table, two septets a character): a text
# wholly in it is sent 7 bits a character, 160 in one SMS; anything else as UCS-2, 70.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """How many SMS a text takes: 160 GSM-7 septets or 70 UCS-2 characters in one, 153 or 67
    per part once it is split (each part carries a header that joins them back)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        length = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part = 160, 153
    else:
        length = sum(2 if ord(c) > 0xFFFF else 1 for c in text)  # UTF-16 code units
        single, part = 70, 67
    return 1 if length <= single else -(-length // part)


@cache
def _email_page():
    environment = Environment(
        loader=FileSystemLoader(EMAIL_TEMPLATES), autoescape=select_autoescape(default=True)
    )
    return environment.get_template("email.html")
