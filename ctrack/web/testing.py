"""Pytest fixtures and helpers for tests of the HTTP API and the web pages.

Import the fixtures into a ``conftest.py`` next to the store's::

    from ctrack.web.testing import api  # noqa: F401
    from ctrack.store.testing import db_url, engine, session  # noqa: F401

``api`` is an :class:`Api`: a FastAPI test client on a fresh knowledge base
(``db_url``: SQLite and PostgreSQL) holding the seed document
(``../shared/corpus/dev/docs/seed-000.txt``, read and extracted once per
process by the real ingest and extract stages, stored with
:func:`ctrack.store.repo.save_document`), with three accounts ``viewer``,
``analyst`` and ``admin`` (password :data:`PASSWORD`) and a token each.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from ctrack.store.testing import DEV_DOCS

SEED = DEV_DOCS / "seed-000.txt"
PASSWORD = "correct horse battery"


@functools.lru_cache(maxsize=None)
def seed_extraction():
    """(Document, Record) of the seed document, computed once per process."""
    from ctrack.extract import extract
    from ctrack.ingest import read

    document = read(SEED)
    return document, extract(document)


@dataclass
class Api:
    """A test client and the headers of each account (``viewer``, ``analyst``, ``admin``) and their tokens."""

    client: TestClient
    app: object
    tokens: dict[str, str]

    def as_(self, role: str | None) -> dict[str, str]:
        """Authorization headers for ``role`` (None: anonymous)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def get(self, path: str, role: str | None = "viewer", **kw):
        return self.client.get(path, headers=self.as_(role), **kw)

    def post(self, path: str, role: str | None = "analyst", **kw):
        return self.client.post(path, headers=self.as_(role), **kw)


def make_api(url: str, seed: bool = True) -> Api:
    """An app on ``url`` with accounts viewer/analyst/admin (password :data:`PASSWORD`), tokens, and the seed."""
    from ctrack.web.app import create_app
    from ctrack.store import repo, search, web_repo
    from ctrack.store.db import session_scope

    app = create_app(url)
    tokens = {}
    with session_scope(app.state.engine) as s:
        for role in ("viewer", "analyst", "admin"):
            web_repo.create_user(s, role, role, PASSWORD)
            tokens[role], _ = web_repo.create_token(s, role)
        if seed:
            document, record = seed_extraction()
            saved = repo.save_document(s, document, record)
            search.index_document(s, saved.document_id)
    return Api(TestClient(app), app, tokens)


@pytest.fixture
def api(db_url: str):
    """An :class:`Api` over a fresh knowledge base (SQLite or PostgreSQL) holding the seed document."""
    built = make_api(db_url)
    with built.client:
        yield built
    built.app.state.engine.dispose()
