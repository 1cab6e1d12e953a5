"""Plain-text presentation shared by the CLI and the window."""

from __future__ import annotations

from datetime import datetime

from services.results import DeliveryRecord

NO_VALUE = "—"


def format_duration(seconds: float | None) -> str:
    """300 -> '5m 00s', 3725 -> '1h 02m 05s', 90061 -> '1d 01h 01m'; None -> '—' (no value, not zero).

    A negative duration (a chat whose recorded end is before its start) keeps its sign: '-5m 00s'.
    """
    if seconds is None:
        return NO_VALUE
    if round(seconds) < 0:
        return f"-{format_duration(-seconds)}"
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


def name_or_no_value(name: str | None) -> str:
    """A name, or "—" where another program left it NULL."""
    return NO_VALUE if name is None else name


def agent_label(name: str | None, user_id: int) -> str:
    """An agent's name, or a label that still tells agents without a name apart (chart boxes, filter chip)."""
    return f"Agent {user_id} (no name)" if name is None else name
