"""Where messages go: the channels' servers, gateway credentials and rate limits, from
EVAC_NOTIFY_* variables (SMTP itself is the core settings' EVAC_SMTP_*)."""

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from evac.config import Settings
from evac.notify.channels import (
    MaildirTransport,
    RateLimit,
    SmtpTransport,
    TextFolderTransport,
    Transport,
    TwilioTransport,
)
from evac.notify.models import Channel


class NotifySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVAC_NOTIFY_", env_file=".env", extra="ignore")

    # Write e-mail into this Maildir folder instead of sending it over SMTP (demo, no network).
    mail_folder: Path | None = None
    # Write SMS and WhatsApp as text files into this folder instead of a gateway (no gateway
    # yet: staff read them out or type them into a phone).
    text_folder: Path | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_base_url: str = "https://api.twilio.com"
    sms_sender: str | None = None  # an E.164 number of the account
    whatsapp_sender: str | None = None
    # The public URL of /api/v1/notify/twilio/status, as the gateway calls it (it signs it).
    status_callback_url: str | None = None
    # Sends a second per channel: a mail relay throttles bulk senders; a Twilio long code
    # sends one SMS a second (a short code or messaging service more).
    email_per_second: float = 50.0
    sms_per_second: float = 1.0
    whatsapp_per_second: float = 20.0


def transports(settings: Settings, notify: NotifySettings) -> dict[Channel, Transport]:
    """A transport for every channel the settings configure."""
    found: dict[Channel, Transport] = {}
    if notify.mail_folder is not None:
        found[Channel.email] = MaildirTransport(notify.mail_folder, sender=settings.smtp_sender)
    elif settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        found[Channel.email] = SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            sender=settings.smtp_sender,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=password,
        )
    if notify.text_folder is not None:
        for channel in (Channel.sms, Channel.whatsapp):
            found[channel] = TextFolderTransport(notify.text_folder, channel=channel)
    elif notify.twilio_account_sid and notify.twilio_auth_token:
        for channel, sender in (
            (Channel.sms, notify.sms_sender),
            (Channel.whatsapp, notify.whatsapp_sender),
        ):
            if sender:
                found[channel] = TwilioTransport(
                    channel=channel,
                    account_sid=notify.twilio_account_sid,
                    auth_token=notify.twilio_auth_token.get_secret_value(),
                    sender=sender,
                    base_url=notify.twilio_base_url,
                    status_callback=notify.status_callback_url,
                )
    return found


def rates(notify: NotifySettings) -> dict[Channel, RateLimit]:
    return {
        Channel.email: RateLimit(notify.email_per_second),
        Channel.sms: RateLimit(notify.sms_per_second, burst=1),
        Channel.whatsapp: RateLimit(notify.whatsapp_per_second),
    }
