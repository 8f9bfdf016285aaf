"""The gate's pages: the station page that keeps checking parties in with the network cut
(its service worker, and the bundle it holds for a shift), and the supervisor's conflicts."""

from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from evac.auth.deps import ActorDep, requires
from evac.auth.permissions import Actor, Permission
from evac.deps import NO_NUL, LanguageDep, RowId, SessionDep, chosen_operation, key_cache, render
from evac.gate.models import Decision
from evac.gate.service import ConflictNotFound, ConflictSettled, list_conflicts, resolve_conflict
from evac.gate.station import (
    StationBundle,
    report_unlisted,
    station_bundle,
    unlisted_reports,
)
from evac.operation.service import list_gates, local_time

WORKER = Path(__file__).parents[1] / "web" / "static" / "gate" / "sw.js"
router = APIRouter()
GateAgent = Annotated[Actor, Depends(requires(Permission.gate_checkin))]
Supervisor = Annotated[Actor, Depends(requires(Permission.gate_supervise))]
GateName = Annotated[str, Query(min_length=1, max_length=80, pattern=NO_NUL)]
Place = Annotated[str, Field(min_length=1, max_length=80, pattern=NO_NUL)]
# The decisions as the supervisor's form words them (translated in the page).
DECISION_WORDS = {
    Decision.keep_first.value: "Keep the first check-in (dismiss the second)",
    Decision.take_second.value: "Take the second (the party was really there)",
}


class MemberOut(BaseModel):
    person_id: int
    given_name: str | None
    family_name: str | None
    name_native: str | None
    flags: list[str] = Field(description="deny, medical, unaccompanied_minor...")


class PartyOut(BaseModel):
    reference: str
    pass_: str = Field(alias="pass", description="The pass as its QR code reads")
    window_start: datetime
    window_end: datetime
    head_count: int
    members: list[MemberOut]


class StationBundleOut(BaseModel):
    operation: str
    time_zone: str
    gate: str
    issued_at: datetime
    expires_at: datetime = Field(description="When the station wipes the roster")
    public_keys: dict[str, str] = Field(description="Key id (hex) -> Ed25519 key (base64url)")
    document_keys: dict[str, str] = Field(description="Key id (hex) -> document key")
    revocations: str = Field(description="The signed revocation list (EPR1:)")
    parties: list[PartyOut]


@router.get(
    "/api/v1/gate/station-bundle",
    response_model=StationBundleOut,
    response_model_by_alias=True,
    tags=["gate"],
    operation_id="gateStationBundle",
    summary="What a gate's station holds offline for a shift",
)
def bundle_route(
    gate: GateName, request: Request, session: SessionDep, actor: GateAgent
) -> StationBundleOut:
    """The gate's roster for the next twelve hours (each party's pass, window and members'
    names and flags), the keys that verify passes and the signed revocation list. Gate
    agents only; the read of the names is audited."""
    bundle = station_bundle(
        session,
        actor=actor,
        provider=key_cache(request).provider(request.app.state.settings),
        operation=chosen_operation(request, session),
        gate=gate,
    )
    return _bundle(bundle)


def _bundle(bundle: StationBundle) -> StationBundleOut:
    parties = [
        PartyOut.model_validate(
            {
                "reference": party.reference,
                "pass": party.pass_text,
                "window_start": party.window_start,
                "window_end": party.window_end,
                "head_count": party.head_count,
                "members": [
                    MemberOut.model_validate(m, from_attributes=True) for m in party.members
                ],
            }
        )
        for party in bundle.parties
    ]
    return StationBundleOut(
        operation=bundle.operation,
        time_zone=bundle.time_zone,
        gate=bundle.gate,
        issued_at=bundle.issued_at,
        expires_at=bundle.expires_at,
        public_keys=bundle.public_keys,
        document_keys=bundle.document_keys,
        revocations=bundle.revocations,
        parties=parties,
    )


class UnlistedIn(BaseModel):
    idempotency_key: Place = Field(description="The key of the check-in they came with")
    party: Place = Field(description="The party's reference")
    gate: Place
    station: Place
    names: list[Annotated[str, Field(min_length=1, max_length=120, pattern=NO_NUL)]] = Field(
        min_length=1, max_length=20
    )


@router.post(
    "/api/v1/gate/unlisted",
    status_code=204,
    tags=["gate"],
    operation_id="reportUnlistedMembers",
    summary="Family members met at the gate but not on the party's roster",
)
def unlisted_route(body: UnlistedIn, request: Request, session: SessionDep, actor: GateAgent):
    """Kept for an officer (the names sealed), once by the check-in's idempotency key."""
    report_unlisted(
        session,
        actor=actor,
        provider=key_cache(request).provider(request.app.state.settings),
        operation=chosen_operation(request, session),
        idempotency_key=body.idempotency_key,
        party_reference=body.party,
        gate=body.gate,
        station=body.station,
        names=body.names,
    )


@router.get("/gate", include_in_schema=False)
def gate_home(actor: ActorDep) -> RedirectResponse:
    """The gate section: a supervisor lands on the conflicts, a gate agent on the station."""
    if actor.can(Permission.gate_supervise):
        return RedirectResponse("/gate/conflicts", status_code=303)
    actor.require(Permission.gate_checkin)
    return RedirectResponse("/gate/station", status_code=303)


@router.get("/gate/station", response_class=HTMLResponse, include_in_schema=False)
def station_page(request: Request, session: SessionDep, lang: LanguageDep, actor: GateAgent):
    gates = [
        site.name for site in list_gates(session, operation=chosen_operation(request, session))
    ]
    supervises = actor.can(Permission.gate_supervise)
    return render(request, "gate/station.html", lang, gates=gates, supervises=supervises)


@router.get("/gate/sw.js", include_in_schema=False)
def service_worker(actor: GateAgent) -> FileResponse:
    """Served under /gate/ so that its scope covers the station page; to gate staff only,
    as the page is."""
    return FileResponse(WORKER, media_type="text/javascript")


@router.get("/gate/conflicts", response_class=HTMLResponse, include_in_schema=False)
def conflicts_page(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: Supervisor,
    settled: bool = Query(False, description="Show those already settled too"),
):
    operation = chosen_operation(request, session)
    found = list_conflicts(session, actor=actor, operation=operation, open_only=not settled)
    provider = key_cache(request).provider(request.app.state.settings)
    unlisted = unlisted_reports(session, actor=actor, provider=provider, operation=operation)
    return render(
        request,
        "gate/conflicts.html",
        lang,
        conflicts=found,
        unlisted=unlisted,
        settled=settled,
        decision_words=DECISION_WORDS,
        local=lambda moment: f"{local_time(operation, moment):%Y-%m-%d %H:%M}",
    )


@router.post("/gate/conflicts/{conflict_id}", include_in_schema=False)
def resolve_page(
    conflict_id: RowId,
    request: Request,
    session: SessionDep,
    actor: Supervisor,
    decision: Annotated[Decision, Form()],
    reason: Annotated[str, Form(min_length=1, max_length=1000, pattern=NO_NUL)],
) -> RedirectResponse:
    try:
        resolve_conflict(
            session,
            actor=actor,
            operation=chosen_operation(request, session),
            conflict_id=conflict_id,
            decision=decision,
            reason=reason,
        )
    except ConflictNotFound as error:
        raise HTTPException(404, str(error)) from None
    except (ConflictSettled, ValueError) as error:
        raise HTTPException(409, str(error)) from None
    return RedirectResponse("/gate/conflicts", status_code=303)
