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


def queue(db: Session, document: str | None = None, actor: str | None = None,
          state: ReviewState = ReviewState.PROPOSED, page: PageParams | None = None) -> Page[QueueItemOut]:
    """One page of the facts (actors, events, roles, titles, conflicts, proposed recommendations) in
    ``state``, with the sentences of their sources, for one document or actor or all; ``total`` by
    ``COUNT``. Raises :class:`NotFound` for an unknown document or actor."""
    page = check_page(page)
    if page.after:
        raise BadQuery("the review queue pages by offset, not by cursor")
    items = review.queue(db, document=document, actor=actor, states=(state,), limit=page.limit, offset=page.offset)
    total = review.queue_size(db, document=document, actor=actor, states=(state,))
    return Page[QueueItemOut](items=[
        QueueItemOut(entity=i.entity, id=i.id, ref=i.ref, label=i.label, state=ReviewState(i.state),
                     sources=[SourceSentence(document=d, sentence=s) for d, s in i.sources]) for i in items],
        total=total, limit=page.limit, offset=page.offset)


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


__all__ = ["ACTIONS", "SourceSentence", "QueueItemOut", "ReviewedOut", "reindex_after", "queue", "queue_size",
           "decide", "merge", "split", "undo"]
