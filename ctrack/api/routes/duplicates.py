"""``/api/v1/review/duplicates``, ``/api/v1/review/distinct`` and ``/api/v1/review/decisions``: candidate
duplicate actors and events with their scores, two records side by side, the "not the same" decision, and
a merge, split or distinct decision as a reviewer reads it (``ctrack review duplicates|distinct|decisions``).
Merge, split and undo are ``POST /review/merge``, ``/review/split`` and ``/review/undo/{decision}``. Every
write needs the analyst role and is written to the audit log under the account's name."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, analyst, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params
from ctrack.service import dedupe
from ctrack.store.track_models import Entity

router = APIRouter(tags=["review"])


class DistinctIn(BaseModel):
    """Two actors or two events (``subject``) that are not the same, and why."""

    subject: Entity
    a_id: int
    b_id: int
    reason: str | None = None


@router.get("/review/duplicates", response_model=dedupe.CandidatePage, summary="Candidate duplicates")
def duplicates(subject: Entity | None = Query(None, description="actor or event (default: both)"),
               min_score: float = Query(dedupe.DEFAULT_MIN_SCORE, ge=0, le=100,
                                        description="only pairs scored at least this (0-100; pairs under 30 are "
                                                    "never listed)"),
               page: PageParams = Depends(page_params), db: Session = Depends(get_db),
               _: Principal = Depends(viewer)):
    """Actors or events the resolver left apart that look alike, best score first, each pair with its score
    (0-100), the reasons and the block keys that brought them together. Pairs judged not the same are left
    out. Pages by offset."""
    return dedupe.candidates(db, subject, min_score=min_score, page=page)


@router.get("/review/duplicates/{subject}/{a_id}/{b_id}", response_model=dedupe.CompareOut,
            summary="Two records side by side")
def compare(subject: Entity, a_id: int, b_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """Two actors or two events side by side: fields, names, titles, roles, sources with the sentences that
    support them, the decisions each took part in, and their similarity."""
    return dedupe.compare(db, subject, a_id, b_id)


@router.post("/review/distinct", response_model=dedupe.DecisionView, summary="Two records are not the same")
def distinct(body: DistinctIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Record that two actors or events are not the same: the pair is no longer proposed as a duplicate.
    Undo with ``POST /review/undo/{decision}``."""
    out = dedupe.not_same(db, who.name, body.subject, body.a_id, body.b_id, reason=body.reason)
    db.commit()
    return out


@router.get("/review/decisions", response_model=Page[dedupe.DecisionView], summary="Latest merge, split and "
            "distinct decisions")
def decisions(subject: Entity | None = Query(None, description="actor or event (default: both)"),
              page: PageParams = Depends(page_params), db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """The merge, split and distinct decisions, newest first, paged, each with a one-line summary and whether
    it was undone."""
    return dedupe.decisions_page(db, subject, page)


@router.get("/review/decisions/{decision_id}", response_model=dedupe.DecisionView, summary="One decision")
def decision(decision_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """A merge, split or distinct decision: who, when, what moved, and whether it was undone."""
    return dedupe.describe(db, decision_id)
