"""briefs, looks and drafts

Revision ID: 0001
Revises:
Create Date: 2026-11-26 08:14:08.073923
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brief",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("collection", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("season", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("source_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("brief", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brief_content_hash"), ["content_hash"], unique=True)

    op.create_table(
        "look",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("garment", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("prompt", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("negative_prompt", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("material", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("control_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("drafts_requested", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("sketch_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("control_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("control_detector", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["brief.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("brief_id", "position", name="uq_look_brief_position"),
    )
    with op.batch_alter_table("look", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_look_brief_id"), ["brief_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_look_status"), ["status"], unique=False)

    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("look_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("engine", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("model_ids", sa.JSON(), nullable=False),
        sa.Column("prompt", sqlmodel.sql.sqltypes.AutoString(length=2200), nullable=False),
        sa.Column("negative_prompt", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("guidance", sa.Float(), nullable=False),
        sa.Column("controlnet_scale", sa.Float(), nullable=False),
        sa.Column("scheduler", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("control_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("control_detector", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("control_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("colorway_name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("colorway_hex", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
        sa.Column("image_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("params_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["look_id"],
            ["look.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("look_id", "round", "params_hash", name="uq_draft_look_round_params"),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_look_id"), ["look_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_look_id"))

    op.drop_table("draft")
    with op.batch_alter_table("look", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_look_status"))
        batch_op.drop_index(batch_op.f("ix_look_brief_id"))

    op.drop_table("look")
    with op.batch_alter_table("brief", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_brief_content_hash"))

    op.drop_table("brief")
