"""Process settings from ANTRE_* environment variables (the hall itself is in config.yaml)."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


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
    # Reverse proxies in front of the server whose X-Forwarded-For to trust (0: none), so that
    # rate limits count each visitor, not the proxy.
    proxies: int = 0

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
