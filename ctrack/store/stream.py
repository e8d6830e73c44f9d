"""Reading the knowledge base in bounded memory: events chunk by chunk, engagement counts as aggregates.

Exports (:mod:`ctrack.service.exports`) and the engagement counts of
:mod:`ctrack.service.engagements` read through here. The event filter is the
one of :func:`ctrack.store.repo.list_events` (the same SQL conditions), so an export and ``ctrack events`` with the same
filters hold the same events.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, func, literal, select, union
from sqlalchemy.orm import Session, aliased, load_only

from ctrack.schema import EventType
from ctrack.store import repo
from ctrack.store.models import DbActor, DbDocument, DbEvent, DbEventRole, DbTitle, ReviewState
from ctrack.store.views import ActorRef, ActorRow, EventRow, SourceRow

#: Events loaded per query while streaming (each chunk is one ``IN`` list and three eager loads).
CHUNK = 500

_REJECTED = ReviewState.REJECTED


def iter_events(session: Session, *, country: str | None = None, region: str | None = None,
                type: EventType | str | None = None, since: str | None = None, until: str | None = None,
                reviewed_only: bool = False, chunk: int = CHUNK) -> Iterator[EventRow]:
    """The events :func:`ctrack.store.repo.list_events` returns for the same filters (the same SQL
    conditions), yielded ``chunk`` (:data:`CHUNK`) at a time so that memory does not grow with the number
    of events: only the ids of the matching events are held at once.

    Order: by first day, undated last, then id. Raises
    :class:`ctrack.errors.NotFound` for an unknown country or region and
    ValueError for a bad type or date (before anything is yielded).
    """
    conds = repo.event_conditions(country=country, type=type, since=since, until=until, region=region,
                                   reviewed_only=reviewed_only)
    ids = list(session.scalars(select(DbEvent.id).where(and_(*conds))
                               .order_by(DbEvent.start_day.is_(None), DbEvent.start_day, DbEvent.id)))
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        rows = {ev.id: ev for ev in repo._load_events(session, DbEvent.id.in_(part), reviewed_only)}
        for event_id in part:
            if event_id in rows:
                yield rows[event_id]


def actors_by_ids(session: Session, ids: list[int]) -> Iterator[ActorRow]:
    """The :class:`ActorRow` of each id (rejected actors left out), read :data:`CHUNK` ids per query."""
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        yield from repo._actor_rows(session, and_(DbActor.id.in_(part), DbActor.review_state != _REJECTED))


def titles_of(session: Session, person_ids: list[int]) -> Iterator[tuple[int, str, ActorRef | None, str | None,
                                                                           SourceRow]]:
    """``(person id, title, affiliation, as of, source)`` of every dated title of the persons (not rejected)."""
    aff = aliased(DbActor)
    for i in range(0, len(person_ids), CHUNK):
        part = person_ids[i:i + CHUNK]
        for t, d, a in session.execute(
                select(DbTitle, DbDocument, aff).join(DbDocument, DbTitle.document_id == DbDocument.id)
                .outerjoin(aff, DbTitle.affiliation_id == aff.id)
                .options(load_only(DbDocument.id, DbDocument.doc_key, DbDocument.title, DbDocument.published,
                                   DbDocument.path))
                .where(DbTitle.person_id.in_(part), DbTitle.review_state != _REJECTED)
                .order_by(DbTitle.person_id, DbTitle.id)):
            yield (t.person_id, t.title, repo._ref(a) if a is not None else None, t.as_of, repo._source(d))


def engagement_counts(session: Session, isos: list[str] | None = None) -> dict[str, int]:
    """Events (not rejected) engaging each member state, by ISO3, in one aggregate query.

    The rule is :func:`ctrack.store.repo._involving`'s, the one ``--country``
    filters by: an event engages state X when it is held in X, or X, an actor
    with X's ISO3 (its government bodies) or a person or body affiliated to
    one of those holds a role (not rejected) in it. ``isos`` limits the
    states counted; states with no engagement are absent from the result.

    Read from the aggregates kept on write (``agg_states``, :mod:`ctrack.store.aggregates`) when nothing
    is queued in this transaction; else counted in SQL over every event.
    """
    from ctrack.store import aggregates

    if aggregates.kept(session) and aggregates.fresh(session):
        return {iso: sum(by_type.values()) for iso, by_type in aggregates.state_counts(session, isos).items()
                if sum(by_type.values())}
    live = DbEvent.review_state != _REJECTED
    aff = aliased(DbActor)
    venue = select(DbEvent.id.label("event_id"), DbEvent.country.label("iso3")).where(
        live, DbEvent.country.is_not(None))
    role_live = and_(DbEventRole.review_state != _REJECTED, live)
    own = (select(DbEventRole.event_id.label("event_id"), DbActor.iso3.label("iso3"))
           .join(DbActor, DbActor.id == DbEventRole.actor_id).join(DbEvent, DbEvent.id == DbEventRole.event_id)
           .where(role_live, DbActor.iso3.is_not(None)))
    via = (select(DbEventRole.event_id.label("event_id"), aff.iso3.label("iso3"))
           .join(DbActor, DbActor.id == DbEventRole.actor_id).join(aff, aff.id == DbActor.affiliation_id)
           .join(DbEvent, DbEvent.id == DbEventRole.event_id)
           .where(role_live, aff.iso3.is_not(None)))
    pairs = union(venue, own, via).subquery()  # UNION: one (event, state) pair however many ways it engages
    stmt = select(pairs.c.iso3, func.count()).group_by(pairs.c.iso3)
    if isos is not None:
        stmt = stmt.where(pairs.c.iso3.in_(isos or [literal(None)]))
    return {iso: n for iso, n in session.execute(stmt).all() if iso}


__all__ = ["iter_events", "actors_by_ids", "titles_of", "engagement_counts", "CHUNK"]
