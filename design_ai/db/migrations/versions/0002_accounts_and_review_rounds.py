"""accounts and review rounds

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 08:30:38.540062
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_name"), ["name"], unique=True)

    op.create_table(
        "reviewround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("look_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("engine", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("waiting_run_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("waiting_api_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["look_id"],
            ["look.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("look_id", "number", name="uq_round_look_number"),
    )
    with op.batch_alter_table("reviewround", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewround_look_id"), ["look_id"], unique=False)
        batch_op.create_index(
            "uq_round_one_open_per_look",
            ["look_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "reviewdecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("look_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=4096), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
        ),
        sa.ForeignKeyConstraint(
            ["look_id"],
            ["look.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reviewround.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id"),
    )
    with op.batch_alter_table("reviewdecision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewdecision_look_id"), ["look_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reviewdecision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewdecision_look_id"))

    op.drop_table("reviewdecision")
    with op.batch_alter_table("reviewround", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_round_one_open_per_look",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_reviewround_look_id"))

    op.drop_table("reviewround")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_name"))

    op.drop_table("account")
