"""A unit of work: one session, one transaction, rolled back unless told to commit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from services.errors import DatabaseUnavailable


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("The unit of work is used outside its 'with' block.")
        return self._session

    def __enter__(self) -> Self:
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
        if isinstance(exc, OperationalError | InterfaceError):
            raise DatabaseUnavailable(f"The database could not be used: {exc.orig}") from exc

    def commit(self) -> None:
        self.session.commit()
