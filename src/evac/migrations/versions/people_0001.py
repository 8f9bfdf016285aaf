"""people: a person's documents and contacts deduplicated, listing the registrations that
brought them; documents keep nationality, issue date and status; identity cards

Until now each registration added its own row, so a passport sent by five lists was five
passports. Existing rows are folded: one row per (person, kind, blind index), the oldest kept
(its empty details filled from the others), every registration that brought one listed.

Revision ID: people_0001
Revises: 0001
"""

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

import evac.db

revision: str = "people_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("people",)
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("passport", "tazkira", "us_passport", "green_card", "visa", "siv_case", "com_approval")
NEW_KINDS = (*OLD_KINDS, "id_card")


class Held(NamedTuple):
    table: str
    key: str  # the blind index column
    links: str  # the link table listing the registrations that brought a row
    column: str  # the link table's column referring to the row
    details: tuple[str, ...] = ()  # filled in from folded duplicates


HELD = (
    Held(
        "document", "number_index", "document_source", "document_id", ("issuing_country", "expiry")
    ),
    Held("contact", "value_index", "contact_source", "contact_id"),
)


def _kinds_check(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def _link_table(name: str, held: str, column: str) -> None:
    op.create_table(
        name,
        sa.Column(column, evac.db.BigId, nullable=False),
        sa.Column("registration_id", evac.db.BigId, nullable=False),
        sa.ForeignKeyConstraint(
            [column], [f"{held}.id"], name=op.f(f"fk_{name}_{column}_{held}"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f(f"fk_{name}_registration_id_registration"),
        ),
        sa.PrimaryKeyConstraint(column, "registration_id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_registration_id"), name, ["registration_id"])


def _scratch(name: str) -> None:
    """A table without foreign keys that holds links while their table is rebuilt: SQLite
    rebuilds a table to alter it, and dropping the old one cascades to rows that refer to it."""
    op.create_table(
        name,
        sa.Column("item_id", evac.db.BigId, nullable=False),
        sa.Column("registration_id", evac.db.BigId, nullable=False),
    )


def _fold(table: str, key: str, details: tuple[str, ...]) -> None:
    """List each row's registration against the oldest row of its (person, kind, key), fill
    that row's empty details from its duplicates, then drop the duplicates."""
    same = f"d.person_id = k.person_id AND d.kind = k.kind AND d.{key} = k.{key}"
    keepers = f"SELECT person_id, kind, {key}, MIN(id) AS keeper FROM {table} GROUP BY 1, 2, 3"
    _scratch(f"{table}_fold")
    op.execute(
        f"INSERT INTO {table}_fold (item_id, registration_id) "
        f"SELECT DISTINCT k.keeper, d.registration_id FROM {table} d JOIN ({keepers}) k "
        f"ON {same} WHERE d.registration_id IS NOT NULL"
    )
    for detail in details:
        op.execute(
            f"UPDATE {table} SET {detail} = (SELECT MAX(d.{detail}) FROM {table} d "
            f"WHERE d.person_id = {table}.person_id AND d.kind = {table}.kind "
            f"AND d.{key} = {table}.{key}) WHERE {detail} IS NULL"
        )
    op.execute(f"DELETE FROM {table} WHERE id NOT IN (SELECT keeper FROM ({keepers}) AS keepers)")


def upgrade() -> None:
    for held in HELD:
        _fold(held.table, held.key, held.details)
        with op.batch_alter_table(held.table, schema=None) as batch_op:
            batch_op.drop_constraint(
                op.f(f"fk_{held.table}_registration_id_registration"), "foreignkey"
            )
            batch_op.drop_column("registration_id")
            batch_op.create_unique_constraint(
                op.f(f"uq_{held.table}_person_id_kind_{held.key}"), ["person_id", "kind", held.key]
            )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nationality", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("issued_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=40), nullable=True))
        batch_op.drop_constraint(op.f("ck_document_document_kind"), "check")
        batch_op.create_check_constraint(op.f("ck_document_document_kind"), _kinds_check(NEW_KINDS))
    for held in HELD:  # every rebuild done: the links can refer to rows now
        _link_table(held.links, held.table, held.column)
        op.execute(
            f"INSERT INTO {held.links} ({held.column}, registration_id) "
            f"SELECT item_id, registration_id FROM {held.table}_fold"
        )
        op.drop_table(f"{held.table}_fold")


def downgrade() -> None:
    """Back to one row per registration: a row brought by several registrations is copied
    for each; identity cards cannot be kept (the old check refuses them) and are dropped."""
    for held in HELD:  # out of the way before the tables are rebuilt
        _scratch(f"{held.table}_fold")
        op.execute(
            f"INSERT INTO {held.table}_fold (item_id, registration_id) "
            f"SELECT {held.column}, registration_id FROM {held.links}"
        )
        op.drop_index(op.f(f"ix_{held.links}_registration_id"), table_name=held.links)
        op.drop_table(held.links)
    op.execute("DELETE FROM document WHERE kind = 'id_card'")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_document_document_kind"), "check")
        batch_op.create_check_constraint(op.f("ck_document_document_kind"), _kinds_check(OLD_KINDS))
        batch_op.drop_column("status")
        batch_op.drop_column("issued_on")
        batch_op.drop_column("nationality")
    for held in HELD:
        table = held.table
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"uq_{table}_person_id_kind_{held.key}"), "unique")
            batch_op.add_column(sa.Column("registration_id", evac.db.BigId, nullable=True))
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_registration_id_registration"),
                "registration",
                ["registration_id"],
                ["id"],
            )
        _unfold(table)


def _unfold(table: str) -> None:
    """Each row again once per registration that brought it, from the scratch links."""
    links = f"{table}_fold"
    columns = [c for c in _columns(table) if c not in ("id", "registration_id")]
    op.execute(
        f"INSERT INTO {table} ({', '.join(columns)}, registration_id) "
        f"SELECT {', '.join(f'h.{c}' for c in columns)}, l.registration_id "
        f"FROM {table} h JOIN {links} l ON l.item_id = h.id "
        f"WHERE l.registration_id <> (SELECT MIN(registration_id) FROM {links} m "
        f"WHERE m.item_id = h.id)"
    )
    op.execute(
        f"UPDATE {table} SET registration_id = (SELECT MIN(registration_id) FROM {links} "
        f"WHERE {links}.item_id = {table}.id) WHERE registration_id IS NULL"
    )
    op.drop_table(links)


def _columns(table: str) -> list[str]:
    return [column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)]
