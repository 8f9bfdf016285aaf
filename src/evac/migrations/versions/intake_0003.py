"""intake: a rejected row's whole reason sealed (it may quote the refused cell)

Revision ID: intake_0003
Revises: intake_0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0003"
down_revision: str | Sequence[str] | None = "intake_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intake_rejected_row", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_sealed", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intake_rejected_row", schema=None) as batch_op:
        batch_op.drop_column("reason_sealed")
