"""What the window works on: the database and the client configuration, opened once at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from integrations.base import TranscriptIntegration
from services.config import AppConfig, load_config
from services.database import open_database
from services.storage.database import Database, resolve_database_url


@dataclass(frozen=True)
class WindowContext:
    database: Database
    config: AppConfig

    @property
    def integration(self) -> TranscriptIntegration:
        return self.config.integration

    def close(self) -> None:
        self.database.dispose()


def open_context(database_url: str | None, config_path: str | None, environ: Mapping[str, str]) -> WindowContext:
    """Raises an ArthurError (ConfigError, InvalidDatabaseUrl, DatabaseUnavailable) with a clear message."""
    config = load_config(config_path, environ)
    database = open_database(resolve_database_url(database_url, environ))
    return WindowContext(database, config)
