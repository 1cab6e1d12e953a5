"""A list of chats to sort: another program's rows with every kind of missing value, ties and time forms.

Written through plain SQL into tables without NOT NULL (tests/other_programs.py), so that names, created
times, agents and handling times are missing here and there; created times repeat (the chat id breaks ties),
and on SQLite some are stored in a shorter form than Arthur Desktop writes.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import create_engine, text

from other_programs import LOOSE_TABLES
from services.database import upgrade_database
from services.results import ChatSortKey
from services.storage.database import Database

CHATS = 61  # more than eight pages of seven
_DAY = datetime(2024, 3, 4, 8, 0)
_NAMES = ("Ann", "bob", "Cara", "Dora", "Émile", "Zed", None)
# The value each sort key orders by, in plain SQL over chats c left-joined to users u.
REFERENCE_EXPRESSIONS = {
    ChatSortKey.CHAT_ID: "c.chat_id",
    ChatSortKey.CUSTOMER_NAME: "c.customer_name",
    ChatSortKey.USER_ID: "c.user_id",
    ChatSortKey.AGENT_NAME: "u.name",
    ChatSortKey.STATUS: "CASE WHEN c.handle_start IS NULL THEN 0 WHEN c.handle_end IS NULL THEN 1 ELSE 2 END",
    ChatSortKey.CREATED: "c.created",
    ChatSortKey.HANDLE_START: "c.handle_start",
    ChatSortKey.HANDLE_END: "c.handle_end",
    ChatSortKey.HANDLING_SECONDS: "c.handling_seconds",
    ChatSortKey.MESSAGE_COUNT: "(SELECT count(*) FROM messages m WHERE m.chat_id = c.chat_id)",
}


def write_chats_to_sort(url: str, *, seed: int = 16) -> None:
    """Agents 1-3 named, 4 without a name; chats waiting, in progress and ended, with and without values; then
    the schema brought up to date. url: a database without any table."""
    pick = random.Random(seed)
    short_times = url.startswith("sqlite")
    statements = [*LOOSE_TABLES, "INSERT INTO users VALUES (1, 'Kim'), (2, 'al'), (3, 'Zoë'), (4, NULL)"]
    for chat_id in range(1, CHATS + 1):
        created = None if pick.random() < 0.1 else _DAY + timedelta(minutes=pick.randrange(40))
        state = pick.choice(("waiting", "in progress", "ended", "ended"))
        start = None if state == "waiting" else (created or _DAY) + timedelta(seconds=pick.choice((30, 60, 90)))
        end = start + timedelta(seconds=pick.choice((60, 300, 300, 600))) if state == "ended" and start else None
        agent = None if start is None or pick.random() < 0.1 else pick.randrange(1, 5)
        values = (chat_id, _time(created, short_times, pick), _NAMES[pick.randrange(len(_NAMES))], agent, start, end)
        statements.append("INSERT INTO chats VALUES (" + ", ".join(_sql(value) for value in values) + ")")
        for message in range(pick.randrange(4)):
            statements.append(f"INSERT INTO messages VALUES ({chat_id * 10 + message}, {chat_id}, 'hi', NULL, NULL)")
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()
    upgrade_database(url)  # as the administrator would, before any desktop opens it


def reference_order(database: Database, key: ChatSortKey, *, descending: bool, where: str = "TRUE") -> list[int]:
    """The database's own full sort in plain SQL: ORDER BY the value, missing values last, then chat_id."""
    direction = "DESC" if descending else "ASC"
    query = (
        "SELECT c.chat_id FROM chats c LEFT JOIN users u ON u.user_id = c.user_id "
        f"WHERE {where} ORDER BY {REFERENCE_EXPRESSIONS[key]} {direction} NULLS LAST, c.chat_id {direction}"
    )
    with database.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(query))]


def _time(value: datetime | None, short: bool, pick: random.Random) -> str | None:
    if value is None:
        return None
    return value.isoformat(" ") if short and pick.random() < 0.3 else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _sql(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"
