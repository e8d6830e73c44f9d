"""``/api/v1/events``: events with filters, one event with sub-events and supporting passages (``ctrack events``)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params
from ctrack.schema import EventStatus, EventType
from ctrack.service import events as service
from ctrack.service.events import EventOut
from ctrack.store.models import ReviewState
from ctrack.store.views import EventRow

router = APIRouter(tags=["events"])


@router.get("/events", response_model=Page[EventRow], summary="List events")
def list_events(
    country: str | None = Query(None, description="ISO3 or state name: events held there or engaging it"),
    region: str | None = Query(None, description="a region, e.g. 'Central Asia'"),
    type: EventType | None = Query(None, description="event type"),
    since: str | None = Query(None, description="ISO date at any precision: 2018, 2018-05, 2018-05-03"),
    until: str | None = Query(None, description="ISO date at any precision"),
    status: EventStatus | None = Query(None, description="held or planned"),
    review_state: ReviewState | None = Query(None, description="proposed, confirmed or corrected"),
    sort: str | None = Query(None, description=f"one of {', '.join(service.SORTS)}; '-' first for descending"),
    page: PageParams = Depends(page_params),
    db: Session = Depends(get_db), _: Principal = Depends(viewer),
):
    """Events (rejected ones left out) in date order, undated last, unless ``sort`` says otherwise;
    filtered, counted and paged in the database (``after``: keyset paging with ``next_cursor``)."""
    filters = service.EventFilters(country=country, region=region, type=type, since=since, until=until,
                                   status=status, review_state=review_state)
    return service.list_events(db, filters, sort, page)


@router.get("/events/{event_id}", response_model=EventOut, summary="Get an event")
def get_event(event_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """An event with its roles, the event it is part of, its sub-events, and for each source document
    the sentences that support it, with the evidence spans marked (offsets into each passage)."""
    return service.event_detail(db, event_id)
