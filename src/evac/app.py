"""The FastAPI application: API routes, pages and static files."""

from pathlib import Path

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
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
from evac.eligibility.views import router as eligibility_router
from evac.gate.pages import router as gate_pages_router
from evac.gate.views import router as gate_router
from evac.intake.views import router as intake_router
from evac.linkage.run_views import router as linkage_runs_router
from evac.linkage.runs import LinkageRuns
from evac.linkage.views import router as linkage_router
from evac.notify.views import router as notify_router
from evac.people.views import router as people_router
from evac.planning.views import router as planning_router
from evac.reports.pages import router as report_pages_router
from evac.reports.views import router as reports_router
from evac.vault.service import KeysDestroyed
from evac.vault.views import router as audit_router

STATIC_DIR = Path(__file__).parent / "web" / "static"
SWAGGER = "/static/swagger"
API_DESCRIPTION = """\
The API of evac, the register of a noncombatant evacuation.

- **intake**: partners and staff submit registrations as JSON rows and follow each submission
  (rows accepted, duplicates, rows refused with the column and the reason).
- **linkage**: staff decide the doubtful pairs of registrations, split a person merged by
  mistake and read a person's linkage history.
- **search**: find persons by a name in either script (variant spellings agree), a phone, a
  document number or an EV- reference; every search is audited with its purpose.
- **people**: how many persons are in each lifecycle state.
- **audit**: auditors read the hash-chained audit log and check that it is intact.

Every call but `/health` and `/version` needs an API token (`evac user token NAME`) sent as
`Authorization: Bearer <token>`; what it may do depends on its user's role, and a partner sees
its own submissions only. The web pages (self-registration, review, status) are not part of
this API.
"""
API_TAGS = [
    {"name": "intake", "description": "Registrations sent as JSON rows, and their submissions."},
    {"name": "linkage", "description": "Doubtful pairs to review, splits, linkage history."},
    {"name": "search", "description": "Persons found by name, phone, document or reference."},
    {"name": "people", "description": "Counts of persons by lifecycle state."},
    {"name": "audit", "description": "The audit log: who read or changed what, and why."},
    {"name": "gate", "description": "Check-ins at the gates, ECC steps, conflicts, who is where."},
    {"name": "system", "description": "Whether evac runs, and its version."},
]
SHREDDED = (
    "this operation's personal data was destroyed (crypto-shred): nothing can be read or added"
)


async def refuse_nul(request: Request) -> None:
    """A NUL byte in a query or path parameter is a 422: no real name or number holds one, and
    PostgreSQL refuses it in a query (each such parameter was a 500 there). Async: a check in
    memory, not worth a hop to a thread on every request."""
    values = [*request.query_params.values(), *map(str, request.path_params.values())]
    if any("\x00" in value for value in values):
        raise HTTPException(422, "a parameter holds a NUL byte")


def _operation_id(route: APIRoute) -> str:
    """A route that names no operationId gets its function's name in camelCase
    (`registrationForm`), not FastAPI's `registration_form_register_get`."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


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
        description=API_DESCRIPTION,
        openapi_tags=API_TAGS,
        dependencies=[Depends(check_csrf), Depends(refuse_nul)],
        docs_url=None,  # served below from evac's own copy of Swagger UI, not a CDN
        redoc_url=None,  # ReDoc would load from a CDN; Swagger UI shows the same document
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    app.state.templates = make_templates()
    app.state.rate_limiters = {}
    app.state.linkage_runs = LinkageRuns()  # runs started from the imports page
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

    @app.get(
        "/health",
        response_model=Health,
        tags=["system"],
        operation_id="getHealth",
        summary="Whether evac runs",
    )
    def health() -> Health:
        """Whether the service runs and reaches its database."""
        with app.state.engine.connect() as connection:
            # AUTOCOMMIT: the check takes no lock, so a long write never makes it look down
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("SELECT 1")
        return Health(status="ok", database=app.state.engine.dialect.name)

    @app.get(
        "/version",
        response_model=Version,
        tags=["system"],
        operation_id="getVersion",
        summary="evac's version",
    )
    def version() -> Version:
        """The version of evac that answers."""
        return Version(name="evac", version=__version__)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from evac's own static files: it works in an office cut off from the
        Internet."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="evac API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
            # Swagger UI would send the document to an online validator and show its badge
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/status")

    # FastAPI tries each router's routes in turn: a gate's check-in, the busiest call by far,
    # was matched after some hundred others (0.2 ms of CPU a request)
    app.include_router(gate_router)
    app.include_router(auth_router)
    app.include_router(people_router)
    app.include_router(audit_router)
    app.include_router(intake_router)
    app.include_router(linkage_router)
    app.include_router(linkage_runs_router)
    app.include_router(reports_router)
    app.include_router(report_pages_router)
    app.include_router(eligibility_router)
    app.include_router(planning_router)
    app.include_router(notify_router)
    app.include_router(gate_pages_router)
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
