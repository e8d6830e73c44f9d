"""The tables of the knowledge base (SQLAlchemy 2 typed ORM).

One row per source document, per canonical actor and per resolved event;
everything a document said is kept with a link back to it (sources,
mentions with character offsets, dated titles, per-source event facts), and
values on which documents disagree go to :class:`Conflict`.

Portable types only (``String``, ``Text``, ``Integer``, ``Date``,
``DateTime``, ``JSON``; enums stored as ``VARCHAR`` without a native type),
so that the same Alembic migrations run on SQLite and PostgreSQL. Event
dates are ISO strings at the precision the text gives ("2018", "2018-05",
"2018-05-03"), as in ``ctrack.extraction/1``.

Review workflow contract (``ReviewState``): every reviewable row
(actors, events, event roles, person titles, conflicts) starts as
``proposed``. Ingest only ever *fills* or *refines* fields of a row that is
still ``proposed``; a row a human has ``confirmed``, ``corrected`` or
``rejected`` is never changed by a re-ingest (new disagreeing values go to
:class:`Conflict` instead), and an existing (event, actor, role) row keeps its
state when a later document reports the same role again, so a rejected role
is not resurrected.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, func, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctrack.schema import ActorKind, DocFormat, EventStatus, EventType, RoleType
from ctrack.store.base import Base


class ReviewState(str, Enum):
    """Where a stored fact stands in human review.

    ``proposed`` (default, machine output), ``confirmed`` (a reviewer agreed),
    ``corrected`` (a reviewer changed it), ``rejected`` (a reviewer struck it).
    Only ``proposed`` rows are updated by ingest (see the module docstring).
    """

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    REJECTED = "rejected"

    @property
    def is_human(self) -> bool:
        """True when a person decided this row (anything but ``proposed``)."""
        return self is not ReviewState.PROPOSED


def _enum(enum_cls: type[Enum], length: int = 32) -> SAEnum:
    """A portable enum column type: VARCHAR of the member values, no native type, no CHECK."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC (default for timestamps)."""
    return dt.datetime.now(dt.timezone.utc)


#: Column type for an ISO date at text precision ("2018", "2018-05", "2018-05-03").
IsoDate = String(10)


class DbDocument(Base):
    """One ingested source file. ``doc_key`` is the file stem (the scorer's id); ``sha256`` is unique."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(255), index=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[DocFormat] = mapped_column(_enum(DocFormat, 8))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(16), default="en")
    #: tesseract's mean word confidence (0-100) when the text came from OCR; None for a text layer
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DbActor(Base):
    """A canonical actor (person, member state or organization) merged across documents.

    ``canonical_key`` comes from :func:`ctrack.resolve.actors.canonical_key`
    ("state:TJK", "org:cted", "person:michele coninsx"). ``title`` is the
    person's current title (the latest dated one, see :class:`DbTitle`);
    ``affiliation_id`` the organization or state a person acts for, or a
    government body's state.
    """

    __tablename__ = "actors"
    __table_args__ = (Index("ix_actors_kind_name", "kind", "name", "id"),
                      Index("ix_actors_upper_acronym", func.upper(text("acronym"))),
                      Index("ix_actors_lower_name", func.lower(text("name"))),
                      Index("ix_actors_review", "review_state", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind, 24), index=True)
    canonical_key: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(400))
    acronym: Mapped[str | None] = mapped_column(String(40))
    iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    title: Mapped[str | None] = mapped_column(String(400))
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True)
    review_state: Mapped[ReviewState] = mapped_column(
        _enum(ReviewState, 16), default=ReviewState.PROPOSED, server_default=ReviewState.PROPOSED.value)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    affiliation: Mapped[DbActor | None] = relationship(remote_side=[id])
    aliases: Mapped[list[DbAlias]] = relationship(back_populates="actor", cascade="all, delete-orphan")


class DbActorSource(Base):
    """A document that names an actor, with the actor as that document gave it.

    ``local_id`` is the actor's id in the document's record; ``facts`` the
    document's own values (kind, name, acronym, iso3, title, affiliation as a
    canonical key), so that no fact is lost by a merge and a merge can be undone.
    """

    __tablename__ = "actor_sources"
    __table_args__ = (UniqueConstraint("actor_id", "document_id", "local_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    local_id: Mapped[str] = mapped_column(String(200))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)


class DbAlias(Base):
    """A surface form of an actor (name, acronym, variant); ``normalized`` is the comparison key.

    ``surname_key`` is the normalized last name-word of ``alias``
    (:func:`surname_key`, kept in step on every ORM write), indexed so that
    ingest finds the persons whose name ends in a surname with an equality
    lookup instead of a ``LIKE '%surname'`` scan of every alias.
    """

    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(400))
    normalized: Mapped[str] = mapped_column(String(400), index=True)
    surname_key: Mapped[str | None] = mapped_column(String(400), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))

    actor: Mapped[DbActor] = relationship(back_populates="aliases")


def surname_key(alias: str | None) -> str | None:
    """The comparison key of the last name-word of ``alias``: ``normalize(surname(alias))`` of
    :mod:`ctrack.resolve` ("Magdy Abdel Ghaffar" → "ghaffar"), None when it has none."""
    from ctrack.resolve.actors import normalize
    from ctrack.resolve.names import surname

    key = normalize(surname(alias or "")) if alias else ""
    return key[:400] or None


@event.listens_for(DbAlias, "before_insert")
@event.listens_for(DbAlias, "before_update")
def _alias_surname_key(_mapper, _connection, target: DbAlias) -> None:
    """Keep ``surname_key`` in step with ``alias`` on every ORM write of an alias."""
    target.surname_key = surname_key(target.alias)


class DbTitle(Base):
    """A dated occupancy: ``person`` held ``title`` (for ``affiliation``) as of ``as_of``, per ``document``.

    ``as_of`` is the document's published date, else the start of the first
    event the person has a role in in that document (ISO at text precision),
    else null.
    """

    __tablename__ = "person_titles"
    __table_args__ = (Index("ix_person_titles_review", "review_state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(400))
    affiliation_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[str | None] = mapped_column(IsoDate)
    review_state: Mapped[ReviewState] = mapped_column(
        _enum(ReviewState, 16), default=ReviewState.PROPOSED, server_default=ReviewState.PROPOSED.value)


class DbEvent(Base):
    """A resolved event; one row even when several documents report it (see :class:`DbEventSource`).

    ``start_day`` and ``end_day`` are the first and last day the event covers
    (:func:`ctrack.resolve.dates.interval` of ``start``/``end``: "2018-05" is
    2018-05-01 to 2018-05-31), kept in step with ``start``/``end`` on every
    insert and update (:func:`_event_days`), null when undated. They are
    indexed so that a date-range filter is an index range scan that still
    treats a date at month or year precision correctly (``ix_events_start_end_day``
    holds both, so a range read tests the end without the table). ``span_days`` is
    ``end_day - start_day`` in days (0 for a one-day event, 364 or 365 for a
    year), kept with them: a filter "ends on or after D" reads ``start_day``
    from D minus :data:`SHORT_SPAN_DAYS` on, plus the few longer events by
    ``ix_events_span_days`` (:func:`ctrack.store.repo.event_conditions`).
    ``(review_state, confidence, id)`` orders the review queue's events. ``span_tier``
    (:func:`span_tier`: 0 for at most 7 days, 1 for a month, 2 for a year, 3 longer) leads
    ``ix_events_tier_start``: within one tier an event that ends on or after D starts at most that tier's
    days before D, so "the first page of the events overlapping [D, E] by start" is one bounded, ordered
    index range per tier (:func:`ctrack.store.repo.page_events`), not a sort of every match.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_start_id", "start", "id"),
        Index("ix_events_start_end_day", "start_day", "end_day"),
        Index("ix_events_country_start", "country", "start"),
        Index("ix_events_span_days", "span_days"),
        Index("ix_events_review_confidence", "review_state", "confidence", "id"),
        Index("ix_events_tier_start", "span_tier", "start", "id", "end_day", "review_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[EventType] = mapped_column(_enum(EventType, 24), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    start: Mapped[str | None] = mapped_column(IsoDate, index=True)
    end: Mapped[str | None] = mapped_column(IsoDate)
    start_day: Mapped[dt.date | None] = mapped_column(Date)
    end_day: Mapped[dt.date | None] = mapped_column(Date)
    span_days: Mapped[int | None] = mapped_column(Integer)
    span_tier: Mapped[int | None] = mapped_column(Integer)
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(3), index=True)
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus, 16), default=EventStatus.HELD)
    delegations: Mapped[int | None] = mapped_column(Integer)
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    review_state: Mapped[ReviewState] = mapped_column(
        _enum(ReviewState, 16), default=ReviewState.PROPOSED, server_default=ReviewState.PROPOSED.value)
    #: the extraction model's probability that this is a real event (highest over its reports), None if unscored
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    roles: Mapped[list[DbEventRole]] = relationship(back_populates="event", cascade="all, delete-orphan")
    sources: Mapped[list[DbEventSource]] = relationship(back_populates="event", cascade="all, delete-orphan")


#: The longest span (days from ``start_day`` to ``end_day``) of an event read through the ``start_day`` range
#: of a date filter; longer ones are found by ``ix_events_span_days``. 366 covers any date at year precision.
SHORT_SPAN_DAYS = 366


def span_days(start_day: dt.date | None, end_day: dt.date | None) -> int | None:
    """Days from ``start_day`` to ``end_day`` (0 for one day), None when undated: :attr:`DbEvent.span_days`."""
    return (end_day - start_day).days if start_day is not None and end_day is not None else None


#: Longest span (days from first to last day) of each span tier but the last (:func:`span_tier`): a week, a
#: month, a year (366 covers any date at year precision); tier ``len(SPAN_TIERS)`` holds the longer events.
SPAN_TIERS = (7, 31, 366)


def span_tier(span: int | None) -> int | None:
    """The tier of an event lasting ``span`` days (:attr:`DbEvent.span_days`): the index of the first of
    :data:`SPAN_TIERS` at least ``span``, or ``len(SPAN_TIERS)`` for longer; None when undated. The SQL of
    migration 0013's backfill (:func:`span_tier_sql`) gives the same."""
    if span is None:
        return None
    for i, days in enumerate(SPAN_TIERS):
        if span <= days:
            return i
    return len(SPAN_TIERS)


def span_tier_sql(column: str = "span_days") -> str:
    """:func:`span_tier` as an SQL ``CASE`` over ``column`` (for set-based backfills)."""
    whens = " ".join(f"WHEN {column} <= {days} THEN {i}" for i, days in enumerate(SPAN_TIERS))
    return f"CASE WHEN {column} IS NULL THEN NULL {whens} ELSE {len(SPAN_TIERS)} END"


def event_days(start: str | None, end: str | None) -> tuple[dt.date | None, dt.date | None]:
    """(first day, last day) an event from ``start`` to ``end`` covers, or (None, None) when undated
    (:func:`ctrack.resolve.dates.interval`)."""
    from ctrack.resolve.dates import interval

    span = interval(start, end)
    return span if span is not None else (None, None)


@event.listens_for(DbEvent, "before_insert")
@event.listens_for(DbEvent, "before_update")
def _event_days(_mapper, _connection, target: DbEvent) -> None:
    """Keep ``start_day``/``end_day``/``span_days``/``span_tier`` in step with ``start``/``end`` on every ORM
    write of an event."""
    target.start_day, target.end_day = event_days(target.start, target.end)
    target.span_days = span_days(target.start_day, target.end_day)
    target.span_tier = span_tier(target.span_days)


class DbEventSource(Base):
    """A document that reports an event, with the event as that document gave it.

    ``local_id`` is the event's id in the document's record; ``facts`` the
    document's own values (type, name, start, end, city, country, status,
    delegations, part_of, roles as ``[canonical_key, role]`` pairs), so that
    no fact is lost by a merge and a merge can be undone.
    """

    __tablename__ = "event_sources"
    __table_args__ = (UniqueConstraint("event_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    local_id: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)

    event: Mapped[DbEvent] = relationship(back_populates="sources")
    document: Mapped[DbDocument] = relationship()


class DbEventRole(Base):
    """(event, actor, role), once; ``document_id`` is the document that first reported it."""

    __tablename__ = "event_roles"
    __table_args__ = (UniqueConstraint("event_id", "actor_id", "role"),
                      Index("ix_event_roles_actor_event_state", "actor_id", "event_id", "review_state"),
                      Index("ix_event_roles_review_confidence", "review_state", "confidence", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    role: Mapped[RoleType] = mapped_column(_enum(RoleType, 16))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    review_state: Mapped[ReviewState] = mapped_column(
        _enum(ReviewState, 16), default=ReviewState.PROPOSED, server_default=ReviewState.PROPOSED.value)
    #: the role model's probability for this (actor, role) (highest over the reports), None if unscored
    confidence: Mapped[float | None] = mapped_column(Float)

    event: Mapped[DbEvent] = relationship(back_populates="roles")
    actor: Mapped[DbActor] = relationship()


class DbMention(Base):
    """Evidence: the span ``[start, end)`` of a document's text and the rule that read it.

    Exactly one of ``actor_id`` (a mention of an actor), ``event_id`` (evidence
    for an event) or ``event_role_id`` (evidence for a role) is set. An actor's
    or event's mentions are indexed in reading order (document, offset), so the
    first few of a popular actor are read without the rest. The three indexes
    hold only the rows that name their target (partial: ``… IS NOT NULL``), so
    the planner's statistics count real values: with every null counted as one
    value, SQLite judged an index on a mostly-null column useless and read the
    whole table for one event's or role's evidence.
    """

    __tablename__ = "mentions"
    __table_args__ = (
        Index("ix_mentions_actor_doc", "actor_id", "document_id", "start",
              sqlite_where=text("actor_id IS NOT NULL"), postgresql_where=text("actor_id IS NOT NULL")),
        Index("ix_mentions_event_doc", "event_id", "document_id", "start",
              sqlite_where=text("event_id IS NOT NULL"), postgresql_where=text("event_id IS NOT NULL")),
        Index("ix_mentions_event_role", "event_role_id",
              sqlite_where=text("event_role_id IS NOT NULL"), postgresql_where=text("event_role_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    event_role_id: Mapped[int | None] = mapped_column(ForeignKey("event_roles.id", ondelete="CASCADE"))


class DbConflict(Base):
    """A value a document gave for a field that disagrees with the stored one.

    Exactly one of ``event_id`` / ``actor_id`` is set. ``value`` is the
    disagreeing value (as text, from ``document_id``), ``existing`` the value
    kept on the row when the conflict was found.
    """

    __tablename__ = "conflicts"
    __table_args__ = (Index("ix_conflicts_review", "review_state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(Text)
    existing: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    review_state: Mapped[ReviewState] = mapped_column(
        _enum(ReviewState, 16), default=ReviewState.PROPOSED, server_default=ReviewState.PROPOSED.value)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DbMergeDecision(Base):
    """The log of resolve decisions: a document's local actor/event was merged into a stored one.

    ``subject`` is "actor" or "event"; ``target_id`` the stored row;
    ``local_id`` the id in the document's record; ``rule`` the resolve rule
    that decided (e.g. "canonical_key", "acronym", "surname_only",
    "fuzzy_name", "event_match"); ``score`` its similarity where it has one;
    ``detail`` a JSON object with the evidence (names compared, shared actors).
    A row with ``created`` true records the creation of a new row rather than
    a merge. Later stages use this log to undo a merge.
    """

    __tablename__ = "merge_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(16))
    local_id: Mapped[str] = mapped_column(String(200))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    created: Mapped[bool] = mapped_column(default=False)
    rule: Mapped[str] = mapped_column(String(60))
    score: Mapped[float | None] = mapped_column()
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = [
    "ReviewState", "DbDocument", "DbActor", "DbActorSource", "DbAlias", "DbTitle", "DbEvent", "DbEventSource",
    "DbEventRole", "DbMention", "DbConflict", "DbMergeDecision", "utcnow", "event_days", "span_days", "SHORT_SPAN_DAYS", "SPAN_TIERS", "span_tier", "span_tier_sql", "surname_key",
]
