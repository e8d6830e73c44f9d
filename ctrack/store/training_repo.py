"""Reads of the knowledge base for training on reviewed facts (``ctrack train --with-reviewed``).

The store's rule holds: the SQL lives here, :mod:`ctrack.train.reviewed` turns
what it returns into training labels. :func:`reviewed_documents` gives, for
every document that reported a fact a person decided on (``confirmed``,
``corrected`` or ``rejected``), the document itself (text, title, publication
date, so that extraction's candidates can be found again) and what the
knowledge base holds about it as plain data: the events it reported with their
evidence spans in that document and their review state, the roles it reported,
and its actor mentions.

Rows a reviewer's merge left behind (merged away, marked ``rejected``), rows
created by a split that was undone and facts whose addition was undone
(:func:`ctrack.track.review.add_role`, ``add_event``; ``rejected`` since) are
not decisions about the facts themselves, so they count as not reviewed. A
fact a reviewer added (and did not take back) is ``added``: the extractor
missed it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctrack.store.models import (
    DbActorSource, DbDocument, DbEvent, DbEventRole, DbEventSource, DbMention, ReviewState,
)
from ctrack.store.track_models import DbFieldCorrection, DbReviewDecision, DecisionKind, Entity
from ctrack.store.track_repo import added_rows

#: The review states that are a person's decision.
DECIDED = (ReviewState.CONFIRMED, ReviewState.CORRECTED, ReviewState.REJECTED)


@dataclass
class StoredEvent:
    """A stored event as one document reported it: ``state`` is its review state (None: proposed, or
    not a decision about the event itself), ``spans`` its evidence ``(start, end, rule)`` in that document."""

    id: int
    type: str
    start: str | None
    end: str | None
    state: str | None
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    #: a reviewer added it (the extractor missed it)
    added: bool = False


@dataclass
class StoredRole:
    """A stored (event, actor, role) of an event one document reported, with its review state (None: proposed).

    ``former_actors`` are the actors a reviewer corrected this role away from (``actor_id`` corrections):
    by the reviewer's decision they hold no such role."""

    id: int
    event_id: int
    actor_id: int
    role: str
    state: str | None
    former_actors: list[int] = field(default_factory=list)
    #: this document reported the role (its first reporter, or it holds the role's evidence)
    reported: bool = True
    #: a reviewer added it (the extractor missed it)
    added: bool = False


@dataclass
class StoredDocument:
    """One document with reviewed facts, as the knowledge base holds it.

    ``actor_spans`` maps a stored actor id to its mention spans ``(start, end)`` in this document; ``actor_local_ids`` maps the document's local actor ids (its record's
    ids, ``actor_sources.local_id``) to stored actor ids.
    """

    id: int
    doc_key: str
    path: str
    format: str
    sha256: str
    size: int
    title: str | None
    published: dt.date | None
    language: str
    text: str
    events: list[StoredEvent] = field(default_factory=list)
    roles: list[StoredRole] = field(default_factory=list)
    actor_spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    actor_local_ids: dict[str, int] = field(default_factory=dict)


def _not_decisions(session: Session, subject: Entity) -> set[int]:
    """Rows whose ``rejected`` state comes from a merge, an undone split or an undone addition, not from a review
    of the fact."""
    withdrawn = {i for i, stands in added_rows(session, subject).items() if not stands}
    if subject is Entity.EVENT_ROLE:
        return withdrawn
    merged = session.scalars(select(DbReviewDecision.other_id).where(
        DbReviewDecision.subject == subject, DbReviewDecision.kind == DecisionKind.MERGE,
        DbReviewDecision.undone_at.is_(None)))
    split = session.scalars(select(DbReviewDecision.other_id).where(
        DbReviewDecision.subject == subject, DbReviewDecision.kind == DecisionKind.SPLIT,
        DbReviewDecision.undone_at.is_not(None)))
    return set(merged) | set(split) | withdrawn


def _state(row, skip: set[int]) -> str | None:
    if row.id in skip or row.review_state not in DECIDED:
        return None
    return row.review_state.value


def count_reviewed(session: Session) -> dict[str, int]:
    """How many events and event roles carry a person's decision: {"events": n, "roles": n}."""
    from sqlalchemy import func

    skip = _not_decisions(session, Entity.EVENT)
    events = session.scalars(select(DbEvent.id).where(DbEvent.review_state.in_(DECIDED))).all()
    roles = session.scalar(select(func.count()).select_from(DbEventRole).where(DbEventRole.review_state.in_(DECIDED)))
    return {"events": len([e for e in events if e not in skip]),
            "roles": int(roles or 0) - len(_not_decisions(session, Entity.EVENT_ROLE))}


def reviewed_documents(session: Session) -> list[StoredDocument]:
    """Every document that reported an event or a role a person decided on, in document id order.

    A role counts as reported by a document when it is the role's first reporter (``event_roles.document_id``)
    or holds the role's evidence. Each document carries all the events it reported (decided or not, so
    that candidates can be told apart), the decided roles it reported and the undecided roles of those events
    (so that a rejected role is not read as "no role" for an actor that still holds another). Returns [] when
    nothing is decided.
    """
    skip_events = _not_decisions(session, Entity.EVENT)
    decided_events = [e for e in session.scalars(select(DbEvent).where(DbEvent.review_state.in_(DECIDED)))
                      if e.id not in skip_events]
    skip_roles = _not_decisions(session, Entity.EVENT_ROLE)
    added_events = {i for i, stands in added_rows(session, Entity.EVENT).items() if stands}
    added_roles = {i for i, stands in added_rows(session, Entity.EVENT_ROLE).items() if stands}
    decided_roles = [r for r in session.scalars(select(DbEventRole).where(DbEventRole.review_state.in_(DECIDED))
                                                .order_by(DbEventRole.id)) if r.id not in skip_roles]
    role_docs: dict[int, set[int]] = defaultdict(set)
    for r in decided_roles:
        if r.document_id is not None:
            role_docs[r.id].add(r.document_id)
    if decided_roles:
        ids = [r.id for r in decided_roles]
        for i in range(0, len(ids), 500):
            for role_id, doc_id in session.execute(select(DbMention.event_role_id, DbMention.document_id).where(
                    DbMention.event_role_id.in_(ids[i:i + 500]))):
                role_docs[role_id].add(doc_id)
    doc_ids: set[int] = {d for ds in role_docs.values() for d in ds}
    if decided_events:
        ids = [e.id for e in decided_events]
        for i in range(0, len(ids), 500):
            doc_ids |= set(session.scalars(select(DbEventSource.document_id).where(
                DbEventSource.event_id.in_(ids[i:i + 500]))))
    former: dict[int, list[int]] = defaultdict(list)
    for c in session.scalars(select(DbFieldCorrection).where(
            DbFieldCorrection.entity_type == Entity.EVENT_ROLE, DbFieldCorrection.field == "actor_id")
            .order_by(DbFieldCorrection.id)):
        if c.old_value is not None:
            former[c.entity_id].append(int(c.old_value))
    out = []
    for doc in session.scalars(select(DbDocument).where(DbDocument.id.in_(sorted(doc_ids))).order_by(DbDocument.id)):
        sd = StoredDocument(id=doc.id, doc_key=doc.doc_key, path=doc.path, format=doc.format.value, sha256=doc.sha256,
                            size=doc.size, title=doc.title, published=doc.published, language=doc.language, text=doc.text)
        event_ids = list(session.scalars(select(DbEventSource.event_id).where(DbEventSource.document_id == doc.id)
                                         .order_by(DbEventSource.event_id)))
        spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        actor_spans: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for m in session.scalars(select(DbMention).where(DbMention.document_id == doc.id).order_by(DbMention.id)):
            if m.event_id is not None:
                spans[m.event_id].append((m.start, m.end, m.rule or ""))
            elif m.actor_id is not None:
                actor_spans[m.actor_id].add((m.start, m.end))
            # a role's evidence is not read as the actor's mention: a correction may have moved the role to
            # another actor while its evidence still points at the first one's words
        for ev in (session.scalars(select(DbEvent).where(DbEvent.id.in_(event_ids)).order_by(DbEvent.id))
                   if event_ids else []):
            sd.events.append(StoredEvent(id=ev.id, type=ev.type.value, start=ev.start, end=ev.end,
                                         state=_state(ev, skip_events), spans=spans.get(ev.id, []),
                                         added=ev.id in added_events and ev.id not in skip_events))
        decided_ids = {r.id for r in decided_roles}
        for r in (session.scalars(select(DbEventRole).where(DbEventRole.event_id.in_(event_ids))
                                  .order_by(DbEventRole.id)) if event_ids else []):
            if r.id in skip_roles:
                continue  # an addition taken back: no fact at all
            reported = doc.id in role_docs.get(r.id, ())
            if r.id in decided_ids and not reported:
                continue  # another document's decided role: not this document's evidence
            sd.roles.append(StoredRole(id=r.id, event_id=r.event_id, actor_id=r.actor_id, role=r.role.value,
                                       state=r.review_state.value if r.id in decided_ids else None,
                                       former_actors=[a for a in former.get(r.id, []) if a != r.actor_id],
                                       reported=reported, added=r.id in decided_ids and r.id in added_roles))
        sd.actor_spans = {a: sorted(s) for a, s in sorted(actor_spans.items())}
        sd.actor_local_ids = dict(session.execute(select(DbActorSource.local_id, DbActorSource.actor_id).where(
            DbActorSource.document_id == doc.id).order_by(DbActorSource.id)).all())
        out.append(sd)
    return out


def local_ids(session: Session, document_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """(event local id -> stored event id, actor local id -> stored actor id) of one document's record."""
    events = dict(session.execute(select(DbEventSource.local_id, DbEventSource.event_id).where(
        DbEventSource.document_id == document_id).order_by(DbEventSource.id)).all())
    actors = dict(session.execute(select(DbActorSource.local_id, DbActorSource.actor_id).where(
        DbActorSource.document_id == document_id).order_by(DbActorSource.id)).all())
    return events, actors


__all__ = ["DECIDED", "local_ids", "StoredEvent", "StoredRole", "StoredDocument", "count_reviewed", "reviewed_documents"]
