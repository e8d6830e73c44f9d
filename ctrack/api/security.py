"""Defences of the web app and HTTP API: sign-in throttling, response headers, a request size cap.

- :class:`Throttle`: failed sign-ins (per account and per client address) and
  failed bearer tokens (per client address) are counted in a moving window
  with the ``limits`` library (the engine of slowapi, kept by the same
  people; slowapi's decorators limit every request to a route, while here
  only *failures* count, so its :class:`limits.strategies.MovingWindowRateLimiter`
  is used directly). Over the limit, the request is refused with 429 and
  ``Retry-After`` before any password is checked (an argon2 check costs
  64 MiB and ~50 ms). Counts live in the server process's memory: they
  restart with the server, and each worker process of a multi-process
  deployment counts on its own.
- :class:`SecurityHeaders`: CSP, ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy`` on every answer.
- :class:`BodyLimit`: a request whose body is over the cap is answered 413,
  whether it says its length (``Content-Length``) or streams it (chunked).
- :func:`check_integers`: whole numbers in the path or query beyond 64 bits
  (ids, offsets) are refused with FastAPI's own 422 before any handler runs.
"""
from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

#: Content-Security-Policy of every answer: scripts, styles, images and fonts from this server only (inline
#: ``style`` attributes are allowed: the pages size bars with them; no inline script exists or may run),
#: no plugins, no framing, forms post only here.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class Throttled(Exception):
    """Too many failures from this account or address: refuse for ``retry_after`` seconds (HTTP 429)."""

    def __init__(self, what: str, retry_after: int):
        super().__init__(f"too many failed {what}; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class ThrottleLimits:
    """The limits, in ``limits`` notation ("N per M minutes"), of failures in a moving window.

    Defaults: 10 failed sign-ins per account and 30 per client address in 15
    minutes (OWASP's authentication cheat sheet asks for a lockout or
    throttle per account, and per address against password spraying); 30
    failed bearer tokens per address in 15 minutes.
    """

    login_per_account: str = "10 per 15 minutes"
    login_per_address: str = "30 per 15 minutes"
    token_per_address: str = "30 per 15 minutes"


class Throttle:
    """Counts failures per key in memory; :meth:`check` raises :class:`Throttled` when a key is over its limit."""

    def __init__(self, limits: ThrottleLimits | None = None):
        self.limits = limits or ThrottleLimits()
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._items: dict[str, RateLimitItem] = {
            "login-account": parse(self.limits.login_per_account),
            "login-address": parse(self.limits.login_per_address),
            "token-address": parse(self.limits.token_per_address),
        }

    def _keys(self, kind: str, account: str | None, address: str | None) -> list[tuple[RateLimitItem, str]]:
        out = []
        if kind == "login":
            if account:
                out.append((self._items["login-account"], account.strip().lower()[:100]))
            out.append((self._items["login-address"], address or "unknown"))
        else:
            out.append((self._items["token-address"], address or "unknown"))
        return out

    def check(self, kind: str, *, account: str | None = None, address: str | None = None) -> None:
        """Raise :class:`Throttled` (with the seconds until a failure leaves the window) when the account or the
        address has used up its failures. ``kind``: "login" or "token"."""
        for item, key in self._keys(kind, account, address):
            if not self._limiter.test(item, kind, key):
                reset = self._limiter.get_window_stats(item, kind, key).reset_time
                what = "sign-ins" if kind == "login" else "API tokens"
                raise Throttled(what, max(1, math.ceil(reset - time.time())))

    def failed(self, kind: str, *, account: str | None = None, address: str | None = None) -> None:
        """Count one failure of ``kind`` against the account and the address."""
        for item, key in self._keys(kind, account, address):
            self._limiter.hit(item, kind, key)

    def reset(self) -> None:
        """Forget every count (tests; a restart does the same)."""
        self._limiter.storage.reset()


def client_address(scope_or_request) -> str | None:
    """The client's address as the server sees it (the proxy's ``X-Forwarded-For`` only from
    ``--forwarded-allow-ips``, which uvicorn applies before the app runs)."""
    client = getattr(scope_or_request, "client", None)
    return client.host if client else None


class SecurityHeaders:
    """ASGI middleware: add :data:`HEADERS` to every HTTP answer (those an answer sets itself are kept)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in have]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware: refuse a request body over ``max_bytes`` with 413 (JSON under ``/api/``, text elsewhere).

    A ``Content-Length`` over the cap is refused before anything is read; a
    body streamed without it is counted as it comes, and refused when it
    passes the cap (the app then sees a disconnect).
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope, send):
        detail = f"request body over {self.max_bytes} bytes"
        if scope.get("path", "").startswith("/api/"):
            body, kind = json.dumps({"detail": detail, "code": "E004"}).encode(), b"application/json"
        else:
            body, kind = detail.encode(), b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")] + HEADERS})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    return await self._refuse(scope, send)
        seen = 0
        started = False
        refused = False

        async def counting_receive():
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, tracking_send)




#: Largest integer the databases store (a signed 64-bit INTEGER / BIGINT); ids and offsets above it are refused.
MAX_INT = 2 ** 63 - 1
_INTEGER = re.compile(r"^[+-]?\d+$")


def integer_errors(request) -> list[dict]:
    """Validation errors (FastAPI's ``loc``/``msg``/``type`` shape) for path and query values that are whole
    numbers outside the 64-bit range the databases store: an id or offset of 2^63 or more would reach the
    driver and fail there (OverflowError, a 500) instead of being refused at the edge."""
    errors = []
    for where, values in (("path", request.path_params.items()), ("query", request.query_params.multi_items())):
        for name, value in values:
            if isinstance(value, str) and _INTEGER.match(value.strip()) and abs(int(value)) > MAX_INT:
                errors.append({"type": "less_than_equal", "loc": [where, name],
                               "msg": f"Input should be less than or equal to {MAX_INT}", "input": value,
                               "ctx": {"le": MAX_INT}})
    return errors


async def check_integers(request: Request) -> None:
    """App-wide dependency: refuse out-of-range whole numbers in the path or query with FastAPI's 422
    (:func:`integer_errors`), before any handler runs."""
    errors = integer_errors(request)
    if errors:
        raise RequestValidationError(errors)


__all__ = ["CSP", "HEADERS", "MAX_INT", "Throttle", "ThrottleLimits", "Throttled", "SecurityHeaders", "BodyLimit",
           "client_address", "check_integers", "integer_errors"]
