"""HTTP routes of the people domain."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from evac.auth.deps import requires
from evac.auth.permissions import Actor, Permission
from evac.deps import LanguageDep, SessionDep, render
from evac.people.models import State
from evac.people.service import count_by_state

router = APIRouter()
AggregatesReader = Annotated[Actor, Depends(requires(Permission.aggregates_read))]


class StateCount(BaseModel):
    state: State
    persons: int


@router.get(
    "/api/v1/persons/counts",
    response_model=list[StateCount],
    tags=["people"],
    operation_id="countPersonsByState",
    summary="Persons in each lifecycle state",
)
def person_counts(session: SessionDep, _actor: AggregatesReader) -> list[StateCount]:
    """How many persons are in each lifecycle state (every state listed, zeros included)."""
    counts = count_by_state(session)
    return [StateCount(state=state, persons=counts.get(state, 0)) for state in State]


@router.get("/status", response_class=HTMLResponse, include_in_schema=False)
def status_page(request: Request, session: SessionDep, lang: LanguageDep, _actor: AggregatesReader):
    counts = count_by_state(session)
    rows = [(state, counts.get(state, 0)) for state in State]
    return render(request, "status.html", lang, rows=rows, total=sum(counts.values()))
