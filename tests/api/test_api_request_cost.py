"""A read request writes nothing (issue 12): a Bearer token's time of use is kept to the minute
(:data:`ctrack.store.web_repo.TOKEN_USE_RESOLUTION`), a signed-in page's session is only read, and who is
asking is known after one statement. The statements are counted on the app's engine
(``before_cursor_execute``) and its commits (``commit``), on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, update

from ctrack.store import web_repo
from ctrack.store.db import session_scope
from ctrack.store.models import utcnow
from ctrack.store.web_models import DbApiToken, DbUser
from ctrack.web.testing import PASSWORD, make_api

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def bare(db_url):
    """An app over an empty knowledge base with the three accounts and their tokens (no seed document)."""
    built = make_api(db_url, seed=False)
    with built.client:
        yield built
    built.app.state.engine.dispose()


class Recorder:
    """The statements and commits sent through ``engine`` while it listens."""

    def __init__(self, engine):
        self.statements: list[str] = []
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        self.engine = engine

    def _statement(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(" ".join(statement.split()))

    def _commit(self, _conn) -> None:
        self.commits += 1

    def writes(self) -> list[str]:
        return [s for s in self.statements if s.upper().startswith(WRITES)]

    def clear(self) -> None:
        self.statements.clear()
        self.commits = 0

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)


def _last_used(engine, token: str):
    with session_scope(engine) as s:
        return s.scalar(select(DbApiToken.last_used_at).where(DbApiToken.prefix == token[:12]))


def test_bearer_reads_within_a_minute_write_nothing(bare):
    engine = bare.app.state.engine
    rec = Recorder(engine)
    try:
        assert bare.get("/api/v1/events").status_code == 200  # first use: the time is recorded
        assert [s.split(" SET ")[0] for s in rec.writes()] == ["UPDATE api_tokens"] and rec.commits == 1
        first = _last_used(engine, bare.tokens["viewer"])
        assert first is not None
        rec.clear()
        for path in ("/api/v1/events", "/api/v1/actors", "/api/v1/stats"):
            assert bare.get(path).status_code == 200
        assert rec.writes() == [] and rec.commits == 0
        # token and account in one read
        assert sum("FROM api_tokens" in s for s in rec.statements) == 3
        assert not any(s.startswith("SELECT users.") and "FROM users WHERE" in s for s in rec.statements)
        assert _last_used(engine, bare.tokens["viewer"]) == first
        # older than the resolution: written again
        with session_scope(engine) as s:
            s.execute(update(DbApiToken).where(DbApiToken.prefix == bare.tokens["viewer"][:12])
                      .values(last_used_at=utcnow() - web_repo.TOKEN_USE_RESOLUTION - dt.timedelta(seconds=5)))
        rec.clear()
        assert bare.get("/api/v1/events").status_code == 200
        assert [s.split(" SET ")[0] for s in rec.writes()] == ["UPDATE api_tokens"]
        again = _last_used(engine, bare.tokens["viewer"])
        assert (again if again.tzinfo else again.replace(tzinfo=dt.timezone.utc)) > utcnow() - dt.timedelta(seconds=30)
    finally:
        rec.close()


def test_revoked_token_and_disabled_account_still_refused(bare):
    engine = bare.app.state.engine
    assert bare.get("/api/v1/events", role="analyst").status_code == 200
    with session_scope(engine) as s:
        s.execute(update(DbUser).where(DbUser.name == "analyst").values(active=False))
    assert bare.get("/api/v1/events", role="analyst").status_code == 401
    assert bare.get("/api/v1/events", role="viewer").status_code == 200
    with session_scope(engine) as s:
        s.execute(update(DbApiToken).where(DbApiToken.prefix == bare.tokens["viewer"][:12])
                  .values(revoked_at=utcnow()))
    assert bare.get("/api/v1/events", role="viewer").status_code == 401


def test_signed_in_pages_write_nothing(bare):
    client = bare.client
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"name": "viewer", "password": PASSWORD, "csrf_token": csrf, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303
    rec = Recorder(bare.app.state.engine)
    try:
        for path in ("/", "/events", "/actors"):
            assert client.get(path).status_code == 200, path
        assert rec.writes() == [] and rec.commits == 0
        # session and account in one read per page
        assert sum("FROM web_sessions" in s for s in rec.statements) == 3
        assert not any(s.startswith("SELECT users.") and "FROM users WHERE" in s for s in rec.statements)
    finally:
        rec.close()
