"""The ASGI application of the HTTP API under ``/api/v1``, over one knowledge base.

:func:`create_app` opens the knowledge base (running the Alembic migrations,
so ``ctrack serve --db postgresql+psycopg://…`` works on an empty database),
makes sure the search index exists, and mounts the API routers of
:mod:`ctrack.api.routes` under :data:`API_PREFIX`, with the OpenAPI document
at ``/api/v1/openapi.json`` (kept in the repository as ``docs/openapi.json``;
no Swagger UI, which would load scripts from a CDN). The API knows nothing
of the web pages: :func:`ctrack.web.app.create_app` builds the whole site by
adding the pages to this app (and an ``app.state.error_page`` renderer for
errors outside ``/api/``).

Defences (:mod:`ctrack.api.security`): failed sign-ins and bearer tokens
are throttled (429 with ``Retry-After``), every answer carries CSP,
``X-Frame-Options: DENY``, ``nosniff`` and ``Referrer-Policy``, and a
request body over ``Settings.max_request_bytes`` is refused with 413. The
OpenAPI document needs an account like the rest of the API.

Errors: a :class:`ctrack.errors.NotFound` is a 404 and any other
:class:`ctrack.errors.CtrackError` a 422, answered as JSON
``{"detail": message, "code": "E011"}`` under ``/api/`` (and everywhere when
no ``app.state.error_page`` is set), else as that error page.
"""
from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ctrack import __version__
from ctrack.api.routes import accounts, actors, documents, duplicates, events, exports, recs, reports, review, search
from ctrack.api.deps import viewer
from ctrack.api.security import MAX_INT, BodyLimit, SecurityHeaders, Throttle, check_integers
from ctrack.api.settings import Settings
from ctrack.errors import CtrackError, NotFound
from ctrack.store import search as search_index
from ctrack.store.db import open_store, session_scope

API_PREFIX = "/api/v1"

#: Routers mounted under :data:`API_PREFIX`, in the order the OpenAPI document lists them.
ROUTERS = [documents.router, actors.router, events.router, review.router, duplicates.router, recs.router, search.router,
           reports.router, accounts.router, exports.router]

DESCRIPTION = """\
The HTTP API of ctrack, the counter-terrorism cooperation tracker: documents, actors, events,
review, recommendations, search and reports, in the vocabulary of `ctrack.extraction/1`
(actor kinds, event types, roles and statuses as in the extraction records).

Authentication: `Authorization: Bearer <token>` with a personal token from `ctrack token create NAME`
(browsers use the session cookie of the web pages, and then send the `X-CSRF-Token` header on writes).
Anonymous requests get 401; a role too low for an operation gets 403 (`viewer` reads, `analyst` also
reviews, edits and uploads, `admin` also manages accounts).

Lists are paged (`limit`, `offset`; the answer gives `total`) and sorted with `sort=FIELD` or
`sort=-FIELD`.
"""


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


#: The body of every error answer that is not FastAPI's own validation error: ``detail`` says what is wrong,
#: ``code`` (when the error is one of :mod:`ctrack.errors`) is its stable code.
ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["detail"],
    "properties": {"detail": {"title": "Detail", "type": "string"},
                   "code": {"title": "Code", "type": "string", "description": "stable error code, e.g. E012"}},
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
#: Answers any operation can give besides its own, with what they mean.
COMMON_ANSWERS = {
    "401": "Not signed in, or a bad or revoked token (`WWW-Authenticate: Bearer`)",
    "403": "The account's role is too low, or a write with the session cookie lacks the CSRF token",
    "404": "No such record (or path)",
    "413": "Request body over the server's cap",
    "429": "Too many failed tokens from this address (`Retry-After` says how long to wait)",
}


def _openapi(app: FastAPI) -> dict:
    """The app's OpenAPI document, true to what the API answers.

    FastAPI documents 200 and its own 422. Added here to every operation:
    the answers any request can get (:data:`COMMON_ANSWERS`, body
    :data:`ERROR_SCHEMA`), and a 422 that is either FastAPI's validation
    error (a list under ``detail``) or ctrack's (``detail`` a sentence and
    ``code``), e.g. an unknown state name or sort key.
    """
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    doc.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for ops in doc.get("paths", {}).values():
        for op in ops.values():
            responses = op.setdefault("responses", {})
            for code, text in COMMON_ANSWERS.items():
                responses.setdefault(code, {"description": text,
                                            "content": {"application/json": {"schema": _ERROR_REF}}})
            if "429" in responses:
                responses["429"].setdefault("headers", {"Retry-After": {
                    "description": "seconds to wait", "schema": {"type": "integer"}}})
            invalid = responses.setdefault("422", {"description": "Validation Error"})
            schema = invalid.setdefault("content", {}).setdefault("application/json", {}).get("schema")
            alternatives = [schema, _ERROR_REF] if schema and schema != _ERROR_REF else [_ERROR_REF]
            invalid["content"]["application/json"]["schema"] = (
                {"anyOf": alternatives} if len(alternatives) > 1 else alternatives[0])
    app.openapi_schema = doc
    return doc


_heap_frozen = False

#: The collector's thresholds for a server process (:func:`gc.set_threshold`; CPython's default is
#: ``(700, 10, 10)``). A page request allocates tens of thousands of objects that live until its answer is
#: sent (rows, models, the JSON); with 700, each request ran dozens of young collections that moved them
#: up a generation only for them to die when the answer was sent, and the network of a state spent 20-74 ms
#: of its 126-156 ms of CPU collecting (``bench/kb_cpu.py --gc-threshold``, PostgreSQL, 1,000,000 events,
#: after :func:`freeze_startup_heap`'s freeze). At 10,000 young objects: 20 ms; the simple pages ~0 ms.
GC_THRESHOLD = (10_000, 10, 10)


def freeze_startup_heap() -> bool:
    """Move every object alive at the server's start out of the garbage collector's sight (once a process).

    A full (generation 2) collection of CPython traverses every container object the process holds; a
    server process holds ~185,000 at its start (the imported modules of FastAPI, SQLAlchemy, pydantic,
    the gazetteer, the app), and such a collection took 150-190 ms of CPU on the bench machine. The
    collector runs one whenever enough objects have survived since the last (about every 10-20 page
    requests at a million events), so it landed inside a request and made the tail of every request kind:
    in 20 requests of the network of a state, 5 full collections, 174 ms of collection a request on average
    (``bench/kb_cpu.py``, PostgreSQL, 1,000,000 events). :func:`gc.freeze` (after one collection, so that
    no garbage is frozen) puts those objects in a permanent generation that collections skip; what
    requests allocate is still collected, with the thresholds :data:`GC_THRESHOLD`. Done once per process (the
    first app's start): later apps of the same process (tests) are not worth another full collection.
    Returns True when it froze now, False when an earlier start had done it.
    """
    global _heap_frozen
    if _heap_frozen:
        return False
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    _heap_frozen = True
    return True


def create_app(settings: Settings | str) -> FastAPI:
    """The application for ``settings`` (or a database URL, with default settings).

    Raises :class:`ctrack.errors.StoreError` when the database cannot be opened or migrated.
    """
    if isinstance(settings, str):
        settings = Settings(db_url=settings)
    engine = open_store(settings.db_url)
    with session_scope(engine) as session:
        search_index.ensure_index(session)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        freeze_startup_heap()  # before the first request: see there
        yield
        engine.dispose()

    app = FastAPI(title="ctrack", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None, dependencies=[Depends(check_integers)])
    app.openapi = lambda: _openapi(app)
    app.state.engine = engine
    app.state.settings = settings
    app.state.throttle = Throttle(settings.throttle)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)

    @app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False)
    def openapi_json(_=Depends(viewer)):
        """The OpenAPI document, for signed-in accounts and token holders only (it maps the whole API)."""
        return JSONResponse(app.openapi())
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)

    @app.exception_handler(CtrackError)
    async def ctrack_error(request: Request, exc: CtrackError):
        status = 404 if isinstance(exc, NotFound) else 422
        message = getattr(exc, "message", str(exc))
        page = getattr(request.app.state, "error_page", None)
        if _wants_json(request) or page is None:
            return JSONResponse({"detail": message, "code": exc.code}, status_code=status)
        return page(request, status, message)

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, exc: OverflowError):
        """A number in a JSON body too large for the database (path and query are checked before)."""
        errors = [{"type": "less_than_equal", "loc": ["body"], "msg": f"Input should be less than or equal to "
                   f"{MAX_INT}", "input": None, "ctx": {"le": MAX_INT}}]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError):
        """A value the database cannot take: on PostgreSQL, ids are 32-bit ``integer`` columns, so an id
        from 2^31 up is out of range there ("integer out of range"). A 422, not a server error."""
        orig = getattr(exc, "orig", None)
        reason = (str(orig).splitlines()[0] if orig else "value out of range for the database")
        errors = [{"type": "value_error", "loc": ["body"] if request.method not in ("GET", "HEAD") else ["query"],
                   "msg": f"Value error, {reason}", "input": None}]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        page = getattr(request.app.state, "error_page", None)
        if _wants_json(request) or page is None:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return page(request, exc.status_code, str(exc.detail), headers=exc.headers)

    return app


__all__ = ["create_app", "freeze_startup_heap", "API_PREFIX", "ROUTERS"]
