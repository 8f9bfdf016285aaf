"""Security headers on every response, as a plain ASGI middleware (no per-request overhead
beyond adding headers, which matters on the gate's check-in path)."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline scripts anywhere; inline <style> blocks are allowed (intake's forms use one).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# /docs loads evac's own copy of Swagger UI with FastAPI's small inline bootstrap script; it
# shows the API's shape, never personal data.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src blob:; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs",)
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    # Never a page's address to another site; the same site gets it, and with it the real
    # Origin on form posts (under no-referrer browsers send "Origin: null", which the CSRF
    # check cannot tell from a forged post).
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(), microphone=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else PAGE_POLICY
        extra = [*COMMON, (b"content-security-policy", policy.encode())]
        if scope.get("scheme") == "https":
            extra.append(HSTS)
        if not path.startswith("/static/"):
            # Pages and API answers may hold personal data: keep them out of browser caches.
            extra.append((b"cache-control", b"no-store"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(name, value) for name, value in extra if name not in present]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with_headers)
