"""Duplicates: actors and events the resolver left apart but that look alike, side by side, and the decisions
on them (merge, split, "not the same", undo).

Shared by ``ctrack review duplicates|distinct``, ``/api/v1/review/duplicates`` and the ``/dedupe`` pages, in
the manner of nomenklatura's dedupe screen: candidate pairs come from blocks of rows that share a key
(:mod:`ctrack.store.dedupe_repo`: surname, acronym, name prefix, event type and month), never from every pair
of a table; each pair is scored by the resolver's own rules (:mod:`ctrack.resolve.similar`), and a pair
judged "not the same" (:func:`ctrack.track.review.distinct`) is not proposed again until that decision is
undone. Merges, splits and their undo go through :mod:`ctrack.service.review`, which keeps the search index
in step. The functions work in the caller's transaction and do not commit.
"""
from __future__ import annotations

import datetime as dt
from itertools import combinations
from typing import Any, NamedTuple

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.errors import BadQuery
from ctrack.resolve.events import EventFacts, common_actor_ids
from ctrack.resolve.similar import (
    ActorFacts, EventView, Similarity, actor_similarity, compare_events, event_similarity,
)
from ctrack.schema import RoleType
from ctrack.service import review as review_service
from ctrack.service.paging import Page, PageParams, check_page
from ctrack.service.passages import SourcePassages, passages
from ctrack.store import dedupe_repo, repo, track_repo, web_repo
from ctrack.store.track_models import DbReviewDecision, DecisionKind, Entity
from ctrack.store.views import ActorRow, EventRow
from ctrack.track import review
from ctrack.wording import noun, plural

#: Lowest score (0-100) of a proposed pair unless the caller asks for another.
DEFAULT_MIN_SCORE = 60.0
#: A block with more rows than this is not compared pair by pair (an organization name block is first cut by
#: a longer name prefix); its key is reported in ``skipped_blocks``.
MAX_BLOCK = 150
#: Pairs scored under this are never kept or listed, whatever the ``min_score`` asked (they are not worth a
#: reviewer's look, and the finder keeps its list between requests).
KEEP_FLOOR = 30.0
#: Kinds of record that have duplicates.
SUBJECTS = (Entity.ACTOR, Entity.EVENT)


class CandidateSide(BaseModel):
    """One record of a candidate pair: ``ref`` ("actor:12"), id, a one-line label and its kind or type."""

    ref: str
    id: int
    label: str
    kind: str


class CandidateOut(BaseModel):
    """Two records that may be one: ``a`` (lower id) and ``b``, the ``score`` (0-100), the reasons, and the
    block keys that brought them together."""

    subject: Entity
    a: CandidateSide
    b: CandidateSide
    score: float
    reasons: list[str]
    blocks: list[str]


class CandidatePage(Page[CandidateOut]):
    """A page of candidates, best first; ``skipped_blocks`` names blocks too large to compare pair by pair."""

    skipped_blocks: list[str] = Field(default_factory=list)


def _subjects(subject: Entity | str | None) -> tuple[Entity, ...]:
    if subject is None or subject == "":
        return SUBJECTS
    try:
        entity = Entity(subject)
    except ValueError:
        entity = None
    if entity not in SUBJECTS:
        raise BadQuery(f"duplicates are actors or events, not {subject!r}")
    return (entity,)


def _actor_label(a: dedupe_repo.ActorData) -> str:
    extra = [x for x in (a.acronym if a.acronym and a.acronym != a.name else None, a.iso3, a.affiliation) if x]
    return a.name + (f" ({', '.join(extra)})" if extra else "")


def _event_label(e: Any) -> str:
    """"conference 2018-05-03/2018-05-04 Dushanbe, TJK: High-Level Conference …" for a stored event row."""
    when = e.start + (f"/{e.end}" if e.end and e.end != e.start else "") if e.start else "undated"
    where = ", ".join(x for x in (e.city, e.country) if x) or "place unknown"
    return f"{e.type.value.replace('_', ' ')} {when} {where}: {e.name or '(no name)'}"


def _split_large(blocks: dict[str, list[int]], actors: dict[int, dedupe_repo.ActorData],
                 skipped: list[str]) -> dict[str, list[int]]:
    """``blocks`` with each name block over :data:`MAX_BLOCK` ("n:unitednati": every "United Nations …")
    cut by the first ``2 × NAME_PREFIX`` characters of its members' normalized names instead (and reported
    in ``skipped``, since pairs that differ early in those characters are then not compared)."""
    from ctrack.resolve.actors import normalize

    out: dict[str, list[int]] = {}
    for key, ids in blocks.items():
        if len(ids) <= MAX_BLOCK or not key.startswith("n:"):
            out[key] = ids
            continue
        skipped.append(f"{key} (compared by longer name prefixes only)")
        finer: dict[str, set[int]] = {}
        for i in ids:
            for name in (actors[i].name, *actors[i].aliases):
                prefix = normalize(name)[:2 * dedupe_repo.NAME_PREFIX]
                if prefix.startswith(key[2:]):
                    finer.setdefault(f"n:{prefix}", set()).add(i)
        out.update((k, sorted(v)) for k, v in finer.items() if len(v) > 1)
    return out


def _actor_candidates(db: Session, skipped: list[str]) -> list["_Pair"]:
    blocks, actors = dedupe_repo.actors_in_blocks(db)
    judged = track_repo.distinct_pairs(db, Entity.ACTOR)
    facts = {i: ActorFacts(id=a.id, kind=a.kind, name=a.name, acronym=a.acronym, iso3=a.iso3,
                           aliases=tuple(a.aliases), affiliation_id=a.affiliation_id, affiliation=a.affiliation)
             for i, a in actors.items()}
    found: dict[tuple[int, int], tuple[Similarity, list[str]]] = {}
    for key, ids in _split_large(blocks, actors, skipped).items():
        if len(ids) > MAX_BLOCK:
            skipped.append(key)
            continue
        for pair in combinations(ids, 2):
            if pair in judged or pair[0] not in facts or pair[1] not in facts:
                continue
            if pair in found:
                found[pair][1].append(key)
                continue
            sim = actor_similarity(facts[pair[0]], facts[pair[1]])
            if sim is not None and sim.score >= KEEP_FLOOR:
                found[pair] = (sim, [key])
    return [_Pair(sim.score, Entity.ACTOR, i, j, sim.reasons, keys, _actor_label(actors[i]), _actor_label(actors[j]),
                  actors[i].kind.value, actors[j].kind.value) for (i, j), (sim, keys) in found.items()]


def _event_pairs(key: str, ids: list[int], events: dict[int, dedupe_repo.EventData]):
    """The pairs of one block to compare (:func:`ctrack.store.dedupe_repo.block_pairs`); none for a block
    over :data:`MAX_BLOCK` (the caller reports it)."""
    if len(ids) > MAX_BLOCK:
        return iter(())
    return dedupe_repo.block_pairs(key, ids, events)


def _event_candidates(db: Session, skipped: list[str]) -> list["_Pair"]:
    blocks, events, affiliations, names = dedupe_repo.events_in_blocks(db)
    if not events:
        return []
    judged = track_repo.distinct_pairs(db, Entity.EVENT)
    counts, total = dedupe_repo.role_counts(db, names)
    common = common_actor_ids(counts, total)
    views = {}
    for i, e in events.items():
        actors = {a for a, _ in e.roles}
        views[i] = EventView(EventFacts(id=i, type=e.type, start=e.start, end=e.end, country=e.country,
                                        city=e.city, name=e.name, roles=frozenset(e.roles),
                                        affiliations={a: affiliations[a] for a in actors if a in affiliations}),
                             common, e.documents)
    found: dict[tuple[int, int], tuple[Similarity, list[str]]] = {}
    for key, ids in blocks.items():
        if len(ids) > MAX_BLOCK:
            skipped.append(key)
        for pair in _event_pairs(key, ids, events):
            if pair in judged:
                continue
            if pair in found:
                found[pair][1].append(key)
                continue
            sim = compare_events(views[pair[0]], views[pair[1]], names, floor=KEEP_FLOOR)
            if sim is not None:
                found[pair] = (sim, [key])
    return [_Pair(sim.score, Entity.EVENT, i, j, sim.reasons, keys, _event_label(events[i]), _event_label(events[j]),
                  events[i].type.value, events[j].type.value) for (i, j), (sim, keys) in found.items()]


def candidates(db: Session, subject: Entity | str | None = None, min_score: float = DEFAULT_MIN_SCORE,
               page: PageParams | None = None) -> CandidatePage:
    """One page of candidate duplicates (actors, events, or both when ``subject`` is None), best score first
    (ties: actors before events, then by ids), scored at least ``min_score`` (0-100; pairs under
    :data:`KEEP_FLOOR` are never listed), without pairs judged not the same. Read in a fixed number of SQL
    statements (a block read per kind of block and a few reads of their rows; :mod:`ctrack.store.dedupe_repo`),
    scored in Python block by block, and kept until the knowledge base changes (:func:`_scored`). Raises
    :class:`BadQuery` for another subject, a score outside 0-100 or a cursor (pages go by offset)."""
    page = check_page(page)
    if page.after:
        raise BadQuery("candidate duplicates page by offset, not by cursor")
    if not 0 <= min_score <= 100:
        raise BadQuery(f"min score {min_score} is outside 0-100")
    skipped: list[str] = []
    found: list[_Pair] = []
    for entity in _subjects(subject):
        more, skip = _scored(db, entity)
        found += more
        skipped += skip
    found = [c for c in found if c.score >= min_score]
    found.sort(key=lambda c: (-c.score, c.subject is not Entity.ACTOR, c.a_id, c.b_id))
    return CandidatePage(items=[_out(c) for c in found[page.offset:page.offset + page.limit]], total=len(found),
                         limit=page.limit, offset=page.offset, skipped_blocks=skipped)


class _Pair(NamedTuple):
    """A scored pair as kept between requests (models are made for the page shown only)."""

    score: float
    subject: Entity
    a_id: int
    b_id: int
    reasons: tuple[str, ...]
    blocks: list[str]
    a_label: str
    b_label: str
    a_kind: str
    b_kind: str


def _out(p: _Pair) -> CandidateOut:
    s = p.subject.value
    return CandidateOut(subject=p.subject, score=p.score, reasons=list(p.reasons), blocks=p.blocks,
                        a=CandidateSide(ref=f"{s}:{p.a_id}", id=p.a_id, label=p.a_label, kind=p.a_kind),
                        b=CandidateSide(ref=f"{s}:{p.b_id}", id=p.b_id, label=p.b_label, kind=p.b_kind))


#: Scored candidates of the latest reads, per database and subject, with the fingerprint they were read at.
_CACHE: dict[tuple[str, Entity], tuple[tuple, list[_Pair], list[str]]] = {}


def clear_cache() -> None:
    """Forget the candidates kept between requests (tests that count statements start from here)."""
    _CACHE.clear()


def _scored(db: Session, entity: Entity) -> tuple[list["_Pair"], list[str]]:
    """Every scored pair of ``entity`` (no score floor) and the skipped blocks. Kept between requests while
    :func:`ctrack.store.dedupe_repo.fingerprint` is unchanged, so the second page, or the list again after
    looking at a pair, costs one statement; any write to what the finder reads recomputes it."""
    key = (db.get_bind().url.render_as_string(hide_password=True), entity)
    mark = dedupe_repo.fingerprint(db)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == mark:
        return hit[1], hit[2]
    skipped: list[str] = []
    found = (_actor_candidates if entity is Entity.ACTOR else _event_candidates)(db, skipped)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = (mark, found, skipped)
    return found, skipped


# --------------------------------------------------------------------------- what a decision moved

#: What a moved reference is, by the ``(table, column)`` of the row that pointed at the merged or split record
#: (:func:`ctrack.store.track_repo.move_references` lists ``[table, row_id, column, old, new]``).
MOVED_WHAT = {
    ("event_roles", "actor_id"): "role", ("event_roles", "event_id"): "role",
    ("mentions", "actor_id"): "mention", ("mentions", "event_id"): "mention",
    ("actor_aliases", "actor_id"): "alias", ("actor_sources", "actor_id"): "source",
    ("event_sources", "event_id"): "source", ("person_titles", "person_id"): "title",
    ("person_titles", "affiliation_id"): "title affiliation", ("actors", "affiliation_id"): "affiliated actor",
    ("conflicts", "actor_id"): "conflict", ("conflicts", "event_id"): "conflict",
    ("events", "part_of_id"): "part event", ("activities", "event_id"): "activity",
    ("recommendations", "source_event_id"): "recommendation", ("track_parties", "actor_id"): "recommendation party",
    ("merge_decisions", "target_id"): "resolve log entry",
}


def moved_counts(rows: list[list[Any]]) -> dict[str, int]:
    """How many references of each kind ``rows`` holds (the ``moves`` or ``left`` list of a decision: rows
    starting ``[table, row_id, column, …]``), most first: ``{"role": 3, "alias": 1}``. A reference of a table
    not in :data:`MOVED_WHAT` is counted under "<table> row"."""
    counts: dict[str, int] = {}
    for table, _row_id, column, *_ in rows:
        what = MOVED_WHAT.get((table, column), f"{table.replace('_', ' ')} row")
        counts[what] = counts.get(what, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def moved_text(rows: list[list[Any]], verb: str = "moved") -> str:
    """"4 references moved: 3 roles, 1 alias" for the ``moves`` (or ``left``, with another ``verb``) of a
    decision; "0 references moved" for none."""
    counts = moved_counts(rows)
    head = f"{plural(len(rows), 'reference')} {verb}"
    return head + (": " + ", ".join(plural(n, what) for what, n in counts.items()) if counts else "")


# --------------------------------------------------------------------------- side by side


class DecisionView(BaseModel):
    """A merge, split or distinct decision as a reviewer reads it: who, when, what moved, and a one-line
    ``summary``; ``undone_at`` is set once it was undone (``POST /review/undo/{id}`` / ``ctrack review undo
    ID``)."""

    id: int
    kind: DecisionKind
    subject: Entity
    kept_id: int
    other_id: int
    kept_label: str
    other_label: str
    user: str
    at: dt.datetime
    reason: str | None = None
    moved: int = 0
    moved_by: dict[str, int] = Field(default_factory=dict, description="the references moved by kind (role, "
                                     "mention, alias, title, source …), most first")
    left: int = 0
    filled: list[str] = Field(default_factory=list)
    documents: list[int] = Field(default_factory=list)
    undone_at: dt.datetime | None = None
    undone_by: str | None = None
    summary: str


class TitleOut(BaseModel):
    """A title a source gave a person, as of a date, with the document and its review state."""

    title: str
    as_of: str | None = None
    document: str
    state: str


class ActorSide(BaseModel):
    """One actor on the compare screen: the record, its titles, roles held (with counts), its first events,
    its sources with the sentences that name it, and the decisions it took part in."""

    actor: ActorRow
    titles: list[TitleOut] = Field(default_factory=list)
    roles: list[tuple[RoleType, int]] = Field(default_factory=list)
    events: list[EventRow] = Field(default_factory=list)
    events_total: int = 0
    sources: list[SourcePassages] = Field(default_factory=list)
    decisions: list[DecisionView] = Field(default_factory=list)


class EventSide(BaseModel):
    """One event on the compare screen: the record with roles and conflicts, its sources with the supporting
    sentences, and the decisions it took part in."""

    event: EventRow
    sources: list[SourcePassages] = Field(default_factory=list)
    decisions: list[DecisionView] = Field(default_factory=list)


class CompareOut(BaseModel):
    """Two actors or two events side by side, with their similarity (None when no rule relates them) and
    the active "not the same" decision on the pair, if any."""

    subject: Entity
    a: ActorSide | EventSide
    b: ActorSide | EventSide
    score: float | None = None
    reasons: list[str] = Field(default_factory=list)
    distinct_decision: int | None = None


#: Mentions of an actor shown on the compare screen (its first ones, by document).
EVIDENCE_SHOWN = 40
#: Events of an actor shown on the compare screen.
EVENTS_SHOWN = 8


def _label(subject: Entity, row: Any) -> str:
    if subject is Entity.ACTOR:
        return row.name + (f" ({row.acronym})" if row.acronym and row.acronym != row.name else "")
    return _event_label(row)


def describe(db: Session, decision: DbReviewDecision | int) -> DecisionView:
    """The :class:`DecisionView` of a decision (or its id). Raises :class:`ctrack.errors.NotFound`."""
    d = decision if isinstance(decision, DbReviewDecision) else track_repo.get(db, Entity.DECISION, decision)
    kept, other = track_repo.get(db, d.subject, d.kept_id), track_repo.get(db, d.subject, d.other_id)
    kl, ol = _label(d.subject, kept), _label(d.subject, other)
    fields = d.fields or {}
    table = track_repo.model_for(d.subject).__tablename__
    filled = sorted(fields.get("changed", {}).get(table, {}).get(str(d.kept_id), {}))
    s = d.subject.value
    if d.kind is DecisionKind.MERGE:
        summary = (f"Merged {s} {d.other_id} “{ol}” into {s} {d.kept_id} “{kl}”: {moved_text(d.moves)}"
                   + (f"; {', '.join(filled)} filled in" if filled else "")
                   + (f"; {moved_text(fields['left'], f'left where they were (already on {d.kept_id})')}"
                      if fields.get("left") else "") + ".")
    elif d.kind is DecisionKind.SPLIT:
        docs = fields.get("documents", [])
        summary = (f"Split {s} {d.kept_id} “{kl}”: what {noun(len(docs), 'document')} "
                   f"{', '.join(map(str, docs))} said moved to the new {s} {d.other_id} “{ol}” "
                   f"({moved_text(d.moves)}).")
    else:
        summary = f"Marked {s} {d.kept_id} “{kl}” and {s} {d.other_id} “{ol}” as not the same."
    return DecisionView(id=d.id, kind=d.kind, subject=d.subject, kept_id=d.kept_id, other_id=d.other_id,
                        kept_label=kl, other_label=ol, user=d.user, at=d.at, reason=d.reason, moved=len(d.moves),
                        moved_by=moved_counts(d.moves), left=len(fields.get("left", [])), filled=filled, documents=fields.get("documents", []),
                        undone_at=d.undone_at, undone_by=d.undone_by, summary=summary)


def recent(db: Session, limit: int = 20, subject: Entity | None = None) -> list[DecisionView]:
    """The ``limit`` latest merge, split and distinct decisions, newest first."""
    return [describe(db, d) for d in track_repo.recent_decisions(db, limit, subject)]


def decisions_page(db: Session, subject: Entity | None = None, page: PageParams | None = None) -> Page[DecisionView]:
    """One page of the merge, split and distinct decisions (of ``subject`` rows when given), newest first,
    paged and counted in SQL. Raises :class:`ctrack.errors.BadQuery` for a page size outside 1–500."""
    page = check_page(page)
    rows = track_repo.recent_decisions(db, page.limit, subject, offset=page.offset)
    return Page[DecisionView](items=[describe(db, d) for d in rows], limit=page.limit, offset=page.offset,
                              total=track_repo.count_decisions(db, subject))


def _actor_side(db: Session, actor_id: int) -> ActorSide:
    from ctrack.service import actors as actor_service

    actor = actor_service.get_actor(db, actor_id)
    timeline = actor_service.timeline(db, actor_id, PageParams(limit=EVENTS_SHOWN))
    roles, *_ = repo.actor_aggregates(db, actor_id)
    spans = dedupe_repo.actor_evidence(db, actor_id, EVIDENCE_SHOWN)
    docs = track_repo.documents_of(db, Entity.ACTOR, actor_id)
    texts = web_repo.document_texts(db, sorted({s.document_id for s in spans}))
    by_doc = passages(spans, texts)
    sources = [SourcePassages(source=s, passages=by_doc.get(s.document_id, []))
               for s in dedupe_repo.source_rows(db, docs)]
    titles = [TitleOut(title=t, as_of=a, document=d, state=st.value) for t, a, d, st in
              dedupe_repo.person_titles(db, actor_id)]
    return ActorSide(actor=actor, titles=titles, roles=roles, events=[e.event for e in timeline.entries],
                     events_total=timeline.total, sources=sources,
                     decisions=[describe(db, d) for d in track_repo.decisions_for(db, Entity.ACTOR, actor_id)])


def _event_side(db: Session, event_id: int) -> EventSide:
    from ctrack.service import events as event_service

    detail = event_service.event_detail(db, event_id)
    return EventSide(event=detail.event, sources=detail.sources,
                     decisions=[describe(db, d) for d in track_repo.decisions_for(db, Entity.EVENT, event_id)])


def record(db: Session, subject: Entity | str, row_id: int) -> ActorSide | EventSide:
    """One actor or event as the compare screen shows it (to split it by source document). Raises
    :class:`BadQuery` for another subject and :class:`ctrack.errors.NotFound` for an unknown (or, for events,
    rejected) record."""
    (entity,) = _subjects(subject)
    return _actor_side(db, row_id) if entity is Entity.ACTOR else _event_side(db, row_id)


def compare(db: Session, subject: Entity | str, a_id: int, b_id: int) -> CompareOut:
    """Records ``a_id`` and ``b_id`` side by side with their similarity. Raises :class:`BadQuery` for another
    subject or a record compared with itself, :class:`ctrack.errors.NotFound` for an unknown (or, for
    events, rejected) record."""
    (entity,) = _subjects(subject)
    if a_id == b_id:
        raise BadQuery(f"{entity.value} {a_id} compared with itself")
    low, high = sorted((a_id, b_id))
    if entity is Entity.ACTOR:
        a, b = _actor_side(db, a_id), _actor_side(db, b_id)
        sim = actor_similarity(*(ActorFacts(id=x.actor.id, kind=x.actor.kind, name=x.actor.name,
                                            acronym=x.actor.acronym, iso3=x.actor.iso3,
                                            aliases=tuple(x.actor.aliases),
                                            affiliation_id=x.actor.affiliation.id if x.actor.affiliation else None,
                                            affiliation=x.actor.affiliation.name if x.actor.affiliation else None)
                                 for x in (a, b)))
    else:
        a, b = _event_side(db, a_id), _event_side(db, b_id)
        facts = []
        for side in (a, b):
            ev = side.event
            roles = frozenset((r.actor.id, r.role) for r in ev.roles)
            facts.append(EventFacts(id=ev.id, type=ev.type, start=ev.start, end=ev.end, country=ev.country,
                                    city=ev.city, name=ev.name, roles=roles))
        names = {r.actor.id: r.actor.name for side in (a, b) for r in side.event.roles}
        docs = tuple({s.document_id for s in side.event.sources} for side in (a, b))
        common = common_actor_ids(*dedupe_repo.role_counts(db, sorted(names)))
        sim = event_similarity(facts[0], facts[1], common, names, docs) if facts[0].type is facts[1].type else None
    judged = track_repo.distinct_decision(db, entity, low, high)
    return CompareOut(subject=entity, a=a, b=b, score=sim.score if sim else None,
                      reasons=list(sim.reasons) if sim else [], distinct_decision=judged.id if judged else None)


# --------------------------------------------------------------------------- decisions


def not_same(db: Session, user: str, subject: Entity | str, a_id: int, b_id: int,
             reason: str | None = None) -> DecisionView:
    """Judge two actors or events not the same (:func:`ctrack.track.review.distinct`): the pair is no longer
    proposed. Returns the decision; undo it with :func:`undo`."""
    (entity,) = _subjects(subject)
    return describe(db, review.distinct(db, entity, a_id, b_id, user=user, reason=reason))


def merge(db: Session, user: str, subject: Entity | str, kept_id: int, other_id: int,
          reason: str | None = None) -> DecisionView:
    """Merge ``other_id`` into ``kept_id`` (:func:`ctrack.service.review.merge`); returns the decision."""
    (entity,) = _subjects(subject)
    return describe(db, review_service.merge(db, user, entity, kept_id, other_id, reason=reason))


def split(db: Session, user: str, subject: Entity | str, row_id: int, documents: list[int],
          name: str | None = None, reason: str | None = None) -> DecisionView:
    """Split what ``documents`` said about a record off into a new one (:func:`ctrack.service.review.split`)."""
    (entity,) = _subjects(subject)
    return describe(db, review_service.split(db, user, entity, row_id, documents, name=name, reason=reason))


def undo(db: Session, user: str, decision_id: int, comment: str | None = None) -> DecisionView:
    """Undo a merge, split or distinct decision (:func:`ctrack.service.review.undo`); returns it, undone."""
    review_service.undo(db, user, decision_id, comment=comment)
    return describe(db, decision_id)


__all__ = ["DEFAULT_MIN_SCORE", "KEEP_FLOOR", "MAX_BLOCK", "SUBJECTS", "CandidateSide", "CandidateOut", "CandidatePage",
           "candidates", "clear_cache", "DecisionView", "TitleOut", "ActorSide", "EventSide", "CompareOut", "describe", "recent",
           "record", "compare", "not_same", "merge", "split", "undo", "MOVED_WHAT", "moved_counts", "moved_text"]
