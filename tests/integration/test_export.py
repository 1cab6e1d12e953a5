"""CSV exports of the performance table and the chat list, into real files, on both engines."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from seed_data import add_chat
from services.errors import DatabaseUnavailable
from services.export import CHAT_HEADERS, PERFORMANCE_HEADERS, ExportFailed, export_chats_csv, export_performance_csv
from services.results import ChatFilter, ChatStatus, TimeWindow
from services.storage.database import Database
from services.storage.unit_of_work import UnitOfWork


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def test_the_performance_export_has_the_tables_columns_and_numbers_as_numbers(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "performance.csv"

    written = export_performance_csv(database.unit_of_work(), None, path)

    assert written == 3
    assert read_rows(path) == [
        list(PERFORMANCE_HEADERS),
        ["Test User 1", "1", "1", "300", "300", "210", "210", "90", "90"],
        ["Test User 2", "0", "0", "", "", "", "", "", ""],
        ["Test User 3", "2", "0", "390", "390", "180", "180", "120", "120"],
    ]
    assert PERFORMANCE_HEADERS == (
        "Agent",
        "Handled",
        "In progress",
        "Average (s)",
        "Median (s)",
        "Wait avg (s)",
        "Wait med (s)",
        "1st reply avg (s)",
        "1st reply med (s)",
    )


def test_the_performance_export_follows_the_time_window(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "performance.csv"

    export_performance_csv(database.unit_of_work(), TimeWindow(datetime(2020, 9, 29, 9, 0)), path)

    assert [row[:2] for row in read_rows(path)[1:]] == [
        ["Test User 1", "1"],
        ["Test User 2", "0"],
        ["Test User 3", "1"],
    ]


def test_the_chat_export_writes_every_matching_chat_page_by_page(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "chats.csv"
    units: list[UnitOfWork] = []

    def unit_of_work() -> UnitOfWork:
        units.append(database.unit_of_work())
        return units[-1]

    written = export_chats_csv(unit_of_work, ChatFilter(), path, page_size=2)

    rows = read_rows(path)
    assert written == 6
    assert len(units) == 3  # three pages of two; the whole list is never held at once
    assert rows[0] == list(CHAT_HEADERS) == ["ID", "Customer", "Agent", "Status", "Created", "Handling (s)"]
    assert [row[0] for row in rows[1:]] == ["3", "2", "5", "1", "6", "4"]
    assert rows[1] == ["3", "Jerry", "Test User 3", "Ended", "2020-09-29T09:00:20.540957+00:00", "180"]
    assert rows[2] == ["2", "Jane", "Test User 1", "In progress", "2020-09-29T09:00:20.540957+00:00", ""]
    assert rows[3][2:4] == ["", "Waiting"]


def test_the_chat_export_applies_the_filter(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "chats.csv"

    written = export_chats_csv(database.unit_of_work, ChatFilter(status=ChatStatus.ENDED, user_id=3), path)

    assert written == 2
    assert [row[0] for row in read_rows(path)[1:]] == ["3", "4"]


def test_an_unwritable_path_raises_export_failed_and_leaves_no_file(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "missing-folder" / "chats.csv"

    with pytest.raises(ExportFailed, match=r"Cannot write .*chats\.csv: No such file or directory"):
        export_chats_csv(database.unit_of_work, ChatFilter(), path)

    assert not path.parent.exists()


def test_a_failure_midway_keeps_the_previous_file_and_leaves_no_partial_file(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "chats.csv"
    path.write_text("the previous export\n", "utf-8")
    pages = 0

    def failing_on_the_second_page() -> UnitOfWork:
        nonlocal pages
        pages += 1
        if pages == 2:
            raise DatabaseUnavailable("The database went away.")
        return database.unit_of_work()

    with pytest.raises(DatabaseUnavailable):
        export_chats_csv(failing_on_the_second_page, ChatFilter(), path, page_size=2)

    assert path.read_text("utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_a_finished_export_replaces_the_previous_file(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "chats.csv"
    path.write_text("the previous export\n", "utf-8")

    export_chats_csv(database.unit_of_work, ChatFilter(user_id=1), path)

    assert [row[0] for row in read_rows(path)] == ["ID", "2", "1"]
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_a_name_that_looks_like_a_formula_stays_text_in_a_spreadsheet(database: Database, tmp_path: Path) -> None:
    add_chat(database, user_id=None, start=None, seconds=None, customer='=HYPERLINK("http://x","Jane")')
    path = tmp_path / "chats.csv"

    export_chats_csv(database.unit_of_work, ChatFilter(search="hyperlink"), path)

    assert read_rows(path)[1][1] == '\'=HYPERLINK("http://x","Jane")'
