"""Every table of every domain, imported in one place for migrations and tests."""

from evac.auth.models import ApiToken, LoginSession, User
from evac.eligibility.models import (
    Override,
    Party,
    PartyMember,
    PersonDecision,
    PolicyVersion,
    RegistrationClaim,
)
from evac.gate.models import CheckIn, Conflict, Evacuee, StationEvent, SupervisorOverride
from evac.intake.models import ImportBatch, MappingProfile, RejectedRow
from evac.linkage.models import LinkDecision, LinkHistory, ModelRun, ReviewItem, SearchKey
from evac.notify.models import (
    LanguagePreference,
    OutboxMessage,
    SavedAudience,
    Send,
    SendRecipient,
)
from evac.operation.models import (
    AircraftType,
    AirliftWindow,
    GateClosure,
    Hub,
    Operation,
    Site,
    Sortie,
)
from evac.passes.models import TravelPass
from evac.people.models import (
    Contact,
    Document,
    Event,
    Group,
    GroupMember,
    Person,
    Registration,
)
from evac.planning.models import PlannedParty, SavedPlan
from evac.vault.audit import AuditEntry, AuditHead
from evac.vault.models import OperationKey
from evac.vault.signing import SigningKey

__all__ = [
    "AircraftType",
    "AirliftWindow",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "CheckIn",
    "Conflict",
    "Contact",
    "Document",
    "Evacuee",
    "Event",
    "GateClosure",
    "Group",
    "GroupMember",
    "Hub",
    "ImportBatch",
    "LanguagePreference",
    "LinkDecision",
    "LinkHistory",
    "LoginSession",
    "MappingProfile",
    "ModelRun",
    "Operation",
    "OperationKey",
    "OutboxMessage",
    "Override",
    "Party",
    "PartyMember",
    "Person",
    "PersonDecision",
    "PlannedParty",
    "PolicyVersion",
    "Registration",
    "RegistrationClaim",
    "RejectedRow",
    "ReviewItem",
    "SavedAudience",
    "SavedPlan",
    "SearchKey",
    "Send",
    "SendRecipient",
    "SigningKey",
    "Site",
    "Sortie",
    "StationEvent",
    "SupervisorOverride",
    "TravelPass",
    "User",
]
