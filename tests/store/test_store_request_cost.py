"""What a short read request costs the knowledge base (issue 12): an event's evidence read by index, and
keyset paging by row values ``(col, id) > (v, last)``, an index range on both backends, with the same rows
and order as before across missing values and equal keys (Bearer requests that write nothing:
``tests/api/test_api_request_cost.py``).

Each test runs on SQLite and on PostgreSQL (the ``db_url`` fixture) and checks the rows that come out.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from ctrack.schema import Record
from ctrack.store import repo, web_repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbEvent, DbEventRole, DbMention, ReviewState
from ctrack.store.testing import make_document

CTED = {"id": "cted", "kind": "un_entity", "name": "Counter-Terrorism Committee Executive Directorate",
        "acronym": "CTED"}
TJK = {"id": "TJK", "kind": "member_state", "name": "Tajikistan", "iso3": "TJK"}
KAZ = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}


def save(engine, doc_id: str, actors: list[dict], events: list[dict], text: str) -> None:
    """Store one document of ``text`` whose extraction gave ``actors`` and ``events``."""
    rec = Record.model_validate({"schema": "ctrack.extraction/1", "document": {"id": doc_id, "title": doc_id},
                                 "actors": actors, "events": events})
    with session_scope(engine) as s:
        repo.save_document(s, make_document(doc_id, text, title=doc_id), rec)

TEXT = "CTED met Tajikistan in Dushanbe. Kazakhstan attended. CTED visited Almaty."


def _evidence_kb(engine) -> tuple[int, int]:
    """Two meetings in one document: the first with an event span and two role spans (one of a role then
    rejected), the second with one of each; returns the two events' ids."""
    actors = [{**CTED, "mentions": [{"start": 0, "end": 4, "text": "CTED", "rule": "gazetteer"}]}, TJK, KAZ]
    first = {"id": "m1", "type": "meeting", "start": "2018-05-03", "country": "TJK",
             "evidence": [{"start": 5, "end": 8, "text": "met", "rule": "meeting-verb"}],
             "roles": [{"actor": "cted", "role": "participant",
                        "evidence": {"start": 0, "end": 19, "text": "CTED met Tajikistan", "rule": "met-with"}},
                       {"actor": "KAZ", "role": "participant",
                        "evidence": {"start": 33, "end": 52, "text": "Kazakhstan attended", "rule": "attended"}},
                       {"actor": "TJK", "role": "participant"}]}
    second = {"id": "m2", "type": "assessment_visit", "start": "2018-06-10", "country": "KAZ",
              "evidence": [{"start": 59, "end": 66, "text": "visited", "rule": "visit-verb"}],
              "roles": [{"actor": "cted", "role": "participant",
                         "evidence": {"start": 54, "end": 66, "text": "CTED visited", "rule": "visited"}}]}
    save(engine, "ev", actors, [first, second], text=TEXT)
    with session_scope(engine) as s:
        rows = s.execute(select(DbEvent.id, DbEvent.start).order_by(DbEvent.start)).all()
        one, two = rows[0].id, rows[1].id
        kaz_role = s.scalar(select(DbEventRole.id).join(DbMention, DbMention.event_role_id == DbEventRole.id)
                            .where(DbEventRole.event_id == one, DbMention.text == "Kazakhstan attended"))
        s.execute(update(DbEventRole).where(DbEventRole.id == kaz_role).values(review_state=ReviewState.REJECTED))
    return one, two


def test_event_evidence_is_its_own_spans_and_its_roles_once_each(engine):
    one, two = _evidence_kb(engine)
    with session_scope(engine) as s:
        spans = web_repo.event_detail(s, one).evidence
        assert [(x.text, x.target) for x in spans] == [("CTED met Tajikistan", "role"), ("met", "event")]
        assert spans[0].actor.name == CTED["name"] and spans[0].event_id == one and spans[1].event_id == one
        other = web_repo.event_detail(s, two).evidence
        assert [(x.text, x.target) for x in other] == [("CTED visited", "role"), ("visited", "event")]
        assert len({x.id for x in spans + other}) == 4


STATES = [TJK, KAZ, {"id": "UZB", "kind": "member_state", "name": "Uzbekistan", "iso3": "UZB"},
          {"id": "KGZ", "kind": "member_state", "name": "Kyrgyzstan", "iso3": "KGZ"},
          {"id": "TKM", "kind": "member_state", "name": "Turkmenistan", "iso3": "TKM"}]
#: (start, venue) of the events: five on one day, two on one month, three undated, one without a venue.
DATES = [("2018-05-03", "TJK"), ("2018-05-03", "KAZ"), ("2018-05-03", "UZB"), ("2018-05-03", "KGZ"),
         ("2018-05-03", "TKM"), ("2018-05", "TJK"), ("2018-05", "KAZ"), (None, "UZB"), (None, "KGZ"),
         (None, None), ("2019-01-10", "TKM"), ("2017-12-01", "KAZ")]


def _paging_kb(engine) -> None:
    """One document per event (so none merge): the :data:`DATES`, CTED in each with one member state; the
    documents' publication dates repeat and some are missing."""
    for i, (start, venue) in enumerate(DATES):
        state = STATES[i % len(STATES)]
        ev = {"id": f"e{i}", "type": ["meeting", "workshop", "assessment_visit"][i % 3], "name": f"Event {i % 4}",
              "start": start, "country": venue, "status": "held",
              "roles": [{"actor": "cted", "role": "participant"}, {"actor": state["id"], "role": "participant"}]}
        rec = Record.model_validate({
            "schema": "ctrack.extraction/1",
            "document": {"id": f"d{i}", "title": f"d{i}", "published": [None, "2019-02-01", "2019-02-01"][i % 3]},
            "actors": [CTED, state], "events": [ev]})
        published = dt.date(2019, 2, 1) if i % 3 else None
        with session_scope(engine) as s:
            repo.save_document(s, make_document(f"d{i}", f"text {i}", published=published, title=f"d{i}"), rec)


def _walk(page, limit: int) -> list[int]:
    """Every id of a listing read ``limit`` at a time by its cursor; ``page(after, limit)`` gives one page."""
    out, after = [], None
    while True:
        rows, total, after = page(after, limit)
        out += rows
        if after is None:
            return out
        assert len(out) <= total


def _timeline(s, actor_id: int):
    """``actor_timeline`` as a ``page(after, limit)`` for :func:`_walk`."""
    def page(after, n):
        t = repo.actor_timeline(s, actor_id, limit=n, after=after)
        return [e.event.id for e in t.entries], t.total, t.next_cursor
    return page


def test_keyset_pages_cross_null_dates_and_equal_keys_once_each(engine):
    _paging_kb(engine)
    with session_scope(engine) as s:
        for sort in repo.EVENT_SORTS:
            for descending in (False, True):
                rows, total, _ = repo.page_events(s, sort=sort, descending=descending, limit=100)
                whole = [e.id for e in rows]
                assert total == len(DATES) == len(whole)
                for limit in (1, 2, 5):
                    got = _walk(lambda after, n: (lambda r: ([e.id for e in r[0]], r[1], r[2]))(
                        repo.page_events(s, sort=sort, descending=descending, limit=n, after=after)), limit)
                    assert got == whole, (sort, descending, limit)
        # the order itself: by start (undated last either way), ties by id
        rows = repo.page_events(s, sort="start", limit=100)[0]
        starts = [(e.start is None, e.start or "", e.id) for e in rows]
        assert starts == sorted(starts) and [e.start for e in rows][-3:] == [None, None, None]
        rows = repo.page_events(s, sort="start", descending=True, limit=100)[0]
        dated = [(e.start, e.id) for e in rows if e.start]
        assert dated == sorted(dated, reverse=True) and [e.start for e in rows][-3:] == [None, None, None]
        # documents: publication dates repeat or are missing; a date or a time in the cursor (ISO text)
        for sort, descending in ((x, d) for x in web_repo.DOCUMENT_SORTS for d in (False, True)):
            whole = [d.id for d in web_repo.page_documents(s, sort=sort, descending=descending, limit=100)[0]]
            assert len(whole) == len(DATES)
            for limit in (1, 2, 5):
                got = _walk(lambda after, n: (lambda r: ([d.id for d in r[0]], r[1], r[2]))(
                    web_repo.page_documents(s, sort=sort, descending=descending, limit=n, after=after)), limit)
                assert got == whole, (sort, descending, limit)
        published = [d.published for d in web_repo.page_documents(s, sort="published", limit=100)[0]]
        assert published[-4:] == [None] * 4 and published[:8] == [dt.date(2019, 2, 1)] * 8
        actor = repo.find_actor(s, "CTED")
        whole = [t.event.id for t in repo.actor_timeline(s, actor.id, limit=100).entries]
        assert len(whole) == len(DATES)
        for limit in (1, 3):
            assert _walk(_timeline(s, actor.id), limit) == whole


def _plan(session, stmt) -> str:
    """The query plan of ``stmt`` (``EXPLAIN`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite) as text,
    its parameters bound as SQLAlchemy binds them."""
    from sqlalchemy import event

    conn = session.connection()
    prefix = "EXPLAIN " if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "

    def explain(_conn, _cursor, statement, parameters, _context, _many):
        return prefix + statement, parameters

    event.listen(conn, "before_cursor_execute", explain, retval=True)
    try:
        return "\n".join(str(row[-1]) for row in conn.execute(stmt))
    finally:
        event.remove(conn, "before_cursor_execute", explain)


def test_review_queue_tests_briefing_facts_per_row_read(engine):
    """The review queue reads each kind of fact in index order and tests "a briefing pack would show it" on the
    rows it reaches (a correlated test, so a page stops after offset + limit rows): PostgreSQL must not turn
    that ``EXISTS`` into a semi-join over every role of every event (at 1,000,000 events it hashed 5.5
    million roles for one page of actors: 18.7 s). The plans of the actors', events' and roles' reads of the
    briefed, unscored group hold the test as a subplan (PostgreSQL) or a correlated subquery (SQLite); the
    queue's facts are those of the briefing rule either way. With fresh aggregates the actors' test reads
    ``agg_actors`` alone."""
    from ctrack.store import track_repo
    from ctrack.store.track_models import Entity

    _paging_kb(engine)
    briefed = track_repo._briefed()
    with session_scope(engine) as s:
        postgres = s.get_bind().dialect.name == "postgresql"
        for entity, model, where, conf in track_repo._queue_parts():
            if entity not in (Entity.ACTOR, Entity.EVENT, Entity.EVENT_ROLE):
                continue
            stmt = track_repo._queue_arm(entity, model, where, conf, (ReviewState.PROPOSED,), (0, 1),
                                         briefed[entity], None).limit(51).offset(5)
            plan = _plan(s, stmt)
            if postgres:
                assert "SubPlan" in plan and "Semi Join" not in plan and "HashAggregate" not in plan, (entity, plan)
            else:
                assert "CORRELATED" in plan, (entity, plan)
        # with the aggregates fresh, an actor's test is a read of agg_actors (its count of briefed events),
        # not of its roles and their events: PostgreSQL merges it with the actors in id order
        kept = track_repo._briefed(True)
        for entity, model, where, conf in track_repo._queue_parts():
            if entity is Entity.ACTOR:
                plan = _plan(s, track_repo._queue_arm(entity, model, where, conf, (ReviewState.PROPOSED,), (0, 1),
                                                      kept[entity], None).limit(51).offset(5))
                assert "agg_actors" in plan and "event_roles" not in plan, plan
        # every actor, event and role of these events engages a member state: all of them are briefing facts
        flags: dict = {}
        rows = track_repo.queue_rows(s, kinds=[Entity.ACTOR, Entity.EVENT, Entity.EVENT_ROLE], flags=flags)
        assert len(rows) == 1 + len(STATES) + len(DATES) + 2 * len(DATES) and all(flags.values())


def test_postgres_sessions_run_without_jit_and_keep_the_urls_options(engine, db_url):
    """ctrack's PostgreSQL sessions run with ``jit`` off (compiling a statement whose estimated cost passes
    ``jit_above_cost`` took 1.4-2 s of a review-queue page at 1,000,000 events, for a read of 0.1 s), added to
    the ``options`` the URL already gives (the test's own schema: ``-csearch_path=...``); SQLite has no such
    setting."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    schema = make_url(db_url).query["options"].split("=", 1)[1]
    with session_scope(engine) as s:
        assert s.scalar(text("SHOW jit")) == "off"
        assert s.scalar(text("SHOW search_path")) == schema


def test_a_sparse_timeline_is_collected_then_sorted_and_pages_the_same(engine, monkeypatch):
    """An actor whose events are few against the table (fewer than 1/DENSE) has its timeline page read by
    collecting its events and sorting them, never by walking the events' start index and testing each
    (PostgreSQL chose that walk, betting on early matches: 35-41 s for an organization of 35-333 events at
    1,000,000 events). Shown on PostgreSQL with sorts discouraged (``enable_sort`` off: the walk is then its
    only way to avoid one): the page's read still sorts. Pages by cursor and by offset give the whole
    timeline in order, sparse or dense, on both backends. This is the read without the aggregates (a writer's
    transaction); with them fresh, the page is a range of ``agg_actor_events`` (tests/store/test_store_aggregates.py)."""
    from sqlalchemy import event, text

    from ctrack.store import aggregates

    _paging_kb(engine)
    # the events' own reads, as in a transaction with queued changes (else the aggregates' indexes are read)
    monkeypatch.setattr(aggregates, "fresh", lambda _conn: False)
    with session_scope(engine) as s:
        actor = repo.find_actor(s, "TJK")  # a member state: 3 of the 12 events
        cted = repo.find_actor(s, "CTED")  # every event
        for dense_at in (0, 10**9):  # everything sparse / everything dense
            monkeypatch.setattr(repo, "DENSE", dense_at)
            for who in (actor, cted):
                whole = [t.event.id for t in repo.actor_timeline(s, who.id).entries]
                paged = [t.event.id for t in repo.actor_timeline(s, who.id, limit=100).entries]
                assert paged == whole and len(whole) > 1
                for limit in (1, 2):
                    assert _walk(_timeline(s, who.id), limit) == whole, (dense_at, who.name, limit)
                    by_offset = [t.event.id for o in range(0, len(whole), limit)
                                 for t in repo.actor_timeline(s, who.id, limit=limit, offset=o).entries]
                    assert by_offset == whole, (dense_at, who.name, limit)
        if engine.dialect.name != "postgresql":
            return
        monkeypatch.setattr(repo, "DENSE", 0)
        conn = s.connection()
        reads: list = []

        def keep(_conn, _cursor, statement, parameters, _context, _many):
            if "ORDER BY" in statement and "events.start" in statement and "LIMIT" in statement:
                reads.append((statement, parameters))

        event.listen(conn, "before_cursor_execute", keep)
        try:
            repo.actor_timeline(s, cted.id, limit=5)
        finally:
            event.remove(conn, "before_cursor_execute", keep)
        conn.execute(text("SET LOCAL enable_sort = off"))
        statement, parameters = reads[0]
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
        assert "Sort" in plan and "ix_events_start" not in plan, plan


def _event_reads(engine, ids: list[int]) -> tuple[list[str], list[tuple[int, str | None]]]:
    """The SQL texts that read the events of ``ids`` (``repo.events_by_ids``) and the (id, start) rows it gives."""
    from sqlalchemy import event

    seen: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "FROM events" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with session_scope(engine) as s:
            rows = repo.events_by_ids(s, ids)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen, [(r.id, r.start) for r in rows]


def test_a_page_of_events_is_read_by_one_statement_text_whatever_its_length(engine):
    """A page of 2 events and one of 3 (and the same ids in another order) give the rows asked for, in the
    order asked; on PostgreSQL both pages send the same statement text (the ids as one array), which psycopg
    prepares once it has run it 5 times, so the server stops planning each page; an IN list was a new text
    for every page length."""
    actors = [CTED, TJK, KAZ]
    events = [{"id": f"e{i}", "type": "meeting", "start": f"2019-0{i + 1}-10", "country": "TJK",
               "roles": [{"actor": "cted", "role": "participant"}, {"actor": "TJK", "role": "participant"}]}
              for i in range(3)]
    save(engine, "pages", actors, events, text="CTED met Tajikistan three times.")
    with session_scope(engine) as s:
        ids = list(s.scalars(select(DbEvent.id).order_by(DbEvent.start)))
    assert len(ids) == 3
    two_sql, two = _event_reads(engine, ids[:2])
    three_sql, three = _event_reads(engine, [ids[2], ids[0], ids[1]])
    assert two == [(ids[0], "2019-01-10"), (ids[1], "2019-02-10")]
    assert three == [(ids[2], "2019-03-10"), (ids[0], "2019-01-10"), (ids[1], "2019-02-10")]
    if engine.dialect.name == "postgresql":
        assert two_sql and two_sql == three_sql
        assert all("ANY" in sql for sql in two_sql)
    else:
        assert two_sql != three_sql  # SQLite: IN lists, one parameter per id
