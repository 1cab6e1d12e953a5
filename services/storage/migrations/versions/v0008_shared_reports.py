"""The reports a team's desktops share for a few seconds (services.storage.shared_reports)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage.migrations.steps import no_downgrade
from services.storage.shared_reports import REPORT_KEY_LENGTH, TABLE

revision = "0008_shared_reports"
down_revision = "0007_running_buckets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("report", sa.String(REPORT_KEY_LENGTH), primary_key=True),
        sa.Column("computed_at", sa.DateTime),
        sa.Column("payload", sa.Text),
        sa.Column("working_until", sa.DateTime),
    )


def downgrade() -> None:
    no_downgrade()
