"""Where Arthur Desktop keeps its files by default, and the environment variables that move them."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "arthur-desktop"
DATABASE_URL_ENV = "ARTHUR_DATABASE_URL"
CONFIG_ENV = "ARTHUR_CONFIG"


def user_data_folder() -> Path:
    """Where this user's database and this desktop's own files live (created when first written)."""
    return platformdirs.user_data_path(APP_NAME)


def default_database_path() -> Path:
    return user_data_folder() / "arthur.db"


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def log_file_path() -> Path:
    """The rotating log of the window and the CLI (created at its first record, not before)."""
    return platformdirs.user_log_path(APP_NAME) / f"{APP_NAME}.log"
