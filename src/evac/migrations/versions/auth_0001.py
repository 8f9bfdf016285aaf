"""auth: API tokens expire

Revision ID: auth_0001
Revises: vault_0001
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import evac.db

revision: str = "auth_0001"
down_revision: str | Sequence[str] | None = "vault_0001"  # where api_token was created
branch_labels: str | Sequence[str] | None = ("auth",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", evac.db.UTCDateTime(), nullable=True))
    # Tokens issued before expiry existed get a full term (the default 90 days) from today, not
    # a sudden lock-out of every partner's system at once.
    api_token = sa.table("api_token", sa.column("expires_at", evac.db.UTCDateTime()))
    op.execute(api_token.update().values(expires_at=evac.db.utcnow() + timedelta(days=90)))
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=evac.db.UTCDateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
