"""A unit of work: one session, one transaction, rolled back unless told to commit."""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from services.errors import DatabaseUnavailable


class UnitOfWork:
    """Use it in one `with` block at a time; it may be reused for the next block.

    lock, when given, is held for the whole block: an in-memory SQLite database is one connection that every
    thread shares, so its transactions must take turns.
    """

    def __init__(self, session_factory: sessionmaker[Session], lock: AbstractContextManager[Any] | None = None) -> None:
        self._session_factory = session_factory
        self._lock = lock
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("The unit of work is used outside its 'with' block.")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("The unit of work is already in use; open a new one for nested work.")
        if self._lock is not None:
            self._lock.__enter__()
        self._session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        self._session = None
        try:
            session.rollback()
        finally:
            session.close()
            if self._lock is not None:
                self._lock.__exit__(None, None, None)
        if isinstance(exc, OperationalError | InterfaceError):
            raise DatabaseUnavailable(f"The database could not be used: {exc.orig}") from exc

    def commit(self) -> None:
        self.session.commit()


def begin_now(connection: Connection, *, for_writing: bool = False) -> None:
    """Start the database transaction at once. SQLite's Python driver begins one only before a write, so
    reads would each see their own moment and DDL (CREATE, DROP) would commit on its own. for_writing
    takes SQLite's write lock now, so that a transaction that reads before it writes cannot be refused
    its write because another process wrote in between."""
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.execute(text("BEGIN IMMEDIATE" if for_writing else "BEGIN"))


SCHEMA_LOCK_KEY = 0x4172_7468_7572_0001  # "Arthur" and 1: an advisory lock no other program should use


def take_turns(connection: Connection) -> None:
    """Inside a transaction: wait for, then hold until it ends, the one lock that upgrades and first seedings of
    this database take (SQLite's write lock, a PostgreSQL advisory lock), so that two doing it at the same moment
    take turns and the second sees what the first did."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    else:
        begin_now(connection, for_writing=True)
