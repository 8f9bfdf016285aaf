"""Create users, check passwords, issue and resolve API tokens and login sessions."""

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from evac.auth.models import ApiToken, LoginSession, User
from evac.auth.permissions import Actor, Role
from evac.db import utcnow

SESSION_LIFETIME = timedelta(hours=12)  # one long shift at a gate
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


def issue_api_token(session: Session, *, user: User, name: str) -> str:
    """A new token for `user`; the plaintext is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_hash_token(token)))
    session.flush()
    return token


def actor_for_token(session: Session, *, token: str) -> Actor:
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        raise AuthenticationFailed("unknown or revoked API token")
    return actor_of(row.user)


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
