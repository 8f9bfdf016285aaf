"""Every table of every domain, imported in one place for migrations and tests."""

from evac.intake.models import ImportBatch, MappingProfile, RejectedRow
from evac.operation.models import Operation
from evac.people.models import (
    Contact,
    Document,
    Event,
    Group,
    GroupMember,
    Person,
    Registration,
)
from evac.vault.models import OperationKey

__all__ = [
    "Contact",
    "Document",
    "Event",
    "Group",
    "GroupMember",
    "ImportBatch",
    "MappingProfile",
    "Operation",
    "OperationKey",
    "Person",
    "Registration",
    "RejectedRow",
]
