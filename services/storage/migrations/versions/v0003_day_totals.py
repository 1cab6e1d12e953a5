"""Per-agent day totals of handled chats kept by triggers; the indexes for medians by seeks replace two older ones."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage.day_totals import day_total_triggers, rebuild_day_totals
from services.storage.migrations.steps import ENDED, IN_PROGRESS, dialect, drop_indexes, index, no_downgrade, run

revision = "0003_day_totals"
down_revision = "0002_outbox_and_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_day_totals",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("chats_handled", sa.Integer, nullable=False),
        sa.Column("handling_ms", sa.BigInteger, nullable=False),
        sqlite_with_rowid=False,
    )
    index("ix_agent_day_totals_day", "agent_day_totals", ["day", "user_id", "chats_handled", "handling_ms"])
    run(day_total_triggers(dialect()))
    run(rebuild_day_totals())
    index("ix_chats_agent_handling_end", "chats", ["user_id", "handling_seconds", "handle_end"])
    index("ix_chats_ended", "chats", ["handle_end", "user_id", "handling_seconds"], where=ENDED)
    index("ix_chats_in_progress", "chats", ["user_id"], where=IN_PROGRESS)
    drop_indexes("ix_chats_agent_handling", "ix_chats_handle_end")


def downgrade() -> None:
    no_downgrade()
