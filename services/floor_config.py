"""The live floor's settings in the config file: the service-level target and goal, and when a chat in
progress has run long.

    [service_level]
    target_seconds = 60      # answered within this many seconds …
    goal_percent = 80        # … for this share of the chats

    [window]
    long_chat_minutes = 30   # a chat in progress longer than this stands out

They are read on their own too (load_floor_settings), so that the figures of the command line do not depend on
the transcript client's settings being complete.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import ConfigError
from services.floor_results import DEFAULT_LONG_CHAT_MINUTES, ServiceLevelTarget

MAX_TARGET_SECONDS = 86_400
MAX_LONG_CHAT_MINUTES = 10_080  # a week


@dataclass(frozen=True)
class FloorSettings:
    service_level: ServiceLevelTarget = field(default_factory=ServiceLevelTarget)
    long_chat_minutes: int = DEFAULT_LONG_CHAT_MINUTES


def floor_settings(path: Path, document: Mapping[str, Any]) -> FloorSettings:
    """The settings of a parsed config document; a missing one takes its default, a wrong one is refused."""
    section = _table(path, document, "service_level")
    window = _table(path, document, "window")
    defaults = ServiceLevelTarget()
    target = _number(path, section, "service_level.target_seconds", defaults.target_seconds, 1, MAX_TARGET_SECONDS)
    goal = _number(path, section, "service_level.goal_percent", defaults.goal_percent, 0, 100, whole=False)
    long_chat = _number(path, window, "window.long_chat_minutes", DEFAULT_LONG_CHAT_MINUTES, 1, MAX_LONG_CHAT_MINUTES)
    return FloorSettings(ServiceLevelTarget(int(target), float(goal)), int(long_chat))


def load_floor_settings(path: Path) -> FloorSettings:
    """The settings of the config file at path; the defaults when there is no such file."""
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        return FloorSettings()
    except OSError as exc:
        raise ConfigError(f"{path}: the config file cannot be read ({exc.strerror}).") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from exc
    return floor_settings(path, document)


def _table(path: Path, document: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = document.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [{name}] must be a table of settings.")
    return section


def _number(
    path: Path,
    section: Mapping[str, Any],
    key: str,
    default: float,
    smallest: float,
    largest: float,
    *,
    whole: bool = True,
) -> float:
    value = section.get(key.split(".")[1], default)
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not smallest <= value <= largest:
        kind = "a whole number" if whole else "a number"
        raise ConfigError(f"{path}: key '{key}' must be {kind} from {smallest:g} to {largest:g}.")
    return value
