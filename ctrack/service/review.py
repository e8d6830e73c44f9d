"""Review: the queue of proposed facts (paged), and review decisions that keep the search index in step.

Shared by ``ctrack review …``, ``/api/v1/review/…`` and the ``/review`` page,
so that every face reindexes what a decision changes (the CLI used to skip
it). The functions work in the caller's transaction and do not commit.
"""
from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.errors import BadQuery
from ctrack.service.paging import Page, PageParams, check_page
from ctrack.store import search as search_index
from ctrack.store import track_repo
from ctrack.store.models import ReviewState
from ctrack.store.track_models import Entity
from ctrack.schema import EventStatus, EventType, RoleType
from ctrack.store.web_models import SearchKind
from ctrack.track import audit, review

#: The review actions on one fact.
ACTIONS = ("confirm", "reject", "correct")
#: The kinds of fact the review queue holds (its ``kind`` filter).
KINDS = review.REVIEWABLE


class SourceSentence(BaseModel):
    """A sentence of a source document that supports a fact."""

    document: str
    sentence: str


class EvidenceOut(BaseModel):
    """A span of a source document that supports a fact: ``document`` (its key, the file name without
    extension), ``[start, end)`` character offsets into the document's text, the span's ``text``, and the
    ``rule`` or model that read it ("" when unknown)."""

    document: str
    start: int
    end: int
    text: str
    rule: str = ""


class QueueItemOut(BaseModel):
    """A fact waiting for review: ``entity``/``id`` (``ref`` "event:3"), a one-line label, its state, sources."""

    entity: Entity
    id: int
    ref: str
    label: str
    state: ReviewState
    confidence: float | None = Field(None, description="the extraction model's probability (0-1); events and "
                                     "roles only, None when no model scored the fact")
    sources: list[SourceSentence] = Field(default_factory=list)
    briefing: bool = Field(False, description="a briefing pack would show this fact (an event engaging a member "
                           "state, its roles and actors, a recommendation to a state); such facts come first")
    spans: list[tuple[int, int]] = Field(default_factory=list, description="with a document filter: the "
                                         "[start, end) character offsets of the fact's evidence in that document")
    evidence: list[EvidenceOut] = Field(default_factory=list, description="the spans that support the fact, in "
                                        "every document (at most 50, by document then offset)")
    evidence_total: int = Field(0, description="how many spans support the fact (evidence lists the first 50)")


class ReviewedOut(BaseModel):
    """The reviewed record's reference and its review state afterwards."""

    entity: Entity
    id: int
    ref: str
    state: ReviewState
    entry: int | None = Field(None, description="the audit entry of this decision (undo it with "
                              "POST /review/entries/{entry}/undo)")


class BulkOut(BaseModel):
    """What a bulk decision matched (``count``, the ``refs``) and whether it was ``applied``; one audit entry
    per fact (``entries``) when applied."""

    action: str
    count: int
    applied: bool
    refs: list[str]
    entries: list[int] = Field(default_factory=list)
    batch: str | None = Field(None, description="the bulk decision's id when applied (undo it all with "
                              "POST /review/batches/{batch}/undo)")


class FieldOut(BaseModel):
    """A field a reviewer may correct on a fact: ``name``, input ``kind`` (text, state, day, partial_date, flag,
    integer, choice, list, actor, event), ``required``, the ``choices`` of a choice, the ``current`` value and,
    for an actor or event id, that record's ``label``."""

    name: str
    kind: str
    required: bool = False
    choices: list[str] = Field(default_factory=list)
    current: Any = None
    label: str | None = None


#: Which search entry a review of each kind of record changes.
_SEARCH_OF = {Entity.ACTOR: SearchKind.ACTOR, Entity.EVENT: SearchKind.EVENT,
              Entity.RECOMMENDATION: SearchKind.RECOMMENDATION}


def reindex_after(db: Session, entity: Entity, row: Any) -> None:
    """Keep the search index in step with a reviewed record (roles and titles change their event / person)."""
    if entity in _SEARCH_OF:
        search_index.reindex(db, _SEARCH_OF[entity], [row.id])
    elif entity is Entity.EVENT_ROLE:
        search_index.reindex(db, SearchKind.EVENT, [row.event_id])
    elif entity is Entity.PERSON_TITLE:
        search_index.reindex(db, SearchKind.ACTOR, [row.person_id])


class QueueQuery(BaseModel):
    """The filters of the review queue (every one given narrows it): ``document`` (id or file name),
    ``actor`` (name, acronym, ISO3), ``member_state`` (ISO 3166-1 alpha-3 or a state name), ``kind``
    (kinds of record), ``min_confidence``/``max_confidence`` (0-1, inclusive; only scored facts),
    ``state`` (review state, default proposed)."""

    document: str | None = None
    actor: str | None = None
    member_state: str | None = None
    kind: list[Entity] = Field(default_factory=list)
    min_confidence: float | None = None
    max_confidence: float | None = None
    state: ReviewState = ReviewState.PROPOSED

    def to_filter(self) -> review.QueueFilter:
        """The :class:`ctrack.track.review.QueueFilter` these filters make."""
        return review.QueueFilter(document=self.document or None, actor=self.actor or None,
                                  state=self.member_state or None, kinds=list(self.kind) or None,
                                  min_confidence=self.min_confidence, max_confidence=self.max_confidence,
                                  states=(self.state,))


def _item(i: review.QueueItem) -> QueueItemOut:
    return QueueItemOut(entity=i.entity, id=i.id, ref=i.ref, label=i.label, state=ReviewState(i.state),
                        confidence=i.confidence, briefing=i.briefing, spans=i.spans,
                        sources=[SourceSentence(document=d, sentence=s) for d, s in i.sources],
                        evidence=[EvidenceOut(**vars(e)) for e in i.evidence], evidence_total=i.evidence_total)


def queue(db: Session, document: str | None = None, actor: str | None = None,
          state: ReviewState = ReviewState.PROPOSED, page: PageParams | None = None,
          query: QueueQuery | None = None) -> Page[QueueItemOut]:
    """One page of the facts (actors, events, roles, titles, conflicts, proposed recommendations) in
    ``state``, facts a briefing pack would show first, then least certain first (extraction confidence
    ascending, unscored facts last), with the
    sentences of their sources; ``query`` (when given) replaces ``document``/``actor``/``state`` and adds
    the member-state, kind and confidence-band filters. Ordered and paged in SQL, by ``offset`` or by the
    keyset cursor ``page.after`` (a page's ``next_cursor``: a deep page costs what the first does).
    ``total`` by ``COUNT``, stopped past :data:`ctrack.store.track_repo.QUEUE_COUNT_CAP` facts: then
    ``total`` is that cap and ``total_exact`` false ("more than"). Raises :class:`NotFound` for an unknown
    document or actor, :class:`BadQuery` for a bad cursor and :class:`ctrack.track.review.ReviewError` for a
    bad filter value."""
    page = check_page(page)
    where = (query or QueueQuery(document=document, actor=actor, state=state)).to_filter()
    try:
        items, cursor = review.queue_page(db, where, limit=page.limit, offset=page.offset, after=page.after)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    cap = track_repo.QUEUE_COUNT_CAP
    total = review.queue_size(db, where=where, cap=cap)
    return Page[QueueItemOut](items=[_item(i) for i in items], total=min(total, cap), total_exact=total <= cap,
                              limit=page.limit, offset=page.offset, next_cursor=cursor)


def queue_size(db: Session, state: ReviewState = ReviewState.PROPOSED) -> int:
    """How many facts wait in ``state`` (``COUNT`` per kind of record)."""
    return review.queue_size(db, states=(state,))


def fields_of(db: Session, entity: Entity, row_id: int) -> list[FieldOut]:
    """The fields of fact ``entity``/``row_id`` a reviewer may correct, typed, with their current values
    (:func:`ctrack.track.review.field_inputs`). Raises :class:`NotFound` and
    :class:`ctrack.track.review.ReviewError` for a kind that is not reviewed."""
    return [FieldOut(**vars(f)) for f in review.field_inputs(db, entity, row_id)]


def decide(db: Session, user: str, entity: Entity, row_id: int, action: str, field: str | None = None,
           value: Any = None, comment: str | None = None, batch: str | None = None) -> ReviewedOut:
    """Confirm, reject or correct (``action``) a fact as ``user``, written to the audit log, and reindex it
    for search; ``batch`` names the bulk decision a confirm or reject belongs to. Raises :class:`BadQuery`
    for another action, and what :mod:`ctrack.track.review` raises (:class:`NotFound`, a bad correction)."""
    if action == "confirm":
        row = review.confirm(db, entity, row_id, user=user, comment=comment, batch=batch)
    elif action == "reject":
        row = review.reject(db, entity, row_id, user=user, comment=comment, batch=batch)
    elif action == "correct":
        row = review.correct(db, entity, row_id, field or "", value, user=user, comment=comment)
    else:
        raise BadQuery(f"no review action {action!r}; one of: {', '.join(ACTIONS)}")
    reindex_after(db, entity, row)
    entries = track_repo.audit_entries(db, entity, row.id)
    entry = next((e.id for e in reversed(entries) if e.action.value == action), None)
    return ReviewedOut(entity=entity, id=row.id, ref=audit.ref(entity, row.id), state=row.review_state, entry=entry)


class BulkIn(QueueQuery):
    """A bulk decision: ``action`` (confirm or reject) on every fact the filters select; ``apply`` false
    (the default) only counts them (a dry run)."""

    action: str
    apply: bool = False
    comment: str | None = None


#: Largest set one bulk decision may change (ask again with narrower filters for more).
BULK_MAX = 5000


def bulk_decide(db: Session, user: str, action: str, query: QueueQuery, *, apply: bool = False,
                comment: str | None = None) -> BulkOut:
    """Confirm or reject (``action``) every fact ``query`` selects, as ``user``; with ``apply`` False only
    count and list them (a dry run: nothing changes). Each fact gets its own audit entry and is reindexed.
    All or nothing: a fact that cannot take the decision (a recommendation without a member state) stops
    it and nothing is written. Raises :class:`BadQuery` for another action or more than :data:`BULK_MAX`
    facts, and what :func:`decide` raises."""
    if action not in ("confirm", "reject"):
        raise BadQuery(f"bulk decisions confirm or reject, not {action!r}")
    refs = review.queue_refs(db, query.to_filter())
    if len(refs) > BULK_MAX:
        raise BadQuery(f"{len(refs)} facts match; narrow the filters to at most {BULK_MAX}")
    out = BulkOut(action=action, count=len(refs), applied=apply, refs=[audit.ref(e, i) for e, i in refs])
    if apply:
        out.batch = uuid.uuid4().hex[:12]
        out.entries = [decide(db, user, entity, row_id, action, comment=comment, batch=out.batch).entry
                       for entity, row_id in refs]
    return out


def undo_batch(db: Session, user: str, batch: str, comment: str | None = None) -> list[ReviewedOut]:
    """Take back a whole bulk decision (:func:`ctrack.track.review.undo_batch`: one ``undo`` audit entry per
    fact) and reindex the facts; returns each fact's state afterwards. Raises
    :class:`ctrack.track.review.ReviewError` for an unknown batch, one undone already, or a fact changed since."""
    out = []
    for ent, row in review.undo_batch(db, batch, user=user, comment=comment):
        reindex_after(db, ent, row)
        last = track_repo.audit_entries(db, ent, row.id)[-1]
        out.append(ReviewedOut(entity=ent, id=row.id, ref=audit.ref(ent, row.id), state=row.review_state,
                               entry=last.id))
    return out


def undo_decision(db: Session, user: str, entity: Entity | None = None, row_id: int | None = None,
                  entry: int | None = None, comment: str | None = None) -> ReviewedOut:
    """Take back a confirm, reject or correct: audit entry ``entry``, or else the latest one on
    ``entity``/``row_id`` (:func:`ctrack.track.review.undo_entry`), and reindex the fact. Returns the fact's
    state afterwards, ``entry`` being the undo's own audit entry."""
    if entry is None:
        if entity is None or row_id is None:
            raise BadQuery("say which fact or which audit entry to undo")
        entry = review.last_decision(db, entity, row_id)
    ent, row = review.undo_entry(db, entry, user=user, comment=comment)
    if entity is not None and (ent, row.id) != (entity, row_id):
        raise BadQuery(f"audit entry {entry} is about {audit.ref(ent, row.id)}, not {audit.ref(entity, row_id)}")
    reindex_after(db, ent, row)
    last = track_repo.audit_entries(db, ent, row.id)[-1]
    return ReviewedOut(entity=ent, id=row.id, ref=audit.ref(ent, row.id), state=row.review_state, entry=last.id)


class AddRoleIn(BaseModel):
    """A role the extractor missed: ``actor_id`` holds ``role`` in ``event_id``, as ``document`` (id or file name;
    default: the first document that reports the event) states; ``evidence``: the words of that document that
    state it (their ``occurrence``-th match, counted from 1), kept as the role's evidence span."""

    event_id: int
    actor_id: int
    role: RoleType
    document: str | None = None
    evidence: str | None = None
    occurrence: int = Field(1, ge=1)
    comment: str | None = None


class AddEventIn(BaseModel):
    """An event the extractor missed, as ``document`` (id or file name) tells it: its ``type``, the ``trigger``
    words that tell it (their ``occurrence``-th match in the document's text, counted from 1: the event's
    evidence), its ``start``/``end`` (YYYY, YYYY-MM or YYYY-MM-DD), venue (``city``, ``country`` as ISO3 or a
    state's name), ``name`` and ``status`` (default held). Add its roles with ``AddRoleIn``."""

    document: str
    type: EventType
    trigger: str
    occurrence: int = Field(1, ge=1)
    start: str | None = None
    end: str | None = None
    city: str | None = None
    country: str | None = None
    name: str | None = None
    status: EventStatus | None = None
    comment: str | None = None


def _added(db: Session, entity: Entity, row: Any) -> ReviewedOut:
    reindex_after(db, entity, row)
    entry = track_repo.audit_entries(db, entity, row.id, action=audit.Action.ADD)[-1]
    return ReviewedOut(entity=entity, id=row.id, ref=audit.ref(entity, row.id), state=row.review_state, entry=entry.id)


def add_role(db: Session, user: str, body: AddRoleIn) -> ReviewedOut:
    """Add a role the extractor missed (:func:`ctrack.track.review.add_role`: stored ``confirmed``, an ``add``
    audit entry, undone like any decision) and reindex its event. ``entry`` of the answer is the addition's audit
    entry. Raises :class:`ctrack.track.review.ReviewError` and :class:`ctrack.errors.NotFound`."""
    row = review.add_role(db, body.event_id, body.actor_id, body.role.value, user=user, document=body.document,
                          evidence=body.evidence, occurrence=body.occurrence, comment=body.comment)
    return _added(db, Entity.EVENT_ROLE, row)


def add_event(db: Session, user: str, body: AddEventIn) -> ReviewedOut:
    """Add an event the extractor missed (:func:`ctrack.track.review.add_event`) and index it for search;
    ``entry`` of the answer is the addition's audit entry. Raises :class:`ctrack.track.review.ReviewError` and
    :class:`ctrack.errors.NotFound`."""
    row = review.add_event(db, body.document, body.type.value, body.trigger, user=user, start=body.start,
                           end=body.end, city=body.city, country=body.country, name=body.name,
                           status=body.status.value if body.status else None, occurrence=body.occurrence,
                           comment=body.comment)
    return _added(db, Entity.EVENT, row)


class DecisionNote(BaseModel):
    """What one review decision changed, for a confirmation a reviewer can read: the audit ``entry``, its
    ``action`` (confirm, reject, correct, add, undo), the fact (``ref``, ``label``), the corrected ``field`` with its
    ``old`` and ``new`` value, the fact's ``state`` now, the ``user``, and whether it can still be undone
    (``undoable``: a confirm, reject, correct or add not undone yet). For an undo, ``undid`` is the entry it took
    back and ``undid_action`` that entry's action; ``old`` is then the value it replaced, ``new`` the one restored."""

    entry: int
    action: str
    entity: Entity
    id: int
    ref: str
    label: str
    state: ReviewState
    user: str
    field: str | None = None
    old: Any = None
    new: Any = None
    undoable: bool = False
    undid: int | None = None
    undid_action: str | None = None


def decision_note(db: Session, entry: int) -> DecisionNote:
    """:class:`DecisionNote` of audit entry ``entry`` (a confirm, reject, correct, add, or the undo of one).
    Raises :class:`ctrack.errors.NotFound` for no such entry, :class:`BadQuery` for an entry of another kind."""
    e = track_repo.audit_entry(db, entry)
    if e.action.value not in (*ACTIONS, "add", "undo") or e.entity_type not in KINDS:
        raise BadQuery(f"audit entry {entry} is not a review decision on a fact")
    row = track_repo.get(db, e.entity_type, e.entity_id)
    before, after = e.before or {}, e.after or {}
    note = DecisionNote(entry=e.id, action=e.action.value, entity=e.entity_type, id=row.id,
                        ref=audit.ref(e.entity_type, row.id), label=review.label(db, e.entity_type, row),
                        state=row.review_state, user=e.user)
    if e.action.value == "correct":
        name = next((k for k in after if k != "review_state"), None)
        note.field, note.old, note.new = name, before.get(name), after.get(name)
    if e.action.value == "undo":
        note.undid, note.undid_action = before.get("entry"), before.get("action")
        name = next((k for k in after if k not in ("review_state", "withdrawn")), None)
        if name:
            note.field, note.old, note.new = name, before.get(name), after.get(name)
    else:
        try:
            note.undoable = review.last_decision(db, e.entity_type, row.id) == e.id
        except review.ReviewError:
            note.undoable = False
    return note


class BatchNote(BaseModel):
    """What a bulk decision did: its ``batch`` id, ``action``, how many facts (``count``), the ``user``, and
    whether it can still be undone (``undoable``: no fact of it undone yet)."""

    batch: str
    action: str
    count: int
    user: str
    undoable: bool


def batch_note(db: Session, batch: str) -> BatchNote:
    """:class:`BatchNote` of bulk decision ``batch``. Raises :class:`ctrack.errors.NotFound` for an unknown batch."""
    from ctrack.errors import NotFound

    entries = track_repo.audit_entries_of_batch(db, batch)
    if not entries:
        raise NotFound(f"no bulk decision {batch!r}")
    undone = {u.before.get("entry") for u in track_repo.audit_entries(db, action=review.Action.UNDO)
              if u.before and u.before.get("batch") == batch}
    return BatchNote(batch=batch, action=entries[0].action.value, count=len(entries), user=entries[0].user,
                     undoable=not undone)


def document_id(db: Session, ref: str | int) -> int:
    """The id of a document given by id or file name (``doc_key``). Raises :class:`ctrack.errors.NotFound`."""
    return track_repo.find_document(db, ref).id


def merge(db: Session, user: str, subject: Entity, kept_id: int, other_id: int, reason: str | None = None,
          fill: bool = True):
    """Merge ``other_id`` into ``kept_id`` (:func:`ctrack.track.review.merge`; ``fill``: empty fields of
    the kept record take the other's values) and reindex both; returns the decision."""
    d = review.merge(db, subject, kept_id, other_id, user=user, reason=reason, fill=fill)
    if subject in _SEARCH_OF:
        search_index.reindex(db, _SEARCH_OF[subject], [kept_id, other_id])
    return d


def split(db: Session, user: str, subject: Entity, row_id: int, documents: list[int], name: str | None = None,
          reason: str | None = None):
    """Move what ``documents`` said about a record to a new one (:func:`ctrack.track.review.split`) and
    reindex both; returns the decision."""
    d = review.split(db, subject, row_id, documents, user=user, reason=reason, name=name)
    if subject in _SEARCH_OF:
        search_index.reindex(db, _SEARCH_OF[subject], [d.kept_id, d.other_id])
    return d


def undo(db: Session, user: str, decision_id: int, comment: str | None = None):
    """Reverse a merge or split (:func:`ctrack.track.review.undo`) and refresh the search index; returns the result."""
    result = review.undo(db, decision_id, user=user, comment=comment)
    search_index.refresh(db)
    return result


__all__ = ["ACTIONS", "KINDS", "SourceSentence", "EvidenceOut", "QueueItemOut", "ReviewedOut", "reindex_after", "QueueQuery", "queue", "queue_size",
           "decide", "AddRoleIn", "AddEventIn", "add_role", "add_event", "BulkIn", "BulkOut", "BULK_MAX", "bulk_decide", "undo_decision", "undo_batch", "FieldOut", "fields_of",
           "DecisionNote", "decision_note", "BatchNote", "batch_note", "document_id", "merge", "split", "undo"]
