"""notify: outbox, sends and their frozen audiences, saved audiences, language preferences

Revision ID: notify_0001
Revises: 0001 (depends on people_0002: persons and contacts)

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import evac.db

revision: str = "notify_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("notify",)
depends_on: str | Sequence[str] | None = "people_0002"


def upgrade() -> None:
    op.create_table(
        "notify_send",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column(
            "audience",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "previewed",
                "queued",
                "cancelled",
                name="notify_send_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("queued_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "dropped",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operation.id"], name=op.f("fk_notify_send_operation_id_operation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_send")),
    )
    with op.batch_alter_table("notify_send", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notify_send_operation_id"), ["operation_id"], unique=False
        )

    op.create_table(
        "notify_audience",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "audience",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_notify_audience_operation_id_operation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_audience")),
        sa.UniqueConstraint(
            "operation_id", "name", name=op.f("uq_notify_audience_operation_id_name")
        ),
    )
    op.create_table(
        "notify_language",
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "form",
                "list",
                "officer",
                name="notify_language_source",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("updated_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_notify_language_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_notify_language")),
    )
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("send_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "sms",
                "whatsapp",
                name="notify_channel",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("recipient", sa.LargeBinary(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("values", sa.LargeBinary(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "in_flight",
                "sent",
                "failed",
                name="notify_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("delivery_status", sa.String(length=24), nullable=True),
        sa.Column("queued_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", evac.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operation.id"], name=op.f("fk_notify_outbox_operation_id_operation")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_notify_outbox_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["send_id"], ["notify_send.id"], name=op.f("fk_notify_outbox_send_id_notify_send")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_notify_outbox_idempotency_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notify_outbox_message_id")),
    )
    with op.batch_alter_table("notify_outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notify_outbox_claim", ["status", "channel", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notify_outbox_operation_id"), ["operation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notify_outbox_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notify_outbox_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notify_outbox_send_id"), ["send_id"], unique=False)

    op.create_table(
        "notify_recipient",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("send_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("party_reference", sa.String(length=64), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "sms",
                "whatsapp",
                name="notify_channel",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "call",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_notify_recipient_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_notify_recipient_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["send_id"],
            ["notify_send.id"],
            name=op.f("fk_notify_recipient_send_id_notify_send"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_recipient")),
    )
    with op.batch_alter_table("notify_recipient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notify_recipient_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notify_recipient_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notify_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_recipient_person_id"))
        batch_op.drop_index(batch_op.f("ix_notify_recipient_contact_id"))

    op.drop_table("notify_recipient")
    with op.batch_alter_table("notify_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_outbox_send_id"))
        batch_op.drop_index(batch_op.f("ix_notify_outbox_provider_id"))
        batch_op.drop_index(batch_op.f("ix_notify_outbox_person_id"))
        batch_op.drop_index(batch_op.f("ix_notify_outbox_operation_id"))
        batch_op.drop_index("ix_notify_outbox_claim")

    op.drop_table("notify_outbox")
    op.drop_table("notify_language")
    op.drop_table("notify_audience")
    with op.batch_alter_table("notify_send", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_send_operation_id"))

    op.drop_table("notify_send")
