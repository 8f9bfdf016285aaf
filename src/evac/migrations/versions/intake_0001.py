"""intake: mapping profiles, import batches, rejected rows

Revision ID: intake_0001
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import evac.db

revision: str = "intake_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("intake",)
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "intake_mapping_profile",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column(
            "mapping",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_intake_mapping_profile_operation_id_operation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_mapping_profile")),
        sa.UniqueConstraint(
            "operation_id", "source", name=op.f("uq_intake_mapping_profile_operation_id_source")
        ),
    )
    op.create_table(
        "intake_batch",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("file", sa.String(length=255), nullable=True),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("started_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operation.id"], name=op.f("fk_intake_batch_operation_id_operation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_batch")),
        sa.UniqueConstraint("reference", name=op.f("uq_intake_batch_reference")),
    )
    with op.batch_alter_table("intake_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_batch_operation_id"), ["operation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intake_batch_source"), ["source"], unique=False)
    op.create_table(
        "intake_rejected_row",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("batch_id", BIG_ID, nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("locator", sa.String(length=120), nullable=False),
        sa.Column("column", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw_payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["intake_batch.id"],
            name=op.f("fk_intake_rejected_row_batch_id_intake_batch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_rejected_row")),
    )
    with op.batch_alter_table("intake_rejected_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_rejected_row_batch_id"), ["batch_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("intake_rejected_row")
    op.drop_table("intake_batch")
    op.drop_table("intake_mapping_profile")
