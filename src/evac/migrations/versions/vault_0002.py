"""vault: pass-signing keys (sealed under the operation's data key) and the passes they signed

The issued passes live beside the keys that signed them: the revocation list a key signs is
drawn from them, and they hold no names (the party's reference and the pass text only).

Revision ID: vault_0002
Revises: vault_0001
Create Date: 2026-12-06 20:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evac.db

revision: str = "vault_0002"
down_revision: str | Sequence[str] | None = "vault_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operation_signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_document_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_operation_signing_key_operation_id_operation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operation_signing_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_operation_signing_key_key_id")),
    )
    op.create_index(
        op.f("ix_operation_signing_key_operation_id"), "operation_signing_key", ["operation_id"]
    )
    op.create_table(
        "travel_pass",
        sa.Column("pass_id", sa.String(length=20), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("party_reference", sa.String(length=40), nullable=False),
        sa.Column("gate", sa.String(length=80), nullable=False),
        sa.Column("window_start", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("head_count", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("issued_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_travel_pass_operation_id_operation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pass_id", name=op.f("pk_travel_pass")),
    )
    op.create_index(
        op.f("ix_travel_pass_operation_id"),
        "travel_pass",
        ["operation_id", "party_reference", "window_start"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_travel_pass_operation_id"), table_name="travel_pass")
    op.drop_table("travel_pass")
    op.drop_index(op.f("ix_operation_signing_key_operation_id"), table_name="operation_signing_key")
    op.drop_table("operation_signing_key")
