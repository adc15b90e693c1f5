"""draft fidelity figures and confirmed drift on decisions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: drafts made before the guard have no figures (and are not flagged).
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fidelity", sa.JSON(), nullable=True))

    with op.batch_alter_table("reviewdecision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drift_confirmed", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviewdecision", schema=None) as batch_op:
        batch_op.drop_column("drift_confirmed")

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("fidelity")
