"""Aggregates maintained on write: the counts the overview, a state's page, a briefing and a timeline show,
kept in summary tables so that a read takes a handful of rows whatever the size of the knowledge base.

With Zipf-like popularity the busiest member state is in about 30 % of all events and the busiest person
in about 10 %: an exact ``COUNT`` over their records, a count by event type or the member-state counts of
a briefing read a fixed share of the knowledge base and grow with it. These tables hold the answers:

``agg_totals`` (:class:`~ctrack.store.web_models.DbAggTotal`)
    Rows per table and key: actors by ``kind|review_state``, events by ``type|review_state``, roles,
    titles, conflicts and recommendations by review state, documents and mentions. **Kept by database
    triggers alone** (:data:`TOTALS`): every insert adds one, every delete takes one away, an update that
    changes the key moves one; exact inside the writing transaction too.
``agg_actor_documents``
    Distinct documents naming an actor (``actor_sources``), kept by triggers: a source row counts when no
    other source row pairs the same actor and document (an indexed look-up of the unique key).
``agg_states``, ``agg_event_states``, ``agg_state_pairs``, ``agg_actors.events`` / ``.timeline`` / ``.briefed``, ``agg_actor_events``
    Per member state, the events (not rejected) that engage it by type and review state (the rule of
    ``--country``, :func:`ctrack.store.repo._involving`) and which they are, with type and start (its
    latest events are an index range), the briefing's counts by member state for a
    one-state scope (:func:`ctrack.store.repo._engaged_states`), per actor the events it holds a role in
    (and how many of them a briefing pack shows: the review queue's first group)
    and its timeline's total (its own events and those of the actors acting for it, two affiliation
    levels down: :func:`ctrack.store.repo.actor_timeline`). ``agg_actor_events``: per actor the events of
    that timeline with their start (its first page and an actor page's latest events are an index range).
    These depend on joins (roles → actors → affiliations), which a trigger cannot keep cheaply; so
    triggers queue the event (insert, delete, change of type, venue or review state; a role written) or
    the actor (a change of affiliation, ISO3, kind or review state) in ``agg_dirty``, and :func:`refresh` recounts just those events: it reads what
    each event added last time (``agg_events.links``, :func:`links_of`), takes it away and adds the new
    contribution. A queued actor stands for every event where it or an actor acting for it holds a role
    (a change to a member state's own row recounts its whole record: rare, and said so here). An event's
    start and end are queued too (``agg_event_states`` holds its start, last day and span tier,
    ``agg_actor_events`` its start).

When :func:`refresh` runs: before every commit of a session that wrote (:func:`_refresh_before_commit`,
a ``before_commit`` listener), so a committed knowledge base has an empty queue; when the knowledge base
is opened (:func:`ensure`, for rows written by other means, e.g. a bulk load); it is cheap when nothing is
queued. Readers never write: :func:`fresh` tells whether the queue is empty in the reader's own
transaction (one indexed read), and when it is not (inside a transaction that wrote, before its commit)
the readers in :mod:`ctrack.store.repo` count exactly in SQL instead. So every figure shown is exact.

On PostgreSQL, refreshes are serialized by a transaction-level advisory lock (:data:`PG_LOCK_AGG`), so
two writers never apply the same change twice; SQLite has one writer at a time anyway. The tables written
by triggers (``agg_totals``, ``agg_actor_documents``, ``agg_dirty``) and by recounts (the others) are
apart, so a recount holding the lock never waits for a row a trigger of another open transaction holds. The triggers are
derived structures like the search triggers: :func:`ensure` installs them when any is missing (a batch
migration on SQLite recreates a table without its triggers) and then recounts everything (:func:`rebuild`).
"""
from __future__ import annotations

import datetime as dt
import json
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, func, insert, null, select, text, update
from sqlalchemy.orm import Session, aliased

from ctrack.store.bulk import insert_rows
from ctrack.store.models import DbActor, DbActorSource, DbEvent, DbEventRole, ReviewState
from ctrack.store.web_models import (
    DbAggActor, DbAggActorDocuments, DbAggActorEvent, DbAggDirty, DbAggEvent, DbAggEventState, DbAggState, DbAggStatePair,
    DbAggTotal,
)

#: PostgreSQL advisory lock key of :func:`refresh` ("ctr" + 4; see :mod:`ctrack.store.db` for 1–3).
PG_LOCK_AGG = 0x63_74_72_04
#: Events recounted per read of roles.
CHUNK = 500

_REJECTED = ReviewState.REJECTED.value
_STATE_KINDS = ("member_state", "government_body")

#: Tables counted by ``agg_totals``: (table, SQL key of a row ``{r}`` = NEW or OLD, columns of the key).
TOTALS = (
    ("documents", "''", ()),
    ("actors", "{r}.kind || '|' || {r}.review_state", ("kind", "review_state")),
    ("events", "{r}.type || '|' || {r}.review_state", ("type", "review_state")),
    ("event_roles", "{r}.review_state", ("review_state",)),
    ("mentions", "''", ()),
    ("conflicts", "{r}.review_state", ("review_state",)),
    ("person_titles", "{r}.review_state", ("review_state",)),
    ("recommendations", "{r}.review_state", ("review_state",)),
)

#: What queues an event or actor in ``agg_dirty``: (table, kind queued, column holding its id, columns whose
#: change matters, quoted where a reserved word (None: any insert, delete or update of them)).
QUEUED = (
    ("events", "e", "id", ("type", "country", "review_state", "start", '"end"')),  # "end": a reserved word
    ("event_roles", "e", "event_id", ("event_id", "actor_id", "review_state")),
    ("actors", "a", "id", ("affiliation_id", "iso3", "kind", "review_state")),
)


# --------------------------------------------------------------------------- triggers


def _sqlite_ddl() -> list[str]:
    out = []
    for table, key, cols in TOTALS:
        new, old = key.format(r="NEW"), key.format(r="OLD")
        add = (f"INSERT OR IGNORE INTO agg_totals(name, key, n) VALUES ('{table}', {new}, 0); "
               f"UPDATE agg_totals SET n = n + 1 WHERE name = '{table}' AND key = {new};")
        sub = f"UPDATE agg_totals SET n = n - 1 WHERE name = '{table}' AND key = {old};"
        out += [f"CREATE TRIGGER IF NOT EXISTS agg_totals_{table}_ins AFTER INSERT ON {table} BEGIN {add} END",
                f"CREATE TRIGGER IF NOT EXISTS agg_totals_{table}_del AFTER DELETE ON {table} BEGIN {sub} END"]
        if cols:
            out.append(f"CREATE TRIGGER IF NOT EXISTS agg_totals_{table}_upd AFTER UPDATE OF {', '.join(cols)} "
                       f"ON {table} WHEN {old} IS NOT {new} BEGIN {sub} {add} END")
    for table, kind, col, cols in QUEUED:
        ins = "INSERT INTO agg_dirty(kind, ref_id)"
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
        if table != "actors":  # a new actor holds no role yet; a deleted one's roles go (and queue) with it
            out += [f"CREATE TRIGGER IF NOT EXISTS agg_dirty_{table}_ins AFTER INSERT ON {table} "
                    f"BEGIN {ins} VALUES ('{kind}', NEW.{col}); END",
                    f"CREATE TRIGGER IF NOT EXISTS agg_dirty_{table}_del AFTER DELETE ON {table} "
                    f"BEGIN {ins} VALUES ('{kind}', OLD.{col}); END"]
        out.append(f"CREATE TRIGGER IF NOT EXISTS agg_dirty_{table}_upd AFTER UPDATE OF {', '.join(cols)} ON {table} "
                   f"WHEN {changed} BEGIN {ins} VALUES ('{kind}', OLD.{col}); "
                   f"{ins} SELECT '{kind}', NEW.{col} WHERE NEW.{col} IS NOT OLD.{col}; END")
    other = ("SELECT 1 FROM actor_sources s WHERE s.actor_id = {r}.actor_id AND s.document_id = {r}.document_id")
    add = ("INSERT OR IGNORE INTO agg_actor_documents(actor_id, n) VALUES (NEW.actor_id, 0); "
           "UPDATE agg_actor_documents SET n = n + 1 WHERE actor_id = NEW.actor_id AND NOT EXISTS ("
           + other.format(r="NEW") + " AND s.id <> NEW.id);")
    sub = ("UPDATE agg_actor_documents SET n = n - 1 WHERE actor_id = OLD.actor_id AND NOT EXISTS ("
           + other.format(r="OLD") + ");")
    out += [f"CREATE TRIGGER IF NOT EXISTS agg_docs_ins AFTER INSERT ON actor_sources BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS agg_docs_del AFTER DELETE ON actor_sources BEGIN {sub} END",
            "CREATE TRIGGER IF NOT EXISTS agg_docs_upd AFTER UPDATE OF actor_id, document_id ON actor_sources "
            f"WHEN OLD.actor_id IS NOT NEW.actor_id OR OLD.document_id IS NOT NEW.document_id BEGIN {sub} {add} END"]
    return out


def _pg_function(name: str, table: str, body_ins: str, body_del: str, body_upd: str | None, cols: Iterable[str]) -> list[str]:
    upd = f"ELSIF TG_OP = 'UPDATE' THEN {body_upd} " if body_upd else ""
    ops = "INSERT OR DELETE" + (f" OR UPDATE OF {', '.join(cols)}" if body_upd else "")
    return [f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' THEN {body_ins} ELSIF TG_OP = 'DELETE' THEN {body_del} {upd}"
            f"END IF; RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER {ops} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"]


def _pg_ddl() -> list[str]:
    out = []
    for table, key, cols in TOTALS:
        new, old = key.format(r="NEW"), key.format(r="OLD")
        add = (f"INSERT INTO agg_totals(name, key, n) VALUES ('{table}', {new}, 0) ON CONFLICT DO NOTHING; "
               f"UPDATE agg_totals SET n = n + 1 WHERE name = '{table}' AND key = {new};")
        sub = f"UPDATE agg_totals SET n = n - 1 WHERE name = '{table}' AND key = {old};"
        upd = f"IF {old} IS DISTINCT FROM {new} THEN {sub} {add} END IF;" if cols else None
        out += _pg_function(f"agg_totals_{table}", table, add, sub, upd, cols)
    for table, kind, col, cols in QUEUED:
        ins = "INSERT INTO agg_dirty(kind, ref_id) VALUES"
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in cols)
        upd = (f"IF {changed} THEN {ins} ('{kind}', OLD.{col}); "
               f"IF NEW.{col} IS DISTINCT FROM OLD.{col} THEN {ins} ('{kind}', NEW.{col}); END IF; END IF;")
        if table == "actors":
            out += _pg_function(f"agg_dirty_{table}", table, "NULL;", "NULL;", upd, cols)
        else:
            out += _pg_function(f"agg_dirty_{table}", table, f"{ins} ('{kind}', NEW.{col});",
                                f"{ins} ('{kind}', OLD.{col});", upd, cols)
    other = "SELECT 1 FROM actor_sources s WHERE s.actor_id = {r}.actor_id AND s.document_id = {r}.document_id"
    add = ("INSERT INTO agg_actor_documents(actor_id, n) VALUES (NEW.actor_id, 0) "
           "ON CONFLICT DO NOTHING; UPDATE agg_actor_documents SET n = n + 1 WHERE actor_id = NEW.actor_id "
           "AND NOT EXISTS (" + other.format(r="NEW") + " AND s.id <> NEW.id);")
    sub = ("UPDATE agg_actor_documents SET n = n - 1 WHERE actor_id = OLD.actor_id AND NOT EXISTS ("
           + other.format(r="OLD") + ");")
    upd = (f"IF OLD.actor_id IS DISTINCT FROM NEW.actor_id OR OLD.document_id IS DISTINCT FROM NEW.document_id "
           f"THEN {sub} {add} END IF;")
    out += _pg_function("agg_docs", "actor_sources", add, sub, upd, ("actor_id", "document_id"))
    return out


def _trigger_count(dialect: str) -> int:
    if dialect == "sqlite":
        return len(_sqlite_ddl())
    return len(TOTALS) + len(QUEUED) + 1


def _core(conn):
    """The Core connection of ``conn`` (a session's, in its transaction): column reads without the ORM's
    per-row result processing, a third of the time for thousands of rows."""
    return conn.connection() if isinstance(conn, Session) else conn


def _dialect(conn) -> str:
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    return bind.dialect.name


#: Tables whose columns :func:`links_of` reads or :func:`rebuild` and :func:`recount` write, and which a
#: migration may add columns to after 0012 (which creates the aggregate tables and runs :func:`rebuild`).
PINNED = ("events", "agg_event_states", "agg_actors", "agg_actor_events")


def present_columns(conn) -> dict[str, frozenset[str]]:
    """{table of :data:`PINNED`: names of its columns in the database now}, one inspection. A migration's
    backfill runs this module's current code against the schema of its own revision: given to
    :func:`links_of`, :func:`recount` (``present=``) and used by :func:`rebuild`, it makes them read and
    write only the columns that revision has (a column added later reads as NULL and is left to the backfill
    of the migration that adds it, e.g. 0013 ``span_tier``, 0015 ``agg_actors.briefed``)."""
    from sqlalchemy import inspect

    insp = inspect(_core(conn))
    return {t: frozenset(c["name"] for c in insp.get_columns(t)) for t in PINNED if insp.has_table(t)}


def _only(present: dict[str, frozenset[str]] | None, table: str, row: dict) -> dict:
    """``row`` without the keys that are no column of ``table`` in ``present`` (None: the models' schema)."""
    if present is None:
        return row
    names = present.get(table, frozenset())
    return {k: v for k, v in row.items() if k in names}


def _pinned(table, present: dict[str, frozenset[str]] | None):
    """``table`` (a model's ``Table``) as the columns in ``present`` only, without the models' Python-side
    defaults (an ``INSERT`` names no column the revision lacks); the table itself when ``present`` is None."""
    if present is None:
        return table
    from sqlalchemy import column, table as table_clause

    names = present.get(table.name, frozenset())
    return table_clause(table.name, *(column(c.name, c.type) for c in table.c if c.name in names))


def triggers_present(conn) -> bool:
    """True when every aggregate trigger is installed (``conn``: a session or connection)."""
    dialect = _dialect(conn)
    if dialect == "sqlite":
        n = conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                              "AND (name LIKE 'agg_totals_%' OR name LIKE 'agg_dirty_%' OR name LIKE 'agg_docs_%')"
                              )).scalar()
    elif dialect == "postgresql":
        n = conn.execute(text("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                              "WHERE (t.tgname LIKE 'agg_totals_%' OR t.tgname LIKE 'agg_dirty_%' "
                              "OR t.tgname = 'agg_docs') AND c.relnamespace = "
                              "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())")).scalar()
    else:
        return False
    return n == _trigger_count(dialect)


def install_triggers(conn) -> None:
    """Create (or replace) the aggregate triggers on SQLite or PostgreSQL; nothing on other databases."""
    dialect = _dialect(conn)
    if dialect == "sqlite":
        drop_triggers(conn)
        for stmt in _sqlite_ddl():
            conn.execute(text(stmt))
    elif dialect == "postgresql":
        for stmt in _pg_ddl():
            conn.execute(text(stmt))


def drop_triggers(conn) -> None:
    """Remove the aggregate triggers (and PostgreSQL's trigger functions)."""
    dialect = _dialect(conn)
    if dialect == "sqlite":
        for (name,) in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'agg_totals_%' "
                "OR name LIKE 'agg_dirty_%' OR name LIKE 'agg_docs_%')")).all():
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    elif dialect == "postgresql":
        names = [(f"agg_totals_{t}", t) for t, _k, _c in TOTALS] + [(f"agg_dirty_{t}", t) for t, *_ in QUEUED]
        for name, table in names + [("agg_docs", "actor_sources")]:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            conn.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))


# --------------------------------------------------------------------------- what an event adds


def links_of(conn, event_ids: list[int], present: dict[str, frozenset[str]] | None = None
             ) -> dict[int, dict[str, Any]]:
    """What each event of ``event_ids`` (not rejected; others are absent) adds to the aggregates, from the
    current rows, in two reads:

    ``{"t": type, "r": review state, "c": venue ISO3 or None, "d": start, "f": last day (ISO) or None, "k": span
    tier (:func:`ctrack.store.models.span_tier`) or None, "s": [ISO3 engaged by the --country rule: the
    venue, a role (not rejected) of an actor with that ISO3 or of an actor affiliated to one], "e": [ISO3
    counted in a briefing's by-member-state: for each role (not rejected) of an actor not rejected, the first
    of the actor, its affiliation and theirs that is a member state or government body with an ISO3], "a":
    [actors holding a role (not rejected)], "m": [their affiliations and theirs, not already in "a"], "b": a
    briefing pack shows it (a venue, or a role, not rejected, of an actor with an ISO3, or affiliated to one, up
    to two steps: the review queue's rule, :func:`ctrack.store.track_repo._briefed`)}``. Links stored before
    migration 0015 may have no "b": it was then ``bool(links["s"])`` (:func:`briefed_of`). ``present``
    (:func:`present_columns`): read only the columns of ``events`` there, the others as None (a migration's
    backfill); None: the models' columns.
    """
    if not event_ids:
        return {}
    cols = [DbEvent.id, DbEvent.type, DbEvent.country, DbEvent.review_state, DbEvent.start, DbEvent.end_day,
            DbEvent.span_tier]
    if present is not None:
        cols = [c if c.key in present["events"] else null().label(c.key) for c in cols]
    events = _core(conn).execute(select(*cols)
                          .where(DbEvent.id.in_(event_ids), DbEvent.review_state != ReviewState.REJECTED)).all()
    out: dict[int, dict[str, Any]] = {}
    for eid, etype, country, state, start, end_day, tier in events:
        out[eid] = {"t": getattr(etype, "value", etype), "r": getattr(state, "value", state), "c": country, "d": start,
                    "f": _iso_day(end_day), "k": tier,
                    "s": {country} if country else set(), "e": set(), "a": set(), "m": set(), "b": bool(country)}
    if not out:
        return {}
    a0, a1, a2 = aliased(DbActor), aliased(DbActor), aliased(DbActor)
    rows = _core(conn).execute(
        select(DbEventRole.event_id, a0.id, a0.kind, a0.iso3, a0.review_state, a1.id, a1.kind, a1.iso3,
               a2.id, a2.kind, a2.iso3)
        .join(a0, a0.id == DbEventRole.actor_id).outerjoin(a1, a1.id == a0.affiliation_id)
        .outerjoin(a2, a2.id == a1.affiliation_id)
        .where(DbEventRole.event_id.in_(list(out)), DbEventRole.review_state != ReviewState.REJECTED)).all()
    for eid, i0, k0, iso0, st0, i1, k1, iso1, i2, k2, iso2 in rows:
        link = out[eid]
        link["a"].add(i0)
        link["m"].update(i for i in (i1, i2) if i is not None)
        link["s"].update(i for i in (iso0, iso1) if i)
        link["b"] = link["b"] or bool(iso0 or iso1 or iso2)
        if getattr(st0, "value", st0) != _REJECTED:
            for kind, iso in ((k0, iso0), (k1, iso1), (k2, iso2)):
                if iso and getattr(kind, "value", kind) in _STATE_KINDS:
                    link["e"].add(iso)
                    break
    for link in out.values():
        link["m"] -= link["a"]
        for key in "seam":
            link[key] = sorted(link[key])
    return out


def _iso_day(value) -> str | None:
    """A day read from a ``Date`` column as ISO text (SQLite's driver may give the text itself), or None."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def briefed_of(links: dict[str, Any]) -> bool:
    """Whether the event of ``links`` (:func:`links_of`) is one a briefing pack shows: its "b", or for links
    stored before migration 0015 (which have none) whether it engaged a member state by the venue or an
    actor or its affiliation (``"s"``), as that migration counted them (it recounts the events it could not
    tell so, those engaging a state only through an affiliation's affiliation)."""
    return bool(links["b"]) if "b" in links else bool(links["s"])


def _contribution(links: dict[str, Any] | None) -> tuple[Counter, Counter, Counter, Counter, Counter]:
    """(agg_states, agg_state_pairs, agg_actors.events, agg_actors.timeline, agg_actors.briefed) increments of
    one event."""
    states, pairs, events, timeline, briefed = Counter(), Counter(), Counter(), Counter(), Counter()
    if not links:
        return states, pairs, events, timeline, briefed
    for iso in links["s"]:
        states[(iso, links["t"], links["r"])] += 1
        for other in set(links["e"]) | ({iso} if links["c"] == iso else set()):
            pairs[(iso, other)] += 1
    for a in links["a"]:
        events[a] += 1
        timeline[a] += 1
    for a in links["m"]:
        timeline[a] += 1
    if briefed_of(links):
        briefed.update(links["a"])
    return states, pairs, events, timeline, briefed


# --------------------------------------------------------------------------- keeping them


def _upsert_ignore(conn, table, rows: list[dict]) -> None:
    """Insert ``rows`` into ``table``, skipping those whose key exists."""
    if not rows:
        return
    dialect = _dialect(conn)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # other databases: one at a time
        keys = [c.name for c in table.primary_key.columns]
        for row in rows:
            if conn.execute(select(*table.primary_key.columns).where(
                    *(table.c[k] == row[k] for k in keys))).first() is None:
                conn.execute(insert(table), [row])
        return
    conn.execute(dialect_insert(table).on_conflict_do_nothing(), rows)


def _add(conn, table, keys: tuple[str, ...], rows: list[dict]) -> None:
    """Add the signed increments of ``rows`` (dicts of the key columns ``keys`` and of counter columns) to the
    counters of ``table`` by key; a row with some increment above 0 is created when absent (at 0, then added:
    at its increments), one with none is not (an update of nothing, as for an actor deleted since).

    SQLite and PostgreSQL: those that may create a row are one ``INSERT … ON CONFLICT DO UPDATE`` (counter =
    counter + the increment) for all of them, the others one ``UPDATE``; other databases: created at 0
    (:func:`_upsert_ignore`), then every row updated."""
    if not rows:
        return
    from sqlalchemy import bindparam

    counters = [c for c in rows[0] if c not in keys]
    grow = [r for r in rows if any(r[c] > 0 for c in counters)]
    dialect = _dialect(conn)
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        if grow:
            stmt = dialect_insert(table)
            conn.execute(stmt.on_conflict_do_update(index_elements=[table.c[k] for k in keys],
                                                    set_={c: table.c[c] + stmt.excluded[c] for c in counters}), grow)
        rows = [r for r in rows if not any(r[c] > 0 for c in counters)]
    else:
        _upsert_ignore(conn, table, [{**{k: r[k] for k in keys}, **{c: 0 for c in counters}} for r in grow])
    if rows:
        conn.execute(update(table).where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
                     .values({c: table.c[c] + bindparam(f"d_{c}") for c in counters}),
                     [{**{f"k_{k}": r[k] for k in keys}, **{f"d_{c}": r[c] for c in counters}} for r in rows])


def _apply(conn, states: Counter, pairs: Counter, events: Counter, timeline: Counter, briefed: Counter,
           present: dict[str, frozenset[str]] | None = None) -> None:
    """Add the signed increments to the counters (:func:`_add`: rows created where something is added; only
    the ``agg_actors`` columns in ``present`` when given, :func:`present_columns`)."""
    _add(conn, DbAggState.__table__, ("iso3", "type", "review_state"),
         [{"iso3": i, "type": t, "review_state": r, "n": v} for (i, t, r), v in states.items() if v])
    _add(conn, DbAggStatePair.__table__, ("scope", "iso3"),
         [{"scope": s, "iso3": i, "n": v} for (s, i), v in pairs.items() if v])
    actors = {a: (events.get(a, 0), timeline.get(a, 0), briefed.get(a, 0))
              for a in set(events) | set(timeline) | set(briefed)}
    _add(conn, _pinned(DbAggActor.__table__, present), ("actor_id",),
         [_only(present, "agg_actors", {"actor_id": a, "events": de, "timeline": dt_, "briefed": db})
          for a, (de, dt_, db) in sorted(actors.items()) if (de, dt_, db) != (0, 0, 0)])


def _insert_links(conn, links: dict[int, dict[str, Any]], present: dict[str, frozenset[str]] | None = None) -> None:
    """Store what each event adds (``agg_events``), the member states it engages (``agg_event_states``; only
    its columns in ``present`` when given, :func:`present_columns`) and the actors on whose timeline it is
    (``agg_actor_events``: its ``"a"`` and ``"m"``; not before migration 0016 has created it). Written by
    :func:`ctrack.store.bulk.insert_rows` (``COPY`` on PostgreSQL): a full recount writes millions of rows."""
    if not links:
        return
    insert_rows(conn, DbAggEvent.__table__,
                ({"event_id": eid, "links": json.dumps(link, sort_keys=True)} for eid, link in links.items()))
    insert_rows(conn, DbAggEventState.__table__, (_only(present, "agg_event_states", {
                "iso3": iso, "event_id": eid, "type": link["t"], "start": link["d"],
                "end_day": dt.date.fromisoformat(link["f"]) if link.get("f") else None, "span_tier": link.get("k")})
                for eid, link in links.items() for iso in link["s"]))
    if _has_actor_events(present):
        insert_rows(conn, DbAggActorEvent.__table__, ({"actor_id": a, "event_id": eid, "start": link["d"]}
                                                     for eid, link in links.items() for a in (*link["a"], *link["m"])))


def _has_actor_events(present: dict[str, frozenset[str]] | None) -> bool:
    """True when ``agg_actor_events`` is there: always at head (``present`` None), else when the revision
    has it (migration 0016; 0012 and 0015 recount before it)."""
    return present is None or "agg_actor_events" in present


def recount(conn, event_ids: Iterable[int], present: dict[str, frozenset[str]] | None = None) -> int:
    """Recount the aggregates of ``event_ids``: take away what each added last time, add what it adds now.
    Returns how many events were recounted. Runs in the caller's transaction. ``present``
    (:func:`present_columns`, a migration's backfill): read and write only those columns."""
    ids = sorted(set(event_ids))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        old = {eid: json.loads(links) for eid, links in conn.execute(
            select(DbAggEvent.event_id, DbAggEvent.links).where(DbAggEvent.event_id.in_(chunk))).all()}
        new = links_of(conn, chunk, present)
        total = [Counter(), Counter(), Counter(), Counter(), Counter()]
        changed = [eid for eid in chunk if old.get(eid) != new.get(eid)]
        for eid in changed:
            for acc, plus, minus in zip(total, _contribution(new.get(eid)), _contribution(old.get(eid))):
                acc.update(plus)
                acc.subtract(minus)
        if not changed:
            continue
        _apply(conn, *total, present)
        conn.execute(delete(DbAggEvent).where(DbAggEvent.event_id.in_(changed)))
        conn.execute(delete(DbAggEventState).where(DbAggEventState.event_id.in_(changed)))
        if _has_actor_events(present):
            conn.execute(delete(DbAggActorEvent).where(DbAggActorEvent.event_id.in_(changed)))
        _insert_links(conn, {eid: new[eid] for eid in changed if eid in new}, present)
    return len(ids)


def _events_of_actors(conn, actor_ids: list[int]) -> set[int]:
    """Events where one of ``actor_ids``, an actor affiliated to one, or one affiliated to those holds a role."""
    out: set[int] = set()
    for i in range(0, len(actor_ids), CHUNK):
        chunk = actor_ids[i:i + CHUNK]
        first = set(conn.execute(select(DbActor.id).where(DbActor.affiliation_id.in_(chunk))).scalars())
        second = set(conn.execute(select(DbActor.id).where(DbActor.affiliation_id.in_(sorted(first)))).scalars()) \
            if first else set()
        involved = sorted(set(chunk) | first | second)
        for j in range(0, len(involved), CHUNK):
            out |= set(conn.execute(select(DbEventRole.event_id).where(
                DbEventRole.actor_id.in_(involved[j:j + CHUNK])).distinct()).scalars())
    return out


def _lock(conn) -> None:
    if _dialect(conn) == "postgresql":
        conn.execute(text(f"SELECT pg_advisory_xact_lock({PG_LOCK_AGG}, hashtext(current_schema()))"))


def refresh(conn) -> int:
    """Recount what the triggers queued (events, and the events of queued actors) and empty the queue;
    returns how many events were recounted (0, after one indexed read, when nothing is queued). Runs in the
    caller's transaction; on PostgreSQL it first takes :data:`PG_LOCK_AGG` until that transaction ends."""
    read = select(DbAggDirty.id, DbAggDirty.kind, DbAggDirty.ref_id)
    queued = conn.execute(read).all()  # a handful of rows: what the caller's transaction queued
    if not queued:
        return 0
    if _dialect(conn) == "postgresql":  # read again under the lock
        _lock(conn)
        queued = conn.execute(read).all()
        if not queued:
            return 0
    events = {ref for _id, kind, ref in queued if kind == "e"}
    actors = sorted({ref for _id, kind, ref in queued if kind == "a"})
    if actors:
        events |= _events_of_actors(conn, actors)
    n = recount(conn, events)
    conn.execute(delete(DbAggDirty).where(DbAggDirty.id <= max(q[0] for q in queued)))
    return n


#: ``Session.info`` key of what :func:`fresh` and :func:`totals` read in the session's transaction: kept
#: until the session writes (a flush, a statement other than a SELECT) or a transaction of it ends, so that
#: the several readers of one request (the overview: four) read each once.
READ_CACHE = "ctrack_agg_reads"


def _once(conn, key: str, read):
    """``read()`` once per transaction of a session (see :data:`READ_CACHE`); a connection reads every time."""
    if not isinstance(conn, Session):
        return read()
    if conn.new or conn.dirty or conn.deleted:  # changes still to flush: read again (the read flushes them)
        conn.info.pop(READ_CACHE, None)
    cache = conn.info.setdefault(READ_CACHE, {})
    if key not in cache:
        cache[key] = read()
    return cache[key]


def fresh(conn) -> bool:
    """True when nothing is queued in the caller's transaction, i.e. the aggregates equal fresh counts
    (one indexed read, once per transaction until the session writes: :data:`READ_CACHE`). The readers in
    :mod:`ctrack.store.repo` count in SQL when it is False."""
    return _dialect(conn) in ("sqlite", "postgresql") and _once(
        conn, "fresh", lambda: conn.execute(select(DbAggDirty.id).limit(1)).first() is None)


def rebuild(conn) -> int:
    """Recount every aggregate from the knowledge base (the backfill of migration 0012, and after the triggers
    were installed again): ``agg_totals`` and the document counts by grouped ``COUNT``s, the rest by
    :func:`links_of` over every event, :data:`CHUNK` at a time. Returns how many events were counted.

    Reads and writes only the columns the database has (:func:`present_columns`, one inspection): migration
    0012 runs this at its revision, before later migrations add columns and fill them themselves (and before
    0016 creates ``agg_actor_events``, which it fills with :func:`fill_actor_events`)."""
    _lock(conn)
    present = present_columns(conn)
    actor_events = _has_actor_events(present)
    for model in (DbAggDirty, DbAggEvent, DbAggEventState, DbAggTotal, DbAggState, DbAggStatePair, DbAggActor,
                  DbAggActorDocuments, *([DbAggActorEvent] if actor_events else [])):
        conn.execute(delete(model))
    from ctrack.store.models import DbConflict, DbDocument, DbMention, DbTitle
    from ctrack.store.track_models import DbRecommendation

    sep = "|"
    totals = []
    for model, name, key in (
            (DbDocument, "documents", None), (DbActor, "actors", (DbActor.kind, DbActor.review_state)),
            (DbEvent, "events", (DbEvent.type, DbEvent.review_state)),
            (DbEventRole, "event_roles", (DbEventRole.review_state,)), (DbMention, "mentions", None),
            (DbConflict, "conflicts", (DbConflict.review_state,)), (DbTitle, "person_titles", (DbTitle.review_state,)),
            (DbRecommendation, "recommendations", (DbRecommendation.review_state,))):
        if key is None:
            n = conn.execute(select(func.count()).select_from(model)).scalar() or 0
            totals.append({"name": name, "key": "", "n": n})
            continue
        for *values, n in conn.execute(select(*key, func.count()).group_by(*key)).all():
            totals.append({"name": name, "key": sep.join(getattr(v, "value", v) for v in values), "n": n})
    if totals:
        conn.execute(insert(DbAggTotal.__table__), totals)
    docs = conn.execute(select(DbActorSource.actor_id, func.count(func.distinct(DbActorSource.document_id)))
                        .group_by(DbActorSource.actor_id)).all()
    states, pairs, events, timeline, briefed = Counter(), Counter(), Counter(), Counter(), Counter()
    counted, last = 0, 0
    while True:
        ids = list(conn.execute(select(DbEvent.id).where(DbEvent.id > last).order_by(DbEvent.id)
                                .limit(CHUNK)).scalars())
        if not ids:
            break
        last = ids[-1]
        links = links_of(conn, ids, present)
        for eid, link in links.items():
            for acc, plus in zip((states, pairs, events, timeline, briefed), _contribution(link)):
                acc.update(plus)
        _insert_links(conn, links, present)
        counted += len(ids)
    insert_rows(conn, DbAggState.__table__, ({"iso3": i, "type": t, "review_state": r, "n": n}
                                             for (i, t, r), n in states.items()))
    insert_rows(conn, DbAggStatePair.__table__, ({"scope": s, "iso3": i, "n": n} for (s, i), n in pairs.items()))
    insert_rows(conn, DbAggActor.__table__, (_only(present, "agg_actors", {
        "actor_id": a, "events": events.get(a, 0), "timeline": timeline.get(a, 0), "briefed": briefed.get(a, 0)})
        for a in set(events) | set(timeline)))
    insert_rows(conn, DbAggActorDocuments.__table__, ({"actor_id": a, "n": n} for a, n in docs))
    return counted


def actor_events_select():
    """The rows of ``agg_actor_events`` as one ``SELECT`` (actor_id, event_id, start) over the knowledge base:
    for each role (not rejected) of an event (not rejected), its actor, the actor's affiliation and theirs,
    once per event. Equal to what :func:`_insert_links` stores from :func:`links_of` (``"a"`` and ``"m"``);
    set-based, for migration 0016's backfill (:func:`fill_actor_events`)."""
    a0, a1, a2 = aliased(DbActor), aliased(DbActor), aliased(DbActor)
    role = DbEventRole
    live = role.review_state != ReviewState.REJECTED
    holders = select(role.event_id.label("event_id"), role.actor_id.label("actor_id")).join(
        a0, a0.id == role.actor_id).where(live)
    first = select(role.event_id, a1.id).join(a0, a0.id == role.actor_id).join(
        a1, a1.id == a0.affiliation_id).where(live)
    second = select(role.event_id, a2.id).join(a0, a0.id == role.actor_id).join(
        a1, a1.id == a0.affiliation_id).join(a2, a2.id == a1.affiliation_id).where(live)
    pairs = holders.union(first, second).subquery("pairs")  # UNION: each (event, actor) once
    return (select(pairs.c.actor_id, DbEvent.id, DbEvent.start).join(DbEvent, DbEvent.id == pairs.c.event_id)
            .where(DbEvent.review_state != ReviewState.REJECTED))


def fill_actor_events(conn) -> int:
    """Empty ``agg_actor_events`` and fill it from the knowledge base in one ``INSERT … SELECT``
    (:func:`actor_events_select`); returns the rows written. Runs in the caller's transaction; on PostgreSQL
    under :data:`PG_LOCK_AGG`, so no recount writes the table meanwhile."""
    _lock(conn)
    table = DbAggActorEvent.__table__
    conn.execute(delete(table))
    result = conn.execute(insert(table).from_select(["actor_id", "event_id", "start"], actor_events_select()))
    return result.rowcount


def ensure(conn) -> bool:
    """Install the triggers when any is missing and recount everything (:func:`rebuild`), else recount what
    is queued (:func:`refresh`: rows written without a session, e.g. a bulk load). Returns True when the
    triggers were installed. Run by :func:`ctrack.store.db.upgrade` when a knowledge base is opened."""
    dialect = _dialect(conn)
    if dialect not in ("sqlite", "postgresql"):
        return False
    if triggers_present(conn):
        refresh(conn)
        return False
    install_triggers(conn)
    rebuild(conn)
    return True


# --------------------------------------------------------------------------- reading


def kept(conn) -> bool:
    """True on a database whose aggregates are kept (SQLite or PostgreSQL opened by ``open_store``)."""
    return _dialect(conn) in ("sqlite", "postgresql")


def totals(conn) -> dict[str, dict[str, int]]:
    """``agg_totals`` as {table: {key: rows}} (one read of a few dozen rows, once per transaction until the
    session writes: :data:`READ_CACHE`; exact in the reader's transaction: kept by triggers alone). The
    caller gets its own copy."""
    def read() -> list:
        return conn.execute(select(DbAggTotal.name, DbAggTotal.key, DbAggTotal.n)).all()

    out: dict[str, dict[str, int]] = defaultdict(dict)
    for name, key, n in _once(conn, "totals", read):
        if n:
            out[name][key] = n
    return out


def rows_in_states(conn, table: str, states: Iterable[ReviewState | str]) -> int:
    """Rows of ``table`` (a table of :data:`TOTALS` with a review state) whose review state is one of
    ``states``, from ``agg_totals`` (the state is the last part of the key)."""
    wanted = {getattr(s, "value", s) for s in states}
    return sum(n for key, n in totals(conn).get(table, {}).items() if key.rsplit("|", 1)[-1] in wanted)


def state_counts(conn, iso3s: Iterable[str] | None = None,
                 review_states: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """{ISO3: {event type: events}} engaging each member state (``iso3s``: those only), counting events in
    ``review_states`` (default: every state but rejected). Call when :func:`fresh`."""
    stmt = select(DbAggState.iso3, DbAggState.type, func.sum(DbAggState.n)).group_by(DbAggState.iso3, DbAggState.type)
    if iso3s is not None:
        stmt = stmt.where(DbAggState.iso3.in_(sorted(set(iso3s))))
    if review_states is not None:
        stmt = stmt.where(DbAggState.review_state.in_(sorted({getattr(s, "value", s) for s in review_states})))
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for iso, etype, n in conn.execute(stmt).all():
        if n:
            out[iso][etype] = int(n)
    return out


def state_events(conn, iso3: str, limit: int, *, descending: bool = True, type: str | None = None) -> list[int]:
    """Ids of the first ``limit`` events (not rejected) engaging member state ``iso3`` (of ``type`` when
    given) by start (latest first when ``descending``), undated last, ties by id: what
    :func:`ctrack.store.repo._keyset_ids` gives for the ``--country`` filter, read from the index of
    ``agg_event_states`` (two ``LIMIT``ed range reads). Call when :func:`fresh`."""
    t = DbAggEventState
    where = [t.iso3 == iso3] + ([t.type == getattr(type, "value", type)] if type else [])
    order = (t.start.desc(), t.event_id.desc()) if descending else (t.start.asc(), t.event_id.asc())
    ids = list(_core(conn).execute(select(t.event_id).where(*where, t.start.is_not(None)).order_by(*order)
                                   .limit(limit)).scalars())
    if len(ids) < limit:
        ids += list(_core(conn).execute(select(t.event_id).where(*where, t.start.is_(None))
                                 .order_by(t.event_id.desc() if descending else t.event_id.asc())
                                 .limit(limit - len(ids))).scalars())
    return ids


def actor_events(conn, actor_id: int, limit: int, *, descending: bool = True) -> list[int]:
    """Ids of the first ``limit`` events of actor ``actor_id``'s timeline (not rejected; its roles and those of
    the actors acting for it, :attr:`DbAggActor.timeline`) by start (latest first when ``descending``),
    undated last, ties by id: the order of :func:`ctrack.store.repo.actor_timeline`, read from the index of
    ``agg_actor_events`` (two ``LIMIT``ed range reads). Call when :func:`fresh`."""
    t = DbAggActorEvent
    order = (t.start.desc(), t.event_id.desc()) if descending else (t.start.asc(), t.event_id.asc())
    ids = list(_core(conn).execute(select(t.event_id).where(t.actor_id == actor_id, t.start.is_not(None))
                                   .order_by(*order).limit(limit)).scalars())
    if len(ids) < limit:
        ids += list(_core(conn).execute(select(t.event_id).where(t.actor_id == actor_id, t.start.is_(None))
                                        .order_by(t.event_id.desc() if descending else t.event_id.asc())
                                        .limit(limit - len(ids))).scalars())
    return ids


def state_pairs(conn, scope: str) -> dict[str, int]:
    """{ISO3: events} of a briefing on member state ``scope`` by member state engaged (every event not
    rejected; see :func:`ctrack.store.repo._engaged_states`). Call when :func:`fresh`."""
    return {iso: n for iso, n in conn.execute(
        select(DbAggStatePair.iso3, DbAggStatePair.n).where(DbAggStatePair.scope == scope)).all() if n}


def actor_counts(conn, actor_ids: Iterable[int]) -> dict[int, tuple[int, int, int]]:
    """{actor id: (events, timeline total, documents)} of the stored actors among ``actor_ids``, from
    ``agg_actors`` and ``agg_actor_documents`` (no row: zero). The
    documents are exact at any time; the events and the timeline total when :func:`fresh`."""
    ids = sorted(set(actor_ids))
    out: dict[int, tuple[int, int, int]] = {}
    d = DbAggActorDocuments
    for i in range(0, len(ids), CHUNK):
        out.update((a, (e or 0, t or 0, n or 0)) for a, e, t, n in conn.execute(
            select(DbActor.id, DbAggActor.events, DbAggActor.timeline, d.n)
            .outerjoin(DbAggActor, DbAggActor.actor_id == DbActor.id).outerjoin(d, d.actor_id == DbActor.id)
            .where(DbActor.id.in_(ids[i:i + CHUNK]))).all())
    return out


# --------------------------------------------------------------------------- on every commit


_READY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engines whose database has ``agg_dirty``


def _ready(session: Session) -> bool:
    """True when the session's database has ``agg_dirty`` (not before migration 0012); remembered per engine."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    if _READY.get(engine):
        return True
    from sqlalchemy import inspect

    found = inspect(session.connection()).has_table("agg_dirty")
    if found:
        _READY[engine] = True
    return found


def _wrote(session: Session, *_args) -> None:
    session.info["ctrack_agg_wrote"] = True
    session.info.pop(READ_CACHE, None)


@event.listens_for(Session, "do_orm_execute")
def _note_write(state) -> None:
    """A statement that is not a SELECT may have queued something: refresh before the commit, read again."""
    if not state.is_select:
        state.session.info["ctrack_agg_wrote"] = True
        state.session.info.pop(READ_CACHE, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_reads(session: Session, _transaction) -> None:
    """A transaction (or savepoint) ended: what it read may have changed."""
    session.info.pop(READ_CACHE, None)


event.listen(Session, "after_flush", _wrote)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous) -> None:
    """A rolled-back transaction queued nothing (a savepoint's rollback keeps what came before it)."""
    if previous.parent is None:
        session.info.pop("ctrack_agg_wrote", None)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session: Session) -> None:
    """Recount what this session's writes queued, in its transaction, before it commits (see module doc).

    SQLAlchemy calls this before the commit's own flush: changes still pending in the session (an attribute
    set, an object added or deleted, then ``commit()``) count as writes too, else their queue would outlive
    the commit and every reader would count in SQL until the next writer.
    """
    wrote = session.info.pop("ctrack_agg_wrote", False)
    if not (wrote or session.new or session.dirty or session.deleted):
        return
    if _dialect(session) not in ("sqlite", "postgresql") or not _ready(session):
        return
    session.flush()
    refresh(session)
    session.info.pop("ctrack_agg_wrote", None)


__all__ = ["TOTALS", "QUEUED", "PINNED", "PG_LOCK_AGG", "READ_CACHE", "CHUNK", "links_of", "briefed_of",
           "present_columns", "recount", "refresh", "fresh", "rebuild", "ensure", "install_triggers", "drop_triggers",
           "triggers_present", "kept", "totals", "rows_in_states", "state_counts", "state_events", "state_pairs",
           "actor_counts", "actor_events", "actor_events_select", "fill_actor_events"]
