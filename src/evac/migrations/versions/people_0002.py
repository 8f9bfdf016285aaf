"""people: a group's reference from a source is a keyed digest of its case or family number

Until now `travel_group.reference` held `source:number` as written, and an SIV list's number
is its case number. Each such reference becomes `group_reference`'s digest under its
operation's key (a number cut at the old 40 characters digests as cut); a shredded
operation's are cleared. References given by hand (no `:`) stay.
Needs the master key when there are references to convert. The downgrade keeps the digests:
the numbers cannot be recovered from them.

Revision ID: people_0002
Revises: people_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from evac.migrations.ciphers import operation_ciphers
from evac.people.service import group_reference

revision: str = "people_0002"
down_revision: str | Sequence[str] | None = "people_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITTEN = sa.text("SELECT id, operation_id, reference FROM travel_group WHERE reference LIKE '%:%'")
SET_REFERENCE = sa.text("UPDATE travel_group SET reference = :reference WHERE id = :id")


def upgrade() -> None:
    connection = op.get_bind()
    written = connection.execute(WRITTEN).all()
    if not written:
        return
    cipher_of = operation_ciphers(connection)
    digests = []
    for group_id, operation_id, reference in written:
        source, _, number = reference.partition(":")
        cipher = cipher_of(operation_id)
        digest = cipher and group_reference(cipher, source=source, household_ref=number)
        digests.append({"id": group_id, "reference": digest})
    connection.execute(SET_REFERENCE, digests)


def downgrade() -> None:
    """Nothing to undo: a digest cannot be turned back into the number it hides, and the code
    before this revision reads a reference as an opaque key, so the digests stay."""
