"""What every HTTP route needs: the settings, a database session, the language, templates."""

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from evac.auth.csrf import form_token, keep_token_cookie
from evac.config import Settings
from evac.i18n import LANGUAGES, Language, language, negotiate
from evac.operation.models import Operation
from evac.vault.service import KeyCache
from evac.web.navigation import sections_for

TEMPLATES_DIR = Path(__file__).parent / "web" / "templates"
LANGUAGE_COOKIE = "evac_lang"
OPERATION_COOKIE = "evac_operation"
T = TypeVar("T")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request: committed if the route returns, rolled back if it raises.
    Taken with scope="function" (SessionDep), so the commit happens before the answer is sent:
    by default FastAPI closes a dependency after sending, and a server killed in between had
    told a gate "checked in" about a check-in it never stored. Async, so that opening it (no
    I/O) costs no hop to a thread; the commit, which waits for the database, takes one."""
    session = request.app.state.sessionmaker()
    try:
        yield session
    except Exception:
        await run_in_threadpool(_roll_back, session)
        raise
    await run_in_threadpool(_commit, session)


def _commit(session: Session) -> None:
    with session:
        session.commit()


def _roll_back(session: Session) -> None:
    with session:
        session.rollback()


def app_cache(request: Request, name: str, make: Callable[[], T]) -> T:
    """What this process keeps across requests under `name` in app.state, made on first use."""
    cached = getattr(request.app.state, name, None)
    if cached is None:
        cached = make()
        setattr(request.app.state, name, cached)
    return cached


def key_cache(request: Request) -> KeyCache:
    """The process's unwrapped keys (see KeyCache: a shred or a rotation is seen at once)."""
    return app_cache(request, "key_cache", KeyCache)


def get_language(request: Request) -> Language:
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return language(negotiate(chosen, request.headers.get("accept-language")))


def chosen_operation(request: Request, session: Session) -> Operation:
    """The operation a page or call is about: `?operation=NAME`, else the one chosen before
    (a cookie), else the only one there is. A task force runs rehearsals beside the real
    operation, and a page must never show one while staff think it is the other. One read of
    the few operations there are: it serves the choice and the page header's list both, on
    every request of the gate's busiest path."""
    name = request.query_params.get("operation") or request.cookies.get(OPERATION_COOKIE)
    operations = list(session.scalars(select(Operation).order_by(Operation.id)))
    names = [operation.name for operation in operations]
    if name and name not in names:
        known = ", ".join(names) or "none yet"
        raise HTTPException(404, f"there is no operation named {name!r} (known: {known})")
    chosen = [o for o in operations if o.name == name] if name else operations
    if not chosen:
        raise HTTPException(409, "no operation yet: create one (or run `evac demo`) first")
    if len(chosen) > 1:
        raise HTTPException(
            409, f"several operations ({', '.join(names)}): choose one with ?operation=NAME"
        )
    request.state.operation = chosen[0].name  # the header names it, and offers the others
    request.state.operations = names
    return chosen[0]


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.globals["LANGUAGES"] = [language(code) for code in LANGUAGES]
    templates.env.globals["sections_for"] = sections_for  # the header's links (base.html)
    return templates


def render(request: Request, name: str, lang: Language, **context) -> object:
    """A page in the request's language, its forms carrying the CSRF token `csrf`; the chosen
    language is remembered in a cookie."""
    templates = get_templates(request)
    response = templates.TemplateResponse(
        request, name, {"lang": lang, "_": lang.gettext, "csrf": form_token(request), **context}
    )
    keep_token_cookie(request, response)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, lang.code, max_age=365 * 86400, samesite="lax")
    chosen = request.query_params.get("operation")
    if chosen and chosen == getattr(request.state, "operation", None):
        response.set_cookie(OPERATION_COOKIE, chosen, samesite="strict")
    return response


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
LanguageDep = Annotated[Language, Depends(get_language)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


# Text a form or a JSON body may hold: PostgreSQL refuses NUL in text, so it is a 422, not a 500.
NO_NUL = r"^[^\x00]*$"

# A database id in a path: bounded so that nonsense (negative, beyond 64 bits) is a 422, not a 500.
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]
# How many rows a listing returns.
PageSize = Annotated[int, Query(ge=1, le=1000)]
