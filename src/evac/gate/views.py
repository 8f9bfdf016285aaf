"""The gate over HTTP: check-ins from stations, ECC steps, the supervisor's conflicts, and
the accountability counts. A station that lost an answer sends the same request again: the
same idempotency key with the same content is answered as the first time."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from evac.auth.deps import requires
from evac.auth.permissions import Actor, Permission
from evac.deps import NO_NUL, RowId, SessionDep, app_cache, chosen_operation, key_cache
from evac.gate.models import Decision, Outcome, Step
from evac.gate.service import (
    KEY_LENGTH,
    SUPERVISE,
    Arrival,
    CheckInError,
    CheckInResult,
    ConflictNotFound,
    ConflictSettled,
    ConflictView,
    GateCache,
    Status,
    check_in,
    document_from_mrz,
    list_conflicts,
    resolve_conflict,
)
from evac.gate.stations import StepRefused, accountability, record_step
from evac.intake.mrz import InvalidMRZ
from evac.people.lifecycle import IdempotencyConflict

router = APIRouter(prefix="/api/v1/gate", tags=["gate"])
GateAgent = Annotated[Actor, Depends(requires(Permission.gate_checkin))]
Supervisor = Annotated[Actor, Depends(requires(SUPERVISE))]
Reader = Annotated[Actor, Depends(requires(Permission.aggregates_read))]
Key = Annotated[str, Field(min_length=1, max_length=KEY_LENGTH, pattern=NO_NUL)]
Place = Annotated[str, Field(min_length=1, max_length=80, pattern=NO_NUL)]
PersonId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# An HTTP status for each answer: a retry's duplicate is a plain success, as ODK Central
# answers a submission it already holds.
STATUS_CODES = {
    Status.accepted: 201,
    Status.duplicate: 200,
    Status.conflict: 409,
    Status.refused: 422,
}


class CheckInIn(BaseModel):
    idempotency_key: Key = Field(description="The station's id for this check-in (a UUID)")
    gate: Place
    station: Place = Field(description="The lane or desk at the gate")
    at: AwareDatetime = Field(description="When the station saw the party (with its zone)")
    pass_: str | None = Field(
        None,
        alias="pass",
        max_length=2000,
        pattern=NO_NUL,
        description="The pass as its QR code reads",
    )
    mrz: str | None = Field(
        None,
        max_length=200,
        pattern=NO_NUL,
        description="A passport's machine-readable zone, as scanned",
    )
    documents: list[Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]] = Field(
        default_factory=list, max_length=20, description="Document numbers shown, typed"
    )
    members: list[PersonId] | None = Field(
        None, max_length=50, description="The person ids confirmed; none: the whole party"
    )


class AdmittedOut(BaseModel):
    person_id: int
    evacuee_number: int
    given_name: str | None
    family_name: str | None
    name_native: str | None


class CheckInOut(BaseModel):
    status: Literal["accepted", "duplicate", "conflict", "refused"]
    party_reference: str | None
    checkin_id: int | None
    members: list[AdmittedOut]
    reasons: list[str]
    conflict_id: int | None


class ResolutionIn(BaseModel):
    decision: Decision
    reason: str = Field(min_length=1, max_length=1000, pattern=NO_NUL)


class StepIn(BaseModel):
    idempotency_key: Key
    evacuee_number: int = Field(ge=1, le=2**63 - 1, description="The wristband's number")
    step: Step
    outcome: Outcome
    station: Place
    at: AwareDatetime | None = None
    reason: str | None = Field(
        None, max_length=1000, pattern=NO_NUL, description="Why sent back or refused"
    )


class StepOut(BaseModel):
    id: int
    person_id: int
    step: Step
    outcome: Outcome
    station: str
    at: datetime


class AccountabilityOut(BaseModel):
    at_gates: dict[str, int]
    in_ecc: int
    airside: int
    no_shows: list[str] = Field(description="Parties called forward who never came")


@router.post(
    "/checkins",
    response_model=CheckInOut,
    status_code=201,
    operation_id="checkIn",
    summary="Check a party in at a gate",
    responses={
        200: {"model": CheckInOut, "description": "The same check-in again: already taken"},
        409: {"model": CheckInOut, "description": "A conflict, kept for a supervisor"},
        422: {"model": CheckInOut, "description": "Refused (the reasons say why), or malformed"},
    },
)
def check_in_route(
    body: CheckInIn, request: Request, session: SessionDep, actor: GateAgent
) -> JSONResponse:
    """Check in the party of a pass, or of the person whose document is shown (typed, or a
    passport's machine-readable zone). 201: taken, with each member's wristband number and
    names. 200: the same idempotency key and content again, answered as the first time. 409:
    the key came before with other content, or the party is already in: kept for a
    supervisor. 422: refused, with the reasons (forged, revoked, wrong gate...)."""
    try:
        documents = [*body.documents, *([document_from_mrz(body.mrz)] if body.mrz else [])]
        result = check_in(
            session,
            actor=actor,
            provider=key_cache(request).provider(request.app.state.settings),
            operation=chosen_operation(request, session),
            arrival=Arrival(
                idempotency_key=body.idempotency_key,
                gate=body.gate,
                station=body.station,
                at=body.at,
                pass_text=body.pass_,
                documents=tuple(documents),
                members=tuple(body.members) if body.members is not None else None,
            ),
            cache=app_cache(request, "gate_cache", lambda: GateCache(key_cache(request))),
        )
    except (CheckInError, InvalidMRZ) as error:
        raise HTTPException(422, str(error)) from None
    # A JSON answer, not an exception: a conflict or a refusal is recorded and committed.
    return JSONResponse(_answer(result).model_dump(mode="json"), STATUS_CODES[result.status])


def _answer(result: CheckInResult) -> CheckInOut:
    return CheckInOut(
        status=result.status.value,
        party_reference=result.party_reference,
        checkin_id=result.checkin_id,
        members=[AdmittedOut.model_validate(m, from_attributes=True) for m in result.members],
        reasons=list(result.reasons),
        conflict_id=result.conflict_id,
    )


@router.post(
    "/steps",
    response_model=StepOut,
    status_code=201,
    operation_id="recordStationStep",
    summary="Record an ECC station's step for a wristband",
)
def step_route(body: StepIn, request: Request, session: SessionDep, actor: GateAgent) -> StepOut:
    """One station's step (reception, ID check, screening, medical, manifest) for the wearer
    of a wristband, once by its idempotency key. Passing the manifest station makes them
    ready for a sortie; sent back or refused needs the reason."""
    try:
        event = record_step(
            session,
            actor=actor,
            operation=chosen_operation(request, session),
            evacuee_number=body.evacuee_number,
            step=body.step,
            outcome=body.outcome,
            station=body.station,
            idempotency_key=body.idempotency_key,
            at=body.at,
            reason=body.reason,
        )
    except StepRefused as error:
        raise HTTPException(422, str(error)) from None
    except IdempotencyConflict as error:
        raise HTTPException(409, str(error)) from None
    return StepOut.model_validate(event, from_attributes=True)


@router.get(
    "/conflicts",
    response_model=list[ConflictView],
    operation_id="listGateConflicts",
    summary="The supervisor's list of conflicts",
)
def conflicts_route(
    request: Request,
    session: SessionDep,
    actor: Supervisor,
    open_only: Annotated[bool, Query(description="Only those not settled yet")] = True,
) -> list[ConflictView]:
    """Check-ins not taken because they collided (one key with two contents, one party at
    two gates), oldest first. For supervisors (officers), not gate agents."""
    return list_conflicts(
        session, actor=actor, operation=chosen_operation(request, session), open_only=open_only
    )


@router.post(
    "/conflicts/{conflict_id}/resolve",
    response_model=ConflictView,
    operation_id="resolveGateConflict",
    summary="Settle a conflict, with a reason",
)
def resolve_route(
    conflict_id: RowId,
    body: ResolutionIn,
    request: Request,
    session: SessionDep,
    actor: Supervisor,
) -> ConflictView:
    """Keep the first check-in, or take the second (the check-in moves to its gate, station
    and time). The reason is kept with the decision and in the audit log."""
    try:
        return resolve_conflict(
            session,
            actor=actor,
            operation=chosen_operation(request, session),
            conflict_id=conflict_id,
            decision=body.decision,
            reason=body.reason,
        )
    except ConflictNotFound as error:
        raise HTTPException(404, str(error)) from None
    except ConflictSettled as error:
        raise HTTPException(409, str(error)) from None
    except ValueError as error:
        raise HTTPException(422, str(error)) from None


@router.get(
    "/status",
    response_model=AccountabilityOut,
    operation_id="gateAccountability",
    summary="Who is at each gate, in the ECC, airside, and who never came",
)
def status_route(request: Request, session: SessionDep, actor: Reader) -> AccountabilityOut:
    """Counts of persons at each gate (checked in, no station yet), in the ECC, and airside
    (processed, waiting for a sortie); the parties called forward whose window closed with
    nobody checked in. No names."""
    counts = accountability(session, actor=actor, operation=chosen_operation(request, session))
    return AccountabilityOut(
        at_gates=counts.at_gates,
        in_ecc=counts.in_ecc,
        airside=counts.airside,
        no_shows=list(counts.no_shows),
    )
