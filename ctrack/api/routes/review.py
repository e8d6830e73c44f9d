"""``/api/v1/review`` and ``/api/v1/history``: the review queue, confirm / correct / reject, merge, split,
undo, and a record's audit history (``ctrack review …``, ``ctrack history``). Every write needs the
analyst role and is written to the audit log under the account's name."""
from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, analyst, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params, paginate
from ctrack.service import review as service
from ctrack.service.review import QueueItemOut, ReviewedOut
from ctrack.store.models import ReviewState
from ctrack.store.track_models import Entity
from ctrack.track import audit

router = APIRouter(tags=["review"])


class Comment(BaseModel):
    """An optional reason, kept in the audit log."""

    comment: str | None = None


class Correction(BaseModel):
    """A new value for one field (text, parsed as ``ctrack review correct`` does) and an optional reason."""

    field: str
    value: Any = None
    comment: str | None = None


class MergeIn(BaseModel):
    """Merge ``other_id`` into ``kept_id`` (two actors or two events)."""

    subject: Entity
    kept_id: int
    other_id: int
    reason: str | None = None


class SplitIn(BaseModel):
    """Move what the ``documents`` said about record ``id`` to a new record (optionally named ``name``)."""

    subject: Entity
    id: int
    documents: list[int]
    name: str | None = None
    reason: str | None = None


class DecisionOut(BaseModel):
    """A stored merge or split decision (undo it with ``POST /review/undo/{decision}``)."""

    decision: int
    kind: str
    subject: Entity
    kept_id: int
    other_id: int


class HistoryOut(BaseModel):
    """One audit-log line: when, who, what, before/after, why."""

    at: dt.datetime
    user: str
    action: str
    entity: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    comment: str | None = None
    entry: int | None = None


@router.get("/review/queue", response_model=Page[QueueItemOut], summary="The review queue")
def queue(document: str | None = Query(None, description="document id or file name"),
          actor: str | None = Query(None, description="actor name, acronym or ISO3"),
          member_state: str | None = Query(None, description="member state (ISO 3166-1 alpha-3 or name): its actors, "
                                           "events in it or with it in a role, its actors' roles and titles, "
                                           "recommendations to it"),
          kind: list[Entity] = Query([], description="kinds of fact to list (repeat for several; default all)"),
          min_confidence: float | None = Query(None, ge=0, le=1, description="lowest extraction confidence (0-1; "
                                               "only scored facts: events and roles)"),
          max_confidence: float | None = Query(None, ge=0, le=1, description="highest extraction confidence (0-1)"),
          state: ReviewState = Query(ReviewState.PROPOSED, description="review state to list"),
          page: PageParams = Depends(page_params),
          db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """Facts (actors, events, roles, titles, conflicts, proposed recommendations) in ``state``, least certain
    first (extraction confidence ascending, unscored facts last), each with its confidence and the sentences
    of its sources; every filter given narrows the list."""
    return service.queue(db, page=page, query=service.QueueQuery(
        document=document, actor=actor, member_state=member_state, kind=kind, min_confidence=min_confidence,
        max_confidence=max_confidence, state=state))


@router.post("/review/{entity}/{row_id}/confirm", response_model=ReviewedOut, summary="Confirm a fact")
def confirm(entity: Entity, row_id: int, body: Comment | None = None,
            db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Mark a fact ``confirmed`` (a conflict: apply the document's value)."""
    out = service.decide(db, who.name, entity, row_id, "confirm", comment=body.comment if body else None)
    db.commit()
    return out


@router.post("/review/{entity}/{row_id}/reject", response_model=ReviewedOut, summary="Reject a fact")
def reject(entity: Entity, row_id: int, body: Comment | None = None,
           db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Mark a fact ``rejected``: reads and reports leave it out and ingest will not bring it back."""
    out = service.decide(db, who.name, entity, row_id, "reject", comment=body.comment if body else None)
    db.commit()
    return out


@router.post("/review/{entity}/{row_id}/correct", response_model=ReviewedOut, summary="Correct a fact")
def correct(entity: Entity, row_id: int, body: Correction,
            db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Set one field of a fact (the old value is kept); the fact becomes ``corrected``."""
    out = service.decide(db, who.name, entity, row_id, "correct", body.field, body.value, body.comment)
    db.commit()
    return out


@router.post("/review/add-role", response_model=ReviewedOut, summary="Add a role the extractor missed")
def add_role(body: service.AddRoleIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Add an actor's role in a stored event that extraction missed, as a document that reports the event states
    it (with its words as evidence, when given). The role is stored ``confirmed``; ``entry`` is the ``add`` audit
    entry (undo it with ``POST /review/entries/{entry}/undo``); ``ctrack train --with-reviewed`` learns from it."""
    out = service.add_role(db, who.name, body)
    db.commit()
    return out


@router.post("/review/add-event", response_model=ReviewedOut, summary="Add an event the extractor missed")
def add_event(body: service.AddEventIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Add an event a document tells that extraction missed, with the words that tell it (its evidence) and its
    date and venue; stored ``confirmed``, ``entry`` being the ``add`` audit entry (undo it with
    ``POST /review/entries/{entry}/undo``). Add its roles with ``POST /review/add-role``."""
    out = service.add_event(db, who.name, body)
    db.commit()
    return out


@router.post("/review/bulk", response_model=service.BulkOut, summary="Confirm or reject a filtered set")
def bulk(body: service.BulkIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Confirm or reject every fact the filters select (the queue's filters). Without ``"apply": true``
    nothing changes: the answer gives the count and the references first. Applied, each fact gets its own
    audit entry (``entries``); all or nothing."""
    out = service.bulk_decide(db, who.name, body.action, body, apply=body.apply, comment=body.comment)
    if body.apply:
        db.commit()
    return out


@router.post("/review/entries/{entry_id}/undo", response_model=ReviewedOut, summary="Undo one review decision")
def undo_entry(entry_id: int, body: Comment | None = None, db: Session = Depends(get_db),
               who: Principal = Depends(analyst)):
    """Take back the confirm, reject, correct or add that audit entry ``entry_id`` records (``entry`` of the
    decision's answer, or of ``GET /history/…``); an added fact becomes ``rejected``."""
    out = service.undo_decision(db, who.name, entry=entry_id, comment=body.comment if body else None)
    db.commit()
    return out


@router.post("/review/batches/{batch}/undo", response_model=list[ReviewedOut], summary="Undo a bulk decision")
def undo_batch(batch: str, body: Comment | None = None, db: Session = Depends(get_db),
               who: Principal = Depends(analyst)):
    """Take back every confirm or reject of bulk decision ``batch`` (``batch`` of ``POST /review/bulk``'s
    answer): one ``undo`` audit entry per fact; all or nothing."""
    out = service.undo_batch(db, who.name, batch, comment=body.comment if body else None)
    db.commit()
    return out


@router.get("/review/{entity}/{row_id}/fields", response_model=list[service.FieldOut],
            summary="The fields a reviewer may correct on a fact")
def fact_fields(entity: Entity, row_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """Each correctable field of the fact with its input kind (text, state, day, partial_date, flag, integer,
    choice, list, actor, event), its choices and its current value."""
    return service.fields_of(db, entity, row_id)


@router.post("/review/{entity}/{row_id}/undo", response_model=ReviewedOut, summary="Undo a fact's last decision")
def undo_fact(entity: Entity, row_id: int, body: Comment | None = None, db: Session = Depends(get_db),
              who: Principal = Depends(analyst)):
    """Take back the latest confirm, reject, correct or add of a fact not yet undone (state and value go back);
    written to the audit log as an ``undo``."""
    out = service.undo_decision(db, who.name, entity, row_id, comment=body.comment if body else None)
    db.commit()
    return out


def _decision(d) -> DecisionOut:
    return DecisionOut(decision=d.id, kind=d.kind.value, subject=d.subject, kept_id=d.kept_id, other_id=d.other_id)


@router.post("/review/merge", response_model=DecisionOut, summary="Merge two actors or events")
def merge(body: MergeIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Merge ``other_id`` into ``kept_id``; every reference moves, nothing is deleted; undoable."""
    d = service.merge(db, who.name, body.subject, body.kept_id, body.other_id, reason=body.reason)
    db.commit()
    return _decision(d)


@router.post("/review/split", response_model=DecisionOut, summary="Split an actor or event")
def split(body: SplitIn, db: Session = Depends(get_db), who: Principal = Depends(analyst)):
    """Move what some source documents said about a record to a new record; undoable."""
    d = service.split(db, who.name, body.subject, body.id, body.documents, name=body.name, reason=body.reason)
    db.commit()
    return _decision(d)


@router.post("/review/undo/{decision_id}", summary="Undo a merge or split")
def undo(decision_id: int, body: Comment | None = None, db: Session = Depends(get_db),
         who: Principal = Depends(analyst)) -> dict[str, Any]:
    """Reverse a merge or split decision; values changed since are left as they are and listed."""
    result = service.undo(db, who.name, decision_id, comment=body.comment if body else None)
    db.commit()
    return {"decision": result.decision.id, "restored": result.restored, "kept": result.kept,
            "fields_restored": result.fields_restored, "fields_kept": result.fields_kept}


@router.get("/history/{entity}/{row_id}", response_model=Page[HistoryOut], summary="A record's history")
def history(entity: Entity, row_id: int, page: PageParams = Depends(page_params), db: Session = Depends(get_db),
            _: Principal = Depends(viewer)):
    """The audit-log entries about a record, oldest first, paged: who, when, what, before and after, why."""
    return paginate([HistoryOut(**line.to_json()) for line in audit.history(db, entity, row_id)], page)
