"""gate: check-ins, evacuees (wristband numbers), ECC station events, conflicts, overrides

Revision ID: gate_0001
Revises: 0001 (operation and person, the tables it references, are 0001's)

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import evac.db

revision: str = "gate_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("gate",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gate_checkin",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("party_reference", sa.String(length=40), nullable=False),
        sa.Column("pass_id", sa.String(length=20), nullable=True),
        sa.Column("gate", sa.String(length=80), nullable=False),
        sa.Column("station", sa.String(length=80), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("members_confirmed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operation.id"], name=op.f("fk_gate_checkin_operation_id_operation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_checkin")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_gate_checkin_idempotency_key")),
    )
    with op.batch_alter_table("gate_checkin", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_checkin_operation_id"),
            ["operation_id", "party_reference"],
            unique=False,
        )

    op.create_table(
        "gate_conflict",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "other_content",
                "party_again",
                name="gate_conflict_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "checkin_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("party_reference", sa.String(length=40), nullable=False),
        sa.Column("gate", sa.String(length=80), nullable=False),
        sa.Column("station", sa.String(length=80), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["gate_checkin.id"],
            name=op.f("fk_gate_conflict_checkin_id_gate_checkin"),
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operation.id"], name=op.f("fk_gate_conflict_operation_id_operation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_conflict")),
        sa.UniqueConstraint(
            "idempotency_key",
            "content_digest",
            name=op.f("uq_gate_conflict_idempotency_key_content_digest"),
        ),
    )
    with op.batch_alter_table("gate_conflict", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_conflict_operation_id"), ["operation_id"], unique=False
        )

    op.create_table(
        "gate_evacuee",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column(
            "checkin_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["gate_checkin.id"],
            name=op.f("fk_gate_evacuee_checkin_id_gate_checkin"),
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operation.id"], name=op.f("fk_gate_evacuee_operation_id_operation")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_gate_evacuee_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_evacuee")),
        sa.UniqueConstraint(
            "operation_id", "person_id", name=op.f("uq_gate_evacuee_operation_id_person_id")
        ),
    )
    with op.batch_alter_table("gate_evacuee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_evacuee_checkin_id"), ["checkin_id"], unique=False
        )

    op.create_table(
        "gate_station_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "step",
            sa.Enum(
                "reception",
                "id_check",
                "screening",
                "medical",
                "manifest",
                name="gate_step",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "passed",
                "sent_back",
                "refused",
                name="gate_outcome",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("station", sa.String(length=80), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_gate_station_event_operation_id_operation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_gate_station_event_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_station_event")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_gate_station_event_idempotency_key")),
    )
    with op.batch_alter_table("gate_station_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_station_event_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "gate_override",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "conflict_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "decision",
            sa.Enum(
                "keep_first",
                "take_second",
                name="gate_decision",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", evac.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conflict_id"],
            ["gate_conflict.id"],
            name=op.f("fk_gate_override_conflict_id_gate_conflict"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_override")),
        sa.UniqueConstraint("conflict_id", name=op.f("uq_gate_override_conflict_id")),
    )


def downgrade() -> None:
    op.drop_table("gate_override")
    with op.batch_alter_table("gate_station_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_station_event_person_id"))

    op.drop_table("gate_station_event")
    with op.batch_alter_table("gate_evacuee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_evacuee_checkin_id"))

    op.drop_table("gate_evacuee")
    with op.batch_alter_table("gate_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_conflict_operation_id"))

    op.drop_table("gate_conflict")
    with op.batch_alter_table("gate_checkin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_checkin_operation_id"))

    op.drop_table("gate_checkin")
