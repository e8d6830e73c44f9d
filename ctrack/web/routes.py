"""The web pages: server-rendered (Jinja2), over the same functions as the HTTP API.

Every page needs a signed-in account (anonymous visitors are sent to
``/login``); every form that changes something posts the session's CSRF
token and is checked for role on the server by the same dependency as the
API (:func:`ctrack.api.deps.require`). Pages: ``/`` (overview), ``/search``,
``/actors`` and ``/actors/{id}``, ``/events`` and ``/events/{id}``,
``/states`` and ``/states/{iso3}``, ``/documents`` and ``/documents/{id}``,
``/upload``, ``/review`` (:mod:`ctrack.web.review`), ``/dedupe`` (:mod:`ctrack.web.dedupe`), ``/recs``,
``/network``, ``/timeline``, ``/admin/users``, ``/login``. The pages of this module are on :data:`router`;
a section with its own module (review, duplicates) has its own ``router``, listed in :data:`PAGE_MODULES`;
:func:`mount` adds them all to the app.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session

from ctrack.api.security import Throttled, client_address
from ctrack.api.deps import (
    SESSION_COOKIE, Principal, get_db, optional_principal, require,
)
from ctrack.schema import ActorKind, EventStatus, EventType
from ctrack.service import accounts
from ctrack.service import actors as actor_service
from ctrack.service import documents as document_service
from ctrack.service import engagements
from ctrack.service import events as event_service
from ctrack.service import reports
from ctrack.service import search as search_service
from ctrack.service.paging import PageParams
from ctrack.service.passages import Mark, label_of
from ctrack.service import recs as rec_service
from ctrack.service.recs import list_recs
from ctrack.store import web_repo
from ctrack.store.track_models import RecStatus
from ctrack.store.web_models import SearchKind, UserRole
from ctrack.track import recommendations as recs
from ctrack.web.charts import network_svg, timeline_svg
from ctrack.web.render import STATIC_DIR, render

router = APIRouter(include_in_schema=False)

#: Cookie holding the login form's CSRF token (double-submit: there is no session yet).
LOGIN_CSRF_COOKIE = "ctrack_login_csrf"
PAGE_SIZE = 100

analyst = require(UserRole.ANALYST)
admin = require(UserRole.ADMIN)


class LoginRequired(Exception):
    """Raised by :func:`page_user` for an anonymous visitor; answered with a redirect to the login page."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url


def page_user(request: Request, principal: Principal | None = Depends(optional_principal)) -> Principal:
    """The signed-in account of a page request; anonymous visitors go to ``/login?next=…``."""
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return principal


def error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An HTML error page (used by the app's error handlers outside ``/api/``), with ``headers`` if given."""
    titles = {401: "Sign-in required", 403: "Not allowed", 404: "Not found", 413: "Too large",
              422: "Cannot do that", 429: "Too many attempts"}
    response = render(request, "error.html", {"status": status, "title": titles.get(status, "Error"),
                                              "message": message}, status_code=status)
    for key, value in (headers or {}).items():
        if key.lower() != "www-authenticate":
            response.headers[key] = value
    return response


def _secure(request: Request) -> bool:
    setting = request.app.state.settings.secure_cookies
    if setting is not None:
        return setting
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _safe_next(target: str | None) -> str:
    """Only a local path may be a redirect target ("/events?x=1"; never "//host" or "http://…")."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _back(request: Request, fallback: str) -> str:
    referer = request.headers.get("referer", "")
    base = str(request.base_url).rstrip("/")
    if referer.startswith(base):
        return _safe_next(referer[len(base):] or "/")
    return fallback


def _pages(total: int, offset: int, size: int, request: Request) -> dict[str, Any]:
    params = dict(request.query_params)

    def link(new_offset: int) -> str:
        return "?" + urlencode(params | {"offset": new_offset})

    return {"total": total, "offset": offset, "size": size, "shown": min(size, max(0, total - offset)),
            "prev": link(max(0, offset - size)) if offset > 0 else None,
            "next": link(offset + size) if offset + size < total else None}


# --------------------------------------------------------------------------- sign in / out


@router.get("/login")
def login_form(request: Request, next: str = "/", error: str | None = None):
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", {"next": _safe_next(next), "login_csrf": token, "error": error})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request),
                        path="/login")
    return response


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
          next: str = Form("/"), db: Session = Depends(get_db)):
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not csrf_token or not secrets.compare_digest(cookie, csrf_token):
        raise HTTPException(403, "missing or wrong CSRF token: reload the sign-in page and try again")
    throttle, address = request.app.state.throttle, client_address(request)
    try:
        throttle.check("login", account=name, address=address)
    except Throttled as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
    user = web_repo.authenticate(db, name.strip(), password)
    if user is None:
        throttle.failed("login", account=name, address=address)
        db.commit()
        return RedirectResponse(f"/login?next={quote(_safe_next(next))}&error=1", status_code=303)
    settings = request.app.state.settings
    value, _ = web_repo.create_web_session(db, user, settings.session_lifetime)
    web_repo.purge_expired_sessions(db)
    db.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, value, httponly=True, samesite="lax", secure=_secure(request),
                        max_age=int(settings.session_lifetime.total_seconds()), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, _: Principal = Depends(require(UserRole.VIEWER)), db: Session = Depends(get_db)):
    web_repo.end_web_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --------------------------------------------------------------------------- overview and search


@router.get("/")
def home(request: Request, me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    o = reports.overview(db)
    return render(request, "home.html", {
        "counts": o.counts, "recent": o.recent, "states": [s for s in o.states if s.events], "planned": o.planned,
        "rec_totals": o.rec_totals, "queue_size": o.queue_size, "documents": o.documents,
        "engaged_states": o.engaged_states, "named_states": o.counts.by_kind.get("member_state", 0),
    }, nav="home")


@router.get("/search")
def search_page(request: Request, q: str = "", kind: SearchKind | None = None, offset: int = Query(0, ge=0),
                me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    result = search_service.search(db, q, [kind] if kind else None, PageParams(limit=25, offset=offset)) \
        if q.strip() else None
    db.commit()  # keep what the search's refresh indexed
    return render(request, "search.html", {
        "q": q, "kind": kind, "result": result, "kinds": list(SearchKind),
        "pages": _pages(result.total, offset, 25, request) if result else None,
    }, nav="search")


# --------------------------------------------------------------------------- actors


@router.get("/actors")
def actors_page(request: Request, kind: ActorKind | None = None, q: str | None = None,
                offset: int = Query(0, ge=0), me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    page = actor_service.list_actors(db, kind=kind, q=q or None, page=PageParams(limit=PAGE_SIZE, offset=offset))
    return render(request, "actors.html", {
        "rows": page.items, "kind": kind, "q": q or "", "kinds": list(ActorKind),
        "pages": _pages(page.total, offset, PAGE_SIZE, request)}, nav="actors")


@router.get("/actors/{actor_id}")
def actor_page(request: Request, actor_id: int, offset: int = Query(0, ge=0), me: Principal = Depends(page_user),
               db: Session = Depends(get_db)):
    p = actor_service.actor_page(db, actor_id, PageParams(limit=PAGE_SIZE, offset=offset))
    return render(request, "actor.html", {
        "t": p.timeline, "a": p.timeline.actor, "counterparts": p.counterparts,
        "roles": [(r.value, n) for r, n in p.roles], "sources": p.sources,
        "counted": p.counted_events, "of": p.role_events,
        "pages": _pages(p.timeline.total, offset, PAGE_SIZE, request),
    }, nav="actors")


# --------------------------------------------------------------------------- events


def _event_filters(country: str | None, region: str | None, type: str | None, since: str | None,
                   until: str | None, status: str | None) -> dict[str, Any]:
    """The event filters of a page's query string (empty fields dropped); 422 for an unknown type or status."""
    def enum_or_none(cls, value):
        try:
            return cls(value) if value else None
        except ValueError:
            raise HTTPException(422, f"unknown {cls.__name__}: {value!r}") from None

    return {"country": country or None, "region": region or None, "type": enum_or_none(EventType, type),
            "since": since or None, "until": until or None, "status": enum_or_none(EventStatus, status)}


@router.get("/events")
def events_page(request: Request, country: str | None = None, region: str | None = None, type: str | None = None,
                since: str | None = None, until: str | None = None, status: str | None = None,
                offset: int = Query(0, ge=0), me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    filters = _event_filters(country, region, type, since, until, status)
    page = event_service.list_events(db, event_service.EventFilters(**filters),
                                     page=PageParams(limit=PAGE_SIZE, offset=offset))
    return render(request, "events.html", {
        "rows": page.items, "f": filters, "types": list(EventType),
        "pages": _pages(page.total, offset, PAGE_SIZE, request) | {"exact": page.total_exact}}, nav="events")


@router.get("/events/{event_id}")
def event_page(request: Request, event_id: int, me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    return render(request, "event.html", {"e": event_service.event_detail(db, event_id)}, nav="events")


@router.get("/timeline")
def timeline_page(request: Request, country: str | None = None, region: str | None = None, type: str | None = None,
                  since: str | None = None, until: str | None = None, status: str | None = None,
                  me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    filters = _event_filters(country, region, type, since, until, status)
    rows = reports.events_in_scope(db, event_service.EventFilters(**filters))
    return render(request, "timeline.html", {
        "svg": timeline_svg(rows), "f": filters, "types": list(EventType),
        "undated": [e for e in rows if not e.start], "count": len(rows)}, nav="timeline")


@router.get("/network")
def network_page(request: Request, country: str | None = None, region: str | None = None, type: str | None = None,
                 since: str | None = None, until: str | None = None, persons: str | None = None,
                 me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    filters = _event_filters(country, region, type, since, until, None)
    kinds = None if persons else set(ActorKind) - {ActorKind.PERSON}
    net = reports.network(db, event_service.EventFilters(**filters), max_nodes=60, kinds=kinds)
    pairs = sorted(net.edges, key=lambda e: -e.weight)[:15]
    names = {n.id: n for n in net.nodes}
    return render(request, "network.html", {
        "svg": network_svg(net), "net": net, "f": filters, "types": list(EventType), "persons": bool(persons),
        "pairs": [(names[e.source], names[e.target], e) for e in pairs]}, nav="network")


# --------------------------------------------------------------------------- member states


@router.get("/states")
def states_page(request: Request, me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    states = reports.states(db)
    engaged = engagements.engagement_counts(db)
    by_state = {row["state"]: row for row in recs.statistics(db)["by_state"]}
    return render(request, "states.html", {"states": states, "recs": by_state, "engaged": engaged}, nav="states")


@router.get("/states/{iso3}")
def state_page(request: Request, iso3: str, me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    page = reports.state_page(db, iso3)
    data = page.briefing
    code = data.country or iso3.upper()
    if code != iso3:
        return RedirectResponse(f"/states/{code}", status_code=307)
    return render(request, "state.html", {
        "b": data, "iso3": code, "actor": page.actor, "visits": page.visits, "section": page.section,
        "timeline": timeline_svg(data.events, width=1180, lane_height=28)}, nav="states")


# --------------------------------------------------------------------------- documents and upload


@router.get("/documents")
def documents_page(request: Request, q: str | None = None, offset: int = Query(0, ge=0),
                   me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    page = document_service.list_documents(db, q=q or None, sort="-id", page=PageParams(limit=PAGE_SIZE, offset=offset))
    return render(request, "documents.html", {
        "rows": page.items, "q": q or "",
        "pages": _pages(page.total, offset, PAGE_SIZE, request)}, nav="documents")


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, me: Principal = Depends(page_user),
                  db: Session = Depends(get_db)):
    doc = document_service.get_document(db, document_id)
    marks = [Mark(start=m.start, end=m.end, label=label_of(m), mention_id=m.id) for m in doc.mentions
             if 0 <= m.start < m.end <= len(doc.text)]
    return render(request, "document.html", {"d": doc, "marks": marks, "n_marks": len(marks)}, nav="documents")


@router.get("/upload")
def upload_page(request: Request, me: Principal = Depends(page_user)):
    return render(request, "upload.html", {"can_upload": me.allows(UserRole.ANALYST)}, nav="upload")


# --------------------------------------------------------------------------- review
# The review pages (/review, /review/bulk, /review/undo, /documents/{id}/evidence): ctrack/web/review.py


# --------------------------------------------------------------------------- recommendations


@router.get("/recs")
def recs_page(request: Request, state: str | None = None, region: str | None = None, theme: str | None = None,
              status: str | None = None, overdue: str | None = None, ta: str | None = None,
              me: Principal = Depends(page_user), db: Session = Depends(get_db)):
    status_value = RecStatus(status) if status else None
    rows = list_recs(db, state=state or None, region=region or None, theme=theme or None, status=status_value,
                     overdue=bool(overdue), ta_needed=True if ta else None)
    stats = recs.statistics(db, country=state or None, region=region or None if not state else None)
    return render(request, "recs.html", {
        "rows": rows, "stats": stats, "statuses": list(RecStatus),
        "f": {"state": state or "", "region": region or "", "theme": theme or "", "status": status or "",
              "overdue": bool(overdue), "ta": bool(ta)},
        "can_edit": me.allows(UserRole.ANALYST), "today": dt.date.today()}, nav="recs")


@router.post("/recs/{rec_id}/status")
def recs_status(rec_id: int, status: RecStatus = Form(...), day: str = Form(""), comment: str = Form(""),
                back: str = Form("/recs"), who: Principal = Depends(analyst), db: Session = Depends(get_db)):
    try:
        when = dt.date.fromisoformat(day) if day else dt.date.today()
    except ValueError:
        raise HTTPException(422, f"bad day {day!r}: use YYYY-MM-DD") from None
    rec_service.record_status(db, rec_id, status, when, user=who.name, comment=comment or None)
    db.commit()
    return RedirectResponse(_safe_next(back), status_code=303)


# --------------------------------------------------------------------------- accounts


@router.get("/admin/users")
def users_page(request: Request, who: Principal = Depends(page_user), db: Session = Depends(get_db)):
    if not who.allows(UserRole.ADMIN):
        raise HTTPException(403, f"this needs the admin role; {who.name} is {who.role.value}")
    return render(request, "users.html", {"users": accounts.list_accounts(db), "roles": list(UserRole)}, nav="users")


@router.post("/admin/users")
def users_add(name: str = Form(...), role: UserRole = Form(...), password: str = Form(...),
              _: Principal = Depends(admin), db: Session = Depends(get_db)):
    from ctrack.errors import StoreError

    try:
        accounts.add_account(db, name.strip(), role, password)
    except StoreError as exc:
        raise HTTPException(422, exc.message) from None
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}")
def users_change(name: str, role: UserRole | None = Form(None), active: str | None = Form(None),
                 who: Principal = Depends(admin), db: Session = Depends(get_db)):
    from ctrack.errors import StoreError

    try:
        accounts.change_account(db, name, role=role or None, active=None if active is None else active == "1",
                                by=who.name)
    except StoreError as exc:
        raise HTTPException(422, exc.message) from None
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


# --------------------------------------------------------------------------- mounting


#: The modules of ``ctrack.web`` with pages of their own, each on its own ``router`` (they import this
#: module's :func:`page_user`, hence imported by :func:`mount`, not at the top).
PAGE_MODULES = ("review", "dedupe")


def mount(app: FastAPI) -> None:
    """Add the pages (this module's :data:`router` and those of :data:`PAGE_MODULES`), the static files and
    the login redirect to ``app``."""
    import importlib

    app.include_router(router)
    for name in PAGE_MODULES:
        app.include_router(importlib.import_module(f"ctrack.web.{name}").router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(_request: Request, exc: LoginRequired):
        return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)


__all__ = ["router", "PAGE_MODULES", "mount", "error_page", "page_user", "LoginRequired", "LOGIN_CSRF_COOKIE"]
