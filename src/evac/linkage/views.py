"""Review pages and API: the queue of doubtful pairs, one pair side by side, decisions, splits,
and a person's whole story.

Every page or response that shows registrations is personal data: it needs
`linkage:review` and `personal:read`, and each read is written to the audit chain.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from evac.auth.deps import requires
from evac.auth.permissions import Actor, Permission
from evac.deps import LanguageDep, RowId, SessionDep, render
from evac.i18n import Language
from evac.intake.views import operation_cipher  # the one operation's cipher, as every page needs
from evac.linkage.models import LinkDecision, LinkHistory, ReviewItem, Verdict
from evac.linkage.review import (
    BAND_LABELS,
    QueueFilter,
    birth_text,
    compare_records,
    decision_of,
    local_time,
    next_pair,
    pair_sources,
    previous_pair,
    queue_page,
    queue_position,
    queue_size,
    queue_sources,
    queue_totals,
    weighty_evidence,
)
from evac.linkage.service import (
    LinkageError,
    decide,
    person_history,
    review_records,
    split_person,
)
from evac.linkage.story import person_story
from evac.operation.models import Operation
from evac.people.models import Person, Registration
from evac.vault.service import OperationCipher

router = APIRouter()
REASON_LENGTH = 500  # the columns' size (link_decision.reason, link_history.reason)
Reviewer = Annotated[Actor, Depends(requires(Permission.linkage_review))]
SourceQuery = Annotated[str | None, Query(max_length=80, description="a partner (source)")]
BandQuery = Annotated[str | None, Query(description="likely, uncertain or unlikely")]
PageQuery = Annotated[int, Query(ge=1, le=10**6)]
# The pair a decision was just recorded for: the page after it says what was recorded.
DecidedQuery = Annotated[int | None, Query(ge=1, le=2**63 - 1)]


def _item(session: Session, cipher: OperationCipher, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None or item.operation_id != cipher.operation_id:
        raise HTTPException(404, f"no review item {item_id}")
    return item


def _side_by_side(session, cipher, actor, item) -> list[tuple[str, str, str]]:
    left, right = (vars(r) for r in review_records(session, cipher=cipher, actor=actor, item=item))
    return [
        (field, str(value or ""), str(right[field] or ""))
        for field, value in left.items()
        if value not in (None, False) or right[field] not in (None, False)
    ]


class ReviewSummary(BaseModel):
    id: int
    position: int | None = Field(description="place in the open queue, 1 first; None if decided")
    registration_a_id: int
    registration_b_id: int
    sources: tuple[str, str] = Field(description="the partners that sent the two registrations")
    probability: float
    status: str


class DecisionMade(BaseModel):
    same: bool
    reason: str
    actor: str
    decided_at: str


class ReviewDetail(ReviewSummary):
    fields: list[tuple[str, str, str]] = Field(description="field, left value, right value")
    weights: dict[str, dict] = Field(description="comparison -> level reached and match weight")
    decision: DecisionMade | None = Field(description="who decided what, when and why")


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


def _summary(item: ReviewItem, sources: tuple[str, str], position: int | None) -> dict:
    return {
        "id": item.id,
        "position": position,
        "registration_a_id": item.registration_a_id,
        "registration_b_id": item.registration_b_id,
        "sources": sources,
        "probability": item.probability,
        "status": item.status,
    }


def _made(decision: LinkDecision | None) -> DecisionMade | None:
    if decision is None:
        return None
    return DecisionMade(
        same=decision.verdict == Verdict.same,
        reason=decision.reason,
        actor=decision.actor,
        decided_at=decision.decided_at.isoformat(),
    )


def _history(entries: list[LinkHistory]) -> list[HistoryEntry]:
    return [
        HistoryEntry(kind=h.kind, person_id=h.person_id, other_person_id=h.other_person_id,
                     registration_ids=h.registration_ids, actor=h.actor, reason=h.reason,
                     at=h.at.isoformat())
        for h in entries
    ]  # fmt: skip


# --- API ---------------------------------------------------------------------------------

API = "/api/v1/linkage"


@router.get(f"{API}/reviews", response_model=list[ReviewSummary], tags=["linkage"],
            operation_id="listReviewPairs", summary="List open review pairs")  # fmt: skip
def api_reviews(
    request: Request,
    session: SessionDep,
    actor: Reviewer,
    source: SourceQuery = None,
    band: BandQuery = None,
    page: PageQuery = 1,
):
    """Open doubtful pairs in queue order (most likely matches first), 50 a page, optionally
    of one partner or one score band (no personal data)."""
    cipher = operation_cipher(request, session)
    listing = queue_page(session, operation_id=cipher.operation_id,
                         filters=QueueFilter.of(source, band), page=page)  # fmt: skip
    return [_summary(e.item, e.sources, e.position) for e in listing.entries]


@router.get(f"{API}/reviews/{{item_id}}", response_model=ReviewDetail, tags=["linkage"],
            operation_id="getReviewPair", summary="Get one review pair")  # fmt: skip
def api_review(item_id: RowId, request: Request, session: SessionDep, actor: Reviewer):
    """The two registrations side by side and the evidence of each comparison (audited)."""
    cipher = operation_cipher(request, session)
    item = _item(session, cipher, item_id)
    fields = _side_by_side(session, cipher, actor, item)
    position = queue_position(session, operation_id=cipher.operation_id, filters=QueueFilter(),
                              item=item)  # fmt: skip
    summary = _summary(item, pair_sources(session, [item])[item.id], position)
    made = _made(decision_of(session, item))
    return ReviewDetail(**summary, fields=fields, weights=item.weights, decision=made)


@router.post(f"{API}/reviews/{{item_id}}/decision", tags=["linkage"],
             operation_id="decideReviewPair", summary="Decide a review pair")  # fmt: skip
def api_decide(
    item_id: RowId, body: Decision, request: Request, session: SessionDep, actor: Reviewer
):
    """Same person (merge) or not the same (split), with a reason; later runs obey it."""
    cipher = operation_cipher(request, session)
    _item(session, cipher, item_id)
    try:
        decision = decide(session, cipher=cipher, actor=actor, item_id=item_id, same=body.same,
                          reason=body.reason)  # fmt: skip
    except LinkageError as error:
        raise HTTPException(422, str(error)) from error
    return {"decision_id": decision.id, "verdict": decision.verdict}


@router.post(f"{API}/persons/{{person_id}}/split", tags=["linkage"],
             operation_id="splitPerson", summary="Split registrations off a person")  # fmt: skip
def api_split(
    person_id: RowId, body: Split, request: Request, session: SessionDep, actor: Reviewer
):
    """Move registrations of a person to a new person (unmerge), with history."""
    cipher = operation_cipher(request, session)
    try:
        new_person = split_person(
            session, cipher=cipher, actor=actor, person_id=person_id,
            registration_ids=body.registration_ids, reason=body.reason,
        )  # fmt: skip
    except LinkageError as error:
        raise HTTPException(422, str(error)) from error
    return {"new_person_id": new_person.id}


@router.get(f"{API}/persons/{{person_id}}/history", response_model=list[HistoryEntry],
            tags=["linkage"], operation_id="getLinkHistory",
            summary="Get a person's merges and splits")  # fmt: skip
def api_history(person_id: RowId, session: SessionDep, actor: Reviewer):
    """Merges and splits that touched a person, oldest first."""
    return _history(person_history(session, person_id=person_id))


# --- pages -------------------------------------------------------------------------------


def _recorded(session: Session, cipher: OperationCipher, item_id: int | None):
    """The pair a decision was just recorded for and that decision, for the message after it."""
    item = session.get(ReviewItem, item_id) if item_id else None
    if item is None or item.operation_id != cipher.operation_id:
        return None
    decision = decision_of(session, item)
    if decision is None:
        return None
    person_id = session.get(Registration, item.registration_a_id).person_id
    return {"item": item, "decision": decision, "person_id": person_id}


@router.get("/linkage/review", response_class=HTMLResponse, include_in_schema=False)
def review_list(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: Reviewer,
    source: SourceQuery = None,
    band: BandQuery = None,
    page: PageQuery = 1,
    decided: DecidedQuery = None,
):
    cipher = operation_cipher(request, session)
    filters = QueueFilter.of(source, band)
    return render(
        request, "linkage/reviews.html", lang,
        listing=queue_page(session, operation_id=cipher.operation_id, filters=filters, page=page),
        totals=queue_totals(session, operation_id=cipher.operation_id),
        sources=queue_sources(session, operation_id=cipher.operation_id),
        bands=BAND_LABELS, filters=filters, recorded=_recorded(session, cipher, decided),
    )  # fmt: skip


def _pair_page(request, session, lang: Language, actor, cipher, item, filters, *, error=None,
               decided=None):  # fmt: skip
    operation_id = cipher.operation_id
    left, right = review_records(session, cipher=cipher, actor=actor, item=item)
    zone = session.get(Operation, operation_id).time_zone
    near = {"operation_id": operation_id, "filters": filters, "item": item}
    return render(
        request, "linkage/review.html", lang,
        item=item, filters=filters, error=error,
        registrations=[session.get(Registration, item.registration_a_id),
                       session.get(Registration, item.registration_b_id)],
        rows=compare_records(left, right, lang_code=lang.code, gettext=lang.gettext),
        evidence=weighty_evidence(item.weights),
        position=queue_position(session, **near),
        queue_total=queue_size(session, operation_id=operation_id, filters=filters),
        next_item=next_pair(session, **near), previous_item=previous_pair(session, **near),
        decision=decision_of(session, item),
        recorded=_recorded(session, cipher, decided),
        when=lambda moment: local_time(moment, zone, lang.code),
    )  # fmt: skip


@router.get("/linkage/review/{item_id}", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    item_id: RowId,
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: Reviewer,
    source: SourceQuery = None,
    band: BandQuery = None,
    decided: DecidedQuery = None,
):
    cipher = operation_cipher(request, session)
    item = _item(session, cipher, item_id)
    return _pair_page(request, session, lang, actor, cipher, item, QueueFilter.of(source, band),
                      decided=decided)  # fmt: skip


@router.post("/linkage/review/{item_id}", include_in_schema=False)
def review_submit(
    item_id: RowId,
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: Reviewer,
    source: SourceQuery = None,
    band: BandQuery = None,
    verdict: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
):
    """Record the decision, then show the next open pair of the same queue (or the queue)."""
    cipher = operation_cipher(request, session)
    item = _item(session, cipher, item_id)
    filters = QueueFilter.of(source, band)
    try:
        decide(session, cipher=cipher, actor=actor, item_id=item_id, same=_same(verdict),
               reason=_reason(reason))  # fmt: skip
    except (LinkageError, FormProblem) as error:
        page = _pair_page(request, session, lang, actor, cipher, item, filters, error=str(error))
        return _refused(page)
    following = next_pair(session, operation_id=cipher.operation_id, filters=filters, item=item)
    query = filters.query(lang=lang.code, decided=item.id)
    where = f"/linkage/review/{following.id}" if following else "/linkage/review"
    return RedirectResponse(f"{where}?{query}", status_code=status.HTTP_303_SEE_OTHER)


def _person_page(request, session, lang, actor, person_id: int, error: str | None = None):
    cipher = operation_cipher(request, session)
    person = session.get(Person, person_id)
    if person is None or person.operation_id != cipher.operation_id:
        raise HTTPException(404, f"no person {person_id}")
    story = person_story(session, cipher=cipher, actor=actor, person=person)
    zone = session.get(Operation, cipher.operation_id).time_zone
    return render(
        request, "linkage/person.html", lang, story=story, person=person, error=error,
        born=birth_text, sources=pair_sources(session, story.reviews),
        when=lambda moment: local_time(moment, zone, lang.code),
    )  # fmt: skip


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
        new_person = split_person(session, cipher=operation_cipher(request, session), actor=actor,
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
