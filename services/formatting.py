"""Plain-text presentation shared by the CLI and the window."""

from __future__ import annotations

from datetime import datetime

from services.results import DeliveryRecord

NO_VALUE = "—"


def format_duration(seconds: float | None) -> str:
    """300 -> '5m 00s', 3725 -> '1h 02m 05s', 90061 -> '1d 01h 01m'; None -> '—' (no value, not zero)."""
    if seconds is None:
        return NO_VALUE
    whole = round(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def format_timestamp(value: datetime | None) -> str:
    return NO_VALUE if value is None else value.strftime("%Y-%m-%d %H:%M")


def delivery_outcome(record: DeliveryRecord) -> str:
    """Where the transcript went, or why it did not."""
    if record.error:
        return record.error
    if record.path:
        return record.path
    if record.http_status is not None:
        return f"HTTP {record.http_status}"
    return NO_VALUE


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A customer named "=HYPERLINK(…)" must stay text when a manager opens the CSV in a spreadsheet."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
