"""Eligibility pages: decisions counted (by category, priority and partner), one person's
decision and its history, the claims still to map, and the policy in force (read only)."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from evac.auth.deps import ActorDep
from evac.auth.permissions import Permission
from evac.deps import NO_NUL, LanguageDep, RowId, SessionDep, chosen_operation, render
from evac.eligibility.flows import decide_again
from evac.eligibility.policy import Outcome, default_policy, default_policy_text
from evac.eligibility.service import (
    add_override,
    decision_counts,
    decision_history,
    describe_flags,
    last_evaluated_policy,
    newest_policy,
    party_member_states,
    party_of,
    party_state,
    policy_history,
    set_flag,
    unmapped_claims,
    withdraw_override,
)
from evac.intake.views import operation_cipher
from evac.people.models import Person
from evac.people.views import STATE_LABELS
from evac.vault.audit import record_access

router = APIRouter(include_in_schema=False)


@router.get("/eligibility", response_class=HTMLResponse)
def overview_page(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: ActorDep,
    person: int | None = Query(None, ge=1, le=2**62),
):
    actor.require(Permission.aggregates_read)
    if person is not None:  # the look-up form
        return RedirectResponse(f"/eligibility/persons/{person}", status_code=303)
    operation = chosen_operation(request, session)
    by_category = decision_counts(session, operation_id=operation.id)
    by_source = decision_counts(session, operation_id=operation.id, by_source=True)
    return render(
        request,
        "eligibility/overview.html",
        lang,
        by_category=_ordered(by_category),
        by_source=_ordered(by_source),
        total=sum(c.persons for c in by_category),
        policy=last_evaluated_policy(session, operation_id=operation.id),
    )


def _ordered(counts: list) -> list:
    """First to go first; the persons with no priority (not eligible) last."""
    return sorted(counts, key=lambda c: (c.source or "", c.priority or 99, c.category, c.outcome))


@router.get("/eligibility/persons/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep, person_id: RowId
):
    actor.require(Permission.personal_read)
    operation = chosen_operation(request, session)
    person = session.get(Person, person_id)
    if person is None or person.operation_id != operation.id:
        raise HTTPException(404, "no such person in this operation")
    record_access(
        session,
        actor=actor,
        action="eligibility.read_decision",
        purpose="eligibility page",
        subject=f"person:{person_id}",
    )
    versions = {v.id: v for v in policy_history(session, operation_id=operation.id)}
    newest = newest_policy(session, operation_id=operation.id)
    party = party_of(session, person_id=person_id)
    states = party_member_states(session, party=party) if party else []
    return render(
        request,
        "eligibility/person.html",
        lang,
        person=person,
        history=decision_history(session, person_id=person_id),
        party=party,
        party_state=STATE_LABELS.get(party_state(states)),
        versions=versions,
        may_decide=actor.can(Permission.eligibility_decide),
        outcomes=list(Outcome),
        flags=describe_flags(session, person_id=person_id),
        policy_flags=list((newest.policy() if newest else default_policy()).flags),
    )


@router.post("/eligibility/persons/{person_id}/override")
def override_submit(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    person_id: RowId,
    reason: Annotated[str, Form(max_length=500, pattern=NO_NUL)],
    outcome: Annotated[Outcome | None, Form()] = None,
    withdraw: Annotated[bool, Form()] = False,
):
    """An officer's override (or its withdrawal), then everyone decided again under the
    policy the decisions follow; back to the person's page."""
    actor.require(Permission.eligibility_decide)
    cipher = operation_cipher(request, session)
    try:
        if withdraw:
            withdraw_override(
                session,
                operation_id=cipher.operation_id,
                person_id=person_id,
                reason=reason,
                actor=actor,
            )
        elif outcome is not None:
            add_override(
                session,
                operation_id=cipher.operation_id,
                person_id=person_id,
                outcome=outcome,
                reason=reason,
                actor=actor,
            )
        else:
            raise ValueError("choose an outcome, or withdraw the override")
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    decide_again(session, cipher=cipher, actor=actor)
    return RedirectResponse(f"/eligibility/persons/{person_id}", status_code=303)


@router.post("/eligibility/persons/{person_id}/flag")
def flag_submit(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    person_id: RowId,
    flag: Annotated[str, Form(max_length=40, pattern=NO_NUL)],
    reason: Annotated[str, Form(max_length=500, pattern=NO_NUL)],
    clear: Annotated[bool, Form()] = False,
):
    """An officer sets or clears a priority flag, then everyone is decided again under the
    policy the decisions follow; back to the person's page."""
    actor.require(Permission.eligibility_decide)
    cipher = operation_cipher(request, session)
    try:
        set_flag(
            session,
            operation_id=cipher.operation_id,
            person_id=person_id,
            flag=flag,
            present=not clear,
            reason=reason,
            actor=actor,
        )
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    decide_again(session, cipher=cipher, actor=actor)
    return RedirectResponse(f"/eligibility/persons/{person_id}", status_code=303)


@router.get("/eligibility/claims", response_class=HTMLResponse)
def claims_page(request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep):
    actor.require(Permission.aggregates_read)
    operation = chosen_operation(request, session)
    version = newest_policy(session, operation_id=operation.id)
    policy = version.policy() if version else default_policy()
    claims = unmapped_claims(session, operation_id=operation.id, policy=policy)
    return render(
        request,
        "eligibility/claims.html",
        lang,
        claims=claims.most_common(),
        categories=list(policy.categories),
    )


@router.get("/eligibility/policy", response_class=HTMLResponse)
def policy_page(request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep):
    actor.require(Permission.aggregates_read)
    operation = chosen_operation(request, session)
    versions = policy_history(session, operation_id=operation.id)
    text = versions[0].text if versions else default_policy_text()
    applied = last_evaluated_policy(session, operation_id=operation.id)
    return render(
        request, "eligibility/policy.html", lang, versions=versions, text=text, applied=applied
    )
