"""The table models: thin, well-behaved (qtmodeltester), numeric sorting, identity-keyed updates, paging."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from arthur_desktop.models.chat_model import ChatModel
from arthur_desktop.models.delivery_model import DeliveryModel
from arthur_desktop.models.performance_model import PerformanceModel
from arthur_desktop.models.record_model import KEY_ROLE, SORT_ROLE, Column, sorting_proxy
from services.results import (
    AgentPerformance,
    ChatCursor,
    ChatPage,
    ChatSort,
    ChatSortKey,
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


def model_values(model: PerformanceModel, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_performance_model_sorts_agents_without_a_figure_last_in_both_directions(
    qtmodeltester: ModelTester,
) -> None:
    model = PerformanceModel()
    model.set_rows(AGENTS)

    model.sort(4, Qt.SortOrder.DescendingOrder)  # Median
    assert model_values(model, 4) == ["6m 30s", "5m 00s", "1m 00s", "—"]
    model.sort(4, Qt.SortOrder.AscendingOrder)
    assert model_values(model, 4) == ["1m 00s", "5m 00s", "6m 30s", "—"]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model_values(model, 0) == ["Test User 3", "Test User 2", "Test User 1", "ada"]
    qtmodeltester.check(model, force_py=True)


def test_sorting_moves_a_selected_row_with_it_and_new_figures_keep_the_chosen_order(qtbot: QtBot) -> None:
    model = PerformanceModel()
    model.set_rows(AGENTS)
    ada = QPersistentModelIndex(model.index(3, 0))

    model.sort(1, Qt.SortOrder.DescendingOrder)  # Handled: ada (9), 3 (2), 1 (1), 2 (0)
    assert ada.row() == 0  # the index (a view's selection) moved with its row
    model.set_rows([*AGENTS[:3], AgentPerformance(4, "ada", 0, 0, None, None)])

    assert model_values(model, 0) == ["Test User 3", "Test User 1", "ada", "Test User 2"]  # ties: by id, 4 before 2


def test_appending_a_page_works_out_only_the_new_rows_and_touches_no_other() -> None:
    """Paging costs the same at row 100,000 as at row 200: the rows already there are not visited again."""
    formatted: list[int] = []
    model = ChatModel()

    def counting(chat: ChatSummary) -> str:
        formatted.append(chat.chat_id)
        return str(chat.chat_id)

    model._columns = (Column("ID", counting, lambda c: c.chat_id, numeric=True),)
    model.set_page(ChatPage(tuple(chat(i) for i in range(1, 1001)), next_cursor=ChatCursor(None, 1000)))
    formatted.clear()
    changes: list[object] = []
    model.dataChanged.connect(lambda *args: changes.append(args))
    model.layoutChanged.connect(lambda *args: changes.append(args))
    model.modelReset.connect(lambda *args: changes.append(args))

    model.append_page(ChatPage(tuple(chat(i) for i in range(1001, 1201)), next_cursor=None))
    for row in range(model.rowCount()):
        model.index(row, 0).data()  # a view painting: looked up, not worked out

    assert formatted == list(range(1001, 1201))
    assert changes == []
    assert model.rowCount() == 1200 and model.row_for_key(1200) == 1199


def test_a_header_click_on_the_chat_list_asks_for_that_order_instead_of_sorting_the_loaded_rows(
    qtbot: QtBot,
) -> None:
    model = ChatModel()
    model.set_page(ChatPage((chat(1, seconds=30.0), chat(2, seconds=90.0)), next_cursor=None))

    with qtbot.waitSignal(model.sort_wanted) as wanted:
        model.sort(5, Qt.SortOrder.DescendingOrder)  # Handling

    assert wanted.args == [ChatSort(ChatSortKey.HANDLING_SECONDS, descending=True)]
    assert [model.index(row, 0).data() for row in range(2)] == ["1", "2"]  # the database answers, not the model
    assert model.headerData(5, Qt.Orientation.Horizontal, Qt.ItemDataRole.InitialSortOrderRole) == (
        Qt.SortOrder.DescendingOrder
    )


def delivery_ids(model: DeliveryModel) -> list[int]:
    return [int(model.index(row, 0).data()) for row in range(model.rowCount())]


def test_deliveries_read_again_by_id_update_in_place_take_their_place_and_keep_the_newest(
    qtmodeltester: ModelTester,
) -> None:
    model = DeliveryModel()
    model.set_rows([delivery(i, DeliveryStatus.PENDING) for i in (9, 7, 5, 3)])
    qtmodeltester.check(model, force_py=True)
    removed: list[int] = []
    model.rowsAboutToBeRemoved.connect(lambda _parent, first, _last: removed.append(first))
    changed = delivery(7, DeliveryStatus.DELIVERED)
    new = [delivery(10, DeliveryStatus.PENDING), delivery(8, DeliveryStatus.FAILED)]

    model.merge({7, 8, 10, 5}, [changed, *new], limit=5)

    assert delivery_ids(model) == [10, 9, 8, 7, 3]  # 5 is no longer stored; the list keeps its 5 newest
    assert model.row_at(3) == changed
    assert removed == [2]  # 5 alone went (from its row then): the others stayed for the views

    model.merge({11, 12, 2}, [delivery(i, DeliveryStatus.PENDING) for i in (12, 11, 2)], limit=5)

    assert delivery_ids(model) == [12, 11, 10, 9, 8]  # older than every row of a full list: not shown
