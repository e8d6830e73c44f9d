"""Pytest fixtures and helpers for tests that use the knowledge base.

Import the fixtures into a ``conftest.py``::

    from ctrack.store.testing import db_url, engine, session  # noqa: F401

``db_url`` is parametrized over two backends, so every test that uses it
runs twice: ``[sqlite]`` gets a fresh SQLite file in ``tmp_path``;
``[postgresql]`` gets its own schema in a PostgreSQL database
(``search_path`` set through the URL's ``options``; the schema is dropped
after the test, so tests run in parallel too). That database is the one in
the environment variable ``CTRACK_TEST_PG_URL``
(``postgresql+psycopg://user@host/db``) when it is set, else a throwaway
server that the session-scoped fixture :func:`pg_base_url` starts from the
installed server binaries (:mod:`ctrack.store.pgserver`; ``apt-get install
postgresql``) and stops at the end. Without either, the ``[postgresql]``
tests are skipped with that reason. ``tests/conftest.py`` imports
``pg_base_url`` so that every test folder sees it.

:func:`gold_record` loads a gold file of ``../shared/corpus/dev/gold`` as a
:class:`ctrack.schema.Record` (a gold title given as a list of accepted forms
becomes its first form) and :func:`gold_document` builds the matching
:class:`ctrack.schema.Document` from the dev document's bytes without the
ingest stage.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from ctrack.schema import DocFormat, Document, Record

PG_ENV = "CTRACK_TEST_PG_URL"

#: ``../shared`` next to the repository (read-only inputs: corpus, scorer).
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DEV_DOCS = SHARED / "corpus" / "dev" / "docs"
DEV_GOLD = SHARED / "corpus" / "dev" / "gold"


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    """URL of the PostgreSQL database the ``[postgresql]`` tests use, for the whole session.

    ``$CTRACK_TEST_PG_URL`` if set; otherwise a throwaway server started with
    :func:`ctrack.store.pgserver.start_throwaway_postgres` (its URL is put in
    ``$CTRACK_TEST_PG_URL`` for subprocesses while the session lasts), stopped
    at the end. Skips when neither exists: no server binaries installed.
    """
    from ctrack.store import pgserver

    given = os.environ.get(PG_ENV)
    if given:
        yield given
        return
    if pgserver.find_pg_bin() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed "
                    "(apt-get install postgresql) and CTRACK_TEST_PG_URL is not set")
    url, stop = pgserver.start_throwaway_postgres()
    os.environ[PG_ENV] = url
    try:
        yield url
    finally:
        os.environ.pop(PG_ENV, None)
        stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: SQLite in ``tmp_path``, or a fresh PostgreSQL schema (see module doc)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kb.sqlite3'}"
        return
    pg = request.getfixturevalue("pg_base_url")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The migrated knowledge base at ``db_url`` (:func:`ctrack.store.db.open_store`)."""
    from ctrack.store.db import open_store

    eng = open_store(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on :func:`engine`; the test commits what it wants kept."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


def gold_record(doc_id: str) -> Record:
    """The gold record ``DEV_GOLD/<doc_id>.json`` as a :class:`Record` (list titles → their first form)."""
    data = json.loads((DEV_GOLD / f"{doc_id}.json").read_text(encoding="utf-8"))
    for actor in data["actors"]:
        if isinstance(actor.get("title"), list):
            actor["title"] = actor["title"][0] if actor["title"] else None
    return Record.model_validate(data)


def gold_document(doc_id: str, record: Record | None = None) -> Document:
    """The dev document ``doc_id`` read by :func:`ctrack.ingest.read` (real text, sha256, size).

    The gold record's publication date is used when ingest finds none, so
    that tests on dates do not depend on ingest's date finding.
    """
    from ctrack.ingest import read

    path = next(DEV_DOCS.glob(f"{doc_id}.*"))
    doc = read(path)
    record = record or gold_record(doc_id)
    if doc.published is None and record.document.published:
        doc = doc.model_copy(update={"published": dt.date.fromisoformat(record.document.published)})
    return doc


def make_document(doc_id: str, text_: str, published: dt.date | None = None, title: str | None = None) -> Document:
    """A :class:`Document` for text a test writes itself (sha256 of the UTF-8 text)."""
    raw = text_.encode("utf-8")
    return Document(
        id=doc_id, path=f"/tmp/{doc_id}.txt", format=DocFormat.TXT,
        sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), title=title,
        published=published, text=text_,
    )


def store_record(engine: Engine, doc_id: str, published: str, actors: list[dict], events: list[dict]):
    """Store a ``ctrack.extraction/1`` record a test writes itself (``actors`` and ``events`` as SCHEMA.md
    gives them) for a document ``doc_id`` published on ``published`` (ISO date), through
    :func:`ctrack.store.repo.save_document`; returns its :class:`~ctrack.store.repo.SaveResult`."""
    from ctrack.store import repo
    from ctrack.store.db import session_scope

    record = Record.model_validate({"schema": "ctrack.extraction/1",
                                    "document": {"id": doc_id, "title": doc_id, "published": published,
                                                 "language": "en"},
                                    "actors": actors, "events": events})
    doc = make_document(doc_id, f"text of {doc_id}", dt.date.fromisoformat(published), title=doc_id)
    with session_scope(engine) as s:
        return repo.save_document(s, doc, record)
