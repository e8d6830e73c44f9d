"""``/api/v1/recs``: recommendations and technical-assistance needs (``ctrack recs …``): list with filters,
get with progress, create, record a status, statistics, overdue items, import and export."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, analyst, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params, paginate, sort_items
from ctrack.errors import BadQuery, CtrackError
from ctrack.store.track_models import RecStatus
from ctrack.track import io as rec_io
from ctrack.service import recs as rec_service
from ctrack.service.recs import RecOut, list_recs, rec_out
from ctrack.track import recommendations as recs

router = APIRouter(tags=["recommendations"])


class RecDetail(RecOut):
    """A recommendation with its progress read from its activities."""

    progress: dict[str, Any] = Field(default_factory=dict)


class RecIn(BaseModel):
    """A new recommendation; the same fields as an import row (lists as lists or ';'-separated text)."""

    state: str
    text: str
    themes: list[str] | str | None = None
    resolutions: list[str] | str | None = None
    pillars: list[str] | str | None = None
    priority: str | None = None
    ta_needed: bool | str | None = None
    ta_description: str | None = None
    lead_institutions: list[str] | str | None = None
    partners: list[str] | str | None = None
    due_date: str | None = None
    status: str | None = None
    source: str | None = None
    issued_on: str | None = None
    source_event_id: int | None = None


class StatusIn(BaseModel):
    """A status and the day it holds from (default today), with an optional comment."""

    status: RecStatus
    day: dt.date | None = None
    comment: str | None = None


_SORTS = {"id": lambda r: r.id, "state": lambda r: r.state, "due_date": lambda r: r.due_date,
          "status": lambda r: r.status.value, "priority": lambda r: r.priority}


@router.get("/recs", response_model=Page[RecOut], summary="List recommendations")
def list_recommendations(
    state: str | None = Query(None, description="ISO3 or state name"),
    region: str | None = Query(None, description="a region, e.g. 'Central Asia'"),
    theme: str | None = Query(None, description="theme code, label or alias"),
    status: RecStatus | None = Query(None),
    partner: str | None = Query(None, description="implementing partner"),
    overdue: bool = Query(False, description="only those overdue today"),
    ta_needed: bool | None = Query(None, description="needing technical assistance (or not)"),
    proposed: bool = Query(False, description="the machine proposals waiting for review instead"),
    sort: str | None = Query(None, description=f"one of {', '.join(_SORTS)}; '-' first for descending"),
    page: PageParams = Depends(page_params),
    db: Session = Depends(get_db), _: Principal = Depends(viewer),
):
    """Reviewed recommendations (or the proposals) with their status history and indicators."""
    rows = list_recs(db, state=state, region=region, theme=theme, status=status, partner=partner, overdue=overdue,
                     ta_needed=ta_needed, proposed=proposed)
    return paginate(sort_items(rows, sort, _SORTS), page)


@router.get("/recs/stats", summary="Recommendation statistics")
def statistics(on: dt.date | None = Query(None, description="the day (default today)"),
               country: str | None = Query(None), region: str | None = Query(None),
               every: str = Query("quarter", pattern="^(month|quarter|year)$"),
               db: Session = Depends(get_db), _: Principal = Depends(viewer)) -> dict[str, Any]:
    """Totals, counts by status, state, region, theme and partner, overdue items and the implementation
    rate over time (``ctrack recs stats``)."""
    return recs.statistics(db, on, country=country, region=region, every=every)


@router.get("/recs/overdue", response_model=Page[dict[str, Any]],
            summary="Overdue recommendations and indicators")
def overdue(on: dt.date | None = Query(None), page: PageParams = Depends(page_params), db: Session = Depends(get_db),
            _: Principal = Depends(viewer)):
    """Open recommendations and unmet indicators due before ``on`` (default today), most overdue first, paged
    (each item as :func:`ctrack.track.recommendations.overdue` describes it)."""
    return paginate(recs.overdue(db, on or dt.date.today()), page)


@router.get("/recs/export", summary="Export recommendations as CSV",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def export(state: str | None = Query(None), region: str | None = Query(None), theme: str | None = Query(None),
           status: RecStatus | None = Query(None), db: Session = Depends(get_db),
           who: Principal = Depends(viewer)):
    """The reviewed recommendations matching the filters as CSV with the import columns; the export is
    written to the audit log with the records it holds."""
    try:
        rows = recs.query(db, state=state, region=region, theme=theme, status=status)
    except ValueError as exc:  # an unknown theme: 422 naming the accepted ones, as the list answers
        raise BadQuery(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="ctrack-export-") as folder:
        path = Path(folder) / "recommendations.csv"
        rec_io.export_file(db, path, rows, user=who.name)
        data = path.read_bytes()
    db.commit()
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="recommendations.csv"'})


@router.get("/recs/{rec_id}", response_model=RecDetail, summary="Get a recommendation")
def get_recommendation(rec_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """A recommendation with its history, indicators and progress from its activities."""
    rec = recs.get(db, rec_id)
    return RecDetail(**rec_out(rec).model_dump(), progress=recs.progress(db, rec_id))


@router.post("/recs", response_model=RecOut, status_code=201, summary="Create a recommendation")
def create(body: RecIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Store a recommendation (audit-logged under the account's name)."""
    values = {k: (";".join(v) if isinstance(v, list) else v) for k, v in body.model_dump().items() if v is not None}
    rec = rec_service.add(db, values, user=who.name)
    db.commit()
    return rec_out(rec)


@router.post("/recs/{rec_id}/status", response_model=RecOut, summary="Record a status")
def set_status(rec_id: int, body: StatusIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Record that the recommendation has ``status`` from ``day`` on (dated history kept)."""
    rec = rec_service.record_status(db, rec_id, body.status, body.day or dt.date.today(), user=who.name,
                                    comment=body.comment)
    db.commit()
    return rec_out(rec)


@router.post("/recs/import", summary="Import recommendations (CSV or XLSX)")
def import_recs(file: UploadFile = File(...), dry_run: bool = Form(False), db: Session = Depends(get_db),
                who: Principal = Depends(analyst)) -> dict[str, Any]:
    """Load a CSV/XLSX with the default columns (``ctrack recs import``). Bad rows are reported with their
    line number and reason and never loaded; ``dry_run`` loads nothing. Answers 422 when any row was bad."""
    name = Path(file.filename or "upload.csv").name
    with tempfile.TemporaryDirectory(prefix="ctrack-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(file.file.read())
        try:
            report = rec_service.import_file(db, path, user=who.name, dry_run=dry_run)
        except CtrackError as exc:
            raise HTTPException(422, getattr(exc, "message", str(exc))) from None
    if not dry_run:
        db.commit()
    result = report.to_json() | {"path": name}
    if report.errors:
        raise HTTPException(422, result)
    return result

