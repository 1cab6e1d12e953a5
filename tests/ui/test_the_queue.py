"""The chat list's Waiting view is the queue: longest waiting first, how long each has waited ticking each second
from the loaded times and the clock, and the chats waiting past the target or in progress too long stand out by
colour, icon, tooltip and accessible text."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QIcon
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.models.chat_model import ALERT_COLOUR, STATUS_COLUMN, WAITED_COLUMN, ChatModel
from arthur_desktop.widgets.chat_panel import HANDLING_COLUMN
from seed_data import SEED_DAY, add_recent_chat
from services.clock import utc_now
from services.results import ChatPage, ChatStatus, ChatSummary
from window_helpers import OpenWindow, chat_ids, choose, wait_until_idle

CONFIG = (
    'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{folder}"\n'
    "[service_level]\ntarget_seconds = 60\n[window]\nrefresh_seconds = 0\nlong_chat_minutes = 10\n"
)


def queue_config(tmp_path: Path) -> Path:
    path = tmp_path / "queue.toml"
    path.write_text(CONFIG.format(folder=tmp_path / "out"), "utf-8")
    return path


def show_status(qtbot: QtBot, window: MainWindow, status: str) -> None:
    with qtbot.waitSignal(window.chat_panel.loaded):
        choose(qtbot, window.chat_panel.status_box, status)
    wait_until_idle(qtbot, window)


def cell(window: MainWindow, chat_id: int, column: int) -> QModelIndex:
    model = window.chat_panel.model
    row = model.row_for_key(chat_id)
    assert row is not None, f"chat {chat_id} is not in the list"
    return model.index(row, column)


def seconds(duration: str) -> int:
    """'1m 05s' -> 65, '42s' -> 42."""
    match = re.fullmatch(r"(?:(\d+)m )?(\d+)s", duration)
    assert match, duration
    return int(match[1] or 0) * 60 + int(match[2])


def test_the_waiting_view_lists_the_longest_waiting_first_with_a_waited_time_that_ticks(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window(queue_config(tmp_path))
    ann = add_recent_chat(window.context.database, "Ann", waited=30)
    ben = add_recent_chat(window.context.database, "Ben", waited=90)

    show_status(qtbot, window, "Waiting")

    table = window.chat_panel.table
    assert chat_ids(window) == [6, 5, ben, ann]  # seed chats 6 and 5 have waited since 2020
    assert not table.isColumnHidden(WAITED_COLUMN) and table.isColumnHidden(HANDLING_COLUMN)
    assert table.model().headerData(WAITED_COLUMN, Qt.Orientation.Horizontal) == "Waited"
    since_2020 = utc_now() - (SEED_DAY - timedelta(minutes=10))  # chat 6 was created at 08:50:20 that day
    assert cell(window, 6, WAITED_COLUMN).data().startswith(f"{since_2020.days}d ")
    first = cell(window, ann, WAITED_COLUMN).data()
    assert 30 <= seconds(first) <= 33
    repainted: list[tuple[int, int, int, int]] = []
    window.chat_panel.model.dataChanged.connect(
        lambda top, bottom, *_: repainted.append((top.row(), bottom.row(), top.column(), bottom.column()))
    )

    qtbot.waitUntil(lambda: cell(window, ann, WAITED_COLUMN).data() != first, timeout=2500)

    assert seconds(cell(window, ann, WAITED_COLUMN).data()) == seconds(first) + 1
    assert 90 <= seconds(cell(window, ben, WAITED_COLUMN).data()) <= 94
    assert repainted and {(first_column, last_column) for *_, first_column, last_column in repainted} == {
        (WAITED_COLUMN, WAITED_COLUMN)
    }

    show_status(qtbot, window, "All statuses")
    assert table.isColumnHidden(WAITED_COLUMN) and not table.isColumnHidden(HANDLING_COLUMN)


def test_a_chat_waiting_past_the_target_and_a_long_chat_in_progress_stand_out(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window(queue_config(tmp_path))
    database = window.context.database
    late = add_recent_chat(database, "Late", waited=75)
    fresh = add_recent_chat(database, "Fresh", waited=5)
    long_chat = add_recent_chat(database, "Long", waited=800, running=11 * 60, user_id=2)  # over 10 minutes
    short_chat = add_recent_chat(database, "Short", waited=400, running=5 * 60, user_id=2)
    with qtbot.waitSignal(window.chat_panel.loaded):
        window.refresh()
    wait_until_idle(qtbot, window)

    for chat_id, why in ((late, "Waiting, past the target"), (long_chat, "In progress, running long")):
        status = cell(window, chat_id, STATUS_COLUMN)
        assert isinstance(status.data(Qt.ItemDataRole.DecorationRole), QIcon)
        assert status.data(Qt.ItemDataRole.AccessibleTextRole) == why
        colour = status.data(Qt.ItemDataRole.ForegroundRole)
        assert colour.hslHue() == QColor(ALERT_COLOUR).hslHue()
    assert cell(window, late, STATUS_COLUMN).data(Qt.ItemDataRole.ToolTipRole).startswith("Waiting for 1m 1")
    assert (
        cell(window, late, STATUS_COLUMN)
        .data(Qt.ItemDataRole.ToolTipRole)
        .endswith(": longer than the 60 s service-level target")
    )
    long_tip = cell(window, long_chat, STATUS_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert re.fullmatch(r"In progress for 11m 0\ds: longer than 10 minutes", long_tip)  # the clock moves on
    for chat_id, label in ((fresh, "Waiting"), (short_chat, "In progress")):
        status = cell(window, chat_id, STATUS_COLUMN)
        assert status.data(Qt.ItemDataRole.DecorationRole) is None
        assert status.data(Qt.ItemDataRole.ToolTipRole) is None
        assert status.data(Qt.ItemDataRole.AccessibleTextRole) == label
        assert status.data(Qt.ItemDataRole.ForegroundRole).hslHue() != QColor(ALERT_COLOUR).hslHue()


def test_a_waiting_chat_starts_to_stand_out_as_the_clock_passes_the_target(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window(queue_config(tmp_path))
    almost = add_recent_chat(window.context.database, "Almost", waited=58.5)
    show_status(qtbot, window, "Waiting")
    assert cell(window, almost, STATUS_COLUMN).data(Qt.ItemDataRole.DecorationRole) is None
    status_repainted: list[int] = []
    window.chat_panel.model.dataChanged.connect(
        lambda top, bottom, *_: status_repainted.append(top.row()) if top.column() == STATUS_COLUMN else None
    )

    qtbot.waitUntil(
        lambda: isinstance(cell(window, almost, STATUS_COLUMN).data(Qt.ItemDataRole.DecorationRole), QIcon),
        timeout=4000,
    )

    assert status_repainted == [cell(window, almost, STATUS_COLUMN).row()]  # the view was told, once


def test_the_clock_repaints_only_the_waited_cells_of_the_rows_in_view() -> None:
    start = utc_now()
    waiting = [
        ChatSummary(i, f"C{i}", None, None, ChatStatus.WAITING, start - timedelta(seconds=i), None, None, None, 0)
        for i in range(1, 10_001)
    ]
    model = ChatModel()
    model.set_page(ChatPage(chats=tuple(waiting), next_cursor=None))
    repainted: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, *_: repainted.append((top.row(), bottom.row(), top.column(), bottom.column()))
    )

    model.set_now(start + timedelta(seconds=1), range(40, 75))

    assert repainted == [(40, 74, WAITED_COLUMN, WAITED_COLUMN)]
    assert model.index(0, WAITED_COLUMN).data() == "2s"  # chat 1 was created a second before start
    assert model.index(9_999, WAITED_COLUMN).data() == "2h 46m 41s"  # out of view: reads the new time when painted
