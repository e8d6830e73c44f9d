"""``/api/v1/reports``, ``/api/v1/stats`` and ``/api/v1/network``: briefing data, counts, who met whom."""
from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db, get_engine, viewer
from ctrack.schema import ActorKind, EventType
from ctrack.service import reports as service
from ctrack.service.events import EventFilters
from ctrack.service.network import Network
from ctrack.store.views import Briefing, Counts

router = APIRouter(tags=["reports"])


@router.get("/reports/briefing", response_model=Briefing, summary="Briefing data or pack (ctrack report)",
            responses={200: {"content": {"application/pdf": {}, "text/html": {}}}})
def briefing(request: Request, country: str | None = Query(None, description="ISO3 or state name"),
             region: str | None = Query(None, description="a region, e.g. 'Central Asia'"),
             states: str | None = Query(None, description="a list of member states, e.g. TJK,KGZ"),
             since: str | None = Query(None, description="engagements from this date"),
             until: str | None = Query(None, description="engagements up to this date"),
             format: str | None = Query(None, description="pdf | html | json (default: from the Accept header, "
                                                          "else json)"),
             sections: str | None = Query(None, description="pack sections, comma-separated (default all)"),
             db: Session = Depends(get_db), who: Principal = Depends(viewer)):
    """What ``ctrack report`` puts in a briefing. As JSON (default): the events in scope with roles and
    sources, counts by event type and by member state, and every source cited. With ``Accept:
    application/pdf`` (or ``format=pdf``) the briefing pack as a PDF, with ``Accept: text/html`` (or
    ``format=html``) as a self-contained page; a pack is written to the audit log under the caller."""
    accept = request.headers.get("accept", "")
    fmt = (format or ("pdf" if "application/pdf" in accept else "html" if "text/html" in accept else "json")).lower()
    state_list = [x.strip() for x in states.split(",") if x.strip()] if states else None
    if fmt == "json":
        try:
            return service.briefing(db, country=country, region=region, states=state_list, since=since, until=until)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
    if fmt not in ("pdf", "html"):
        raise HTTPException(422, f"unknown format {format!r} (pdf, html or json)")
    from ctrack.report import write_briefing

    with tempfile.TemporaryDirectory(prefix="ctrack-pack-") as folder:
        path = Path(folder) / f"briefing.{fmt}"
        try:
            pack = write_briefing(get_engine(request), path, country=country, region=region, states=state_list,
                                  since=since, until=until, fmt=fmt, user=who.name, base_url=str(request.base_url),
                                  sections=sections.split(",") if sections else None)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        data = path.read_bytes()
    name = "briefing-" + "-".join(pack.briefing.members[:6] or ["all"]) + f".{fmt}"
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    disposition = "attachment" if fmt == "pdf" else "inline"
    return Response(data, media_type=media, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


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
