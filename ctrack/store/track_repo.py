"""Every query and write of the review and tracking workflow (the store's rule: SQL lives in ``ctrack/store``).

The workflow logic in :mod:`ctrack.track` calls these functions with a
:class:`sqlalchemy.orm.Session` and works on the ORM rows they return; it
never builds a query itself.

Sections: generic access (:func:`model_for`, :func:`get`, :func:`snapshot`),
the audit log (:func:`add_audit`, :func:`audit_entries`), corrections and
review decisions (:func:`move_references`, :func:`reverse_moves`,
:func:`merged_into`), the review queue (:func:`queue_rows`), recommendations
and activities, and document scans for proposals.

Reviewed-only reads: :func:`reviewed_clause` gives the filter for any table
with a ``review_state`` column (``confirmed`` or ``corrected`` rows only), so
reports and exports can be limited to facts a person checked.
"""
from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column, ColumnElement, Index, Select, Table, UniqueConstraint, and_, func, literal, or_, select, true, tuple_,
    update,
)
from sqlalchemy.orm import Session, selectinload

from ctrack.errors import NotFound
from ctrack.schema import ActorKind, RoleType
from ctrack.store.base import Base
from ctrack.store.db import import_models
from ctrack.store.models import (
    DbActor, DbAlias, DbConflict, DbDocument, DbEvent, DbEventRole, DbEventSource, DbMention, DbMergeDecision,
    DbTitle, ReviewState,
)
from ctrack.store.track_models import (
    Action, DbActivity, DbActivityLink, DbAuditEntry, DbFieldCorrection, DbIndicator, DbParty, DbProgressReport,
    DbRecommendation, DbRecStatusChange, DbRecTerm, DbReviewDecision, DbTransfer, DecisionKind, Entity, PartyRole,
    TermScheme,
)

#: ORM class of each entity type.
MODELS: dict[Entity, type] = {
    Entity.ACTOR: DbActor, Entity.EVENT: DbEvent, Entity.EVENT_ROLE: DbEventRole, Entity.PERSON_TITLE: DbTitle,
    Entity.CONFLICT: DbConflict, Entity.DOCUMENT: DbDocument, Entity.RECOMMENDATION: DbRecommendation,
    Entity.ACTIVITY: DbActivity, Entity.INDICATOR: DbIndicator, Entity.PROGRESS: DbProgressReport,
    Entity.DECISION: DbReviewDecision, Entity.TRANSFER: DbTransfer,
}

#: Entity types whose rows carry a ``review_state``.
REVIEWABLE = (Entity.ACTOR, Entity.EVENT, Entity.EVENT_ROLE, Entity.PERSON_TITLE, Entity.CONFLICT,
              Entity.RECOMMENDATION)

REVIEWED = (ReviewState.CONFIRMED, ReviewState.CORRECTED)
#: The table of each reviewable kind of record (keys of ``agg_totals``).
_TABLES = {Entity.ACTOR: "actors", Entity.EVENT: "events", Entity.EVENT_ROLE: "event_roles",
           Entity.PERSON_TITLE: "person_titles", Entity.CONFLICT: "conflicts", Entity.RECOMMENDATION: "recommendations"}

#: Columns left out of snapshots (large or internal).
_SNAPSHOT_SKIP = {"text"}


# --------------------------------------------------------------------------- generic


def model_for(entity: Entity) -> type:
    """The ORM class of ``entity`` (e.g. :class:`DbActor` for ``Entity.ACTOR``)."""
    return MODELS[entity]


def get(session: Session, entity: Entity, row_id: int) -> Any:
    """The row ``entity``/``row_id``. Raises :class:`NotFound` when there is none."""
    row = session.get(MODELS[entity], row_id)
    if row is None:
        raise NotFound(f"no {entity.value} with id {row_id}")
    return row


def load_many(session: Session, entity: Entity, ids: Iterable[int]) -> list[Any]:
    """The rows ``entity`` of ``ids`` (any order, unknown ids left out), read 500 ids a statement. They stay
    in the session's identity map while the caller holds the list, so :func:`get` of one of them reads nothing."""
    model, ids = MODELS[entity], sorted(set(i for i in ids if i is not None))
    return [r for lo in range(0, len(ids), 500)
            for r in session.scalars(select(model).where(model.id.in_(ids[lo:lo + 500])))]


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON: enums as their value, dates as ISO strings, other scalars unchanged."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def snapshot(row: Any, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's column values (or only ``fields``) as a JSON-safe dict; a document's text is left out.

    A recommendation's text is kept (it is the recommendation); a document's
    full text is not (it is stored once in ``documents``).
    """
    names = list(fields) if fields is not None else [
        c.key for c in row.__table__.columns
        if not (c.key in _SNAPSHOT_SKIP and isinstance(row, DbDocument))]
    return {n: jsonable(getattr(row, n)) for n in names}


def reviewed_clause(model: type, reviewed_only: bool = True) -> ColumnElement[bool]:
    """Filter for ``model`` rows: ``confirmed``/``corrected`` only when ``reviewed_only``, else every row not rejected."""
    if reviewed_only:
        return model.review_state.in_(REVIEWED)
    return model.review_state != ReviewState.REJECTED


# --------------------------------------------------------------------------- audit log


def add_audit(session: Session, *, user: str, action: Action, entity: Entity, entity_id: int | None,
              before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
              comment: str | None = None, transfer_id: int | None = None,
              decision_id: int | None = None) -> DbAuditEntry:
    """Append one audit entry (flushed, so it has its id) and return it."""
    entry = DbAuditEntry(user=user, action=action, entity_type=entity, entity_id=entity_id, before=before,
                         after=after, comment=comment, transfer_id=transfer_id, decision_id=decision_id)
    session.add(entry)
    session.flush()
    return entry


def audit_entries(session: Session, entity: Entity | None = None, entity_id: int | None = None, *,
                  since: dt.datetime | None = None, action: Action | None = None,
                  limit: int | None = None) -> list[DbAuditEntry]:
    """Audit entries, oldest first, optionally for one entity type / row, after ``since``, of one ``action``."""
    stmt = select(DbAuditEntry)
    if entity is not None:
        stmt = stmt.where(DbAuditEntry.entity_type == entity)
    if entity_id is not None:
        stmt = stmt.where(DbAuditEntry.entity_id == entity_id)
    if since is not None:
        stmt = stmt.where(DbAuditEntry.at >= since)
    if action is not None:
        stmt = stmt.where(DbAuditEntry.action == action)
    stmt = stmt.order_by(DbAuditEntry.at, DbAuditEntry.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def audit_entries_of_batch(session: Session, batch: str) -> list[DbAuditEntry]:
    """The confirm and reject entries of one bulk decision (``after["batch"] == batch``), oldest first."""
    stmt = (select(DbAuditEntry)
            .where(DbAuditEntry.action.in_([Action.CONFIRM, Action.REJECT]),
                   DbAuditEntry.after["batch"].as_string() == batch)
            .order_by(DbAuditEntry.id))
    return list(session.scalars(stmt))


def audit_entry(session: Session, entry_id: int) -> DbAuditEntry:
    """One audit entry by id. Raises :class:`NotFound`."""
    entry = session.get(DbAuditEntry, entry_id)
    if entry is None:
        raise NotFound(f"no audit entry {entry_id}")
    return entry


def entries_of_decisions(session: Session, decision_ids: Iterable[int]) -> list[DbAuditEntry]:
    """Audit entries that belong to the given review decisions (merge, split, undo), oldest first."""
    ids = list(decision_ids)
    if not ids:
        return []
    return list(session.scalars(select(DbAuditEntry).where(DbAuditEntry.decision_id.in_(ids))
                                .order_by(DbAuditEntry.at, DbAuditEntry.id)))


def transfers_touching(session: Session, record_id: int) -> list[DbTransfer]:
    """Imports and exports whose ``record_ids`` include recommendation ``record_id`` (oldest first)."""
    rows = session.scalars(select(DbTransfer).where(DbTransfer.format.in_(("csv", "xlsx")))
                           .order_by(DbTransfer.at, DbTransfer.id))
    return [t for t in rows if record_id in (t.record_ids or [])]


# --------------------------------------------------------------------------- corrections


def add_correction(session: Session, *, entity: Entity, entity_id: int, field: str, old: Any, new: Any,
                   user: str, comment: str | None) -> DbFieldCorrection:
    """Store that ``field`` of ``entity``/``entity_id`` went from ``old`` to ``new`` (JSON-safe values)."""
    row = DbFieldCorrection(entity_type=entity, entity_id=entity_id, field=field, old_value=jsonable(old),
                            new_value=jsonable(new), user=user, comment=comment)
    session.add(row)
    session.flush()
    return row


def corrections(session: Session, entity: Entity, entity_id: int) -> list[DbFieldCorrection]:
    """The corrections of one row, oldest first."""
    return list(session.scalars(select(DbFieldCorrection).where(
        DbFieldCorrection.entity_type == entity, DbFieldCorrection.entity_id == entity_id)
        .order_by(DbFieldCorrection.at, DbFieldCorrection.id)))


# --------------------------------------------------------------------------- merge / split / undo


def _all_tables() -> list[Table]:
    import_models()
    import ctrack.store.track_models  # noqa: F401  (make sure the track tables are in the metadata)

    return list(Base.metadata.sorted_tables)


def reference_columns(target: Table) -> list[Column]:
    """Every foreign-key column, in any table of the metadata, that points at ``target.id``."""
    cols = []
    for table in _all_tables():
        for fk in table.foreign_keys:
            if fk.column.table is target and fk.column.name == "id":
                cols.append(fk.parent)
    return cols


def _unique_sets(table: Table, column: Column) -> list[list[Column]]:
    sets = [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets += [list(i.columns) for i in table.indexes if isinstance(i, Index) and i.unique]
    return [s for s in sets if any(c.name == column.name for c in s)]


def _collides(session: Session, table: Table, cols: list[Column], row: dict, column: str, value: int) -> bool:
    conds = [table.c.id != row["id"]]
    for c in cols:
        v = value if c.name == column else row[c.name]
        if v is None:
            return False
        conds.append(c == v)
    return session.execute(select(table.c.id).where(*conds).limit(1)).first() is not None


def move_references(session: Session, subject: Entity, old_id: int, new_id: int, *,
                    documents: Sequence[int] | None = None) -> tuple[list[list[Any]], list[list[Any]]]:
    """Re-point every reference to ``subject`` row ``old_id`` at ``new_id``; returns ``(moves, left)``.

    Every foreign key in the database that points at the subject's table is
    followed (roles, mentions, aliases, titles, sources, conflicts, child
    events, affiliations, recommendations, activities …). With
    ``documents``, only rows of tables that have a ``document_id`` and come
    from one of those documents move (a split by source document); the
    resolve log (``merge_decisions.target_id``) of those documents moves too.
    A row that would break a unique constraint (the kept record already has
    the same role, alias or source) stays where it is and is listed in
    ``left`` as ``[table, row_id, column]``. ``moves`` lists
    ``[table, row_id, column, old, new]`` for :func:`reverse_moves`.
    """
    session.flush()
    subject_table = MODELS[subject].__table__
    moves: list[list[Any]] = []
    left: list[list[Any]] = []
    for col in reference_columns(subject_table):
        table = col.table
        where = col == old_id
        if documents is not None:
            if "document_id" not in table.c:
                continue
            where = and_(where, table.c.document_id.in_(list(documents)))
        if table is subject_table:
            where = and_(where, table.c.id.notin_([old_id, new_id]))
        uniques = _unique_sets(table, col)
        for row in session.execute(select(table).where(where).order_by(table.c.id)).mappings().all():
            if any(_collides(session, table, cols, dict(row), col.name, new_id) for cols in uniques):
                left.append([table.name, row["id"], col.name])
                continue
            session.execute(update(table).where(table.c.id == row["id"]).values({col.name: new_id}))
            moves.append([table.name, row["id"], col.name, old_id, new_id])
    if documents is not None:
        md = DbMergeDecision.__table__
        ids = session.scalars(select(md.c.id).where(
            md.c.subject == subject.value, md.c.target_id == old_id, md.c.document_id.in_(list(documents)))).all()
        for rid in ids:
            session.execute(update(md).where(md.c.id == rid).values(target_id=new_id))
            moves.append([md.name, rid, "target_id", old_id, new_id])
    session.expire_all()
    return moves, left


def reverse_moves(session: Session, moves: Sequence[Sequence[Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
    """Undo :func:`move_references`: point each moved row back; returns ``(restored, kept)``.

    A row no longer there, or re-pointed by a later decision, is skipped; a
    row whose return would break a unique constraint (the original record
    has meanwhile got the same role or alias) stays and is listed in ``kept``.
    """
    session.flush()
    tables = {t.name: t for t in _all_tables()}
    restored: list[list[Any]] = []
    kept: list[list[Any]] = []
    for table_name, row_id, column, old, new in reversed(list(moves)):
        table = tables[table_name]
        row = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if row is None or row[column] != new:
            kept.append([table_name, row_id, column])
            continue
        if any(_collides(session, table, cols, dict(row), column, old) for cols in _unique_sets(table, table.c[column])):
            kept.append([table_name, row_id, column])
            continue
        session.execute(update(table).where(table.c.id == row_id).values({column: old}))
        restored.append([table_name, row_id, column, new, old])
    session.expire_all()
    return restored, kept


def add_decision(session: Session, decision: DbReviewDecision) -> DbReviewDecision:
    """Store a review decision (flushed, so it has its id)."""
    session.add(decision)
    session.flush()
    return decision


def decisions_for(session: Session, subject: Entity, row_id: int) -> list[DbReviewDecision]:
    """Merge and split decisions in which ``subject`` row ``row_id`` took part, oldest first."""
    return list(session.scalars(select(DbReviewDecision).where(
        DbReviewDecision.subject == subject,
        or_(DbReviewDecision.kept_id == row_id, DbReviewDecision.other_id == row_id))
        .order_by(DbReviewDecision.at, DbReviewDecision.id)))


def decisions(session: Session) -> list[DbReviewDecision]:
    """Every merge and split decision, oldest first."""
    return list(session.scalars(select(DbReviewDecision).order_by(DbReviewDecision.at, DbReviewDecision.id)))


def merged_into(session: Session, subject: Entity, row_id: int) -> int | None:
    """The row ``row_id`` now stands for after active (not undone) merges, following chains; None if not merged.

    Resolve can call this to attach a re-ingested document's facts to the
    kept record rather than to one a reviewer merged away.
    """
    seen = {row_id}
    current = row_id
    while True:
        target = session.scalar(select(DbReviewDecision.kept_id).where(
            DbReviewDecision.kind == DecisionKind.MERGE, DbReviewDecision.subject == subject,
            DbReviewDecision.other_id == current, DbReviewDecision.undone_at.is_(None))
            .order_by(DbReviewDecision.id.desc()).limit(1))
        if target is None or target in seen:
            return None if current == row_id else current
        seen.add(target)
        current = target


def distinct_decision(session: Session, subject: Entity, low: int, high: int) -> DbReviewDecision | None:
    """The active (not undone) ``distinct`` decision on the pair ``low`` < ``high`` of ``subject`` rows, or None."""
    return session.scalar(select(DbReviewDecision).where(
        DbReviewDecision.kind == DecisionKind.DISTINCT, DbReviewDecision.subject == subject,
        DbReviewDecision.kept_id == low, DbReviewDecision.other_id == high, DbReviewDecision.undone_at.is_(None))
        .order_by(DbReviewDecision.id.desc()).limit(1))


def distinct_pairs(session: Session, subject: Entity) -> set[tuple[int, int]]:
    """Every pair ``(low, high)`` of ``subject`` rows judged not the same by an active ``distinct`` decision."""
    return {(a, b) for a, b in session.execute(select(DbReviewDecision.kept_id, DbReviewDecision.other_id).where(
        DbReviewDecision.kind == DecisionKind.DISTINCT, DbReviewDecision.subject == subject,
        DbReviewDecision.undone_at.is_(None)))}


def recent_decisions(session: Session, limit: int = 20, subject: Entity | None = None,
                     offset: int = 0) -> list[DbReviewDecision]:
    """The ``limit`` latest merge, split and distinct decisions (of ``subject`` rows when given), newest first,
    after skipping the ``offset`` newest."""
    stmt = select(DbReviewDecision)
    if subject is not None:
        stmt = stmt.where(DbReviewDecision.subject == subject)
    return list(session.scalars(stmt.order_by(DbReviewDecision.id.desc()).limit(limit).offset(offset)))


def count_decisions(session: Session, subject: Entity | None = None) -> int:
    """How many merge, split and distinct decisions there are (of ``subject`` rows when given)."""
    stmt = select(func.count()).select_from(DbReviewDecision)
    if subject is not None:
        stmt = stmt.where(DbReviewDecision.subject == subject)
    return session.scalar(stmt) or 0


def canonical_key_free(session: Session, key: str) -> bool:
    """True when no actor has canonical key ``key``."""
    return session.scalar(select(func.count()).where(DbActor.canonical_key == key)) == 0


def source_facts(session: Session, event_id: int, documents: Sequence[int]) -> list[dict[str, Any]]:
    """The per-document facts (``event_sources.facts``) of an event from the given documents."""
    return [s.facts for s in session.scalars(select(DbEventSource).where(
        DbEventSource.event_id == event_id, DbEventSource.document_id.in_(list(documents)))
        .order_by(DbEventSource.id))]


def actor_source_facts(session: Session, actor_id: int, documents: Sequence[int]) -> list[dict[str, Any]]:
    """The per-document facts (``actor_sources.facts``) of an actor from the given documents."""
    from ctrack.store.models import DbActorSource

    return [s.facts for s in session.scalars(select(DbActorSource).where(
        DbActorSource.actor_id == actor_id, DbActorSource.document_id.in_(list(documents)))
        .order_by(DbActorSource.id))]


def documents_of(session: Session, subject: Entity, row_id: int) -> list[int]:
    """Ids of the documents that reported an actor (mentions, sources) or an event (sources)."""
    if subject is Entity.EVENT:
        stmt = select(DbEventSource.document_id).where(DbEventSource.event_id == row_id)
    else:
        from ctrack.store.models import DbActorSource

        stmt = select(DbActorSource.document_id).where(DbActorSource.actor_id == row_id).union(
            select(DbMention.document_id).where(DbMention.actor_id == row_id))
    return sorted(set(session.scalars(stmt)))


def find_role(session: Session, event_id: int, actor_id: int, role: Any) -> DbEventRole | None:
    """The stored (event, actor, role) row, if any (the unique key of ``event_roles``)."""
    return session.scalar(select(DbEventRole).where(DbEventRole.event_id == event_id,
                                                    DbEventRole.actor_id == actor_id, DbEventRole.role == role))


def roles_of_event(session: Session, event_id: int) -> int:
    """How many roles (any review state) event ``event_id`` holds."""
    return int(session.scalar(select(func.count()).select_from(DbEventRole)
                              .where(DbEventRole.event_id == event_id)) or 0)


def added_rows(session: Session, entity: Entity) -> dict[int, bool]:
    """{row id: True when it stands as added, False when its last addition was undone} of every ``entity`` row a
    reviewer added (``add`` audit entries; an undo of one has ``before.entry`` = the add's entry), one read each."""
    adds = {e.id: e.entity_id for e in session.scalars(
        select(DbAuditEntry).where(DbAuditEntry.entity_type == entity, DbAuditEntry.action == Action.ADD))}
    if not adds:
        return {}
    undone = {e.before.get("entry") for e in session.scalars(
        select(DbAuditEntry).where(DbAuditEntry.entity_type == entity, DbAuditEntry.action == Action.UNDO,
                                   DbAuditEntry.entity_id.in_(sorted(set(adds.values())))))
        if e.before}
    out: dict[int, bool] = {}
    for entry_id in sorted(adds):  # the latest addition of a row decides
        out[adds[entry_id]] = entry_id not in undone
    return out


def mentions_of(session: Session, *, event_id: int | None = None, event_role_id: int | None = None) -> list[DbMention]:
    """The evidence mentions of an event or of a role, in id order."""
    stmt = select(DbMention)
    stmt = stmt.where(DbMention.event_id == event_id) if event_id is not None else \
        stmt.where(DbMention.event_role_id == event_role_id)
    return list(session.scalars(stmt.order_by(DbMention.id)))


# --------------------------------------------------------------------------- review queue


def find_document(session: Session, ref: str | int) -> DbDocument:
    """A document by id or by ``doc_key`` (the file stem; the newest one if several). Raises :class:`NotFound`."""
    text = str(ref).strip()
    row = None
    if text.isdigit():
        row = session.get(DbDocument, int(text))
    if row is None:
        row = session.scalar(select(DbDocument).where(DbDocument.doc_key == text)
                             .order_by(DbDocument.id.desc()).limit(1))
    if row is None:
        raise NotFound(f"no document with id or name {text!r}")
    return row


def _actors_of_state(iso3: str):
    """``SELECT id FROM actors WHERE iso3 = :iso3`` (a member state and the persons and bodies of it)."""
    return select(DbActor.id).where(DbActor.iso3 == iso3)


def _events_of_state(iso3: str):
    """Events held in ``iso3`` or in which an actor of ``iso3`` has a role."""
    return select(DbEvent.id).where(or_(
        DbEvent.country == iso3,
        DbEvent.id.in_(select(DbEventRole.event_id).where(DbEventRole.actor_id.in_(_actors_of_state(iso3))))))


def _per_row(read: Select) -> ColumnElement[bool]:
    """``EXISTS (read OFFSET 0)``: a correlated test that PostgreSQL runs for each row the outer read reaches.

    Without the ``OFFSET`` PostgreSQL turns an ``EXISTS`` into a semi-join and, for the queue's briefing
    tests, chose to build it over every role of every event (a hash of 5.5 million roles for one page of
    actors at 1,000,000 events: 18.7 s for ``/review/queue?offset=5000``) although the page reads the actors
    in index order and stops after ``offset`` + 51 of them; a subquery with an ``OFFSET`` is never pulled
    up (PostgreSQL's ``simplify_EXISTS_query``; ``LIMIT 1`` is not enough, it is dropped there). SQLite
    runs an ``EXISTS`` per row either way."""
    return read.offset(0).exists()


def _briefed_event(ev) -> ColumnElement[bool]:
    """Condition on the events row ``ev`` (``DbEvent`` or an alias): a briefing pack shows it. Not rejected,
    and engaging some member state (the rule of :mod:`ctrack.service.engagements`: held in a state, or a
    role, not rejected, held by a state, a body or person of a state, or one affiliated to those, up to two
    steps). Correlated (``EXISTS`` over the event's own roles, fenced by :func:`_per_row`), so that a page of
    the queue tests the rows it reads instead of collecting every briefed event first."""
    from sqlalchemy import literal
    from sqlalchemy.orm import aliased

    role, actor, first, second = (aliased(DbEventRole), aliased(DbActor), aliased(DbActor), aliased(DbActor))
    engaged = _per_row(select(literal(1)).select_from(role).join(actor, actor.id == role.actor_id)
               .outerjoin(first, first.id == actor.affiliation_id)
               .outerjoin(second, second.id == first.affiliation_id)
               .where(role.event_id == ev.id, role.review_state != ReviewState.REJECTED,
                      or_(actor.iso3.is_not(None), first.iso3.is_not(None), second.iso3.is_not(None))))
    return and_(ev.review_state != ReviewState.REJECTED, or_(ev.country.is_not(None), engaged))


def _briefed_actor(actor_id) -> ColumnElement[bool]:
    """Condition: the actor ``actor_id`` (a column) holds a role, not rejected, in a briefed event."""
    from sqlalchemy import literal
    from sqlalchemy.orm import aliased

    role, ev = aliased(DbEventRole), aliased(DbEvent)
    return _per_row(select(literal(1)).select_from(role).join(ev, ev.id == role.event_id)
                    .where(role.actor_id == actor_id, role.review_state != ReviewState.REJECTED, _briefed_event(ev)))


def _briefed_actor_kept(actor_id) -> ColumnElement[bool]:
    """Condition: the actor ``actor_id`` (a column) holds a role, not rejected, in a briefed event, read from
    the aggregates (``agg_actors.briefed``, :mod:`ctrack.store.aggregates`; valid when they are fresh). A plain
    ``EXISTS`` on the key: PostgreSQL merges the actors' index with ``agg_actors``' in id order, SQLite looks
    each row up; either way one index read per row instead of :func:`_briefed_actor`'s roles and events."""
    from sqlalchemy import literal

    from ctrack.store.web_models import DbAggActor

    return select(literal(1)).where(DbAggActor.actor_id == actor_id, DbAggActor.briefed > 0).exists()


def _briefed_event_id(event_id) -> ColumnElement[bool]:
    """Condition: the event ``event_id`` (a column) is briefed."""
    from sqlalchemy import literal
    from sqlalchemy.orm import aliased

    ev = aliased(DbEvent)
    return _per_row(select(literal(1)).select_from(ev).where(ev.id == event_id, _briefed_event(ev)))


@functools.cache
def _briefed(kept: bool = False) -> dict[Entity, Any]:
    """Per kind of reviewed record, the condition "a briefing pack would show this fact": a briefed event
    (:func:`_briefed_event`), a role in one, an actor holding such a role, a title of such a person, a conflict
    on such an event or actor, a recommendation to a member state (its state's pack lists it). ``kept``: the
    aggregates are fresh (:func:`ctrack.store.aggregates.fresh`), so the actors' test reads their count
    (:func:`_briefed_actor_kept`, the same facts). Built once per ``kept`` (the aliases of these expressions
    took 0.3 s to build per page, and new aliases defeat the statement cache)."""
    actor = _briefed_actor_kept if kept else _briefed_actor
    return {
        Entity.ACTOR: actor(DbActor.id),
        Entity.EVENT: _briefed_event(DbEvent),
        Entity.EVENT_ROLE: _briefed_event_id(DbEventRole.event_id),
        Entity.PERSON_TITLE: actor(DbTitle.person_id),
        Entity.CONFLICT: or_(_briefed_event_id(DbConflict.event_id), actor(DbConflict.actor_id)),
        Entity.RECOMMENDATION: DbRecommendation.state.is_not(None),
    }


def _queue_parts(document_id: int | None = None, actor_id: int | None = None, iso3: str | None = None,
                 kinds: Sequence[Entity] | None = None, min_confidence: float | None = None,
                 max_confidence: float | None = None) -> list[tuple[Entity, type, tuple, Any]]:
    """The (entity, model, conditions, confidence column) reads that make up the review queue.

    Every filter given narrows every kind of record (they combine with AND);
    a kind the filter cannot apply to drops out (a recommendation has no
    actor; only events and roles carry an extraction confidence, so a
    confidence band leaves the other kinds out). The confidence column is
    ``NULL`` for kinds that have none.
    """
    from sqlalchemy import Float, cast, false, null

    from ctrack.store.models import DbActorSource

    parts: dict[Entity, list] = {entity: [] for entity in REVIEWABLE if kinds is None or entity in kinds}
    if document_id is not None:
        by_doc = {
            Entity.ACTOR: or_(
                DbActor.id.in_(select(DbMention.actor_id).where(DbMention.document_id == document_id)),
                DbActor.id.in_(select(DbActorSource.actor_id).where(DbActorSource.document_id == document_id))),
            Entity.EVENT: DbEvent.id.in_(
                select(DbEventSource.event_id).where(DbEventSource.document_id == document_id)),
            Entity.EVENT_ROLE: or_(
                DbEventRole.document_id == document_id,
                DbEventRole.id.in_(select(DbMention.event_role_id).where(DbMention.document_id == document_id))),
            Entity.PERSON_TITLE: DbTitle.document_id == document_id,
            Entity.CONFLICT: DbConflict.document_id == document_id,
            Entity.RECOMMENDATION: DbRecommendation.source_document_id == document_id,
        }
        for entity, conds in parts.items():
            conds.append(by_doc[entity])
    if actor_id is not None:
        by_actor = {
            Entity.ACTOR: DbActor.id == actor_id,
            Entity.EVENT: DbEvent.id.in_(select(DbEventRole.event_id).where(DbEventRole.actor_id == actor_id)),
            Entity.EVENT_ROLE: DbEventRole.actor_id == actor_id,
            Entity.PERSON_TITLE: DbTitle.person_id == actor_id,
            Entity.CONFLICT: DbConflict.actor_id == actor_id,
        }
        for entity, conds in parts.items():
            conds.append(by_actor.get(entity, false()))
    if iso3 is not None:
        by_state = {
            Entity.ACTOR: DbActor.iso3 == iso3,
            Entity.EVENT: DbEvent.id.in_(_events_of_state(iso3)),
            Entity.EVENT_ROLE: or_(DbEventRole.actor_id.in_(_actors_of_state(iso3)),
                                   DbEventRole.event_id.in_(select(DbEvent.id).where(DbEvent.country == iso3))),
            Entity.PERSON_TITLE: or_(DbTitle.person_id.in_(_actors_of_state(iso3)),
                                     DbTitle.affiliation_id.in_(_actors_of_state(iso3))),
            Entity.CONFLICT: or_(DbConflict.actor_id.in_(_actors_of_state(iso3)),
                                 DbConflict.event_id.in_(select(DbEvent.id).where(DbEvent.country == iso3))),
            Entity.RECOMMENDATION: DbRecommendation.state == iso3,
        }
        for entity, conds in parts.items():
            conds.append(by_state[entity])
    out = []
    for entity, conds in parts.items():
        model = MODELS[entity]
        conf = getattr(model, "confidence", None)
        if min_confidence is not None or max_confidence is not None:
            if conf is None:
                continue
            if min_confidence is not None:
                conds.append(conf >= min_confidence)
            if max_confidence is not None:
                conds.append(conf <= max_confidence)
        out.append((entity, model, tuple(conds) or (true(),), conf if conf is not None else cast(null(), Float)))
    return out


#: Counting the review queue stops past this many facts (:func:`count_queue`): an exact ``COUNT`` of every
#: proposed role read the whole table (86 ms for 550,000 roles at 100,000 events, on SQLite).
QUEUE_COUNT_CAP = 10_000

#: The queue's groups, in order: (0 = briefing fact / 1 = other, 0 = scored / 1 = no confidence).
_GROUPS = ((0, 0), (0, 1), (1, 0), (1, 1))


def _queue_arm(entity: Entity, model: type, where: tuple, conf: Any, states: Sequence[ReviewState], group: tuple,
               briefed: ColumnElement[bool], after: tuple | None):
    """The read of one kind of fact within one queue group, in queue order (confidence then id, or id), from
    the cursor key ``after`` on; None when that kind has no row in the group or past the cursor.

    Each arm is an index range in order (``(review_state, confidence, id)`` or ``(review_state, id)``,
    migration 0011), the briefing condition a correlated test of the rows read, so a page reads about as many
    rows as it shows (plus ``offset``)."""
    from sqlalchemy import not_, null

    b, cnull = group
    scored = getattr(model, "confidence", None) is not None
    if cnull == 0 and not scored:
        return None
    conds = [model.review_state.in_(list(states)), *where, briefed if b == 0 else not_(briefed)]
    k = REVIEWABLE.index(entity)
    if cnull == 0:
        conds.append(conf.is_not(None))
        order = (conf, model.id)
    else:
        if scored:
            conds.append(conf.is_(None))
        order = (model.id,)
    if after is not None and tuple(after[:2]) == group:
        _b, _cn, ac, ak, aid = after
        if cnull == 0:
            # the row value (confidence, id) past the cursor's: an index range, where the OR of
            # 'conf > ac OR (conf = ac AND id > aid)' is a filter over the index read from its start
            conds.append(conf >= ac if k > ak else conf > ac if k < ak
                         else tuple_(conf, model.id) > tuple_(literal(ac, type_=conf.type),
                                                              literal(aid, type_=model.id.type)))
        elif k < ak:
            return None
        elif k == ak:
            conds.append(model.id > aid)
    return select(model.id, conf if cnull == 0 else null()).where(*conds).order_by(*order)


def _queue_keys(session: Session, parts: list, states: Sequence[ReviewState], limit: int | None, offset: int,
                after: tuple | None) -> list[tuple]:
    """The queue keys ``(b, cnull, confidence, kind, id)`` of one page (``limit`` + 1 of them when there is a
    next page), group after group: briefing facts before the others, scored before unscored; within a group
    by confidence, kind (its place in :data:`REVIEWABLE`) and id. A group is read only when the ones before
    it did not fill the page, so the others (read by a ``NOT EXISTS`` test of every row) cost only at the
    end of the queue. In an unscored group the kinds follow one another; in a scored one (events, roles)
    their reads are merged. ``offset`` rows are skipped (by ``OFFSET`` within a kind, counted when it passes
    a whole kind; a scored group's reads take ``offset`` + page rows each); ``after`` (a key) starts after
    that row instead, at the cost of a first page."""
    want = None if limit is None else limit + 1
    skip = 0 if after is not None else offset
    from ctrack.store import aggregates

    briefed = _briefed(aggregates.kept(session) and aggregates.fresh(session))
    out: list[tuple] = []
    for group in _GROUPS:
        if after is not None and group < tuple(after[:2]):
            continue
        arms = []
        for entity, model, where, conf in parts:
            stmt = _queue_arm(entity, model, where, conf, states, group, briefed[entity], after)
            if stmt is not None:
                arms.append((REVIEWABLE.index(entity), stmt))
        b, cnull = group
        if cnull == 1:
            for k, stmt in sorted(arms, key=lambda a: a[0]):
                page = stmt.offset(skip) if want is None else stmt.offset(skip).limit(want - len(out))
                got = [(b, 1, None, k, i) for i, _c in session.execute(page)]
                if got:
                    skip = 0
                elif skip:  # the offset passes this whole kind: how many rows did it pass?
                    skip -= session.scalar(select(func.count()).select_from(stmt.limit(skip).subquery())) or 0
                out += got
                if want is not None and len(out) >= want:
                    return out[:want]
        else:
            need = None if want is None else skip + want - len(out)
            reads = [[(b, 0, c, k, i) for i, c in session.execute(stmt if need is None else stmt.limit(need))]
                     for k, stmt in arms]
            merged = sorted((key for read in reads for key in read), key=lambda t: (t[2], t[3], t[4]))
            if need is not None:
                merged = merged[:need]  # exact: an arm not read to its end gave need rows
            out += merged[skip:]
            skip = max(0, skip - len(merged))
            if want is not None and len(out) >= want:
                return out[:want]
    return out


def queue_page(session: Session, *, document_id: int | None = None, actor_id: int | None = None,
               iso3: str | None = None, kinds: Sequence[Entity] | None = None,
               min_confidence: float | None = None, max_confidence: float | None = None,
               states: Sequence[ReviewState] = (ReviewState.PROPOSED,), limit: int | None = None,
               offset: int = 0, after: str | None = None,
               flags: dict[tuple[Entity, int], bool] | None = None) -> tuple[list[tuple[Entity, Any]], str | None]:
    """One page of the rows waiting for review, as ``(entity, row)`` pairs, briefing facts first, then least
    certain first; and the next page's keyset cursor (None on the last page).

    Order: facts a briefing pack would show (:func:`_briefed`: events that
    engage a member state, their roles and actors, those persons' titles,
    conflicts on them, recommendations to a state) before the others (issue
    11: "facts that a briefing pack would show come first"); within each,
    extraction confidence (``confidence``, 0-1) ascending, facts without one
    (kinds that carry none, or never scored) last, then kind of record and
    id, so the order is stable. ``flags`` (a dict, when given) receives
    ``{(entity, id): True/False}``: whether each fact is a briefing fact. Filters (combined with AND):
    ``document_id`` (the actors it mentions, its events, the roles and titles
    it gave, its conflicts and the recommendations proposed from it),
    ``actor_id`` (the actor, its roles and their events, its titles and
    conflicts), ``iso3`` (a member state: actors of it, events in it or with
    it in a role, roles and titles of its actors, recommendations to it),
    ``kinds`` and the confidence band ``min_confidence``–``max_confidence``
    (inclusive; only scored facts). ``limit`` (None: all) and ``offset`` or
    ``after`` (a cursor this function returned: keyset, a deep page costs what
    the first does) page the queue in SQL, by index reads in queue order
    (:func:`_queue_keys`), then only the rows of that page are read. Raises
    ValueError for a cursor that is not one of the queue's.
    """
    from ctrack.store.cursor import decode_cursor, encode_cursor

    parts = _queue_parts(document_id, actor_id, iso3, kinds, min_confidence, max_confidence)
    if not parts:
        return [], None
    key = None
    if after is not None:
        key = tuple(decode_cursor(after, 5))
        if key[:2] not in _GROUPS or not isinstance(key[3], int) or not isinstance(key[4], int) \
                or not 0 <= key[3] < len(REVIEWABLE) or (key[1] == 0) != isinstance(key[2], (int, float)):
            raise ValueError("not a cursor of the review queue")
    found = _queue_keys(session, parts, states, limit, offset, key)
    cursor = None
    if limit is not None and len(found) > limit:
        found = found[:limit]
        cursor = encode_cursor(list(found[-1]))
    entity_of = {REVIEWABLE.index(e): (e, m) for e, m, _w, _c in parts}
    if flags is not None:
        flags.update({(entity_of[k][0], i): b == 0 for b, _cn, _c, k, i in found})
    rows: dict[tuple[int, int], Any] = {}
    for k, (_entity, model) in entity_of.items():
        ids = [i for _b, _cn, _c, kk, i in found if kk == k]
        if ids:
            rows.update(((k, r.id), r) for r in session.scalars(select(model).where(model.id.in_(ids))))
    return [(entity_of[k][0], rows[(k, i)]) for _b, _cn, _c, k, i in found if (k, i) in rows], cursor


def queue_rows(session: Session, *, limit: int | None = None, offset: int = 0,
               flags: dict[tuple[Entity, int], bool] | None = None, **filters: Any) -> list[tuple[Entity, Any]]:
    """The rows of :func:`queue_page` (same filters and order), without the cursor; ``limit`` None: all."""
    return queue_page(session, limit=limit, offset=offset, flags=flags, **filters)[0]


def count_queue(session: Session, *, document_id: int | None = None, actor_id: int | None = None,
                iso3: str | None = None, kinds: Sequence[Entity] | None = None,
                min_confidence: float | None = None, max_confidence: float | None = None,
                states: Sequence[ReviewState] = (ReviewState.PROPOSED,), cap: int | None = None) -> int:
    """How many rows :func:`queue_rows` would give, same filters (one ``COUNT`` per kind of record; without
    filters, one read of the totals kept by triggers: :func:`ctrack.store.aggregates.rows_in_states`).

    With ``cap``, counting stops once more than ``cap`` rows are found and the answer is then ``cap + 1``
    ("more than ``cap``"): each kind's count reads at most the rows still missing (``LIMIT``), so the cost is
    bounded whatever the size of the queue."""
    from ctrack.store import aggregates

    if (document_id is None and actor_id is None and iso3 is None and min_confidence is None
            and max_confidence is None and aggregates.kept(session)):
        t = aggregates.totals(session)
        wanted = {ReviewState(s).value for s in states}
        exact = sum(n for entity in REVIEWABLE if kinds is None or entity in kinds
                    for key, n in t.get(_TABLES[entity], {}).items() if key.rsplit("|", 1)[-1] in wanted)
        return cap + 1 if cap is not None and exact > cap else exact
    total = 0
    for _, model, where, _conf in _queue_parts(document_id, actor_id, iso3, kinds, min_confidence,
                                               max_confidence):
        conds = (model.review_state.in_(list(states)), *where)
        if cap is None:
            total += session.scalar(select(func.count()).select_from(model).where(*conds)) or 0
            continue
        rows = select(model.id).where(*conds).limit(cap + 1 - total).subquery()
        total += session.scalar(select(func.count()).select_from(rows)) or 0
        if total > cap:
            return cap + 1
    return total


def _evidence_read(entity: Entity, row: Any, document_id: int | None, own: bool) -> tuple[str, dict] | None:
    """The mentions read for one fact (see :func:`evidence_of`): ``(condition, parameters)`` on the
    ``mentions`` table, or None when the fact has no evidence of this kind. ``own``: a role's own evidence
    (all of it: the caller keeps the document's part), else the actor's mentions in the role's document."""
    if entity is Entity.ACTOR:
        cond, value = "actor_id", row.id
    elif entity is Entity.EVENT:
        cond, value = "event_id", row.id
    elif entity is Entity.EVENT_ROLE and own:
        return "event_role_id = :v", {"v": row.id}
    elif entity is Entity.EVENT_ROLE:
        cond, value = "actor_id", row.actor_id
        document_id = document_id or row.document_id
    elif entity is Entity.PERSON_TITLE:
        cond, value = "actor_id", row.person_id
        document_id = row.document_id
    elif entity is Entity.CONFLICT:
        cond, value = ("actor_id", row.actor_id) if row.actor_id else ("event_id", row.event_id)
        document_id = row.document_id
    else:
        return None
    if document_id is None:
        return f"{cond} = :v", {"v": value}
    return f"{cond} = :v AND document_id = :d", {"v": value, "d": document_id}


def evidence_of(session: Session, facts: Sequence[tuple[Entity, Any]], document_id: int | None = None,
                limit: int | None = None) -> tuple[list[list[Any]], list[int]]:
    """The mentions that support each fact of ``facts`` (``(entity, row)`` pairs), as rows with ``id``,
    ``document_id``, ``start``, ``end``, ``text`` and ``rule``, in reading order (a role's own evidence in
    the order it was read), limited to one document when given and to the first ``limit`` of each fact
    when given; and how many mentions support each fact in all (counted in the same statement when
    ``limit`` cuts the read).

    Actor: its mentions; event: its evidence; role: the role's evidence, else
    the actor's mentions in the role's document; title: the person's mentions
    in the title's document; conflict: mentions of its actor or event in the
    conflict's document. One statement for a page of facts (two when some
    roles have no evidence of their own): a ``UNION ALL`` of one index range
    per fact (``ix_mentions_actor_doc``, ``ix_mentions_event_doc``: reading
    order, so a popular actor's first mentions are read without the rest),
    instead of one read per fact (0.4 s a card at 100,000 documents, when
    SQLite planned that read through the ``document_id`` index). Written as
    SQL text: building 50 subqueries as SQLAlchemy constructs cost more than
    running them. On PostgreSQL one arm per shape of read, over arrays of the
    facts' keys (``LATERAL``), so that planning does not grow with the page.
    """
    from sqlalchemy import text

    out: list[list[Any]] = [[] for _ in facts]
    counted: dict[int, int] = {}

    def run(reads: list[tuple[int, tuple[str, dict], str]]) -> None:
        if session.get_bind().dialect.name == "postgresql":
            return run_lateral(reads)
        for lo in range(0, len(reads), 200):  # SQLite allows 500 terms in one compound select
            arms, params = [], {}
            for n, (cond, values), order in reads[lo:lo + 200]:
                cond = cond.replace(":v", f":v{n}").replace(":d", f":d{n}")
                params.update({f"{k}{n}": v for k, v in values.items()})
                cut = f" LIMIT {int(limit)}" if limit is not None else ""
                total = f"(SELECT count(*) FROM mentions WHERE {cond})" if limit is not None else "0"
                arms.append(f'SELECT {n} AS n, id, document_id, start, "end", text, rule, {total} AS total FROM '
                            f'(SELECT id, document_id, start, "end", text, rule FROM mentions WHERE {cond} '
                            f'ORDER BY {order}{cut}) AS m{n}')
            for row in session.execute(text(" UNION ALL ".join(arms)), params):
                out[row.n].append(row)
                counted[row.n] = row.total

    def run_lateral(reads: list[tuple[int, tuple[str, dict], str]]) -> None:
        # PostgreSQL: one arm per shape of read (column, document or not, order), its facts an unnest of
        # arrays joined LATERAL to their index range: planning the UNION of 50 arms and their 50 counts took
        # 10-30 ms of a queue page at 1,000,000 events, their execution 2 ms (EXPLAIN ANALYZE)
        shapes: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        for n, (cond, values), order in reads:
            shapes.setdefault((cond, order), []).append((n, values))
        arms, params = [], {}
        for g, ((cond, order), group) in enumerate(sorted(shapes.items())):
            cols = ["n"] + [k for k in ("v", "d") if f":{k}" in cond]
            for k in cols:
                values = [n if k == "n" else vals[k] for n, vals in group]
                params[f"{k}{g}"] = "{" + ",".join(str(int(v)) for v in values) + "}"
            where = cond.replace(":v", "f.v").replace(":d", "f.d")
            cut = f" LIMIT {int(limit)}" if limit is not None else ""
            total = f"(SELECT count(*) FROM mentions WHERE {where})" if limit is not None else "0"
            arrays = ", ".join(f"CAST(:{k}{g} AS INTEGER[])" for k in cols)
            arms.append(f'SELECT f.n, m.id, m.document_id, m.start, m."end", m.text, m.rule, {total} AS total '
                        f'FROM unnest({arrays}) AS f({", ".join(cols)}) CROSS JOIN LATERAL '
                        f'(SELECT id, document_id, start, "end", text, rule FROM mentions WHERE {where} '
                        f'ORDER BY {order}{cut}) AS m')
        for row in session.execute(text(" UNION ALL ".join(arms)), params):
            out[row.n].append(row)
            counted[row.n] = row.total

    first = [(n, r, "id" if e is Entity.EVENT_ROLE else "document_id, start") for n, (e, row) in enumerate(facts)
             if (r := _evidence_read(e, row, document_id, own=True)) is not None]
    if first:
        run(first)
    # a role without evidence of its own: the actor's mentions in the role's document
    fallback = [(n, r, "document_id, start") for n, (e, row) in enumerate(facts)
                if e is Entity.EVENT_ROLE and not out[n]
                and (r := _evidence_read(e, row, document_id, own=False)) is not None]
    own_roles = {n for n, (e, _row) in enumerate(facts) if e is Entity.EVENT_ROLE and out[n]}
    if fallback:
        run(fallback)
    for n, (e, _row) in enumerate(facts):
        if n in own_roles:
            out[n] = sorted((m for m in out[n] if document_id is None or m.document_id == document_id),
                            key=lambda m: m.id)
        else:
            out[n].sort(key=lambda m: (m.document_id, m.start, m.id))
    # read whole (no limit), a fact's list is its count (a role's own evidence cut to the document here)
    totals = [len(out[n]) if limit is None else counted.get(n, 0) for n in range(len(facts))]
    return out, totals


def evidence(session: Session, entity: Entity, row: Any, document_id: int | None = None) -> list[Any]:
    """The mentions that support one fact (:func:`evidence_of` for one)."""
    return evidence_of(session, [(entity, row)], document_id)[0][0]


def actor_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """``{actor id: "name (acronym)"}`` for labels."""
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    rows = session.execute(select(DbActor.id, DbActor.name, DbActor.acronym).where(DbActor.id.in_(ids)))
    return {i: f"{n} ({a})" if a else n for i, n, a in rows}


# --------------------------------------------------------------------------- recommendations


def _rec_options():
    return (selectinload(DbRecommendation.terms), selectinload(DbRecommendation.parties),
            selectinload(DbRecommendation.history), selectinload(DbRecommendation.indicators))


def get_recommendation(session: Session, rec_id: int) -> DbRecommendation:
    """Recommendation ``rec_id`` with its terms, parties, history and indicators. Raises :class:`NotFound`."""
    row = session.scalar(select(DbRecommendation).where(DbRecommendation.id == rec_id).options(*_rec_options()))
    if row is None:
        raise NotFound(f"no recommendation with id {rec_id}")
    return row


def recommendations(session: Session, *, states: Sequence[str] | None = None, theme: str | None = None,
                    status: Sequence[Any] | None = None, partner: str | None = None,
                    reviewed_only: bool = True, review_states: Sequence[ReviewState] | None = None,
                    ids: Sequence[int] | None = None) -> list[DbRecommendation]:
    """Recommendations (with terms, parties, history, indicators loaded), ordered by state then id.

    ``states``: ISO3 codes; ``theme``: a theme code; ``status``: current
    statuses; ``partner``: a case-insensitive substring of a partner's or
    lead institution's name. ``reviewed_only`` (default) keeps the reviewed
    rows (imported, confirmed or corrected); False adds the proposals waiting
    for review; ``review_states`` picks the states exactly, e.g.
    ``(ReviewState.PROPOSED,)``. Rejected rows only come with ``review_states``.
    """
    if review_states is None:
        review_states = REVIEWED if reviewed_only else (ReviewState.PROPOSED, *REVIEWED)
    stmt = select(DbRecommendation).where(DbRecommendation.review_state.in_(list(review_states)))
    if states:
        stmt = stmt.where(DbRecommendation.state.in_(list(states)))
    if theme:
        stmt = stmt.where(DbRecommendation.id.in_(select(DbRecTerm.recommendation_id).where(
            DbRecTerm.scheme == TermScheme.THEME, DbRecTerm.code == theme)))
    if status:
        stmt = stmt.where(DbRecommendation.status.in_(list(status)))
    if partner:
        stmt = stmt.where(DbRecommendation.id.in_(select(DbParty.recommendation_id).where(
            func.lower(DbParty.name).contains(partner.lower()))))
    if ids is not None:
        stmt = stmt.where(DbRecommendation.id.in_(list(ids)))
    stmt = stmt.order_by(DbRecommendation.state, DbRecommendation.id).options(*_rec_options())
    return list(session.scalars(stmt))


def recommendations_with_text(session: Session, state: str | None, text: str) -> list[DbRecommendation]:
    """Recommendations (not rejected) of ``state`` whose text equals ``text`` ignoring case and spacing."""
    want = " ".join(text.split()).casefold()
    rows = session.scalars(select(DbRecommendation).where(
        DbRecommendation.state.is_(None) if state is None else DbRecommendation.state == state,
        DbRecommendation.review_state != ReviewState.REJECTED))
    return [r for r in rows if " ".join(r.text.split()).casefold() == want]


def add_row(session: Session, row: Any) -> Any:
    """Add any new ORM row, flush (so it has its id) and return it."""
    session.add(row)
    session.flush()
    return row


def set_terms(session: Session, rec: DbRecommendation, scheme: TermScheme, codes: Sequence[str]) -> None:
    """Replace the ``scheme`` terms of ``rec`` with ``codes`` (order kept, duplicates dropped)."""
    for term in [t for t in rec.terms if t.scheme is scheme]:
        rec.terms.remove(term)
    session.flush()
    for code in dict.fromkeys(codes):
        rec.terms.append(DbRecTerm(scheme=scheme, code=code))
    session.flush()


def set_parties(session: Session, owner: DbRecommendation | DbActivity, role: PartyRole, names: Sequence[str]) -> None:
    """Replace the ``role`` parties of a recommendation or activity with ``names`` (matched to actors when known)."""
    for party in [p for p in owner.parties if p.role is role]:
        owner.parties.remove(party)
    session.flush()
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        owner.parties.append(DbParty(role=role, name=name, actor_id=match_actor_id(session, name)))
    session.flush()


def match_actor_id(session: Session, name: str) -> int | None:
    """The id of the organization or state a party name stands for (acronym, name, alias or ISO3), or None."""
    from ctrack.resolve.actors import normalize

    q = name.strip()
    live = DbActor.review_state != ReviewState.REJECTED
    orgs = DbActor.kind != ActorKind.PERSON
    for cond in (func.upper(DbActor.acronym) == q.upper(), func.lower(DbActor.name) == q.lower(),
                 and_(DbActor.kind == ActorKind.MEMBER_STATE, DbActor.iso3 == q.upper())):
        hit = session.scalar(select(DbActor.id).where(cond, live, orgs).order_by(DbActor.id).limit(1))
        if hit is not None:
            return hit
    norm = normalize(q)
    if norm:
        return session.scalar(select(DbAlias.actor_id).join(DbActor).where(
            DbAlias.normalized == norm, live, orgs).order_by(DbAlias.actor_id).limit(1))
    return None


def add_status_change(session: Session, rec: DbRecommendation, change: DbRecStatusChange) -> None:
    """Append a dated status to ``rec`` and set ``rec.status`` to the status of the latest day."""
    rec.history.append(change)
    session.flush()
    latest = max(rec.history, key=lambda h: (h.day, h.id))
    rec.status = latest.status
    session.flush()


def get_activity(session: Session, activity_id: int) -> DbActivity:
    """Activity ``activity_id`` with parties, links, reports and indicators. Raises :class:`NotFound`."""
    row = session.scalar(select(DbActivity).where(DbActivity.id == activity_id).options(
        selectinload(DbActivity.parties), selectinload(DbActivity.links), selectinload(DbActivity.reports),
        selectinload(DbActivity.indicators)))
    if row is None:
        raise NotFound(f"no activity with id {activity_id}")
    return row


def activities(session: Session, *, recommendation_ids: Sequence[int] | None = None,
               event_id: int | None = None) -> list[DbActivity]:
    """Activities (with parties, links, reports, indicators), optionally those serving some recommendations or being one event."""
    stmt = select(DbActivity)
    if recommendation_ids is not None:
        stmt = stmt.where(DbActivity.id.in_(select(DbActivityLink.activity_id).where(
            DbActivityLink.recommendation_id.in_(list(recommendation_ids)))))
    if event_id is not None:
        stmt = stmt.where(DbActivity.event_id == event_id)
    stmt = stmt.order_by(DbActivity.id).options(
        selectinload(DbActivity.parties), selectinload(DbActivity.links), selectinload(DbActivity.reports),
        selectinload(DbActivity.indicators))
    return list(session.scalars(stmt))


def link(session: Session, activity_id: int, rec_id: int) -> DbActivityLink | None:
    """Link an activity to a recommendation; returns the new link, or None when they were already linked."""
    exists = session.scalar(select(DbActivityLink).where(
        DbActivityLink.activity_id == activity_id, DbActivityLink.recommendation_id == rec_id))
    if exists is not None:
        return None
    return add_row(session, DbActivityLink(activity_id=activity_id, recommendation_id=rec_id))


def unlink(session: Session, activity_id: int, rec_id: int) -> bool:
    """Remove the link between an activity and a recommendation; True when there was one."""
    row = session.scalar(select(DbActivityLink).where(
        DbActivityLink.activity_id == activity_id, DbActivityLink.recommendation_id == rec_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def indicators(session: Session) -> list[DbIndicator]:
    """Every indicator (of recommendations and of activities), by id."""
    return list(session.scalars(select(DbIndicator).order_by(DbIndicator.id)))


def event(session: Session, event_id: int) -> DbEvent:
    """Knowledge-base event ``event_id``. Raises :class:`NotFound`."""
    return get(session, Entity.EVENT, event_id)


def events_of_activities(session: Session, event_ids: Iterable[int]) -> dict[int, DbEvent]:
    """``{event id: event}`` for the events activities are."""
    ids = [i for i in set(event_ids) if i is not None]
    if not ids:
        return {}
    return {e.id: e for e in session.scalars(select(DbEvent).where(DbEvent.id.in_(ids)))}


# --------------------------------------------------------------------------- documents (proposals)


def documents(session: Session, ids: Sequence[int] | None = None) -> list[DbDocument]:
    """Stored documents (all, or those with the given ids), by id."""
    stmt = select(DbDocument).order_by(DbDocument.id)
    if ids is not None:
        stmt = stmt.where(DbDocument.id.in_(list(ids)))
    return list(session.scalars(stmt))


def states_mentioned(session: Session, document_id: int, start: int, end: int) -> list[str]:
    """ISO3 codes of the member states (not rejected) mentioned within ``[start, end)`` of a document, in text order."""
    rows = session.execute(select(DbMention.start, DbActor.iso3).join(DbActor, DbMention.actor_id == DbActor.id).where(
        DbMention.document_id == document_id, DbMention.start >= start, DbMention.end <= end,
        DbActor.kind == ActorKind.MEMBER_STATE, DbActor.iso3.is_not(None),
        DbActor.review_state != ReviewState.REJECTED).order_by(DbMention.start))
    return list(dict.fromkeys(iso for _, iso in rows))


def subject_states(session: Session, document_id: int) -> list[str]:
    """ISO3 codes of the member states that are the ``subject`` of an event the document reports (e.g. the assessed state)."""
    rows = session.execute(select(DbActor.iso3).join(DbEventRole, DbEventRole.actor_id == DbActor.id).join(
        DbEventSource, DbEventSource.event_id == DbEventRole.event_id).where(
        DbEventSource.document_id == document_id, DbEventRole.role == RoleType.SUBJECT,
        DbEventRole.review_state != ReviewState.REJECTED,
        DbActor.kind == ActorKind.MEMBER_STATE, DbActor.iso3.is_not(None)).order_by(DbActor.iso3))
    return list(dict.fromkeys(r[0] for r in rows))


def assessment_visit(session: Session, document_id: int, iso3: str) -> int | None:
    """The id of an assessment visit the document reports whose subject (or host country) is state ``iso3``, or None."""
    from ctrack.schema import EventType

    subject = select(DbEventRole.event_id).join(DbActor, DbEventRole.actor_id == DbActor.id).where(
        DbEventRole.role == RoleType.SUBJECT, DbActor.iso3 == iso3, DbActor.kind == ActorKind.MEMBER_STATE)
    return session.scalar(select(DbEvent.id).join(DbEventSource, DbEventSource.event_id == DbEvent.id).where(
        DbEventSource.document_id == document_id, DbEvent.type == EventType.ASSESSMENT_VISIT,
        DbEvent.review_state != ReviewState.REJECTED,
        or_(DbEvent.id.in_(subject), DbEvent.country == iso3)).order_by(DbEvent.id).limit(1))


def proposal_at(session: Session, document_id: int, start: int, end: int) -> list[DbRecommendation]:
    """Recommendations (any review state) already proposed from span ``[start, end)`` of a document."""
    return list(session.scalars(select(DbRecommendation).where(
        DbRecommendation.source_document_id == document_id, DbRecommendation.source_start == start,
        DbRecommendation.source_end == end)))


def add_transfer(session: Session, transfer: DbTransfer) -> DbTransfer:
    """Store an import/export log row (flushed)."""
    return add_row(session, transfer)
