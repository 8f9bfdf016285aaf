"""Login and logout pages (their CSRF tokens are checked app-wide: evac.auth.csrf)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from evac.auth.csrf import SESSION_COOKIE, set_private_cookie
from evac.auth.deps import ActorDep
from evac.auth.ratelimit import RateLimited, limiter, rate_limit, too_many
from evac.auth.service import (
    AuthenticationFailed,
    actor_of,
    check_password,
    end_session,
    start_session,
)
from evac.deps import LanguageDep, SessionDep, render
from evac.vault.audit import record_access
from evac.web.navigation import WORKSPACE, landing, sections_for

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a local path: never send a user on to another site after login. Empty when none
    was asked for: the user then lands on their role's first section."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return ""


def _login_page(
    request: Request, lang, *, next_page: str | None, error: str | None = None, status_code=200
):
    response = render(request, "login.html", lang, error=error, next=_safe_next(next_page))
    response.status_code = status_code
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: LanguageDep):
    return _login_page(request, lang, next_page=request.query_params.get("next"))


# Per address: a burst of guesses from one place. Per user name: a slow spread-out guess at
# one account (counted on failures only, so a user who types well is never held up).
ADDRESS_LIMIT = rate_limit("login", limit=10, window=60)
FAILURES_PER_USER, FAILURE_WINDOW = 5, 900


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(ADDRESS_LIMIT)])
def login(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    # no user name holds a NUL, and PostgreSQL refuses one in a query (it was a 500)
    username: Annotated[str, Form(pattern=r"^[^\x00]*$")],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
):
    failures = limiter(request, "login-failures", limit=FAILURES_PER_USER, window=FAILURE_WINDOW)
    try:
        failures.check(username.lower())
        try:
            user = check_password(session, username=username, password=password)
        except AuthenticationFailed:
            failures.hit(username.lower())
            return _login_page(
                request,
                lang,
                next_page=next,  # a mistyped password does not lose the page asked for
                error=lang.gettext("Wrong user name or password."),
                status_code=status.HTTP_401_UNAUTHORIZED,
            )
    except RateLimited as error:
        raise too_many(error) from error
    record_access(
        session,
        actor=actor_of(user),
        action="auth.login",
        purpose="login",
        subject=f"user:{user.id}",
    )
    target = _safe_next(next) or landing(actor_of(user))
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    set_private_cookie(request, response, SESSION_COOKIE, start_session(session, user=user))
    return response


@router.get(WORKSPACE, response_class=HTMLResponse)
def workspace(request: Request, lang: LanguageDep, actor: ActorDep):
    """Any signed-in user's page: who they are and the sections their role opens."""
    return render(request, "workspace.html", lang, actor=actor, sections=sections_for(actor))


@router.post("/logout")
def logout(request: Request, session: SessionDep):
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session, token=token)
    response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE)
    return response
