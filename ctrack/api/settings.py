"""Settings of the web application and HTTP API (one object, passed to :func:`ctrack.api.app.create_app`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ctrack.api.security import ThrottleLimits
from ctrack.store.web_repo import SESSION_LIFETIME


@dataclass(frozen=True)
class Settings:
    """How the server behaves.

    ``db_url``: SQLAlchemy URL of the knowledge base (``sqlite:///…`` or
    ``postgresql+psycopg://…``). ``secure_cookies``: True marks the session
    cookie ``Secure`` always, False never, None (default) when the request came
    over HTTPS (the URL scheme, or ``X-Forwarded-Proto: https`` from a TLS
    proxy). ``session_lifetime``: how long a browser stays signed in.
    ``max_upload_bytes``: the largest file accepted by the upload (per file).
    ``max_request_bytes``: the largest request body of any kind (413 above it).
    ``throttle``: failed sign-ins and bearer tokens allowed per account and
    address (:class:`ctrack.api.security.ThrottleLimits`).
    """

    db_url: str
    secure_cookies: bool | None = None
    session_lifetime: dt.timedelta = SESSION_LIFETIME
    max_upload_bytes: int = 25 * 1024 * 1024
    max_request_bytes: int = 100 * 1024 * 1024
    throttle: ThrottleLimits = ThrottleLimits()
