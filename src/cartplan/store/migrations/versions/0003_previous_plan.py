"""A plan may follow an earlier plan: re-treatment with the stored product lot of that plan.

Revision ID: 0003_previous_plan
Revises: 0002_agenda_index
Create Date: 2026-11-26

Adds the nullable column `plans.previous_plan` (the earlier plan's id). Plans made before it
have none. Forward-only, like every cartplan migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_previous_plan"
down_revision = "0002_agenda_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plans", sa.Column("previous_plan", sa.String(64), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("cartplan's plan store migrations are forward-only")
