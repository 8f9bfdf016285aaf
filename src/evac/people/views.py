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
# What each state is called on a page: a word, not a code (`called_forward`).
STATE_LABELS = {
    State.registered: "Registered",
    State.verified: "Verified",
    State.eligible: "Eligible",
    State.ineligible: "Not eligible",
    State.deferred: "Deferred",
    State.called_forward: "Called forward",
    State.checked_in: "Checked in",
    State.processed: "Processed",
    State.manifested: "On a flight manifest",
    State.boarded: "Boarded",
    State.departed: "Departed",
    State.arrived_hub: "Arrived at a hub",
    State.closed: "Closed",
    State.no_show: "Did not come",
    State.withdrawn: "Withdrawn",
    State.merged: "Merged into another person",
}
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
    rows = [(state, STATE_LABELS[state], counts.get(state, 0)) for state in State]
    return render(request, "status.html", lang, rows=rows, total=sum(counts.values()))
