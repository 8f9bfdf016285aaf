"""Audit lanes: an entry names its lane, and there is a head row for each of LANES lanes.

With one head row every writer queued on its lock; see evac.vault.audit.

Revision ID: audit_0001
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "audit_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("audit",)
depends_on: str | Sequence[str] | None = "vault_0001"

LANES = 16  # evac.vault.audit.LANES when this revision was written
GENESIS = "0" * 64


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("lane", sa.SmallInteger(), server_default="1", nullable=False))
    heads = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("last_hash", sa.String))
    present = {row.id for row in op.get_bind().execute(sa.select(heads.c.id))}
    missing = [{"id": lane, "last_hash": GENESIS} for lane in range(1, LANES + 1)]
    if rows := [row for row in missing if row["id"] not in present]:
        op.bulk_insert(heads, rows)


def downgrade() -> None:
    op.execute("DELETE FROM audit_head WHERE id > 1")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("lane")
