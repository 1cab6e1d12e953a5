"""An export that cannot be written: one message naming the file and the cause; no partial file, nothing replaced."""

from __future__ import annotations

from pathlib import Path

import pytest
from folder_testing import fill_leaving, mounted_tmpfs

from services.export import ExportFailed, export_chats_csv, export_performance_csv
from services.results import ChatFilter
from services.storage.database import Database


def test_an_export_onto_a_full_disk_says_so_keeps_the_previous_file_and_leaves_no_partial_file(
    database: Database, tmp_path: Path
) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=64k") as disk:
        path = disk / "chats.csv"
        path.write_text("the previous export\n", "utf-8")
        fill_leaving(disk, free_pages=0)

        with pytest.raises(ExportFailed) as failure:
            export_chats_csv(database.unit_of_work, ChatFilter(), path)

        assert str(failure.value) == f"Cannot write {path}: No space left on device."
        assert path.read_text("utf-8") == "the previous export\n"
        assert sorted(p.name for p in disk.iterdir()) == ["chats.csv", "filler"]


def test_an_export_onto_a_folder_says_so_and_leaves_the_folder_as_it_was(database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "performance.csv"
    (folder / "inside").mkdir(parents=True)

    with pytest.raises(ExportFailed) as failure:
        export_performance_csv(database.unit_of_work(), None, folder)

    assert str(failure.value) == f"Cannot write {folder}: Is a directory."
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert [p.name for p in folder.iterdir()] == ["inside"]
