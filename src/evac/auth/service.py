"""Create users, check passwords, issue and resolve API tokens and login sessions."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from evac.auth.models import ApiToken, LoginSession, User
from evac.auth.permissions import Actor, Permission, Role
from evac.config import API_TOKEN_DAYS
from evac.db import utcnow
from evac.vault.audit import record_access

SESSION_LIFETIME = timedelta(hours=12)  # one long shift at a gate
TOKEN_RECHECK = timedelta(seconds=10)  # how long a server trusts a token it looked up
TOKEN_PREFIX = "evac_"


class AuthenticationFailed(Exception):
    """Wrong user name, wrong password, or an unknown, revoked or expired token."""


def _hash_token(token: str) -> str:
    # Tokens are long random strings: a plain SHA-256 is enough and keeps look-ups indexable.
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    partner_source: str | None = None,
) -> User:
    if role == Role.partner and not partner_source:
        raise ValueError("a partner user needs the source name its registrations carry")
    if len(password) < 12:
        raise ValueError("a password needs at least 12 characters")
    user = User(
        username=username,
        password_hash=PasswordHasher().hash(password),
        role=role,
        partner_source=partner_source,
    )
    session.add(user)
    session.flush()
    return user


def actor_of(user: User) -> Actor:
    return Actor(
        username=user.username,
        role=Role(user.role),
        user_id=user.id,
        partner_source=user.partner_source,
    )


def check_password(session: Session, *, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username, User.active))
    hasher = PasswordHasher()
    try:
        if user is None:
            # Spend the same time as a real check so timing does not reveal user names.
            hasher.verify(hasher.hash("not-a-user-password"), password + "x")
        hasher.verify(user.password_hash, password)
    except (VerificationError, AttributeError) as error:
        raise AuthenticationFailed("wrong user name or password") from error
    return user


def issue_api_token(session: Session, *, user: User, name: str, days: int = API_TOKEN_DAYS) -> str:
    """A new token for `user`, valid `days` days; the plaintext is returned once, never stored."""
    if days < 1:
        raise ValueError("a token must be valid for at least one day")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=_hash_token(token),
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    session.flush()
    return token


def actor_for_token(session: Session, *, token: str) -> Actor:
    return _token_holder(session, _hash_token(token))[0]


def _token_holder(session: Session, digest: str) -> tuple[Actor, datetime]:
    """The actor of a token, by its hash, and when the token expires: one query."""
    found = session.execute(
        select(ApiToken.name, ApiToken.expires_at, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None), User.active)
    ).first()
    if found is None:
        raise AuthenticationFailed("unknown or revoked API token")
    name, expires_at, user = found
    if expires_at <= utcnow():
        raise AuthenticationFailed(
            f"API token {name!r} expired on {expires_at:%Y-%m-%d}: ask an administrator "
            "for a new one (`evac user rotate-token`)"
        )
    return actor_of(user), expires_at


class TokenCache:
    """API tokens checked recently, kept by their hash for one server process (app.state).

    A gate's station sends its token with every scan; looking it up each time was a round
    trip per request. A token is looked up again `recheck` seconds after it was last, so a
    revoked token, or a deactivated user's, stops working on every server within that
    time; an expired one stops at once. Failures are never kept.
    """

    def __init__(
        self,
        recheck: timedelta = TOKEN_RECHECK,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.recheck, self.clock = recheck, clock
        self._holders: dict[str, tuple[datetime, Actor]] = {}  # hash: (good until, actor)

    def kept(self, token: str) -> Actor | None:
        """The token's actor if it was checked recently enough, without the database."""
        cached = self._holders.get(_hash_token(token))
        return cached[1] if cached is not None and self.clock() < cached[0] else None

    def actor(self, session: Session, *, token: str) -> Actor:
        if (actor := self.kept(token)) is not None:
            return actor
        digest, now = _hash_token(token), self.clock()
        actor, expires_at = _token_holder(session, digest)
        self._holders[digest] = (min(now + self.recheck, expires_at), actor)
        return actor


def start_session(session: Session, *, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user_id=user.id,
            token_hash=_hash_token(token),
            expires_at=utcnow() + SESSION_LIFETIME,
        )
    )
    session.flush()
    return token


def actor_for_session(session: Session, *, token: str) -> Actor:
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _hash_token(token)))
    if row is None or row.expires_at < utcnow() or not row.user.active:
        raise AuthenticationFailed("session expired: log in again")
    return actor_of(row.user)


def end_session(session: Session, *, token: str) -> None:
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _hash_token(token)))
    if row is not None:
        session.delete(row)


def add_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    partner_source: str | None = None,
) -> User:
    """`create_user` as an administrator asks for it: checked and audited."""
    actor.require(Permission.users_manage)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValueError(f"user {username!r} exists already; choose another name")
    user = create_user(
        session, username=username, password=password, role=role, partner_source=partner_source
    )
    record_access(
        session,
        actor=actor,
        action="user.create",
        purpose="user management",
        subject=f"user:{user.id}",
        details={"role": role.value, "partner_source": partner_source},
    )
    return user


def grant_api_token(
    session: Session, *, actor: Actor, username: str, name: str, days: int = API_TOKEN_DAYS
) -> str:
    """A new API token for `username`, checked and audited; the plaintext is returned once."""
    actor.require(Permission.users_manage)
    user = _user_named(session, username)
    token = issue_api_token(session, user=user, name=name, days=days)
    _audit_token(session, actor, user, "token.issue", name, days)
    return token


def rotate_api_token(
    session: Session, *, actor: Actor, username: str, name: str, days: int = API_TOKEN_DAYS
) -> str:
    """Revoke `username`'s tokens called `name` (expired or not) and issue one in their place:
    the partner's system switches to the new one, and a leaked old one stops working now."""
    actor.require(Permission.users_manage)
    user = _user_named(session, username)
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.name == name, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    if not revoked:
        raise LookupError(f"{username} has no token called {name!r}: see `evac user tokens`")
    token = issue_api_token(session, user=user, name=name, days=days)
    _audit_token(session, actor, user, "token.rotate", name, days)
    return token


def list_api_tokens(session: Session, *, actor: Actor, username: str) -> list[ApiToken]:
    """A user's tokens that are not revoked, expired ones included, soonest to expire first."""
    actor.require(Permission.users_manage)
    user = _user_named(session, username)
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.expires_at)
        )
    )


def _audit_token(session: Session, actor: Actor, user: User, action: str, name: str, days: int):
    record_access(
        session,
        actor=actor,
        action=action,
        purpose="user management",
        subject=f"user:{user.id}",
        details={"token_name": name, "days": days},
    )


def deactivate_user(session: Session, *, actor: Actor, username: str) -> None:
    """Lock a user out at once: sessions and tokens stop working with the next request."""
    actor.require(Permission.users_manage)
    user = _user_named(session, username)
    user.active = False
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    record_access(
        session,
        actor=actor,
        action="user.deactivate",
        purpose="user management",
        subject=f"user:{user.id}",
    )


def list_users(session: Session, *, actor: Actor) -> list[User]:
    actor.require(Permission.users_manage)
    return list(session.scalars(select(User).order_by(User.username)))


def _user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"no user {username!r}: see `evac user list`")
    return user
