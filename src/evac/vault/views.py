"""The audit log over HTTP, for auditors."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from evac.auth.deps import requires
from evac.auth.permissions import Actor, Permission
from evac.deps import SessionDep
from evac.vault.audit import audit_entries, check_log

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Annotated[Actor, Depends(requires(Permission.audit_read))]


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    username: str
    role: str
    action: str
    purpose: str
    subject: str
    details: dict


class ChainBreakOut(BaseModel):
    entry_id: int | None
    reason: str


class Verification(BaseModel):
    intact: bool
    breaks: list[ChainBreakOut]


@router.get(
    "/entries",
    response_model=list[AuditEntryOut],
    operation_id="listAuditEntries",
    summary="The newest audit entries",
)
def entries(
    session: SessionDep, actor: Auditor, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[AuditEntryOut]:
    """The newest entries, newest first: who, when, why, on what (ids, never personal data)."""
    return [
        AuditEntryOut.model_validate(entry, from_attributes=True)
        for entry in audit_entries(session, actor=actor, limit=limit)
    ]


@router.get(
    "/verify",
    response_model=Verification,
    operation_id="verifyAuditLog",
    summary="Check the audit log's hash chain",
)
def verify(session: SessionDep, actor: Auditor) -> Verification:
    """Check every link of the hash chain; each break names its entry. Signed anchors are
    checked by `evac audit verify --anchor FILE`, where the verifier's own public key is."""
    breaks = check_log(session, actor=actor)
    return Verification(
        intact=not breaks,
        breaks=[ChainBreakOut(entry_id=b.entry_id, reason=b.reason) for b in breaks],
    )
