"""The review pages: the queue (``/review``), bulk decisions (``/review/bulk``) and a document's evidence
(``/documents/{id}/evidence``), over :mod:`ctrack.service.review` like ``ctrack review`` and the API.

The evidence page also has a form to add a fact the extractor missed (a role of an actor in one of the
document's events, or an event with the words that tell it: ``POST /review/add``).

Every decision (confirm, reject, correct, add, a bulk confirm or reject) posts a form and is answered with a
redirect back to the page it came from, which then shows what changed (fact, field, old → new) in place of
the decided card and in the status line, with an Undo button that posts to ``/review/undo`` (the same
service undo as ``ctrack review undo`` and ``POST /api/v1/review/…/undo``). The query string carries
only ids: ``done`` (the decision's audit entry), ``batch`` (a bulk decision), ``undone`` (the undo's audit
entry), ``at`` (where the decided card was) and ``error``. Keyboard shortcuts are in ``static/app.js``.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db
from ctrack.errors import CtrackError
from ctrack.gazetteer import get_gazetteer
from ctrack.service import documents as document_service
from ctrack.service import review as review_service
from ctrack.service.paging import PageParams
from ctrack.service.passages import Mark
from ctrack.schema import EventType, RoleType
from ctrack.store.models import ReviewState
from ctrack.store.track_models import Entity
from ctrack.store.web_models import UserRole
from ctrack.web.render import render
from ctrack.web.routes import analyst, page_user

router = APIRouter(include_in_schema=False)

#: Facts per page of the queue.
PAGE_SIZE = 50
#: Facts a bulk confirmation page lists before "… and N more".
BULK_SHOWN = 30
#: Query-string keys that describe the last decision rather than the filters.
NOTE_KEYS = ("done", "batch", "undone", "at", "error", "edit")


def _float_or_none(value: str | None, name: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise HTTPException(422, f"{name} {value!r} is not a number between 0 and 1") from None


def queue_query(document: str | None, actor: str | None, member_state: str | None, kind: list[str],
                min_confidence: str | None, max_confidence: str | None,
                state: ReviewState = ReviewState.PROPOSED) -> review_service.QueueQuery:
    """The :class:`ctrack.service.review.QueueQuery` of a page's filters (empty fields dropped); 422 for an
    unknown kind of fact or a confidence that is not a number."""
    kinds = [Entity(k) for k in kind if k in {e.value for e in review_service.KINDS}]
    if len(kinds) != len([k for k in kind if k]):
        raise HTTPException(422, f"no kind of fact among {kind!r}")
    return review_service.QueueQuery(
        document=document or None, actor=actor or None, member_state=member_state or None, kind=kinds,
        min_confidence=_float_or_none(min_confidence, "min confidence"),
        max_confidence=_float_or_none(max_confidence, "max confidence"), state=state)


def describe(query: review_service.QueueQuery) -> str:
    """The filters in words, for a bulk confirmation ("kind event role, confidence 0.5 to 1, member state TJK")."""
    parts = []
    if query.document:
        parts.append(f"document {query.document}")
    if query.actor:
        parts.append(f"actor {query.actor}")
    if query.member_state:
        parts.append(f"member state {query.member_state}")
    if query.kind:
        parts.append("kind " + " or ".join(k.value.replace("_", " ") for k in query.kind))
    if query.min_confidence is not None or query.max_confidence is not None:
        lo = query.min_confidence if query.min_confidence is not None else 0
        hi = query.max_confidence if query.max_confidence is not None else 1
        parts.append(f"confidence {lo:g} to {hi:g}")
    if query.state is not ReviewState.PROPOSED:
        parts.append(f"state {query.state.value}")
    return ", ".join(parts) or "no filter: the whole queue"


def _filters(query: review_service.QueueQuery) -> list[tuple[str, str]]:
    """The query-string pairs of ``query`` (to carry the filters through a bulk confirmation)."""
    pairs = [(k, v) for k, v in (("document", query.document), ("actor", query.actor),
                                 ("member_state", query.member_state)) if v]
    pairs += [("kind", k.value) for k in query.kind]
    pairs += [(k, f"{v:g}") for k, v in (("min_confidence", query.min_confidence),
                                         ("max_confidence", query.max_confidence)) if v is not None]
    if query.state is not ReviewState.PROPOSED:
        pairs.append(("state", query.state.value))
    return pairs


def _safe_local(target: str | None, fallback: str = "/review") -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def with_note(back: str, **note: Any) -> str:
    """``back`` (a local URL) with the last decision's keys (:data:`NOTE_KEYS`) replaced by ``note``."""
    parts = urlsplit(_safe_local(back))
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in NOTE_KEYS]
    pairs += [(k, str(v)) for k, v in note.items() if v is not None and v != ""]
    return parts.path + ("?" + urlencode(pairs) if pairs else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _state_choices() -> list[tuple[str, str]]:
    return sorted(((s.iso3, s.name) for s in get_gazetteer().states()), key=lambda p: p[1])


def _notes(db: Session, done: int | None, batch: str | None, undone: int | None) -> dict[str, Any]:
    """The last decision for the status line: ``note`` (a :class:`DecisionNote`), ``batch_note``, ``undo_note``."""
    out: dict[str, Any] = {"note": None, "batch_note": None, "undo_note": None}
    try:
        if done:
            out["note"] = review_service.decision_note(db, done)
        if batch:
            out["batch_note"] = review_service.batch_note(db, batch)
        if undone:
            out["undo_note"] = review_service.decision_note(db, undone)
    except CtrackError:
        pass  # a stale or hand-made link: show the page without the note
    return out


def _pages(total: int, offset: int, size: int, request: Request, exact: bool = True,
           more: bool | None = None) -> dict[str, Any]:
    """The pager of the queue: ``total`` facts (``exact`` False: more than that, the count stopped),
    ``more``: whether a page follows (when the listing knows it, else from ``total``)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in NOTE_KEYS and k != "offset"]

    def link(new_offset: int) -> str:
        return "?" + urlencode(params + [("offset", str(new_offset))])

    following = more if more is not None else offset + size < total
    return {"total": total, "exact": exact, "offset": offset, "size": size,
            "shown": min(size, max(0, total - offset)) if exact else size,
            "prev": link(max(0, offset - size)) if offset > 0 else None,
            "next": link(offset + size) if following else None}


def _fields(db: Session, items: list[review_service.QueueItemOut]) -> dict[str, list[review_service.FieldOut]]:
    return {i.ref: review_service.fields_of(db, i.entity, i.id) for i in items}


def _page_context(request: Request, db: Session, me: Principal, page, query, *, done, batch, undone, at, error,
                  edit) -> dict[str, Any]:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    notes = _notes(db, done, batch, undone)
    note = notes["note"]
    shown_at = None
    if note is not None and at is not None:
        # the decided card stays where it was, showing what changed (nothing moves under the pointer)
        shown_at = max(0, min(at, len(page.items)))
    return {"items": page.items, "fields": _fields(db, page.items) if me.allows(UserRole.ANALYST) else {},
            "can_review": me.allows(UserRole.ANALYST), "here": here, "error": error, "done_at": shown_at,
            "edit": edit, "state_choices": _state_choices(), "filters_text": describe(query), **notes}


@router.get("/review")
def review_page(request: Request, document: str | None = None, actor: str | None = None,
                member_state: str | None = None, kind: list[str] = Query([]),
                min_confidence: str | None = None, max_confidence: str | None = None,
                state: ReviewState = ReviewState.PROPOSED, offset: int = Query(0, ge=0),
                done: int | None = None, batch: str | None = None, undone: int | None = None,
                at: int | None = Query(None, ge=0), error: str | None = None, edit: int | None = None,
                me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    query = queue_query(document, actor, member_state, kind, min_confidence, max_confidence, state)
    page = review_service.queue(db, page=PageParams(limit=PAGE_SIZE, offset=offset), query=query)
    ctx = _page_context(request, db, me, page, query, done=done, batch=batch, undone=undone, at=at, error=error,
                        edit=edit)
    ctx.update({
        "document": document or "", "actor": actor or "", "state": state, "member_state": member_state or "",
        "kinds": query.kind, "min_confidence": min_confidence or "", "max_confidence": max_confidence or "",
        "reviewable": [e.value for e in review_service.KINDS], "states": list(ReviewState),
        "filter_pairs": _filters(query), "pages": _pages(page.total, offset, PAGE_SIZE, request,
                                                                    exact=page.total_exact,
                                                                    more=page.next_cursor is not None)})
    return render(request, "review.html", ctx, nav="review")


async def _form(request: Request) -> dict[str, str]:
    """The posted form as a dict (the typed correction inputs are named ``value__FIELD``)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/review/undo")
def review_undo(entry: int | None = Form(None), batch: str = Form(""), back: str = Form("/review"),
                at: int | None = Form(None), who: Principal = Depends(analyst), db: Session = Depends(get_db)):
    """Undo one decision (its audit ``entry``) or a whole bulk decision (``batch``); back to the page, which
    then says what was undone."""
    try:
        if batch:
            done = review_service.undo_batch(db, who.name, batch)
            db.commit()
            # the status line says it from the audit log (the batch's note is no longer undoable: it was undone)
            return RedirectResponse(with_note(back, batch=batch), status_code=303)
        if entry is None:
            raise HTTPException(422, "say which decision to undo")
        out = review_service.undo_decision(db, who.name, entry=entry)
        db.commit()
    except CtrackError as exc:
        db.rollback()
        return RedirectResponse(with_note(back, error=exc.message), status_code=303)
    return RedirectResponse(with_note(back, undone=out.entry, at=at), status_code=303)


@router.get("/review/bulk")
def bulk_page(request: Request, action: str, document: str | None = None, actor: str | None = None,
              member_state: str | None = None, kind: list[str] = Query([]), min_confidence: str | None = None,
              max_confidence: str | None = None, state: ReviewState = ReviewState.PROPOSED,
              changed: int | None = None, me: Principal = Depends(analyst), db: Session = Depends(get_db)):
    """The count first: "Confirm 37 facts matching …?" with the first of them, and the button that does it."""
    if action not in ("confirm", "reject"):
        raise HTTPException(404, f"no bulk action {action!r}")
    query = queue_query(document, actor, member_state, kind, min_confidence, max_confidence, state)
    dry = review_service.bulk_decide(db, me.name, action, query, apply=False)
    shown = review_service.queue(db, page=PageParams(limit=BULK_SHOWN), query=query).items
    back = "/review" + ("?" + urlencode(_filters(query)) if _filters(query) else "")
    return render(request, "review_bulk.html", {
        "action": action, "count": dry.count, "items": shown, "filters_text": describe(query),
        "filter_pairs": _filters(query), "back": back, "changed": changed}, nav="review")


@router.post("/review/bulk")
def bulk_apply(action: str = Form(...), expected: int = Form(...), document: str = Form(""), actor: str = Form(""),
               member_state: str = Form(""), kind: list[str] = Form([]), min_confidence: str = Form(""),
               max_confidence: str = Form(""), state: ReviewState = Form(ReviewState.PROPOSED),
               who: Principal = Depends(analyst), db: Session = Depends(get_db)):
    """Do the bulk decision the confirmation page counted; when the set changed meanwhile (another reviewer),
    show the new count instead of deciding on facts nobody saw counted."""
    if action not in ("confirm", "reject"):
        raise HTTPException(404, f"no bulk action {action!r}")
    query = queue_query(document, actor, member_state, kind, min_confidence, max_confidence, state)
    pairs = _filters(query)
    if review_service.bulk_decide(db, who.name, action, query).count != expected:
        return RedirectResponse("/review/bulk?" + urlencode([("action", action), *pairs, ("changed", "1")]),
                                status_code=303)
    out = review_service.bulk_decide(db, who.name, action, query, apply=True)
    db.commit()
    return RedirectResponse("/review?" + urlencode([*pairs, ("batch", out.batch or "")]), status_code=303)


@router.post("/review/{entity}/{row_id}/{action}")
def review_action(entity: Entity, row_id: int, action: str, form: dict[str, str] = Depends(_form),
                  who: Principal = Depends(analyst), db: Session = Depends(get_db)):
    """Confirm, reject or correct one fact; back to the page with the decision's audit entry (``done``) and
    where its card was (``at``). A correction takes ``field`` and its typed input ``value__FIELD`` (or
    ``value``); a bad value comes back as ``error`` with the form open."""
    if action not in review_service.ACTIONS:
        raise HTTPException(404, f"no review action {action!r}")
    back = form.get("back", "/review")
    at = form.get("at") if (form.get("at") or "").isdigit() else None
    field = form.get("field", "").strip()
    if action == "correct" and not field:
        return RedirectResponse(with_note(back, error="choose the field to correct", at=at, edit=at),
                                status_code=303)
    value = form.get(f"value__{field}", form.get("value", "")) if field else None
    try:
        out = review_service.decide(db, who.name, entity, row_id, action, field or None, value,
                                    form.get("comment") or None)
        db.commit()
    except CtrackError as exc:
        db.rollback()
        return RedirectResponse(with_note(back, error=exc.message, at=at, edit=at if action == "correct" else None),
                                status_code=303)
    if out.entry is None:  # a correction to the value it already had
        return RedirectResponse(with_note(back, error=f"{out.ref}: {field} already has that value; nothing changed",
                                          at=at), status_code=303)
    return RedirectResponse(with_note(back, done=out.entry, at=at), status_code=303)


@router.post("/review/add")
def review_add(form: dict[str, str] = Depends(_form), who: Principal = Depends(analyst),
               db: Session = Depends(get_db)):
    """Add a fact the extractor missed (the evidence page's form): ``kind`` "role" (``event_id``, ``actor_id``,
    ``role``, ``evidence`` words, ``document``) or "event" (``document``, ``type``, ``trigger`` words, ``start``,
    ``end``, ``city``, ``country``, ``name``); back to the page with the addition's audit entry (``done``), whose
    status line says what was added with an Undo, or with the ``error``."""
    back = form.get("back", "/review")
    kind = form.get("kind", "")
    blank = {k: (v.strip() or None) for k, v in form.items()}
    try:
        if kind == "role":
            if not (blank.get("event_id") or "").isdigit() or not (blank.get("actor_id") or "").isdigit():
                raise ValueError("choose the event and the actor")
            body = review_service.AddRoleIn(event_id=int(blank["event_id"]), actor_id=int(blank["actor_id"]),
                                            role=blank.get("role") or "", document=blank.get("document"),
                                            evidence=blank.get("evidence"), comment=blank.get("comment"))
            out = review_service.add_role(db, who.name, body)
        elif kind == "event":
            body = review_service.AddEventIn(document=blank.get("document") or "", type=blank.get("type") or "",
                                             trigger=blank.get("trigger") or "", start=blank.get("start"),
                                             end=blank.get("end"), city=blank.get("city"),
                                             country=blank.get("country"), name=blank.get("name"),
                                             comment=blank.get("comment"))
            out = review_service.add_event(db, who.name, body)
        else:
            raise HTTPException(422, f"no kind of fact to add {kind!r}: role or event")
        db.commit()
    except CtrackError as exc:
        db.rollback()
        return RedirectResponse(with_note(back, error=exc.message), status_code=303)
    except ValueError as exc:  # pydantic's ValidationError is one: a missing or unknown type or role
        db.rollback()
        first = str(exc).splitlines()
        return RedirectResponse(with_note(back, error=f"cannot add the {kind}: "
                                          + (first[0] if len(first) < 3 else f"{first[1]}: {first[2].strip()}")),
                                status_code=303)
    return RedirectResponse(with_note(back, done=out.entry), status_code=303)


@router.get("/review/evidence")
def evidence_by_name(document: str, me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    """The evidence view of a document given by id or file name (the queue's source links)."""
    return RedirectResponse(f"/documents/{review_service.document_id(db, document)}/evidence", status_code=303)


@router.get("/documents/{document_id}/evidence")
def evidence_page(request: Request, document_id: int, state: ReviewState = ReviewState.PROPOSED,
                  done: int | None = None, batch: str | None = None, undone: int | None = None,
                  at: int | None = Query(None, ge=0), error: str | None = None, edit: int | None = None,
                  me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    """The document's text with the evidence of each of its facts marked, beside those facts (all of them,
    in queue order), with the same decisions as the queue."""
    doc = document_service.get_document(db, document_id)
    query = review_service.QueueQuery(document=str(doc.id), state=state)
    page = review_service.queue(db, page=PageParams(limit=500), query=query)
    ctx = _page_context(request, db, me, page, query, done=done, batch=batch, undone=undone, at=at, error=error,
                        edit=edit)
    marks = [Mark(start=a, end=b, label=item.ref, mention_id=n) for n, item in enumerate(page.items)
             for a, b in item.spans if 0 <= a < b <= len(doc.text)]
    actors = {m.actor.id: m.actor for m in doc.mentions if m.actor is not None}
    ctx.update({"d": doc, "marks": marks, "state": state, "states": list(ReviewState), "total": page.total,
                "unmarked": sum(1 for i in page.items if not i.spans),
                "add_events": [e for e in doc.events if e.review_state is not ReviewState.REJECTED],
                "add_actors": sorted(actors.values(), key=lambda a: a.name.casefold()),
                "role_types": [r.value for r in RoleType], "event_types": [t.value for t in EventType]})
    return render(request, "evidence.html", ctx, nav="documents")


__all__ = ["router", "queue_query", "describe", "with_note", "PAGE_SIZE", "NOTE_KEYS"]
