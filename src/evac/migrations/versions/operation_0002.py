"""operation: what the plan needs as data: gates' crowd caps, opening hours and closures, the
runway's departure slots, each sortie's hub, status and actual load

Revision ID: operation_0002
Revises: operation_0001
Create Date: 2026-12-06 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evac.db

revision: str = "operation_0002"
down_revision: str | Sequence[str] | None = "operation_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SORTIE_STATUS = sa.Enum(
    "planned", "cancelled", "departed", name="sortiestatus", native_enum=False, length=16
)


def upgrade() -> None:
    with op.batch_alter_table("operation_site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crowd_cap", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("opens_hour", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closes_hour", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("departures_per_hour", sa.Integer(), nullable=True))
    op.create_table(
        "gate_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["operation_site.id"],
            name=op.f("fk_gate_closure_site_id_operation_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_closure")),
    )
    with op.batch_alter_table("gate_closure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_closure_site_id"), ["site_id"], unique=False)
    with op.batch_alter_table("sortie", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hub_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status", SORTIE_STATUS, nullable=False, server_default="planned")
        )
        batch_op.add_column(sa.Column("actual_load", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_sortie_hub_id_hub"), "hub", ["hub_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("sortie", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sortie_hub_id_hub"), type_="foreignkey")
        batch_op.drop_column("actual_load")
        batch_op.drop_column("status")
        batch_op.drop_column("hub_id")
    with op.batch_alter_table("gate_closure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_closure_site_id"))
    op.drop_table("gate_closure")
    with op.batch_alter_table("operation_site", schema=None) as batch_op:
        batch_op.drop_column("departures_per_hour")
        batch_op.drop_column("closes_hour")
        batch_op.drop_column("opens_hour")
        batch_op.drop_column("crowd_cap")
