"""The imports page: what came in (every batch, with its counts and rejected rows), and a
button that makes persons of it (a linkage run), so that a new list is searchable and
reviewable minutes after its upload."""

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from evac.auth.deps import ActorDep
from evac.auth.permissions import Permission
from evac.deps import LanguageDep, SessionDep, chosen_operation, render
from evac.intake.service import list_batches
from evac.linkage.runs import LinkageRuns, RunGoing, start_run, waiting_registrations
from evac.vault.keys import provider_from_settings

router = APIRouter(include_in_schema=False)
REFRESH_SECONDS = 5  # the page follows a run without a script: it reloads itself meanwhile


def _runs(request: Request) -> LinkageRuns:
    return request.app.state.linkage_runs


@router.get("/imports", response_class=HTMLResponse)
def imports_page(
    request: Request, session: SessionDep, lang: LanguageDep, actor: ActorDep, refused: str = ""
):
    """Batches, newest first (a partner sees its own), and the last linkage run."""
    if not actor.can(Permission.registrations_read_own):
        actor.require(Permission.personal_read)
    operation = chosen_operation(request, session)
    run = _runs(request).latest(operation.id)
    return render(
        request,
        "linkage/imports.html",
        lang,
        batches=list_batches(session, actor=actor, operation_id=operation.id),
        waiting=waiting_registrations(session, operation_id=operation.id),
        run=run,
        may_link=actor.can(Permission.linkage_review),
        refresh=REFRESH_SECONDS if run and run.going else None,
        refused=refused == "going",
    )


@router.post("/linkage/runs")
def start_linkage(request: Request, session: SessionDep, actor: ActorDep):
    """Start a linkage run (an officer's action; the run's audit entry names who)."""
    operation = chosen_operation(request, session)
    try:
        start_run(
            runs=_runs(request),
            factory=request.app.state.sessionmaker,
            provider=provider_from_settings(request.app.state.settings),
            operation_id=operation.id,
            actor=actor,
        )
    except RunGoing:
        return RedirectResponse("/imports?refused=going", status_code=status.HTTP_303_SEE_OTHER)
    return RedirectResponse("/imports", status_code=status.HTTP_303_SEE_OTHER)
