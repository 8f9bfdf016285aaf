"""The plan page: the current plan by hour and gate, sortie loads, hubs by day, who is left."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from evac.auth.deps import ActorDep
from evac.auth.permissions import Permission
from evac.deps import LanguageDep, SessionDep, chosen_operation, render
from evac.planning.board import CHART_HEIGHT, CHART_WIDTH, plan_board

router = APIRouter(include_in_schema=False)
# One colour a gate, told apart also in grey (printed situation reports are black and white).
GATE_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2f5597")


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep):
    actor.require(Permission.aggregates_read)
    operation = chosen_operation(request, session)
    return render(
        request,
        "planning/plan.html",
        lang,
        operation=operation,
        board=plan_board(session, operation=operation),
        colours=GATE_COLOURS,
        chart_width=CHART_WIDTH,
        chart_height=CHART_HEIGHT,
    )
