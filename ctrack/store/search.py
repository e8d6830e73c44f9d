"""Full-text search over documents, actors, events and recommendations, on SQLite and PostgreSQL.

One interface, two engines:

- every searchable thing has a row in ``search_entries``
  (:class:`~ctrack.store.web_models.DbSearchEntry`) holding its title, its
  text and a *folded* copy (lower case, diacritics removed character by
  character, so offsets into the folded copy are offsets into the text);
- SQLite matches the folded copy with an FTS5 table ``search_fts``
  (``unicode61`` tokenizer; rowid = entry id) ranked by ``bm25``;
  PostgreSQL with a GIN index over ``to_tsvector('simple', folded)`` ranked
  by ``ts_rank``. Both get the same query: every word of the question, as a
  prefix, all required ("conin tajik" finds "Coninsx … Tajikistan").
  Snippets and highlights are cut in Python from the entry text, so they
  look the same on both.

The backend structures are derived data, created on demand by
:func:`ensure_index` (not by the Alembic migrations, whose schema compare
would otherwise see FTS5's shadow tables) and rebuilt by :func:`rebuild`.

Keeping in step: database triggers (installed by :func:`ensure_triggers` when the
knowledge base is opened, see
:data:`WATCHED`) list in ``search_dirty`` every document, actor, event and
recommendation written, and the actor or event whose alias, title or role
was; :func:`refresh` (run by :func:`search` before every query) reindexes
just those, so its cost follows what changed, not the size of the knowledge
base. A reindexed row leaves the queue; a row gone loses its entry.
:func:`index_document` indexes one document and what it touched right after
``save_document``; :func:`reindex` given rows after a review action.
"""
from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctrack.store.models import (
    DbActor, DbAlias, DbDocument, DbEvent, DbEventRole, DbEventSource, DbMention, DbTitle, ReviewState, utcnow,
)
from ctrack.store.track_models import DbRecommendation
from ctrack.store.web_models import DbSearchDirty, DbSearchEntry, SearchKind

_WORD_RE = re.compile(r"\w+", re.UNICODE)
#: Longest text kept per entry (characters); longer documents are indexed on their first part.
MAX_BODY = 200_000


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        low = ch
    base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    return base if len(base) == 1 else low


def fold(value: str) -> str:
    """``value`` in lower case without diacritics, one character for one ("Michèle" → "michele").

    The result has the same length as ``value``, so an offset into it is an
    offset into ``value``.
    """
    return "".join(_fold_char(c) for c in value)


def query_terms(query: str) -> list[str]:
    """The folded words of a search question (letters and digits; everything else separates)."""
    return _WORD_RE.findall(fold(query or ""))


@dataclass
class SearchHit:
    """One result: what it is (``kind``, ``ref_id``), its title, a snippet of its text.

    ``highlights`` are ``(start, end)`` offsets into ``snippet`` of the words
    that matched; ``score`` is the backend's relevance (higher is better).
    """

    kind: SearchKind
    ref_id: int
    title: str
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    score: float = 0.0


@dataclass
class SearchPage:
    """A page of results: ``total`` matches in all, ``hits`` from ``offset`` on (at most ``limit``).

    ``total_exact`` is False when more than :data:`CANDIDATES` entries match: ``total`` is then that cap
    ("more than"), and the hits are the best of the :data:`CANDIDATES` most recently indexed matches."""

    query: str
    total: int
    limit: int
    offset: int
    hits: list[SearchHit] = field(default_factory=list)
    total_exact: bool = True


#: Most matches a search ranks and counts. A common surname matched tens of thousands of entries at
#: 100,000 events, and ranking and counting every match took 0.3-0.5 s a query; past this many, the best
#: of the most recently indexed CANDIDATES matches are shown and the total says "more than".
CANDIDATES = 2000


# --------------------------------------------------------------------------- backend structures


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


#: Engines whose database was found with its search index and its ``search_dirty`` triggers by
#: :func:`refresh`: later refreshes through them skip those two catalog reads (a search request then sends
#: one read of the queue, not five statements). Forgotten by :func:`drop_triggers` and :func:`rebuild`; the
#: triggers leave a database only that way, or in a migration, and :func:`ctrack.store.db.upgrade` (any
#: process opening the knowledge base) puts them back and queues what they missed.
_IN_PLACE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _engine(conn):
    """The engine of a session or a connection (the key of :data:`_IN_PLACE`)."""
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    return getattr(bind, "engine", bind)


#: The writes that make a search entry stale: (table, column holding the id, kind of the entry). A trigger on
#: each table lists the id of every row inserted, updated or deleted (old and new id) in ``search_dirty``.
#: An event's entry holds its roles, an actor's its aliases and titles, a recommendation's its terms and parties.
WATCHED = (
    ("documents", "id", SearchKind.DOCUMENT),
    ("actors", "id", SearchKind.ACTOR),
    ("actor_aliases", "actor_id", SearchKind.ACTOR),
    ("person_titles", "person_id", SearchKind.ACTOR),
    ("events", "id", SearchKind.EVENT),
    ("event_roles", "event_id", SearchKind.EVENT),
    ("recommendations", "id", SearchKind.RECOMMENDATION),
    ("recommendation_terms", "recommendation_id", SearchKind.RECOMMENDATION),
    ("track_parties", "recommendation_id", SearchKind.RECOMMENDATION),
)


def _trigger_ddl(dialect: str) -> list[str]:
    """The statements creating the ``search_dirty`` triggers of :data:`WATCHED` on ``dialect``."""
    out = []
    for table, col, kind in WATCHED:
        name, k = f"search_dirty_{table}", kind.value
        if dialect == "sqlite":
            ins = "INSERT INTO search_dirty(kind, ref_id)"
            out += [
                f"CREATE TRIGGER IF NOT EXISTS {name}_ins AFTER INSERT ON {table} WHEN NEW.{col} IS NOT NULL "
                f"BEGIN {ins} VALUES ('{k}', NEW.{col}); END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_upd AFTER UPDATE ON {table} BEGIN "
                f"{ins} SELECT '{k}', OLD.{col} WHERE OLD.{col} IS NOT NULL; "
                f"{ins} SELECT '{k}', NEW.{col} WHERE NEW.{col} IS NOT NULL AND NEW.{col} IS NOT OLD.{col}; END",
                f"CREATE TRIGGER IF NOT EXISTS {name}_del AFTER DELETE ON {table} WHEN OLD.{col} IS NOT NULL "
                f"BEGIN {ins} VALUES ('{k}', OLD.{col}); END",
            ]
        elif dialect == "postgresql":
            ins = "INSERT INTO search_dirty(kind, ref_id) VALUES"
            out += [
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'INSERT' THEN "
                f"  IF NEW.{col} IS NOT NULL THEN {ins} ('{k}', NEW.{col}); END IF; "
                f"ELSIF TG_OP = 'DELETE' THEN "
                f"  IF OLD.{col} IS NOT NULL THEN {ins} ('{k}', OLD.{col}); END IF; "
                f"ELSE "
                f"  IF OLD.{col} IS NOT NULL THEN {ins} ('{k}', OLD.{col}); END IF; "
                f"  IF NEW.{col} IS NOT NULL AND NEW.{col} IS DISTINCT FROM OLD.{col} THEN {ins} ('{k}', NEW.{col}); "
                f"  END IF; "
                f"END IF; RETURN NULL; END $$",
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()",
            ]
    return out


def _triggers_present(session: Session, dialect: str) -> bool:
    if dialect == "sqlite":
        n = session.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name LIKE 'search_dirty_%'")).scalar()
        return n == 3 * len(WATCHED)
    n = session.execute(text("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                             "WHERE t.tgname LIKE 'search_dirty_%' AND c.relnamespace = "
                             "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())")).scalar()
    return n == len(WATCHED)


def drop_triggers(conn) -> None:
    """Remove the ``search_dirty`` triggers (``conn``: a SQLAlchemy connection or session)."""
    dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    _IN_PLACE.pop(_engine(conn), None)
    for table, _col, _kind in WATCHED:
        name = f"search_dirty_{table}"
        if dialect == "sqlite":
            for op_ in ("ins", "upd", "del"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}_{op_}"))
        elif dialect == "postgresql":
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            conn.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))


def ensure_triggers(session: Session) -> bool:
    """Install the ``search_dirty`` triggers when any is missing, and queue once what they could not see
    (what :func:`_full_scan` finds: rows never indexed or changed since, entries whose row is gone).
    Returns True when they were installed; the caller commits.

    Run by :func:`ctrack.store.db.upgrade` after the migrations, under the migration lock, in a
    transaction of its own (not inside a request's, where the DDL would hold the write lock), every time
    a knowledge base is opened: Alembic's batch mode on SQLite recreates a table without its triggers,
    so a later migration may drop them, and the next opening puts them back.
    """
    dialect = _dialect(session)
    if dialect not in ("sqlite", "postgresql") or _triggers_present(session, dialect):
        return False
    for stmt in _trigger_ddl(dialect):
        session.execute(text(stmt))
    queue = [{"kind": kind, "ref_id": ref_id} for kind, ids in _full_scan(session).items() for ref_id in sorted(ids)]
    if queue:
        session.execute(DbSearchDirty.__table__.insert(), queue)
    return True


def ensure_index(session: Session) -> bool:
    """Create the backend's index if it is missing; returns True when it was created (then it is filled).

    SQLite: the FTS5 table ``search_fts``. PostgreSQL: the GIN index
    ``ix_search_entries_fts``. Any other database: nothing (searching falls
    back to ``LIKE``).
    """
    dialect = _dialect(session)
    if dialect == "sqlite":
        exists = session.execute(text(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='search_fts'")).first()
        if exists:
            return False
        session.execute(text(
            "CREATE VIRTUAL TABLE search_fts USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2')"))
        session.execute(text("INSERT INTO search_fts(rowid, folded) SELECT id, folded FROM search_entries"))
        return True
    if dialect == "postgresql":
        exists = session.execute(text("SELECT to_regclass('ix_search_entries_fts')")).scalar()
        if exists:
            return False
        session.execute(text(
            "CREATE INDEX IF NOT EXISTS ix_search_entries_fts ON search_entries "
            "USING gin (to_tsvector('simple', folded))"))
        return True
    return False


def _put(session: Session, kind: SearchKind, ref_id: int, title: str, body: str) -> None:
    """Insert or replace the entry of (kind, ref_id), and its FTS5 row on SQLite."""
    body = body[:MAX_BODY]
    folded = fold(f"{title}\n{body}")
    entry = session.scalar(select(DbSearchEntry).where(
        DbSearchEntry.kind == kind, DbSearchEntry.ref_id == ref_id))
    if entry is None:
        entry = DbSearchEntry(kind=kind, ref_id=ref_id, title=title, body=body, folded=folded, indexed_at=utcnow())
        session.add(entry)
        session.flush()
    else:
        entry.title, entry.body, entry.folded, entry.indexed_at = title, body, folded, utcnow()
        session.flush()
    if _dialect(session) == "sqlite":
        session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": entry.id})
        session.execute(text("INSERT INTO search_fts(rowid, folded) VALUES (:id, :f)"), {"id": entry.id, "f": folded})


def _drop(session: Session, kind: SearchKind, ref_ids: list[int]) -> None:
    if not ref_ids:
        return
    ids = list(session.scalars(select(DbSearchEntry.id).where(
        DbSearchEntry.kind == kind, DbSearchEntry.ref_id.in_(ref_ids))))
    if not ids:
        return
    if _dialect(session) == "sqlite":
        for entry_id in ids:
            session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": entry_id})
    session.execute(delete(DbSearchEntry).where(DbSearchEntry.id.in_(ids)))


# --------------------------------------------------------------------------- what is indexed


def _country_name(iso3: str | None) -> str:
    if not iso3:
        return ""
    country = pycountry.countries.get(alpha_3=iso3)
    return country.name if country else iso3


def _index_document(session: Session, doc: DbDocument) -> None:
    _put(session, SearchKind.DOCUMENT, doc.id, doc.title or doc.doc_key, doc.text or "")


def _index_actor(session: Session, actor: DbActor) -> None:
    aliases = session.scalars(select(DbAlias.alias).where(DbAlias.actor_id == actor.id)).all()
    titles = session.scalars(select(DbTitle.title).where(DbTitle.person_id == actor.id).distinct()).all()
    title = actor.name + (f" ({actor.acronym})" if actor.acronym and actor.acronym != actor.name else "")
    parts = [actor.kind.value.replace("_", " "), actor.acronym or "", actor.iso3 or "",
             _country_name(actor.iso3) if actor.iso3 else "", actor.title or "",
             actor.affiliation.name if actor.affiliation else "", *titles, *aliases]
    _put(session, SearchKind.ACTOR, actor.id, title, " · ".join(p for p in dict.fromkeys(parts) if p))


def _index_event(session: Session, event: DbEvent) -> None:
    rows = session.execute(
        select(DbActor.name, DbActor.acronym, DbEventRole.role)
        .join(DbEventRole, DbEventRole.actor_id == DbActor.id)
        .where(DbEventRole.event_id == event.id).order_by(DbEventRole.id)).all()
    kind = event.type.value.replace("_", " ")
    venue = ", ".join(p for p in (event.city, _country_name(event.country)) if p)
    dates = event.start or ""
    if event.end and event.end != event.start:
        dates += f" – {event.end}"
    title = event.name or " ".join(p for p in (kind, f"in {venue}" if venue else "", dates) if p)
    parts = [kind, venue, event.country or "", dates, event.status.value]
    parts += [f"{name}{f' ({acr})' if acr else ''} — {role.value}" for name, acr, role in rows]
    _put(session, SearchKind.EVENT, event.id, title, " · ".join(p for p in parts if p))


def _index_recommendation(session: Session, rec: DbRecommendation) -> None:
    title = f"Recommendation to {_country_name(rec.state) or 'an unknown state'}"
    parts = [rec.text, rec.state or "", rec.status.value.replace("_", " "),
             rec.ta_description or "", rec.source or ""]
    parts += [p.name for p in rec.parties]
    parts += [t.code for t in rec.terms]
    _put(session, SearchKind.RECOMMENDATION, rec.id, title, " · ".join(p for p in parts if p))


_MODELS = {
    SearchKind.DOCUMENT: (DbDocument, _index_document),
    SearchKind.ACTOR: (DbActor, _index_actor),
    SearchKind.EVENT: (DbEvent, _index_event),
    SearchKind.RECOMMENDATION: (DbRecommendation, _index_recommendation),
}


def reindex(session: Session, kind: SearchKind | str, ref_ids: list[int]) -> int:
    """Index (again) the rows ``ref_ids`` of ``kind``; an id whose row is gone loses its entry.

    A row a reviewer rejected loses its entry too (reads leave it out).
    Returns how many rows were indexed. Call after a change that
    :func:`refresh` cannot see (e.g. a role of an event corrected).
    """
    kind = SearchKind(kind)
    model, indexer = _MODELS[kind]
    ensure_index(session)
    rows = list(session.scalars(select(model).where(model.id.in_(ref_ids)))) if ref_ids else []
    rows = [r for r in rows if getattr(r, "review_state", None) is not ReviewState.REJECTED]
    for row in rows:
        indexer(session, row)
    _drop(session, kind, sorted(set(ref_ids) - {r.id for r in rows}))
    for i in range(0, len(ref_ids), 500):  # in step now: off the queue
        session.execute(delete(DbSearchDirty).where(DbSearchDirty.kind == kind,
                                                    DbSearchDirty.ref_id.in_(ref_ids[i:i + 500])))
    return len(rows)


def _stale_ids(session: Session, kind: SearchKind, model, touched: set[int]) -> set[int]:
    """Ids of ``model`` rows with no entry, or changed after they were indexed, plus ``touched``."""
    entry = select(DbSearchEntry.ref_id, DbSearchEntry.indexed_at).where(
        DbSearchEntry.kind == kind).subquery()
    query = select(model.id).outerjoin(entry, entry.c.ref_id == model.id).where(
        or_(entry.c.ref_id.is_(None), model.updated_at > entry.c.indexed_at))
    return set(session.scalars(query)) | touched


def _orphans(session: Session, kind: SearchKind, model) -> list[int]:
    return list(session.scalars(
        select(DbSearchEntry.ref_id).where(DbSearchEntry.kind == kind)
        .where(~select(model.id).where(model.id == DbSearchEntry.ref_id).exists())))


def _touched_by(session: Session, document_ids: list[int]) -> tuple[set[int], set[int]]:
    """(actor ids, event ids) that the documents ``document_ids`` mention, name or report."""
    if not document_ids:
        return set(), set()
    actors: set[int] = set()
    events: set[int] = set()
    for column, doc_col in ((DbAlias.actor_id, DbAlias.document_id), (DbMention.actor_id, DbMention.document_id),
                            (DbTitle.person_id, DbTitle.document_id),
                            (DbEventRole.actor_id, DbEventRole.document_id)):
        actors |= set(session.scalars(select(column).where(doc_col.in_(document_ids), column.is_not(None))))
    events |= set(session.scalars(select(DbEventSource.event_id).where(DbEventSource.document_id.in_(document_ids))))
    events |= set(session.scalars(select(DbEventRole.event_id).where(DbEventRole.document_id.in_(document_ids))))
    return actors, events


def _full_scan(session: Session) -> dict[SearchKind, set[int]]:
    """Every row whose entry is missing or stale, found by comparing the whole knowledge base with the index:
    documents not indexed and the actors and events they touch, actors, events and recommendations without an
    entry or changed since indexed (``updated_at``), entries whose row is gone. Costs a pass over every
    table: run once, when the triggers are installed (:func:`ensure_triggers`), and by :func:`rebuild`."""
    # NOT EXISTS, not NOT IN: PostgreSQL plans NOT IN (subquery) as a subplan run per row once the ids do not
    # fit in work_mem (quadratic: a million documents took over 15 minutes), NOT EXISTS as a hashed anti-join.
    doc_entry = select(DbSearchEntry.ref_id).where(DbSearchEntry.kind == SearchKind.DOCUMENT,
                                                   DbSearchEntry.ref_id == DbDocument.id)
    new_docs = list(session.scalars(select(DbDocument.id).where(~doc_entry.exists())))
    actors, events = _touched_by(session, new_docs)
    todo = {
        SearchKind.DOCUMENT: set(new_docs),
        SearchKind.ACTOR: _stale_ids(session, SearchKind.ACTOR, DbActor, actors),
        SearchKind.EVENT: _stale_ids(session, SearchKind.EVENT, DbEvent, events),
        SearchKind.RECOMMENDATION: _stale_ids(session, SearchKind.RECOMMENDATION, DbRecommendation, set()),
    }
    for kind, ids in todo.items():
        ids.update(_orphans(session, kind, _MODELS[kind][0]))
    return todo


def refresh(session: Session) -> int:
    """Bring the index in step with the knowledge base; returns how many entries were (re)written.

    Reindexes the rows listed in ``search_dirty`` by the triggers (rows
    written since they were indexed; an entry whose row is gone is dropped)
    and empties the queue: a few indexed queries when nothing changed,
    whatever the size of the knowledge base. On a database without triggers
    (neither SQLite nor PostgreSQL, or not opened by :func:`ctrack.store.db.open_store`) it compares
    everything (:func:`_full_scan`). The index and the triggers are looked for once per engine
    (:data:`_IN_PLACE`).
    """
    engine = _engine(session)
    if not _IN_PLACE.get(engine):
        created = ensure_index(session)
        dialect = _dialect(session)
        if dialect not in ("sqlite", "postgresql") or not _triggers_present(session, dialect):
            # no triggers (a database not opened by open_store): compare everything
            return sum(reindex(session, kind, sorted(ids)) for kind, ids in _full_scan(session).items() if ids)
        if not created:  # an index made in this transaction is not in place until it commits
            _IN_PLACE[engine] = True
    queued = session.execute(select(DbSearchDirty.id, DbSearchDirty.kind, DbSearchDirty.ref_id)).all()
    if not queued:
        return 0
    todo: dict[SearchKind, set[int]] = {}
    for _id, kind, ref_id in queued:
        todo.setdefault(kind, set()).add(ref_id)
    count = sum(reindex(session, kind, sorted(ids)) for kind, ids in todo.items())
    session.execute(delete(DbSearchDirty).where(DbSearchDirty.id <= max(q[0] for q in queued)))
    return count


def index_document(session: Session, document_id: int) -> int:
    """Index document ``document_id`` and the actors and events it touches; returns entries written.

    Meant to be called right after ``save_document`` in the same transaction;
    :func:`refresh` would find the same rows later anyway.
    """
    actors, events = _touched_by(session, [document_id])
    return (reindex(session, SearchKind.DOCUMENT, [document_id])
            + reindex(session, SearchKind.ACTOR, sorted(actors))
            + reindex(session, SearchKind.EVENT, sorted(events)))


def rebuild(session: Session) -> int:
    """Drop the whole index and build it again from the knowledge base; returns entries written."""
    dialect = _dialect(session)
    _IN_PLACE.pop(_engine(session), None)
    if dialect == "sqlite":
        session.execute(text("DROP TABLE IF EXISTS search_fts"))
    elif dialect == "postgresql":
        session.execute(text("DROP INDEX IF EXISTS ix_search_entries_fts"))
    session.execute(delete(DbSearchEntry))
    ensure_index(session)
    session.execute(delete(DbSearchDirty))
    return sum(reindex(session, kind, sorted(ids)) for kind, ids in _full_scan(session).items() if ids)


# --------------------------------------------------------------------------- querying


def _snippet(body: str, terms: list[str], width: int = 220) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``body`` around the first matching word, with the offsets of the matches in it."""
    folded = fold(body)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*") if terms else None
    first = pattern.search(folded) if pattern else None
    start = 0
    if first and first.start() > width // 3:
        start = first.start() - width // 3
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    window = " ".join(body[start:end].split("\n"))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(body) else ""
    highlights = []
    if pattern:
        for m in pattern.finditer(folded, start, end):
            highlights.append((m.start() - start + len(prefix), m.end() - start + len(prefix)))
    return prefix + window + suffix, highlights


def search(session: Session, query: str, *, kinds: list[SearchKind] | None = None,
           limit: int = 20, offset: int = 0) -> SearchPage:
    """Search everything for ``query``; results best first.

    ``query``: words, each matched as a word prefix, all required, case and
    accents ignored. ``kinds`` limits the result to those kinds of thing.
    ``limit`` (1–200) and ``offset`` page through the results. Refreshes the
    index first when anything is queued (see :func:`refresh`; in a savepoint). A query with no word gives
    no hits.
    At most :data:`CANDIDATES` matches are ranked and counted: past that, the
    page says so (``total_exact`` False, ``total`` = the cap) and ranks the
    most recently indexed ones.
    """
    try:
        # nothing queued (the common case, once the index and triggers were seen): no savepoint, one read
        if not _IN_PLACE.get(_engine(session)) or session.execute(select(DbSearchDirty.id).limit(1)).first():
            with session.begin_nested():
                refresh(session)
    except IntegrityError:  # another transaction is indexing the same rows right now
        pass
    terms = query_terms(query)
    limit = max(1, min(int(limit), 200))
    offset = max(0, int(offset))
    page = SearchPage(query=query, total=0, limit=limit, offset=offset)
    if not terms:
        return page
    dialect = _dialect(session)
    kind_values = [SearchKind(k).value for k in kinds] if kinds else [k.value for k in SearchKind]
    params: dict = {"limit": limit, "offset": offset}
    kind_marks = ", ".join(f":k{i}" for i in range(len(kind_values)))
    params |= {f"k{i}": v for i, v in enumerate(kind_values)}
    params["cap"] = CANDIDATES
    params["cap1"] = CANDIDATES + 1
    # the CANDIDATES + 1 most recently indexed matches (read newest first, stopped by LIMIT), each scored:
    # counted (one past the cap says "more than"), the first CANDIDATES ranked, and only the page's entry
    # rows read; one full-text evaluation per query, and a bounded one however many entries match
    if dialect == "sqlite":
        params["q"] = " ".join(f'"{t}"*' for t in terms)
        # the kind filter reads each match's entry row; searching everything needs no such read
        where = ("FROM search_fts WHERE search_fts MATCH :q" if len(kind_values) == len(SearchKind) else
                 f"FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
                 f"WHERE search_fts MATCH :q AND e.kind IN ({kind_marks})")
        candidates = (f"SELECT search_fts.rowid AS rid, -bm25(search_fts) AS score {where} "
                      "ORDER BY search_fts.rowid DESC LIMIT :cap1")
    elif dialect == "postgresql":
        params["q"] = " & ".join(f"{t}:*" for t in terms)
        where = ("FROM search_entries e WHERE to_tsvector('simple', e.folded) @@ to_tsquery('simple', :q) "
                 f"AND e.kind IN ({kind_marks})")
        candidates = (f"SELECT e.id AS rid, ts_rank(to_tsvector('simple', e.folded), to_tsquery('simple', :q)) "
                      f"AS score {where} ORDER BY e.id DESC LIMIT :cap1")
    if dialect in ("sqlite", "postgresql"):
        rows = session.execute(text(
            "SELECT e.kind, e.ref_id, e.title, e.body, p.score, p.n FROM ("
            "SELECT rid, score, n FROM ("
            "SELECT rid, score, count(*) OVER () AS n, row_number() OVER (ORDER BY rid DESC) AS rn "
            f"FROM ({candidates}) AS c) AS r "
            "WHERE rn <= :cap ORDER BY score DESC, rid LIMIT :limit OFFSET :offset) AS p "
            "JOIN search_entries e ON e.id = p.rid ORDER BY p.score DESC, e.id"), params).all()
        if rows:
            total = rows[0].n
        else:  # a page past the last match: count them alone
            total = session.execute(text(f"SELECT count(*) FROM (SELECT 1 {where} LIMIT :cap1) AS m"),
                                    params).scalar_one()
        rows = [r[:5] for r in rows]
    else:  # any other SQL database: plain substring matching, unranked
        cond = [DbSearchEntry.folded.contains(t) for t in terms]
        q = select(DbSearchEntry).where(*cond, DbSearchEntry.kind.in_([SearchKind(k) for k in kind_values]))
        total = session.scalar(select(func.count()).select_from(q.subquery()))
        rows = [(e.kind.value, e.ref_id, e.title, e.body, 0.0)
                for e in session.scalars(q.order_by(DbSearchEntry.id).limit(limit).offset(offset))]
    page.total = min(int(total), CANDIDATES)
    page.total_exact = int(total) <= CANDIDATES
    for kind, ref_id, title, body, score in rows:
        snippet, highlights = _snippet(body, terms)
        page.hits.append(SearchHit(kind=SearchKind(kind), ref_id=ref_id, title=title, snippet=snippet,
                                   highlights=highlights, score=float(score or 0.0)))
    return page


__all__ = [
    "fold", "query_terms", "SearchHit", "SearchPage", "ensure_index", "refresh", "index_document",
    "reindex", "rebuild", "search", "CANDIDATES", "MAX_BODY", "WATCHED", "ensure_triggers", "drop_triggers",
]
