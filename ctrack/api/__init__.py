"""The HTTP API of ctrack (FastAPI), versioned under ``/api/v1``.

:func:`ctrack.api.app.create_app` builds the application (API and web
pages); ``ctrack serve`` runs it with uvicorn. The routers in
:mod:`ctrack.api.routes` are thin layers over the repository functions of
:mod:`ctrack.store` and the workflow of :mod:`ctrack.track`, offering the
CLI's operations under the same names (documents/ingest, actors, events,
show, review, history, recs, search, reports).
"""
