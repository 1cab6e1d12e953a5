"""Arthur Desktop's first layout: the transcript outbox (deliveries), each chat's handling time kept by the
database (a generated column), the indexes of the per-agent figures and the chat list, and the search index."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage.migrations.steps import add_generated_seconds, dialect, index, no_downgrade, offline, optional
from services.storage.search_index import SQLITE_SEARCH_REBUILD, search_index_statements

revision = "0002_outbox_and_search"
down_revision = "0001_brief_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.chat_id"), nullable=False, unique=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("claimed_at", sa.DateTime),
        sa.Column("path", sa.Text),
        sa.Column("http_status", sa.Integer),
        sa.Column("response", sa.Text),
        sa.Column("error", sa.Text),
    )
    index("ix_deliveries_status", "deliveries", ["status", "delivery_id"])
    add_generated_seconds("handling_seconds", "handle_start", "handle_end")
    index("ix_messages_chat_sent", "messages", ["chat_id", "sent_at", "message_id"])
    index("ix_chats_agent_handling", "chats", ["user_id", "handling_seconds"])
    index("ix_chats_handle_end", "chats", ["handle_end", "user_id", "handling_seconds"])
    index("ix_chats_created", "chats", ["created", "chat_id"])
    index("ix_chats_agent_created", "chats", ["user_id", "created", "chat_id"])
    if dialect() == "postgresql":
        optional(search_index_statements("postgresql"), "trigram index for the chat search (pg_trgm)")
        return
    if (
        not offline()
        and op.get_bind().execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'chat_search'")).first()
    ):
        return  # made by a version before the revisions
    for statement in (*search_index_statements("sqlite"), SQLITE_SEARCH_REBUILD):
        op.execute(statement)


def downgrade() -> None:
    no_downgrade()
