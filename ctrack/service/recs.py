"""Recommendations and technical-assistance needs as the faces show them (``/api/v1/recs``, ``/recs``)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.errors import BadQuery, BadRecord
from ctrack.store import search as search_index
from ctrack.store.track_models import DbRecommendation, RecStatus
from ctrack.store.web_models import SearchKind
from ctrack.track import io as rec_io
from ctrack.track import recommendations as recs


class StatusEntry(BaseModel):
    """The recommendation had ``status`` from ``day`` on."""

    status: RecStatus
    day: dt.date
    user: str
    comment: str | None = None


class RecOut(BaseModel):
    """A recommendation with the import/export fields, review state, dated status history and indicators."""

    id: int
    state: str | None = None
    text: str
    themes: list[str] = Field(default_factory=list)
    resolutions: list[str] = Field(default_factory=list)
    pillars: list[str] = Field(default_factory=list)
    priority: str | None = None
    ta_needed: bool = False
    ta_description: str | None = None
    lead_institutions: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    due_date: dt.date | None = None
    status: RecStatus
    source: str | None = None
    issued_on: dt.date | None = None
    source_event_id: int | None = None
    source_document_id: int | None = None
    source_span: list[int] | None = None
    review_state: str
    history: list[StatusEntry] = Field(default_factory=list)
    indicators: list[dict[str, Any]] = Field(default_factory=list)
    overdue: bool = False


def rec_out(rec, today: dt.date | None = None) -> RecOut:
    """The :class:`RecOut` of a recommendation row (``overdue`` as of ``today``)."""
    return RecOut(**recs.view(rec), overdue=recs.is_overdue(rec, today or dt.date.today()))


def list_recs(db: Session, *, state: str | None = None, region: str | None = None, theme: str | None = None,
              status: RecStatus | None = None, partner: str | None = None, overdue: bool = False,
              ta_needed: bool | None = None, proposed: bool = False) -> list[RecOut]:
    """Recommendations by the filters of ``ctrack recs list`` (shared by the API and the tracker page).

    A few hundred per team, so the list is whole; :class:`BadQuery` for a bad filter."""
    today = dt.date.today()
    try:
        rows = recs.query(db, state=state, region=region, theme=theme, status=status, partner=partner,
                           overdue_on=today if overdue else None, proposed=proposed)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    out = [rec_out(r, today) for r in rows]
    if ta_needed is not None:
        out = [r for r in out if r.ta_needed is ta_needed]
    return out


# --------------------------------------------------------------------------- writes
# Every face (``ctrack recs add|status|import``, ``POST /api/v1/recs…``, the tracker page's status form) writes
# through these, so that each write is audit-logged by :mod:`ctrack.track` and the search entry of every
# recommendation it touches is rewritten in the same transaction (the caller commits).


def add(db: Session, values: dict[str, Any], *, user: str) -> DbRecommendation:
    """Store one recommendation from raw field values (field → text or typed value, the import columns).

    Returns the new row, with its search entry written. Raises :class:`BadRecord` listing every field that
    does not parse (:func:`ctrack.track.recommendations.parse_input`), and :class:`ctrack.errors.NotFound` for a
    ``source_event_id`` that is not stored."""
    try:
        data = recs.parse_input(values)
    except ValueError as exc:
        raise BadRecord(str(exc)) from None
    rec = recs.create(db, data, user=user)
    search_index.reindex(db, SearchKind.RECOMMENDATION, [rec.id])
    return rec


def record_status(db: Session, rec_id: int, status: RecStatus | str, day: dt.date, *, user: str,
                  comment: str | None = None) -> DbRecommendation:
    """Record that recommendation ``rec_id`` has ``status`` from ``day`` on (history kept, audit entry
    written, search entry rewritten); returns the row. Raises :class:`ctrack.errors.NotFound` for an unknown
    id and :class:`BadRecord` for a status that is not one of :class:`RecStatus`."""
    try:
        recs.set_status(db, rec_id, status, day, user=user, comment=comment)
    except ValueError as exc:
        raise BadRecord(f"status: {exc}") from None
    search_index.reindex(db, SearchKind.RECOMMENDATION, [rec_id])
    return recs.get(db, rec_id)


def import_file(db: Session, path, *, user: str, dry_run: bool = False, mapping: dict[str, str] | None = None,
                on: dt.date | None = None) -> rec_io.ImportReport:
    """Import recommendations from a CSV or XLSX file (:func:`ctrack.track.io.import_file`: bad rows are
    reported with their line and never loaded) and write the search entries of the rows loaded. Returns the
    :class:`ctrack.track.io.ImportReport`; raises :class:`ctrack.track.io.TransferError` when the file as a whole
    cannot be read."""
    report = rec_io.import_file(db, path, user=user, dry_run=dry_run, mapping=mapping, on=on)
    if not dry_run and report.loaded:
        search_index.reindex(db, SearchKind.RECOMMENDATION, list(report.loaded))
    return report


__all__ = ["StatusEntry", "RecOut", "rec_out", "list_recs", "add", "record_status", "import_file"]
