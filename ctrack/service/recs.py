"""Recommendations and technical-assistance needs as the faces show them (``/api/v1/recs``, ``/recs``)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.errors import BadQuery
from ctrack.store.track_models import RecStatus
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


__all__ = ["StatusEntry", "RecOut", "rec_out", "list_recs"]
