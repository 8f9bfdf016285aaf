"""Rate limits for doors anyone can knock on: the login form, the public registration form.

A sliding window per key (the client address, a user name) in this process's memory: enough
for one server; behind several servers each counts on its own (docs/security.md).

Use on a route: `dependencies=[Depends(rate_limit("register", limit=60, window=600))]`.
"""

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from fastapi import HTTPException, Request, status


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many attempts: try again in {math.ceil(retry_after)} seconds")
        self.retry_after = retry_after


class RateLimiter:
    """At most `limit` hits per key in any `window` seconds."""

    def __init__(
        self, *, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits[key]
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def check(self, key: str) -> None:
        """Raise RateLimited if `key` has used up its hits; counts nothing."""
        self._take(key, count=False)

    def hit(self, key: str) -> None:
        """Count one hit for `key`; raise RateLimited if that is one too many."""
        self._take(key, count=True)

    def _take(self, key: str, *, count: bool) -> None:
        with self._lock:
            now = self.clock()
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                raise RateLimited(hits[0] + self.window - now)
            if count:
                hits.append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


def limiter(request: Request, name: str, *, limit: int, window: float) -> RateLimiter:
    """The app's limiter called `name` (one per app in `app.state.rate_limiters`)."""
    limiters: dict[str, RateLimiter] = request.app.state.rate_limiters
    if name not in limiters:
        # setdefault is atomic: two first requests at once still share one limiter.
        limiters.setdefault(name, RateLimiter(limit=limit, window=window))
    return limiters[name]


def client_key(request: Request) -> str:
    """The client's address as the server believes it: uvicorn puts a proxy's X-Forwarded-For
    there only for the proxies EVAC_FORWARDED_ALLOW_IPS names (evac.app.server_config)."""
    return request.client.host if request.client else "unknown"


def too_many(error: RateLimited) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        detail=str(error),
        headers={"Retry-After": str(math.ceil(error.retry_after))},
    )


def rate_limit(name: str, *, limit: int, window: float) -> Callable[[Request], None]:
    """A route dependency: at most `limit` requests per client address in `window` seconds."""

    def check(request: Request) -> None:
        try:
            limiter(request, name, limit=limit, window=window).hit(client_key(request))
        except RateLimited as error:
            raise too_many(error) from error

    return check
