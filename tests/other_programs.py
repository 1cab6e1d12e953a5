"""A database whose brief's tables another program made, without NOT NULL, holding the NULLs it allows.

Arthur Desktop creates these columns NOT NULL; this schema mimics a program that did not, on either engine.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text

LOOSE_TABLES = (
    "CREATE TABLE users (user_id INTEGER PRIMARY KEY, name VARCHAR(200) UNIQUE)",
    "CREATE TABLE chats (chat_id INTEGER PRIMARY KEY, created TIMESTAMP, customer_name VARCHAR(200),"
    " user_id INTEGER REFERENCES users (user_id), handle_start TIMESTAMP, handle_end TIMESTAMP)",
    "CREATE TABLE messages (message_id INTEGER PRIMARY KEY, chat_id INTEGER REFERENCES chats (chat_id),"
    " text TEXT, user_id INTEGER REFERENCES users (user_id), sent_at TIMESTAMP)",
)
# Ann handled chat 1 (10 minutes); the agent without a name (2) handled chat 3 (5 minutes) and has chat 2 in
# progress; chat 4 waits. Chats 2 and 4 have no created time; 2 and 3 no customer name; chat 2 has a message
# without text and one without a time.
LOOSE_ROWS = (
    "INSERT INTO users VALUES (1, 'Ann'), (2, NULL)",
    "INSERT INTO chats VALUES (1, '2024-01-01 09:00:00', 'Cara', 1, '2024-01-01 09:01:00', '2024-01-01 09:11:00')",
    "INSERT INTO chats VALUES (2, NULL, NULL, 2, '2024-01-01 10:00:30', NULL)",
    "INSERT INTO chats VALUES (3, '2024-01-01 11:00:00', NULL, 2, '2024-01-01 11:01:00', '2024-01-01 11:06:00')",
    "INSERT INTO chats VALUES (4, NULL, 'Dora', NULL, NULL, NULL)",
    "INSERT INTO messages VALUES (1, 2, 'Hello', NULL, '2024-01-01 10:00:40')",
    "INSERT INTO messages VALUES (2, 2, NULL, 2, '2024-01-01 10:01:00')",
    "INSERT INTO messages VALUES (3, 2, 'Lost my time', NULL, NULL)",
    "INSERT INTO messages VALUES (4, 1, 'Hi', NULL, '2024-01-01 09:02:00')",
)
CHAT_2_TRANSCRIPT = (
    "Chat on 01 Jan 2024 10:00:\n\n[10:00, Customer]: Hello\n[10:01, Agent]: \n[--:--, Customer]: Lost my time"
)


def write_loose_database(url: str) -> None:
    """The brief's tables as another program made and filled them; Arthur Desktop has not opened it yet."""
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in (*LOOSE_TABLES, *LOOSE_ROWS):
            connection.execute(text(statement))
    engine.dispose()


def table_rows(url: str, table: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
    engine.dispose()
    return rows
