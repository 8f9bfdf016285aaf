"""The demo's call-forward: the plan's first window, by e-mail into a local Maildir folder."""

import email.policy
import io
import mailbox

import zxingcpp
from PIL import Image

from evac.notify.flows import demo_step
from tests.notify.world import FIRST, OFFICER, build_world


def test_the_first_window_is_called_forward_into_a_mail_folder(
    session, session_factory, provider, operation, cipher, tmp_path
):
    build_world(session, cipher=cipher)
    session.close()
    folder = tmp_path / "mail"

    counts = demo_step(
        session_factory, provider=provider, operation_id=operation.id, actor=OFFICER, folder=folder
    )

    assert (counts.window_start, counts.parties, counts.people, counts.messages) == (FIRST, 2, 3, 3)
    assert counts.by_language == {"en": 1, "fa-AF": 2}
    received = [
        email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
        for m in mailbox.Maildir(folder, create=False)
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
        folder=tmp_path / "mail",
    )  # fmt: skip
    assert (counts.window_start, counts.messages) == (None, 0)
