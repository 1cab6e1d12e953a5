"""Columns sharing a table's width by what matters, until a person sets the widths by hand (then remembered)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Slot

from arthur_desktop.widgets.record_table import RecordTable


class SharedColumnWidths(QObject):
    """Shares the table's width among its shown columns whenever the table's width changes (share_widths): each
    column between the least it can do with and what it would like, given as sample texts; the columns in
    names_first are served first. Once a person resizes a column, the widths are theirs: saved, restored at the
    next start, and no longer shared."""

    def __init__(
        self,
        table: RecordTable,
        setting: str,
        wanted: Mapping[int, str],
        least: Mapping[int, str],
        *,
        names_first: Sequence[int],
    ) -> None:
        super().__init__(table)
        self._table, self._setting = table, setting
        self._wanted, self._least, self._first = dict(wanted), dict(least), tuple(names_first)
        self.by_hand = False
        self._sharing = False
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(self._note_resize)

    def share(self) -> None:
        if self.by_hand:
            return
        table = self._table
        header, model = table.horizontalHeader(), table.model()
        shown = [column for column in range(model.columnCount()) if not header.isSectionHidden(column)]
        wanted = {c: max(table.cell_width(self._wanted[c]), header.sectionSizeHint(c)) for c in shown}
        least = {column: table.cell_width(self._least[column]) for column in shown}
        with self.not_by_hand():
            for column, size in share_widths(table.viewport().width(), wanted, least, self._first).items():
                header.resizeSection(column, size)

    @contextmanager
    def not_by_hand(self) -> Iterator[None]:
        """Column sizes changed in the block are not a person's."""
        self._sharing = True
        try:
            yield
        finally:
            self._sharing = False

    def save(self, settings: QSettings) -> None:
        """The widths a person set by hand; none while the columns share the width by themselves."""
        if self.by_hand:
            self._table.save_widths(settings, self._setting)
        else:
            settings.remove(self._setting)

    def restore(self, settings: QSettings) -> None:
        if settings.contains(self._setting):
            self.by_hand = True
            self._table.restore_widths(settings, self._setting)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        resized = event.type() == QEvent.Type.Resize and watched is self._viewport
        if resized and shiboken6.isValid(self._table):  # not while the table is being deleted
            self.share()
        return super().eventFilter(watched, event)

    @Slot()
    def _note_resize(self) -> None:
        if not self._sharing:
            self.by_hand = True


def share_widths(
    available: int, wanted: Mapping[int, int], least: Mapping[int, int], first: Sequence[int]
) -> dict[int, int]:
    """Column widths that fill the available width: each column gets its least, then the columns in first get up
    to what they want, then the others do, each group in proportion to what it lacks; what is left widens the
    columns in first. Less room than the least of all: the least (the table scrolls sideways)."""
    widths = dict(least)
    spare = available - sum(widths.values())
    for group in (first, [column for column in wanted if column not in first]):
        lacking = {column: max(0, wanted[column] - widths[column]) for column in group if column in wanted}
        total = sum(lacking.values())
        if spare <= 0 or total == 0:
            continue
        share = min(1.0, spare / total)
        for column, lack in lacking.items():
            widths[column] += int(lack * share)
        spare = available - sum(widths.values())
    growing = [column for column in first if column in widths]
    for position, column in enumerate(growing):
        if spare > 0:
            widths[column] += spare // len(growing) + (1 if position < spare % len(growing) else 0)
    return widths
