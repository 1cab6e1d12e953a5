"""The seed data of the brief, kept as a data file in resources/ and loaded into an empty database."""

from __future__ import annotations

import json
from datetime import datetime
from importlib.resources import files
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from services.storage.models import Chat, Message, User

_TIMESTAMP_FIELDS = ("created", "handle_start", "handle_end", "sent_at")


def load_seed_rows() -> dict[str, list[dict[str, Any]]]:
    raw = json.loads(files("resources").joinpath("seed.json").read_text(encoding="utf-8"))
    return {table: [_parse_timestamps(row) for row in table_rows] for table, table_rows in raw.items()}


def database_holds_data(session: Session) -> bool:
    return any(session.scalar(select(func.count()).select_from(model)) for model in (User, Chat, Message))


def seed_if_empty(session: Session) -> bool:
    if database_holds_data(session):
        return False
    rows = load_seed_rows()
    for model, key in ((User, "users"), (Chat, "chats"), (Message, "messages")):
        session.execute(insert(model), rows[key])
    if session.get_bind().dialect.name == "postgresql":
        advance_postgres_sequences(session)
    return True


def advance_postgres_sequences(session: Session) -> None:
    """Explicit ids leave the serial sequences at 1; move them past the seeded rows."""
    for table, column in (("users", "user_id"), ("chats", "chat_id"), ("messages", "message_id")):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT COALESCE(MAX({column}), 1) FROM {table}))"
            )
        )


def _parse_timestamps(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: datetime.fromisoformat(value) if key in _TIMESTAMP_FIELDS and value is not None else value
        for key, value in row.items()
    }
