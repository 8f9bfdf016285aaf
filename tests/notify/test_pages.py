"""The messages page: compose, preview, send, follow; in Dari right to left; the gateway's
status callback taken only when signed."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from evac.app import create_app
from evac.auth.permissions import Role
from evac.i18n import language
from evac.notify.delivery import gateway_signature
from evac.notify.models import OutboxMessage, Send
from evac.notify.outbox import NewMessage, queue_messages
from evac.notify.templates import Template
from evac.notify.views import LABELS
from tests.notify.world import FIRST, build_world


@pytest.mark.parametrize("code", ["fa-AF", "ps"])
def test_every_label_of_the_page_is_translated(code):
    messages = language(code).messages
    assert [label for label in LABELS if not messages.get(label)] == []


def test_an_officer_previews_sends_and_follows_a_call_forward(
    settings, session, cipher, auth_headers
):
    build_world(session, cipher=cipher)
    headers = auth_headers(Role.officer)
    with TestClient(create_app(settings)) as client:
        compose = client.get("/notify?lang=fa-AF", headers=headers)
        assert compose.status_code == 200
        assert 'dir="rtl"' in compose.text and "پیش‌نمایش گیرندگان" in compose.text
        assert f'value="{FIRST.isoformat()}"' in compose.text  # the plan's windows offered

        form = {"template": "call_forward", "window": FIRST.isoformat(), "channel": ["email"]}
        previewed = client.post(
            "/notify/preview", data=form, headers=headers, follow_redirects=False
        )
        assert previewed.status_code == 303
        page = client.get(previewed.headers["location"] + "?lang=fa-AF", headers=headers)
        assert 'data-channel="email" data-language="fa-AF"' in page.text
        assert "۲ گروه سفر، ۳ نفر" in page.text  # two parties, three people, Dari digits
        assert 'id="send"' in page.text
        assert session.scalars(select(OutboxMessage)).all() == []  # nothing queued yet
        session.rollback()

        sent = client.post(previewed.headers["location"] + "/send", headers=headers)
        assert sent.status_code == 200
        assert 'data-status="queued"' in sent.text and "<progress" in sent.text
        assert 'http-equiv="refresh"' in sent.text  # follows itself while messages wait
        again = client.post(previewed.headers["location"] + "/send", headers=headers)
        assert again.status_code == 200  # a double click sends nothing twice
    assert len(session.scalars(select(OutboxMessage)).all()) == 3


def test_a_call_forward_without_a_window_is_sent_back_to_the_form(
    settings, session, cipher, auth_headers
):
    build_world(session, cipher=cipher)
    with TestClient(create_app(settings)) as client:
        answer = client.post(
            "/notify/preview",
            data={"template": "call_forward", "category": ["us_citizen"]},
            headers=auth_headers(Role.officer),
        )
    assert answer.status_code == 422 and "Choose the plan window" in answer.text
    assert session.scalars(select(Send)).all() == []


def test_who_may_not_read_contacts_may_not_open_the_page(settings, session, auth_headers):
    with TestClient(create_app(settings)) as client:
        assert client.get("/notify", headers=auth_headers(Role.planner)).status_code == 403
        assert client.get("/notify", headers=auth_headers(Role.partner)).status_code == 403


URL = "https://evac.example.org/api/v1/notify/twilio/status"


def test_the_gateways_status_callback_is_taken_only_when_signed(
    settings, session, cipher, monkeypatch
):
    monkeypatch.setenv("EVAC_NOTIFY_TWILIO_AUTH_TOKEN", "gateway-token")
    monkeypatch.setenv("EVAC_NOTIFY_STATUS_CALLBACK_URL", URL)
    message = NewMessage(
        channel="sms",
        recipient="+93700111222",
        language="ps",
        template=Template.leave_now,
        values={},
        idempotency_key="test:sms",
    )
    queue_messages(session, cipher=cipher, messages=[message])
    session.execute(OutboxMessage.__table__.update().values(provider_id="SM0001"))
    session.commit()
    report = {"MessageSid": "SM0001", "MessageStatus": "delivered", "AccountSid": "AC1"}
    with TestClient(create_app(settings)) as client:
        forged = client.post(
            "/api/v1/notify/twilio/status",
            data=report,
            headers={"X-Twilio-Signature": gateway_signature(URL, report, "another-token")},
        )
        signed = client.post(
            "/api/v1/notify/twilio/status",
            data=report,
            headers={"X-Twilio-Signature": gateway_signature(URL, report, "gateway-token")},
        )
    assert forged.status_code == 403 and signed.status_code == 204
    assert session.scalar(select(OutboxMessage.delivery_status)) == "delivered"
