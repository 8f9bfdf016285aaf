"""Report pages: the operation at a glance (`dashboard`), and a partner's referrals
(`referrals`)."""

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from evac.auth.deps import ActorDep
from evac.auth.permissions import Permission
from evac.deps import LanguageDep, SessionDep, chosen_operation, render
from evac.intake.views import operation_cipher
from evac.reports.dashboard import operation_dashboard
from evac.reports.referrals import Stage, list_referrals, referrals_source

router = APIRouter(include_in_schema=False)


@router.get("/referrals", response_class=HTMLResponse)
def referrals_page(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    actor: ActorDep,
    source: str | None = Query(None, max_length=80),
    page: int = Query(1, ge=1, le=1_000_000),
):
    source = referrals_source(actor, source)
    cipher = operation_cipher(request, session)
    referrals = list_referrals(session, cipher=cipher, actor=actor, source=source, page=page)
    return render(request, "reports/referrals.html", lang, referrals=referrals, stages=Stage)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep):
    actor.require(Permission.aggregates_read)
    dashboard = operation_dashboard(session, operation=chosen_operation(request, session))
    busiest = max((seats for _, _, seats in dashboard.flights.by_day), default=0)
    return render(request, "reports/dashboard.html", lang, board=dashboard, busiest=busiest)
