"""Review: the queue of proposed facts (paged), and review decisions that keep the search index in step.

Shared by ``ctrack review …``, ``/api/v1/review/…`` and the ``/review`` page,
so that every face reindexes what a decision changes (the CLI used to skip
it). The functions work in the caller's transaction and do not commit.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.errors import BadQuery
from ctrack.service.paging import Page, PageParams, check_page
from ctrack.store import search as search_index
from ctrack.store.models import ReviewState
from ctrack.store.track_models import Entity
from ctrack.store.web_models import SearchKind
from ctrack.track import audit, review

#: The review actions on one fact.
ACTIONS = ("confirm", "reject", "correct")
#: The kinds of fact the review queue holds (its ``kind`` filter).
KINDS = review.REVIEWABLE


class SourceSentence(BaseModel):
    """A sentence of a source document that supports a fact."""

    document: str
    sentence: str


class QueueItemOut(BaseModel):
    """A fact waiting for review: ``entity``/``id`` (``ref`` "event:3"), a one-line label, its state, sources."""

    entity: Entity
    id: int
    ref: str
    label: str
    state: ReviewState
    confidence: float | None = Field(None, description="the extraction model's probability (0-1); events and "
                                     "roles only, None when no model scored the fact")
    sources: list[SourceSentence] = Field(default_factory=list)


class ReviewedOut(BaseModel):
    """The reviewed record's reference and its review state afterwards."""

    entity: Entity
    id: int
    ref: str
    state: ReviewState


#: Which search entry a review of each kind of record changes.
_SEARCH_OF = {Entity.ACTOR: SearchKind.ACTOR, Entity.EVENT: SearchKind.EVENT,
              Entity.RECOMMENDATION: SearchKind.RECOMMENDATION}


def reindex_after(db: Session, entity: Entity, row: Any) -> None:
    """Keep the search index in step with a reviewed record (roles and titles change their event / person)."""
    if entity in _SEARCH_OF:
        search_index.reindex(db, _SEARCH_OF[entity], [row.id])
    elif entity is Entity.EVENT_ROLE:
        search_index.reindex(db, SearchKind.EVENT, [row.event_id])
    elif entity is Entity.PERSON_TITLE:
        search_index.reindex(db, SearchKind.ACTOR, [row.person_id])


class QueueQuery(BaseModel):
    """The filters of the review queue (every one given narrows it): ``document`` (id or file name),
    ``actor`` (name, acronym, ISO3), ``member_state`` (ISO 3166-1 alpha-3 or a state name), ``kind``
    (kinds of record), ``min_confidence``/``max_confidence`` (0-1, inclusive; only scored facts),
    ``state`` (review state, default proposed)."""

    document: str | None = None
    actor: str | None = None
    member_state: str | None = None
    kind: list[Entity] = Field(default_factory=list)
    min_confidence: float | None = None
    max_confidence: float | None = None
    state: ReviewState = ReviewState.PROPOSED

    def to_filter(self) -> review.QueueFilter:
        """The :class:`ctrack.track.review.QueueFilter` these filters make."""
        return review.QueueFilter(document=self.document or None, actor=self.actor or None,
                                  state=self.member_state or None, kinds=list(self.kind) or None,
                                  min_confidence=self.min_confidence, max_confidence=self.max_confidence,
                                  states=(self.state,))


def _item(i: review.QueueItem) -> QueueItemOut:
    return QueueItemOut(entity=i.entity, id=i.id, ref=i.ref, label=i.label, state=ReviewState(i.state),
                        confidence=i.confidence,
                        sources=[SourceSentence(document=d, sentence=s) for d, s in i.sources])


def queue(db: Session, document: str | None = None, actor: str | None = None,
          state: ReviewState = ReviewState.PROPOSED, page: PageParams | None = None,
          query: QueueQuery | None = None) -> Page[QueueItemOut]:
    """One page of the facts (actors, events, roles, titles, conflicts, proposed recommendations) in
    ``state``, least certain first (extraction confidence ascending, unscored facts last), with the
    sentences of their sources; ``query`` (when given) replaces ``document``/``actor``/``state`` and adds
    the member-state, kind and confidence-band filters. Ordered and paged in SQL; ``total`` by ``COUNT``.
    Raises :class:`NotFound` for an unknown document or actor, :class:`BadQuery` for a cursor and
    :class:`ctrack.track.review.ReviewError` for a bad filter value."""
    page = check_page(page)
    if page.after:
        raise BadQuery("the review queue pages by offset, not by cursor")
    where = (query or QueueQuery(document=document, actor=actor, state=state)).to_filter()
    items = review.queue(db, where=where, limit=page.limit, offset=page.offset)
    total = review.queue_size(db, where=where)
    return Page[QueueItemOut](items=[_item(i) for i in items], total=total, limit=page.limit, offset=page.offset)


def queue_size(db: Session, state: ReviewState = ReviewState.PROPOSED) -> int:
    """How many facts wait in ``state`` (``COUNT`` per kind of record)."""
    return review.queue_size(db, states=(state,))


def decide(db: Session, user: str, entity: Entity, row_id: int, action: str, field: str | None = None,
           value: Any = None, comment: str | None = None) -> ReviewedOut:
    """Confirm, reject or correct (``action``) a fact as ``user``, written to the audit log, and reindex it
    for search. Raises :class:`BadQuery` for another action, and what :mod:`ctrack.track.review` raises
    (:class:`NotFound`, a bad correction)."""
    if action == "confirm":
        row = review.confirm(db, entity, row_id, user=user, comment=comment)
    elif action == "reject":
        row = review.reject(db, entity, row_id, user=user, comment=comment)
    elif action == "correct":
        row = review.correct(db, entity, row_id, field or "", value, user=user, comment=comment)
    else:
        raise BadQuery(f"no review action {action!r}; one of: {', '.join(ACTIONS)}")
    reindex_after(db, entity, row)
    return ReviewedOut(entity=entity, id=row.id, ref=audit.ref(entity, row.id), state=row.review_state)


def merge(db: Session, user: str, subject: Entity, kept_id: int, other_id: int, reason: str | None = None,
          fill: bool = True):
    """Merge ``other_id`` into ``kept_id`` (:func:`ctrack.track.review.merge`; ``fill``: empty fields of
    the kept record take the other's values) and reindex both; returns the decision."""
    d = review.merge(db, subject, kept_id, other_id, user=user, reason=reason, fill=fill)
    if subject in _SEARCH_OF:
        search_index.reindex(db, _SEARCH_OF[subject], [kept_id, other_id])
    return d


def split(db: Session, user: str, subject: Entity, row_id: int, documents: list[int], name: str | None = None,
          reason: str | None = None):
    """Move what ``documents`` said about a record to a new one (:func:`ctrack.track.review.split`) and
    reindex both; returns the decision."""
    d = review.split(db, subject, row_id, documents, user=user, reason=reason, name=name)
    if subject in _SEARCH_OF:
        search_index.reindex(db, _SEARCH_OF[subject], [d.kept_id, d.other_id])
    return d


def undo(db: Session, user: str, decision_id: int, comment: str | None = None):
    """Reverse a merge or split (:func:`ctrack.track.review.undo`) and refresh the search index; returns the result."""
    result = review.undo(db, decision_id, user=user, comment=comment)
    search_index.refresh(db)
    return result


__all__ = ["ACTIONS", "KINDS", "SourceSentence", "QueueItemOut", "ReviewedOut", "reindex_after", "QueueQuery", "queue", "queue_size",
           "decide", "merge", "split", "undo"]
