"""The repository: every read and write of the knowledge base. SQL lives here and nowhere else.

The CLI, the reports, the HTTP API and the web app call these functions with
a :class:`sqlalchemy.orm.Session` (from :func:`ctrack.store.db.session_scope`)
and get plain pydantic models (:mod:`ctrack.store.views`) back.

Writing: :func:`save_document` stores one document with its extraction
record, merging its actors and events into the knowledge base with the rules
of :mod:`ctrack.resolve` and logging every decision in ``merge_decisions``.

Reading: :func:`list_actors`, :func:`find_actor`, :func:`actor_timeline`,
:func:`list_events`, :func:`briefing`, :func:`counts`. Rows a reviewer
rejected are left out of every read.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, and_, case, distinct, func, insert, literal, or_, select, tuple_, union, union_all
from sqlalchemy.orm import Session, aliased, selectinload

from ctrack.errors import NotFound
from ctrack.resolve import dates
from ctrack.resolve.actors import (
    ActorCandidate, ActorMatch, canonical_key, is_fuller_name, kind_group, lookup_keys, match_actor, normalize,
    normalize_actor, surface_forms,
)
from ctrack.resolve.events import (EventFacts, common_actor_ids, compatible_types, diff_fields,
                                   fold_document_events, match_event, specific_type)
from ctrack.resolve.names import match_person, person_key, person_tokens, surname
from ctrack.schema import Actor, ActorKind, Document, Event, EventStatus, EventType, Record, RoleType
from ctrack.store import aggregates
from ctrack.store.cursor import decode_cursor, encode_cursor, typed_value
from ctrack.store.db import try_claim, write_lock
from ctrack.store.models import (
    DbActor, DbActorSource, DbAlias, DbConflict, DbDocument, DbEvent, DbEventRole, DbEventSource, DbMention,
    DbMergeDecision, DbTitle, ReviewState, SHORT_SPAN_DAYS, SPAN_TIERS,
)
from ctrack.store.track_models import DbReviewDecision, DecisionKind, Entity
from ctrack.store.track_repo import merged_into
from ctrack.store.views import (
    ActorRef, ActorRow, Briefing, ConflictRow, Counts, EventRow, RoleRow, SaveResult, SourceRow, StateCount,
    Timeline, TimelineEntry, TitleRow,
)
from ctrack.store.web_models import DbAggActor, DbAggActorDocuments, DbAggActorEvent, DbAggEventState

_REJECTED = ReviewState.REJECTED
_GROUP_ORDER = {"state": 0, "org": 1, "person": 2}


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

def _higher(stored: float | None, reported: float | None) -> float | None:
    """A fact reported again keeps the highest confidence any report gave it (None: never scored)."""
    if reported is None:
        return stored
    return reported if stored is None else max(stored, reported)


def save_document(session: Session, document: Document, record: Record) -> SaveResult:
    """Store ``document`` and its extraction ``record``, merged into the knowledge base.

    Idempotent by content: a document whose sha256 is already stored changes
    nothing and gives ``status="unchanged"``. Otherwise the document row is
    added, each actor is merged into a known actor or created
    (:func:`ctrack.resolve.actors.match_actor`), affiliations, dated titles and
    mentions (character offsets into ``document.text``) are stored, and each
    event is merged into a known event or created
    (:func:`ctrack.resolve.events.match_event`) with this document as a
    source, its roles and its evidence. Disagreeing values go to the
    conflicts table; rows a reviewer decided on are never changed. Runs in
    the caller's transaction (flushes, does not commit). A match on an actor
    or event that a reviewer merged into another record attaches to the kept
    record (:func:`ctrack.store.track_repo.merged_into`). Returns a
    :class:`SaveResult` with what was created and merged.

    Concurrent writers: the document's sha256 is claimed first
    (:func:`ctrack.store.db.try_claim`); when another process is storing the
    same bytes right now, nothing is done and the status is "busy". Then the
    knowledge base's write lock is taken (:func:`ctrack.store.db.write_lock`)
    for the rest of the transaction, so merge decisions see every document
    stored before. An actor whose canonical key another writer inserted
    meanwhile is merged into that row (``INSERT … ON CONFLICT DO NOTHING``,
    then re-read), never a unique-key error.
    """
    if not try_claim(session, document.sha256):
        return SaveResult(status="busy", document_id=None, doc_key=document.id[:255])
    write_lock(session)
    existing = session.scalar(select(DbDocument).where(DbDocument.sha256 == document.sha256))
    if existing is not None:
        return SaveResult(status="unchanged", document_id=existing.id, doc_key=existing.doc_key)
    published = document.published
    if published is None and record.document.published:
        try:
            published = dt.date.fromisoformat(record.document.published)
        except ValueError:
            published = None
    doc = DbDocument(
        doc_key=document.id[:255], path=document.path, format=document.format, sha256=document.sha256,
        size=document.size, title=_clean(document.title or record.document.title), published=published,
        language=document.language or record.document.language, text=_clean(document.text),
        ocr_confidence=document.ocr_confidence,
    )
    session.add(doc)
    session.flush()
    return _Saver(session, doc, record).run()


def stored_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    """The sha256 digests among ``hashes`` that are already stored (their documents would be "unchanged")."""
    wanted = list(dict.fromkeys(hashes))
    out: set[str] = set()
    for chunk in _chunks(wanted):
        out |= set(session.scalars(select(DbDocument.sha256).where(DbDocument.sha256.in_(chunk))))
    return out


#: Tables a save only writes and never reads back during the save: their rows are collected as plain dicts
#: and inserted at its end with one ``executemany`` each (:meth:`_Saver._write_rows`) instead of as ORM objects
#: flushed one ``INSERT … RETURNING`` at a time (about 55 of the 110 statements of a dev-corpus document, and the
#: ORM's bookkeeping for each row).
WRITE_ONLY = (DbActorSource.__table__, DbEventSource.__table__, DbMergeDecision.__table__, DbConflict.__table__,
              DbMention.__table__)


class _Saver:
    """The work of one :func:`save_document` call (state shared by its passes)."""

    def __init__(self, session: Session, doc: DbDocument, record: Record):
        self.s = session
        self.doc = doc
        self.record = sanitize_record(record)
        self.actor_ids: dict[str, int] = {}
        self.actors: dict[str, DbActor] = {}
        self.normalized: dict[str, Actor] = {}
        self.event_ids: dict[str, int] = {}
        self.result = SaveResult(status="new", document_id=doc.id, doc_key=doc.doc_key)
        self._has_merges: bool | None = None
        self._survivors: dict[tuple[Entity, int], int] = {}
        #: rows of the tables a save only writes (:data:`WRITE_ONLY`), by table, in the order they were made
        self._rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in WRITE_ONLY}
        #: per stored actor read during the events' pass: its affiliation (persons) and ISO3 (member states)
        self._affiliation_of: dict[int, int | None] = {}
        self._state_of: dict[int, str | None] = {}

    def run(self) -> SaveResult:
        self._resolve_actors()
        self._link_actors()
        self._resolve_events()
        self._link_events()
        self.s.flush()
        self._write_rows()
        return self.result

    def _write_rows(self) -> None:
        """Insert the collected rows of :data:`WRITE_ONLY`: one ``executemany`` per table, no ORM objects.

        Nothing in a save reads these rows back, so they need not be flushed as they are made; their ids come
        out in the order the rows were made, as the ORM's flushes gave them. Every row they point to (the
        document, actors, events, roles) is flushed by then (:meth:`run`)."""
        conn = self.s.connection()
        for table in WRITE_ONLY:
            rows = self._rows[table.name]
            if rows:
                conn.execute(insert(table), rows)
                rows.clear()

    # -- helpers -----------------------------------------------------------
    def _merges_exist(self) -> bool:
        """True when a reviewer's merge is in force (asked once per save)."""
        if self._has_merges is None:
            self._has_merges = self.s.scalar(select(DbReviewDecision.id).where(
                DbReviewDecision.kind == DecisionKind.MERGE, DbReviewDecision.undone_at.is_(None)).limit(1)) is not None
        return self._has_merges

    def _survivor(self, subject: Entity, row_id: int) -> int:
        """The record ``row_id`` stands for now: the kept record of a reviewer's active merge, else itself.

        A reviewer's merge (:func:`ctrack.track.review.merge`) leaves the
        merged-away actor or event in the table, ``rejected``, with its
        canonical key and any alias or role that could not move; a new
        document that names it must attach to the kept record
        (:func:`ctrack.store.track_repo.merged_into`, following chains).
        One query per save tells whether any merge exists at all; answers are
        kept for the save (merges do not change during it).
        """
        if not self._merges_exist():
            return row_id
        known = self._survivors.get((subject, row_id))
        if known is None:
            known = self._survivors[(subject, row_id)] = merged_into(self.s, subject, row_id) or row_id
        return known

    def _log(self, subject: str, local_id: str, target_id: int, created: bool, rule: str,
             score: float | None = None, **detail: Any) -> None:
        self._rows["merge_decisions"].append(dict(
            document_id=self.doc.id, subject=subject, local_id=local_id[:200], target_id=target_id, created=created,
            rule=rule, score=score, detail=detail))

    def _conflict(self, field: str, value: Any, existing: Any, *, actor_id: int | None = None,
                  event_id: int | None = None) -> None:
        self._rows["conflicts"].append(dict(actor_id=actor_id, event_id=event_id, field=field,
                                            document_id=self.doc.id, value=_text(value), existing=_text(existing)))
        self.result.conflicts += 1

    def _mentions(self, spans: Iterable, *, actor_id: int | None = None, event_id: int | None = None,
                  event_role_id: int | None = None) -> None:
        rows = self._rows["mentions"]
        for sp in spans:
            if sp is None:
                continue
            rows.append(dict(document_id=self.doc.id, start=sp.start, end=sp.end, text=sp.text,
                             rule=(sp.rule or "")[:200], actor_id=actor_id, event_id=event_id,
                             event_role_id=event_role_id))

    # -- actors --------------------------------------------------------------
    def _resolve_actors(self) -> None:
        """Merge each actor of the record into a known actor or create it, persons with longer names first.

        The known actors any of them could match are read in one go
        (:meth:`_candidate_pool`); each actor is then matched against those
        that fit its own lookup (:meth:`_fits`: the same canonical key, an
        alias equal to one of its forms, or for a person an alias ending in its
        surname), including actors created or renamed by earlier actors of the
        same document.
        """
        def order(a: Actor) -> tuple:
            group = kind_group(a.kind)
            return _GROUP_ORDER[group], -len(person_tokens(a.name)) if group == "person" else 0

        todo = []
        for local in sorted(self.record.actors, key=order):
            actor = normalize_actor(local)
            todo.append((local, actor, canonical_key(actor)[:400], *self._lookup(actor)))
        pool = self._candidate_pool([t[2] for t in todo], set().union(*(t[3] for t in todo)) if todo else set(),
                                    {t[4] for t in todo if t[4]})
        for local, actor, key, keys, last in todo:
            candidates = [self._candidate(r) for _, r in sorted(pool.items()) if self._fits(r, key, keys, last)]
            match = match_actor(actor, key, candidates)
            if match is not None:
                row = self.s.get(DbActor, self._survivor(Entity.ACTOR, match.actor_id))
                self._merge_actor(row, actor, match)
                self.result.actors_merged += 1
            else:
                row = self._create_actor(actor, key)
                self.result.actors_created += 1
            pool[row.id] = row
            self.actor_ids[local.id] = row.id
            self.actors[local.id] = row
            self.normalized[local.id] = actor
            self._rows["actor_sources"].append(dict(actor_id=row.id, document_id=self.doc.id,
                                                    local_id=local.id[:200], facts=self._actor_facts(local)))
        self.s.flush()

    def _actor_facts(self, a: Actor) -> dict[str, Any]:
        facts = a.model_dump(mode="json", exclude={"mentions"})
        if a.affiliation:
            aff = self.record.actor(a.affiliation)
            facts["affiliation_name"] = aff.name if aff else None
        return facts

    @staticmethod
    def _lookup(actor: Actor) -> tuple[set[str], str | None]:
        """(normalized forms to find ``actor`` by, a person's normalized surname or None).

        A person is also looked up by the trailing parts of their name
        ("Abdel Ghaffar", "Ghaffar" for "Magdy Abdel Ghaffar").
        """
        keys = lookup_keys(actor)
        last = None
        if actor.kind is ActorKind.PERSON:
            tokens = person_tokens(actor.name)
            keys |= {normalize(" ".join(tokens[-k:])) for k in range(1, len(tokens))}
            last = normalize(surname(actor.name)) or None
        keys.discard("")
        return keys, last

    @staticmethod
    def _fits(row: DbActor, key: str, keys: set[str], last: str | None) -> bool:
        """True when ``row`` is a candidate for an actor with canonical ``key``, lookup ``keys`` and surname ``last``."""
        if row.canonical_key == key:
            return True
        return any(a.normalized in keys or (last is not None and row.kind is ActorKind.PERSON
                                            and a.normalized.endswith(last)) for a in row.aliases)

    def _candidate_pool(self, keys: list[str], forms: set[str], lasts: set[str]) -> dict[int, DbActor]:
        """Stored actors (with their aliases) that fit any of the record's actors, by id: canonical key in
        ``keys``, an alias in ``forms``, or a person with an alias ending in one of ``lasts``; plus the
        records that reviewers merged them into."""
        conds: list[ColumnElement[bool]] = []
        for chunk in _chunks(sorted(forms)):
            conds.append(DbAlias.normalized.in_(chunk))
        if lasts:
            # an indexed equality on the alias's surname key narrows the read; the LIKE keeps the rule
            conds.append(and_(DbAlias.surname_key.in_(sorted(lasts)),
                              or_(*(DbAlias.normalized.like(f"%{last}") for last in sorted(lasts))),
                              DbActor.kind == ActorKind.PERSON))
        ids: set[int] = set()
        for chunk in _chunks(sorted(set(keys))):
            ids |= set(self.s.scalars(select(DbActor.id).where(DbActor.canonical_key.in_(chunk))))
        if conds:
            ids |= set(self.s.scalars(select(DbAlias.actor_id).join(DbActor).where(or_(*conds))))
        ids |= {self._survivor(Entity.ACTOR, i) for i in ids}
        pool: dict[int, DbActor] = {}
        for chunk in _chunks(sorted(ids)):
            pool.update((r.id, r) for r in self.s.scalars(
                select(DbActor).where(DbActor.id.in_(chunk)).options(selectinload(DbActor.aliases))))
        return pool

    def _candidate(self, r: DbActor) -> ActorCandidate:
        """``r`` as offered to :func:`match_actor`. A record merged away by a reviewer offers its names for
        the record it was merged into, so the two never tie as rivals (same id) and a match lands on the kept one."""
        return ActorCandidate(id=self._survivor(Entity.ACTOR, r.id), kind=r.kind, key=r.canonical_key, name=r.name,
                              acronym=r.acronym, iso3=r.iso3, aliases=tuple(a.alias for a in r.aliases),
                              normalized=frozenset(a.normalized for a in r.aliases))

    def _create_actor(self, actor: Actor, key: str) -> DbActor:
        """A new actor row for ``actor`` under canonical ``key``.

        Inserted with ``ON CONFLICT (canonical_key) DO NOTHING`` (PostgreSQL
        and SQLite both have it): when another writer stored the key since the
        candidates were read, that row is re-read and ``actor`` merged into it
        (logged with rule ``key_conflict``) instead of failing the document.
        """
        values = dict(kind=actor.kind, canonical_key=key, name=actor.name, acronym=actor.acronym, iso3=actor.iso3,
                      review_state=ReviewState.PROPOSED)
        dialect = self.s.get_bind().dialect.name
        if dialect in ("postgresql", "sqlite"):
            insert = _dialect_insert(dialect)
            new_id = self.s.scalar(insert(DbActor).values(**values)
                                   .on_conflict_do_nothing(index_elements=[DbActor.canonical_key])
                                   .returning(DbActor.id))
            if new_id is None:
                row = self.s.scalars(select(DbActor).where(DbActor.canonical_key == key)
                                     .execution_options(populate_existing=True)).one()
                row = self.s.get(DbActor, self._survivor(Entity.ACTOR, row.id))
                self._merge_actor(row, actor, ActorMatch(actor_id=row.id, rule="key_conflict"))
                return row
            row = self.s.get(DbActor, new_id)
        else:
            row = DbActor(**values, aliases=[])
            self.s.add(row)
            self.s.flush()
        self._add_aliases(row, actor)
        self._log("actor", actor.id, row.id, True, "new", key=key, name=actor.name)
        return row

    def _add_aliases(self, row: DbActor, actor: Actor) -> None:
        have = {a.alias for a in row.aliases}
        for form in surface_forms(actor):
            if form not in have:
                row.aliases.append(DbAlias(alias=form, normalized=normalize(form)[:400], document_id=self.doc.id))
                have.add(form)

    def _merge_actor(self, row: DbActor, actor: Actor, match: ActorMatch) -> None:
        self._add_aliases(row, actor)
        reviewed = row.review_state.is_human
        for field in ("acronym", "iso3"):
            new, old = getattr(actor, field), getattr(row, field)
            if not new or new == old:
                continue
            if old is None and not reviewed:
                setattr(row, field, new)
            elif not (field == "acronym" and old and normalize(old) == normalize(new)):
                self._conflict(field, new, old, actor_id=row.id)
        if actor.kind is not row.kind:
            self._conflict("kind", actor.kind.value, row.kind.value, actor_id=row.id)
        if not reviewed and is_fuller_name(actor, row.name, row.acronym):
            old_name = row.name
            row.name = actor.name
            if actor.kind is ActorKind.PERSON:
                new_key = person_key(actor.name)
                if self.s.scalar(select(func.count()).where(DbActor.canonical_key == new_key)) == 0:
                    row.canonical_key = new_key
            self._log("actor", actor.id, row.id, False, "fuller_name", old=old_name, new=actor.name)
        self._log("actor", actor.id, row.id, False, match.rule, match.score, name=actor.name, into=row.name)

    def _link_actors(self) -> None:
        """Second pass: affiliations, dated titles, mentions (needs every actor's stored id)."""
        for local in self.record.actors:
            row = self.actors[local.id]
            actor = self.normalized[local.id]
            aff_id = self.actor_ids.get(local.affiliation) if local.affiliation else None
            if aff_id is not None and aff_id != row.id and actor.kind is not ActorKind.MEMBER_STATE:
                if row.affiliation_id is None and not row.review_state.is_human:
                    row.affiliation_id = aff_id
                elif row.affiliation_id != aff_id:
                    old = self.s.get(DbActor, row.affiliation_id) if row.affiliation_id else None
                    self._conflict("affiliation", self.s.get(DbActor, aff_id).name, old.name if old else None,
                                   actor_id=row.id)
            if actor.kind is ActorKind.PERSON and local.title:
                self.s.add(DbTitle(person_id=row.id, title=local.title, affiliation_id=aff_id,
                                   document_id=self.doc.id, as_of=self._as_of(local.id)))
                self.s.flush()
                self._update_current_title(row)
            self._mentions(local.mentions, actor_id=row.id)
        self.s.flush()

    def _as_of(self, local_id: str) -> str | None:
        if self.doc.published:
            return self.doc.published.isoformat()
        starts = [e.start for e in self.record.events
                  if e.start and dates.parse(e.start) and any(r.actor == local_id for r in e.roles)]
        return min(starts, key=dates.sort_key) if starts else None

    def _update_current_title(self, row: DbActor) -> None:
        """A person's current title is the latest dated title not rejected (undated ones only when none is
        dated; on a tie the last stored). Read as one row: a person named in many documents has many titles."""
        if row.review_state.is_human:
            return
        # ISO dates at text precision sort as text ("2018-05" < "2018-05-03" < "2018-12"), hyphens or not
        latest = self.s.scalar(
            select(DbTitle.title).where(DbTitle.person_id == row.id, DbTitle.review_state != _REJECTED)
            .order_by(DbTitle.as_of.is_(None), DbTitle.as_of.desc(), DbTitle.id.desc()).limit(1))
        if latest is not None:
            row.title = latest

    # -- events --------------------------------------------------------------
    def _common_actors(self, facts: list[EventFacts]) -> set[int]:
        """The very common actors (:func:`ctrack.resolve.events.common_actor_ids`) among the parties of ``facts``.

        Only a party of a new event can be a shared actor, so the role counts
        are read for those actors alone (an indexed lookup instead of a
        count over every stored role, which grew with the knowledge base).
        """
        parties = set().union(*(f.parties for f in facts)) if facts else set()
        if not parties:
            return set()
        role_counts: dict[int, int] = {}
        for chunk in _chunks(sorted(parties)):
            role_counts.update(self.s.execute(
                select(DbEventRole.actor_id, func.count(distinct(DbEventRole.event_id)))
                .where(DbEventRole.actor_id.in_(chunk)).group_by(DbEventRole.actor_id)).all())
        total = self.s.scalar(select(func.count()).select_from(DbEvent)) or 0
        return common_actor_ids(role_counts, total)

    def _resolve_events(self) -> None:
        """Merge each event of the record into a stored event or create it.

        First the events the record tells twice are folded into one
        (:func:`ctrack.resolve.events.fold_document_events`: an "assessment
        visit" and a "visit" of the same days and visitors): the one told
        again is merged into the kept one's row like a second report (fill,
        refine, conflicts; its roles and evidence added) and its own facts are
        kept in the merge decision (an event has one source row per document).
        """
        affiliations = self._affiliations(set(self.actor_ids.values()))
        states = {row.id: row.iso3 for row in self.actors.values()
                  if row.kind == ActorKind.MEMBER_STATE and row.iso3}
        all_facts = [self._facts(ev, affiliations, states) for ev in self.record.events]
        index = {ev.id: i for i, ev in enumerate(self.record.events)}
        folded = fold_document_events(all_facts, {i: index[ev.part_of] for i, ev in enumerate(self.record.events)
                                                  if ev.part_of in index})
        common = self._common_actors(all_facts)
        used: set[int] = set()
        kept_first = sorted(range(len(all_facts)), key=lambda i: i in folded)
        for i in kept_first:
            ev, facts = self.record.events[i], all_facts[i]
            if i in folded:
                kept = self.record.events[folded[i]]
                row = self.s.get(DbEvent, self.event_ids[kept.id])
                self._merge_event(row, ev)
                row.confidence = _higher(row.confidence, ev.confidence)
                self._log("event", ev.id, row.id, False, "same_event_in_document", None, kept=kept.id[:200],
                          facts=self._event_facts(ev))
                self.result.events_merged += 1
                self.event_ids[ev.id] = row.id
                self._roles(row, ev)
                self._mentions(ev.evidence, event_id=row.id)
                self.s.flush()
                continue
            match = match_event(facts, self._event_candidates(facts, common), common, used)
            created = match is None
            if match is not None:
                row = self.s.get(DbEvent, self._survivor(Entity.EVENT, match.event_id))
                self._merge_event(row, ev)
                row.confidence = _higher(row.confidence, ev.confidence)
                self._log("event", ev.id, row.id, False, match.rule, match.score, shared=list(match.shared))
                self.result.events_merged += 1
            else:
                row = DbEvent(type=ev.type, name=ev.name, start=ev.start, end=ev.end, city=ev.city,
                              country=ev.country, status=ev.status, delegations=ev.delegations, confidence=ev.confidence)
                self.s.add(row)
                self.s.flush()
                self._log("event", ev.id, row.id, True, "new")
                self.result.events_created += 1
            used.add(row.id)
            self.event_ids[ev.id] = row.id
            self._rows["event_sources"].append(dict(event_id=row.id, document_id=self.doc.id,
                                                    local_id=ev.id[:200], facts=self._event_facts(ev)))
            self._roles(row, ev, new_event=created)
            self._mentions(ev.evidence, event_id=row.id)
            self.s.flush()

    def _facts(self, ev: Event, affiliations: dict[int, int], states: dict[int, str]) -> EventFacts:
        """The event as reported, for matching; ``affiliations`` maps stored person ids to their affiliation,
        ``states`` stored member-state ids to their ISO3."""
        roles = frozenset((self.actor_ids[r.actor], r.role) for r in ev.roles if r.actor in self.actor_ids)
        actors = {a for a, _ in roles}
        return EventFacts(id=None, type=ev.type, start=ev.start, end=ev.end, country=ev.country, city=ev.city,
                          name=ev.name, roles=roles, status=ev.status,
                          affiliations={a: b for a, b in affiliations.items() if a in actors},
                          states={a: iso for a, iso in states.items() if a in actors})

    def _states(self, actor_ids: set[int]) -> dict[int, str]:
        """{stored member-state id: ISO3} among ``actor_ids`` (read once per actor and save: see
        :meth:`_known`)."""
        return self._known(self._state_of, actor_ids, lambda ids: select(DbActor.id, DbActor.iso3).where(
            DbActor.id.in_(ids), DbActor.kind == ActorKind.MEMBER_STATE, DbActor.iso3.is_not(None)))

    def _affiliations(self, actor_ids: set[int]) -> dict[int, int]:
        """{stored person id: the id of the actor it acts for} among ``actor_ids`` (read once per actor and
        save: see :meth:`_known`)."""
        return self._known(self._affiliation_of, actor_ids, lambda ids: select(DbActor.id, DbActor.affiliation_id).where(
            DbActor.id.in_(ids), DbActor.affiliation_id.is_not(None), DbActor.kind == ActorKind.PERSON))

    def _known(self, cache: dict[int, Any], actor_ids: set[int], query) -> dict[int, Any]:
        """{id: value} among ``actor_ids`` whose value is not None, reading from the database (``query(ids)``:
        rows (id, value)) only the ids not in ``cache`` and remembering every answer, None for an id the query
        did not return. Valid while no actor's kind, ISO3 or affiliation changes: during
        :meth:`_resolve_events` (the actors' pass, :meth:`_link_actors`, is over; events change no actor),
        where every candidate event asks again for the actors of the document and of the stored events
        around it."""
        todo = sorted(a for a in actor_ids if a not in cache)
        if todo:
            found = {}
            for chunk in _chunks(todo):
                found.update(self.s.execute(query(chunk)).all())
            cache.update((a, found.get(a)) for a in todo)
        return {a: cache[a] for a in actor_ids if cache[a] is not None}

    def _event_candidates(self, facts: EventFacts, common: set[int]) -> list[EventFacts]:
        """Stored events that :func:`match_event` could merge ``facts`` into: a compatible type
        (:func:`ctrack.resolve.events.compatible_types`), a start in the
        years around its dates (or undated and named, for an undated named report), and a party in common
        that is not among the ``common`` actors — a role held by one of its parties, or by a person acting
        for one (rule 4; without such a party nothing can match, so the read stops there). Events a
        reviewer merged away are offered too (as their kept event)."""
        parties = sorted(facts.parties - set(common))
        if not parties:
            return []
        q = select(DbEvent).where(DbEvent.type.in_(compatible_types(facts.type)))
        span = dates.interval(facts.start, facts.end)
        if span is not None:
            # a start in the years around its dates, read on the indexed day column: start_day is the first
            # day of the start, so its year is the start's year
            q = q.where(DbEvent.start_day >= dt.date(span[0].year - 1, 1, 1),
                        DbEvent.start_day <= dt.date(span[1].year, 12, 31))
        elif facts.name:
            q = q.where(DbEvent.start.is_(None), DbEvent.name.is_not(None))
        else:
            return []
        acting_for = select(DbActor.id).where(DbActor.kind == ActorKind.PERSON, DbActor.affiliation_id.in_(parties))
        sharing = select(DbEventRole.event_id).where(
            DbEventRole.review_state != _REJECTED,
            or_(DbEventRole.actor_id.in_(parties), DbEventRole.actor_id.in_(acting_for)))
        if self._merges_exist():
            merged_away = select(DbReviewDecision.other_id).where(
                DbReviewDecision.kind == DecisionKind.MERGE, DbReviewDecision.subject == Entity.EVENT,
                DbReviewDecision.undone_at.is_(None))
            q = q.where(or_(DbEvent.id.in_(sharing), DbEvent.id.in_(merged_away)))
        else:
            q = q.where(DbEvent.id.in_(sharing))
        events = self.s.scalars(q).all()
        if not events:
            return []
        # an event a reviewer merged away is offered as its kept event (id) with the kept event's roles,
        # since the merge moved its roles there
        survivor = {e.id: self._survivor(Entity.EVENT, e.id) for e in events}
        roles: dict[int, set[tuple[int, RoleType]]] = defaultdict(set)
        for event_id, actor_id, role in self.s.execute(
                select(DbEventRole.event_id, DbEventRole.actor_id, DbEventRole.role).where(
                    DbEventRole.event_id.in_(set(survivor) | set(survivor.values())),
                    DbEventRole.review_state != _REJECTED)):
            roles[event_id].add((actor_id, role))
        role_actors = {a for pairs in roles.values() for a, _ in pairs}
        affs, states = self._affiliations(role_actors), self._states(role_actors)
        return [EventFacts(id=survivor[e.id], type=e.type, start=e.start, end=e.end, country=e.country,
                           city=e.city, name=e.name, roles=frozenset(roles[e.id] | roles[survivor[e.id]]),
                           affiliations=affs, states=states, status=e.status) for e in events]

    def _event_facts(self, ev: Event) -> dict[str, Any]:
        facts = ev.model_dump(mode="json", exclude={"evidence", "roles"})
        facts["roles"] = [
            {"actor": r.actor, "role": r.role.value, "actor_id": self.actor_ids.get(r.actor),
             "key": self.actors[r.actor].canonical_key if r.actor in self.actors else None}
            for r in ev.roles]
        return facts

    def _merge_event(self, row: DbEvent, ev: Event) -> None:
        """Fold a report ``ev`` into the stored ``row`` (:func:`ctrack.resolve.events.diff_fields`). A report
        of a more specific compatible type (an assessment visit into a stored visit) refines the type, unless
        a reviewer decided the row: then it is a conflict."""
        if ev.type is not row.type and specific_type(row.type, ev.type) is ev.type:
            if row.review_state.is_human:
                self._conflict("type", ev.type.value, row.type.value, event_id=row.id)
            else:
                self._log("event", ev.id, row.id, False, "refine_type", value=ev.type.value, old=row.type.value)
                row.type = ev.type
        existing = {f: getattr(row, f) for f in ("name", "start", "end", "city", "country", "status", "delegations")}
        incoming = {"name": ev.name, "start": ev.start, "end": ev.end, "city": ev.city, "country": ev.country,
                    "status": ev.status, "delegations": ev.delegations}
        for ch in diff_fields(existing, incoming, reviewed=row.review_state.is_human):
            if ch.action == "conflict":
                self._conflict(ch.field, ch.value, ch.existing, event_id=row.id)
            else:
                setattr(row, ch.field, ch.value)
                self._log("event", ev.id, row.id, False, f"{ch.action}_{ch.field}", value=_text(ch.value),
                          old=_text(ch.existing))

    def _roles(self, row: DbEvent, ev: Event, new_event: bool = False) -> None:
        """Add the event's (actor, role) pairs not stored yet (an existing row keeps its review state) and
        the evidence of each role. ``new_event``: the row was just created, so it has no roles to read."""
        have: dict[tuple[int, RoleType], DbEventRole] = {} if new_event else {
            (x.actor_id, x.role): x for x in self.s.scalars(select(DbEventRole).where(DbEventRole.event_id == row.id))}
        evidence: list[tuple[DbEventRole, Any]] = []
        for r in ev.roles:
            actor_id = self.actor_ids.get(r.actor)
            if actor_id is None:
                continue
            role_row = have.get((actor_id, r.role))
            if role_row is None:
                role_row = DbEventRole(event_id=row.id, actor_id=actor_id, role=r.role, document_id=self.doc.id,
                                       confidence=r.confidence)
                self.s.add(role_row)
                have[(actor_id, r.role)] = role_row
                self.result.roles_added += 1
            else:
                role_row.confidence = _higher(role_row.confidence, r.confidence)
            if r.evidence is not None:
                evidence.append((role_row, r.evidence))
        if evidence:
            self.s.flush()  # ids of the new role rows
            for role_row, span in evidence:
                self._mentions([span], event_role_id=role_row.id)

    def _link_events(self) -> None:
        """Second pass: ``part_of`` links (needs every event's stored id)."""
        for ev in self.record.events:
            if not ev.part_of or ev.part_of not in self.event_ids:
                continue
            row = self.s.get(DbEvent, self.event_ids[ev.id])
            parent_id = self.event_ids[ev.part_of]
            if parent_id == row.id or row.part_of_id == parent_id:
                continue
            if row.part_of_id is None and not row.review_state.is_human and not _is_ancestor(self.s, row.id, parent_id):
                row.part_of_id = parent_id
            else:
                self._conflict("part_of", parent_id, row.part_of_id, event_id=row.id)


def _dialect_insert(dialect: str):
    """The ``insert`` construct of ``dialect`` (it has ``on_conflict_do_nothing``)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


_ISO3 = re.compile(r"^[A-Z]{3}$")


def _iso3(value: str | None) -> str | None:
    """A valid ISO3 code for ``value`` (an ISO3 code or a state name), or None."""
    if not value or not value.strip():
        return None
    if _ISO3.match(value.strip()):
        return value.strip()
    from ctrack.gazetteer import get_gazetteer

    st = get_gazetteer().lookup_state(value)
    return st.iso3 if st else None


def _cut(value: str | None, size: int) -> str | None:
    value = value.strip() if value else value
    return value[:size] if value else None


def sanitize_record(record: Record) -> Record:
    """A copy of ``record`` that fits the columns, whatever the extractor produced.

    Actors without a name are dropped (with their roles); names and titles
    are cut to 400 characters, acronyms longer than 40 become aliases; ISO3
    codes and venue countries must be three capitals (a state name is looked
    up in the gazetteer, anything else becomes null); dates that are not ISO
    dates at some precision become null; a negative delegation count becomes
    null. Nothing else changes.
    """
    actors = []
    for a in record.actors:
        name = _cut(a.name, 400)
        if not name:
            continue
        acronym, aliases = a.acronym, [x for x in (_cut(x, 400) for x in a.aliases) if x]
        if acronym and len(acronym.strip()) > 40:
            aliases.append(acronym.strip()[:400])
            acronym = None
        actors.append(a.model_copy(update={
            "name": name, "acronym": _cut(acronym, 40), "iso3": _iso3(a.iso3), "title": _cut(a.title, 400),
            "aliases": aliases}))
    kept = {a.id for a in actors}
    events = []
    for e in record.events:
        events.append(e.model_copy(update={
            "start": e.start if dates.parse(e.start) else None,
            "end": e.end if dates.parse(e.end) else None,
            "country": _iso3(e.country), "city": _cut(e.city, 200),
            "delegations": e.delegations if e.delegations is None or e.delegations >= 0 else None,
            "roles": [r for r in e.roles if r.actor in kept]}))
    return record.model_copy(update={"actors": actors, "events": events})


def _is_ancestor(session: Session, event_id: int, of_id: int) -> bool:
    """True when ``event_id`` is ``of_id`` or one of its parents (a link would make a cycle)."""
    seen: set[int] = set()
    current: int | None = of_id
    while current is not None and current not in seen:
        if current == event_id:
            return True
        seen.add(current)
        current = session.scalar(select(DbEvent.part_of_id).where(DbEvent.id == current))
    return False


def _clean(text: str | None) -> str | None:
    """``text`` with NUL characters (which PostgreSQL text refuses) replaced by spaces; offsets unchanged."""
    return text.replace("\x00", " ") if text else text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

def _ref(row: DbActor) -> ActorRef:
    return ActorRef(id=row.id, kind=row.kind, name=row.name, acronym=row.acronym, iso3=row.iso3)


def _source(doc: DbDocument) -> SourceRow:
    return SourceRow(document_id=doc.id, doc_key=doc.doc_key, title=doc.title, published=doc.published,
                     path=doc.path)


_DOC_COLUMNS = (DbDocument.id, DbDocument.doc_key, DbDocument.title, DbDocument.published, DbDocument.path)


_EVENT_COLUMNS = (DbEvent.id, DbEvent.type, DbEvent.name, DbEvent.start, DbEvent.end, DbEvent.city, DbEvent.country,
                  DbEvent.status, DbEvent.delegations, DbEvent.part_of_id, DbEvent.review_state, DbEvent.confidence)
_ROLE_ORDER = {r: i for i, r in enumerate(RoleType)}


def _roles_with_actors(session: Session, among: ColumnElement[bool], kept: tuple[ReviewState, ...]) -> list[tuple]:
    """(event_id, role, review_state, confidence, actor id, kind, name, acronym, iso3) of the roles of the
    events ``among`` selects (a condition on ``event_roles.event_id``) in the review states ``kept``, whose
    actor is not rejected: one read. On PostgreSQL the actor is a ``LATERAL`` look-up by primary key behind
    ``OFFSET 0`` (which keeps the planner from flattening it into a join): as a plain join, for the roles of
    250 events (about 1,350 rows) PostgreSQL hashed the whole actors table (55,000 rows: 53 ms against 11 ms,
    EXPLAIN ANALYZE at a million events); SQLite looks each actor up by its key either way."""
    role = DbEventRole
    cols = (DbActor.id, DbActor.kind, DbActor.name, DbActor.acronym, DbActor.iso3)
    conds = (among, role.review_state.in_(kept))
    head = (role.event_id, role.role, role.review_state, role.confidence)
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import true

        actor = (select(*cols).where(DbActor.id == role.actor_id, DbActor.review_state != _REJECTED)
                 .offset(0).lateral("role_actor"))
        stmt = select(*head, *actor.c).select_from(role).join(actor, true()).where(*conds)
    else:
        stmt = (select(*head, *cols).join(DbActor, DbActor.id == role.actor_id)
                .where(*conds, DbActor.review_state != _REJECTED))
    return session.connection().execute(stmt).all()


def _load_events(session: Session, where: ColumnElement[bool], reviewed_only: bool = False, *,
                 sources: bool = True) -> list[EventRow]:
    """EventRows (roles, sources, conflicts) for the events matching ``where``, in date order.

    With ``reviewed_only``, only events and roles a reviewer confirmed or corrected; with ``sources`` False,
    the rows' ``sources`` and ``conflicts`` are left empty and not read (for a list that shows neither). Four column reads
    without ORM objects (a page of 250 events was 0.9 s of object loading): the events; their roles with
    their actors (:func:`_roles_with_actors`); their sources with their documents; their conflicts with the
    documents that gave them (joined by primary key: one read where a read of the ids and another of the
    rows were two round trips; the ids as one array parameter on PostgreSQL, :func:`_id_sets`). The rows
    are validated models (pydantic's validation in Rust: 3.0 ms for a page of 50 events and 300 roles where
    ``model_construct``, in Python, took 7.2), each actor and document one object however many roles and
    sources name it. The conflicts are read only for the events that have some (a column of the events' read
    says which): three reads for most pages.
    """
    kept = (ReviewState.CONFIRMED, ReviewState.CORRECTED) if reviewed_only else tuple(
        s for s in ReviewState if s is not _REJECTED)
    # with the sources, whether the event has conflicts (an EXISTS by the conflicts' event index): their read,
    # a round trip, only for the events that have some (few do)
    flag = ((select(literal(1)).where(DbConflict.event_id == DbEvent.id).correlate(DbEvent).exists()
             .label("has_conflicts"),) if sources else ())
    events = session.execute(select(*_EVENT_COLUMNS, *flag).where(where, DbEvent.review_state.in_(kept))).all()
    if not events:
        return []
    conn = session.connection()  # Core: no ORM row work
    role_rows: list[tuple] = []
    source_rows: list[tuple] = []
    conflict_rows: list[tuple] = []
    ids = [e.id for e in events]
    for among in _id_sets(session, DbEventRole.event_id, ids):
        role_rows += _roles_with_actors(session, among, kept)
    for among in _id_sets(session, DbEventSource.event_id, ids) if sources else ():
        source_rows += conn.execute(select(DbEventSource.event_id, *_DOC_COLUMNS)
                                    .join(DbDocument, DbDocument.id == DbEventSource.document_id).where(among)).all()
    with_conflicts = [e.id for e in events if e.has_conflicts] if sources else []
    for among in _id_sets(session, DbConflict.event_id, with_conflicts):
        conflict_rows += conn.execute(
            select(DbConflict.id, DbConflict.event_id, DbConflict.field, DbConflict.value, DbConflict.existing,
                   DbConflict.review_state, *_DOC_COLUMNS)
            .join(DbDocument, DbDocument.id == DbConflict.document_id).where(among).order_by(DbConflict.id)).all()

    refs: dict[int, ActorRef] = {}
    docs: dict[int, SourceRow] = {}

    def ref(a_id: int, kind: ActorKind, name: str, acronym: str | None, iso3: str | None) -> ActorRef:
        found = refs.get(a_id)
        if found is None:
            found = refs[a_id] = ActorRef(id=a_id, kind=kind, name=name, acronym=acronym, iso3=iso3)
        return found

    def source(doc_id: int, doc_key: str, title: str | None, published: dt.date | None, path: str | None) -> SourceRow:
        found = docs.get(doc_id)
        if found is None:
            found = docs[doc_id] = SourceRow(document_id=doc_id, doc_key=doc_key, title=title, published=published,
                                             path=path)
        return found

    roles: dict[int, list[tuple]] = defaultdict(list)
    for row in role_rows:
        roles[row[0]].append(row)
    sources: dict[int, list[SourceRow]] = defaultdict(list)
    for event_id, *doc in source_rows:
        sources[event_id].append(source(*doc))
    conflicts: dict[int, list[ConflictRow]] = defaultdict(list)
    for c_id, event_id, field, value, existing, state, *doc in conflict_rows:
        conflicts[event_id].append(ConflictRow(id=c_id, field=field, value=value, existing=existing,
                                               review_state=state, source=source(*doc)))
    out = []
    for e in events:
        ordered = sorted(roles.get(e.id, ()), key=lambda r: (_ROLE_ORDER[r[1]], r[6]))
        out.append(EventRow(
            id=e.id, type=e.type, name=e.name, start=e.start, end=e.end, city=e.city, country=e.country,
            status=e.status, delegations=e.delegations, part_of_id=e.part_of_id, review_state=e.review_state,
            confidence=e.confidence,
            roles=[RoleRow(actor=ref(*r[4:]), role=r[1], review_state=r[2], confidence=r[3]) for r in ordered],
            sources=sorted(sources.get(e.id, ()), key=lambda d: (d.published or dt.date.max, d.doc_key)),
            conflicts=conflicts.get(e.id, [])))
    out.sort(key=lambda ev: (dates.sort_key(ev.start), ev.id))
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _id_sets(session: Session, column, ids: list[int]) -> Iterable[ColumnElement[bool]]:
    """Conditions "``column`` is one of ``ids``" that together cover ``ids``: on PostgreSQL one
    ``column = ANY(CAST(:ids AS INTEGER[]))`` with the ids as one parameter; elsewhere ``IN`` lists of :func:`_chunks`.
    An ``IN`` list of n ids is n bound parameters, each rendered by SQLAlchemy and parsed again by psycopg:
    for the network's 2,000 events, their ~11,000 roles' actors and the events' types that was 0.2-0.4 s of
    client CPU per request at a million events, more than PostgreSQL's own work."""
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import Integer, Text, any_, bindparam, cast
        from sqlalchemy.dialects.postgresql import ARRAY

        # the array as its text form '{1,2,...}' (psycopg's list dumper took ~40 ms for 12,000 ids)
        array = "{" + ",".join(str(int(i)) for i in ids) + "}"
        yield column == any_(cast(bindparam("ids", array, type_=Text), ARRAY(Integer)))
        return
    for chunk in _chunks(ids):
        yield column.in_(chunk)


def _id_in(session: Session, column, ids: list[int]) -> ColumnElement[bool]:
    """"``column`` is one of ``ids``" as one condition whose SQL text does not depend on how many ids there
    are: on PostgreSQL ``column = ANY(CAST(:ids AS INTEGER[]))`` (:func:`_id_sets`), elsewhere an ``IN`` list
    (``ids`` at most a page, :data:`ctrack.service.paging.MAX_LIMIT`). psycopg prepares a statement on the
    server after it has run the same text 5 times on a connection (``prepare_threshold``), so PostgreSQL
    then skips parsing and planning it; an ``IN`` list is a new text for every length (a page of 37 events
    and one of 50), so the reads of a page were planned again each time (0.7-3.9 ms of planning for the
    events' read, ``EXPLAIN ANALYZE`` at a million events)."""
    if session.get_bind().dialect.name == "postgresql":
        return next(iter(_id_sets(session, column, ids)))
    return column.in_(ids)


def _actor_rows(session: Session, where: ColumnElement[bool], timelines: dict[int, int] | None = None,
                titled: set[int] | None = None) -> list[ActorRow]:
    """ActorRows (with aliases, affiliation and counts) for the actors matching ``where``, by kind then name
    (then id): one read, as :func:`_actor_rows_for` reads them (``timelines`` and ``titled`` as there)."""
    return _read_actor_rows(session, where, (DbActor.kind, DbActor.name, DbActor.id), timelines, titled)


def _actor_rows_for(session: Session, ids: list[int], timelines: dict[int, int] | None = None,
                    titled: set[int] | None = None) -> list[ActorRow]:
    """ActorRows for ``ids``, in that order, with the events and documents of each: read from
    ``agg_actors`` (:mod:`ctrack.store.aggregates`; the events counted in SQL for those actors alone
    while this transaction has queued changes): the count of a busy person read a tenth of all roles.
    One read of columns per 500 ids (no ORM objects): the actor, its affiliation and its counts joined by
    primary key, its aliases by an outer join (one row per alias), where there were two statements (the
    actors with their affiliation, then their aliases by ``selectinload``) and ORM objects for each.
    ``timelines``: filled with {actor id: timeline total} (:attr:`DbAggActor.timeline`) when the
    aggregates are fresh, for :func:`actor_timeline`; ``titled`` (when given): filled with the ids of the
    actors that have dated titles (``person_titles``, an ``EXISTS`` column of the same read), so that a
    timeline reads the titles only when there are some."""
    if not ids:
        return []
    found: dict[int, ActorRow] = {}
    for chunk in _chunks(ids):
        for row in _read_actor_rows(session, DbActor.id.in_(chunk), None, timelines, titled):
            found[row.id] = row
    return [found[i] for i in ids if i in found]


_AFFILIATION = aliased(DbActor, name="affiliation")
#: the aliases joined to the actors' read (an alias of the table, so that a condition's own subquery on
#: ``actor_aliases``, as :func:`find_actor`'s, is not correlated with it)
_ALIAS_ROW = aliased(DbAlias, name="alias_row")


def _read_actor_rows(session: Session, where: ColumnElement[bool], order: tuple | None,
                     timelines: dict[int, int] | None, titled: set[int] | None = None) -> list[ActorRow]:
    """The :class:`ActorRow` of each actor matching ``where``, in ``order`` (None: any), in one read of
    columns: the actor, its affiliation (outer join by primary key), its counts from the aggregates when they
    are kept (outer joins by primary key) and its aliases (outer join: one row per alias, an actor's rows
    adjacent). Without fresh aggregates the events (and, without kept ones, the documents) are counted in a
    grouped read for those actors; ``timelines`` and ``titled`` as in :func:`_actor_rows_for`."""
    kept = aggregates.kept(session)
    fresh = kept and aggregates.fresh(session)
    aff = _AFFILIATION
    cols = [DbActor.id, DbActor.kind, DbActor.name, DbActor.acronym, DbActor.iso3, DbActor.canonical_key,
            DbActor.title, DbActor.review_state, aff.id, aff.kind, aff.name, aff.acronym, aff.iso3, _ALIAS_ROW.alias]
    stmt = select(*cols)
    if kept:  # agg_actors: documents kept by triggers, events when nothing is queued
        d = DbAggActorDocuments
        stmt = (select(*cols, DbAggActor.events, DbAggActor.timeline, d.n)
                .outerjoin(DbAggActor, DbAggActor.actor_id == DbActor.id).outerjoin(d, d.actor_id == DbActor.id))
    if titled is not None:  # the last column: whether it has dated titles (the titles' person index)
        stmt = stmt.add_columns(select(literal(1)).where(DbTitle.person_id == DbActor.id).correlate(DbActor)
                                .exists().label("has_titles"))
    stmt = (stmt.outerjoin(aff, aff.id == DbActor.affiliation_id)
            .outerjoin(_ALIAS_ROW, _ALIAS_ROW.actor_id == DbActor.id).where(where))
    if order is not None:
        stmt = stmt.order_by(*order)
    rows: dict[int, list] = {}
    aliases: dict[int, set[str]] = {}
    for r in session.execute(stmt):
        a_id = r[0]
        if a_id not in rows:
            rows[a_id] = r
            aliases[a_id] = set()
            if titled is not None and r[-1]:
                titled.add(a_id)
        if r[13] is not None:
            aliases[a_id].add(r[13])
    if not rows:
        return []
    n_events: dict[int, int] = {}
    n_docs: dict[int, int] = {}
    if kept:
        for a_id, r in rows.items():
            n_docs[a_id] = r[16] or 0
            if fresh:
                n_events[a_id] = r[14] or 0
                if timelines is not None:
                    timelines[a_id] = r[15] or 0
    ids = list(rows)
    for chunk in _chunks(ids) if not fresh or not kept else ():
        if not fresh:
            n_events.update(session.execute(
                select(DbEventRole.actor_id, func.count(distinct(DbEventRole.event_id)))
                .join(DbEvent, DbEvent.id == DbEventRole.event_id)
                .where(DbEventRole.actor_id.in_(chunk), DbEventRole.review_state != _REJECTED,
                       DbEvent.review_state != _REJECTED)
                .group_by(DbEventRole.actor_id)).all())
        if not kept:
            n_docs.update(session.execute(
                select(DbActorSource.actor_id, func.count(distinct(DbActorSource.document_id)))
                .where(DbActorSource.actor_id.in_(chunk)).group_by(DbActorSource.actor_id)).all())
    out = []
    for a_id, r in rows.items():
        affiliation = (ActorRef(id=r[8], kind=r[9], name=r[10], acronym=r[11], iso3=r[12])
                       if r[8] is not None else None)
        out.append(ActorRow(id=a_id, kind=r[1], name=r[2], acronym=r[3], iso3=r[4], canonical_key=r[5],
                            title=r[6], affiliation=affiliation, review_state=r[7],
                            aliases=sorted(aliases[a_id] - {r[2]}), events=n_events.get(a_id, 0),
                            documents=n_docs.get(a_id, 0)))
    return out


def _actor_conditions(kind: ActorKind | str | None = None, q: str | None = None,
                      review_state: ReviewState | str | None = None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [DbActor.review_state != _REJECTED]
    if kind:
        conds.append(DbActor.kind == ActorKind(kind))
    if review_state:
        conds.append(DbActor.review_state == ReviewState(review_state))
    if q:
        pattern = f"%{q.strip()}%"
        conds.append(or_(
            DbActor.name.ilike(pattern), DbActor.acronym.ilike(pattern), DbActor.iso3.ilike(pattern),
            DbActor.id.in_(select(DbAlias.actor_id).where(or_(
                DbAlias.alias.ilike(pattern), DbAlias.normalized.like(f"%{normalize(q)}%")))),
        ))
    return conds


def list_actors(session: Session, kind: ActorKind | str | None = None, q: str | None = None) -> list[ActorRow]:
    """Every actor (not rejected), by kind then name; ``kind`` filters, ``q`` is a case-insensitive
    substring of the name, acronym, ISO3 or any alias. Unbounded: for scripts, tests and small
    scopes; the faces page with :func:`page_actors`. Raises ValueError for an unknown kind."""
    return _actor_rows(session, and_(*_actor_conditions(kind, q)))


#: Sort keys of :func:`page_actors` (default: kind, then name).
ACTOR_SORTS = ("kind", "name", "events", "documents", "id")


def page_actors(session: Session, *, kind: ActorKind | str | None = None, q: str | None = None,
                review_state: ReviewState | str | None = None, sort: str | None = None, descending: bool = False,
                limit: int = 50, offset: int = 0, after: str | None = None) -> tuple[list[ActorRow], int, str | None]:
    """One page of the actors :func:`list_actors` would give, filtered, sorted, counted and sliced in SQL.

    ``sort`` is one of :data:`ACTOR_SORTS` (ties by id); ``after`` the
    cursor of the previous page (keyset paging, an indexed range read on
    kind, name and id). Without ``q`` the total comes from the aggregates'
    table totals (actors by kind and review state), not a ``COUNT`` of the
    actors. Returns (rows, total, next cursor or None). Raises
    ValueError for an unknown kind, sort or a bad cursor.
    """
    if sort is not None and sort not in ACTOR_SORTS:
        raise ValueError(f"cannot sort actors by {sort!r}; one of: {', '.join(ACTOR_SORTS)}")
    conds = _actor_conditions(kind, q, review_state)
    cols: tuple[ColumnElement, ...]
    if sort in (None, "kind"):
        cols = (DbActor.kind, DbActor.name)
    elif sort == "name":
        cols = (func.lower(DbActor.name),)
    elif sort == "events":
        cols = (select(func.count(distinct(DbEventRole.event_id))).join(DbEvent, DbEvent.id == DbEventRole.event_id)
                .where(DbEventRole.actor_id == DbActor.id, DbEventRole.review_state != _REJECTED,
                       DbEvent.review_state != _REJECTED).correlate(DbActor).scalar_subquery(),)
    elif sort == "documents":
        cols = (select(func.count(distinct(DbActorSource.document_id)))
                .where(DbActorSource.actor_id == DbActor.id).correlate(DbActor).scalar_subquery(),)
    else:
        cols = ()
    if not q and aggregates.kept(session):
        # kind and review state are the key of the actors' table totals (exact at any time: kept by triggers)
        wanted = {ReviewState(review_state).value} if review_state else {
            st.value for st in ReviewState if st is not _REJECTED}
        total = sum(n for key, n in aggregates.totals(session).get("actors", {}).items()
                    if key.rsplit("|", 1)[-1] in wanted
                    and (not kind or key.rsplit("|", 1)[0] == ActorKind(kind).value))
    else:
        total = session.scalar(select(func.count()).select_from(DbActor).where(*conds)) or 0
    keys = (*cols, DbActor.id)
    stmt = select(*keys).where(*conds)
    if after is not None:
        values = decode_cursor(after, len(keys))
        bound = tuple_(*(literal(v, type_=k.type) for k, v in zip(keys, values)))
        stmt = stmt.where(tuple_(*keys) < bound if descending else tuple_(*keys) > bound)
    else:
        stmt = stmt.offset(offset)
    rows = session.execute(stmt.order_by(*(k.desc() if descending else k.asc() for k in keys)).limit(limit + 1)).all()
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = encode_cursor([v.value if hasattr(v, "value") else v for v in rows[-1]])
    return _actor_rows_for(session, [r[-1] for r in rows]), total, cursor


def busiest_actors(session: Session, kind: ActorKind | str, limit: int) -> list[ActorRow]:
    """The ``limit`` actors of ``kind`` (not rejected) with roles in most events, most first (ties by name).

    The events are those of :class:`ActorRow` (not rejected, with a role not rejected): read from
    ``agg_actors`` (:mod:`ctrack.store.aggregates`) through the actors of that kind, else (a transaction
    with queued changes) one grouped read of the role index for them.
    """
    from ctrack.store.web_models import DbAggActor

    if aggregates.kept(session) and aggregates.fresh(session):
        ids = list(session.scalars(
            select(DbActor.id).join(DbAggActor, DbAggActor.actor_id == DbActor.id)
            .where(DbActor.kind == ActorKind(kind), DbActor.review_state != _REJECTED, DbAggActor.events > 0)
            .order_by(DbAggActor.events.desc(), DbActor.name).limit(limit)))
        return _actor_rows_for(session, ids)
    n = func.count(distinct(DbEventRole.event_id)).label("n")
    rows = session.execute(
        select(DbEventRole.actor_id, n).join(DbActor, DbActor.id == DbEventRole.actor_id)
        .join(DbEvent, DbEvent.id == DbEventRole.event_id)
        .where(DbActor.kind == ActorKind(kind), DbActor.review_state != _REJECTED,
               DbEventRole.review_state != _REJECTED, DbEvent.review_state != _REJECTED)
        .group_by(DbEventRole.actor_id, DbActor.name).order_by(n.desc(), DbActor.name).limit(limit)).all()
    return _actor_rows_for(session, [r[0] for r in rows])


def state_actor(session: Session, iso3: str) -> ActorRow | None:
    """The member state (not rejected) with ISO3 code ``iso3``, or None (the one in most events when several)."""
    rows = _actor_rows(session, and_(DbActor.iso3 == iso3.upper(), DbActor.kind == ActorKind.MEMBER_STATE,
                                     DbActor.review_state != _REJECTED))
    return max(rows, key=lambda r: (r.events, -r.id)) if rows else None


def get_actor(session: Session, actor_id: int) -> ActorRow:
    """The actor with id ``actor_id``. Raises :class:`NotFound`."""
    rows = _actor_rows_for(session, [actor_id])
    if not rows:
        raise NotFound(f"no actor with id {actor_id}")
    return rows[0]


def find_actor(session: Session, query: str, timelines: dict[int, int] | None = None,
               titled: set[int] | None = None) -> ActorRow:
    """The actor a user means by ``query``: a name, alias, acronym or ISO3 code, case-insensitive.

    Tried in order, the first step that finds anything wins: ISO3 of a member
    state; acronym; exact name; a known alias (normalized: accents, case,
    punctuation, "UN" = "United Nations"); a person's name by the person rules
    (surname only when unique); a state name the gazetteer knows. Among
    several hits the actor with most events wins. Raises :class:`NotFound`
    (with close names as suggestions) when nothing matches. ``timelines`` and ``titled``: filled as
    :func:`_actor_rows_for` fills them (the timeline totals of the actors read, when the aggregates are
    fresh; the actors with dated titles), for :func:`actor_timeline`'s ``timeline_total`` and ``has_titles``.
    """
    q = query.strip()
    if not q:
        raise NotFound("empty actor name")
    live = DbActor.review_state != _REJECTED
    steps: list[ColumnElement[bool]] = []
    if len(q) == 3 and q.isalpha():
        steps.append(and_(DbActor.iso3 == q.upper(), DbActor.kind == ActorKind.MEMBER_STATE))
    steps.append(func.upper(DbActor.acronym) == q.upper())
    steps.append(func.lower(DbActor.name) == q.lower())
    if normalize(q):
        steps.append(DbActor.id.in_(select(DbAlias.actor_id).where(DbAlias.normalized == normalize(q))))
    steps.append(DbActor.canonical_key == person_key(q))
    for cond in steps:
        rows = _actor_rows(session, and_(cond, live), timelines, titled)
        if rows:
            return max(rows, key=lambda r: (r.events, r.documents, -r.id))
    last = normalize(surname(q))
    if last:
        persons = session.scalars(select(DbActor).join(DbAlias).where(
            live, DbActor.kind == ActorKind.PERSON, DbAlias.surname_key == last,
            DbAlias.normalized.like(f"%{last}"))
            .options(selectinload(DbActor.aliases)).distinct()).all()
        pm = match_person(q, [(p.id, (p.name, *(a.alias for a in p.aliases))) for p in persons])
        if pm:
            rows = _actor_rows_for(session, [pm.candidate_id], timelines, titled)
            if not rows:
                raise NotFound(f"no actor with id {pm.candidate_id}")
            return rows[0]
    try:
        from ctrack.gazetteer import get_gazetteer

        st = get_gazetteer().lookup_state(q)
    except (ImportError, LookupError):
        st = None
    if st is not None:
        rows = _actor_rows(session, and_(DbActor.iso3 == st.iso3, DbActor.kind == ActorKind.MEMBER_STATE, live),
                           timelines, titled)
        if rows:
            return rows[0]
    names = session.scalars(select(DbAlias.alias).join(DbActor).where(live).distinct()).all()
    close = [m[0] for m in process.extract(q, names, scorer=fuzz.WRatio, limit=3, score_cutoff=70)]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise NotFound(f"no actor matches {query!r}{hint}")


def _members(session: Session, actor_id: int) -> list[tuple]:
    """(id, kind, name, acronym, iso3, review state) of the actors that act for ``actor_id``: affiliated
    persons and bodies, and persons of those bodies (``actor_id`` itself left out), in one read."""
    first = select(DbActor.id).where(DbActor.affiliation_id == actor_id, DbActor.id != actor_id)
    cols = (DbActor.id, DbActor.kind, DbActor.name, DbActor.acronym, DbActor.iso3, DbActor.review_state)
    return [r for r in session.execute(
        select(*cols).where(DbActor.affiliation_id == actor_id, DbActor.id != actor_id)
        .union(select(*cols).where(DbActor.affiliation_id.in_(first)))).all() if r[0] != actor_id]


def _member_ids(session: Session, actor_id: int) -> set[int]:
    """Actors that act for ``actor_id``: affiliated persons and bodies, and persons of those bodies."""
    return {r[0] for r in _members(session, actor_id)}


def actor_timeline(session: Session, actor_id: int, limit: int | None = None, offset: int = 0,
                   after: str | None = None, actor: ActorRow | None = None,
                   timeline_total: int | None = None, has_titles: bool | None = None) -> Timeline:
    """The events of an actor in date order (undated last), with its roles, its people's roles
    (``via``), the counterparts and the sources of each, plus a person's dated titles. For a member
    state, its engagements: the events :func:`list_events` keeps for ``country=ISO3`` (held there, or
    a role for the state, its bodies or its people), see :mod:`ctrack.service.engagements`.

    ``limit`` (None: every event) pages the entries in SQL, from ``offset`` or
    after the cursor ``after`` (keyset); ``total`` is the number of events (read from the aggregates
    of :mod:`ctrack.store.aggregates`: the actor's timeline total, a member state's engagements) and
    ``next_cursor`` the next page's cursor. A member state's page is read from the index of its
    engagements in the aggregates (``agg_event_states``, :func:`ctrack.store.aggregates.state_events`'
    order) when they are fresh: a range of ``limit`` + 1 rows whatever the size of its record (the
    test of each event by the ``--country`` rule walked hundreds of events per page of a busy state). Any
    other actor's page is read likewise from ``agg_actor_events`` (:func:`ctrack.store.aggregates.actor_events`'
    order; the events' own SQL collected and sorted a busy person's whole record: 185-245 ms at a million
    events on PostgreSQL); the pages, cursors and totals are those of the events' own SQL.
    ``actor``: the row of ``actor_id`` when the caller has it already (:func:`find_actor`), and
    ``timeline_total`` its timeline total when the caller read it with the row in this transaction
    (:func:`find_actor`'s ``timelines``; only used while the aggregates are fresh): the total is then not
    read again; ``has_titles`` whether it has dated titles (:func:`find_actor`'s ``titled``; None: not
    known, read them). The titles are read only for an actor that has some (a column of its row's read
    says so when the row is read here). Raises :class:`NotFound` for an unknown id and ValueError for a bad
    cursor.
    """
    timelines: dict[int, int] = {}  # the timeline total, read with the actor's row when it is read here
    if actor is not None and actor.id == actor_id and timeline_total is not None:
        timelines[actor_id] = timeline_total
    if actor is None or actor.id != actor_id:
        titled: set[int] = set()
        found = _actor_rows_for(session, [actor_id], timelines, titled)
        if not found:
            raise NotFound(f"no actor with id {actor_id}")
        actor = found[0]
        has_titles = actor_id in titled
    member_rows = _members(session, actor_id)
    members = {r[0] for r in member_rows}
    involved = {actor_id} | members
    is_state = actor.kind is ActorKind.MEMBER_STATE and bool(actor.iso3)

    def in_timeline() -> ColumnElement[bool]:
        """The timeline's events as one id set (built only when the events' own SQL reads the page: with the
        aggregates fresh a page is a range of their index, and building it cost more than that read)."""
        if is_state:  # a member state's timeline is its engagements (ctrack.service.engagements): --country
            return _involving([actor.iso3])
        return DbEvent.id.in_(select(DbEventRole.event_id).where(DbEventRole.actor_id.in_(involved),
                                                                 DbEventRole.review_state != _REJECTED))

    def one_row() -> ColumnElement[bool]:
        """:func:`in_timeline` as a test of one events row (no alias: building one cost more than it saved)."""
        if is_state:
            return _involving_row([actor.iso3])
        return (select(literal(1)).select_from(DbEventRole)
                .where(DbEventRole.event_id == DbEvent.id, DbEventRole.actor_id.in_(involved),
                       DbEventRole.review_state != _REJECTED).correlate(DbEvent).exists())
    cursor = None
    if limit is None:
        events = _load_events(session, in_timeline())
        total = len(events)
    else:
        known = None  # the total from the aggregates (ctrack.store.aggregates) when nothing is queued
        if aggregates.kept(session) and aggregates.fresh(session):
            if actor.kind is ActorKind.MEMBER_STATE and actor.iso3:
                known = sum(aggregates.state_counts(session, [actor.iso3]).get(actor.iso3, {}).values())
            elif actor_id in timelines:
                known = timelines[actor_id]
            else:
                known = aggregates.actor_counts(session, [actor_id]).get(actor_id, (0, 0, 0))[1]
        if known is not None and is_state:
            # its engagements, in the aggregates' index (iso3, start, event_id): not rejected, the --country rule
            t = DbAggEventState
            ids, total, cursor = _keyset_ids(session, t, [t.iso3 == actor.iso3], t.start, False, limit, offset,
                                             after, total=known, ident=t.event_id)
        elif known is not None:
            # the events of it and of the actors acting for it, in the aggregates' index (actor_id, start, event_id)
            t = DbAggActorEvent
            ids, total, cursor = _keyset_ids(session, t, [t.actor_id == actor_id], t.start, False, limit, offset,
                                             after, total=known, ident=t.event_id)
        else:
            ids, total, cursor = _keyset_ids(session, DbEvent, [in_timeline(), DbEvent.review_state != _REJECTED],
                                             DbEvent.start, False, limit, offset, after,
                                             dense=[one_row(), DbEvent.review_state != _REJECTED], total=known)
        by_id = {e.id: e for e in _load_events(session, _id_in(session, DbEvent.id, ids))} if ids else {}
        events = [by_id[i] for i in ids if i in by_id]
    entries = []
    for ev in events:
        entries.append(TimelineEntry(
            event=ev,
            roles=[r.role for r in ev.roles if r.actor.id == actor_id],
            via=[r for r in ev.roles if r.actor.id in members],
            counterparts=[r for r in ev.roles if r.actor.id not in involved]))
    titles = []
    aff = _AFFILIATION  # columns, not ORM objects
    for title, as_of, a_id, a_kind, a_name, a_acronym, a_iso3, *doc in session.execute(
            select(DbTitle.title, DbTitle.as_of, aff.id, aff.kind, aff.name, aff.acronym, aff.iso3, *_DOC_COLUMNS)
            .join(DbDocument, DbTitle.document_id == DbDocument.id)
            .outerjoin(aff, DbTitle.affiliation_id == aff.id)
            .where(DbTitle.person_id == actor_id, DbTitle.review_state != _REJECTED)) if has_titles is not False \
            else ():
        affiliation = (ActorRef(id=a_id, kind=a_kind, name=a_name, acronym=a_acronym, iso3=a_iso3)
                       if a_id is not None else None)
        titles.append(TitleRow(title=title, affiliation=affiliation, as_of=as_of,
                               source=SourceRow(document_id=doc[0], doc_key=doc[1], title=doc[2], published=doc[3],
                                                path=doc[4])))
    titles.sort(key=lambda t: (dates.sort_key(t.as_of), t.source.doc_key))
    # columns, not ORM objects: a busy member state has hundreds of bodies and people (read with the ids above)
    member_refs = [ActorRef(id=i, kind=k, name=n, acronym=ac, iso3=iso)
                   for i, k, n, ac, iso, state in sorted(member_rows, key=lambda r: (r[1].value, r[2], r[0]))
                   if state is not _REJECTED]
    return Timeline(actor=actor, titles=titles, members=member_refs, entries=entries, total=total,
                    next_cursor=cursor)


def actor_aggregates(session: Session, actor_id: int, top: int = 20,
                     max_events: int | None = None) -> tuple[list[tuple[RoleType, int]], list[tuple[ActorRef, int]],
                                                             int, int]:
    """(roles the actor held with how many times each, most first; the ``top`` counterparts with the
    number of events shared, most first; the number of events these were counted over; the number of
    events of the actor), as grouped SQL reads.

    The events are those where the actor, its people or its bodies hold a role (not rejected). With
    ``max_events`` (None: all of those) only the latest that many events of its timeline
    (:func:`actor_timeline`: by start, undated last; for a member state, its engagements, read from the
    aggregates when they are fresh) are counted, and the last figure is its timeline's total: over a
    busy state's whole record (30,000 events at 100,000) the counterparts took seconds; the page says
    what it counted over. Counterparts are the actors with a role in one of the events counted other
    than the actor and those acting for it. Rejected roles, actors and events are not counted.
    """
    live_role = DbEventRole.review_state != _REJECTED
    involved = {actor_id} | _member_ids(session, actor_id)
    events = (select(DbEventRole.event_id).join(DbEvent, DbEvent.id == DbEventRole.event_id)
              .where(DbEventRole.actor_id.in_(involved), live_role, DbEvent.review_state != _REJECTED))
    if max_events is not None:
        fresh = aggregates.kept(session) and aggregates.fresh(session)
        kind, iso3 = session.execute(select(DbActor.kind, DbActor.iso3).where(DbActor.id == actor_id)).one()
        if fresh and kind is ActorKind.MEMBER_STATE and iso3:
            # its timeline's latest events (its engagements): an index range of the aggregates
            ids = aggregates.state_events(session, iso3, max_events)
            n_all = sum(aggregates.state_counts(session, [iso3]).get(iso3, {}).values())
        elif fresh:  # its timeline's latest events: an index range of agg_actor_events
            ids = aggregates.actor_events(session, actor_id, max_events)
            n_all = aggregates.actor_counts(session, [actor_id]).get(actor_id, (0, 0, 0))[1]
        else:
            one_row = (select(literal(1)).select_from(DbEventRole)
                       .where(DbEventRole.event_id == DbEvent.id, DbEventRole.actor_id.in_(involved), live_role)
                       .correlate(DbEvent).exists())
            ids, n_all, _ = _keyset_ids(session, DbEvent,
                                        [DbEvent.id.in_(events), DbEvent.review_state != _REJECTED],
                                        DbEvent.start, True, max_events, 0, None,
                                        dense=[one_row, DbEvent.review_state != _REJECTED])
        in_scope = DbEventRole.event_id.in_(ids)
        n_counted = len(ids)
    else:
        in_scope = DbEventRole.event_id.in_(events)
    roles = session.execute(
        select(DbEventRole.role, func.count()).join(DbEvent, DbEvent.id == DbEventRole.event_id)
        .where(DbEventRole.actor_id == actor_id, live_role, DbEvent.review_state != _REJECTED,
               *([in_scope] if max_events is not None else []))
        .group_by(DbEventRole.role).order_by(func.count().desc(), DbEventRole.role)).all()
    n = func.count(distinct(DbEventRole.event_id)).label("n")
    rows = session.execute(
        select(DbEventRole.actor_id, n).join(DbActor, DbActor.id == DbEventRole.actor_id)
        .where(in_scope, DbEventRole.actor_id.not_in(involved), live_role,
               DbActor.review_state != _REJECTED)
        .group_by(DbEventRole.actor_id, DbActor.name).order_by(n.desc(), DbActor.name).limit(top)).all()
    if max_events is None:
        n_all = n_counted = session.scalar(select(func.count(distinct(DbEventRole.event_id)))
                                           .join(DbEvent, DbEvent.id == DbEventRole.event_id)
                                           .where(DbEventRole.actor_id.in_(involved), live_role,
                                                  DbEvent.review_state != _REJECTED)) or 0
    refs = {a.id: _ref(a) for a in session.scalars(select(DbActor).where(DbActor.id.in_([r[0] for r in rows])))} \
        if rows else {}
    return ([(RoleType(r), c) for r, c in roles], [(refs[i], c) for i, c in rows if i in refs], n_counted, n_all)


def resolve_scope(country: str | None = None, region: str | None = None) -> tuple[str, list[str]]:
    """The label and ISO3 codes of a scope: a country (ISO3 or a name the gazetteer knows) or a region.

    Raises :class:`NotFound` for a country or region the gazetteer does not know.
    """
    from ctrack.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    if country:
        st = gaz.lookup_state(country)
        if st is None and len(country.strip()) == 3:
            try:
                st = gaz.state(country.strip().upper())
            except (KeyError, LookupError):
                st = None
        if st is None:
            raise NotFound(f"unknown country {country!r} (give an ISO 3166-1 alpha-3 code or a state name)")
        return f"{st.name} ({st.iso3})", [st.iso3]
    if region:
        members = list(gaz.region_members(region) or ())
        if not members:
            raise NotFound(f"unknown region {region!r}")
        return f"{gaz.region_name(region) or region} ({', '.join(members)})", members
    return "All member states", []


def _involving(isos: list[str]) -> ColumnElement[bool]:
    """Events held in one of ``isos`` or with a role for one of those states, their bodies or their people.

    Written as one id set, a ``UNION`` of index reads (events by ``country``; roles by actor through
    ``ix_event_roles_actor_event_state``, which also holds the review state), rather than ``country IN …
    OR id IN …``, which made SQLite and PostgreSQL test every event of the knowledge base."""
    own = select(DbActor.id).where(DbActor.iso3.in_(isos))
    people = select(DbActor.id).where(DbActor.affiliation_id.in_(own))
    with_role = select(DbEventRole.event_id).where(DbEventRole.actor_id.in_(union(own, people)),
                                                   DbEventRole.review_state != _REJECTED)
    held = select(DbEvent.id).where(DbEvent.country.in_(isos))
    return DbEvent.id.in_(union(held, with_role))


def _involving_row(isos: list[str]) -> ColumnElement[bool]:
    """:func:`_involving` as a test of one events row: held in one of ``isos``, or a role (not rejected) of
    those states, their bodies or their people in it (``EXISTS`` over the event's roles; the actors of the
    states are one small id set)."""
    own = select(DbActor.id).where(DbActor.iso3.in_(isos))
    people = select(DbActor.id).where(DbActor.affiliation_id.in_(own))
    return or_(DbEvent.country.in_(isos),
               select(literal(1)).select_from(DbEventRole)
               .where(DbEventRole.event_id == DbEvent.id, DbEventRole.actor_id.in_(union(own, people)),
                      DbEventRole.review_state != _REJECTED).correlate(DbEvent).exists())


def _ending_after(lo: dt.date, hi: dt.date | None) -> ColumnElement[bool]:
    """Events that end on or after ``lo``, as one id set read by index ranges (``hi``, when given, bounds the
    short ones' range; the caller adds ``start_day <= hi`` itself).

    Either day index alone keeps about half of the knowledge base for a recent ``lo``. An event of at most
    :data:`ctrack.store.models.SHORT_SPAN_DAYS` days that ends on or after ``lo`` starts on or after ``lo``
    minus that many days, so those are a ``start_day`` range of ``ix_events_start_end_day`` (which holds
    ``end_day`` too: only the matches reach the table); the longer ones (rare: multi-year programmes) come
    by ``ix_events_span_days``. Exact for any span: the two arms split on ``span_days``."""
    near = [DbEvent.start_day >= lo - dt.timedelta(days=SHORT_SPAN_DAYS), DbEvent.end_day >= lo]
    if hi is not None:
        near.append(DbEvent.start_day <= hi)
    # no start_day bound on the long ones: with it SQLite read them by that half-open start_day range
    # instead of ix_events_span_days (the caller keeps start_day <= hi on the rows)
    far = [DbEvent.span_days > SHORT_SPAN_DAYS, DbEvent.end_day >= lo]
    return DbEvent.id.in_(union_all(select(DbEvent.id).where(*near), select(DbEvent.id).where(*far)))


def _start_from(day: dt.date) -> str:
    """The least ISO date text (at any precision) whose first day is on or after ``day``: "2019" for
    2019-01-01, "2019-03" for 2019-03-01, else the day itself. ISO date texts sort in the order of their first
    days ("2019" < "2019-01-01" < "2019-01-02" < "2019-02"), so ``start >= _start_from(D)`` keeps exactly the
    starts whose first day is D or later, and ``start <= E.isoformat()`` those whose first day is E or earlier:
    a range of an index on ``start``."""
    if day.month == 1 and day.day == 1:
        return f"{day.year:04d}"
    if day.day == 1:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _overlap_arms(tier: ColumnElement, start: ColumnElement, end_day: ColumnElement, lo: dt.date,
                  hi: dt.date | None) -> list[list[ColumnElement[bool]]]:
    """The conditions of "overlaps [lo, hi]" (``hi`` None: open) split by span tier
    (:data:`ctrack.store.models.SPAN_TIERS`), each a bounded ``start`` range: an event of tier ``t`` that ends
    on or after ``lo`` starts at most ``SPAN_TIERS[t]`` days before it; the last tier (longer events, rare)
    is bounded by ``hi`` only. Exact: the union of the arms is ``end_day >= lo AND start_day <= hi``."""
    upper = [start <= hi.isoformat()] if hi is not None else [start.is_not(None)]
    arms = []
    for t in range(len(SPAN_TIERS) + 1):
        lower = [start >= _start_from(lo - dt.timedelta(days=SPAN_TIERS[t]))] if t < len(SPAN_TIERS) else []
        arms.append([tier == t, *lower, *upper, end_day >= lo])
    return arms


#: A date-filtered event list counts at most this many matches (then ``total`` is this + 1: "more than";
#: :func:`page_events`' ``count_cap``), so that the count of a busy state over many years or of every event
#: since a year stays bounded as the knowledge base grows, as the review queue's does.
EVENT_COUNT_CAP = 10_000


def _overlap_page(session: Session, cols: tuple[ColumnElement, ColumnElement, ColumnElement, ColumnElement],
                  where: list[ColumnElement[bool]], lo: dt.date, hi: dt.date | None, descending: bool, limit: int,
                  offset: int, after: str | None, count_cap: int | None) -> tuple[list[int], int, str | None]:
    """One page of the rows matching ``where`` whose days overlap [``lo``, ``hi``], by ``start`` then id, from a
    table with ``cols`` = (span tier, start, id, last day): the events themselves or a state's rows of
    ``agg_event_states``. Returns (ids, total, next cursor) as :func:`_keyset_ids` does (cursor: [start, id]).

    Per span tier (:func:`_overlap_arms`) one ``LIMIT``ed read in the order of the tier index, merged: the
    rows read are the page plus those of each tier that start within the tier's span before ``lo`` and end
    before it, whatever the size of the knowledge base. ``total`` counts the matches, at most ``count_cap`` + 1
    (None: all), in the page's own read (a scalar subquery; a read of its own only when the page is empty).
    Undated rows never overlap a range. Raises ValueError for a cursor of another listing."""
    tier, start, ident, end_day = cols
    arms = [[*where, *c] for c in _overlap_arms(tier, start, end_day, lo, hi)]
    matches = union_all(*(select(ident).where(*c) for c in arms))
    if count_cap is not None:
        matches = matches.limit(count_cap + 1)
    counted = select(func.count()).select_from(matches.subquery())
    keyset: list[ColumnElement[bool]] = []
    if after is not None:
        value, last_id = decode_cursor(after, 2)
        if value is None:  # past the dated rows: none left (undated rows never overlap a range)
            return [], session.scalar(counted) or 0, None
        value = str(value)
        # start >= value (<=) first: the range of the tier index; the rest picks up after the cursor's row
        keyset = ([start <= value, or_(start < value, and_(start == value, ident < last_id))] if descending
                  else [start >= value, or_(start > value, and_(start == value, ident > last_id))])
        offset = 0
    order = (start.desc(), ident.desc()) if descending else (start.asc(), ident.asc())
    want = offset + limit + 1
    parts = [select(start.label("s"), ident.label("i")).where(*c, *keyset).order_by(*order).limit(want).subquery()
             for c in arms]
    merged = union_all(*(select(p.c.s, p.c.i) for p in parts)).subquery()
    # the count rides along as an uncorrelated scalar subquery (computed once: PostgreSQL's InitPlan, SQLite's
    # constant subquery): one round trip for the page and its total; read apart only for an empty page
    got = session.execute(select(merged.c.s, merged.c.i, counted.scalar_subquery())
                          .order_by(*((merged.c.s.desc(), merged.c.i.desc()) if descending
                                      else (merged.c.s.asc(), merged.c.i.asc())))
                          .offset(offset).limit(limit + 1)).all()
    total = got[0][2] if got else session.scalar(counted) or 0
    cursor = encode_cursor([got[limit - 1][0], got[limit - 1][1]]) if len(got) > limit else None
    return [i for _, i, _n in got[:limit]], total, cursor


def event_conditions(*, country: str | None = None, type: EventType | str | None = None, since: str | None = None,
                      until: str | None = None, region: str | None = None, status: EventStatus | str | None = None,
                      review_state: ReviewState | str | None = None,
                      reviewed_only: bool = False) -> list[ColumnElement[bool]]:
    """The SQL conditions of an event filter (see :func:`list_events`); dates go through the indexed
    day columns, so "2018" as ``until`` keeps an event of "2018-12"."""
    kept = (ReviewState.CONFIRMED, ReviewState.CORRECTED) if reviewed_only else tuple(
        s for s in ReviewState if s is not _REJECTED)
    conds: list[ColumnElement[bool]] = [DbEvent.review_state.in_(kept)]
    if type:
        conds.append(DbEvent.type == EventType(type))
    if status:
        conds.append(DbEvent.status == EventStatus(status))
    if review_state:
        conds.append(DbEvent.review_state == ReviewState(review_state))
    if country:
        conds.append(_involving(resolve_scope(country=country)[1]))
    if region:
        conds.append(_involving(resolve_scope(region=region)[1]))
    if since and not (country or region):
        conds.append(_ending_after(dates.to_bound(since, upper=False),
                                   dates.to_bound(until, upper=True) if until else None))
    elif since:
        # with a scope, the state's events drive the read (the id set of _involving); the days filter them
        conds.append(DbEvent.end_day >= dates.to_bound(since, upper=False))
    if until:
        conds.append(DbEvent.start_day <= dates.to_bound(until, upper=True))
    return conds


def list_events(session: Session, country: str | None = None, type: EventType | str | None = None,
                since: str | None = None, until: str | None = None, region: str | None = None,
                reviewed_only: bool = False) -> list[EventRow]:
    """Every event (not rejected) the filter keeps, in date order, undated last. Unbounded: for scripts,
    tests and small scopes; the faces page with :func:`page_events`.

    ``reviewed_only`` keeps only the events and roles a reviewer confirmed or corrected.

    ``country`` (ISO3 or state name) and ``region`` (a gazetteer region:
    "Central Asia", "Sahel" …) keep events held there or engaging those
    states (the state itself, its government bodies, or persons acting for
    either, in any role). ``type`` is an :class:`EventType`. ``since`` and
    ``until`` are ISO dates at any precision ("2018", "2018-05",
    "2018-05-03") and keep events whose days overlap [since, until]; with
    either, undated events are left out. Raises :class:`NotFound` for an
    unknown country or region and ValueError for a bad type or date.
    """
    conds = event_conditions(country=country, type=type, since=since, until=until, region=region,
                              reviewed_only=reviewed_only)
    return _load_events(session, and_(*conds), reviewed_only)


#: Sort keys of :func:`page_events`.
EVENT_SORTS = ("start", "type", "country", "name", "id", "sources")


def _event_sort_column(sort: str) -> ColumnElement:
    if sort == "sources":
        return (select(func.count(DbEventSource.id)).where(DbEventSource.event_id == DbEvent.id)
                .correlate(DbEvent).scalar_subquery())
    if sort == "name":
        return func.lower(DbEvent.name)
    return {"start": DbEvent.start, "type": DbEvent.type, "country": DbEvent.country, "id": DbEvent.id}[sort]


#: A listing whose matches are at least 1/DENSE of the table reads its page by walking the sort index and
#: testing each row (:func:`_keyset_ids`' ``dense``): about DENSE × page rows, instead of collecting and
#: sorting every match (the events of the busiest actors are a quarter of the knowledge base).
DENSE = 100


def _keyset_ids(session: Session, model, where: list[ColumnElement[bool]], col: ColumnElement, descending: bool,
                limit: int, offset: int, after: str | None, nullable: bool = True,
                dense: list[ColumnElement[bool]] | None = None,
                total: int | None = None, ident: ColumnElement | None = None) -> tuple[list[int], int, str | None]:
    """Ids of one page of ``model`` rows matching ``where``, ordered by ``col`` then id (rows whose ``col`` is
    null last, by id), with the total (``COUNT``) and the next page's cursor.

    Two index-friendly reads instead of one ``ORDER BY col IS NULL``: the
    rows with a value, then the rows without. ``after`` (a cursor: the last
    row's [value, id]) continues after that row whatever ``offset`` says, so
    a deep page reads no more rows than the first. ``dense`` (optional) is
    ``where`` written as tests of one row (correlated ``EXISTS`` instead of
    an id set): when the matches are at least 1/:data:`DENSE` of the table,
    the page is read with it, in the order of the sort index, so it stops
    after about ``DENSE`` × ``limit`` rows. ``total``, when the caller knows
    the exact count already (an aggregate of :mod:`ctrack.store.aggregates`),
    saves the ``COUNT`` of a first or keyset page. ``ident`` (default
    ``model.id``) is the id column returned and ordered on (``event_id`` of
    an aggregates table standing for the events). Raises ValueError for a
    cursor that is not one of this listing's.

    When ``dense`` is given and the matches are fewer (sparse: an actor with
    few events), the matches are collected, then sorted: the read is a
    subquery with ``OFFSET 0`` that the ``ORDER BY``/``LIMIT`` cannot be
    pushed into. PostgreSQL otherwise walked the sort index and tested every
    row against the id set, betting on finding ``limit`` matches early: at
    1,000,000 events the first page of an organization with 35-333 events
    took 35-41 s. SQLite already collected and sorted (same plan).
    """
    ident = model.id if ident is None else ident
    if total is not None and (offset == 0 or after is not None):
        present = total  # counted already (an aggregate): the first page or a keyset page needs no split point
    elif nullable:
        total, present = session.execute(select(func.count(), func.count(col)).select_from(model).where(*where)).one()
    else:
        total = present = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    sparse = dense is not None
    if dense is not None and present and present * DENSE >= (session.scalar(select(func.max(ident))) or 0):
        where, sparse = dense, False
    want = limit + 1

    def read(conds: list, by_value: bool, n: int, skip: int = 0) -> list:
        """``(col, id)`` of the rows matching ``conds`` in listing order (by ``col`` then id, or by id for the
        rows without a value), ``skip`` rows skipped, at most ``n``."""
        stmt = select(col, ident).where(*conds)
        if sparse:
            stmt = stmt.offset(0).subquery()
            value, key = stmt.c
            stmt = select(value, key)
        else:
            value, key = col, ident
        order = (value, key) if by_value else (key,)
        return session.execute(stmt.order_by(*(c.desc() if descending else c.asc() for c in order))
                               .offset(skip).limit(n)).all()
    got: list[tuple[Any, int]] = []
    if after is not None:
        value, last_id = decode_cursor(after, 2)
        if value is not None:
            # the row value (col, id) past the cursor's: an index range on (col, id) for PostgreSQL and
            # SQLite; written as 'col > v OR (col = v AND id > last)', PostgreSQL read the index from its
            # start and filtered (9,001 rows for a page at 90 % of 10,000 events); nulls are read apart below
            key = tuple_(col, ident)
            bound = tuple_(literal(typed_value(value, col.type), type_=col.type), literal(last_id, type_=ident.type))
            beyond = key < bound if descending else key > bound
            got += read([*where, col.is_not(None), beyond], True, want)
            if len(got) < want and nullable:
                got += read([*where, col.is_(None)], False, want - len(got))
        else:
            past = ident < last_id if descending else ident > last_id
            got += read([*where, col.is_(None), past], False, want)
    else:
        if offset < present:
            got += read([*where, *([col.is_not(None)] if nullable else [])], True, want, offset)
        if len(got) < want and nullable:
            got += read([*where, col.is_(None)], False, want - len(got), max(0, offset - present))
    more = len(got) > limit
    got = got[:limit]
    cursor = None
    if more and got:
        cursor = encode_cursor([got[-1][0], got[-1][1]])  # enums, dates and datetimes as JSON (see cursor.py)
    return [i for _, i in got], total, cursor


def page_events(session: Session, *, count_cap: int | None = None,
                **filters: Any) -> tuple[list[EventRow], int, str | None]:
    """One page of events as :func:`page_events_counted` reads it, as (rows, total, next cursor or None);
    when ``count_cap`` stopped the count, ``total`` is ``count_cap`` + 1 ("more than ``count_cap``")."""
    rows, total, cursor, exact = page_events_counted(session, count_cap=count_cap, **filters)
    return rows, total if exact else total + 1, cursor


def page_events_counted(session: Session, *, country: str | None = None, type: EventType | str | None = None,
                since: str | None = None, until: str | None = None, region: str | None = None,
                status: EventStatus | str | None = None, review_state: ReviewState | str | None = None,
                reviewed_only: bool = False, sort: str = "start", descending: bool = False, limit: int = 50,
                offset: int = 0, after: str | None = None,
                count_cap: int | None = None) -> tuple[list[EventRow], int, str | None, bool]:
    """One page of the events :func:`list_events` would give, filtered, sorted, counted and sliced in SQL.

    ``status`` and ``review_state`` filter too; ``sort`` is one of
    :data:`EVENT_SORTS` (missing values last either way, ties by id);
    ``after`` is the cursor of the previous page (keyset paging). Returns
    (rows, total, next cursor or None, whether total is exact). A constant number of statements
    whatever the size of the knowledge base. Raises :class:`NotFound` for an
    unknown country or region, ValueError for a bad type, date, sort or cursor.

    With ``since``, in date order and without a region, the page is read per
    span tier from the tier index (:func:`_overlap_page`: of the events, or
    for one ``country`` of its rows in ``agg_event_states`` when the
    aggregates are fresh), and ``count_cap`` (None: exact) stops the count
    past that many matches: ``total`` is then ``count_cap`` and "total
    exact" False ("more than"). The whole list's total comes from the
    aggregates' table totals.
    """
    if sort not in EVENT_SORTS:
        raise ValueError(f"cannot sort events by {sort!r}; one of: {', '.join(EVENT_SORTS)}")
    conds = event_conditions(country=country, type=type, since=since, until=until, region=region, status=status,
                              review_state=review_state, reviewed_only=reviewed_only)
    ids, capped = None, True
    if sort == "start" and since and not region:
        # a date range in date order: per span tier, a bounded start range read in index order (_overlap_page)
        lo = dates.to_bound(since, upper=False)
        hi = dates.to_bound(until, upper=True) if until else None
        if not country:
            where = event_conditions(type=type, status=status, review_state=review_state,
                                     reviewed_only=reviewed_only)
            ids, total, cursor = _overlap_page(session, (DbEvent.span_tier, DbEvent.start, DbEvent.id,
                                                         DbEvent.end_day), where, lo, hi, descending, limit,
                                               offset, after, count_cap)
        elif not (status or review_state or reviewed_only) and aggregates.kept(session) and aggregates.fresh(session):
            # the state's rows of agg_event_states (every event not rejected that engages it, with its days)
            t = DbAggEventState
            where = [t.iso3 == resolve_scope(country=country)[1][0]]
            if type:
                where.append(t.type == EventType(type).value)
            ids, total, cursor = _overlap_page(session, (t.span_tier, t.start, t.event_id, t.end_day), where, lo,
                                               hi, descending, limit, offset, after, count_cap)
    if ids is None:
        capped = False  # counted exactly
        col = _event_sort_column(sort)
        known = None
        if not any((country, type, since, until, region, status, review_state, reviewed_only)) and \
                aggregates.kept(session):
            # the whole list: its size is kept by the aggregates' triggers (exact at any time)
            known = aggregates.rows_in_states(session, "events", [s for s in ReviewState if s is not _REJECTED])
        ids, total, cursor = _keyset_ids(session, DbEvent, conds, col, descending, limit, offset, after,
                                         nullable=sort in ("start", "country", "name"), total=known)
    exact = True
    if capped and count_cap is not None and total > count_cap:
        total, exact = count_cap, False
    by_id = {e.id: e for e in _load_events(session, _id_in(session, DbEvent.id, ids), reviewed_only)} if ids else {}
    return [by_id[i] for i in ids if i in by_id], total, cursor, exact


def events_by_ids(session: Session, ids: list[int], *, sources: bool = True) -> list[EventRow]:
    """The :class:`EventRow` of each id (not rejected), in the order of ``ids``; without their sources and
    conflicts (two reads fewer) when ``sources`` is False."""
    by_id = {e.id: e for e in _load_events(session, _id_in(session, DbEvent.id, ids), sources=sources)} if ids else {}
    return [by_id[i] for i in ids if i in by_id]


def latest_events(session: Session, n: int) -> list[EventRow]:
    """The ``n`` dated events (not rejected) that start last, latest first: one ``LIMIT``ed read of the
    ``(start, id)`` index, with no ``COUNT`` of the events (the overview shows the total from
    :func:`counts`)."""
    ids = list(session.scalars(select(DbEvent.id).where(DbEvent.review_state != _REJECTED, DbEvent.start.is_not(None))
                               .order_by(DbEvent.start.desc(), DbEvent.id.desc()).limit(n)))
    return events_by_ids(session, ids)


def briefing(session: Session, country: str | None = None, region: str | None = None,
             reviewed_only: bool = False, max_events: int | None = None, states: list[str] | None = None,
             since: str | None = None, until: str | None = None) -> Briefing:
    """The data of a briefing on a country (ISO3 or name), a region, a list of states, or everything.

    Events in scope as :func:`list_events` selects them (with ``max_events``,
    only the latest that many, still in date order; ``events_total`` counts
    them all), counts by event type and by member state engaged over every
    event in scope, read as SQL aggregates (a role held by the state, its
    bodies or its people, or — for the scope's own states — the venue; a
    venue alone elsewhere does not count, so that UN Headquarters in New York
    does not make the United States a party to every Committee briefing; the
    scope's members listed even at 0), every source document of the events
    listed, and the knowledge base's :func:`counts`. ``reviewed_only`` limits
    it to reviewed events and roles. ``states`` (ISO3 codes or names) makes
    the scope a list of member states, the events engaging any of them;
    ``since``/``until`` keep the events overlapping that window (ISO dates at
    any precision). Raises :class:`NotFound` for an unknown country, state or
    region and ValueError for a bad date.

    For one country over every date (the state page, the briefing's default), the total, the counts
    by type and by member state are read from the aggregates kept on write
    (:mod:`ctrack.store.aggregates`: ``agg_states``, ``agg_state_pairs``), a handful of rows; a region,
    a list of states, a window or ``reviewed_only`` count in SQL over the events in scope.
    """
    if states:
        members = list(dict.fromkeys(resolve_scope(country=c)[1][0] for c in states))
        names = _state_names(session, set(members))
        label = ", ".join(f"{names.get(i, i)} ({i})" for i in members)
        conds = event_conditions(since=since, until=until, reviewed_only=reviewed_only) + [_involving(members)]
        country = region = None
    else:
        label, members = resolve_scope(country, region)
        conds = event_conditions(country=country, region=region, since=since, until=until,
                                 reviewed_only=reviewed_only)
    # one member state, every date, every event not rejected: the counts are aggregates kept on write
    summed = (country is not None and not (since or until or reviewed_only) and aggregates.kept(session)
              and aggregates.fresh(session))
    if summed:
        by_type = {EventType(t): n for t, n in aggregates.state_counts(session, members).get(members[0], {}).items()}
        total = sum(by_type.values())
    else:
        total = session.scalar(select(func.count()).select_from(DbEvent).where(*conds)) or 0
    if max_events is None:
        events = _load_events(session, and_(*conds), reviewed_only)
    else:
        if summed:  # the latest events of one state: an index range of agg_event_states
            ids = aggregates.state_events(session, members[0], max_events)
        else:
            ids, _, _ = _keyset_ids(session, DbEvent, conds, DbEvent.start, True, max_events, 0, None)
        events = _load_events(session, _id_in(session, DbEvent.id, ids), reviewed_only) if ids else []
    engaged = aggregates.state_pairs(session, members[0]) if summed else \
        dict(_engaged_states(session, conds, members, reviewed_only))
    per_state: Counter[str] = Counter(engaged)
    for iso in members:
        per_state.setdefault(iso, 0)
    names = _state_names(session, set(per_state))
    by_state = sorted((StateCount(iso3=i, name=names.get(i, i), events=n, member=i in members)
                       for i, n in per_state.items()), key=lambda s: (-s.events, s.name))
    if not summed:
        by_type = dict(session.execute(select(DbEvent.type, func.count()).where(*conds).group_by(DbEvent.type)).all())
    docs: dict[int, SourceRow] = {}
    for ev in events:
        for s in ev.sources:
            docs.setdefault(s.document_id, s)
    return Briefing(
        scope=label, country=members[0] if country else None, region=region if not country else None,
        members=members, generated_at=dt.datetime.now(dt.timezone.utc), events=events, events_total=total,
        by_type={t.value: by_type[t] for t in EventType if by_type.get(t)}, by_state=by_state,
        documents=sorted(docs.values(), key=lambda d: (d.published or dt.date.max, d.doc_key)),
        counts=counts(session))


_STATE_KINDS = (ActorKind.MEMBER_STATE, ActorKind.GOVERNMENT_BODY)


def _engaged_states(session: Session, conds: list[ColumnElement[bool]], members: list[str],
                    reviewed_only: bool) -> list[tuple[str, int]]:
    """(ISO3, events) for every member state engaged in the events matching ``conds``: through a role of
    an actor that stands for it (itself or a government body, else its affiliation, two levels up), or as
    the venue when the state is one of ``members``. One grouped SQL read."""
    kept = (ReviewState.CONFIRMED, ReviewState.CORRECTED) if reviewed_only else tuple(
        s for s in ReviewState if s is not _REJECTED)
    a0, a1, a2 = aliased(DbActor), aliased(DbActor), aliased(DbActor)

    def stands(a) -> ColumnElement[bool]:
        return and_(a.kind.in_(_STATE_KINDS), a.iso3.is_not(None))

    iso = case((stands(a0), a0.iso3), (stands(a1), a1.iso3), (stands(a2), a2.iso3), else_=None)
    scope = select(DbEvent.id).where(*conds)
    by_role = (select(DbEventRole.event_id.label("event_id"), iso.label("iso"))
               .join(a0, a0.id == DbEventRole.actor_id)
               .outerjoin(a1, a1.id == a0.affiliation_id).outerjoin(a2, a2.id == a1.affiliation_id)
               .where(DbEventRole.event_id.in_(scope), DbEventRole.review_state.in_(kept),
                      a0.review_state != _REJECTED))
    parts = [by_role]
    if members:
        parts.append(select(DbEvent.id.label("event_id"), DbEvent.country.label("iso"))
                     .where(*conds, DbEvent.country.in_(members)))
    both = union(*parts).subquery()
    return [(i, n) for i, n in session.execute(
        select(both.c.iso, func.count(distinct(both.c.event_id))).where(both.c.iso.is_not(None))
        .group_by(both.c.iso)).all()]  # distinct: a UNION of one part (no scope) does not remove duplicates


def cooccurrence(session: Session, conds: list[ColumnElement[bool]], *, kinds: set[ActorKind] | None = None,
                 max_nodes: int = 60, min_weight: int = 1, ids_per_edge: int = 50,
                 meeting_types: Iterable[EventType] = (), max_events: int | None = None,
                 n_events: int | None = None, iso3: str | None = None) -> dict[str, Any]:
    """Who met whom in the events matching ``conds``: grouped SQL reads over every event in scope, or with
    ``max_events`` one read of the drawn events' roles paired in Python (:func:`_cooccurrence_drawn`).

    Returns ``{"events": n, "drawn": n, "actors": n of distinct actors, "nodes": [(ActorRef, events)] (the
    ``max_nodes`` busiest, ties by name), "edges": [(a, b, weight, event_ids)]}``: pairs of kept actors
    with roles in ``weight`` ≥ ``min_weight`` common events, ``event_ids`` the first ``ids_per_edge``
    of them. ``kinds`` keeps actors of those kinds only. Rejected roles and actors are left out.
    ``"meetings"`` maps a pair to the number of its common events of one of ``meeting_types``.
    ``max_events`` (None: all) draws the network from the latest that many events in scope (by start,
    undated last; ``"events"`` still counts them all, ``"drawn"`` the ones used), so that its cost is
    bounded whatever the size of the scope: the pair counts over every event of a busy member state
    took seconds at 100,000 events. ``n_events``: the number of events in scope when the caller knows
    it exactly (an aggregate), saving its ``COUNT``; with ``iso3`` too, the caller says that ``conds`` are
    exactly the engagements of that member state and that the aggregates are fresh
    (:func:`ctrack.store.aggregates.fresh`): the drawn events are then read from ``agg_event_states``.
    """
    if max_events is None:
        scope = select(DbEvent.id).where(*conds)
        n_events = session.scalar(select(func.count()).select_from(DbEvent).where(*conds)) or 0
        drawn = n_events
    else:
        if iso3 is not None and n_events is not None:  # the scope is one state's engagements: its aggregates
            ids = aggregates.state_events(session, iso3, max_events)
        else:
            ids, n_events, _ = _keyset_ids(session, DbEvent, conds, DbEvent.start, True, max_events, 0, None,
                                           total=n_events)
        return _cooccurrence_drawn(session, ids, n_events, kinds=kinds, max_nodes=max_nodes, min_weight=min_weight,
                                   ids_per_edge=ids_per_edge, meeting_types=meeting_types)
    live = [DbEventRole.review_state != _REJECTED, DbActor.review_state != _REJECTED,
            DbEventRole.event_id.in_(scope)]
    if kinds:
        live.append(DbActor.kind.in_(sorted(kinds, key=lambda k: k.value)))
    n = func.count(distinct(DbEventRole.event_id)).label("n")
    busiest = session.execute(
        select(DbEventRole.actor_id, n).join(DbActor, DbActor.id == DbEventRole.actor_id).where(*live)
        .group_by(DbEventRole.actor_id, DbActor.name).order_by(n.desc(), DbActor.name).limit(max_nodes)).all()
    n_actors = session.scalar(select(func.count(distinct(DbEventRole.actor_id)))
                              .join(DbActor, DbActor.id == DbEventRole.actor_id).where(*live)) or 0
    keep = [a for a, _ in busiest]
    refs = {a.id: _ref(a) for a in session.scalars(select(DbActor).where(DbActor.id.in_(keep)))} if keep else {}
    edges: list[tuple[int, int, int, list[int]]] = []
    meetings: dict[tuple[int, int], int] = {}
    if len(keep) > 1:
        r1, r2 = aliased(DbEventRole), aliased(DbEventRole)
        pairs = (select(r1.actor_id.label("a"), r2.actor_id.label("b"), r1.event_id.label("e"))
                 .join(r2, and_(r2.event_id == r1.event_id, r2.actor_id > r1.actor_id))
                 .where(r1.actor_id.in_(keep), r2.actor_id.in_(keep), r1.event_id.in_(scope),
                        r1.review_state != _REJECTED, r2.review_state != _REJECTED)
                 .distinct().subquery())
        weights = {(a, b): w for a, b, w in session.execute(
            select(pairs.c.a, pairs.c.b, func.count()).group_by(pairs.c.a, pairs.c.b)
            .having(func.count() >= min_weight)).all()}
        ranked = select(pairs.c.a, pairs.c.b, pairs.c.e, func.row_number().over(
            partition_by=(pairs.c.a, pairs.c.b), order_by=pairs.c.e).label("k")).subquery()
        ids: dict[tuple[int, int], list[int]] = defaultdict(list)
        for a, b, e in session.execute(select(ranked.c.a, ranked.c.b, ranked.c.e)
                                       .where(ranked.c.k <= ids_per_edge).order_by(ranked.c.a, ranked.c.b, ranked.c.e)):
            if (a, b) in weights:
                ids[(a, b)].append(e)
        edges = [(a, b, w, ids[(a, b)]) for (a, b), w in sorted(weights.items())]
        types = list(meeting_types)
        if types:
            met = (select(pairs.c.a, pairs.c.b, func.count()).join(DbEvent, DbEvent.id == pairs.c.e)
                   .where(DbEvent.type.in_(types)).group_by(pairs.c.a, pairs.c.b))
            meetings = {(a, b): n for a, b, n in session.execute(met).all() if (a, b) in weights}
    return {"events": n_events, "drawn": drawn, "actors": n_actors,
            "nodes": [(refs[a], c) for a, c in busiest if a in refs],
            "edges": edges, "meetings": meetings}


def _cooccurrence_drawn(session: Session, ids: list[int], n_events: int, *, kinds: set[ActorKind] | None,
                        max_nodes: int, min_weight: int, ids_per_edge: int,
                        meeting_types: Iterable[EventType]) -> dict[str, Any]:
    """:func:`cooccurrence` over the drawn events ``ids`` (at most ``max_events``): their roles (not rejected,
    of actors not rejected, of ``kinds``) read once, :data:`_chunks` at a time, with each event's type, and
    paired in Python. The three grouped self-joins of the unbounded read took 0.6 s over 2,000 events at
    100,000 (SQLite); this is one read of about five roles an event (on PostgreSQL one statement per table,
    the ids as one array: :func:`_id_sets`)."""
    actors_of: dict[int, set[int]] = defaultdict(set)
    etype: dict[int, EventType] = {}
    names: dict[int, str] = {}
    conn = session.connection()  # Core: no ORM row work
    roles: list[tuple[int, int]] = []
    for among in _id_sets(session, DbEvent.id, ids):
        # each event's type once (not once per role: a join of the events made every role row carry it)
        etype.update(conn.execute(select(DbEvent.id, DbEvent.type).where(among)).all())
    for among in _id_sets(session, DbEventRole.event_id, ids):
        roles += conn.execute(select(DbEventRole.event_id, DbEventRole.actor_id)
                              .where(among, DbEventRole.review_state != _REJECTED)).all()
    # the actors by key, apart (joined, PostgreSQL hashed the whole actors table for each chunk of roles)
    for among in _id_sets(session, DbActor.id, sorted({a for _e, a in roles})):
        stmt = select(DbActor.id, DbActor.name).where(among, DbActor.review_state != _REJECTED)
        if kinds:
            stmt = stmt.where(DbActor.kind.in_(sorted(kinds, key=lambda k: k.value)))
        names.update(conn.execute(stmt).all())
    for event_id, actor_id in roles:
        if actor_id in names:
            actors_of[event_id].add(actor_id)
    per_actor: Counter[int] = Counter()
    for members in actors_of.values():
        per_actor.update(members)
    busiest = sorted(per_actor, key=lambda a: (-per_actor[a], names[a], a))[:max_nodes]
    keep = set(busiest)
    refs = {a.id: _ref(a) for a in session.scalars(select(DbActor).where(DbActor.id.in_(busiest)))} if busiest else {}
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    met: Counter[tuple[int, int]] = Counter()
    meeting = set(meeting_types)
    for event_id in sorted(actors_of):
        kept = sorted(actors_of[event_id] & keep)
        for i, a in enumerate(kept):
            for b in kept[i + 1:]:
                pairs[(a, b)].append(event_id)
                if etype[event_id] in meeting:
                    met[(a, b)] += 1
    edges = [(a, b, len(evs), evs[:ids_per_edge]) for (a, b), evs in sorted(pairs.items()) if len(evs) >= min_weight]
    return {"events": n_events, "drawn": len(ids), "actors": len(per_actor),
            "nodes": [(refs[a], per_actor[a]) for a in busiest if a in refs], "edges": edges,
            "meetings": {(a, b): met[(a, b)] for a, b, _w, _ids in edges if met[(a, b)]}}


def _state_names(session: Session, isos: set[str]) -> dict[str, str]:
    names = dict(session.execute(select(DbActor.iso3, DbActor.name).where(
        DbActor.kind == ActorKind.MEMBER_STATE, DbActor.iso3.in_(isos))).all()) if isos else {}
    missing = isos - set(names)
    if missing:
        from ctrack.gazetteer import get_gazetteer

        gaz = get_gazetteer()
        for iso in missing:
            try:
                names[iso] = gaz.state(iso).name
            except (KeyError, LookupError, AttributeError):
                names[iso] = iso
    return names


def stored_state_names(session: Session, isos: set[str]) -> dict[str, str]:
    """{ISO3: name} of the stored member states (not rejected) among ``isos``; the one in most events when a
    code has several rows (as :func:`state_actor`)."""
    if not isos:
        return {}
    out: dict[str, str] = {}
    for chunk in _chunks(sorted(isos)):
        rows = session.execute(select(DbActor.iso3, DbActor.name).where(
            DbActor.kind == ActorKind.MEMBER_STATE, DbActor.review_state != _REJECTED, DbActor.iso3.in_(chunk))
            .order_by(DbActor.iso3, DbActor.id)).all()
        for iso, name in rows:
            out.setdefault(iso, name)
    return out


def documents_by_language(session: Session) -> dict[str, int]:
    """Stored documents per language (ISO 639-1 code -> count), most first."""
    rows = session.execute(select(DbDocument.language, func.count()).group_by(DbDocument.language)).all()
    return dict(sorted(((lang, n) for lang, n in rows), key=lambda kv: (-kv[1], kv[0])))


def counts(session: Session) -> Counts:
    """How many documents, actors, events, roles, mentions and open conflicts the knowledge base holds
    (rejected rows not counted), with actors per kind and events per type.

    On SQLite and PostgreSQL one read of ``agg_totals`` (rows per table and key, kept by triggers:
    :mod:`ctrack.store.aggregates`), exact in the reader's transaction; elsewhere ``COUNT``s."""
    if aggregates.kept(session):
        t = aggregates.totals(session)

        def split(table: str) -> dict[str, int]:
            out: Counter[str] = Counter()
            for key, n in t.get(table, {}).items():
                first, _, state = key.rpartition("|")
                if state != _REJECTED.value:
                    out[first] += n
            return out

        kinds, types = split("actors"), split("events")
        return Counts(
            documents=sum(t.get("documents", {}).values()), actors=sum(kinds.values()), events=sum(types.values()),
            roles=aggregates.rows_in_states(session, "event_roles", [s for s in ReviewState if s is not _REJECTED]),
            mentions=sum(t.get("mentions", {}).values()),
            conflicts=aggregates.rows_in_states(session, "conflicts", [ReviewState.PROPOSED]),
            by_kind={k.value: kinds[k.value] for k in ActorKind if kinds.get(k.value)},
            by_type={e.value: types[e.value] for e in EventType if types.get(e.value)})

    def n(stmt) -> int:
        return session.scalar(stmt) or 0

    by_kind = dict(session.execute(select(DbActor.kind, func.count()).where(DbActor.review_state != _REJECTED)
                                   .group_by(DbActor.kind)).all())
    by_type = dict(session.execute(select(DbEvent.type, func.count()).where(DbEvent.review_state != _REJECTED)
                                   .group_by(DbEvent.type)).all())
    return Counts(
        documents=n(select(func.count()).select_from(DbDocument)),
        actors=sum(by_kind.values()),
        events=sum(by_type.values()),
        roles=n(select(func.count()).select_from(DbEventRole).where(DbEventRole.review_state != _REJECTED)),
        mentions=n(select(func.count()).select_from(DbMention)),
        conflicts=n(select(func.count()).select_from(DbConflict).where(DbConflict.review_state == ReviewState.PROPOSED)),
        by_kind={k.value: by_kind[k] for k in ActorKind if k in by_kind},
        by_type={t.value: by_type[t] for t in EventType if t in by_type},
    )
