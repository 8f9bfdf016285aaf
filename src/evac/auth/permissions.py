"""Who may do what: roles, the permissions each holds, and the acting user.

Every service function that reads personal data or changes anything takes an `Actor` and
calls `actor.require(...)`: the rules hold for the CLI, the API and the pages alike.
"""

import getpass
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    administrator = "administrator"
    officer = "officer"  # task-force or consular staff
    partner = "partner"  # an NGO or office: its own registrations only
    gate_agent = "gate_agent"  # check-in and stations: only what a gate needs
    planner = "planner"  # aggregates and plans: no contacts or documents
    auditor = "auditor"  # the audit log
    supervisor = "supervisor"  # a gate's officer: check-in, and the conflicts the gates raise


class Permission(StrEnum):
    personal_read = "personal:read"  # names, documents, contacts of anyone in the operation
    export_personal = "export:personal"
    registrations_write = "registrations:write"
    registrations_read_own = "registrations:read_own"  # a partner's own submissions
    linkage_review = "linkage:review"
    eligibility_decide = "eligibility:decide"
    plan_write = "plan:write"
    aggregates_read = "aggregates:read"  # counts, no personal data
    gate_checkin = "gate:checkin"
    gate_supervise = "gate:supervise"  # the gates' conflicts: read them, settle them
    audit_read = "audit:read"
    users_manage = "users:manage"
    operation_manage = "operation:manage"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.administrator: frozenset(Permission),
    Role.officer: frozenset(
        {
            P.personal_read,
            P.export_personal,
            P.registrations_write,
            P.linkage_review,
            P.eligibility_decide,
            P.aggregates_read,
            P.plan_write,
            P.gate_supervise,
        }
    ),
    Role.partner: frozenset({P.registrations_write, P.registrations_read_own}),
    Role.gate_agent: frozenset({P.gate_checkin}),
    Role.supervisor: frozenset({P.gate_checkin, P.gate_supervise}),
    Role.planner: frozenset({P.aggregates_read, P.plan_write}),
    Role.auditor: frozenset({P.audit_read, P.aggregates_read}),
}


class Forbidden(PermissionError):
    """The actor's role does not allow this."""


@dataclass(frozen=True)
class Actor:
    """The user (or machine) on whose behalf something is done."""

    username: str
    role: Role
    user_id: int | None = None
    partner_source: str | None = None  # the source name a partner's registrations carry

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(
                f"{self.username} ({self.role.value}) may not {permission.value}; "
                "ask an administrator for a role that allows it"
            )

    def may_see_source(self, source: str) -> bool:
        """Partners see only what they submitted; staff who read personal data see all."""
        if self.can(Permission.personal_read):
            return True
        return self.role == Role.partner and source == self.partner_source


def cli_actor() -> Actor:
    """Whoever runs the `evac` command on the server: it holds the master key anyway."""
    return Actor(username=f"cli:{getpass.getuser()}", role=Role.administrator)
