"""Cross-site request forgery: every state-changing request made with a cookie must come from
one of evac's own pages, proved twice.

- The Origin (or, from older browsers, the Referer) must be this site or one the settings
  trust. Pages send `Referrer-Policy: same-origin`, so a browser sends the real origin on
  evac's own forms and `null` on another site's; `null` is refused.
- A token from the page must come back in the form field `csrf` (or, from a script, the
  `X-CSRF-Token` header). Logged in, it is a digest of the session cookie: a sibling
  subdomain that can plant cookies cannot know it. Before login (the login form, the public
  registration form) it is the `evac_csrf` cookie itself (double submit), set with the page.

Requests that carry `Authorization: Bearer` are exempt: a browser never adds that header to a
cross-site request, so a partner's system is not asked for tokens it cannot have. So are those
that carry `X-Twilio-Signature` (an SMS gateway's delivery reports), for the same reason; the
one route that takes them checks the signature itself (evac.notify.views).
"""

import hashlib
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, Response, status

SESSION_COOKIE = "evac_session"
CSRF_COOKIE = "evac_csrf"
FORM_FIELD = "csrf"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REFUSED = (
    "refused as a possible cross-site request: a form must come from its page on this site "
    "(reload it and try again); an API client sends 'Authorization: Bearer <token>'"
)


class CrossSiteRefused(HTTPException):
    """A state-changing request that did not prove it came from one of evac's own pages."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_403_FORBIDDEN, detail=REFUSED)


def set_private_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A cookie no script can read and no other site's request carries."""
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


def form_token(request: Request) -> str:
    """The token a page puts in its forms (the same for every form of one request)."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return _session_token(session)
    if not hasattr(request.state, "csrf_cookie"):
        request.state.csrf_cookie = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    return request.state.csrf_cookie


def keep_token_cookie(request: Request, response: Response) -> None:
    """Send the double-submit cookie with a page whose forms carry a new one."""
    new = getattr(request.state, "csrf_cookie", None)
    if new and new != request.cookies.get(CSRF_COOKIE):
        set_private_cookie(request, response, CSRF_COOKIE, new)


def _session_token(session: str) -> str:
    return hashlib.sha256(b"evac-csrf:" + session.encode()).hexdigest()


async def check_csrf(request: Request) -> None:
    """An app-wide dependency: 403 for a forged or foreign state-changing request."""
    if request.method in SAFE_METHODS or _bearer(request) or _gateway_signed(request):
        return
    if not _same_origin(request):
        raise CrossSiteRefused
    expected = _expected_token(request)
    submitted = await _submitted_token(request)
    if not expected or not secrets.compare_digest(expected.encode(), submitted.encode()):
        raise CrossSiteRefused


def _bearer(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


def _gateway_signed(request: Request) -> bool:
    return "x-twilio-signature" in request.headers


def _same_origin(request: Request) -> bool:
    """The request's Origin, else its Referer, names this site or a trusted one; a request
    with neither (a script, an old browser) is left to the token alone."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is None:
        return True
    try:
        parts = urlsplit(claimed)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return False
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    trusted = {o.rstrip("/").lower() for o in request.app.state.settings.trusted_origins}
    host = request.headers.get("host", "").lower()
    return bool(parts.netloc) and (parts.netloc.lower() == host or origin in trusted)


def _expected_token(request: Request) -> str | None:
    session = request.cookies.get(SESSION_COOKIE)
    return _session_token(session) if session else request.cookies.get(CSRF_COOKIE)


async def _submitted_token(request: Request) -> str:
    if header := request.headers.get(HEADER):
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(FORM_FIELD)
        return value if isinstance(value, str) else ""
    return ""
