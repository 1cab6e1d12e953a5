"""Which days of handled chats count: a preset (today, last 7 or 30 days, all time) or a custom range."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from services.clock import utc_now
from services.results import TimeWindow

TODAY = "Today"
LAST_7_DAYS = "Last 7 days"
LAST_30_DAYS = "Last 30 days"
ALL_TIME = "All time"
CUSTOM = "Custom"
PRESETS = (TODAY, LAST_7_DAYS, LAST_30_DAYS, ALL_TIME, CUSTOM)
_PRESET_DAYS = {TODAY: 1, LAST_7_DAYS: 7, LAST_30_DAYS: 30}
_DATE_FORMAT = "yyyy-MM-dd"


def utc_today() -> date:
    return utc_now().date()


class DateRangeFilter(QWidget):
    """Days are UTC days, like every time in the database; a custom range includes both of its days."""

    window_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, today: Callable[[], date] = utc_today) -> None:
        super().__init__(parent)
        self._today = today
        self.setAccessibleName("Date range of handled chats")
        self.preset_box = QComboBox(self)
        self.preset_box.setObjectName("datePreset")
        self.preset_box.addItems(PRESETS)
        self.preset_box.setCurrentText(ALL_TIME)
        self.preset_box.setToolTip("Chats ended in this period (UTC days)")
        self.preset_box.setAccessibleName("Period of handled chats")
        self.from_edit = self._date_edit("dateFrom")
        self.from_edit.setAccessibleName("First day")
        self.to_edit = self._date_edit("dateTo")
        self.to_edit.setAccessibleName("Last day")
        self._to_label = QLabel("to", self)
        self._build_layout()
        self._show_custom_fields(False)
        self.preset_box.currentTextChanged.connect(self._preset_changed)
        self.from_edit.dateChanged.connect(self._custom_dates_changed)
        self.to_edit.dateChanged.connect(self._custom_dates_changed)

    def preset(self) -> str:
        return self.preset_box.currentText()

    def set_preset(self, preset: str) -> None:
        if preset in PRESETS:
            self.preset_box.setCurrentText(preset)

    def set_custom_range(self, first_day: date, last_day: date) -> None:
        self.from_edit.setDate(QDate(first_day.year, first_day.month, first_day.day))
        self.to_edit.setDate(QDate(last_day.year, last_day.month, last_day.day))
        self.set_preset(CUSTOM)

    def time_window(self) -> TimeWindow | None:
        """None for all time; otherwise [first day 00:00, day after the last day 00:00)."""
        preset = self.preset()
        if preset == ALL_TIME:
            return None
        if preset == CUSTOM:
            first_day, last_day = _day(self.from_edit.date()), _day(self.to_edit.date())
        else:
            last_day = self._today()
            first_day = last_day - timedelta(days=_PRESET_DAYS[preset] - 1)
        # The last day a date can hold (9999-12-31) has no day after it: the window is open at its end.
        end = None if last_day == date.max else _midnight(last_day + timedelta(days=1))
        return TimeWindow(_midnight(first_day), end)

    def _date_edit(self, object_name: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(object_name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(_DATE_FORMAT)
        today = self._today()
        edit.setDate(QDate(today.year, today.month, today.day))
        return edit

    def _build_layout(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset_box)
        layout.addWidget(self.from_edit)
        layout.addWidget(self._to_label)
        layout.addWidget(self.to_edit)

    def _show_custom_fields(self, visible: bool) -> None:
        for widget in (self.from_edit, self._to_label, self.to_edit):
            widget.setVisible(visible)

    @Slot(str)
    def _preset_changed(self, preset: str) -> None:
        self._show_custom_fields(preset == CUSTOM)
        self.window_changed.emit()

    @Slot()
    def _custom_dates_changed(self) -> None:
        self.to_edit.setMinimumDate(self.from_edit.date())
        if self.preset() == CUSTOM:
            self.window_changed.emit()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
