"""A read request writes nothing (issue 12): a Bearer token's time of use is kept to the minute
(:data:`ctrack.store.web_repo.TOKEN_USE_RESOLUTION`), a signed-in page's session is only read, and who is
asking is known after one statement. The statements are counted on the app's engine
(``before_cursor_execute``) and its commits (``commit``), on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, update

from ctrack.store import web_repo
from ctrack.store.db import WROTE, end_session, session_scope
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

    def _commit(self, conn) -> None:
        # a COMMIT that ends a transaction of reads only (PostgreSQL: ctrack.store.db.end_session) writes nothing
        if conn.info.get(WROTE) is not False:
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


def _prepared(engine, like: str) -> int:
    """Statements prepared on the pooled connection whose text is ``like``; ends with a COMMIT (a ROLLBACK
    would make psycopg deallocate them)."""
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %(p)s",
                                 {"p": like}).scalar()
        conn.commit()
    return n


def test_read_requests_keep_what_psycopg_prepared_and_a_write_left_open_is_rolled_back(bare):
    """PostgreSQL: after the same read request a few times, its reads are prepared statements on the
    connection (a ROLLBACK at the end of each request made psycopg deallocate them all); a transaction that
    only read is committed and keeps them; one that wrote and was not committed is still rolled back."""
    from sqlalchemy.orm import Session

    engine = bare.app.state.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements: PostgreSQL only")
    for _ in range(7):
        assert bare.get("/api/v1/events", params={"since": "2018", "until": "2019"}).status_code == 200
    assert engine.pool.checkedout() == 0
    before = _prepared(engine, "%FROM events%")
    assert before >= 1
    s = Session(engine)
    assert s.scalar(select(DbUser.name).where(DbUser.name == "viewer")) == "viewer"
    assert s.connection().info[WROTE] is False
    rec = Recorder(engine)
    try:
        end_session(s)
        assert rec.statements == [] and rec.commits == 0
    finally:
        rec.close()
    assert _prepared(engine, "%FROM events%") == before
    user = DbUser.__table__
    s = Session(engine)
    s.execute(update(user).where(user.c.name == "viewer").values(name="renamed"))
    assert s.connection().info[WROTE] is True
    end_session(s)
    with session_scope(engine) as s:
        assert s.scalar(select(DbUser.name).where(DbUser.name == "renamed")) is None
        assert s.scalar(select(DbUser.name).where(DbUser.name == "viewer")) == "viewer"
