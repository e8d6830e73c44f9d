"""The whole site: the HTTP API (:func:`ctrack.api.app.create_app`) plus the web pages at ``/``.

``ctrack serve`` runs this app. The pages and the API share the request
plumbing of :mod:`ctrack.api.deps` (sessions, sign-in, roles, CSRF) and the
operations of :mod:`ctrack.service`; errors outside ``/api/`` are answered
with an HTML error page (:func:`ctrack.web.routes.error_page`).
"""
from __future__ import annotations

from fastapi import FastAPI

from ctrack.api.app import create_app as create_api
from ctrack.api.settings import Settings
from ctrack.web import routes


def create_app(settings: Settings | str) -> FastAPI:
    """The API and the pages over the knowledge base of ``settings`` (or a database URL); every page is
    added by :func:`ctrack.web.routes.mount`.

    Raises :class:`ctrack.errors.StoreError` when the database cannot be opened or migrated.
    """
    app = create_api(settings)
    routes.mount(app)
    app.state.error_page = routes.error_page
    return app


__all__ = ["create_app"]
