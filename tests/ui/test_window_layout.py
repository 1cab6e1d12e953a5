"""The window's parts as a person and an accessibility tool find them: tab titles, named widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from services.local_time import display_zone, zone_name
from window_helpers import OpenWindow


def test_the_tabs_are_chats_deliveries_handling_time_and_trends(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Chats",
        "Deliveries",
        "Handling time",
        "Trends",
    ]


def test_the_transcript_caption_is_named_for_tests_and_accessibility_tools(
    open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)

    assert window.findChild(QLabel, "transcriptCaption") is window.transcript_panel.caption


def test_the_status_bar_names_the_configured_client(
    open_window: OpenWindow, folder_config: Path, output_folder: Path
) -> None:
    window = open_window(folder_config)

    label = window.findChild(QLabel, "statusClient")
    assert label is not None
    assert (
        label.text()
        == f"Client: Absolutely Class Airlines folder · {output_folder} · times: {zone_name(display_zone())}"
    )


def test_the_date_range_says_which_edit_is_the_first_and_which_the_last_day(
    open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    dates = window.performance_panel.date_filter

    assert (dates.from_edit.accessibleName(), dates.to_edit.accessibleName()) == ("First day", "Last day")
