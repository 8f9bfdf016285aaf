"""reports: search_key, the blind index of registrations' name keys

Empty after the upgrade: `evac search reindex` fills it for registrations linked before it
existed (linkage keeps it current from then on).

Revision ID: reports_0001
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reports_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("reports",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_key",
        sa.Column(
            "registration_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_search_key_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", "digest", name=op.f("pk_search_key")),
    )
    op.create_index("ix_search_key_digest", "search_key", ["digest", "registration_id"])


def downgrade() -> None:
    op.drop_index("ix_search_key_digest", table_name="search_key")
    op.drop_table("search_key")
