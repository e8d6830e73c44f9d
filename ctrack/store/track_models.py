"""Tables of the review and tracking workflow (SQLAlchemy 2 typed ORM).

Three groups, all on the shared :class:`ctrack.store.base.Base`:

- **review**: :class:`DbAuditEntry` (the append-only audit log),
  :class:`DbReviewDecision` (human merge and split decisions, undoable) and
  :class:`DbFieldCorrection` (a corrected field with its old value);
- **tracking**: :class:`DbRecommendation` with its vocabulary links
  (:class:`DbRecTerm`: themes, Security Council resolutions, pillars of the
  UN Global Counter-Terrorism Strategy), parties (:class:`DbParty`: lead
  institutions, implementing partners, responsible institutions), dated
  status history (:class:`DbRecStatusChange`), follow-up activities
  (:class:`DbActivity`, linked many-to-many by :class:`DbActivityLink`),
  dated progress reports (:class:`DbProgressReport`) and indicators
  (:class:`DbIndicator`);
- **transfers**: :class:`DbTransfer`, one row per import or export.

The model follows the OHCHR National Recommendations Tracking Database
(recommendations clustered by theme, lead institutions, planned follow-up
activities, indicators, progress with statistics) and IMPACT OSS (activities
are the unit of progress and can serve several recommendations). Portable
types only, as in :mod:`ctrack.store.models`; migration ``0002_track``.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctrack.errors import StoreError
from ctrack.store.base import Base
from ctrack.store.models import ReviewState, _enum, utcnow


class Entity(str, Enum):
    """The kinds of record the audit log and the review commands refer to (``TYPE:ID`` on the CLI)."""

    ACTOR = "actor"
    EVENT = "event"
    EVENT_ROLE = "event_role"
    PERSON_TITLE = "person_title"
    CONFLICT = "conflict"
    DOCUMENT = "document"
    RECOMMENDATION = "recommendation"
    ACTIVITY = "activity"
    INDICATOR = "indicator"
    PROGRESS = "progress"
    DECISION = "decision"
    TRANSFER = "transfer"


class Action(str, Enum):
    """What an audit entry records."""

    CREATE = "create"
    UPDATE = "update"
    CONFIRM = "confirm"
    #: a reviewer added a fact the extractor missed (an event, or an actor's role in an event)
    ADD = "add"
    CORRECT = "correct"
    REJECT = "reject"
    MERGE = "merge"
    SPLIT = "split"
    DISTINCT = "distinct"
    UNDO = "undo"
    STATUS = "status"
    LINK = "link"
    UNLINK = "unlink"
    PROGRESS = "progress"
    IMPORT = "import"
    EXPORT = "export"


class RecStatus(str, Enum):
    """Implementation status of a recommendation (issue 4; OHCHR NRTD-style)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    IMPLEMENTED = "implemented"
    SUPERSEDED = "superseded"

    @property
    def is_open(self) -> bool:
        """True while work remains: not implemented and not superseded."""
        return self not in (RecStatus.IMPLEMENTED, RecStatus.SUPERSEDED)


class Priority(str, Enum):
    """Priority of a recommendation ("priority needs" in CTC assessments are ``high``)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class TermScheme(str, Enum):
    """The controlled vocabularies of :mod:`ctrack.track.vocabulary`."""

    THEME = "theme"
    RESOLUTION = "resolution"
    PILLAR = "pillar"


class PartyRole(str, Enum):
    """How an institution takes part: ``lead`` national institution, implementing ``partner``, ``responsible`` for an activity."""

    LEAD = "lead"
    PARTNER = "partner"
    RESPONSIBLE = "responsible"


class DecisionKind(str, Enum):
    """A human decision on entity identity: two records are one (``merge``), one record is two (``split``),
    or two records that look alike are not the same (``distinct``: the pair stops being proposed as duplicates)."""

    MERGE = "merge"
    SPLIT = "split"
    DISTINCT = "distinct"


# --------------------------------------------------------------------------- review


class DbAuditEntry(Base):
    """One change, append-only: ``user`` did ``action`` to ``entity_type``/``entity_id`` at ``at``.

    ``before``/``after`` are JSON snapshots of the changed fields (or of the
    whole record for create), ``comment`` the reviewer's reason. An import or
    export names its :class:`DbTransfer` in ``transfer_id`` and lists the
    records it touched in ``after``. Rows are never updated or deleted: the
    ORM refuses (``StoreError``) and the migration adds triggers that refuse
    in the database too.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(120))
    action: Mapped[Action] = mapped_column(_enum(Action, 16), index=True)
    entity_type: Mapped[Entity] = mapped_column(_enum(Entity, 24))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    transfer_id: Mapped[int | None] = mapped_column(Integer)
    decision_id: Mapped[int | None] = mapped_column(Integer)


def _refuse_change(_mapper, _connection, target) -> None:
    raise StoreError(f"the audit log is append-only: entry {target.id} cannot be changed or deleted")


event.listen(DbAuditEntry, "before_update", _refuse_change)
event.listen(DbAuditEntry, "before_delete", _refuse_change)


class DbReviewDecision(Base):
    """A reviewer's merge or split, with everything needed to undo it without loss.

    ``subject`` is ``actor`` or ``event``. For a merge, ``kept_id`` is the row
    that stays and ``other_id`` the row merged into it (kept, marked
    ``rejected``, never deleted); for a split, ``kept_id`` is the original
    row and ``other_id`` the new one. ``moves`` lists every foreign key the
    decision re-pointed as ``[table, row_id, column, old, new]``; ``fields``
    the field values it changed as ``{table: {row_id: {field: [old, new]}}}``.
    A ``distinct`` decision ("not the same") stores the pair as ``kept_id`` <
    ``other_id`` and moves nothing; while it is not undone the pair is not
    proposed as a duplicate (:mod:`ctrack.service.dedupe`).
    :func:`ctrack.track.review.undo` reverses both, skipping any value changed
    since. ``undone_at``/``undone_by`` are set by the undo.
    """

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind, 8))
    subject: Mapped[Entity] = mapped_column(_enum(Entity, 24))
    kept_id: Mapped[int] = mapped_column(Integer, index=True)
    other_id: Mapped[int] = mapped_column(Integer, index=True)
    user: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    moves: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(120))


class DbFieldCorrection(Base):
    """A reviewer set ``field`` of ``entity_type``/``entity_id`` from ``old_value`` to ``new_value`` (JSON scalars)."""

    __tablename__ = "field_corrections"
    __table_args__ = (Index("ix_field_corrections_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[Entity] = mapped_column(_enum(Entity, 24))
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    user: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)


# --------------------------------------------------------------------------- tracking


class DbRecommendation(Base):
    """A recommendation to a member state, and whether it needs technical assistance.

    ``state`` is ISO 3166-1 alpha-3 (null only for a machine proposal whose
    state is not known yet). ``source`` is free text ("CTED assessment visit,
    September 2015"); ``source_event_id`` / ``source_document_id`` tie it to
    the knowledge base, and ``source_start``/``source_end`` are the character
    offsets of the sentence a proposal was read from. ``status`` is the
    latest entry of the dated history (:class:`DbRecStatusChange`);
    ``issued_on`` the day it was made, when known. Imported and hand-entered
    rows are ``confirmed``; proposals from documents start ``proposed``.
    """

    __tablename__ = "recommendations"
    __table_args__ = (Index("ix_recommendations_review", "review_state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str | None] = mapped_column(String(3), index=True)
    text: Mapped[str] = mapped_column(Text)
    priority: Mapped[Priority | None] = mapped_column(_enum(Priority, 8))
    ta_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    ta_description: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[RecStatus] = mapped_column(_enum(RecStatus, 24), default=RecStatus.NOT_STARTED, index=True)
    source: Mapped[str | None] = mapped_column(Text)
    source_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    source_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    source_start: Mapped[int | None] = mapped_column(Integer)
    source_end: Mapped[int | None] = mapped_column(Integer)
    review_state: Mapped[ReviewState] = mapped_column(
        _enum(ReviewState, 16), default=ReviewState.CONFIRMED, server_default=ReviewState.CONFIRMED.value)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    terms: Mapped[list[DbRecTerm]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="DbRecTerm.id")
    parties: Mapped[list[DbParty]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="DbParty.id")
    history: Mapped[list[DbRecStatusChange]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan",
        order_by=lambda: (DbRecStatusChange.day, DbRecStatusChange.id))
    indicators: Mapped[list[DbIndicator]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="DbIndicator.id")


class DbRecTerm(Base):
    """A recommendation's link to a vocabulary term: ``scheme`` theme/resolution/pillar, ``code`` its code."""

    __tablename__ = "recommendation_terms"
    __table_args__ = (UniqueConstraint("recommendation_id", "scheme", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[TermScheme] = mapped_column(_enum(TermScheme, 16))
    code: Mapped[str] = mapped_column(String(40), index=True)

    recommendation: Mapped[DbRecommendation] = relationship(back_populates="terms")


class DbParty(Base):
    """An institution taking part in a recommendation (``lead``, ``partner``) or an activity (``responsible``, ``partner``).

    Exactly one of ``recommendation_id`` / ``activity_id`` is set. ``name``
    is as given; ``actor_id`` the knowledge-base actor it was matched to, if any.
    """

    __tablename__ = "track_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    role: Mapped[PartyRole] = mapped_column(_enum(PartyRole, 16))
    name: Mapped[str] = mapped_column(String(400))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"), index=True)

    recommendation: Mapped[DbRecommendation | None] = relationship(back_populates="parties")
    activity: Mapped[DbActivity | None] = relationship(back_populates="parties")


class DbRecStatusChange(Base):
    """The recommendation had ``status`` from ``day`` on (recorded by ``user`` at ``recorded_at``)."""

    __tablename__ = "recommendation_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    status: Mapped[RecStatus] = mapped_column(_enum(RecStatus, 24))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    user: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    recommendation: Mapped[DbRecommendation] = relationship(back_populates="history")


class DbActivity(Base):
    """A follow-up activity (a training, a law drafted, a workshop): the unit of progress.

    ``kind`` is free text ("training", "legislative drafting", "workshop");
    ``event_id`` the knowledge-base event it is, when it is one; ``start`` /
    ``end`` its planned or actual days.
    """

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parties: Mapped[list[DbParty]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="DbParty.id")
    links: Mapped[list[DbActivityLink]] = relationship(back_populates="activity", cascade="all, delete-orphan")
    reports: Mapped[list[DbProgressReport]] = relationship(
        back_populates="activity", cascade="all, delete-orphan",
        order_by=lambda: (DbProgressReport.day, DbProgressReport.id))
    indicators: Mapped[list[DbIndicator]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="DbIndicator.id")


class DbActivityLink(Base):
    """Activity ``activity_id`` serves recommendation ``recommendation_id`` (many-to-many)."""

    __tablename__ = "activity_recommendations"
    __table_args__ = (UniqueConstraint("activity_id", "recommendation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)

    activity: Mapped[DbActivity] = relationship(back_populates="links")
    recommendation: Mapped[DbRecommendation] = relationship()


class DbProgressReport(Base):
    """A dated progress report on an activity: ``percent`` done (0–100) as of ``day``, with a note."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    activity: Mapped[DbActivity] = relationship(back_populates="reports")


class DbIndicator(Base):
    """An indicator of a recommendation or of an activity (exactly one is set), due by ``due_date``.

    ``target`` says what counts as met; ``met_on`` the day it was met (null while not).
    """

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    met_on: Mapped[dt.date | None] = mapped_column(Date)

    recommendation: Mapped[DbRecommendation | None] = relationship(back_populates="indicators")
    activity: Mapped[DbActivity | None] = relationship(back_populates="indicators")


# --------------------------------------------------------------------------- transfers


class DbTransfer(Base):
    """One import or export: ``direction`` ``import``/``export``, the file, counts, errors and records touched.

    ``errors`` is a list of ``[line, reason]``; ``record_ids`` the ids of the
    records touched: recommendations created or written for ``format``
    ``csv``/``xlsx``, documents stored for ``docs`` (an ingest), events
    shown for ``html`` (a briefing).
    """

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[Action] = mapped_column(_enum(Action, 16))
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(8))
    user: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    loaded: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    record_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)


__all__ = [
    "Entity", "Action", "RecStatus", "Priority", "TermScheme", "PartyRole", "DecisionKind",
    "DbAuditEntry", "DbReviewDecision", "DbFieldCorrection", "DbRecommendation", "DbRecTerm", "DbParty",
    "DbRecStatusChange", "DbActivity", "DbActivityLink", "DbProgressReport", "DbIndicator", "DbTransfer",
]
