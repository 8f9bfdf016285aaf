"""The search page and API: one box for a name, a phone, a document number or a reference.

The page sends its query by POST, so that a name or a phone stays out of addresses, browser
history and access logs; the API takes it as a query parameter, as API clients expect."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from evac.auth.deps import ActorDep
from evac.auth.permissions import Actor, Forbidden
from evac.deps import LanguageDep, SessionDep, render
from evac.intake.views import operation_cipher
from evac.people.models import State
from evac.people.views import STATE_LABELS
from evac.reports.service import Hit, QueryKind, SearchRefused, may_search, search

router = APIRouter()
PURPOSE_LENGTH = 200  # audit_entry.purpose
QUERY_LENGTH = 200
# What officers most often search for; the box takes any other purpose too.
PURPOSES = (
    "Locate a person to call forward",
    "Answer a family's or partner's inquiry",
    "Check identity at the gate or the ECC",
    "Resolve a duplicate registration",
)


# Document and contact kinds as the results name them.
KIND_LABELS = {
    "passport": "Passport", "tazkira": "Tazkira", "us_passport": "US passport",
    "green_card": "Green card", "visa": "Visa", "id_card": "ID card", "siv_case": "SIV case",
    "phone": "Phone", "email": "E-mail", "whatsapp": "WhatsApp",
}  # fmt: skip


class Document(BaseModel):
    kind: str
    number: str


class Contact(BaseModel):
    kind: str
    value: str


class SearchResult(BaseModel):
    person_id: int
    score: int = Field(description="1000 for an exact number or reference; else name keys agreeing")
    matched: QueryKind
    state: State
    given_name: str | None
    father_name: str | None
    family_name: str | None
    name_native: str | None
    birth_year: int | None
    documents: list[Document] = Field(description="empty for roles that may not see them")
    contacts: list[Contact] = Field(description="empty for roles that may not see them")
    url: str = Field(description="the person's page")


def _result(hit: Hit) -> SearchResult:
    return SearchResult(
        **{name: getattr(hit, name) for name in SearchResult.model_fields if hasattr(hit, name)}
        | {
            "documents": [Document(kind=k, number=n) for k, n in hit.documents],
            "contacts": [Contact(kind=k, value=v) for k, v in hit.contacts],
            "url": f"/linkage/persons/{hit.person_id}",
        }
    )


def _search(request: Request, session, actor: Actor, query: str, purpose: str, limit: int):
    cipher = operation_cipher(request, session)
    return search(session, cipher=cipher, actor=actor, query=query, purpose=purpose, limit=limit)


@router.get(
    "/api/v1/search",
    response_model=list[SearchResult],
    tags=["search"],
    operation_id="searchPersons",
    summary="Find persons by name, phone, document number or reference",
)
def api_search(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str, Query(min_length=1, max_length=QUERY_LENGTH)],
    purpose: Annotated[str, Query(min_length=1, max_length=PURPOSE_LENGTH)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SearchResult]:
    """A name in Latin or Dari/Pashto script (variant spellings agree), a phone, a passport,
    tazkira or SIV case number, or an EV- reference. Best first; each read is audited with
    `purpose`. Partners find only persons of their own registrations; planners see no
    documents or contacts and may not search by them."""
    try:
        hits = _search(request, session, actor, q, purpose, limit)
    except SearchRefused as error:
        raise HTTPException(422, str(error)) from None
    return [_result(hit) for hit in hits]


def _page(request: Request, lang, actor: Actor, **context):
    if not may_search(actor):
        raise Forbidden(f"{actor.username} ({actor.role.value}) may not search for people")
    return render(request, "reports/search.html", lang, actor=actor, purposes=PURPOSES,
                  state_labels=STATE_LABELS, kind_labels=KIND_LABELS, **context)  # fmt: skip


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_form(request: Request, lang: LanguageDep, actor: ActorDep):
    return _page(request, lang, actor, query="", purpose="", hits=None, error=None)


@router.post("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: ActorDep,
    q: Annotated[str, Form(max_length=QUERY_LENGTH)] = "",
    purpose: Annotated[str, Form(max_length=PURPOSE_LENGTH)] = "",
):
    try:
        hits = _search(request, session, actor, q, purpose, 20)
        error = None
    except SearchRefused as error_:
        hits, error = None, lang.gettext(str(error_))
    response = _page(request, lang, actor, query=q, purpose=purpose, hits=hits, error=error)
    response.status_code = 422 if error else 200
    return response
