"""Process settings from ANTRE_* environment variables (the hall itself is in config.yaml)."""

from __future__ import annotations

import secrets
from datetime import datetime
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def redis_url(message_queue: str | None) -> str | None:
    """The message queue's URL when it names a Redis server, through which the server
    processes share their rooms' numbers, rate limits and device presence; else None."""
    if message_queue and message_queue.startswith(("redis://", "rediss://")):
        return message_queue
    return None


class Settings(BaseSettings):
    """One object for what differs between machines; tests build their own."""

    model_config = SettingsConfigDict(env_prefix="ANTRE_", frozen=True)

    config: Path = Path("config.yaml")
    data_dir: Path = Path("instance")
    database_url: str | None = None
    message_queue: str | None = None
    secret_key: str | None = None
    # Site-local wall-clock time the server clock starts from (training, demos, tests).
    clock_start: datetime | None = None
    # The Unix time at which that clock showed clock_start (default: the process's start):
    # the processes of one hall given the same pair keep one time.
    clock_started_at: float | None = None
    # The reverse proxies in front of the server, by address or network, comma-separated
    # ("127.0.0.1,10.0.0.0/24"): their X-Forwarded-For names the visitor, so that rate limits
    # count each visitor, not the proxy. Nobody else's X-Forwarded-For is believed.
    proxies: str = ""
    # The hall is served over TLS (by a proxy in front): cookies are sent over HTTPS only.
    secure_cookies: bool = False

    @field_validator("proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            if item.isdigit():
                raise ValueError(
                    f"ANTRE_PROXIES lists the proxies' addresses now, not their number "
                    f"({item!r}): write e.g. ANTRE_PROXIES=127.0.0.1 for a proxy on this host")
            try:
                ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"ANTRE_PROXIES: {item!r} is not an IP address or network "
                                 f"(e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        return value

    @property
    def trusted_proxies(self) -> list[IPv4Network | IPv6Network]:
        return [ip_network(part.strip(), strict=False) for part in self.proxies.split(",")
                if part.strip()]

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'antre.db').resolve()}"

    def effective_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
