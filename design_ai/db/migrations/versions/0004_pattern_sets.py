"""pattern sets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:17:24.038182
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patternset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("look_id", sa.Integer(), nullable=False),
        sa.Column("garment", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("base_size", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("params_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("measurements", sa.JSON(), nullable=False),
        sa.Column("pieces", sa.JSON(), nullable=False),
        sa.Column("marker", sa.JSON(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
        ),
        sa.ForeignKeyConstraint(
            ["look_id"],
            ["look.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("draft_id", "params_hash", name="uq_patternset_draft_params"),
    )
    with op.batch_alter_table("patternset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patternset_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patternset_look_id"), ["look_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("patternset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patternset_look_id"))
        batch_op.drop_index(batch_op.f("ix_patternset_draft_id"))

    op.drop_table("patternset")
