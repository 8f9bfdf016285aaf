"""Review pages and API: doubtful pairs side by side with their evidence, decisions, splits.

Every page or response that shows registrations is personal data: it needs
`linkage:review` and `personal:read`, and each read is written to the audit chain.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.auth.deps import requires
from evac.auth.permissions import Actor, Permission
from evac.deps import LanguageDep, PageSize, RowId, SessionDep, render
from evac.linkage.models import LinkHistory, ReviewItem
from evac.linkage.service import (
    LinkageError,
    decide,
    open_reviews,
    person_history,
    review_records,
    split_person,
)
from evac.operation.models import Operation
from evac.people.models import Person, Registration
from evac.people.service import read_registration
from evac.vault.audit import record_access
from evac.vault.keys import provider_from_settings
from evac.vault.service import OperationCipher, cipher_for

router = APIRouter()
REASON_LENGTH = 500  # the columns' size (link_decision.reason, link_history.reason)
Reviewer = Annotated[Actor, Depends(requires(Permission.linkage_review))]


def _cipher(request: Request, session: Session) -> OperationCipher:
    operations = list(session.scalars(select(Operation.id).order_by(Operation.id)))
    if len(operations) != 1:
        raise HTTPException(409, f"{len(operations)} operations: linkage pages need exactly one")
    provider = provider_from_settings(request.app.state.settings)
    return cipher_for(session, provider=provider, operation_id=operations[0])


def _item(session: Session, cipher: OperationCipher, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None or item.operation_id != cipher.operation_id:
        raise HTTPException(404, f"no review item {item_id}")
    return item


def _audit(session: Session, actor: Actor, subject: str, purpose: str) -> None:
    record_access(session, actor=actor, action="linkage.read", purpose=purpose, subject=subject)


def _side_by_side(session, cipher, actor, item) -> list[tuple[str, str, str]]:
    left, right = (vars(r) for r in review_records(session, cipher=cipher, actor=actor, item=item))
    return [
        (field, str(value or ""), str(right[field] or ""))
        for field, value in left.items()
        if value not in (None, False) or right[field] not in (None, False)
    ]


class ReviewSummary(BaseModel):
    id: int
    registration_a_id: int
    registration_b_id: int
    probability: float
    status: str


class ReviewDetail(ReviewSummary):
    fields: list[tuple[str, str, str]] = Field(description="field, left value, right value")
    weights: dict[str, dict] = Field(description="comparison -> level reached and match weight")


class Decision(BaseModel):
    same: bool = Field(description="true: the same person; false: not the same")
    reason: str = Field(min_length=1, max_length=REASON_LENGTH)


class Split(BaseModel):
    registration_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=REASON_LENGTH)


class HistoryEntry(BaseModel):
    kind: str
    person_id: int
    other_person_id: int
    registration_ids: list[int]
    actor: str
    reason: str | None
    at: str


def _summary(item: ReviewItem) -> ReviewSummary:
    return ReviewSummary(
        id=item.id,
        registration_a_id=item.registration_a_id,
        registration_b_id=item.registration_b_id,
        probability=item.probability,
        status=item.status,
    )


def _history(entries: list[LinkHistory]) -> list[HistoryEntry]:
    return [
        HistoryEntry(kind=h.kind, person_id=h.person_id, other_person_id=h.other_person_id,
                     registration_ids=h.registration_ids, actor=h.actor, reason=h.reason,
                     at=h.at.isoformat())
        for h in entries
    ]  # fmt: skip


# --- API ---------------------------------------------------------------------------------


@router.get("/api/linkage/reviews", response_model=list[ReviewSummary], tags=["linkage"])
def api_reviews(request: Request, session: SessionDep, actor: Reviewer, limit: PageSize = 50):
    """Open doubtful pairs, most likely matches first (no personal data)."""
    cipher = _cipher(request, session)
    return [
        _summary(i) for i in open_reviews(session, operation_id=cipher.operation_id, limit=limit)
    ]


@router.get("/api/linkage/reviews/{item_id}", response_model=ReviewDetail, tags=["linkage"])
def api_review(item_id: RowId, request: Request, session: SessionDep, actor: Reviewer):
    """The two registrations side by side and the evidence of each comparison (audited)."""
    cipher = _cipher(request, session)
    item = _item(session, cipher, item_id)
    fields = _side_by_side(session, cipher, actor, item)
    return ReviewDetail(**_summary(item).model_dump(), fields=fields, weights=item.weights)


@router.post("/api/linkage/reviews/{item_id}/decision", tags=["linkage"])
def api_decide(
    item_id: RowId, body: Decision, request: Request, session: SessionDep, actor: Reviewer
):
    """Same person (merge) or not the same (split), with a reason; later runs obey it."""
    cipher = _cipher(request, session)
    _item(session, cipher, item_id)
    try:
        decision = decide(session, cipher=cipher, actor=actor, item_id=item_id, same=body.same,
                          reason=body.reason)  # fmt: skip
    except LinkageError as error:
        raise HTTPException(422, str(error)) from error
    return {"decision_id": decision.id, "verdict": decision.verdict}


@router.post("/api/linkage/persons/{person_id}/split", tags=["linkage"])
def api_split(
    person_id: RowId, body: Split, request: Request, session: SessionDep, actor: Reviewer
):
    """Move registrations of a person to a new person (unmerge), with history."""
    cipher = _cipher(request, session)
    try:
        new_person = split_person(
            session, cipher=cipher, actor=actor, person_id=person_id,
            registration_ids=body.registration_ids, reason=body.reason,
        )  # fmt: skip
    except LinkageError as error:
        raise HTTPException(422, str(error)) from error
    return {"new_person_id": new_person.id}


@router.get(
    "/api/linkage/persons/{person_id}/history", response_model=list[HistoryEntry], tags=["linkage"]
)
def api_history(person_id: RowId, session: SessionDep, actor: Reviewer):
    """Merges and splits that touched a person."""
    return _history(person_history(session, person_id=person_id))


# --- pages -------------------------------------------------------------------------------


@router.get("/linkage/review", response_class=HTMLResponse, include_in_schema=False)
def review_list(request: Request, session: SessionDep, lang: LanguageDep, actor: Reviewer):
    cipher = _cipher(request, session)
    items = open_reviews(session, operation_id=cipher.operation_id, limit=200)
    return render(request, "linkage/reviews.html", lang, items=items)


@router.get("/linkage/review/{item_id}", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    item_id: RowId, request: Request, session: SessionDep, lang: LanguageDep, actor: Reviewer
):
    cipher = _cipher(request, session)
    item = _item(session, cipher, item_id)
    fields = _side_by_side(session, cipher, actor, item)
    return render(request, "linkage/review.html", lang, item=item, fields=fields, error=None)


@router.post("/linkage/review/{item_id}", include_in_schema=False)
def review_submit(
    item_id: RowId,
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: Reviewer,
    verdict: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
):
    cipher = _cipher(request, session)
    item = _item(session, cipher, item_id)
    try:
        decide(session, cipher=cipher, actor=actor, item_id=item_id, same=_same(verdict),
               reason=_reason(reason))  # fmt: skip
    except (LinkageError, FormProblem) as error:
        fields = _side_by_side(session, cipher, actor, item)
        return _refused(render(request, "linkage/review.html", lang, item=item, fields=fields,
                               error=str(error)))  # fmt: skip
    person_id = session.get(Registration, item.registration_a_id).person_id
    return RedirectResponse(
        f"/linkage/persons/{person_id}?lang={lang.code}", status_code=status.HTTP_303_SEE_OTHER
    )


def _person_page(request, session, lang, actor, person_id: int, error: str | None = None):
    cipher = _cipher(request, session)
    person = session.get(Person, person_id)
    if person is None or person.operation_id != cipher.operation_id:
        raise HTTPException(404, f"no person {person_id}")
    registrations = [
        (r, read_registration(r, cipher=cipher)[1])
        for r in session.scalars(
            select(Registration)
            .where(Registration.person_id == person_id)
            .order_by(Registration.id)
        )
    ]
    _audit(session, actor, f"person:{person_id}", "review a person's registrations")
    return render(request, "linkage/person.html", lang, person=person,
                  registrations=registrations, history=person_history(session, person_id=person_id),
                  error=error)  # fmt: skip


@router.get("/linkage/persons/{person_id}", response_class=HTMLResponse, include_in_schema=False)
def person_page(
    person_id: RowId, request: Request, session: SessionDep, lang: LanguageDep, actor: Reviewer
):
    return _person_page(request, session, lang, actor, person_id)


@router.post("/linkage/persons/{person_id}/split", include_in_schema=False)
def person_split(
    person_id: RowId,
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: Reviewer,
    registration: Annotated[list[str], Form(default_factory=list)],
    reason: Annotated[str, Form()] = "",
):
    try:
        new_person = split_person(session, cipher=_cipher(request, session), actor=actor,
                                  person_id=person_id, registration_ids=_ids(registration),
                                  reason=_reason(reason))  # fmt: skip
    except (LinkageError, FormProblem) as error:
        page = _person_page(request, session, lang, actor, person_id, error=str(error))
        return _refused(page)
    return RedirectResponse(
        f"/linkage/persons/{new_person.id}?lang={lang.code}", status_code=status.HTTP_303_SEE_OTHER
    )


# --- what the forms send -------------------------------------------------------------------


class FormProblem(ValueError):
    """A form value no page of evac sends (edited by hand or by a script)."""


def _same(verdict: str) -> bool:
    if verdict not in ("same", "different"):
        raise FormProblem("choose 'Same person' or 'Not the same'")
    return verdict == "same"


def _reason(reason: str) -> str:
    if len(reason) > REASON_LENGTH:
        raise FormProblem(f"the reason is longer than {REASON_LENGTH} characters: shorten it")
    return reason


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise FormProblem(
            "tick registrations in the list: their numbers are what is sent"
        ) from None


def _refused(page):
    page.status_code = status.HTTP_422_UNPROCESSABLE_CONTENT
    return page
