"""``/api/v1/reports``, ``/api/v1/stats`` and ``/api/v1/network``: briefing data, counts, who met whom."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db, viewer
from ctrack.schema import ActorKind, EventType
from ctrack.service import reports as service
from ctrack.service.events import EventFilters
from ctrack.service.network import Network
from ctrack.store.views import Briefing, Counts

router = APIRouter(tags=["reports"])


@router.get("/reports/briefing", response_model=Briefing, summary="Briefing data (ctrack report)")
def briefing(country: str | None = Query(None, description="ISO3 or state name"),
             region: str | None = Query(None, description="a region, e.g. 'Central Asia'"),
             db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """What ``ctrack report`` puts in a briefing: the events in scope with roles and sources, counts by
    event type and by member state, and every source cited."""
    return service.briefing(db, country=country, region=region)


@router.get("/stats", response_model=Counts, summary="Counts of the knowledge base")
def stats(db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """How many documents, actors, events, roles, mentions and open conflicts are stored."""
    return service.counts(db)


@router.get("/network", response_model=Network, summary="Who met whom")
def network(country: str | None = Query(None), region: str | None = Query(None),
            type: EventType | None = Query(None), since: str | None = Query(None), until: str | None = Query(None),
            kind: list[ActorKind] | None = Query(None, description="keep actors of these kinds (repeatable)"),
            max_nodes: int = Query(60, ge=2, le=300), min_weight: int = Query(1, ge=1),
            db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """Actors linked by the events they share (filters as for ``/events``), with a layout in the unit square."""
    filters = EventFilters(country=country, region=region, type=type, since=since, until=until)
    return service.network(db, filters, max_nodes=max_nodes, min_weight=min_weight,
                           kinds=set(kind) if kind else None)
