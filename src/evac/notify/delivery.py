"""Delivery status after sending: a gateway's status callbacks, checked by their signature."""

import base64
import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.notify.models import OutboxMessage

# Twilio's message statuses in the order a message passes them. Callbacks can arrive out of
# order (a late "sent" after "delivered"): a status never goes back to an earlier one.
PROGRESS = {
    "accepted": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "read": 5,  # WhatsApp
}


def gateway_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """Twilio's request signature: HMAC-SHA1 under the auth token of the URL it called followed
    by every POST parameter, sorted by name, as name and value with no separator; Base64."""
    signed = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_is_valid(url: str, params: dict[str, str], auth_token: str, signature: str) -> bool:
    expected = gateway_signature(url, params, auth_token)
    return hmac.compare_digest(expected.encode(), signature.encode())


def record_status(session: Session, *, provider_id: str, status: str, error: str | None) -> bool:
    """Note what the gateway says of a message it sent; False if no message has that id."""
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_id == provider_id).with_for_update()
    )
    if message is None:
        return False
    if PROGRESS.get(status, -1) >= PROGRESS.get(message.delivery_status or "", -1):
        message.delivery_status = status
        if error:
            message.last_error = f"gateway error {error}"
    return True
