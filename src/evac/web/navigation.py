"""The staff workspace's sections: which role may use which page, for the header and the
page each role lands on after sign-in. A link to a page that would answer 403 is a dead end
for an officer in a hurry, so a role sees only the sections its permissions open."""

from dataclasses import dataclass

from evac.auth.permissions import Actor, Permission

P = Permission


@dataclass(frozen=True)
class Section:
    path: str
    label: str  # English; translated where shown
    any_of: tuple[Permission, ...]  # the page needs one of these

    def open_to(self, actor: Actor) -> bool:
        return any(actor.can(permission) for permission in self.any_of)


# In the order of a working day, and of landing: the first section a role may use is its home.
SECTIONS = (
    # partners search their own referrals, planners names (evac.reports.service.may_search)
    Section("/search", "Search", (P.personal_read, P.registrations_read_own, P.plan_write)),
    Section("/linkage/review", "Review", (P.linkage_review,)),
    Section("/intake/upload", "Upload", (P.registrations_write,)),
    Section("/imports", "Imports", (P.personal_read, P.registrations_read_own)),
    Section("/referrals", "Referrals", (P.registrations_read_own,)),  # a partner's own people
    Section("/notify", "Messages", (P.personal_read,)),  # call-forwards and warden notices
    Section("/dashboard", "Dashboard", (P.aggregates_read,)),
    Section("/eligibility", "Eligibility", (P.aggregates_read,)),
    Section("/plan", "Plan", (P.aggregates_read,)),
    Section("/status", "Status", (P.aggregates_read,)),
    Section("/gate", "Gate", (P.gate_checkin, P.gate_supervise)),  # station, conflicts
    Section("/api/v1/audit/entries", "Audit", (P.audit_read,)),
)
# Signed in but with no section here (a gate agent: the gate station is a later part).
WORKSPACE = "/workspace"


def sections_for(actor: Actor | None) -> list[Section]:
    """The sections the actor may use; none for a visitor who is not signed in."""
    return [section for section in SECTIONS if actor and section.open_to(actor)]


def landing(actor: Actor) -> str:
    """Where the actor goes after sign-in: its first section, or the workspace page."""
    sections = sections_for(actor)
    return sections[0].path if sections else WORKSPACE
