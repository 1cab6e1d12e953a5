"""Which days count: a preset (today, last 7 or 30 days, all time) or a custom range, in local days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta, tzinfo

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from services.local_time import display_zone, local_days, local_today
from services.results import TimeWindow

TODAY = "Today"
LAST_7_DAYS = "Last 7 days"
LAST_30_DAYS = "Last 30 days"
ALL_TIME = "All time"
CUSTOM = "Custom"
PRESETS = (TODAY, LAST_7_DAYS, LAST_30_DAYS, ALL_TIME, CUSTOM)
_PRESET_DAYS = {TODAY: 1, LAST_7_DAYS: 7, LAST_30_DAYS: 30}
_DATE_FORMAT = "yyyy-MM-dd"


class DateRangeFilter(QWidget):
    """Days are the computer's local days (TZ honoured), from local midnight to local midnight; a custom range
    includes both of its days."""

    window_changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._zone = zone or display_zone()
        self._today = today or (lambda: local_today(self._zone))
        self.setAccessibleName("Date range of handled chats")
        self.preset_box = QComboBox(self)
        self.preset_box.setObjectName("datePreset")
        self.preset_box.addItems(PRESETS)
        self.preset_box.setCurrentText(ALL_TIME)
        self.preset_box.setToolTip("Chats ended in this period (local days)")
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
        """None for all time; otherwise [first day 00:00, day after the last day 00:00) local time, in UTC."""
        preset = self.preset()
        if preset == ALL_TIME:
            return None
        if preset == CUSTOM:
            first_day, last_day = _day(self.from_edit.date()), _day(self.to_edit.date())
        else:
            last_day = self._today()
            first_day = last_day - timedelta(days=_PRESET_DAYS[preset] - 1)
        return local_days(first_day, last_day, self._zone)

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


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
