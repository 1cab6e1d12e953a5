"""Indexes for the chat list's search box ("customer or agent name contains …") at millions of chats.

A contains-search cannot use a B-tree, so each engine gets a trigram index: SQLite an FTS5 table with the
trigram tokenizer, kept in step with chats by triggers; PostgreSQL a pg_trgm GIN index. A schema revision
creates them (services.storage.migrations); the search works without them, only slower.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, column, func, literal, or_, select, table, union
from sqlalchemy.orm import QueryableAttribute

from services.errors import InvalidSearchText
from services.storage.models import Chat, User

MIN_INDEXED_LENGTH = 3  # a trigram index needs three characters to look anything up
_SQLITE_SEARCH_TABLE = table("chat_search", column("rowid"), column("chat_search"))
_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS chat_search USING fts5("
    "customer_name, content='chats', content_rowid='chat_id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS chat_search_insert AFTER INSERT ON chats BEGIN "
    "INSERT INTO chat_search(rowid, customer_name) VALUES (new.chat_id, new.customer_name); END",
    "CREATE TRIGGER IF NOT EXISTS chat_search_delete AFTER DELETE ON chats BEGIN "
    "INSERT INTO chat_search(chat_search, rowid, customer_name) "
    "VALUES ('delete', old.chat_id, old.customer_name); END",
    "CREATE TRIGGER IF NOT EXISTS chat_search_update AFTER UPDATE OF customer_name ON chats BEGIN "
    "INSERT INTO chat_search(chat_search, rowid, customer_name) "
    "VALUES ('delete', old.chat_id, old.customer_name); "
    "INSERT INTO chat_search(rowid, customer_name) VALUES (new.chat_id, new.customer_name); END",
)
_POSTGRES_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_chats_customer_trigram ON chats USING gin (customer_name gin_trgm_ops)",
)
SQLITE_SEARCH_REBUILD = "INSERT INTO chat_search(chat_search) VALUES ('rebuild')"


def search_index_statements(dialect: str) -> tuple[str, ...]:
    """What makes the index (services.storage.migrations runs them); SQLite's table is then filled by
    SQLITE_SEARCH_REBUILD. PostgreSQL's needs the pg_trgm extension, which a server may refuse."""
    return _SQLITE_DDL if dialect == "sqlite" else _POSTGRES_DDL


def check_search_text(search: str) -> str:
    """The search text, or InvalidSearchText for one no name can contain (PostgreSQL refuses NUL in text)."""
    if "\x00" in search:
        raise InvalidSearchText("The search text cannot contain a NUL character.")
    try:
        search.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from an argument in another encoding
        raise InvalidSearchText("The search text holds characters that are not valid Unicode.") from None
    return search


def search_condition(search: str, dialect: str) -> ColumnElement[bool]:
    """Customer or agent name contains search, ignoring case (of any script); % and _ are plain characters.

    From three characters on, written as "chat_id IN (customers' chats UNION agents' chats)" so each side
    is looked up in its own index, and a search matching nothing costs nothing instead of a walk through
    every chat.
    """
    check_search_text(search)
    agents = select(User.user_id).where(_name_contains(User.name, search, dialect))
    customer_matches = _name_contains(Chat.customer_name, search, dialect)
    if len(search) < MIN_INDEXED_LENGTH:
        # Too short for trigrams, and matching many chats: walking the newest first finds a page soonest.
        return or_(customer_matches, Chat.user_id.in_(agents))
    if dialect == "sqlite":
        # With the trigram tokenizer a quoted phrase matches any name containing it, case-folded.
        phrase = '"' + search.replace('"', '""') + '"'
        match = _SQLITE_SEARCH_TABLE.c.chat_search.op("MATCH")(literal(phrase))
        customers_chats = select(_SQLITE_SEARCH_TABLE.c.rowid).where(match)
    else:
        customers_chats = select(Chat.chat_id).where(customer_matches)
    agents_chats = select(Chat.chat_id).where(Chat.user_id.in_(agents))
    return Chat.chat_id.in_(union(customers_chats, agents_chats))


def casefold(text: str | None) -> str | None:
    """Case folding for any script; SQLite's own lower() and LIKE fold only ASCII ("oë" would miss "ZOË")."""
    return None if text is None else text.casefold()


def _name_contains(name: QueryableAttribute[str | None], search: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        # casefold is registered on every SQLite connection (services.storage.database).
        return func.instr(func.casefold(name), search.casefold()) > 0
    return name.ilike(f"%{_escape_like(search)}%", escape="\\")


def _escape_like(search: str) -> str:
    return search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
