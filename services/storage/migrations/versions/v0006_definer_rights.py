"""PostgreSQL: the functions behind the triggers run with their owner's rights (SECURITY DEFINER), with a fixed
search_path, so that a manager's role that may only set chats.handle_end can end a chat: the triggers then keep
totals the role itself may only read. SQLite has no roles: nothing to do there.

A later revision that replaces one of these functions (CREATE OR REPLACE resets it to the caller's rights) must
apply definer_rights to it again.
"""

from __future__ import annotations

from alembic import op

from services.storage.migrations.steps import dialect, no_downgrade

revision = "0006_definer_rights"
down_revision = "0005_live_floor"
branch_labels = None
depends_on = None

TRIGGER_FUNCTIONS = (
    "agent_day_totals_follow",
    "agent_day_totals_clear",
    "first_response_of_chat",
    "first_response_of_messages",
    "floor_created_follow",
    "floor_handled_follow",
    "floor_totals_clear",
)


def upgrade() -> None:
    if dialect() == "postgresql":
        for name in TRIGGER_FUNCTIONS:
            op.execute(definer_rights(name))


def definer_rights(function: str) -> str:
    """The function's schema is the one the revisions made the tables in (the owner's current schema); temporary
    tables come last, so no session can put its own table in the function's way."""
    return (
        "DO $$ BEGIN EXECUTE 'ALTER FUNCTION ' || quote_ident(current_schema()) || "
        f"'.{function}() SECURITY DEFINER SET search_path = ' || quote_ident(current_schema()) || ', pg_temp'; END $$"
    )


def downgrade() -> None:
    no_downgrade()
