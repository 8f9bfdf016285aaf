"""planning: saved plan versions and each party's call-forward, sortie or reason left behind

Revision ID: planning_0001
Revises: 0001
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evac.db

revision: str = "planning_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("planning",)
depends_on: str | Sequence[str] | None = ("operation_0001",)  # plan.operation_id


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("starts_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("bound", sa.Float(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_plan_operation_id_operation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("operation_id", "version", name=op.f("uq_plan_operation_id_version")),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_operation_id"), ["operation_id"], unique=False)
    op.create_table(
        "plan_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("party_reference", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("gate", sa.String(length=80), nullable=True),
        sa.Column("window_start", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("window_end", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sortie", sa.String(length=24), nullable=True),
        sa.Column("departs_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("hub", sa.String(length=80), nullable=True),
        sa.Column("left_behind", sa.String(length=16), nullable=True),
        sa.Column("called_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_party_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_party")),
        sa.UniqueConstraint(
            "plan_id", "party_reference", name=op.f("uq_plan_party_plan_id_party_reference")
        ),
    )
    with op.batch_alter_table("plan_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_party_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_party_window_start"), ["window_start"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_party_window_start"))
        batch_op.drop_index(batch_op.f("ix_plan_party_plan_id"))
    op.drop_table("plan_party")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_operation_id"))
    op.drop_table("plan")
