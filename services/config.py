"""The client configuration: a TOML file that chooses the transcript integration."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from integrations.base import IntegrationConfigError, TranscriptIntegration
from integrations.registry import INTEGRATIONS, create_integration
from services.errors import ConfigError
from services.floor_config import FloorSettings, floor_settings
from services.locations import CONFIG_ENV, default_config_path

log = logging.getLogger(__name__)

DEFAULT_REFRESH_SECONDS = 30
_PASSWORD_KEY = re.compile(r"passw(or)?d", re.IGNORECASE)
_DATABASE_URL_WITH_PASSWORD = re.compile(r"^(postgres(ql)?|sqlite)[+\w]*://[^/@:]*:[^/@]*@", re.IGNORECASE)
MAX_REFRESH_SECONDS = 86_400


def resolve_config_path(cli_value: str | None, environ: Mapping[str, str]) -> tuple[Path, bool]:
    """The path to read, and whether it is the default (which is created from resources/ when missing)."""
    if cli_value:
        return Path(cli_value).expanduser(), False
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]).expanduser(), False
    return default_config_path(), True


@dataclass(frozen=True)
class AppConfig:
    path: Path
    client: str
    integration: TranscriptIntegration
    refresh_seconds: int
    floor: FloorSettings = field(default_factory=FloorSettings)


def load_config(cli_value: str | None, environ: Mapping[str, str]) -> AppConfig:
    path, is_default = resolve_config_path(cli_value, environ)
    if is_default and not path.exists():
        _write_default_config(path)
    document = _read_toml(path)
    _refuse_database_passwords(path, document)
    client = document.get("client")
    if not isinstance(client, str) or not client:
        raise ConfigError(f"{path}: key 'client' {_client_problem(client)}; name the client, e.g. \"savage_rentals\".")
    section = document.get(client, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [{client}] must be a table of settings.")
    try:
        integration = create_integration(client, section, environ)
    except IntegrationConfigError as exc:
        where = "client" if exc.key == "client" else f"{client}.{exc.key}"
        raise ConfigError(f"{path}: key '{where}': {exc.message}") from exc
    except ValueError as exc:  # e.g. a NUL character in a path
        raise ConfigError(f"{path}: [{client}] holds an unusable value ({exc}).") from exc
    return AppConfig(path, client, integration, _refresh_seconds(path, document), floor_settings(path, document))


def _refuse_database_passwords(path: Path, document: Mapping[str, Any]) -> None:
    """The config file names no database, so a password in it is never used and only lies in a file others may
    read: say where a password goes instead. The clients' own sections keep their rules (api_url may carry one)."""
    for where, key, value in _settings_outside_clients(document):
        with_password = isinstance(value, str) and _DATABASE_URL_WITH_PASSWORD.search(value)
        if _PASSWORD_KEY.search(str(key)) or with_password:
            raise ConfigError(
                f"{path}: key '{where}': a database password does not belong in the config file; give it in the "
                "database URL (--database-url or ARTHUR_DATABASE_URL), in PGPASSWORD or in ~/.pgpass."
            )


def _settings_outside_clients(document: Mapping[str, Any]) -> list[tuple[str, str, object]]:
    clients = set(INTEGRATIONS)
    found: list[tuple[str, str, object]] = []
    for key, value in document.items():
        if isinstance(value, dict):
            if key not in clients:
                found += [(f"{key}.{inner}", inner, setting) for inner, setting in value.items()]
        else:
            found.append((key, key, value))
    return found


def _client_problem(client: object) -> str:
    if client is None:
        return "is missing"
    return "is empty" if client == "" else "must be the client's name in quotes"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"{path}: the config file does not exist.") from None
    except OSError as exc:
        raise ConfigError(f"{path}: the config file cannot be read ({exc.strerror}).") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from exc


def _refresh_seconds(path: Path, document: Mapping[str, Any]) -> int:
    window = document.get("window", {})
    value = window.get("refresh_seconds", DEFAULT_REFRESH_SECONDS) if isinstance(window, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REFRESH_SECONDS:
        raise ConfigError(
            f"{path}: key 'window.refresh_seconds' must be a whole number of seconds from 0 to {MAX_REFRESH_SECONDS}."
        )
    return value


def _write_default_config(path: Path) -> None:
    log.info("Creating the default config at %s", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files("resources").joinpath("default_config.toml").read_text("utf-8"), "utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: the default config cannot be written ({exc.strerror}).") from exc
