"""FastAPI dependencies: who is asking, and may they."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from evac.auth.csrf import SESSION_COOKIE
from evac.auth.permissions import Actor, Permission
from evac.auth.service import AuthenticationFailed, actor_for_session, actor_for_token
from evac.deps import SessionDep


def current_actor(request: Request, session: SessionDep) -> Actor:
    """The user behind a bearer API token or a login-session cookie; 401 without either."""
    header = request.headers.get("authorization", "")
    try:
        if header.lower().startswith("bearer "):
            return actor_for_token(session, token=header[7:].strip())
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            return actor_for_session(session, token=cookie)
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

    def check(actor: ActorDep) -> Actor:
        if not actor.can(permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"your role ({actor.role.value}) may not {permission.value}",
            )
        return actor

    check.permission = permission  # lets the authorisation-matrix test read what a route needs
    return check
