"""Human review of extracted facts: confirm, correct, reject, merge, split, undo.

Every stored fact (actor, event, event role, person title, conflict, and a
recommendation proposed from a document) starts ``proposed``. A reviewer:

- :func:`confirm`\\ s it (``confirmed``), :func:`reject`\\ s it (``rejected``;
  reads leave it out), or :func:`correct`\\ s one field (``corrected``; the
  old value is kept in ``field_corrections`` and in the audit log). Ingest
  never changes a row a person decided on (the contract of
  :class:`ctrack.store.models.ReviewState`), so a correction survives a
  re-ingest. Confirming a conflict applies the document's value as a
  correction; rejecting it keeps the stored value.
- :func:`merge`\\ s two actors or two events: every reference to the second
  (roles, mentions, aliases, titles, sources, child events, linked
  recommendations and activities …) moves to the first, empty fields of the
  first are filled from the second, and the second is kept, marked
  ``rejected``, never deleted.
- :func:`split`\\ s one actor or event: what some source documents said
  (their mentions, roles, titles, aliases, sources) moves to a new record.
- :func:`distinct` records that two actors or events that look alike are
  not the same (the pair is no longer proposed as a duplicate).
- :func:`undo`\\ es a merge, split or distinct decision: each moved
  reference and changed field goes back unless it was changed since, so
  nothing is lost.
- :func:`add_role`\\ s or :func:`add_event`\\ s a fact the extractor missed:
  an actor's role in a stored event, or an event of a document with its
  trigger words (the evidence spans of the new fact, rule
  :data:`ADDED_RULE` / :data:`ADDED_TRIGGER_RULE`). The fact is stored
  ``confirmed`` (a person stated it) with an ``add`` audit entry;
  :func:`undo_entry` takes it back (the row stays, ``rejected``, and counts
  as no decision for training: :func:`ctrack.store.track_repo.added_rows`).
  ``ctrack train --with-reviewed`` learns from it as from a confirmed fact
  (:mod:`ctrack.train.reviewed`).

Decisions are logged as entity-resolution tools in this field do
(nomenklatura's resolver keeps such a judgement log) in
:class:`ctrack.store.track_models.DbReviewDecision`; every step also goes to
the audit log (:mod:`ctrack.track.audit`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ctrack.errors import CtrackError
from ctrack.schema import ActorKind, EventStatus, EventType, RoleType
from ctrack.store import track_repo as repo
from ctrack.store.models import DbActor, DbEvent, ReviewState, utcnow
from ctrack.store.track_models import Action, DbReviewDecision, DecisionKind, Entity
from ctrack.track import audit, fields
from ctrack.wording import plural


#: The kinds of record that carry a review state (the review queue's kinds).
REVIEWABLE = repo.REVIEWABLE


class ReviewError(CtrackError):
    """A review step that cannot be done (wrong record type, field, or state)."""

    code = "E031"


def _actor_id(session: Session) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        if fields.blank(value):
            return None
        return repo.get(session, Entity.ACTOR, fields.integer(value)).id

    return fields.typed(parse, "actor")


def _event_id(session: Session) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        if fields.blank(value):
            return None
        return repo.get(session, Entity.EVENT, fields.integer(value)).id

    return fields.typed(parse, "event")


def correctable(session: Session, entity: Entity) -> dict[str, Callable[[Any], Any]]:
    """The fields a reviewer may correct on ``entity`` rows, each with its parser (text → stored value)."""
    if entity is Entity.ACTOR:
        return {"name": fields.text, "acronym": fields.optional_text, "iso3": fields.optional_state,
                "title": fields.optional_text, "kind": fields.member(ActorKind),
                "affiliation_id": _actor_id(session)}
    if entity is Entity.EVENT:
        return {"type": fields.member(EventType), "name": fields.optional_text, "start": fields.iso_partial,
                "end": fields.iso_partial, "city": fields.optional_text, "country": fields.optional_state,
                "status": fields.member(EventStatus), "delegations": fields.integer,
                "part_of_id": _event_id(session)}
    if entity is Entity.EVENT_ROLE:
        return {"role": fields.member(RoleType), "actor_id": _actor_id(session)}
    if entity is Entity.PERSON_TITLE:
        return {"title": fields.text, "as_of": fields.iso_partial, "affiliation_id": _actor_id(session)}
    return {}


@dataclass
class FieldInput:
    """One field a reviewer may correct on a fact, for a typed form: ``name``, the input ``kind``
    (:data:`ctrack.track.fields.INPUT_KINDS`), whether a value is ``required``, the ``choices`` of a choice, the
    ``current`` value (JSON-safe; a list for list fields) and, for an actor or event id, the record's ``label``."""

    name: str
    kind: str
    required: bool
    choices: list[str]
    current: Any
    label: str | None = None


def field_inputs(session: Session, entity: Entity, row_id: int) -> list[FieldInput]:
    """The correctable fields of fact ``entity``/``row_id`` with their input kinds and current values, in the
    order of :func:`correctable` (a recommendation: its import fields but ``status``, which has its own
    dated command). Raises :class:`ReviewError` for a kind that is not reviewed, :class:`NotFound` for no such fact."""
    row = _reviewable(session, entity, row_id)
    if entity is Entity.RECOMMENDATION:
        from ctrack.track import recommendations

        view = recommendations.view(row)
        parsers = {n: p for n, p in recommendations.PARSERS.items() if n != "status"}
        current = {n: view.get(n) for n in parsers}
    else:
        parsers = correctable(session, entity)
        current = {n: repo.jsonable(getattr(row, n)) for n in parsers}
    out = []
    for name, parser in parsers.items():
        kind, required, choices = fields.input_of(parser)
        label_text = None
        if kind in ("actor", "event") and current[name] is not None:
            target = Entity.ACTOR if kind == "actor" else Entity.EVENT
            label_text = repo.actor_names(session, [current[name]]).get(current[name]) if kind == "actor" else \
                label(session, target, repo.get(session, target, current[name]))
        out.append(FieldInput(name=name, kind=kind, required=required, choices=choices, current=current[name],
                              label=label_text))
    return out


def _reviewable(session: Session, entity: Entity, row_id: int) -> Any:
    if entity not in repo.REVIEWABLE:
        names = ", ".join(e.value for e in repo.REVIEWABLE)
        raise ReviewError(f"{entity.value} records are not reviewed (reviewable: {names})")
    return repo.get(session, entity, row_id)


def _set_state(session: Session, entity: Entity, row: Any, state: ReviewState, action: Action, user: str,
               comment: str | None, **extra: Any) -> None:
    before = {"review_state": row.review_state.value}
    row.review_state = state
    session.flush()
    audit.record(session, user, action, entity, row.id, before=before,
                 after={"review_state": state.value, **extra}, comment=comment)


def confirm(session: Session, entity: Entity, row_id: int, *, user: str, comment: str | None = None,
            batch: str | None = None) -> Any:
    """Mark a fact ``confirmed`` and return its row.

    A conflict: its value is applied to its actor or event as a correction
    (when the field is correctable), then the conflict is confirmed. A
    proposed recommendation must have a member state first; it gets its
    first status entry (``not_started``, today) if it has none.
    ``batch`` (a bulk decision's id) is written in the audit entry's ``after``,
    so the whole bulk step can be undone at once (:func:`undo_batch`).
    Raises :class:`ReviewError` / :class:`ctrack.errors.NotFound`.
    """
    row = _reviewable(session, entity, row_id)
    if entity is Entity.CONFLICT:
        target = (Entity.ACTOR, row.actor_id) if row.actor_id else (Entity.EVENT, row.event_id)
        if row.field in correctable(session, target[0]):
            correct(session, target[0], target[1], row.field, row.value, user=user,
                    comment=comment or f"conflict {row.id}: value from document {row.document_id}")
    if entity is Entity.RECOMMENDATION:
        if not row.state:
            raise ReviewError(f"recommendation {row.id} has no member state: correct its state before confirming it")
        if not row.history:
            from ctrack.track import recommendations

            recommendations.set_status(session, row.id, row.status, dt.date.today(), user=user,
                                       comment="initial status (confirmed proposal)")
    _set_state(session, entity, row, ReviewState.CONFIRMED, Action.CONFIRM, user, comment,
               **({"batch": batch} if batch else {}))
    return row


def reject(session: Session, entity: Entity, row_id: int, *, user: str, comment: str | None = None,
           batch: str | None = None) -> Any:
    """Mark a fact ``rejected`` (reads and reports leave it out; ingest will not bring it back) and return it.
    ``batch`` (as for :func:`confirm`) names the bulk decision it is part of (:func:`undo_batch`)."""
    row = _reviewable(session, entity, row_id)
    _set_state(session, entity, row, ReviewState.REJECTED, Action.REJECT, user, comment,
               **({"batch": batch} if batch else {}))
    return row


def correct(session: Session, entity: Entity, row_id: int, field_name: str, value: Any, *, user: str,
            comment: str | None = None) -> Any:
    """Set ``field_name`` of a fact to ``value`` (text is parsed), keeping the old value; returns the row.

    The row becomes ``corrected``; ``field_corrections`` and the audit log
    get the old and new value. Recommendations accept their import fields
    (lists for themes, resolutions, pillars, lead institutions, partners).
    Raises :class:`ReviewError` for a field that cannot be corrected or a bad value.
    """
    row = _reviewable(session, entity, row_id)
    try:
        if entity is Entity.RECOMMENDATION:
            from ctrack.track import recommendations

            old, new = recommendations.update_field(session, row, field_name, value)
        else:
            parsers = correctable(session, entity)
            if field_name not in parsers:
                allowed = ", ".join(parsers) or "none"
                raise ReviewError(f"cannot correct {field_name!r} of {entity.value} (fields: {allowed})")
            parsed = parsers[field_name](value)
            old, new = repo.jsonable(getattr(row, field_name)), repo.jsonable(parsed)
            if old != new:
                setattr(row, field_name, parsed)
                session.flush()
    except ValueError as exc:
        raise ReviewError(f"{entity.value} {row_id}: {field_name}: {exc}") from None
    if old == new:  # nothing changed: nothing to record
        return row
    repo.add_correction(session, entity=entity, entity_id=row.id, field=field_name, old=old, new=new, user=user,
                        comment=comment)
    before_state = row.review_state.value
    if not (entity is Entity.RECOMMENDATION and not row.state):  # a proposal needs its state to count as reviewed
        row.review_state = ReviewState.CORRECTED
    session.flush()
    audit.record(session, user, Action.CORRECT, entity, row.id,
                 before={field_name: old, "review_state": before_state},
                 after={field_name: new, "review_state": row.review_state.value}, comment=comment)
    return row


# --------------------------------------------------------------------------- add a missed fact

#: Rule of the evidence mention of a role a reviewer added (its words in the document, when given).
ADDED_RULE = "role:added"
#: Rule of the trigger mention of an event a reviewer added; it begins with "trigger" as the extractor's trigger
#: rules do, so that training ties it to an extraction candidate on the same words
#: (:func:`ctrack.train.reviewed.match_events`).
ADDED_TRIGGER_RULE = "trigger:added"


def find_span(text: str, phrase: str, occurrence: int = 1) -> tuple[int, int]:
    """``[start, end)`` character offsets of the ``occurrence``-th (1-based) match of ``phrase`` in ``text``:
    case-insensitive, any run of white space between its words, whole words only. Raises :class:`ReviewError`
    for an empty phrase, an occurrence below 1, or fewer matches than ``occurrence``."""
    import re

    words = (phrase or "").split()
    if not words:
        raise ReviewError("give the words of the document that state the fact")
    if occurrence < 1:
        raise ReviewError(f"occurrence {occurrence}: counted from 1")
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
    found = list(re.finditer(pattern, text, flags=re.IGNORECASE))
    if len(found) < occurrence:
        where = plural(len(found), "time") if found else "nowhere"
        raise ReviewError(f"{' '.join(words)!r} occurs {where} in the document"
                          + (f", not {plural(occurrence, 'time')}" if found else ""))
    m = found[occurrence - 1]
    return m.start(), m.end()


def _document_of_event(session: Session, event_id: int, document: str | int | None) -> Any:
    reported = repo.documents_of(session, Entity.EVENT, event_id)
    if document is None or str(document).strip() == "":
        if not reported:
            raise ReviewError(f"event {event_id} has no source document; say which document states the role")
        return repo.find_document(session, reported[0])
    doc = repo.find_document(session, document)
    if doc.id not in reported:
        raise ReviewError(f"document {doc.id} ({doc.doc_key}) does not report event {event_id} "
                          f"(its documents: {', '.join(map(str, reported)) or 'none'})")
    return doc


def add_role(session: Session, event_id: int, actor_id: int, role: Any, *, user: str,
             document: str | int | None = None, evidence: str | None = None, occurrence: int = 1,
             comment: str | None = None) -> Any:
    """Add a role the extractor missed: actor ``actor_id`` holds ``role`` (a :class:`ctrack.schema.RoleType`
    value) in event ``event_id``, as ``document`` (id or file name; default: the first document that reports
    the event, which must report it) states; ``evidence``, when given, are the words of the document that
    state it (their ``occurrence``-th match, :func:`find_span`), kept as the role's evidence span. Returns the
    role row, stored ``confirmed``, with an ``add`` audit entry (undo it with :func:`undo_entry`).

    A role the reviewer rejected (or whose addition was undone) is added again on its own row. Raises
    :class:`ReviewError` for an unknown role, a rejected event or actor, a document that does not report
    the event, words not in it, or a role already stored and not rejected (confirm it instead), and
    :class:`ctrack.errors.NotFound` for no such event, actor or document."""
    from ctrack.store.models import DbEventRole, DbMention

    try:
        role_type = fields.member(RoleType)(role)
    except ValueError as exc:
        raise ReviewError(f"role: {exc}") from None
    event = repo.get(session, Entity.EVENT, fields.integer(event_id))
    actor = repo.get(session, Entity.ACTOR, fields.integer(actor_id))
    for what, row in (("event", event), ("actor", actor)):
        if row.review_state is ReviewState.REJECTED:
            raise ReviewError(f"{what} {row.id} is rejected; undo that first")
    doc = _document_of_event(session, event.id, document)
    span = find_span(doc.text, evidence, occurrence) if evidence and evidence.strip() else None
    row = repo.find_role(session, event.id, actor.id, role_type)
    before_state = None
    if row is not None:
        if row.review_state is not ReviewState.REJECTED:
            raise ReviewError(f"{audit.ref(Entity.EVENT_ROLE, row.id)} holds this role already "
                              f"({row.review_state.value}); confirm or correct it instead")
        before_state = row.review_state.value
        row.review_state, row.document_id, row.confidence = ReviewState.CONFIRMED, doc.id, None
        session.flush()
    else:
        row = repo.add_row(session, DbEventRole(event_id=event.id, actor_id=actor.id, role=role_type,
                                                document_id=doc.id, review_state=ReviewState.CONFIRMED))
    if span is not None:
        repo.add_row(session, DbMention(document_id=doc.id, start=span[0], end=span[1],
                                        text=doc.text[span[0]:span[1]], rule=ADDED_RULE, event_role_id=row.id))
    audit.record(session, user, Action.ADD, Entity.EVENT_ROLE, row.id, before={"review_state": before_state},
                 after={"review_state": ReviewState.CONFIRMED.value, "event_id": event.id, "actor_id": actor.id,
                        "role": role_type.value, "document_id": doc.id, "evidence": list(span) if span else None,
                        "label": label(session, Entity.EVENT_ROLE, row)}, comment=comment)
    return row


def add_event(session: Session, document: str | int, event_type: Any, trigger: str, *, user: str,
              start: Any = None, end: Any = None, city: str | None = None, country: str | None = None,
              name: str | None = None, status: Any = None, occurrence: int = 1, comment: str | None = None) -> Any:
    """Add an event the extractor missed, as ``document`` (id or file name) tells it: its ``event_type`` (a
    :class:`ctrack.schema.EventType` value), the ``trigger`` words that tell it (their ``occurrence``-th match
    in the document's text, :func:`find_span`: the event's evidence, rule :data:`ADDED_TRIGGER_RULE`), its
    ``start``/``end`` (ISO dates at any precision), venue, ``name`` and ``status`` (default held). Returns the
    event row, stored ``confirmed`` with the document as its source and an ``add`` audit entry (undo it with
    :func:`undo_entry`). Add its roles with :func:`add_role`.

    Raises :class:`ReviewError` for a bad type, date, state or status, or trigger words not in the document,
    and :class:`ctrack.errors.NotFound` for no such document."""
    from ctrack.store.models import DbEvent, DbEventSource, DbMention

    doc = repo.find_document(session, document)
    parsers = {"type": (fields.member(EventType), event_type), "name": (fields.optional_text, name),
               "start": (fields.iso_partial, start), "end": (fields.iso_partial, end),
               "city": (fields.optional_text, city), "country": (fields.optional_state, country),
               "status": (fields.member(EventStatus), status if not fields.blank(status) else EventStatus.HELD.value)}
    values = {}
    for key, (parse, raw) in parsers.items():
        try:
            values[key] = parse(raw)
        except ValueError as exc:
            raise ReviewError(f"event {key}: {exc}") from None
    if values["type"] is None:
        raise ReviewError("event: give its type")
    if values["end"] is None:
        values["end"] = values["start"]
    span = find_span(doc.text, trigger, occurrence)
    row = repo.add_row(session, DbEvent(**values, review_state=ReviewState.CONFIRMED))
    facts = {k: repo.jsonable(v) for k, v in values.items()} | {"delegations": None, "part_of": None, "roles": [],
                                                                "added": True}
    repo.add_row(session, DbEventSource(event_id=row.id, document_id=doc.id, local_id=None, facts=facts))
    repo.add_row(session, DbMention(document_id=doc.id, start=span[0], end=span[1], text=doc.text[span[0]:span[1]],
                                    rule=ADDED_TRIGGER_RULE, event_id=row.id))
    audit.record(session, user, Action.ADD, Entity.EVENT, row.id, before={"review_state": None},
                 after={"review_state": ReviewState.CONFIRMED.value, **facts, "document_id": doc.id,
                        "trigger": list(span), "label": label(session, Entity.EVENT, row)}, comment=comment)
    return row


def _undo_add(session: Session, entry: Any, row: Any, *, user: str, comment: str | None) -> tuple[Entity, Any]:
    """Take back an ``add`` (see :func:`undo_entry`): the fact goes back to its state before (a new one: ``rejected``,
    which readers leave out), unless it changed since or, for an event, holds roles that are not rejected."""
    entity = entry.entity_type
    if row.review_state.value != (entry.after or {}).get("review_state"):
        raise ReviewError(f"{audit.ref(entity, row.id)} changed since entry {entry.id} (review_state); "
                          "undo or correct that first")
    if entity is Entity.EVENT and any(r.review_state is not ReviewState.REJECTED for r in row.roles):
        raise ReviewError(f"{audit.ref(entity, row.id)} holds roles now; reject or undo them first")
    old = (entry.before or {}).get("review_state") or ReviewState.REJECTED.value
    row.review_state = ReviewState(old)
    session.flush()
    audit.record(session, user, Action.UNDO, entity, row.id,
                 before={"entry": entry.id, "action": Action.ADD.value, "review_state": ReviewState.CONFIRMED.value},
                 after={"review_state": old, "withdrawn": True}, comment=comment)
    return entity, row


# --------------------------------------------------------------------------- merge / split / undo

#: Fields of the kept record that a merge fills from the other one when empty.
FILL = {Entity.ACTOR: ("acronym", "iso3", "title", "affiliation_id"),
        Entity.EVENT: ("name", "start", "end", "city", "country", "delegations", "part_of_id")}

_TABLE_MODEL = {m.__tablename__: m for m in repo.MODELS.values()}


def _group(kind: ActorKind) -> str:
    return "person" if kind is ActorKind.PERSON else "state" if kind is ActorKind.MEMBER_STATE else "org"


def _change(changes: dict, row: Any, name: str, new: Any) -> None:
    old = getattr(row, name)
    if old == new:
        return
    changes.setdefault(row.__tablename__, {}).setdefault(str(row.id), {})[name] = [repo.jsonable(old),
                                                                                     repo.jsonable(new)]
    setattr(row, name, new)


def merge(session: Session, subject: Entity, kept_id: int, other_id: int, *, user: str,
          reason: str | None = None, fill: bool = True) -> DbReviewDecision:
    """Merge actor/event ``other_id`` into ``kept_id``; returns the stored decision (undo it with :func:`undo`).

    Persons, states and organizations are not merged across groups. The other
    record stays in the database, ``rejected``, with nothing pointing at it
    except what could not move (listed in ``decision.fields["left"]``).
    Raises :class:`ReviewError` / :class:`ctrack.errors.NotFound`.
    """
    if subject not in FILL:
        raise ReviewError(f"only actors and events can be merged, not {subject.value}")
    if kept_id == other_id:
        raise ReviewError(f"cannot merge {subject.value} {kept_id} into itself")
    kept, other = repo.get(session, subject, kept_id), repo.get(session, subject, other_id)
    already = repo.merged_into(session, subject, other_id)
    if already is not None:
        raise ReviewError(f"{subject.value} {other_id} is already merged into {already}; undo that merge first")
    if subject is Entity.ACTOR and _group(kept.kind) != _group(other.kind):
        raise ReviewError(f"cannot merge a {other.kind.value} into a {kept.kind.value}")
    before = {"kept": repo.snapshot(kept), "other": repo.snapshot(other)}
    moves, left = repo.move_references(session, subject, other_id, kept_id)
    kept, other = repo.get(session, subject, kept_id), repo.get(session, subject, other_id)
    changes: dict[str, Any] = {}
    if fill:
        for name in FILL[subject]:
            value = getattr(other, name)
            if getattr(kept, name) is None and value is not None and value != kept.id:
                _change(changes, kept, name, value)
    _change(changes, other, "review_state", ReviewState.REJECTED)
    session.flush()
    decision = repo.add_decision(session, DbReviewDecision(
        kind=DecisionKind.MERGE, subject=subject, kept_id=kept_id, other_id=other_id, user=user, reason=reason,
        moves=moves, fields={"changed": changes, "left": left}))
    after = repo.snapshot(kept) | {"merged": other_id, "moved": len(moves), "left": left, "decision": decision.id}
    audit.record(session, user, Action.MERGE, subject, kept_id, before=before["kept"], after=after, comment=reason,
                 decision_id=decision.id)
    audit.record(session, user, Action.MERGE, subject, other_id, before=before["other"],
                 after={"review_state": ReviewState.REJECTED.value, "merged_into": kept_id, "decision": decision.id},
                 comment=reason, decision_id=decision.id)
    return decision


def _new_actor_from(session: Session, row: DbActor, facts: dict[str, Any], name: str | None) -> DbActor:
    from ctrack.resolve.actors import canonical_key, normalize_actor
    from ctrack.schema import Actor

    kind = ActorKind(facts.get("kind") or row.kind.value)
    actor = normalize_actor(Actor(id="split", kind=kind, name=name or facts.get("name") or row.name,
                                  acronym=facts.get("acronym"), iso3=facts.get("iso3"), title=facts.get("title")))
    key = canonical_key(actor)
    base, n = key, 2
    while not repo.canonical_key_free(session, key):
        key, n = f"{base}~{n}", n + 1
    return repo.add_row(session, DbActor(kind=actor.kind, canonical_key=key, name=actor.name, acronym=actor.acronym,
                                         iso3=actor.iso3, title=actor.title if kind is ActorKind.PERSON else None))


def _new_event_from(session: Session, row: DbEvent, facts: dict[str, Any], name: str | None) -> DbEvent:
    def pick(key: str, default: Any) -> Any:
        return facts[key] if facts.get(key) is not None else default

    return repo.add_row(session, DbEvent(
        type=EventType(pick("type", row.type.value)), name=name or pick("name", row.name),
        start=pick("start", row.start), end=pick("end", row.end), city=pick("city", row.city),
        country=pick("country", row.country), status=EventStatus(pick("status", row.status.value)),
        delegations=pick("delegations", row.delegations)))


def split(session: Session, subject: Entity, row_id: int, documents: Sequence[int], *, user: str,
          name: str | None = None, reason: str | None = None) -> DbReviewDecision:
    """Split what ``documents`` said about actor/event ``row_id`` off into a new record; returns the decision.

    The new record takes its fields from the first of those documents' own
    facts (``actor_sources``/``event_sources``), or ``name`` when given; the
    mentions, roles, titles, aliases and sources those documents gave move
    to it. ``decision.other_id`` is the new record. Raises
    :class:`ReviewError` when a document did not report the record or when
    every source would move.
    """
    if subject not in FILL:
        raise ReviewError(f"only actors and events can be split, not {subject.value}")
    row = repo.get(session, subject, row_id)
    docs = sorted(set(documents))
    reported = repo.documents_of(session, subject, row_id)
    missing = [d for d in docs if d not in reported]
    if missing or not docs:
        raise ReviewError(f"{subject.value} {row_id} is reported by documents {reported}; cannot split off {missing or docs}")
    if set(docs) >= set(reported):
        raise ReviewError(f"splitting off every source of {subject.value} {row_id} leaves nothing behind; "
                          "correct or reject it instead")
    before = repo.snapshot(row)
    if subject is Entity.EVENT:
        facts = next(iter(repo.source_facts(session, row_id, docs)), {})
        new = _new_event_from(session, row, facts, name)
    else:
        facts = next(iter(repo.actor_source_facts(session, row_id, docs)), {})
        new = _new_actor_from(session, row, facts, name)
    moves, left = repo.move_references(session, subject, row_id, new.id, documents=docs)
    new = repo.get(session, subject, new.id)
    decision = repo.add_decision(session, DbReviewDecision(
        kind=DecisionKind.SPLIT, subject=subject, kept_id=row_id, other_id=new.id, user=user, reason=reason,
        moves=moves, fields={"changed": {}, "left": left, "documents": docs}))
    audit.record(session, user, Action.SPLIT, subject, row_id, before=before,
                 after={"split_off": new.id, "documents": docs, "moved": len(moves), "decision": decision.id},
                 comment=reason, decision_id=decision.id)
    audit.record(session, user, Action.CREATE, subject, new.id, after=repo.snapshot(new) | {"split_from": row_id},
                 comment=reason, decision_id=decision.id)
    return decision


def distinct(session: Session, subject: Entity, a_id: int, b_id: int, *, user: str,
             reason: str | None = None) -> DbReviewDecision:
    """Record that actors/events ``a_id`` and ``b_id`` are not the same; returns the stored decision.

    Nothing moves: the decision (kind ``distinct``, the pair stored as
    ``kept_id`` < ``other_id``) only stops the pair being proposed as a
    duplicate (:func:`ctrack.service.dedupe.candidates`), as a negative
    judgement does in nomenklatura's resolver. Each record gets an audit
    entry; :func:`undo` takes the decision back. Raises :class:`ReviewError`
    for another kind of record, a record paired with itself or a pair already
    judged distinct, and :class:`ctrack.errors.NotFound` for an unknown record.
    """
    if subject not in FILL:
        raise ReviewError(f"only actors and events can be judged distinct, not {subject.value}")
    if a_id == b_id:
        raise ReviewError(f"{subject.value} {a_id} cannot be distinct from itself")
    low, high = sorted((a_id, b_id))
    rows = {i: repo.get(session, subject, i) for i in (low, high)}
    already = repo.distinct_decision(session, subject, low, high)
    if already is not None:
        raise ReviewError(f"{subject.value}s {low} and {high} were judged not the same already "
                          f"(decision {already.id}); undo it first")
    decision = repo.add_decision(session, DbReviewDecision(
        kind=DecisionKind.DISTINCT, subject=subject, kept_id=low, other_id=high, user=user, reason=reason,
        moves=[], fields={"changed": {}, "left": []}))
    for row_id, other in ((low, high), (high, low)):
        audit.record(session, user, Action.DISTINCT, subject, row_id, before={"name": rows[row_id].name},
                     after={"not_same_as": other, "decision": decision.id}, comment=reason, decision_id=decision.id)
    return decision


@dataclass
class UndoResult:
    """What :func:`undo` did: the decision, references restored, and those left in place (changed since)."""

    decision: DbReviewDecision
    restored: list[list[Any]] = field(default_factory=list)
    kept: list[list[Any]] = field(default_factory=list)
    fields_restored: list[list[Any]] = field(default_factory=list)
    fields_kept: list[list[Any]] = field(default_factory=list)


def undo(session: Session, decision_id: int, *, user: str, comment: str | None = None) -> UndoResult:
    """Reverse merge, split or distinct ``decision_id``: references go back, changed fields get their old values
    (a distinct decision moved nothing: undoing it lets the pair be proposed again).

    A reference or field changed since the decision is left as it is and
    reported (``kept``/``fields_kept``). After undoing a split the record it
    created is marked ``rejected`` (it holds nothing any more). Raises
    :class:`ReviewError` when the decision was already undone.
    """
    decision = repo.get(session, Entity.DECISION, decision_id)
    if decision.undone_at is not None:
        raise ReviewError(f"decision {decision_id} was already undone on {decision.undone_at:%Y-%m-%d %H:%M} "
                          f"by {decision.undone_by}")
    result = UndoResult(decision=decision)
    result.restored, result.kept = repo.reverse_moves(session, decision.moves)
    for table, rows in (decision.fields or {}).get("changed", {}).items():
        model = _TABLE_MODEL[table]
        for rid, changes in rows.items():
            row = session.get(model, int(rid))
            for name, (old, new) in changes.items():
                if row is None or repo.jsonable(getattr(row, name)) != new:
                    result.fields_kept.append([table, int(rid), name])
                    continue
                column_type = model.__table__.c[name].type
                enum_cls = getattr(column_type, "enum_class", None)
                setattr(row, name, enum_cls(old) if enum_cls and old is not None else old)
                result.fields_restored.append([table, int(rid), name, new, old])
    if decision.kind is DecisionKind.SPLIT:
        created = repo.get(session, decision.subject, decision.other_id)
        created.review_state = ReviewState.REJECTED
    decision.undone_at = utcnow()
    decision.undone_by = user
    session.flush()
    after = {"decision": decision.id, "restored": len(result.restored), "kept": result.kept,
             "fields_restored": result.fields_restored, "fields_kept": result.fields_kept}
    for row_id in (decision.kept_id, decision.other_id):
        audit.record(session, user, Action.UNDO, decision.subject, row_id,
                     before={"decision": decision.id, "kind": decision.kind.value}, after=after, comment=comment,
                     decision_id=decision.id)
    return result


# --------------------------------------------------------------------------- undo of confirm / reject / correct

#: The decisions on one fact that :func:`undo_entry` takes back.
UNDOABLE = (Action.CONFIRM, Action.REJECT, Action.CORRECT, Action.ADD)


def _undone_entries(session: Session, entity: Entity, row_id: int) -> set[int]:
    return {e.before.get("entry") for e in repo.audit_entries(session, entity, row_id, action=Action.UNDO)
            if e.before and e.before.get("entry") is not None}


def last_decision(session: Session, entity: Entity, row_id: int) -> int:
    """The audit entry id of the latest confirm, reject, correct or add of a fact not yet undone.

    Raises :class:`ReviewError` when the fact has none (and :class:`ctrack.errors.NotFound` for no such fact)."""
    _reviewable(session, entity, row_id)
    undone = _undone_entries(session, entity, row_id)
    for e in reversed(repo.audit_entries(session, entity, row_id)):
        if e.action in UNDOABLE and e.id not in undone:
            return e.id
    raise ReviewError(f"{audit.ref(entity, row_id)} has no confirm, reject, correct or add left to undo")


def undo_entry(session: Session, entry_id: int, *, user: str, comment: str | None = None) -> tuple[Entity, Any]:
    """Take back the confirm, reject, correct or add that audit entry ``entry_id`` records; returns (entity, row).

    The fact gets its review state back, and a correction its old value
    (kept in ``field_corrections`` too). The undo is an audit entry of its
    own (``undo``, ``before.entry`` = the entry undone), so the log stays
    append-only. A fact changed since the decision is left alone. Confirming
    a conflict also wrote a correction of its actor or event: that is a
    separate entry, undone on the actor or event. An added fact
    (:func:`add_role`, :func:`add_event`) goes back to its state before the
    addition (a new one: ``rejected``, so reads leave it out). Raises
    :class:`ReviewError` for a merge or split entry (undo the decision), an
    entry undone already, or a fact changed since (a recommendation's list
    fields, such as themes or partners, are compared as its view shows them); :class:`ctrack.errors.NotFound` for no such entry.
    """
    entry = repo.audit_entry(session, entry_id)
    if entry.action not in UNDOABLE:
        hint = (f"; undo merge/split decision {entry.decision_id} instead" if entry.decision_id else "")
        raise ReviewError(f"audit entry {entry_id} is a {entry.action.value}, not a confirm, reject, correct or add{hint}")
    entity, row_id = entry.entity_type, entry.entity_id
    row = _reviewable(session, entity, row_id)
    if entry_id in _undone_entries(session, entity, row_id):
        raise ReviewError(f"audit entry {entry_id} ({entry.action.value} of {audit.ref(entity, row_id)}) "
                          "was undone already")
    if entry.action is Action.ADD:
        return _undo_add(session, entry, row, user=user, comment=comment)
    before, after = entry.before or {}, entry.after or {}
    if entity is Entity.RECOMMENDATION:
        from ctrack.track import recommendations

        current = recommendations.view(row)  # list fields (themes, partners …) are not columns of the row
    else:
        current = {k: repo.jsonable(getattr(row, k)) for k in after if hasattr(row, k)}
    changed = [k for k, v in after.items() if k in current and current[k] != v]
    if changed:
        raise ReviewError(f"{audit.ref(entity, row_id)} changed since entry {entry_id} ({', '.join(changed)}); "
                          "correct it instead")
    restored: dict[str, Any] = {}
    if entry.action is Action.CORRECT:
        for name, old in before.items():
            if name == "review_state":
                continue
            if entity is Entity.RECOMMENDATION:
                try:
                    recommendations.restore_field(session, row, name, old)
                except ValueError as exc:
                    raise ReviewError(f"{audit.ref(entity, row_id)}: {name}: cannot restore {old!r}: {exc}") from None
                repo.add_correction(session, entity=entity, entity_id=row_id, field=name, old=after.get(name),
                                    new=old, user=user, comment=comment or f"undo of audit entry {entry_id}")
                restored[name] = old
                continue
            column_type = type(row).__table__.c[name].type
            enum_cls = getattr(column_type, "enum_class", None)
            setattr(row, name, enum_cls(old) if enum_cls and old is not None else old)
            repo.add_correction(session, entity=entity, entity_id=row_id, field=name, old=after.get(name), new=old,
                                user=user, comment=comment or f"undo of audit entry {entry_id}")
            restored[name] = old
    if "review_state" in before:
        row.review_state = ReviewState(before["review_state"])
        restored["review_state"] = before["review_state"]
    session.flush()
    audit.record(session, user, Action.UNDO, entity, row_id,
                 before={"entry": entry_id, "action": entry.action.value, **after}, after=restored, comment=comment)
    return entity, row


def undo_batch(session: Session, batch: str, *, user: str, comment: str | None = None) -> list[tuple[Entity, Any]]:
    """Take back every confirm or reject of bulk decision ``batch`` (:func:`confirm`/:func:`reject` with
    ``batch``) not undone yet, one ``undo`` audit entry per fact (:func:`undo_entry`); returns the
    ``(entity, row)`` of each fact. All or nothing when the caller rolls back on error: a fact changed since
    raises :class:`ReviewError` (naming it). Raises :class:`ReviewError` when the batch has nothing left to undo."""
    entries = repo.audit_entries_of_batch(session, batch)
    if not entries:
        raise ReviewError(f"no bulk decision {batch!r}")
    out = []
    for e in entries:
        if e.id in _undone_entries(session, e.entity_type, e.entity_id):
            continue
        out.append(undo_entry(session, e.id, user=user, comment=comment or f"undo of bulk decision {batch}"))
    if not out:
        raise ReviewError(f"bulk decision {batch!r} was undone already")
    return out


# --------------------------------------------------------------------------- the review queue


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` that hold span ``[start, end)``, on one line (:func:`ctrack.track.proposals.sentences`)."""
    from ctrack.track.proposals import sentences

    spans = [(a, b) for a, b in sentences(text) if a < max(end, start + 1) and b > start]
    if not spans:
        return " ".join(text[start:end].split())
    return " ".join(text[spans[0][0]:spans[-1][1]].split())


#: Evidence spans a queue item carries at most (an actor named all over a corpus has many mentions);
#: ``evidence_total`` counts them all.
EVIDENCE_SHOWN = 50


@dataclass
class EvidenceSpan:
    """A span of a source document that supports a fact: the document's key (file name without extension),
    ``[start, end)`` character offsets into its text, the ``text`` of the span and the ``rule`` or model that
    read it ("" when unknown, e.g. a recommendation imported from a sheet)."""

    document: str
    start: int
    end: int
    text: str
    rule: str = ""


@dataclass
class QueueItem:
    """One fact waiting for review: ``ref`` ("event:3"), a one-line ``label``, its state and source sentences.

    ``sources`` are ``(document key, sentence)`` pairs, one per supporting mention (deduplicated).
    ``confidence`` is the extraction model's probability (0-1) for events and roles; None for other kinds
    and for facts no model scored. ``briefing``: a briefing pack would show the fact (such facts come first,
    :func:`ctrack.store.track_repo.queue_rows`). ``spans``: when the queue is filtered by a document, the
    ``[start, end)`` character offsets in that document's text of every span that supports the fact.
    ``evidence``: the spans that support the fact in every document (at most :data:`EVIDENCE_SHOWN`, in
    document then offset order), ``evidence_total`` how many there are.
    """

    entity: Entity
    id: int
    label: str
    state: str
    sources: list[tuple[str, str]] = field(default_factory=list)
    confidence: float | None = None
    briefing: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)
    evidence: list[EvidenceSpan] = field(default_factory=list)
    evidence_total: int = 0

    @property
    def ref(self) -> str:
        """The ``TYPE:ID`` reference of the fact."""
        return audit.ref(self.entity, self.id)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict: ``ref``, ``entity``, ``id``, ``label``, ``state``, ``confidence``, ``briefing``,
        ``sources``."""
        return {"ref": self.ref, "entity": self.entity.value, "id": self.id, "label": self.label,
                "state": self.state, "confidence": self.confidence, "briefing": self.briefing,
                "sources": [{"document": d, "sentence": s} for d, s in self.sources]}


@dataclass
class QueueFilter:
    """Which facts of the review queue to take; every filter given narrows the queue (AND).

    ``document``: id or file name; ``actor``: name, acronym or ISO3 (the actor's own facts);
    ``state``: a member state's ISO 3166-1 alpha-3 code (its actors, events in it or with it in a role,
    its actors' roles and titles, recommendations to it); ``kinds``: kinds of record; ``min_confidence``
    / ``max_confidence``: the band (0-1, inclusive) of the extraction confidence (only scored facts,
    i.e. events and roles); ``states``: review states (default: proposed).
    """

    document: str | int | None = None
    actor: str | None = None
    state: str | None = None
    kinds: Sequence[Entity] | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    states: Sequence[ReviewState] = (ReviewState.PROPOSED,)

    def resolve(self, session: Session) -> dict[str, Any]:
        """The keyword arguments of :func:`ctrack.store.track_repo.queue_rows` for this filter.

        Raises :class:`ctrack.errors.NotFound` for an unknown document or actor and :class:`ReviewError`
        for a code that is not an ISO3 member state, a kind that is not reviewed, or a band outside 0-1
        or upside down."""
        out: dict[str, Any] = {"states": tuple(self.states)}
        if self.document is not None:
            out["document_id"] = repo.find_document(session, self.document).id
        if self.actor is not None:
            from ctrack.store.repo import find_actor

            out["actor_id"] = find_actor(session, self.actor).id
        if self.state is not None:
            try:
                out["iso3"] = fields.optional_state(self.state)
            except ValueError as exc:
                raise ReviewError(f"member state {self.state!r}: {exc}") from None
        if self.kinds:
            bad = [k.value for k in self.kinds if k not in repo.REVIEWABLE]
            if bad:
                raise ReviewError(f"{', '.join(bad)} records are not reviewed "
                                  f"(reviewable: {', '.join(e.value for e in repo.REVIEWABLE)})")
            out["kinds"] = tuple(self.kinds)
        for name in ("min_confidence", "max_confidence"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ReviewError(f"{name.replace('_', ' ')} {value} is outside 0-1")
            out[name] = value
        if self.min_confidence is not None and self.max_confidence is not None \
                and self.min_confidence > self.max_confidence:
            raise ReviewError(f"min confidence {self.min_confidence} is above max confidence {self.max_confidence}")
        return out


def queue_size(session: Session, *, document: str | int | None = None, actor: str | None = None,
               states: Sequence[ReviewState] = (ReviewState.PROPOSED,), where: QueueFilter | None = None,
               cap: int | None = None) -> int:
    """How many facts :func:`queue` would list (``COUNT`` per kind of record). ``where`` (when given)
    replaces ``document``/``actor``/``states``; with ``cap``, ``cap + 1`` means "more than ``cap``"
    (:func:`ctrack.store.track_repo.count_queue`). Raises what :meth:`QueueFilter.resolve` raises."""
    where = where or QueueFilter(document=document, actor=actor, states=states)
    return repo.count_queue(session, **where.resolve(session), cap=cap)


def label(session: Session, entity: Entity, row: Any, names: dict[int, str] | None = None) -> str:
    """A one-line description of a fact for the reviewer; ``names`` (``{actor id: name}``, when given) holds
    the names of the role's actor or the title's person and affiliation, read once for a page."""
    if entity is Entity.ACTOR:
        extra = [x for x in (row.acronym, row.iso3 if row.kind is ActorKind.MEMBER_STATE else None, row.title) if x]
        return f"{row.kind.value} {row.name}" + (f" ({', '.join(extra)})" if extra else "")
    if entity is Entity.EVENT:
        when = row.start + (f"/{row.end}" if row.end and row.end != row.start else "") if row.start else "undated"
        where = ", ".join(x for x in (row.city, row.country) if x) or "place unknown"
        return f"{row.type.value} {when} {where}: {row.name or '(no name)'} [{row.status.value}]"
    if entity is Entity.EVENT_ROLE:
        names = names if names is not None else repo.actor_names(session, [row.actor_id])
        ev = repo.get(session, Entity.EVENT, row.event_id)
        return f"{names.get(row.actor_id, row.actor_id)} — {row.role.value} of event {row.event_id} ({label(session, Entity.EVENT, ev)})"
    if entity is Entity.PERSON_TITLE:
        names = names if names is not None else repo.actor_names(session, [row.person_id, row.affiliation_id])
        aff = f", {names[row.affiliation_id]}" if row.affiliation_id in names else ""
        return f"{names.get(row.person_id, row.person_id)}: {row.title}{aff} (as of {row.as_of or 'undated'})"
    if entity is Entity.CONFLICT:
        target = f"actor {row.actor_id}" if row.actor_id else f"event {row.event_id}"
        return f"{target} {row.field}: document {row.document_id} says {row.value!r}, stored {row.existing!r}"
    if entity is Entity.RECOMMENDATION:
        return f"recommendation to {row.state or '(state unknown)'}{' (TA needed)' if row.ta_needed else ''}: {row.text}"
    return f"{entity.value} {row.id}"


def queue_refs(session: Session, where: QueueFilter) -> list[tuple[Entity, int]]:
    """``(entity, id)`` of every fact ``where`` selects, in queue order (for bulk decisions)."""
    return [(entity, row.id) for entity, row in repo.queue_rows(session, **where.resolve(session))]


def queue(session: Session, *, document: str | int | None = None, actor: str | None = None,
          states: Sequence[ReviewState] = (ReviewState.PROPOSED,), limit: int | None = None,
          offset: int = 0, where: QueueFilter | None = None) -> list[QueueItem]:
    """The facts waiting for review, briefing facts first and least certain first, for a document (id or file name) or an actor
    (name, acronym, ISO3), or all; ``where`` (a :class:`QueueFilter`, when given) replaces
    ``document``/``actor``/``states`` and adds the member-state, kind and confidence filters.

    Each item carries the sentences of its evidence, so the reviewer sees
    what the machine read, and its extraction confidence. The order and the
    page (``limit``, None: all; ``offset``) come from SQL
    (:func:`ctrack.store.track_repo.queue_rows`). Raises what
    :meth:`QueueFilter.resolve` raises.
    """
    where = where or QueueFilter(document=document, actor=actor, states=states)
    return queue_page(session, where, limit=limit, offset=offset)[0]


def queue_page(session: Session, where: QueueFilter, *, limit: int | None = None, offset: int = 0,
               after: str | None = None) -> tuple[list[QueueItem], str | None]:
    """One page of :func:`queue` for ``where`` (``limit``, None: all; ``offset``, or ``after``: the cursor of
    the page before) and the next page's cursor (None on the last page). Raises what
    :meth:`QueueFilter.resolve` raises, and ValueError for a cursor that is not one of the queue's."""
    args = where.resolve(session)
    doc_id = args.get("document_id")
    texts: dict[int, tuple[str, str]] = {}

    def doc(document_id: int) -> tuple[str, str]:
        if document_id not in texts:
            d = repo.find_document(session, document_id)
            texts[document_id] = (d.doc_key, d.text)
        return texts[document_id]

    flags: dict[tuple[Entity, int], bool] = {}
    rows, cursor = repo.queue_page(session, **args, limit=limit, offset=offset, after=after, flags=flags)
    # a constant number of reads for the page: evidence, documents, the events and names in the labels;
    # without a document filter only the first EVIDENCE_SHOWN spans of a fact are read (and all counted)
    evidence, totals = repo.evidence_of(session, rows, doc_id, limit=EVIDENCE_SHOWN if doc_id is None else None)
    held = repo.load_many(session, Entity.EVENT, [row.event_id for e, row in rows if e is Entity.EVENT_ROLE])
    held += repo.load_many(session, Entity.DOCUMENT,
                           [m.document_id for ms in evidence for m in ms[:EVIDENCE_SHOWN]]
                           + [row.source_document_id for e, row in rows if e is Entity.RECOMMENDATION])
    names = repo.actor_names(session, [i for e, row in rows for i in (
        (row.actor_id,) if e is Entity.EVENT_ROLE else (row.person_id, row.affiliation_id)
        if e is Entity.PERSON_TITLE else ())])
    items = []
    for (entity, row), mentions, n_mentions in zip(rows, evidence, totals):
        sources: list[tuple[str, str]] = []
        spans: list[tuple[int, int]] = []
        found: list[EvidenceSpan] = []
        if entity is Entity.RECOMMENDATION and row.source_document_id and row.source_start is not None:
            key, text = doc(row.source_document_id)
            sources.append((key, sentence_around(text, row.source_start, row.source_end)))
            found.append(EvidenceSpan(key, row.source_start, row.source_end, text[row.source_start:row.source_end]))
            if row.source_document_id == doc_id:
                spans.append((row.source_start, row.source_end))
        if doc_id is not None:
            spans += [(m.start, m.end) for m in mentions if m.document_id == doc_id]
        total = len(found) + n_mentions
        found += [EvidenceSpan(doc(m.document_id)[0], m.start, m.end, m.text, m.rule or "")
                  for m in mentions[:EVIDENCE_SHOWN - len(found)]]
        for m in mentions[:3]:
            key, text = doc(m.document_id)
            pair = (key, sentence_around(text, m.start, m.end))
            if pair not in sources:
                sources.append(pair)
        items.append(QueueItem(entity=entity, id=row.id, label=label(session, entity, row, names),
                               state=row.review_state.value, sources=sources,
                               confidence=getattr(row, "confidence", None),
                               briefing=flags.get((entity, row.id), False), spans=sorted(set(spans)),
                               evidence=found, evidence_total=total))
    del held
    return items, cursor
