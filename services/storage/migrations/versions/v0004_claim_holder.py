"""A delivery's claim names the desktop and process that holds it (services.process_claims)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage.migrations.steps import no_downgrade

revision = "0004_claim_holder"
down_revision = "0003_day_totals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("claimed_by", sa.String(100)))


def downgrade() -> None:
    no_downgrade()
