"""Tables of the web application and HTTP API: accounts, personal API tokens, browser sessions,
and the full-text search entries.

- :class:`DbUser`: an account with a :class:`UserRole` and an argon2 password
  hash (argon2-cffi's PHC string, never the password).
- :class:`DbApiToken`: a personal API token, stored as the SHA-256 of the
  token (tokens are 256-bit random strings, so a fast hash is safe; the
  token itself is shown once, by ``ctrack token create``).
- :class:`DbWebSession`: a signed-in browser. The primary key is the SHA-256
  of the cookie value; ``csrf_token`` is the synchronizer token every form
  of that session must send back.
- :class:`DbSearchEntry`: one searchable thing (a document, actor, event or
  recommendation) with its text folded for matching; the backend's index
  (SQLite FTS5 or a PostgreSQL GIN index over ``to_tsvector``) is kept by
  :mod:`ctrack.store.search`.

Portable types only, as in :mod:`ctrack.store.models`.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctrack.store.base import Base
from ctrack.store.models import _enum, utcnow


class UserRole(str, Enum):
    """What an account may do: ``viewer`` reads; ``analyst`` also reviews, edits and uploads;
    ``admin`` also manages accounts."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """0 for viewer, 1 for analyst, 2 for admin: a role may do what every lower rank may."""
        return [UserRole.VIEWER, UserRole.ANALYST, UserRole.ADMIN].index(self)

    def allows(self, needed: UserRole) -> bool:
        """True when this role may do what ``needed`` may."""
        return self.rank >= needed.rank


class SearchKind(str, Enum):
    """What a search entry points to."""

    DOCUMENT = "document"
    ACTOR = "actor"
    EVENT = "event"
    RECOMMENDATION = "recommendation"


class DbUser(Base):
    """An account. ``name`` is unique (the login); ``password_hash`` is an argon2id PHC string."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[UserRole] = mapped_column(_enum(UserRole, 16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DbApiToken(Base):
    """A personal API token of ``user``: ``token_hash`` = SHA-256 hex of the token; ``prefix`` its first
    characters, shown in listings so that a user can tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[DbUser] = relationship()


class DbWebSession(Base):
    """A browser session: ``id`` = SHA-256 hex of the cookie value; valid until ``expires_at``."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    user: Mapped[DbUser] = relationship()


class DbSearchEntry(Base):
    """The searchable text of one document, actor, event or recommendation.

    ``title`` and ``body`` are as shown; ``folded`` is title and body in lower
    case without diacritics (what the index matches, so "Michele" finds
    "Michèle" on both backends); ``indexed_at`` tells the refresh what is stale.
    """

    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[SearchKind] = mapped_column(_enum(SearchKind, 16))
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(Text)
    indexed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DbSearchDirty(Base):
    """A row whose search entry may be out of date: (``kind``, ``ref_id``), written by database triggers on
    every insert, update and delete of the rows an entry is made from (installed by
    :func:`ctrack.store.search.ensure_triggers`), read and emptied by :func:`ctrack.store.search.refresh`.
    The same row may be listed several times; ``id`` orders them."""

    __tablename__ = "search_dirty"
    __table_args__ = (Index("ix_search_dirty_kind_ref", "kind", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[SearchKind] = mapped_column(_enum(SearchKind, 16))
    ref_id: Mapped[int] = mapped_column(Integer)


class DbAggDirty(Base):
    """An event (``kind`` "e") or actor ("a") whose aggregates may be out of date, written by database
    triggers (:mod:`ctrack.store.aggregates`), read and emptied by :func:`ctrack.store.aggregates.refresh`."""

    __tablename__ = "agg_dirty"
    __table_args__ = (Index("ix_agg_dirty_kind_ref", "kind", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(1))
    ref_id: Mapped[int] = mapped_column(Integer)


class DbAggEvent(Base):
    """What one event (not rejected) adds to the aggregates, as last counted: ``links`` is a JSON object
    (:func:`ctrack.store.aggregates.links_of`), so that a change can take the old contribution away."""

    __tablename__ = "agg_events"

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    links: Mapped[str] = mapped_column(Text)


class DbAggTotal(Base):
    """Rows of table ``name`` with key ``key`` ("kind|review_state" of actors, "type|review_state" of events,
    the review state of roles, titles, conflicts and recommendations, "" for documents and mentions),
    kept by triggers."""

    __tablename__ = "agg_totals"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class DbAggState(Base):
    """Events (not rejected) of ``type`` in ``review_state`` that engage member state ``iso3``
    (the rule of ``--country``: :func:`ctrack.store.repo._involving`)."""

    __tablename__ = "agg_states"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    type: Mapped[str] = mapped_column(String(24), primary_key=True)
    review_state: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class DbAggEventState(Base):
    """Event ``event_id`` (not rejected) engages member state ``iso3`` (the rule of ``--country``), with the
    event's ``type``, ``start``, ``end_day`` and ``span_tier`` copied, so that a state's latest events (a
    briefing's, the network's, a state page's visits) are one index range read, not an ordering of its whole
    record, and so are the first page of a state's events over a date range
    (``ix_agg_event_states_span``: per span tier, a bounded ``start`` range in order; see
    :attr:`ctrack.store.models.DbEvent.span_tier`)."""

    __tablename__ = "agg_event_states"
    __table_args__ = (Index("ix_agg_event_states_start", "iso3", "start", "event_id"),
                      Index("ix_agg_event_states_type", "iso3", "type", "start", "event_id"),
                      Index("ix_agg_event_states_event", "event_id"),
                      Index("ix_agg_event_states_span", "iso3", "span_tier", "start", "event_id", "end_day"))

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(24))
    start: Mapped[str | None] = mapped_column(String(10))
    end_day: Mapped[dt.date | None] = mapped_column(Date)
    span_tier: Mapped[int | None] = mapped_column(Integer)


class DbAggActorEvent(Base):
    """Event ``event_id`` (not rejected) is on the timeline of actor ``actor_id``: the actor, an actor
    affiliated to it or one affiliated to those holds a role (not rejected) in it (``"a"`` and ``"m"`` of
    :func:`ctrack.store.aggregates.links_of`, the events :attr:`DbAggActor.timeline` counts), with the
    event's ``start`` copied, so that the first page of a person's or an organization's timeline (and the
    latest events an actor's page counts over) is one ``LIMIT``ed range of ``ix_agg_actor_events_start``
    (``WHERE actor_id = ? ORDER BY start, event_id``, keyset pages by the row value ``(start, event_id)``),
    not a collection and sort of every event of the actor (a busy person's 100,000 at a million events)."""

    __tablename__ = "agg_actor_events"
    __table_args__ = (Index("ix_agg_actor_events_start", "actor_id", "start", "event_id"),
                      Index("ix_agg_actor_events_event", "event_id"))

    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    start: Mapped[str | None] = mapped_column(String(10))


class DbAggStatePair(Base):
    """Events (not rejected) engaging ``scope`` in which member state ``iso3`` takes part (a briefing's
    counts by member state: :func:`ctrack.store.repo._engaged_states`)."""

    __tablename__ = "agg_state_pairs"

    scope: Mapped[str] = mapped_column(String(3), primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class DbAggActor(Base):
    """Per actor: ``events`` (not rejected) it holds a role in (not rejected), ``timeline`` events of it or
    the actors acting for it (its timeline's total), ``briefed`` those of its ``events`` that a briefing pack
    shows (engaging some member state: the review queue's rule, :func:`ctrack.store.track_repo._briefed`), so
    that the queue's briefing facts among the actors are an index read (migration 0015). Written by recounts
    only."""

    __tablename__ = "agg_actors"

    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    events: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timeline: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    briefed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DbAggActorDocuments(Base):
    """Per actor: ``n`` distinct documents naming it (``actor_sources``). Written by triggers only (a table
    apart from :class:`DbAggActor`, so that a recount holding its lock never waits on a trigger's row)."""

    __tablename__ = "agg_actor_documents"

    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


__all__ = ["UserRole", "SearchKind", "DbUser", "DbApiToken", "DbWebSession", "DbSearchEntry", "DbSearchDirty",
           "DbAggDirty", "DbAggEvent", "DbAggTotal", "DbAggState", "DbAggEventState", "DbAggActorEvent",
           "DbAggStatePair", "DbAggActor", "DbAggActorDocuments"]
