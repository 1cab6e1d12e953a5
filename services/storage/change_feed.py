"""Live changes between desktops: on PostgreSQL, LISTEN/NOTIFY tells every window at once.

Writers call notify_change inside their transaction, so the notice goes out only if the change commits.
SQLite has no such channel; its windows see other desktops' changes at their next automatic refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from select import POLLIN, poll
from time import monotonic
from types import TracebackType
from typing import Self

import psycopg
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.errors import DatabaseUnavailable
from services.storage.database import Database

log = logging.getLogger(__name__)

CHANNEL = "arthur_changes"
_DRAIN_SECONDS = 0.05


def notify_change(session: Session, what: str) -> None:
    """Tell listening desktops that something changed (e.g. "chat:2"), when this transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, what)))


@dataclass(frozen=True)
class Noticed:
    """What a burst of notices told of: the chats and deliveries changed, and whether any notice was of another
    kind (a newer version's, say), after which everything is worth reading again."""

    chat_ids: frozenset[int]
    delivery_ids: frozenset[int]
    other: bool

    @property
    def chats_changed(self) -> bool:
        """Whether a chat may have changed (the reports add up chats; a delivery changes none of them)."""
        return bool(self.chat_ids) or self.other

    def __or__(self, more: Noticed) -> Noticed:
        return Noticed(self.chat_ids | more.chat_ids, self.delivery_ids | more.delivery_ids, self.other or more.other)


def noticed(payloads: Iterable[str]) -> Noticed:
    chats: set[int] = set()
    deliveries: set[int] = set()
    other = False
    for payload in payloads:
        kind, _, number = payload.partition(":")
        ids = chats if kind == "chat" else deliveries if kind == "delivery" else None
        if ids is None or not number.isdigit():
            other = True
        else:
            ids.add(int(number))
    return Noticed(frozenset(chats), frozenset(deliveries), other)


class ChangeListener:
    """A dedicated connection LISTENing on the channel; wait() returns the notices that arrived."""

    def __init__(self, connection: psycopg.Connection[tuple[object, ...]]) -> None:
        self._connection = connection
        self._socket = poll()  # poll, not select(): a descriptor numbered past 1023 is fine
        self._socket.register(connection.fileno(), POLLIN)
        # time.monotonic() by which the last wait()'s notices of changed chats had all been received (None: it
        # returned none): those chats' changes were committed before then, a report begun after has seen them
        self.chats_received: float | None = None

    def wait(self, timeout_seconds: float) -> list[str]:
        """Block up to timeout_seconds for the first notice, then return it with those that follow within
        _DRAIN_SECONDS.

        The wait is one poll() of the connection's socket, not psycopg's notifies(timeout=...), which wakes
        every 0.1 s to take the interpreter lock: 100 idle listeners in one process, 10 s, made 19,000 context
        switches and used 0.45 s of CPU that way, 6,000 and 0.15 s this way (the simulated desktops of
        benchmarks/desktops.py share processes)."""
        connection = self._connection
        self.chats_received = None
        try:
            first = [n.payload for n in connection.notifies(timeout=0)]  # received, or waiting in the socket
            if not first:
                if not self._socket.poll(round(timeout_seconds * 1000)):
                    return []  # nothing came
                first = [n.payload for n in connection.notifies(timeout=0)]
            received = monotonic()
            later = [n.payload for n in connection.notifies(timeout=_DRAIN_SECONDS)]
            if noticed(later).chats_changed:
                self.chats_received = monotonic()
            elif noticed(first).chats_changed:
                self.chats_received = received  # not the end of the wait for more: 50 ms later
            return first + later
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(f"Lost the live-changes connection: {_first_line(exc)}") from exc

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def open_change_listener(database: Database) -> ChangeListener | None:
    """A listener for a PostgreSQL database; None for SQLite, which has no notifications."""
    if database.dialect != "postgresql":
        return None
    url = database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=5)
        connection.execute(f"LISTEN {CHANNEL}")
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"Cannot listen for live changes: {_first_line(exc)}") from exc
    return ChangeListener(connection)


def _first_line(error: psycopg.Error) -> str:
    """libpq's messages run on over indented lines ("This probably means..."); a person is shown one line."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
