"""Which transport each channel gets from the settings."""

from evac.config import Settings
from evac.notify.channels import MaildirTransport, TextFolderTransport, TwilioTransport
from evac.notify.config import NotifySettings, transports
from evac.notify.models import Channel


def test_folders_stand_in_for_the_servers_when_set(tmp_path):
    notify = NotifySettings(
        _env_file=None,
        mail_folder=tmp_path / "mail", text_folder=tmp_path / "texts",
        twilio_account_sid="AC1", twilio_auth_token="secret", sms_sender="+15550100",
    )  # fmt: skip
    found = transports(Settings(_env_file=None), notify)
    assert isinstance(found[Channel.email], MaildirTransport)
    assert isinstance(found[Channel.sms], TextFolderTransport)
    assert found[Channel.whatsapp].channel == Channel.whatsapp


def test_without_a_text_folder_sms_goes_to_the_gateway(tmp_path):
    notify = NotifySettings(
        _env_file=None,
        twilio_account_sid="AC1", twilio_auth_token="secret", sms_sender="+15550100",
    )  # fmt: skip
    found = transports(Settings(_env_file=None), notify)
    assert isinstance(found[Channel.sms], TwilioTransport)
    assert Channel.whatsapp not in found and Channel.email not in found
