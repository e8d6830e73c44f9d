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
#: Debian's Chromium and the flags the browser tests and benches launch it with.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def signed_in_page(playwright, base: str, path: str, name: str = "amina", password: str = PASSWORD):
    """Launch Chromium through ``playwright`` (a ``sync_playwright()`` context), sign ``name`` in on the web app at
    ``base`` and land on ``path``. Returns (browser, page): a 1400 x 900 page with a 60 s default timeout; the caller
    closes the browser. Raises Playwright's TimeoutError when the sign-in does not lead to ``path``."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{base}/login?next={path}")
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + path)
    return browser, page


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
    from ctrack.service import accounts
    from ctrack.store import repo, search, web_repo
    from ctrack.store.db import session_scope

    app = create_app(url)
    tokens = {}
    with session_scope(app.state.engine) as s:
        for role in ("viewer", "analyst", "admin"):
            accounts.add_account(s, role, role, PASSWORD)
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


def missing_role(engine) -> tuple[int, int, int, str]:
    """(event id, actor id, document id, the text of a mention of the actor) of a knowledge base (the seed one): an actor named
    in a document that reports the event and holds no role in it."""
    from sqlalchemy import select

    from ctrack.store.db import session_scope
    from ctrack.store.models import DbEvent, DbEventRole, DbEventSource, DbMention

    with session_scope(engine) as s:
        for ev in s.scalars(select(DbEvent).order_by(DbEvent.id)):
            doc = s.scalar(select(DbEventSource.document_id).where(DbEventSource.event_id == ev.id))
            holders = set(s.scalars(select(DbEventRole.actor_id).where(DbEventRole.event_id == ev.id)))
            for m in s.scalars(select(DbMention).where(DbMention.document_id == doc, DbMention.actor_id.is_not(None))
                               .order_by(DbMention.id)):
                if m.actor_id not in holders and m.text.split():
                    return ev.id, m.actor_id, doc, m.text
    raise AssertionError("the seed document has no actor without a role in one of its events")
