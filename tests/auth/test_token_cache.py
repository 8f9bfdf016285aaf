"""A server keeps the API tokens it checked for a few seconds: a station's scans are not a
token look-up each, yet a revoked token or a deactivated user stops working within that time,
and an expired token at once."""

from datetime import timedelta

import pytest
from sqlalchemy import event, update

from evac.auth.models import ApiToken
from evac.auth.permissions import Role, cli_actor
from evac.auth.service import (
    TOKEN_RECHECK,
    AuthenticationFailed,
    TokenCache,
    deactivate_user,
    issue_api_token,
    rotate_api_token,
)
from evac.db import utcnow


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def statements(engine) -> list[str]:
    """The SQL statements sent from here on."""
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def token_lookups(statements: list[str]) -> int:
    return sum("FROM api_token" in statement for statement in statements)


def test_a_token_is_looked_up_once_within_the_recheck_time(session, make_user, clock, statements):
    user = make_user(Role.gate_agent)
    token = issue_api_token(session, user=user, name="lane-1")
    session.commit()
    cache = TokenCache(clock=clock)
    for _ in range(5):
        assert cache.actor(session, token=token).username == user.username
        clock.now += TOKEN_RECHECK / 10
    assert token_lookups(statements) == 1
    clock.now += TOKEN_RECHECK
    cache.actor(session, token=token)
    assert token_lookups(statements) == 2


def test_a_revoked_token_stops_working_after_the_recheck_time(session, make_user, clock):
    user = make_user(Role.gate_agent)
    token = issue_api_token(session, user=user, name="lane-1")
    session.commit()
    cache = TokenCache(clock=clock)
    cache.actor(session, token=token)
    rotate_api_token(session, actor=cli_actor(), username=user.username, name="lane-1")
    session.commit()
    clock.now += TOKEN_RECHECK + timedelta(seconds=1)
    with pytest.raises(AuthenticationFailed, match="unknown or revoked"):
        cache.actor(session, token=token)


def test_a_deactivated_user_is_locked_out_after_the_recheck_time(session, make_user, clock):
    user = make_user(Role.officer)
    token = issue_api_token(session, user=user, name="laptop")
    session.commit()
    cache = TokenCache(clock=clock)
    cache.actor(session, token=token)
    deactivate_user(session, actor=cli_actor(), username=user.username)
    session.commit()
    clock.now += TOKEN_RECHECK + timedelta(seconds=1)
    with pytest.raises(AuthenticationFailed):
        cache.actor(session, token=token)


def test_an_expired_token_is_refused_at_once_though_kept(session, make_user, clock):
    user = make_user(Role.gate_agent)
    token = issue_api_token(session, user=user, name="lane-1", days=1)
    session.commit()
    cache = TokenCache(recheck=timedelta(days=3), clock=clock)
    cache.actor(session, token=token)
    # a day goes by: the token's row says it expired, and the cache does not outlive it
    session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    clock.now += timedelta(days=1, seconds=1)
    with pytest.raises(AuthenticationFailed, match="expired"):
        cache.actor(session, token=token)


def test_a_wrong_token_is_refused_every_time(session, clock):
    cache = TokenCache(clock=clock)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            cache.actor(session, token="evac_not-a-token")
