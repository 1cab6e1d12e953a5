"""The live floor: each chat's wait (generated) and first response (kept by triggers on messages and chats), the
totals behind the floor's figures with their triggers, and the indexes of the queue, the medians and the chat list.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage.first_response import first_response_triggers, first_responses_worked_out
from services.storage.floor_totals import floor_total_triggers, floor_totals_worked_out
from services.storage.migrations.steps import (
    ENDED,
    WAITING,
    add_generated_seconds,
    dialect,
    drop_indexes,
    index,
    no_downgrade,
    run,
)

revision = "0005_live_floor"
down_revision = "0004_claim_holder"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_generated_seconds("wait_seconds", "created", "handle_start")
    op.add_column("chats", sa.Column("first_response_seconds", sa.Float))
    # Before the indexes holding the first responses exist: a million rows written once, not re-indexed.
    run(first_response_triggers(dialect()))
    op.execute(first_responses_worked_out(dialect()))
    _create_totals_tables()
    index("ix_chats_created_figures", "chats", ["created", "chat_id", "wait_seconds", "first_response_seconds"])
    index(
        "ix_chats_agent_created_figures",
        "chats",
        ["user_id", "created", "chat_id", "wait_seconds", "first_response_seconds"],
    )
    index("ix_chats_agent_wait", "chats", ["user_id", "wait_seconds", "created"])
    index("ix_chats_agent_first_response", "chats", ["user_id", "first_response_seconds", "created"])
    index("ix_chats_wait", "chats", ["wait_seconds", "created"])
    index("ix_chats_first_response", "chats", ["first_response_seconds", "created"])
    index("ix_chats_handling", "chats", ["handling_seconds", "handle_end"], where=ENDED)
    index("ix_chats_agent_ended", "chats", ["user_id", "handle_end", "handling_seconds"], where=ENDED)
    index("ix_chats_waiting", "chats", ["created", "chat_id"], where=WAITING)
    drop_indexes("ix_chats_created", "ix_chats_agent_created")
    run(floor_total_triggers(dialect()))
    run(floor_totals_worked_out(dialect()))


def _create_totals_tables() -> None:
    def counts() -> list[sa.Column[int]]:
        return [sa.Column("chats", sa.Integer, nullable=False), sa.Column("total_ms", sa.BigInteger, nullable=False)]

    op.create_table(
        "agent_day_figures",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("measure", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        *counts(),
        sqlite_with_rowid=False,
    )
    index("ix_agent_day_figures_day", "agent_day_figures", ["day", "measure", "user_id", "chats", "total_ms"])
    op.create_table(
        "agent_value_buckets",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("measure", sa.Integer, primary_key=True),
        sa.Column("bucket", sa.Integer, primary_key=True),
        *counts(),
        sa.Column("below", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "day_value_buckets",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("measure", sa.Integer, primary_key=True),
        sa.Column("bucket", sa.Integer, primary_key=True),
        *counts(),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "slot_counts",
        sa.Column("measure", sa.Integer, primary_key=True),
        sa.Column("slot", sa.BigInteger, primary_key=True),
        sa.Column("chats", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    no_downgrade()
