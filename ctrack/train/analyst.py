"""A simulated analyst for benches and tests: works through the review queue and decides each fact against a
gold record, as a careful person with the annotation guidelines would.

It is what ``bench/reviewed_training.py`` uses to make the knowledge base's
reviewed facts of the issue-11 measurement ("retraining with 30 reviewed
corrections"), and it goes through the same review operations as the CLI and
the web app (:mod:`ctrack.track.review`: confirm, correct, reject; every step
in the audit log).

How a stored fact is judged, per document (the record it was stored from is
aligned with the gold record by the scorer, ``eval/score.py``):

- an **event** the scorer aligns with a gold event is *confirmed*; one that
  stands for a gold event the scorer could not align because its type or its
  start differs (same type and a shared role-holder, or same start and
  country and another type) gets that field *corrected* (one decision per
  field); any other event is *rejected*;
- a **role** of an event that stands for a gold event is *confirmed* when the
  gold event gives the actor that role, *corrected* to the gold role when it
  gives the actor another one, *rejected* when it gives the actor none; roles
  of events with no gold counterpart are *rejected*.

The queue is taken in its own order (least certain first, events and roles
only), and the analyst stops after ``limit`` decisions.

With ``additions`` (:func:`add_missing`), part of the budget goes to facts
the extractor missed, drawn from the same gold records, document by
document, through :func:`ctrack.track.review.add_role` and ``add_event``
(as ``ctrack review add`` and the evidence page's form):

- a **role** of a gold event that a stored event stands for, whose gold
  actor is stored for the document, that the stored event does not hold
  (participant beside another role left out, as the scorer does);
- an **event** of the gold record that no stored event stands for, when the
  analyst can point at the words that tell it: gold records have no spans,
  so the simulation takes the trigger words of an extraction candidate of
  the same type and date (an event the rules found and the models dropped,
  or a proposal the models refused) that no stored event holds; then the
  gold event's roles as above, one decision each. A gold event no candidate
  stands for is not added (a person would find its words; this simulation
  cannot), and is counted in ``Review.unreachable``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ctrack.extract.decide import _ROLE_ORDER


@dataclass
class Review:
    """What the simulated analyst did: ``decisions`` in order as (action, ref, detail), and their ``counts``."""

    decisions: list[tuple[str, str, str]] = field(default_factory=list)
    #: gold events no stored event stands for and no candidate's words could tell (not added)
    unreachable: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """{"confirm": n, "correct": n, "reject": n, "add": n}."""
        c = Counter(a for a, _r, _d in self.decisions)
        return {k: c[k] for k in ("confirm", "correct", "reject", "add")}


def _align(gold: dict, pred: dict) -> tuple[dict[str, str], dict[str, tuple[int, str]]]:
    """(pred actor id -> gold actor id, pred event id -> (gold event index, "strict" | "type" | "start"))."""
    from ctrack.train import align, scorer

    S = scorer()
    p2g, strict = align(gold, pred)
    g_sets = [S.drop_participants(S.role_pairs(e)) for e in gold["events"]]
    p_sets = [{(p2g.get(a), r) for a, r in S.drop_participants(S.role_pairs(e))} for e in pred["events"]]
    events = {pred["events"][pi]["id"]: (gi, "strict") for gi, pi in strict.items()}
    open_gold = [gi for gi in range(len(gold["events"])) if gi not in strict]
    for pi, p in enumerate(pred["events"]):
        if p["id"] in events:
            continue
        best = None
        for gi in open_gold:
            g = gold["events"][gi]
            shared = len({a for a, _r in g_sets[gi]} & {a for a, _r in p_sets[pi] if a})
            same_type = g["type"] == p["type"]
            start_ok = S.start_agrees(g.get("start"), p.get("start"))
            country_ok = not (g.get("country") and p.get("country") and g["country"].upper() != p["country"].upper())
            if same_type and shared and not start_ok and g.get("start"):
                kind = "start"
            elif not same_type and start_ok and g.get("start") and p.get("start") and country_ok:
                kind = "type"
            else:
                continue
            key = (-shared, gi)
            if best is None or key < best[0]:
                best = (key, gi, kind)
        if best is not None:
            events[p["id"]] = (best[1], best[2])
            open_gold.remove(best[1])
    return p2g, events


def review_against_gold(session, documents: dict[int, tuple[dict, dict]], limit: int, user: str = "simulated-analyst",
                        count_confirms: bool = True) -> Review:
    """Decide facts of the review queue (events and roles, least certain first) against gold until ``limit``
    decisions are made (``count_confirms`` False: until ``limit`` corrections and rejections are made,
    confirmations not counted).

    ``documents`` maps a stored document id to (gold record, the record it was stored from), both as
    ``ctrack.extraction/1`` dicts. Facts of other documents are skipped. Returns the :class:`Review`.
    """
    from ctrack.store import training_repo
    from ctrack.store.models import DbEvent, DbEventRole, ReviewState
    from ctrack.store.track_models import Entity
    from ctrack.track import review
    from ctrack.train import scorer

    S = scorer()
    event_gold: dict[int, tuple[dict, int, str]] = {}  # stored event -> (gold record, gold event index, kind)
    actor_gold: dict[tuple[int, int], str] = {}  # (stored event, stored actor) -> gold actor id
    for doc_id in sorted(documents):
        gold, pred = documents[doc_id]
        p2g, ev = _align(gold, pred)
        ev_ids, actor_ids = training_repo.local_ids(session, doc_id)
        for local, (gi, kind) in ev.items():
            stored = ev_ids.get(local)
            if stored is not None and stored not in event_gold:
                event_gold[stored] = (gold, gi, kind)
                for a_local, g_actor in p2g.items():
                    if a_local in actor_ids:
                        actor_gold.setdefault((stored, actor_ids[a_local]), g_actor)
    out = Review()

    def made() -> int:
        return sum(1 for a, _r, _d in out.decisions if count_confirms or a != "confirm")

    refs = review.queue_refs(session, review.QueueFilter(kinds=[Entity.EVENT, Entity.EVENT_ROLE]))
    for entity, row_id in refs:
        if made() >= limit:
            break
        model = DbEvent if entity is Entity.EVENT else DbEventRole
        row = session.get(model, row_id)
        if row is None or row.review_state is not ReviewState.PROPOSED:
            continue
        ref = f"{entity.value}:{row_id}"
        if entity is Entity.EVENT:
            hit = event_gold.get(row_id)
            if hit is None:
                review.reject(session, entity, row_id, user=user, comment="no such event in gold")
                out.decisions.append(("reject", ref, "not an event"))
                continue
            gold, gi, kind = hit
            g = gold["events"][gi]
            if kind == "strict":
                review.confirm(session, entity, row_id, user=user)
                out.decisions.append(("confirm", ref, g["type"]))
                continue
            if row.type.value != g["type"]:
                was = row.type.value
                review.correct(session, entity, row_id, "type", g["type"], user=user)
                out.decisions.append(("correct", ref, f"type {was} -> {g['type']}"))
            if made() < limit and g.get("start") and not S.start_agrees(g["start"], row.start):
                was = row.start
                review.correct(session, entity, row_id, "start", g["start"], user=user)
                out.decisions.append(("correct", ref, f"start {was} -> {g['start']}"))
                if g.get("end") and made() < limit:
                    review.correct(session, entity, row_id, "end", g["end"], user=user)
                    out.decisions.append(("correct", ref, f"end {g['end']}"))
            continue
        hit = event_gold.get(row.event_id)
        g_actor = actor_gold.get((row.event_id, row.actor_id))
        if hit is None or g_actor is None:
            review.reject(session, entity, row_id, user=user, comment="event or actor not in gold")
            out.decisions.append(("reject", ref, "no gold event or actor"))
            continue
        gold, gi, _kind = hit
        held = sorted({r for a, r in S.role_pairs(gold["events"][gi]) if a == g_actor}, key=_ROLE_ORDER.index)
        if row.role.value in held:
            review.confirm(session, entity, row_id, user=user)
            out.decisions.append(("confirm", ref, row.role.value))
            continue
        taken = {r.role.value for r in session.get(DbEvent, row.event_id).roles if r.actor_id == row.actor_id}
        new = [r for r in held if r not in taken]
        if new:
            was = row.role.value
            review.correct(session, entity, row_id, "role", new[0], user=user)
            out.decisions.append(("correct", ref, f"role {was} -> {new[0]}"))
        else:
            review.reject(session, entity, row_id, user=user, comment="gold gives the actor no such role")
            out.decisions.append(("reject", ref, f"no {row.role.value}"))
    return out


def _candidate_triggers(cands) -> list[tuple[str, str | None, int, int]]:
    """(type, start, trigger start, trigger end) of every event candidate of a document (``DocCandidates``): the
    rules' events (their trigger spans, type and date as the rules left them) and the proposals."""
    d = cands.decisions
    out = []
    for ev, snap in zip(d.events, d.snapshot):
        for sp in ev.evidence:
            if (sp.rule or "").startswith("trigger") and sp.end > sp.start:
                out.append((snap[0].value, snap[1], sp.start, sp.end))
                break
    for prop in d.proposals:
        out.append((prop.draft.type.value, prop.draft.start, prop.trigger.start, prop.trigger.end))
    return out


def add_missing(session, documents: dict[int, tuple[dict, dict]], candidates: dict[int, object], limit: int,
                out: Review, user: str = "simulated-analyst") -> Review:
    """Add up to ``limit`` facts the extractor missed (see the module docstring), document by document in id order,
    appending to ``out``, which is returned. ``documents`` as for :func:`review_against_gold`; ``candidates`` maps a
    stored document id to its ``DocCandidates`` (to point at an event's words)."""
    from ctrack.store import training_repo
    from ctrack.store.models import DbEvent, DbMention, ReviewState
    from ctrack.track import review
    from ctrack.train import scorer
    from sqlalchemy import select

    S = scorer()
    done = 0

    def role_adds(doc_id: int, event_id: int, g: dict, g2actor: dict[str, int]) -> None:
        nonlocal done
        ev = session.get(DbEvent, event_id)
        have = {(r.actor_id, r.role.value) for r in ev.roles if r.review_state is not ReviewState.REJECTED}
        for g_actor, role in sorted(S.drop_participants(S.role_pairs(g)), key=lambda p: (p[0], _ROLE_ORDER.index(p[1]))):
            actor = g2actor.get(g_actor)
            if done >= limit or actor is None or (actor, role) in have:
                continue
            row = review.add_role(session, event_id, actor, role, user=user, document=doc_id,
                                  comment="gold gives the actor this role")
            have.add((actor, role))
            done += 1
            out.decisions.append(("add", f"event_role:{row.id}", f"{role} (missed)"))

    for doc_id in sorted(documents):
        if done >= limit:
            break
        gold, pred = documents[doc_id]
        p2g, ev = _align(gold, pred)
        ev_ids, actor_ids = training_repo.local_ids(session, doc_id)
        g2actor = {g: actor_ids[p] for p, g in sorted(p2g.items()) if p in actor_ids}
        stood: set[int] = set()
        for local, (gi, _kind) in sorted(ev.items()):
            stored = ev_ids.get(local)
            event = session.get(DbEvent, stored) if stored is not None else None
            if event is None or event.review_state is ReviewState.REJECTED:
                continue
            stood.add(gi)
            role_adds(doc_id, stored, gold["events"][gi], g2actor)
        held = [(m.start, m.end) for m in session.scalars(select(DbMention).where(
            DbMention.document_id == doc_id, DbMention.event_id.is_not(None)))]
        for gi, g in enumerate(gold["events"]):
            if done >= limit:
                break
            if gi in stood:
                continue
            words = next(((a, b) for t, start, a, b in _candidate_triggers(candidates[doc_id])
                          if t == g["type"] and (S.start_agrees(g.get("start"), start) if g.get("start") else not start)
                          and not any(a < y and x < b for x, y in held)), None)
            if words is None:
                out.unreachable += 1
                continue
            text = candidates[doc_id].document.text
            occurrence = 1 + len(_matches(text[words[0]:words[1]], text[:words[0]]))
            try:  # add_event checks everything before it writes
                row = review.add_event(session, doc_id, g["type"], text[words[0]:words[1]], user=user,
                                       start=g.get("start"), end=g.get("end"), city=g.get("city"),
                                       country=g.get("country"), name=g.get("name"), status=g.get("status"),
                                       occurrence=occurrence, comment="gold event the extractor missed")
            except review.ReviewError:  # words the analyst's form cannot point at, or a venue it does not know
                out.unreachable += 1
                continue
            held.append(words)
            done += 1
            out.decisions.append(("add", f"event:{row.id}", f"{g['type']} {g.get('start') or 'undated'} (missed)"))
            role_adds(doc_id, row.id, g, g2actor)
    return out


def _matches(phrase: str, text: str) -> list:
    """The matches of ``phrase`` in ``text`` as :func:`ctrack.track.review.find_span` counts them."""
    import re

    words = phrase.split()
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
    return list(re.finditer(pattern, text, flags=re.IGNORECASE))


def reviewed_examples(rest: list, half: list, model, limit: int, count_confirms: bool = True,
                      db_url: str | None = None, additions: int = 0) -> tuple[Review, list]:
    """The loop of ``ctrack train --with-reviewed`` on annotated documents playing an analyst's unreviewed ones.

    ``half`` (:class:`ctrack.train.Prepared`) is extracted with ``model`` and stored in a fresh knowledge base
    (``db_url``, default SQLite in a temporary folder), :func:`review_against_gold` makes ``limit`` decisions
    on it (``additions`` of them, at most, facts the extractor missed, :func:`add_missing`, made after the queue
    decisions), and the reviewed facts become training labels as ``ctrack train --with-reviewed`` makes them
    (:mod:`ctrack.train.reviewed`; documents of ``rest``, the annotated corpora, skipped). Returns
    (the :class:`Review`, the :class:`ctrack.train.reviewed.ReviewedExample` list).
    """
    import tempfile
    from pathlib import Path

    from ctrack.extract import get_extractor
    from ctrack.store.db import open_store, session_scope
    from ctrack.store.repo import save_document
    from ctrack.train.reviewed import annotated_fingerprints, load_reviewed, prepare_reviewed

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(db_url or f"sqlite:///{Path(tmp) / 'kb.sqlite3'}")
        try:
            ex = get_extractor()
            stored: dict[int, tuple[dict, dict]] = {}
            cands: dict[int, object] = {}
            for p in half:
                record = ex.decide(p.cands, model)
                with session_scope(engine) as s:
                    res = save_document(s, p.cands.document, record)
                stored[res.document_id] = (p.item.gold, record.to_json())
                cands[res.document_id] = p.cands
            with session_scope(engine) as s:
                review = review_against_gold(s, stored, limit - additions, count_confirms=count_confirms)
            if additions:
                with session_scope(engine) as s:
                    add_missing(s, stored, cands, additions, review)
            hashes, texts = annotated_fingerprints([p.item.path for p in rest], [p.cands.document.text for p in rest])
            with session_scope(engine) as s:
                found = load_reviewed(s, hashes, texts)
        finally:
            engine.dispose()
    return review, prepare_reviewed(found)


__all__ = ["Review", "review_against_gold", "add_missing", "reviewed_examples"]
