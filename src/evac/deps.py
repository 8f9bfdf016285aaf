"""What every HTTP route needs: the settings, a database session, the language, templates."""

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from evac.auth.csrf import form_token, keep_token_cookie
from evac.config import Settings
from evac.db import session_scope
from evac.i18n import LANGUAGES, Language, language, negotiate
from evac.web.navigation import sections_for

TEMPLATES_DIR = Path(__file__).parent / "web" / "templates"
LANGUAGE_COOKIE = "evac_lang"


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request: committed if the route returns, rolled back if it raises."""
    with session_scope(request.app.state.sessionmaker) as session:
        yield session


def get_language(request: Request) -> Language:
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return language(negotiate(chosen, request.headers.get("accept-language")))


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
    return response


SessionDep = Annotated[Session, Depends(get_session)]
LanguageDep = Annotated[Language, Depends(get_language)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


# A database id in a path: bounded so that nonsense (negative, beyond 64 bits) is a 422, not a 500.
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]
# How many rows a listing returns.
PageSize = Annotated[int, Query(ge=1, le=1000)]
