"""The agents' running duration buckets with their triggers (services.storage.running_buckets), so a period's
per-agent figures read two rows per agent whatever the period's length; and the indexes of the chat list's
common sorts (services.storage.models.chat_list_sort_indexes)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage.migrations.steps import dialect, index, no_downgrade, run
from services.storage.migrations.versions.v0006_definer_rights import definer_rights
from services.storage.running_buckets import (
    POSTGRES_FUNCTIONS,
    TABLE,
    UNDER,
    running_bucket_triggers,
    running_buckets_worked_out,
)

revision = "0007_running_buckets"
down_revision = "0006_definer_rights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("measure", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("chats", sa.Integer, nullable=False),
        sa.Column("total_ms", sa.BigInteger, nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False) for name in UNDER),
        sqlite_with_rowid=False,
    )
    run(running_bucket_triggers(dialect()))
    run(running_buckets_worked_out(dialect()))
    if dialect() == "postgresql":  # as revision 0006 did for the other totals' functions
        for function in POSTGRES_FUNCTIONS:
            op.execute(definer_rights(function))
    index("ix_chats_customer_order", "chats", ["customer_name", "chat_id"])
    index("ix_chats_handling_order", "chats", ["handling_seconds", "chat_id"])


def downgrade() -> None:
    no_downgrade()
