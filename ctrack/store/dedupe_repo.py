"""The reads behind proposed duplicates: blocks of actors and events that may be one, and what to score them by.

Candidate duplicates are never looked for over every pair of a table. Rows
are put in *blocks* by a key computed in SQL, and only rows of one block are
compared (:mod:`ctrack.service.dedupe` scores them with
:mod:`ctrack.resolve.similar`). Each block read is one ``GROUP BY … HAVING
COUNT(…) > 1`` (a block of one row proposes nothing) inside the statement
that reads the members, one statement per kind of block; the rows of the
blocks are then read by key, :data:`IN_CHUNK` at a time. So the number of
statements does not grow with the table (only past 5,000 rows in blocks, by
one read per 5,000), and the work grows with the rows that share a key, not
with the square of the table. Block keys:

- persons: the surname key of any of their names (``actor_aliases.surname_key``,
  indexed; the key ingest finds surname-only mentions by): ``s:<surname>``;
- organizations: the acronym, upper-cased (``ix_actors_upper_acronym``):
  ``a:<ACRONYM>``; and the first :data:`NAME_PREFIX` characters of any
  normalized name (:func:`ctrack.gazetteer.normalize_name`): ``n:<prefix>``;
- events: type, start month (``2018-05``) and venue country:
  ``m:<type>:<month>:<ISO3>``; a start known to the year only also meets every
  event of its type, year and country (``y:<type>:<year>:<ISO3>``); an event
  whose country is unknown meets every event of its type and month, or year
  (``mq:<type>:<month>``, ``yq:<type>:<year>``), since two events in different
  countries are never one; undated events by type and lower-cased name:
  ``u:<type>:<name>``. In ``y``, ``mq`` and ``yq`` blocks only the pairs with
  such an event are compared (:func:`block_pairs`).

Rejected rows (and so rows merged away) are left out.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from dataclasses import dataclass, field

from sqlalchemy import Select, case, distinct, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from ctrack.resolve.actors import kind_group
from ctrack.schema import ActorKind, EventType, RoleType
from ctrack.store.models import (
    DbActor, DbAlias, DbDocument, DbEvent, DbEventRole, DbEventSource, DbMention, DbTitle, ReviewState,
)
from ctrack.store.views import SourceRow
from ctrack.store.web_repo import EvidenceSpan

#: Characters of the normalized name that make an organization's name block.
NAME_PREFIX = 10

_REJECTED = ReviewState.REJECTED
ORG_KINDS = tuple(k for k in ActorKind if kind_group(k) == "org")


#: Ids sent in one ``IN (…)`` list (SQLite and PostgreSQL take far more bound values than this).
IN_CHUNK = 5000


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i:i + IN_CHUNK]


def _members(rows: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for key, row_id in rows:
        out[key].add(row_id)
    return {k: sorted(v) for k, v in sorted(out.items()) if len(v) > 1}


def _actor_block_reads() -> list[tuple[str, Select]]:
    """(tag, ``SELECT key, actor_id``) of each kind of actor block (module docstring)."""
    person_alias = select(DbAlias.surname_key, DbAlias.actor_id).join(DbActor, DbActor.id == DbAlias.actor_id).where(
        DbActor.kind == ActorKind.PERSON, DbActor.review_state != _REJECTED, DbAlias.surname_key.is_not(None))
    shared_surnames = (person_alias.with_only_columns(DbAlias.surname_key).group_by(DbAlias.surname_key)
                       .having(func.count(distinct(DbAlias.actor_id)) > 1))
    acronym = func.upper(DbActor.acronym)
    live_orgs = (DbActor.kind.in_(ORG_KINDS), DbActor.review_state != _REJECTED, DbActor.acronym.is_not(None))
    shared_acronyms = select(acronym).where(*live_orgs).group_by(acronym).having(func.count() > 1)
    prefix = func.substr(DbAlias.normalized, 1, NAME_PREFIX)
    org_alias: Select = select(prefix, DbAlias.actor_id).join(DbActor, DbActor.id == DbAlias.actor_id).where(
        DbActor.kind.in_(ORG_KINDS), DbActor.review_state != _REJECTED, func.length(DbAlias.normalized) >= 4)
    shared_prefixes = (org_alias.with_only_columns(prefix).group_by(prefix)
                       .having(func.count(distinct(DbAlias.actor_id)) > 1))
    return [("s", person_alias.where(DbAlias.surname_key.in_(shared_surnames)).distinct()),
            ("a", select(acronym, DbActor.id).where(*live_orgs, acronym.in_(shared_acronyms))),
            ("n", org_alias.where(prefix.in_(shared_prefixes)).distinct())]


def actor_blocks(session: Session) -> dict[str, list[int]]:
    """Blocks of live actors that may be one: ``{key: [actor ids]}`` (module docstring), each with ≥ 2 actors.

    Three statements (persons by surname, organizations by acronym, organizations by name prefix)."""
    rows: list[tuple[str, int]] = []
    for tag, stmt in _actor_block_reads():
        rows += [(f"{tag}:{k}", i) for k, i in session.execute(stmt)]
    return _members(rows)


@dataclass
class ActorData:
    """A stored actor as the duplicate finder needs it (see :class:`ctrack.resolve.similar.ActorFacts`)."""

    id: int
    kind: ActorKind
    name: str
    acronym: str | None
    iso3: str | None
    title: str | None
    aliases: list[str]
    affiliation_id: int | None
    affiliation: str | None


def actors_in_blocks(session: Session) -> tuple[dict[str, list[int]], dict[int, ActorData]]:
    """(:func:`actor_blocks`, the actors of those blocks by id with their aliases and affiliation names).

    The actors are read by primary key, :data:`IN_CHUNK` at a time: one statement for the rows with their
    affiliation's name, one for their aliases (Core rows, not ORM objects: blocks may hold thousands)."""
    blocks = actor_blocks(session)
    if not blocks:
        return blocks, {}
    affiliation = aliased(DbActor)
    rows: list = []
    aliases: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted({i for members in blocks.values() for i in members})):
        rows += session.execute(
            select(DbActor.id, DbActor.kind, DbActor.name, DbActor.acronym, DbActor.iso3, DbActor.title,
                   DbActor.affiliation_id, affiliation.name)
            .outerjoin(affiliation, affiliation.id == DbActor.affiliation_id).where(DbActor.id.in_(chunk))).all()
        for actor_id, alias in session.execute(select(DbAlias.actor_id, DbAlias.alias).where(DbAlias.actor_id.in_(chunk))):
            aliases[actor_id].add(alias)
    data = {i: ActorData(id=i, kind=kind, name=name, acronym=acronym, iso3=iso3, title=title,
                         aliases=sorted(aliases[i] - {name}), affiliation_id=aff_id, affiliation=aff_name)
            for i, kind, name, acronym, iso3, title, aff_id, aff_name in rows}
    return blocks, data


@dataclass
class EventData:
    """A stored event as the duplicate finder needs it: fields, roles and the affiliations of its persons."""

    id: int
    type: EventType
    name: str | None
    start: str | None
    end: str | None
    city: str | None
    country: str | None
    roles: set[tuple[int, RoleType]] = field(default_factory=set)
    documents: set[int] = field(default_factory=set)


def _event_block_reads() -> list[tuple[str, Select]]:
    """(tag, ``SELECT type, id, key``) of each kind of event block (module docstring)."""
    live = DbEvent.review_state != _REJECTED
    dated = (live, DbEvent.start.is_not(None))
    month = func.substr(DbEvent.start, 1, 7)
    year = func.substr(DbEvent.start, 1, 4)
    country = DbEvent.country
    name = func.lower(func.trim(DbEvent.name))
    several = func.count() > 1
    year_only = func.min(func.length(DbEvent.start)) == 4
    unplaced = func.sum(case((country.is_(None), 1), else_=0)) > 0
    by_month = select(DbEvent.type, month, country).where(*dated, country.is_not(None)).group_by(
        DbEvent.type, month, country).having(several)
    by_year = select(DbEvent.type, year, country).where(*dated, country.is_not(None)).group_by(
        DbEvent.type, year, country).having(several, year_only)
    by_month_unplaced = select(DbEvent.type, month).where(*dated).group_by(DbEvent.type, month).having(
        several, unplaced)
    by_year_unplaced = select(DbEvent.type, year).where(*dated).group_by(DbEvent.type, year).having(
        several, unplaced, year_only)
    by_name = (select(DbEvent.type, name).where(live, DbEvent.start.is_(None), DbEvent.name.is_not(None))
               .group_by(DbEvent.type, name).having(several))
    return [
        ("m", select(DbEvent.type, DbEvent.id, month + ":" + country).where(
            *dated, country.is_not(None), tuple_(DbEvent.type, month, country).in_(by_month))),
        ("y", select(DbEvent.type, DbEvent.id, year + ":" + country).where(
            *dated, country.is_not(None), tuple_(DbEvent.type, year, country).in_(by_year))),
        ("mq", select(DbEvent.type, DbEvent.id, month).where(*dated, tuple_(DbEvent.type, month).in_(by_month_unplaced))),
        ("yq", select(DbEvent.type, DbEvent.id, year).where(*dated, tuple_(DbEvent.type, year).in_(by_year_unplaced))),
        ("u", select(DbEvent.type, DbEvent.id, name).where(
            live, DbEvent.start.is_(None), DbEvent.name.is_not(None), tuple_(DbEvent.type, name).in_(by_name))),
    ]


def event_blocks(session: Session) -> dict[str, list[int]]:
    """Blocks of live events that may be one: ``{key: [event ids]}`` (module docstring), each with ≥ 2 events.

    A ``y``, ``mq`` or ``yq`` block holds more events than it pairs (:func:`block_pairs` says which pairs
    belong to it). Five statements."""
    rows: list[tuple[str, int]] = []
    for tag, stmt in _event_block_reads():
        rows += [(f"{tag}:{getattr(t, 'value', t)}:{k}", i) for t, i, k in session.execute(stmt)]
    return _members(rows)


def block_pairs(key: str, ids: list[int], events: dict[int, EventData]) -> Iterator[tuple[int, int]]:
    """The pairs of event block ``key`` to compare: every pair of an ``m`` or ``u`` block; in a ``y`` block
    those with a start known to the year only, in an ``mq`` block those with an unknown country, in a
    ``yq`` block those with both (on one side or the other)."""
    tag = key.split(":", 1)[0]
    for i, j in combinations(ids, 2):
        a, b = events[i], events[j]
        year_only = len(a.start or "") == 4 or len(b.start or "") == 4
        unplaced = a.country is None or b.country is None
        if (tag == "y" and not year_only) or (tag == "mq" and not unplaced) or \
                (tag == "yq" and not (year_only and unplaced)):
            continue
        yield i, j


def events_in_blocks(session: Session) -> tuple[dict[str, list[int]], dict[int, EventData], dict[int, int],
                                                dict[int, str]]:
    """(:func:`event_blocks`, their events by id with roles and source documents, ``{person id: affiliation
    id}`` of the persons in those roles, ``{actor id: name}`` of every actor in those roles). Four reads by
    primary or foreign key per :data:`IN_CHUNK` events in blocks (one set of reads for a knowledge base
    whose blocks hold fewer; re-running the block subqueries instead cost more than the reads)."""
    blocks = event_blocks(session)
    if not blocks:
        return blocks, {}, {}, {}
    ids = sorted({i for members in blocks.values() for i in members})
    events: dict[int, EventData] = {}
    affiliations: dict[int, int] = {}
    names: dict[int, str] = {}
    for chunk in _chunks(ids):
        for e in session.execute(select(DbEvent.id, DbEvent.type, DbEvent.name, DbEvent.start, DbEvent.end,
                                        DbEvent.city, DbEvent.country).where(DbEvent.id.in_(chunk))):
            events[e.id] = EventData(id=e.id, type=e.type, name=e.name, start=e.start, end=e.end, city=e.city,
                                     country=e.country)
        for event_id, document_id in session.execute(
                select(DbEventSource.event_id, DbEventSource.document_id).where(DbEventSource.event_id.in_(chunk))):
            events[event_id].documents.add(document_id)
        live_roles = (DbEventRole.event_id.in_(chunk), DbEventRole.review_state != _REJECTED)
        for event_id, actor_id, role in session.execute(
                select(DbEventRole.event_id, DbEventRole.actor_id, DbEventRole.role).where(*live_roles)):
            events[event_id].roles.add((actor_id, role))
        for actor_id, kind, name, aff in session.execute(
                select(DbActor.id, DbActor.kind, DbActor.name, DbActor.affiliation_id).where(
                    DbActor.id.in_(select(DbEventRole.actor_id).where(*live_roles)))):
            names[actor_id] = name
            if kind is ActorKind.PERSON and aff is not None:
                affiliations[actor_id] = aff
    return blocks, events, affiliations, names


def role_counts(session: Session, actor_ids: Iterable[int]) -> tuple[dict[int, int], int]:
    """(``{actor id: number of live events it holds a role in}`` for ``actor_ids``, number of live events):
    the input of :func:`ctrack.resolve.events.common_actor_ids`. One statement, and one per
    :data:`IN_CHUNK` actors."""
    total = session.scalar(select(func.count()).select_from(DbEvent).where(DbEvent.review_state != _REJECTED)) or 0
    counts: dict[int, int] = {}
    for chunk in _chunks(sorted(set(actor_ids))):
        counts.update(session.execute(
            select(DbEventRole.actor_id, func.count(distinct(DbEventRole.event_id))).join(
                DbEvent, DbEvent.id == DbEventRole.event_id)
            .where(DbEventRole.actor_id.in_(chunk), DbEvent.review_state != _REJECTED)
            .group_by(DbEventRole.actor_id)).all())
    return counts, total


def fingerprint(session: Session) -> tuple:
    """A value that changes whenever what the duplicate finder reads may have changed: the latest ids and row
    counts of the tables it reads, the latest audit entry and decision (every review step writes one), how
    many decisions were undone and the latest update of an actor or event. One statement of index reads
    (``MAX(id)``) and counts."""
    from ctrack.store.track_models import DbAuditEntry, DbReviewDecision

    def q(expr):
        return expr.scalar_subquery()

    return tuple(session.execute(select(
        q(select(func.max(DbAuditEntry.id))), q(select(func.max(DbReviewDecision.id))),
        q(select(func.count(DbReviewDecision.undone_at))),
        q(select(func.max(DbAlias.id))), q(select(func.count()).select_from(DbAlias)),
        q(select(func.max(DbEventRole.id))), q(select(func.count()).select_from(DbEventRole)),
        q(select(func.max(DbEventSource.id))), q(select(func.count()).select_from(DbEvent)),
        q(select(func.count()).select_from(DbActor)),
        q(select(func.max(DbActor.updated_at))), q(select(func.max(DbEvent.updated_at))))).one())


def actor_evidence(session: Session, actor_id: int, limit: int) -> list[EvidenceSpan]:
    """The first ``limit`` mentions of actor ``actor_id`` (by document, then offset) as evidence spans."""
    from ctrack.store.web_repo import _spans

    first = (select(DbMention.id).where(DbMention.actor_id == actor_id)
             .order_by(DbMention.document_id, DbMention.start, DbMention.id).limit(limit)).subquery()
    return _spans(session, DbMention.id.in_(select(first.c.id)))


def source_rows(session: Session, document_ids: Iterable[int]) -> list[SourceRow]:
    """:class:`ctrack.store.views.SourceRow` of each document in ``document_ids``, by publication date then key."""
    ids = sorted(set(document_ids))
    if not ids:
        return []
    rows = session.execute(select(DbDocument.id, DbDocument.doc_key, DbDocument.title, DbDocument.published,
                                  DbDocument.path).where(DbDocument.id.in_(ids))).all()
    out = [SourceRow(document_id=i, doc_key=k, title=t, published=p, path=path) for i, k, t, p, path in rows]
    return sorted(out, key=lambda r: (r.published is None, r.published or dt.date.min, r.doc_key))


def person_titles(session: Session, person_id: int) -> list[tuple[str, str | None, str, ReviewState]]:
    """``(title, as_of, document key, review state)`` of each title a person was given, latest first."""
    return [tuple(r) for r in session.execute(
        select(DbTitle.title, DbTitle.as_of, DbDocument.doc_key, DbTitle.review_state)
        .join(DbDocument, DbDocument.id == DbTitle.document_id).where(DbTitle.person_id == person_id)
        .order_by(DbTitle.as_of.is_(None), DbTitle.as_of.desc(), DbTitle.id.desc()))]


__all__ = ["IN_CHUNK", "fingerprint", "actor_evidence", "source_rows", "person_titles", "NAME_PREFIX", "ORG_KINDS", "actor_blocks", "actors_in_blocks", "ActorData", "EventData",
           "event_blocks", "block_pairs", "events_in_blocks", "role_counts"]
