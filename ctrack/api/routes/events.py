"""``/api/v1/events``: events with filters, one event with sub-events and supporting passages (``ctrack events``)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params, paginate, sort_items
from ctrack.api.passages import SourcePassages, passages
from ctrack.resolve import dates
from ctrack.schema import EventStatus, EventType
from ctrack.store import repo, web_repo
from ctrack.store.models import ReviewState
from ctrack.store.views import EventRow

router = APIRouter(tags=["events"])

_SORTS = {
    "start": lambda e: dates.sort_key(e.start) if e.start else None, "type": lambda e: e.type.value,
    "country": lambda e: e.country, "name": lambda e: e.label.lower(), "id": lambda e: e.id,
    "sources": lambda e: len(e.sources),
}


class EventOut(BaseModel):
    """An event, the event it is part of, its sub-events, and per source the passages that support it."""

    event: EventRow
    parent: EventRow | None = None
    sub_events: list[EventRow] = Field(default_factory=list)
    sources: list[SourcePassages] = Field(default_factory=list)


def filter_events(db: Session, *, country: str | None = None, region: str | None = None,
                  type: EventType | None = None, since: str | None = None, until: str | None = None,
                  status: EventStatus | None = None, review_state: ReviewState | None = None) -> list[EventRow]:
    """:func:`ctrack.store.repo.list_events` plus the status and review-state filters; a bad date is a 422."""
    try:
        rows = repo.list_events(db, country=country, type=type, since=since, until=until, region=region)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    if status:
        rows = [e for e in rows if e.status is status]
    if review_state:
        rows = [e for e in rows if e.review_state is review_state]
    return rows


@router.get("/events", response_model=Page[EventRow], summary="List events")
def list_events(
    country: str | None = Query(None, description="ISO3 or state name: events held there or engaging it"),
    region: str | None = Query(None, description="a region, e.g. 'Central Asia'"),
    type: EventType | None = Query(None, description="event type"),
    since: str | None = Query(None, description="ISO date at any precision: 2018, 2018-05, 2018-05-03"),
    until: str | None = Query(None, description="ISO date at any precision"),
    status: EventStatus | None = Query(None, description="held or planned"),
    review_state: ReviewState | None = Query(None, description="proposed, confirmed or corrected"),
    sort: str | None = Query(None, description=f"one of {', '.join(_SORTS)}; '-' first for descending"),
    page: PageParams = Depends(page_params),
    db: Session = Depends(get_db), _: Principal = Depends(viewer),
):
    """Events (rejected ones left out) in date order, undated last, unless ``sort`` says otherwise."""
    rows = filter_events(db, country=country, region=region, type=type, since=since, until=until, status=status,
                         review_state=review_state)
    return paginate(sort_items(rows, sort, _SORTS), page)


def event_out(db: Session, event_id: int) -> EventOut:
    """The :class:`EventOut` of ``event_id`` (raises NotFound)."""
    detail = web_repo.event_detail(db, event_id)
    texts = web_repo.document_texts(db, sorted({s.document_id for s in detail.evidence}))
    by_doc = passages(detail.evidence, texts)
    sources = [SourcePassages(source=s, passages=by_doc.get(s.document_id, [])) for s in detail.event.sources]
    return EventOut(event=detail.event, parent=detail.parent, sub_events=detail.sub_events, sources=sources)


@router.get("/events/{event_id}", response_model=EventOut, summary="Get an event")
def get_event(event_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """An event with its roles, the event it is part of, its sub-events, and for each source document
    the sentences that support it, with the evidence spans marked (offsets into each passage)."""
    return event_out(db, event_id)
