"""Events: the filtered, paged event list (``ctrack events``, ``/api/v1/events``, ``/events``) and one
event with its parent, sub-events and source passages (``/api/v1/events/{id}``, ``/events/{id}``)."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.errors import BadQuery
from ctrack.schema import EventStatus, EventType
from ctrack.service.paging import Page, PageParams, check_page, parse_sort
from ctrack.service.passages import SourcePassages, passages
from ctrack.store import repo, web_repo
from ctrack.store.models import ReviewState
from ctrack.store.views import EventRow

#: Sort keys of the event list (``sort=start``, ``sort=-start`` …).
SORTS = repo.EVENT_SORTS


class EventFilters(BaseModel):
    """What an event list is filtered by (all optional): see :func:`ctrack.store.repo.list_events`."""

    country: str | None = None
    region: str | None = None
    type: EventType | None = None
    since: str | None = None
    until: str | None = None
    status: EventStatus | None = None
    review_state: ReviewState | None = None
    reviewed_only: bool = False


class EventOut(BaseModel):
    """An event, the event it is part of, its sub-events, and per source the passages that support it."""

    event: EventRow
    parent: EventRow | None = None
    sub_events: list[EventRow] = Field(default_factory=list)
    sources: list[SourcePassages] = Field(default_factory=list)


def list_events(db: Session, filters: EventFilters | None = None, sort: str | None = None,
                page: PageParams | None = None) -> Page[EventRow]:
    """One page of the events that ``filters`` keep (rejected ones left out), in date order (undated last)
    unless ``sort`` (a key of :data:`SORTS`, ``-`` first for descending) says otherwise.

    Filtering, sorting, counting and paging happen in SQL; ``page.after`` (a
    page's ``next_cursor``) reads the next page by keyset. A date range in date
    order counts at most :data:`ctrack.store.repo.EVENT_COUNT_CAP` events: past
    that, ``total`` is the cap and ``total_exact`` false ("more than"). Raises
    :class:`BadQuery` for a bad date, sort key or cursor and :class:`NotFound`
    for an unknown country or region.
    """
    f = filters or EventFilters()
    page = check_page(page)
    key, descending = parse_sort(sort, list(SORTS))
    try:
        rows, total, cursor, exact = repo.page_events_counted(
            db, country=f.country, region=f.region, type=f.type, since=f.since, until=f.until, status=f.status,
            review_state=f.review_state, reviewed_only=f.reviewed_only, sort=key or "start", descending=descending,
            limit=page.limit, offset=page.offset, after=page.after, count_cap=repo.EVENT_COUNT_CAP)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    return Page[EventRow](items=rows, total=total, total_exact=exact, limit=page.limit, offset=page.offset,
                          next_cursor=cursor)


def event_detail(db: Session, event_id: int) -> EventOut:
    """The :class:`EventOut` of ``event_id``: roles, parent, sub-events, and for each source document the
    sentences that support the event with the evidence marked. Raises :class:`NotFound`."""
    detail = web_repo.event_detail(db, event_id)
    texts = web_repo.document_texts(db, sorted({s.document_id for s in detail.evidence}))
    by_doc = passages(detail.evidence, texts)
    sources = [SourcePassages(source=s, passages=by_doc.get(s.document_id, [])) for s in detail.event.sources]
    return EventOut(event=detail.event, parent=detail.parent, sub_events=detail.sub_events, sources=sources)


__all__ = ["SORTS", "EventFilters", "EventOut", "list_events", "event_detail"]
