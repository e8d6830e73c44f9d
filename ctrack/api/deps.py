"""Request plumbing shared by the API and the web pages: database sessions, who is asking, what they may do.

Authentication, in this order:

1. ``Authorization: Bearer <token>``: a personal API token
   (:func:`ctrack.store.web_repo.user_for_token`). A bad or revoked token is
   refused (401) even if a session cookie comes with it. Bad tokens are
   counted per client address (:class:`ctrack.api.security.Throttle`); over
   the limit every bearer request from there gets 429 with ``Retry-After``.
2. The session cookie :data:`SESSION_COOKIE` of a signed-in browser
   (:func:`ctrack.store.web_repo.get_web_session`).

Authorization: :func:`require` gives a dependency that answers 401 to an
anonymous request and 403 to a role that is too low
(:meth:`ctrack.store.web_models.UserRole.allows`). A write (any method but
GET, HEAD, OPTIONS) made with the session cookie must also carry the
session's CSRF token in the :data:`CSRF_HEADER` header (API calls from the
pages' scripts) or the :data:`CSRF_FIELD` form field (the pages' forms,
see :func:`request_csrf_token`); Bearer clients are not exposed to CSRF and
need none. The pages' forms are checked by the same dependency as the API.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ctrack.api.security import Throttled, client_address
from ctrack.api.settings import Settings
from ctrack.store import web_repo
from ctrack.store.db import end_session
from ctrack.store.web_models import UserRole

#: Name of the browser session cookie (HttpOnly, SameSite=Lax, Secure behind TLS).
SESSION_COOKIE = "ctrack_session"
#: Header that carries the CSRF token on API writes made with the session cookie.
CSRF_HEADER = "X-CSRF-Token"
#: Form field that carries the CSRF token on the pages' forms.
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    """Who is asking: the account's id, name and role, how they signed in, and their session's CSRF token."""

    user_id: int
    name: str
    role: UserRole
    via: Literal["token", "session"]
    csrf_token: str | None = None

    def allows(self, role: UserRole) -> bool:
        """True when this account may do what ``role`` may."""
        return self.role.allows(role)


def get_engine(request: Request) -> Engine:
    """The engine of the knowledge base the app was created for."""
    return request.app.state.engine


def get_settings(request: Request) -> Settings:
    """The app's :class:`Settings`."""
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """A database session for one request; handlers commit what they change, anything else is rolled back
    (:func:`ctrack.store.db.end_session`: a transaction that only read is ended with a ``COMMIT``)."""
    session = Session(get_engine(request), expire_on_commit=False)
    done = False
    try:
        yield session
        done = True
    finally:
        if done:
            end_session(session)  # a transaction of reads only is committed (prepared statements kept), see there
        else:
            session.rollback()
            session.close()


class BadToken(Exception):
    """An Authorization header with a token that is unknown, revoked or of a disabled account."""


def resolve_principal(request: Request, db: Session) -> Principal | None:
    """The :class:`Principal` of ``request``, or None when anonymous (cached on ``request.state``).

    Raises :class:`BadToken` for an ``Authorization: Bearer`` header whose token is not valid, and
    :class:`ctrack.api.security.Throttled` when the client's address has sent too many bad tokens.
    """
    if hasattr(request.state, "principal"):
        return request.state.principal
    principal: Principal | None = None
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise BadToken("only 'Authorization: Bearer <token>' is accepted")
        throttle = request.app.state.throttle
        throttle.check("token", address=client_address(request))
        user = web_repo.user_for_token(db, token.strip())
        if user is None:
            db.rollback()
            throttle.failed("token", address=client_address(request))
            raise BadToken("unknown or revoked API token")
        principal = Principal(user.id, user.name, user.role, "token")
    else:
        live = web_repo.get_web_session(db, request.cookies.get(SESSION_COOKIE))
        if live is not None:
            principal = Principal(live.user.id, live.user.name, live.user.role, "session", live.csrf_token)
    if db.new or db.dirty or db.deleted:  # a token's time of use, an expired session deleted: kept at once
        db.commit()
    request.state.principal = principal
    return principal


def optional_principal(request: Request, db: Session = Depends(get_db)) -> Principal | None:
    """The principal, or None when anonymous or the token is bad (for pages that show a sign-in link);
    429 when the address is throttled for bad tokens."""
    try:
        return resolve_principal(request, db)
    except BadToken:
        return None
    except Throttled as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None


def csrf_ok(principal: Principal, token: str | None) -> bool:
    """True when ``token`` is the CSRF token of the principal's session (always True for token clients)."""
    if principal.via == "token":
        return True
    return bool(token and principal.csrf_token and secrets.compare_digest(token, principal.csrf_token))


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def request_csrf_token(request: Request) -> str | None:
    """The CSRF token a request carries: the :data:`CSRF_HEADER` header, else the :data:`CSRF_FIELD` form field.

    Reading the form here is free for the handler: Starlette keeps the parsed form on the request.
    """
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    if request.headers.get("content-type", "").startswith(_FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def require(role: UserRole = UserRole.VIEWER) -> Callable[..., Principal]:
    """A dependency: the principal, who must hold ``role`` or higher.

    401 (with ``WWW-Authenticate: Bearer``) when anonymous or the token is
    bad; 429 (with ``Retry-After``) when the address sent too many bad tokens; 403 when the role is too low, or for a write made with the session
    cookie that does not carry the session's CSRF token (header or form
    field, see :func:`request_csrf_token`).
    """

    def authenticated(request: Request, db: Session = Depends(get_db)) -> Principal:
        try:
            principal = resolve_principal(request, db)
        except BadToken as exc:
            raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
        except Throttled as exc:
            raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
        if principal is None:
            raise HTTPException(401, "sign in or send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        if not principal.allows(role):
            raise HTTPException(403, f"this needs the {role.value} role; {principal.name} is {principal.role.value}")
        return principal

    async def dependency(request: Request, principal: Principal = Depends(authenticated)) -> Principal:
        if request.method not in SAFE_METHODS and not csrf_ok(principal, await request_csrf_token(request)):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
        return principal

    dependency.__name__ = f"require_{role.value}"
    return dependency


#: Shorthands for the three roles.
viewer = require(UserRole.VIEWER)
analyst = require(UserRole.ANALYST)
admin = require(UserRole.ADMIN)


__all__ = [
    "SESSION_COOKIE", "CSRF_HEADER", "CSRF_FIELD", "Principal", "BadToken", "get_engine", "get_settings",
    "get_db", "resolve_principal", "optional_principal", "csrf_ok", "require", "viewer", "analyst", "admin",
    "request_csrf_token",
]
