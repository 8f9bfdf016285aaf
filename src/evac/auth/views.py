"""Login and logout pages. Forms carry a CSRF token matched against a cookie (double submit)."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from evac.auth.deps import SESSION_COOKIE
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

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "evac_csrf"


def _safe_next(target: str | None) -> str:
    """Only a local path: never send a user on to another site after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/status"


def _login_page(request: Request, lang, *, error: str | None = None, status_code: int = 200):
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        lang,
        csrf=token,
        error=error,
        next=_safe_next(request.query_params.get("next")),
    )
    response.status_code = status_code
    response.set_cookie(
        CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: LanguageDep):
    return _login_page(request, lang)


# Per address: a burst of guesses from one place. Per user name: a slow spread-out guess at
# one account (counted on failures only, so a user who types well is never held up).
ADDRESS_LIMIT = rate_limit("login", limit=10, window=60)
FAILURES_PER_USER, FAILURE_WINDOW = 5, 900


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(ADDRESS_LIMIT)])
def login(
    request: Request,
    session: SessionDep,
    lang: LanguageDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/status",
):
    _check_csrf(request, csrf)
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
    response = RedirectResponse(_safe_next(next), status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        start_session(session, user=user),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf: Annotated[str, Form()]):
    _check_csrf(request, csrf)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session, token=token)
    response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _check_csrf(request: Request, submitted: str) -> None:
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not secrets.compare_digest(expected, submitted):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="form expired or forged: reload the page and retry"
        )
