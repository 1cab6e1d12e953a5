"""The brief's three tables, as the brief made them: users, chats and messages.

A database whose tables another program made is recorded at this revision without being changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage.migrations.steps import no_downgrade

revision = "0001_brief_tables"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        if_not_exists=True,
    )
    op.create_table(
        "chats",
        sa.Column("chat_id", sa.Integer, primary_key=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.user_id")),
        sa.Column("handle_start", sa.DateTime),
        sa.Column("handle_end", sa.DateTime),
        if_not_exists=True,
    )
    op.create_table(
        "messages",
        sa.Column("message_id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.Integer, sa.ForeignKey("chats.chat_id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.user_id")),
        sa.Column("sent_at", sa.DateTime, nullable=False),
        if_not_exists=True,
    )


def downgrade() -> None:
    no_downgrade()
