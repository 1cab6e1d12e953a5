"""A chat transcript as plain values, and its text in the Savage Rentals format."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# strftime's %b follows LC_TIME, which Qt sets from the user's locale; transcripts must read "Sep" everywhere.
_ENGLISH_MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_ONE_SECOND = timedelta(seconds=1)
# Fixed forever: changing it would give an already delivered chat a new key, and a client would store it twice.
_DELIVERY_KEY_NAMESPACE = uuid.UUID("fcf81a53-a76c-4c32-a83c-bf9a8b7b566f")


_NO_TIME = "--:--"  # a message another program stored without sent_at


@dataclass(frozen=True)
class TranscriptLine:
    sent_at: datetime | None  # naive UTC; None when another program left it out
    from_agent: bool  # True when an agent wrote the message
    text: str


@dataclass(frozen=True)
class Transcript:
    chat_id: int
    customer_name: str
    handle_start: datetime
    handle_end: datetime | None  # None while the chat is still in progress
    handling_seconds: int | None  # None when handle_end is None; never negative (see build_transcript)
    text: str
    # Ended again after another program reopened it: a new transcript, which needs a key of its own.
    ended_again: bool = False


def delivery_key(transcript: Transcript) -> str:
    """The same key for every delivery of one chat, so that a retried delivery can be recognised.

    A chat ended again after being reopened has a new transcript: its key also names that end.
    """
    name = f"{transcript.chat_id}:{transcript.handle_start.isoformat()}"
    if transcript.ended_again and transcript.handle_end is not None:
        name += f":{transcript.handle_end.isoformat()}"
    return str(uuid.uuid5(_DELIVERY_KEY_NAMESPACE, name))


def whole_seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from start to end, rounded down; exact for any span, including spans over a day."""
    return (end - start) // _ONE_SECOND


def format_transcript(handle_start: datetime, lines: Sequence[TranscriptLine]) -> str:
    """The transcript text: a header, an empty line, then one line per message in the given order."""
    header = f"Chat on {_day_month_year(handle_start)} {_hours_minutes(handle_start)}:"
    return "\n".join([header, "", *(_format_line(line) for line in lines)])


def build_transcript(
    chat_id: int,
    customer_name: str,
    handle_start: datetime,
    handle_end: datetime | None,
    lines: Sequence[TranscriptLine],
    *,
    ended_again: bool = False,
) -> Transcript:
    """handling_seconds is clamped at 0: an end recorded before the start (by another system) says 0 seconds."""
    handling_seconds = None if handle_end is None else max(0, whole_seconds_between(handle_start, handle_end))
    return Transcript(
        chat_id=chat_id,
        customer_name=customer_name,
        handle_start=handle_start,
        handle_end=handle_end,
        handling_seconds=handling_seconds,
        text=format_transcript(handle_start, lines),
        ended_again=ended_again,
    )


def _format_line(line: TranscriptLine) -> str:
    author = "Agent" if line.from_agent else "Customer"
    time = _NO_TIME if line.sent_at is None else _hours_minutes(line.sent_at)
    return f"[{time}, {author}]: {line.text}"


def _day_month_year(moment: datetime) -> str:
    return f"{moment.day:02d} {_ENGLISH_MONTH_ABBREVIATIONS[moment.month - 1]} {moment.year:04d}"


def _hours_minutes(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"
