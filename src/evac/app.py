"""The FastAPI application: API routes, pages and static files."""

from pathlib import Path

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from evac import __version__
from evac.auth.csrf import CrossSiteRefused, check_csrf
from evac.auth.headers import SecurityHeaders
from evac.auth.permissions import Forbidden
from evac.auth.views import router as auth_router
from evac.config import Settings
from evac.db import make_engine, make_sessionmaker
from evac.deps import get_language, make_templates, render
from evac.intake.views import router as intake_router
from evac.linkage.views import router as linkage_router
from evac.people.views import router as people_router
from evac.vault.service import KeysDestroyed
from evac.vault.views import router as audit_router

STATIC_DIR = Path(__file__).parent / "web" / "static"
SHREDDED = (
    "this operation's personal data was destroyed (crypto-shred): nothing can be read or added"
)


def _wants_page(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _page_or_json(request: Request, template: str, status_code: int, detail: str) -> Response:
    """A page in the user's language for a browser, JSON for an API client."""
    if _wants_page(request):
        response = render(request, template, get_language(request))
        response.status_code = status_code
        return response
    return JSONResponse({"detail": detail}, status_code=status_code)


class Health(BaseModel):
    status: str
    database: str


class Version(BaseModel):
    name: str
    version: str


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="evac",
        version=__version__,
        description="Register, link, decide, plan, call forward, check in and account for "
        "evacuees of a noncombatant evacuation operation.",
        dependencies=[Depends(check_csrf)],
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    app.state.templates = make_templates()
    app.state.rate_limiters = {}
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(Forbidden)
    def forbidden(_request: Request, error: Forbidden) -> JSONResponse:
        """A role check in a service refused: the same 403 as a route-level check."""
        return JSONResponse({"detail": str(error)}, status_code=403)

    @app.exception_handler(KeysDestroyed)
    def shredded(request: Request, _error: KeysDestroyed) -> Response:
        """The operation was crypto-shredded on purpose: gone for good, not a server fault."""
        return _page_or_json(request, "gone.html", 410, SHREDDED)

    @app.exception_handler(CrossSiteRefused)
    def cross_site(request: Request, error: CrossSiteRefused) -> Response:
        """A browser whose form expired gets a page in its language saying to reload it."""
        return _page_or_json(request, "refused.html", error.status_code, error.detail)

    @app.exception_handler(HTTPException)
    async def login_for_pages(request: Request, error: HTTPException):
        """A browser asking for a page without a session goes to the login page."""
        if error.status_code == 401 and _wants_page(request) and request.method == "GET":
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return await http_exception_handler(request, error)

    @app.get("/health", response_model=Health, tags=["system"])
    def health() -> Health:
        """Whether the service runs and reaches its database."""
        with app.state.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return Health(status="ok", database=app.state.engine.dialect.name)

    @app.get("/version", response_model=Version, tags=["system"])
    def version() -> Version:
        return Version(name="evac", version=__version__)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/status")

    app.include_router(auth_router)
    app.include_router(people_router)
    app.include_router(audit_router)
    app.include_router(intake_router)
    app.include_router(linkage_router)
    return app


def server_config(
    settings: Settings, *, host: str, port: int, log_level: str = "info"
) -> uvicorn.Config:
    """uvicorn as `evac serve` runs it. X-Forwarded-For and -Proto are believed only from the
    proxies the settings name: uvicorn's default believes any local process, so a client
    behind no proxy could pass for many and dodge the login and registration rate limits."""
    trusted = settings.forwarded_allow_ips.strip()
    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )
