"""indexes for the review queue and file lookups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:09:51.575356
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_image_key"), ["image_key"], unique=False)

    with op.batch_alter_table("look", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_look_control_key"), ["control_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_look_sketch_key"), ["sketch_key"], unique=False)

    with op.batch_alter_table("reviewround", schema=None) as batch_op:
        batch_op.create_index("ix_reviewround_status_opened", ["status", "opened_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reviewround", schema=None) as batch_op:
        batch_op.drop_index("ix_reviewround_status_opened")

    with op.batch_alter_table("look", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_look_sketch_key"))
        batch_op.drop_index(batch_op.f("ix_look_control_key"))

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_image_key"))
