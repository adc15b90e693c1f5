"""estimates and tech packs, released rows immutable

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:21:30.545434
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# A released tech pack can never change: the database itself refuses it, whatever code runs.
_SQLITE = [
    """CREATE TRIGGER techpack_released_no_update BEFORE UPDATE ON techpack
       FOR EACH ROW WHEN OLD.status = 'released'
       BEGIN SELECT RAISE(ABORT, 'released tech pack revisions are immutable'); END""",
    """CREATE TRIGGER techpack_released_no_delete BEFORE DELETE ON techpack
       FOR EACH ROW WHEN OLD.status = 'released'
       BEGIN SELECT RAISE(ABORT, 'released tech pack revisions are immutable'); END""",
]
_POSTGRES = [
    """CREATE FUNCTION techpack_released_immutable() RETURNS trigger AS $$
       BEGIN
         IF OLD.status = 'released' THEN
           RAISE EXCEPTION 'released tech pack revisions are immutable';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER techpack_released_immutable BEFORE UPDATE OR DELETE ON techpack
       FOR EACH ROW EXECUTE FUNCTION techpack_released_immutable()""",
]


def _create_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE if dialect == "sqlite" else _POSTGRES if dialect == "postgresql" else []:
        op.execute(statement)


def _drop_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS techpack_released_no_update")
        op.execute("DROP TRIGGER IF EXISTS techpack_released_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS techpack_released_immutable ON techpack")
        op.execute("DROP FUNCTION IF EXISTS techpack_released_immutable()")


def upgrade() -> None:
    op.create_table(
        "estimate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pattern_id", sa.Integer(), nullable=False),
        sa.Column("look_id", sa.Integer(), nullable=False),
        sa.Column("material", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("baseline", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("params_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kg_co2e_per_garment", sa.Float(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["look_id"],
            ["look.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pattern_id"],
            ["patternset.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pattern_id", "params_hash", name="uq_estimate_pattern_params"),
    )
    with op.batch_alter_table("estimate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_estimate_look_id"), ["look_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_estimate_pattern_id"), ["pattern_id"], unique=False)

    op.create_table(
        "techpack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("look_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("pattern_id", sa.Integer(), nullable=False),
        sa.Column("estimate_id", sa.Integer(), nullable=False),
        sa.Column("revision", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.JSON(), nullable=False),
        sa.Column("released_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
        ),
        sa.ForeignKeyConstraint(
            ["estimate_id"],
            ["estimate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["look_id"],
            ["look.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pattern_id"],
            ["patternset.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("look_id", "revision", name="uq_techpack_look_revision"),
    )
    with op.batch_alter_table("techpack", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_techpack_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_techpack_look_id"), ["look_id"], unique=False)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("techpack", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_techpack_look_id"))
        batch_op.drop_index(batch_op.f("ix_techpack_content_hash"))

    op.drop_table("techpack")
    with op.batch_alter_table("estimate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_estimate_pattern_id"))
        batch_op.drop_index(batch_op.f("ix_estimate_look_id"))

    op.drop_table("estimate")
