"""Every table of every domain, imported in one place for migrations and tests."""

from evac.auth.models import ApiToken, LoginSession, User
from evac.intake.models import ImportBatch, MappingProfile, RejectedRow
from evac.linkage.models import LinkDecision, LinkHistory, ModelRun, ReviewItem, SearchKey
from evac.operation.models import AircraftType, AirliftWindow, Hub, Operation, Site, Sortie
from evac.people.models import (
    Contact,
    Document,
    Event,
    Group,
    GroupMember,
    Person,
    Registration,
)
from evac.vault.audit import AuditEntry, AuditHead
from evac.vault.models import OperationKey

__all__ = [
    "AircraftType",
    "AirliftWindow",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Contact",
    "Document",
    "Event",
    "Group",
    "GroupMember",
    "Hub",
    "ImportBatch",
    "LinkDecision",
    "LinkHistory",
    "LoginSession",
    "MappingProfile",
    "ModelRun",
    "Operation",
    "OperationKey",
    "Person",
    "Registration",
    "RejectedRow",
    "ReviewItem",
    "SearchKey",
    "Site",
    "Sortie",
    "User",
]
