"""FastAPI dependencies: who is asking, and may they."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from evac.auth.csrf import SESSION_COOKIE
from evac.auth.permissions import Actor, Permission
from evac.auth.service import AuthenticationFailed, TokenCache, actor_for_session
from evac.deps import SessionDep, app_cache

# Declared as a security scheme so that OpenAPI (and /docs's "Authorize") shows how to send the
# token; checked here, not by FastAPI, because a browser's session cookie is the other way in.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API token from `evac user token NAME`, sent as `Authorization: Bearer <token>`",
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


async def current_actor(request: Request, session: SessionDep, bearer: BearerDep) -> Actor:
    """The user behind a bearer API token or a login-session cookie; 401 without either.
    Async, so that a token this server checked a moment ago costs no hop to a thread; the
    database is read in the thread pool."""
    try:
        if bearer is not None:
            tokens = app_cache(request, "token_cache", TokenCache)
            return tokens.kept(bearer.credentials) or await run_in_threadpool(
                tokens.actor, session, token=bearer.credentials
            )
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            # kept for the page: its header shows the sections this actor may use
            request.state.actor = await run_in_threadpool(actor_for_session, session, token=cookie)
            return request.state.actor
    except AuthenticationFailed as error:
        raise _unauthorised(str(error)) from error
    raise _unauthorised("log in, or send an API token as 'Authorization: Bearer <token>'")


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


ActorDep = Annotated[Actor, Depends(current_actor)]


def requires(permission: Permission) -> Callable[[Actor], Actor]:
    """A dependency that yields the actor if their role holds `permission`, else 403."""

    # async: a check in memory, not worth a hop to the thread pool on every request
    async def check(actor: ActorDep) -> Actor:
        if not actor.can(permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"your role ({actor.role.value}) may not {permission.value}",
            )
        return actor

    check.permission = permission  # lets the authorisation-matrix test read what a route needs
    return check
