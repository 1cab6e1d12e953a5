"""The manager's own time zone: which one it is, local days as windows of UTC, and UTC times shown locally.

The database keeps naive UTC times; only what people read changes. The zone is the computer's: the TZ variable
when set (a zone name such as Europe/Dublin, or the path of a zone file), else /etc/localtime, else UTC. A local
day is the time from one local midnight to the next, which is 23 or 25 hours long on the days the clocks change.
"""

from __future__ import annotations

import logging
import os
import time as time_module
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.clock import utc_now
from services.formatting import NO_VALUE
from services.results import TimeWindow

log = logging.getLogger(__name__)

_LOCALTIME = Path("/etc/localtime")
_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M"


def local_zone(environ: Mapping[str, str] | None = None) -> tzinfo:
    """The computer's time zone, honouring TZ; a zone that cannot be read falls back to the current offset."""
    environ = os.environ if environ is None else environ
    if "TZ" in environ:
        return _zone_named(environ["TZ"])
    return _system_zone()


_display_zones: dict[str | None, tzinfo] = {}


def display_zone() -> tzinfo:
    """The computer's time zone for showing times (local_zone of this process's environment), looked up once for
    each value of TZ."""
    key = os.environ.get("TZ")
    if key not in _display_zones:
        _display_zones[key] = local_zone()
    return _display_zones[key]


def zone_name(zone: tzinfo, at: datetime | None = None) -> str:
    """E.g. "Europe/Dublin (IST, UTC+01:00)" for the moment at (naive UTC; now when None)."""
    local = to_local(at or utc_now(), zone)
    key = getattr(zone, "key", None) or local.tzname() or "local time"
    offset = _offset_text(local.utcoffset() or timedelta())
    abbreviation = local.tzname()
    if key in ("UTC", "Etc/UTC") and offset == "UTC+00:00":
        return "UTC"
    details = [a for a in (abbreviation, offset) if a and a != key]
    return f"{key} ({', '.join(details)})" if details else key


def to_local(moment: datetime, zone: tzinfo) -> datetime:
    """A naive UTC time (or an aware one) as an aware time in zone."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(zone)


def to_utc(moment: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in zone (naive), or an aware time, as naive UTC. A wall-clock time skipped when the
    clocks go forward is read with the offset before the change; a repeated one as its first occurrence."""
    aware = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
    return aware.astimezone(UTC).replace(tzinfo=None)


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The start of day in zone, as naive UTC."""
    return to_utc(datetime.combine(day, time()), zone)


def local_days(first_day: date, last_day: date, zone: tzinfo) -> TimeWindow:
    """[first_day 00:00, the day after last_day 00:00) in zone, as a window of naive UTC. A side beyond what a
    datetime can hold (the day after 9999-12-31; the first day's midnight east of UTC) is left open."""
    return TimeWindow(_midnight_or_open(first_day, zone), _midnight_or_open(last_day, zone, days_after=1))


def _midnight_or_open(day: date, zone: tzinfo, *, days_after: int = 0) -> datetime | None:
    try:
        return local_midnight(day + timedelta(days=days_after), zone)
    except OverflowError:
        return None


def local_today(zone: tzinfo, now: datetime | None = None) -> date:
    return to_local(now or utc_now(), zone).date()


def last_days(days: int, zone: tzinfo, now: datetime | None = None) -> TimeWindow:
    """Today and the days - 1 local days before it."""
    today = local_today(zone, now)
    return local_days(today - timedelta(days=days - 1), today, zone)


def format_local(value: datetime | None, zone: tzinfo) -> str:
    """A stored time as the manager reads it: '2020-09-29 10:00' in zone; None -> '—'."""
    return NO_VALUE if value is None else to_local(value, zone).strftime(_TIMESTAMP_FORMAT)


def iso_local(value: datetime, zone: tzinfo) -> str:
    """ISO 8601 with the UTC offset, e.g. '2020-09-29T10:00:20.540957+01:00'."""
    return to_local(value, zone).isoformat()


def _zone_named(value: str) -> tzinfo:
    name = value.strip().removeprefix(":")
    if not name:
        return UTC  # an empty TZ means UTC to the C library too
    try:
        if name.startswith("/"):
            with Path(name).open("rb") as file:
                return ZoneInfo.from_file(file, key=name)
        return ZoneInfo(name)
    except (OSError, ValueError, ZoneInfoNotFoundError):
        log.warning("TZ=%s is not a time zone this computer knows; using the current offset", value)
        return _fixed_offset_now()


def _system_zone() -> tzinfo:
    try:
        target = _LOCALTIME.resolve(strict=True)
    except OSError:
        return UTC
    parts = target.parts
    if "zoneinfo" in parts:
        key = "/".join(parts[parts.index("zoneinfo") + 1 :])
        try:
            return ZoneInfo(key)
        except (ValueError, ZoneInfoNotFoundError):
            pass
    try:
        with _LOCALTIME.open("rb") as file:
            return ZoneInfo.from_file(file, key="localtime")
    except (OSError, ValueError):
        return _fixed_offset_now()


def _fixed_offset_now() -> tzinfo:
    offset = timedelta(seconds=time_module.localtime().tm_gmtoff)
    return UTC if not offset else _FixedZone(offset)


class _FixedZone(tzinfo):
    """A constant offset named like UTC+05:30, for a TZ this computer's zone database lacks."""

    def __init__(self, offset: timedelta) -> None:
        self._offset = offset

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self._offset

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta()

    def tzname(self, dt: datetime | None) -> str:
        return _offset_text(self._offset)


def _offset_text(offset: timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"
