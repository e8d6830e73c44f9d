"""Accounts, personal API tokens and browser sessions, and the reads of documents and evidence
that the web pages and the HTTP API need beyond :mod:`ctrack.store.repo`.

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

Reads (section at the end): :func:`list_documents`, :func:`get_document`
(text with every stored mention), :func:`event_detail` (an event with its
parent, sub-events and the source passages that support it, the evidence
spans marked). They return pydantic models like :mod:`ctrack.store.views`
and build events with the repository's own event loader, so an event looks
the same on every page.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, Field
from sqlalchemy import and_, delete, distinct, func, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased, joinedload

from ctrack.errors import NotFound, StoreError
from ctrack.schema import DocFormat, RoleType
from ctrack.store import aggregates
from ctrack.store.models import (
    DbActor, DbActorSource, DbDocument, DbEvent, DbEventRole, DbEventSource, DbMention, ReviewState, utcnow,
)
from ctrack.store.repo import _id_in, _load_events, _ref
from ctrack.store.views import ActorRef, EventRow
from ctrack.store.web_models import DbApiToken, DbUser, DbWebSession, UserRole

_hasher = PasswordHasher()
#: A valid hash of a random password, verified when a login names no account so that
#: a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

#: Prefix of every personal API token (lets secret scanners and people recognise one).
TOKEN_PREFIX = "ctk_"
#: How long a browser session lasts without signing in again.
SESSION_LIFETIME = dt.timedelta(hours=12)
#: How exactly an API token's time of use (``last_used_at``) is kept: it is written again only when the
#: stored one is older than this. Writing it on every request made each read a write transaction (an
#: ``UPDATE``, a commit and its WAL flush: the token check took 11 ms p50 on SQLite and 8.6 ms on
#: PostgreSQL, against 0.6 and 3.4 ms read only, on a loaded machine); to the minute is what
#: ``ctrack token list`` shows, and enough to tell an unused or leaked token apart.
TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)
#: Shortest password accepted.
MIN_PASSWORD_LENGTH = 8
#: Longest password accepted (argon2 takes any length; this keeps a request's hashing bounded).
MAX_PASSWORD_LENGTH = 1024
#: Lowest zxcvbn score accepted (0-4): 2 means over 10^6 guesses, "somewhat guessable: protection from
#: unthrottled online attacks" (zxcvbn's scale), i.e. not on its lists of common passwords, words and names.
MIN_PASSWORD_SCORE = 2

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


def check_password(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Refuse a weak password with a :class:`StoreError` that says why and how to do better.

    At least :data:`MIN_PASSWORD_LENGTH` and at most :data:`MAX_PASSWORD_LENGTH`
    characters, and a zxcvbn score of at least :data:`MIN_PASSWORD_SCORE`.
    zxcvbn (Dropbox's estimator, the ``zxcvbn`` package) ships its lists of
    common passwords (``12345678``, ``password1``), English words, names and
    keyboard patterns, and sees repeats (eight spaces) and sequences;
    ``user_inputs`` (the login name) count as known words. Only the first 100
    characters are scored (zxcvbn's own advice: its cost grows with length).
    """
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StoreError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StoreError(f"password too long: at most {MAX_PASSWORD_LENGTH} characters")
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_PASSWORD_SCORE:
        feedback = result.get("feedback") or {}
        hints = " ".join(x for x in [feedback.get("warning") or "", *(feedback.get("suggestions") or [])] if x)
        raise StoreError("password too easy to guess" + (f": {hints}" if hints else "")
                         + " (use a few unrelated words, or a longer phrase)")


def revoke_tokens_of(session: Session, user_id: int) -> int:
    """Revoke every live API token of account ``user_id``; returns how many."""
    rows = list(session.scalars(select(DbApiToken).where(DbApiToken.user_id == user_id,
                                                         DbApiToken.revoked_at.is_(None))))
    for row in rows:
        row.revoked_at = utcnow()
    return len(rows)


def create_user(session: Session, name: str, role: UserRole | str, password: str) -> DbUser:
    """Create the account ``name`` with ``role`` and ``password``; returns the new row (flushed).

    ``name``: 1-100 characters of letters, digits and ``_ . @ -``.
    Raises :class:`ctrack.errors.StoreError` for a bad name, a weak password
    (:func:`check_password`), an unknown role, or a name already taken.
    """
    if not _NAME_RE.match(name or ""):
        raise StoreError(f"bad user name {name!r}: use 1-100 letters, digits, '_', '.', '@' or '-'")
    try:
        role = UserRole(role)
    except ValueError:
        raise StoreError(f"unknown role {role!r}: one of {', '.join(r.value for r in UserRole)}") from None
    check_password(password, user_inputs=(name,))
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
    """Replace the password of ``name``; ends its browser sessions and revokes its API tokens (whoever knew the
    old password may have made one). Raises NotFound / StoreError (:func:`check_password`)."""
    check_password(password, user_inputs=(name,))
    user = get_user(session, name)
    user.password_hash = hash_password(password)
    session.execute(delete(DbWebSession).where(DbWebSession.user_id == user.id))
    revoke_tokens_of(session, user.id)
    return user


def set_active(session: Session, name: str, active: bool) -> DbUser:
    """Enable or disable ``name``; a disabled account cannot sign in, its sessions end and its API tokens are
    revoked (enabling it again does not bring them back)."""
    user = get_user(session, name)
    user.active = active
    if not active:
        session.execute(delete(DbWebSession).where(DbWebSession.user_id == user.id))
        revoke_tokens_of(session, user.id)
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
    """The active account a (not revoked) token belongs to, or None (token and account in one read).

    Records the time of use (``last_used_at``, shown by ``ctrack token list``) to within
    :data:`TOKEN_USE_RESOLUTION`: only when the stored time is older than that, so that a client's
    requests read without writing (no ``UPDATE`` and commit per request; see the constant).
    """
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(DbApiToken).options(joinedload(DbApiToken.user))
                         .where(DbApiToken.token_hash == _sha256(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - _aware(row.last_used_at) >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
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
    row = session.scalar(select(DbWebSession).options(joinedload(DbWebSession.user))
                         .where(DbWebSession.id == _sha256(cookie)))
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




# ---------------------------------------------------------------- reads for the web pages and the API


class DocumentSummary(BaseModel):
    """A stored document in short: ids, title, dates, format and how many events and actors it gave."""

    id: int
    doc_key: str
    title: str | None = None
    published: dt.date | None = None
    format: DocFormat
    size: int
    ingested_at: dt.datetime
    event_count: int = 0
    actor_count: int = 0


class EvidenceSpan(BaseModel):
    """A stored mention: ``[start, end)`` of document ``document_id``'s text, and what it supports.

    ``target`` is ``actor`` (a mention of ``actor``), ``event`` (evidence
    for event ``event_id``) or ``role`` (evidence that ``actor`` held
    ``role`` in event ``event_id``); ``rule`` names the extraction rule.
    """

    id: int
    document_id: int
    start: int
    end: int
    text: str
    rule: str = ""
    target: Literal["actor", "event", "role"]
    actor: ActorRef | None = None
    event_id: int | None = None
    role: RoleType | None = None


class DocumentDetail(DocumentSummary):
    """A document with its text, every mention in it, and the events it reports."""

    path: str
    sha256: str
    language: str = "en"
    text: str
    mentions: list[EvidenceSpan] = Field(default_factory=list)
    events: list[EventRow] = Field(default_factory=list)


class EventDetail(BaseModel):
    """An event with the event it is part of, its sub-events, and the evidence spans in its sources."""

    event: EventRow
    parent: EventRow | None = None
    sub_events: list[EventRow] = Field(default_factory=list)
    evidence: list[EvidenceSpan] = Field(default_factory=list)


def _summaries(session: Session, where) -> list[DocumentSummary]:
    ids = list(session.scalars(select(DbDocument.id).where(where).order_by(DbDocument.id)))
    return _summaries_for(session, ids)


def _summaries_for(session: Session, ids: list[int]) -> list[DocumentSummary]:
    """DocumentSummaries for ``ids``, in that order; events and actors counted for those documents alone."""
    if not ids:
        return []
    n_events: dict[int, int] = {}
    n_actors: dict[int, int] = {}
    rows: dict[int, Any] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        n_events.update(session.execute(
            select(DbEventSource.document_id, func.count(distinct(DbEventSource.event_id)))
            .where(DbEventSource.document_id.in_(chunk)).group_by(DbEventSource.document_id)).all())
        n_actors.update(session.execute(
            select(DbActorSource.document_id, func.count(distinct(DbActorSource.actor_id)))
            .where(DbActorSource.document_id.in_(chunk)).group_by(DbActorSource.document_id)).all())
        rows.update((r[0], r) for r in session.execute(
            select(DbDocument.id, DbDocument.doc_key, DbDocument.title, DbDocument.published, DbDocument.format,
                   DbDocument.size, DbDocument.ingested_at).where(DbDocument.id.in_(chunk))))
    return [DocumentSummary(id=r[0], doc_key=r[1], title=r[2], published=r[3], format=r[4], size=r[5],
                            ingested_at=_aware(r[6]), event_count=n_events.get(r[0], 0),
                            actor_count=n_actors.get(r[0], 0)) for r in (rows[i] for i in ids if i in rows)]


def _document_conditions(q: str | None, since: dt.date | None, until: dt.date | None) -> list:
    conds = [true()]
    if q:
        pattern = f"%{q.strip()}%"
        conds.append(or_(DbDocument.title.ilike(pattern), DbDocument.doc_key.ilike(pattern)))
    if since:
        conds.append(DbDocument.published >= since)
    if until:
        conds.append(DbDocument.published <= until)
    return conds


def list_documents(session: Session, q: str | None = None, since: dt.date | None = None,
                   until: dt.date | None = None) -> list[DocumentSummary]:
    """Every stored document in the order they were ingested (unbounded: scripts and small knowledge
    bases; the faces page with :func:`page_documents`).

    ``q`` keeps those whose title or file name contains it (any case);
    ``since``/``until`` keep those published on or after / on or before a day
    (documents without a stated date are then left out).
    """
    return _summaries(session, and_(*_document_conditions(q, since, until)))


#: Sort keys of :func:`page_documents` (default: id, the order of ingest).
DOCUMENT_SORTS = ("id", "published", "title", "ingested_at", "events", "actors")


def page_documents(session: Session, *, q: str | None = None, since: dt.date | None = None,
                   until: dt.date | None = None, sort: str | None = None, descending: bool = False, limit: int = 50,
                   offset: int = 0, after: str | None = None) -> tuple[list[DocumentSummary], int, str | None]:
    """One page of the documents :func:`list_documents` would give, filtered, sorted, counted and sliced
    in SQL (keyset with ``after``). Returns (rows, total, next cursor or None). Raises ValueError for an
    unknown sort or a bad cursor."""
    from ctrack.store.repo import _keyset_ids

    sort = sort or "id"
    if sort not in DOCUMENT_SORTS:
        raise ValueError(f"cannot sort documents by {sort!r}; one of: {', '.join(DOCUMENT_SORTS)}")
    col = {
        "id": DbDocument.id, "published": DbDocument.published, "ingested_at": DbDocument.ingested_at,
        "title": func.lower(func.coalesce(DbDocument.title, DbDocument.doc_key)),
        "events": select(func.count(distinct(DbEventSource.event_id))).where(
            DbEventSource.document_id == DbDocument.id).correlate(DbDocument).scalar_subquery(),
        "actors": select(func.count(distinct(DbActorSource.actor_id))).where(
            DbActorSource.document_id == DbDocument.id).correlate(DbDocument).scalar_subquery(),
    }[sort]
    # every document: the count kept by the aggregates' triggers (exact at any time), not a COUNT
    known = aggregates.totals(session).get("documents", {}).get("", 0) \
        if not (q or since or until) and aggregates.kept(session) else None
    ids, total, cursor = _keyset_ids(session, DbDocument, _document_conditions(q, since, until), col, descending,
                                     limit, offset, after, nullable=sort == "published", total=known)
    return _summaries_for(session, ids), total, cursor


def latest_documents(session: Session, n: int) -> list[DocumentSummary]:
    """The ``n`` documents ingested last, newest first (a ``LIMIT``ed read by id)."""
    ids = list(session.scalars(select(DbDocument.id).order_by(DbDocument.id.desc()).limit(n)))
    return _summaries_for(session, ids)


def _spans(session: Session, where) -> list[EvidenceSpan]:
    role_actor = aliased(DbActor)
    rows = session.execute(
        select(DbMention, DbActor, DbEventRole, role_actor)
        .outerjoin(DbActor, DbActor.id == DbMention.actor_id)
        .outerjoin(DbEventRole, DbEventRole.id == DbMention.event_role_id)
        .outerjoin(role_actor, role_actor.id == DbEventRole.actor_id)
        .where(where).order_by(DbMention.document_id, DbMention.start, DbMention.id)).all()
    out = []
    for m, actor, role, role_actor_row in rows:
        if role is not None:
            if role.review_state is ReviewState.REJECTED:
                continue
            out.append(EvidenceSpan(id=m.id, document_id=m.document_id, start=m.start, end=m.end, text=m.text,
                                    rule=m.rule, target="role", actor=_ref(role_actor_row), event_id=role.event_id,
                                    role=role.role))
        elif actor is not None:
            if actor.review_state is ReviewState.REJECTED:
                continue
            out.append(EvidenceSpan(id=m.id, document_id=m.document_id, start=m.start, end=m.end, text=m.text,
                                    rule=m.rule, target="actor", actor=_ref(actor)))
        elif m.event_id is not None:
            out.append(EvidenceSpan(id=m.id, document_id=m.document_id, start=m.start, end=m.end, text=m.text,
                                    rule=m.rule, target="event", event_id=m.event_id))
    return out


def get_document(session: Session, document_id: int) -> DocumentDetail:
    """Document ``document_id`` with its text, its mentions (by offset) and the events it reports.

    Raises :class:`ctrack.errors.NotFound` for an unknown id.
    """
    summary = _summaries(session, DbDocument.id == document_id)
    doc = session.get(DbDocument, document_id)
    if not summary or doc is None:
        raise NotFound(f"no document with id {document_id}")
    events = _load_events(session, DbEvent.id.in_(
        select(DbEventSource.event_id).where(DbEventSource.document_id == document_id)))
    return DocumentDetail(**summary[0].model_dump(), path=doc.path, sha256=doc.sha256, language=doc.language,
                          text=doc.text, mentions=_spans(session, DbMention.document_id == document_id),
                          events=events)


def document_texts(session: Session, document_ids: list[int]) -> dict[int, str]:
    """The text of each document in ``document_ids`` (unknown ids are left out)."""
    if not document_ids:
        return {}
    return dict(session.execute(select(DbDocument.id, DbDocument.text).where(DbDocument.id.in_(document_ids))).all())


def event_detail(session: Session, event_id: int) -> EventDetail:
    """Event ``event_id`` (not rejected) with its parent, its sub-events and its evidence spans.

    Evidence is every mention stored for the event itself or for one of its
    (not rejected) roles, in document and offset order. Raises
    :class:`ctrack.errors.NotFound` for an unknown or rejected event.
    """
    rows = _load_events(session, DbEvent.id == event_id)
    if not rows:
        raise NotFound(f"no event with id {event_id}")
    event = rows[0]
    parent = None
    if event.part_of_id:
        found = _load_events(session, DbEvent.id == event.part_of_id)
        parent = found[0] if found else None
    # an equality on ix_events_part_of_id: both SQLite (covering index, even when ANALYZE counts every null
    # part_of_id as one value) and PostgreSQL read it as an index range
    sub_ids = list(session.scalars(select(DbEvent.id).where(DbEvent.part_of_id == event_id)))
    subs = _load_events(session, _id_in(session, DbEvent.id, sub_ids)) if sub_ids else []
    # the mentions of the event and those of its roles, as one id list of two index reads: written as
    # ``event_id = x OR event_role_id IN (roles of x)``, PostgreSQL cannot use an index for the OR of a
    # subquery, estimates half the table and hashes every actor and role (73 ms at 10,000 events, growing
    # with the knowledge base); SQLite reads both indexes either way
    mine = union_all(
        select(DbMention.id).where(DbMention.event_id == event_id),
        select(DbMention.id).join(DbEventRole, DbEventRole.id == DbMention.event_role_id)
        .where(DbEventRole.event_id == event_id))
    evidence = _spans(session, DbMention.id.in_(mine))
    return EventDetail(event=event, parent=parent, sub_events=subs, evidence=evidence)


__all__ = [
    "TOKEN_PREFIX", "SESSION_LIFETIME", "TOKEN_USE_RESOLUTION", "MIN_PASSWORD_LENGTH", "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_SCORE",
    "check_password", "revoke_tokens_of", "hash_password", "create_user", "get_user",
    "list_users", "set_role", "set_password", "set_active", "authenticate", "create_token", "user_for_token",
    "list_tokens", "revoke_token", "create_web_session", "get_web_session", "end_web_session",
    "purge_expired_sessions", "DocumentSummary", "EvidenceSpan", "DocumentDetail", "EventDetail",
    "list_documents", "get_document", "document_texts", "event_detail",
]
