"""vault: the supervisor role (a gate's officer) allowed in app_user.role

The role column is a checked VARCHAR: its CHECK constraint lists the roles, so a new role
needs the constraint widened before a supervisor can be created.

Revision ID: vault_0003
Revises: vault_0002
Create Date: 2026-12-06 23:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "vault_0003"
down_revision: str | Sequence[str] | None = "vault_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "ck_app_user_user_role"
ROLES_BEFORE = ("administrator", "officer", "partner", "gate_agent", "planner", "auditor")
ROLES_AFTER = (*ROLES_BEFORE, "supervisor")


def _listed(roles: tuple[str, ...]) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def _allow(roles: tuple[str, ...], instead_of: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(CONSTRAINT), "app_user", type_="check")
        op.create_check_constraint(op.f(CONSTRAINT), "app_user", _listed(roles))
        return
    # SQLite alters a CHECK only by copying the table, and dropping the old copy with foreign
    # keys on (evac's connections) deletes every API token and login session with it. Its
    # documented way for a change that leaves the stored rows valid is to edit the schema text.
    version = op.get_bind().exec_driver_sql("PRAGMA schema_version").scalar()
    op.execute("PRAGMA writable_schema=ON")
    op.execute(
        f'UPDATE sqlite_master SET sql = replace(sql, "{_listed(instead_of)}", '
        f"\"{_listed(roles)}\") WHERE type = 'table' AND name = 'app_user'"
    )
    op.execute(f"PRAGMA schema_version={version + 1}")
    op.execute("PRAGMA writable_schema=OFF")


def upgrade() -> None:
    _allow(ROLES_AFTER, instead_of=ROLES_BEFORE)


def downgrade() -> None:
    _allow(ROLES_BEFORE, instead_of=ROLES_AFTER)
