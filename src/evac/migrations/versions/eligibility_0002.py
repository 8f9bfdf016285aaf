"""eligibility: marital status and flags read from registrations; officers' flags

Revision ID: eligibility_0002
Revises: eligibility_0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evac.db

revision: str = "eligibility_0002"
down_revision: str | Sequence[str] | None = "eligibility_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("marital_status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("flags", sa.String(length=200), nullable=True))

    op.create_table(
        "eligibility_flag",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("flag", sa.String(length=40), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("officer", sa.String(length=80), nullable=False),
        sa.Column("at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_eligibility_flag_operation_id_operation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_eligibility_flag_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_flag")),
    )
    with op.batch_alter_table("eligibility_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eligibility_flag_operation_id"), ["operation_id"], unique=False
        )
        batch_op.create_index("ix_eligibility_flag_person", ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("eligibility_flag", schema=None) as batch_op:
        batch_op.drop_index("ix_eligibility_flag_person")
        batch_op.drop_index(batch_op.f("ix_eligibility_flag_operation_id"))
    op.drop_table("eligibility_flag")
    with op.batch_alter_table("eligibility_claim", schema=None) as batch_op:
        batch_op.drop_column("flags")
        batch_op.drop_column("marital_status")
