"""intake: a source's mapping profile sealed with its operation's key

A profile's headers were JSON in clear, and a file without a header row made its first
person's name, birth date and phone into headers. Each profile is sealed under its operation's
key; a shredded operation's are deleted. Needs the master key when there are profiles. The
downgrade opens them again (the master key too).

Revision ID: intake_0004
Revises: intake_0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import evac.db
from evac.intake.service import open_profile, seal_profile
from evac.migrations.ciphers import operation_ciphers

revision: str = "intake_0004"
down_revision: str | Sequence[str] | None = "intake_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROFILE = sa.table(
    "intake_mapping_profile",
    sa.column("id", sa.Integer),
    sa.column("operation_id", sa.Integer),
    sa.column("mapping", evac.db.JSONData),
    sa.column("mapping_sealed", sa.LargeBinary),
)


def _rewrite(read: str, write: str, change) -> None:
    """Each profile's `read` column changed into its `write` column; a shredded operation's
    profiles deleted (nothing can open or seal them)."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(PROFILE.c.id, PROFILE.c.operation_id, PROFILE.c[read]))
    rows = rows.all()
    if not rows:
        return
    cipher_of = operation_ciphers(connection)
    for profile_id, operation_id, value in rows:
        cipher = cipher_of(operation_id)
        where = PROFILE.c.id == profile_id
        if cipher is None:
            connection.execute(PROFILE.delete().where(where))
        else:
            connection.execute(PROFILE.update().where(where).values({write: change(cipher, value)}))


def upgrade() -> None:
    with op.batch_alter_table("intake_mapping_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mapping_sealed", sa.LargeBinary(), nullable=True))
    _rewrite("mapping", "mapping_sealed", seal_profile)
    with op.batch_alter_table("intake_mapping_profile", schema=None) as batch_op:
        batch_op.alter_column("mapping_sealed", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("mapping")


def downgrade() -> None:
    with op.batch_alter_table("intake_mapping_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mapping", evac.db.JSONData, nullable=True))
    _rewrite("mapping_sealed", "mapping", open_profile)
    with op.batch_alter_table("intake_mapping_profile", schema=None) as batch_op:
        batch_op.alter_column("mapping", existing_type=evac.db.JSONData, nullable=False)
        batch_op.drop_column("mapping_sealed")
