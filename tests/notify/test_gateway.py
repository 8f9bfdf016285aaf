"""SMS and WhatsApp through a gateway speaking Twilio's Messages API, and its status callbacks."""

from datetime import timedelta

from sqlalchemy import select

from evac.notify.channels import TwilioTransport
from evac.notify.delivery import gateway_signature, record_status, signature_is_valid
from evac.notify.models import Channel, OutboxMessage, Status
from evac.notify.outbox import NewMessage, queue_messages
from evac.notify.templates import Template
from evac.notify.worker import Worker, WorkerSettings
from tests.notify.conftest import FakeGateway


def transport(base_url: str, channel: Channel) -> TwilioTransport:
    return TwilioTransport(
        channel=channel,
        account_sid=FakeGateway.account_sid,
        auth_token=FakeGateway.auth_token,
        sender="+15005550006",
        base_url=base_url,
        status_callback="https://evac.example.org/api/v1/notify/twilio/status",
    )


def texts(numbers: list[str], channel: Channel, language: str = "ps") -> list[NewMessage]:
    return [
        NewMessage(
            channel=channel,
            recipient=number,
            language=language,
            template=Template.leave_now,
            values={},
            idempotency_key=f"test:{channel}:{number}",
        )
        for number in numbers
    ]


def test_sms_and_whatsapp_reach_the_gateway_and_an_invalid_number_fails_for_good(
    session, session_factory, provider, cipher, sms_gateway
):
    received, base_url = sms_gateway
    queue_messages(session, cipher=cipher, messages=texts(["+93799123456"], Channel.whatsapp))
    queue_messages(
        session, cipher=cipher, messages=texts(["+93700111222", "+15005550001"], Channel.sms)
    )
    session.commit()
    worker = Worker(
        session_factory,
        provider=provider,
        transports={c: transport(base_url, c) for c in (Channel.sms, Channel.whatsapp)},
        settings=WorkerSettings(first_retry=timedelta(0)),
    )

    totals = worker.run()

    assert (totals.sent, totals.failed, totals.retried) == (2, 1, 0)
    by_to = {form["To"]: form for form in received}
    assert set(by_to) == {"+93700111222", "+15005550001", "whatsapp:+93799123456"}
    assert by_to["whatsapp:+93799123456"]["From"] == "whatsapp:+15005550006"
    assert by_to["+93700111222"]["Body"].startswith("همدا اوس")  # the Pashto notice
    assert by_to["+93700111222"]["StatusCallback"].endswith("/api/v1/notify/twilio/status")
    rows = {r.idempotency_key: r for r in session.scalars(select(OutboxMessage))}
    sent = rows["test:sms:+93700111222"]
    assert sent.status == Status.sent and sent.provider_id.startswith("SM")
    assert sent.delivery_status == "queued"
    refused = rows["test:sms:+15005550001"]
    assert refused.status == Status.failed and "21211" in refused.last_error


def test_a_gateway_that_refuses_our_credentials_is_tried_again_later(
    session, session_factory, provider, cipher, sms_gateway
):
    _, base_url = sms_gateway
    wrong = TwilioTransport(
        channel=Channel.sms,
        account_sid=FakeGateway.account_sid,
        auth_token="not-the-token",
        sender="+15005550006",
        base_url=base_url,
    )
    queue_messages(session, cipher=cipher, messages=texts(["+93700111222"], Channel.sms))
    session.commit()
    Worker(session_factory, provider=provider, transports={Channel.sms: wrong}).run()
    row = session.scalar(select(OutboxMessage))
    assert row.status == Status.queued and "401" in row.last_error


def test_the_signature_is_twilios():
    # The example of Twilio's security documentation.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert gateway_signature(url, params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signature_is_valid(url, params, "12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not signature_is_valid(
        url, params | {"Digits": "1235"}, "12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )


def test_a_late_callback_never_moves_a_status_back(session, cipher):
    queue_messages(session, cipher=cipher, messages=texts(["+93700111222"], Channel.sms))
    row = session.scalar(select(OutboxMessage))
    row.provider_id = "SM123"
    session.flush()
    assert record_status(session, provider_id="SM123", status="delivered", error=None)
    assert record_status(session, provider_id="SM123", status="sent", error=None)
    assert row.delivery_status == "delivered"
    assert not record_status(session, provider_id="SM-unknown", status="sent", error=None)
