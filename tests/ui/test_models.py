"""The table models: thin, well-behaved (qtmodeltester), numeric sorting, identity-keyed updates, paging."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from arthur_desktop.models.chat_model import ChatModel
from arthur_desktop.models.delivery_model import DeliveryModel
from arthur_desktop.models.performance_model import PerformanceModel
from arthur_desktop.models.record_model import KEY_ROLE, SORT_ROLE, sorting_proxy
from services.results import (
    AgentPerformance,
    ChatCursor,
    ChatPage,
    ChatStatus,
    ChatSummary,
    DeliveryRecord,
    DeliveryStatus,
)

T0 = datetime(2020, 9, 29, 9, 0)
AGENTS = [
    AgentPerformance(1, "Test User 1", 1, 1, 300.0, 300.0),
    AgentPerformance(2, "Test User 2", 0, 0, None, None),
    AgentPerformance(3, "Test User 3", 2, 0, 390.0, 390.0),
    AgentPerformance(4, "ada", 9, 0, 1800.0, 60.0),
]


def chat(chat_id: int, status: ChatStatus = ChatStatus.ENDED, seconds: float | None = 60.0) -> ChatSummary:
    created = T0 - timedelta(minutes=chat_id)
    start = None if status is ChatStatus.WAITING else created
    end = created + timedelta(seconds=seconds or 0) if status is ChatStatus.ENDED else None
    handling = seconds if status is ChatStatus.ENDED else None
    return ChatSummary(chat_id, f"Customer {chat_id}", 1, "Test User 1", status, created, start, end, handling, 2)


def delivery(delivery_id: int, status: DeliveryStatus, error: str | None = None) -> DeliveryRecord:
    return DeliveryRecord(delivery_id, delivery_id, "Jane", "savage_rentals", status, 1, T0, T0, None, 500, "", error)


def column_values(proxy: QSortFilterProxyModel, column: int) -> list[str]:
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_the_performance_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = PerformanceModel()
    model.set_rows(AGENTS)

    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    qtmodeltester.check(sorting_proxy(model))


def test_the_performance_model_shows_durations_and_keeps_the_row_under_user_role() -> None:
    model = PerformanceModel()
    model.set_rows(AGENTS)

    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Agent",
        "Handled",
        "In progress",
        "Average",
        "Median",
    ]
    assert [model.index(1, c).data() for c in range(5)] == ["Test User 2", "0", "0", "—", "—"]
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == AGENTS[0]
    assert model.index(2, 0).data(KEY_ROLE) == 3
    assert model.index(0, 3).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignLeft
    assert model.index(9, 0).data() is None
    assert model.rowCount(model.index(0, 0)) == 0


def test_every_performance_column_sorts_by_its_value_not_its_text() -> None:
    model = PerformanceModel()
    model.set_rows(AGENTS)
    proxy = sorting_proxy(model)

    proxy.sort(3, Qt.SortOrder.AscendingOrder)
    assert column_values(proxy, 3) == ["5m 00s", "6m 30s", "30m 00s", "—"]
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert column_values(proxy, 1) == ["9", "2", "1", "0"]
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert column_values(proxy, 0) == ["ada", "Test User 1", "Test User 2", "Test User 3"]
    assert proxy.index(0, 4).data(SORT_ROLE) == 60.0


def test_new_figures_for_the_same_agents_change_cells_without_a_reset(qtbot: QtBot) -> None:
    model = PerformanceModel()
    model.set_rows(AGENTS)
    changed = [AGENTS[0], AgentPerformance(2, "Test User 2", 1, 0, 60.0, 60.0), *AGENTS[2:]]

    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged) as signal:
        model.set_rows(changed)

    first, last = signal.args[0], signal.args[1]
    assert (first.row(), last.row(), last.column()) == (1, 1, 8)  # the whole row: every column to the last
    assert model.index(1, 3).data() == "1m 00s"


def test_a_different_set_of_rows_resets_the_model(qtbot: QtBot) -> None:
    model = PerformanceModel()
    model.set_rows(AGENTS)

    with qtbot.waitSignal(model.modelReset):
        model.set_rows(AGENTS[:2])

    assert model.rowCount() == 2


def test_the_chat_model_passes_the_model_tester_and_shows_status_labels(qtmodeltester: ModelTester) -> None:
    model = ChatModel()
    model.set_page(ChatPage((chat(1), chat(2, ChatStatus.IN_PROGRESS), chat(3, ChatStatus.WAITING)), next_cursor=None))

    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    assert [model.index(r, 3).data() for r in range(3)] == ["Ended", "In progress", "Waiting"]
    assert [model.index(r, 5).data() for r in range(3)] == ["1m 00s", "—", "—"]
    assert model.index(1, 2).data() == "Test User 1"


def test_the_chat_model_asks_for_the_next_page_and_appends_it(qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    model = ChatModel()
    cursor = ChatCursor(T0 - timedelta(minutes=2), 2)
    model.set_page(ChatPage((chat(1), chat(2)), next_cursor=cursor))
    assert model.canFetchMore(QModelIndex())

    with qtbot.waitSignal(model.more_wanted) as wanted:
        model.fetchMore(QModelIndex())
    assert wanted.args == [cursor]
    assert not model.canFetchMore(QModelIndex())  # one page at a time
    with qtbot.waitSignal(model.rowsInserted):
        model.append_page(ChatPage((chat(3), chat(4)), next_cursor=None))

    assert [model.index(r, 0).data() for r in range(4)] == ["1", "2", "3", "4"]
    assert not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model, force_py=True)


def test_the_delivery_model_passes_the_model_tester_and_shows_the_outcome(qtmodeltester: ModelTester) -> None:
    model = DeliveryModel()
    model.set_rows(
        [
            delivery(2, DeliveryStatus.FAILED, "The Savage Rentals API failed with HTTP 500."),
            delivery(1, DeliveryStatus.DELIVERED),
        ]
    )

    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    assert [model.index(0, c).data() for c in range(7)] == [
        "2",
        "2",
        "Jane",
        "Failed",
        "1",
        "2020-09-29 09:00",
        "The Savage Rentals API failed with HTTP 500.",
    ]
    assert model.index(1, 6).data() == "HTTP 500"
