"""intake: a self-registration's submission key; the household of a rejected row

Revision ID: intake_0002
Revises: intake_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0002"
down_revision: str | Sequence[str] | None = "intake_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intake_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_intake_batch_submission_key"), ["submission_key"], unique=False
        )
    with op.batch_alter_table("intake_rejected_row", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intake_rejected_row", schema=None) as batch_op:
        batch_op.drop_column("household")
    with op.batch_alter_table("intake_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_batch_submission_key"))
        batch_op.drop_column("submission_key")
