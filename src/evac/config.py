"""Settings in force, from EVAC_* environment variables (or a .env file)."""

from functools import cached_property
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

# A leaked partner token works until it expires: a quarter is short enough to bound that, long
# enough that a partner's system is not re-keyed in the middle of an airlift.
# `evac user rotate-token` replaces one.
API_TOKEN_DAYS = 90


class Settings(BaseSettings):
    """Everything evac reads from its environment; secrets are never printed whole."""

    model_config = SettingsConfigDict(env_prefix="EVAC_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///evac.db"
    master_key: SecretStr | None = None
    master_key_file: Path = Path("evac-master.key")
    previous_master_key: SecretStr | None = None  # still readable during a key rotation
    secret_key: SecretStr | None = None
    default_language: str = "en"
    # Who runs the operation, named on the public registration form ("U.S. Embassy Kabul
    # task force"): an evacuee must know whom they give their family's data to.
    organisation: str = ""
    # The audit log's signing key lives apart from the database (`evac audit anchor-key`).
    audit_anchor_key_file: Path = Path("evac-audit-anchor.key")
    audit_anchor_every_minutes: float = 60.0  # the schedule of `evac audit anchor --watch`
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = "evac@localhost"
    log_level: str = "INFO"
    # Proxies whose X-Forwarded-For/-Proto are believed, comma-separated ("10.0.0.5", or "*"
    # behind a proxy that is the only way in). None by default: anyone can write those headers,
    # and believing them lets one client pass for many and dodge the login rate limit.
    forwarded_allow_ips: str = ""
    # Other addresses the pages are reached by (e.g. "https://evac.example.org" behind a proxy
    # that rewrites Host): their forms may post here.
    trusted_origins: list[str] = []
    api_token_days: int = API_TOKEN_DAYS

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def masked(self) -> dict[str, str]:
        """Settings as text, with passwords and keys hidden, for `evac config`."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name == "database_url":
                shown[name] = make_url(value).render_as_string(hide_password=True)
            elif isinstance(value, SecretStr):
                shown[name] = "******** (set)"
            elif value is None:
                shown[name] = "(not set)"
            else:
                shown[name] = str(value)
        return shown


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite database URL (None for another database or one in memory)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database)
    return None


def remove_sqlite_file(database_file: Path) -> None:
    """A SQLite database's file with its write-ahead log and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database_file}{suffix}").unlink(missing_ok=True)
