"""The duplicates pages: candidate pairs, two records side by side, merge / split / not the same, and undo.

In the manner of nomenklatura's dedupe screen. ``/dedupe`` lists the pairs
of actors or events the resolver left apart that look alike, best score
first (:func:`ctrack.service.dedupe.candidates`), and the latest decisions
with an Undo button. ``/dedupe/{actor|event}/{a}/{b}`` shows the two records
side by side — names, aliases, titles, type, dates, venue, roles, and each
source document with the sentences that support the record — with the
buttons *Merge, keep A*, *Merge, keep B*, *Not the same*, and for a record
with several source documents a *Split*. Every decision leads to
``/dedupe/decisions/{id}``, which names what changed and offers *Undo*.
Viewing needs a signed-in account; deciding the analyst role and the
session's CSRF token (the same :func:`ctrack.api.deps.require` dependency
as the API). The decisions go through :mod:`ctrack.service.dedupe`, as
``ctrack review merge|split|distinct|undo`` and ``/api/v1/review/…`` do.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db
from ctrack.service import dedupe
from ctrack.service.paging import PageParams
from ctrack.store.track_models import Entity
from ctrack.store.web_models import UserRole
from ctrack.web.render import render
from ctrack.web.routes import _pages, analyst, page_user

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _subject(value: str) -> Entity:
    if value not in ("actor", "event"):
        raise HTTPException(404, f"duplicates are actors or events, not {value!r}")
    return Entity(value)


@router.get("/dedupe")
def dedupe_page(request: Request, kind: str = "", min_score: float = Query(dedupe.DEFAULT_MIN_SCORE, ge=0, le=100),
                offset: int = Query(0, ge=0), me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    subject = _subject(kind) if kind else None
    page = dedupe.candidates(db, subject, min_score=min_score, page=PageParams(limit=PAGE_SIZE, offset=offset))
    return render(request, "dedupe.html", {
        "page": page, "kind": kind, "min_score": min_score, "recent": dedupe.recent(db, 10),
        "can_decide": me.allows(UserRole.ANALYST), "pages": _pages(page.total, offset, PAGE_SIZE, request),
    }, nav="dedupe")


@router.get("/dedupe/split/{subject}/{row_id}")
def split_page(request: Request, subject: str, row_id: int, me: Principal = Depends(page_user),
               db: Session = Depends(get_db)):
    entity = _subject(subject)
    return render(request, "dedupe_split.html", {
        "side": dedupe.record(db, entity, row_id), "subject": entity.value,
        "can_decide": me.allows(UserRole.ANALYST)}, nav="dedupe")


@router.get("/dedupe/{subject}/{a_id}/{b_id}")
def compare_page(request: Request, subject: str, a_id: int, b_id: int, me: Principal = Depends(page_user),
                 db: Session = Depends(get_db)):
    entity = _subject(subject)
    data = dedupe.compare(db, entity, a_id, b_id)
    return render(request, "dedupe_compare.html", {
        "c": data, "subject": entity.value, "can_decide": me.allows(UserRole.ANALYST),
    }, nav="dedupe")


@router.post("/dedupe/merge")
def merge(subject: str = Form(...), kept_id: int = Form(...), other_id: int = Form(...), reason: str = Form(""),
          who: Principal = Depends(analyst), db: Session = Depends(get_db)):
    d = dedupe.merge(db, who.name, _subject(subject), kept_id, other_id, reason=reason or None)
    db.commit()
    return RedirectResponse(f"/dedupe/decisions/{d.id}", status_code=303)


@router.post("/dedupe/distinct")
def distinct(subject: str = Form(...), a_id: int = Form(...), b_id: int = Form(...), reason: str = Form(""),
             who: Principal = Depends(analyst), db: Session = Depends(get_db)):
    d = dedupe.not_same(db, who.name, _subject(subject), a_id, b_id, reason=reason or None)
    db.commit()
    return RedirectResponse(f"/dedupe/decisions/{d.id}", status_code=303)


@router.post("/dedupe/split")
def split(subject: str = Form(...), row_id: int = Form(...), documents: list[int] = Form([]),
          name: str = Form(""), reason: str = Form(""), who: Principal = Depends(analyst),
          db: Session = Depends(get_db)):
    if not documents:
        raise HTTPException(422, "tick the source documents whose facts go to the new record")
    d = dedupe.split(db, who.name, _subject(subject), row_id, documents, name=name or None, reason=reason or None)
    db.commit()
    return RedirectResponse(f"/dedupe/decisions/{d.id}", status_code=303)


@router.get("/dedupe/decisions/{decision_id}")
def decision_page(request: Request, decision_id: int, me: Principal = Depends(page_user),
                  db: Session = Depends(get_db)):
    d = dedupe.describe(db, decision_id)
    return render(request, "dedupe_decision.html", {"d": d, "can_decide": me.allows(UserRole.ANALYST)},
                  nav="dedupe")


@router.post("/dedupe/decisions/{decision_id}/undo")
def undo(decision_id: int, comment: str = Form(""), who: Principal = Depends(analyst),
         db: Session = Depends(get_db)):
    dedupe.undo(db, who.name, decision_id, comment=comment or None)
    db.commit()
    return RedirectResponse(f"/dedupe/decisions/{decision_id}", status_code=303)


__all__ = ["router"]
