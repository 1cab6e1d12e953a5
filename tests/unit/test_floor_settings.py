"""The live floor's settings in the config file, and which chats stand out on the floor."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from services.errors import ConfigError
from services.floor_config import FloorSettings, load_floor_settings
from services.floor_results import ServiceLevelTarget
from services.queue import ChatAlert, chat_alert
from services.results import ChatStatus, ChatSummary

NOW = datetime(2024, 5, 1, 12, 0)


def test_missing_settings_take_their_defaults_and_a_missing_file_too(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_floor_settings(path) == FloorSettings(ServiceLevelTarget(60, 80.0), 30)
    path.write_text(
        'client = "savage_rentals"\n[service_level]\ntarget_seconds = 20\n[window]\nlong_chat_minutes = 45\n'
    )
    assert load_floor_settings(path) == FloorSettings(ServiceLevelTarget(20, 80.0), 45)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[service_level]\ntarget_seconds = 0\n", "service_level.target_seconds"),
        ("[service_level]\ntarget_seconds = 1.5\n", "service_level.target_seconds"),
        ("[service_level]\ngoal_percent = 101\n", "service_level.goal_percent"),
        ("[service_level]\ngoal_percent = true\n", "service_level.goal_percent"),
        ("[window]\nlong_chat_minutes = -1\n", "window.long_chat_minutes"),
        ("service_level = 3\n", "[service_level]"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)

    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        load_floor_settings(path)


def chat(status: ChatStatus, created: datetime, start: datetime | None = None) -> ChatSummary:
    return ChatSummary(1, "Ann", None, None, status, created, start, None, None, 0)


@pytest.mark.parametrize(
    ("summary", "alert"),
    [
        (chat(ChatStatus.WAITING, NOW - timedelta(seconds=60)), None),
        (chat(ChatStatus.WAITING, NOW - timedelta(seconds=61)), ChatAlert.WAITING_PAST_TARGET),
        (chat(ChatStatus.IN_PROGRESS, NOW - timedelta(hours=1), NOW - timedelta(minutes=30)), None),
        (
            chat(ChatStatus.IN_PROGRESS, NOW - timedelta(hours=1), NOW - timedelta(minutes=31)),
            ChatAlert.LONG_IN_PROGRESS,
        ),
        (chat(ChatStatus.ENDED, NOW - timedelta(days=1), NOW - timedelta(days=1)), None),
    ],
)
def test_chats_waiting_past_the_target_or_running_long_stand_out(summary: ChatSummary, alert: ChatAlert | None) -> None:
    assert chat_alert(summary, NOW, target_seconds=60, long_chat_minutes=30) == alert
