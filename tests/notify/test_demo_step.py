"""The demo's call-forward: the plan's first window, by e-mail into a local Maildir folder and
by text message into a folder of text files."""

import email.policy
import io
import mailbox
import re

import zxingcpp
from PIL import Image

from evac.notify.flows import demo_step
from evac.passes.format import CHECK_SYMBOLS, CROCKFORD
from evac.people.models import ContactKind
from evac.people.service import add_contact
from tests.notify.world import FIRST, OFFICER, build_world


def test_the_first_window_is_called_forward_into_a_mail_folder(
    session, session_factory, provider, operation, cipher, tmp_path
):
    build_world(session, cipher=cipher)
    session.close()
    counts = demo_step(
        session_factory, provider=provider, operation_id=operation.id, actor=OFFICER,
        folder=tmp_path,
    )  # fmt: skip

    assert (counts.window_start, counts.parties, counts.people, counts.messages) == (FIRST, 2, 3, 3)
    assert counts.by_language == {"en": 1, "fa-AF": 2}
    assert counts.by_channel == {"email": 3}
    received = [
        email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
        for m in mailbox.Maildir(tmp_path / "mail", create=False)
    ]
    assert sorted(m["To"] for m in received) == [
        "amcit@example.org",
        "siv1@example.org",
        "siv2@example.org",
    ]
    passes = {}
    for mail in received:
        [png] = list(mail.iter_attachments())
        [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
        passes[mail["To"]] = code.text
    assert passes["siv1@example.org"] == passes["siv2@example.org"]  # one pass per party
    assert passes["amcit@example.org"] != passes["siv1@example.org"]


def test_without_a_plan_the_demo_step_sends_nothing(session_factory, provider, operation, tmp_path):
    counts = demo_step(
        session_factory, provider=provider, operation_id=operation.id, actor=OFFICER,
        folder=tmp_path,
    )  # fmt: skip
    assert (counts.window_start, counts.messages) == (None, 0)


def test_a_party_with_a_phone_gets_its_call_forward_as_a_text_file(
    session, session_factory, provider, operation, cipher, tmp_path
):
    world = build_world(session, cipher=cipher)
    [citizen] = world.persons["P-AMCIT"]
    add_contact(
        session, cipher=cipher, person=citizen, kind=ContactKind.phone, value="+93700111222"
    )
    session.commit()
    session.close()

    counts = demo_step(
        session_factory, provider=provider, operation_id=operation.id, actor=OFFICER,
        folder=tmp_path,
    )  # fmt: skip

    assert counts.by_channel == {"email": 3, "sms": 1}
    [text] = (tmp_path / "texts").glob("sms-*.txt")
    written = text.read_text()
    assert written.startswith("To: +93700111222\nLanguage: en\nMessage-ID: <")
    symbol, check = f"[{CROCKFORD}]", f"[{re.escape(CHECK_SYMBOLS)}]"
    # the check symbol is one of 37, so it is not always a letter or a digit
    assert re.search(rf"{symbol}{{4}}(-{symbol}{{4}}){{3}}-{check}", written)
    assert not list((tmp_path / "texts").glob(".*"))  # no half-written file left
