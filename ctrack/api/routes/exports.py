"""``/api/v1/states`` and ``/api/v1/export``: engagements per member state, and exports of a filtered set
of events (``ctrack export``) as a file download."""
from __future__ import annotations

import shutil

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from ctrack.api.deps import Principal, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params
from ctrack.schema import EventType
from ctrack.service import engagements, exports
from ctrack.service.engagements import StateEngagements

router = APIRouter(tags=["exports"])


@router.get("/states", response_model=Page[StateEngagements], summary="Member states and their engagements")
def states(page: PageParams = Depends(page_params), db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """The member states in the knowledge base with their number of engagements (events held there or where
    it, its bodies or its people hold a role), most engaged first, paged: the figures of ``/states`` and
    ``ctrack show``."""
    return engagements.state_list(db, page)


@router.get("/export", summary="Export events (ctrack export)",
            responses={200: {"content": {m.split(";")[0]: {} for m in exports.MEDIA_TYPES.values()}}})
def export(request: Request, format: str = Query(..., description="csv | xlsx | jsonl | ics | graphml | gexf | ftm"),
           country: str | None = Query(None, description="ISO3 or state name"),
           region: str | None = Query(None, description="a region, e.g. 'Central Asia'"),
           since: str | None = Query(None), until: str | None = Query(None), type: EventType | None = Query(None),
           table: str = Query("events", description="for csv: events | roles | actors | sources"),
           reviewed_only: bool = Query(False),
           db: Session = Depends(get_db), who: Principal = Depends(viewer)):
    """The events ``/api/v1/events`` lists for the same filters, with their actors, roles and sources, as a
    file in ``format`` (see :mod:`ctrack.service.exports`); each row links back to the web app (this server's address). The export is
    written to the audit log under the caller's account."""
    if format not in exports.FORMATS:
        raise HTTPException(422, f"unknown export format {format!r} (formats: {', '.join(exports.FORMATS)})")
    filters = exports.Filters(country=country, region=region, since=since, until=until, type=type,
                              reviewed_only=reviewed_only)
    try:
        path, _ = exports.export_bytes(db, format, filters, user=who.name, table=table,
                                        base=str(request.base_url))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    db.commit()
    return FileResponse(path, media_type=exports.MEDIA_TYPES[format],
                        filename=exports.filename(format, filters, table),
                        background=BackgroundTask(shutil.rmtree, path.parent, ignore_errors=True))
