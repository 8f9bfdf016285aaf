"""Messages in English, Dari and Pashto: the e-mail as the SMTP server received it (HTML right
to left, a plain-text alternative, the pass as a QR image and a short code), SMS by length."""

import io
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image

from evac.i18n import language
from evac.notify.channels import SmtpTransport
from evac.notify.models import Channel
from evac.notify.outbox import NewMessage, queue_messages
from evac.notify.templates import (
    MAX_SEGMENTS,
    SENTENCES,
    Template,
    call_values,
    render,
    sms_segments,
    window_values,
)
from evac.notify.worker import Worker
from evac.passes.service import issue_pass

START = datetime(2021, 8, 24, 9, 30, tzinfo=UTC)  # 14:00 in Kabul (UTC+4:30)
END = datetime(2021, 8, 24, 11, 30, tzinfo=UTC)
VALUES = {
    "gate": "North Gate",
    "window_start": START.isoformat(),
    "window_end": END.isoformat(),
    "time_zone": "Asia/Kabul",
    "travellers": 6,
    "short_code": "K7QX-4M2P",
}


@pytest.mark.parametrize("code", ["fa-AF", "ps"])
def test_every_sentence_of_every_message_is_translated(code):
    messages = language(code).messages
    missing = [s for s in SENTENCES if not messages.get(s) or messages[s] == s]
    assert missing == []


@pytest.mark.parametrize("code", ["fa-AF", "ps"])
def test_a_translation_keeps_every_placeholder_of_its_sentence(code):
    import string

    def names(text):
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    messages = language(code).messages
    assert [s for s in SENTENCES if names(messages[s]) != names(s)] == []


def test_a_call_forward_by_email_in_dari_reads_right_to_left_with_the_pass_attached(
    session, session_factory, provider, operation, cipher, smtp_server
):
    inbox, host, port = smtp_server
    issued = issue_pass(
        session,
        provider=provider,
        operation=operation,
        party_reference="P-4KD7Q",
        gate="North Gate",
        window_start=START,
        window_end=END,
        document_numbers=["P01234567", "P07654321"],
        head_count=2,
    )
    values = call_values(
        gate="North Gate",
        window_start=START,
        window_end=END,
        time_zone="Asia/Kabul",
        travellers=2,
        pass_text=issued.text,
        short_code=issued.short_code,
    )
    message = NewMessage(
        channel=Channel.email,
        recipient="family@example.org",
        language="fa-AF",
        template=Template.call_forward,
        values=values,
        idempotency_key="test:call",
    )
    queue_messages(session, cipher=cipher, messages=[message])
    session.commit()
    transport = SmtpTransport(host, port, sender="evac@example.org")
    Worker(session_factory, provider=provider, transports={Channel.email: transport}).run()

    [mail] = inbox.messages
    assert mail["Subject"] == "فراخوان: به میدان هوایی بیایید"
    assert mail["Content-Language"] == "fa-AF"
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert '<html lang="fa-AF" dir="rtl">' in html
    assert "۱۴:۰۰" in html and "۱۶:۰۰" in html  # Kabul time, in the digits Dari readers use
    assert "۱۴:۰۰" in text and issued.short_code in text and issued.short_code in html
    assert "14:00" not in text and "09:30" not in text
    [png] = [part for part in mail.iter_attachments() if part.get_content_type() == "image/png"]
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
    assert [code.text for code in found] == [issued.text]


def test_an_english_email_reads_left_to_right_in_latin_digits():
    rendered = render(
        Template.cancellation,
        window_values(window_start=START, window_end=END, time_zone="Asia/Kabul"),
        language_code="en",
        channel=Channel.email,
    )
    assert '<html lang="en" dir="ltr">' in rendered.html
    assert "Tuesday 24 August 14:00 to 16:00" in rendered.text
    assert rendered.attachments == ()


def test_a_latin_gate_name_inside_a_pashto_sentence_is_isolated():
    html = render(Template.change, VALUES, language_code="ps", channel=Channel.email).html
    assert '<bdi dir="ltr" class="ltr">North Gate</bdi>' in html
    sms = render(Template.change, VALUES, language_code="ps", channel=Channel.sms).text
    assert "\u2068North Gate\u2069" in sms


@pytest.mark.parametrize("code", ["en", "fa-AF", "ps"])
@pytest.mark.parametrize("template", list(Template))
def test_an_sms_fits_its_segments_and_keeps_what_matters_most(code, template):
    text = render(template, VALUES, language_code=code, channel=Channel.sms).text
    assert 1 <= sms_segments(text) <= MAX_SEGMENTS
    if template in (Template.call_forward, Template.change):
        assert VALUES["short_code"] in text and "North Gate" in text


def test_sms_segments_count_as_phones_do():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2 and sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2  # two septets each
    assert sms_segments("ب" * 70) == 1 and sms_segments("ب" * 71) == 2
    assert sms_segments("ب" * 134) == 2 and sms_segments("ب" * 135) == 3


@pytest.mark.parametrize("code", ["en", "fa-AF", "ps"])
def test_each_message_gets_its_own_pieces_escaped_in_an_email_written_once(code):
    """E-mails are written once per template and language and filled in for each message:
    each gets its own gate and code, escaped in HTML, and no marker is left over."""
    gates = {
        'Abbey <Gate> & "East"': "Abbey &lt;Gate&gt; &amp; &#34;East&#34;",
        "North Gate": "North Gate",
    }
    for gate, escaped in gates.items():
        values = VALUES | {"gate": gate, "short_code": f"K7QX-{len(gate):04d}"}
        rendered = render(Template.call_forward, values, language_code=code, channel=Channel.email)
        assert escaped in rendered.html and gate in rendered.text
        assert values["short_code"] in rendered.html and values["short_code"] in rendered.text
        assert "\0" not in rendered.html + rendered.text
        other = "North Gate" if gate != "North Gate" else "Abbey"
        assert other not in rendered.html
