"""Accounts, personal API tokens and browser sessions: every query and write on the web tables.

The CLI (``ctrack user add``, ``ctrack token create``), the HTTP API and the
web pages use these functions and nothing else to reach
:mod:`ctrack.store.web_models`. Each function takes an open
:class:`sqlalchemy.orm.Session` and leaves committing to the caller
(:func:`ctrack.store.db.session_scope`).

Secrets: passwords are hashed with argon2id (argon2-cffi's
:class:`~argon2.PasswordHasher` defaults, the OWASP recommendation);
API tokens and session cookies are 256-bit random strings
(:func:`secrets.token_urlsafe`) stored only as their SHA-256, so a copy of
the database gives no usable credential.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ctrack.errors import NotFound, StoreError
from ctrack.store.models import utcnow
from ctrack.store.web_models import DbApiToken, DbUser, DbWebSession, UserRole

_hasher = PasswordHasher()
#: A valid hash of a random password, verified when a login names no account so that
#: a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

#: Prefix of every personal API token (lets secret scanners and people recognise one).
TOKEN_PREFIX = "ctk_"
#: How long a browser session lasts without signing in again.
SESSION_LIFETIME = dt.timedelta(hours=12)
#: Shortest password accepted.
MIN_PASSWORD_LENGTH = 8

_NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,100}$")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- users


def hash_password(password: str) -> str:
    """The argon2id PHC string for ``password``."""
    return _hasher.hash(password)


def create_user(session: Session, name: str, role: UserRole | str, password: str) -> DbUser:
    """Create the account ``name`` with ``role`` and ``password``; returns the new row (flushed).

    ``name``: 1-100 characters of letters, digits and ``_ . @ -``.
    Raises :class:`ctrack.errors.StoreError` for a bad name, a password shorter
    than :data:`MIN_PASSWORD_LENGTH`, an unknown role, or a name already taken.
    """
    if not _NAME_RE.match(name or ""):
        raise StoreError(f"bad user name {name!r}: use 1-100 letters, digits, '_', '.', '@' or '-'")
    try:
        role = UserRole(role)
    except ValueError:
        raise StoreError(f"unknown role {role!r}: one of {', '.join(r.value for r in UserRole)}") from None
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise StoreError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(DbUser.id).where(DbUser.name == name)) is not None:
        raise StoreError(f"user {name!r} already exists")
    user = DbUser(name=name, role=role, password_hash=hash_password(password), active=True)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, name: str) -> DbUser:
    """The account ``name``. Raises :class:`ctrack.errors.NotFound` if there is none."""
    user = session.scalar(select(DbUser).where(DbUser.name == name))
    if user is None:
        raise NotFound(f"no user {name!r}")
    return user


def list_users(session: Session) -> list[DbUser]:
    """Every account, by name."""
    return list(session.scalars(select(DbUser).order_by(DbUser.name)))


def set_role(session: Session, name: str, role: UserRole | str) -> DbUser:
    """Give ``name`` the role ``role``. Raises NotFound / StoreError (unknown role)."""
    user = get_user(session, name)
    try:
        user.role = UserRole(role)
    except ValueError:
        raise StoreError(f"unknown role {role!r}") from None
    return user


def set_password(session: Session, name: str, password: str) -> DbUser:
    """Replace the password of ``name``; ends its browser sessions. Raises NotFound / StoreError (too short)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise StoreError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    user = get_user(session, name)
    user.password_hash = hash_password(password)
    session.execute(delete(DbWebSession).where(DbWebSession.user_id == user.id))
    return user


def set_active(session: Session, name: str, active: bool) -> DbUser:
    """Enable or disable ``name``; a disabled account cannot sign in and its tokens and sessions stop working."""
    user = get_user(session, name)
    user.active = active
    if not active:
        session.execute(delete(DbWebSession).where(DbWebSession.user_id == user.id))
    return user


def authenticate(session: Session, name: str, password: str) -> DbUser | None:
    """The active account ``name`` if ``password`` is its password, else None.

    Takes as long for an unknown name as for a wrong password. Rehashes the
    password when argon2's parameters have changed since it was stored.
    """
    user = session.scalar(select(DbUser).where(DbUser.name == name))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


# ---------------------------------------------------------------- API tokens


def create_token(session: Session, user_name: str, label: str | None = None) -> tuple[str, DbApiToken]:
    """A new personal API token for ``user_name``: returns ``(token, row)``.

    ``token`` (``ctk_`` + 43 URL-safe characters) is the only copy of the
    secret; the row keeps its SHA-256 and its first 12 characters. Raises
    :class:`ctrack.errors.NotFound` for an unknown user.
    """
    user = get_user(session, user_name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = DbApiToken(user_id=user.id, token_hash=_sha256(token), prefix=token[:12], label=label)
    session.add(row)
    session.flush()
    return token, row


def user_for_token(session: Session, token: str) -> DbUser | None:
    """The active account a (not revoked) token belongs to, or None. Records the time of use."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(DbApiToken).where(DbApiToken.token_hash == _sha256(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def list_tokens(session: Session, user_name: str) -> list[DbApiToken]:
    """The tokens of ``user_name`` (revoked ones too), newest first. Raises NotFound."""
    user = get_user(session, user_name)
    return list(session.scalars(
        select(DbApiToken).where(DbApiToken.user_id == user.id).order_by(DbApiToken.id.desc())))


def revoke_token(session: Session, token_id: int, user_name: str | None = None) -> DbApiToken:
    """Revoke token ``token_id`` (of ``user_name`` when given). Raises NotFound."""
    row = session.get(DbApiToken, token_id)
    if row is None or (user_name is not None and row.user.name != user_name):
        raise NotFound(f"no token {token_id}" + (f" of user {user_name!r}" if user_name else ""))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


# ---------------------------------------------------------------- browser sessions


def create_web_session(session: Session, user: DbUser,
                       lifetime: dt.timedelta = SESSION_LIFETIME) -> tuple[str, DbWebSession]:
    """Sign ``user`` in: returns ``(cookie_value, row)``; the row holds the session's CSRF token."""
    cookie = secrets.token_urlsafe(32)
    row = DbWebSession(id=_sha256(cookie), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                       expires_at=utcnow() + lifetime)
    session.add(row)
    session.flush()
    return cookie, row


def get_web_session(session: Session, cookie: str | None) -> DbWebSession | None:
    """The live session of ``cookie`` with an active user, or None (an expired one is deleted)."""
    if not cookie:
        return None
    row = session.get(DbWebSession, _sha256(cookie))
    if row is None:
        return None
    if _aware(row.expires_at) <= utcnow() or not row.user.active:
        session.delete(row)
        return None
    return row


def end_web_session(session: Session, cookie: str | None) -> None:
    """Sign out: delete the session of ``cookie`` (nothing happens for an unknown one)."""
    if cookie:
        session.execute(delete(DbWebSession).where(DbWebSession.id == _sha256(cookie)))


def purge_expired_sessions(session: Session) -> int:
    """Delete every expired session; returns how many."""
    result = session.execute(delete(DbWebSession).where(DbWebSession.expires_at <= utcnow()))
    return result.rowcount or 0


__all__ = [
    "TOKEN_PREFIX", "SESSION_LIFETIME", "MIN_PASSWORD_LENGTH", "hash_password", "create_user", "get_user",
    "list_users", "set_role", "set_password", "set_active", "authenticate", "create_token", "user_for_token",
    "list_tokens", "revoke_token", "create_web_session", "get_web_session", "end_web_session",
    "purge_expired_sessions",
]
