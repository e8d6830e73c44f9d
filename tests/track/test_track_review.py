"""Review: corrections survive a re-ingest, every change is in the append-only audit log,
merge then undo (and split then undo) restore the records without loss."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from track_helpers import run, run_json

from ctrack.errors import NotFound, StoreError
from ctrack.schema import Record
from ctrack.store import repo, track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import (
    DbActor, DbActorSource, DbAlias, DbConflict, DbEvent, DbEventRole, DbMention, ReviewState,
)
from ctrack.store.testing import gold_document, gold_record, make_document
from ctrack.store.track_models import Action, DbAuditEntry, DbFieldCorrection, Entity
from ctrack.track import audit, review


def _record(doc_id: str, actors: list[dict], events: list[dict], published: str = "2019-05-02") -> Record:
    return Record.model_validate({"schema": "ctrack.extraction/1",
                                  "document": {"id": doc_id, "title": doc_id, "published": published},
                                  "actors": actors, "events": events})


def _save(engine, doc_id: str, body: str, actors: list[dict], events: list[dict]):
    """Store a document whose actor mentions are spans of ``body`` (so evidence and sentences exist)."""
    for a in actors:
        start = body.find(a["name"])
        if start >= 0:
            a["mentions"] = [{"start": start, "end": start + len(a["name"]), "text": a["name"], "rule": "test"}]
    with session_scope(engine) as s:
        return repo.save_document(s, make_document(doc_id, body, published=dt.date(2019, 5, 2)),
                                  _record(doc_id, actors, events))


GCTF = {"id": "gctf", "kind": "other_org", "name": "Global Counterterrorism Forum", "acronym": "GCTF"}
HEDAYAH = {"id": "hed", "kind": "other_org", "name": "Hedayah International Centre of Excellence"}
KAZ = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}


def _workshop(roles, **over):
    e = {"id": "ws", "type": "workshop", "name": "Workshop on countering violent extremism",
         "start": "2019-04-29", "end": "2019-04-30", "city": "Astana", "country": "KAZ", "status": "held",
         "roles": roles}
    e.update(over)
    return e


def _two_orgs(engine):
    """Two documents: the GCTF and (by another name) Hedayah, both organizers of workshops in Kazakhstan."""
    _save(engine, "doc-a", "The Global Counterterrorism Forum and Kazakhstan held a workshop in Astana.",
          [dict(GCTF), dict(KAZ)], [_workshop([{"actor": "gctf", "role": "organizer"},
                                               {"actor": "KAZ", "role": "organizer"}])])
    _save(engine, "doc-b", "Hedayah International Centre of Excellence trained officials of Kazakhstan in Almaty.",
          [dict(HEDAYAH), dict(KAZ)],
          [_workshop([{"actor": "hed", "role": "organizer"}, {"actor": "KAZ", "role": "participant"}],
                     name="Training on rehabilitation", start="2019-03-11", end="2019-03-12", city="Almaty")])
    with session_scope(engine) as s:
        ids = {a.name: a.id for a in s.scalars(select(DbActor))}
    return ids["Global Counterterrorism Forum"], ids["Hedayah International Centre of Excellence"]


def _references(engine, *actor_ids):
    """Every row that points at the given actors (roles, mentions, aliases, sources), as comparable tuples."""
    with session_scope(engine) as s:
        return {
            "roles": sorted((r.id, r.event_id, r.actor_id, r.role.value, r.review_state.value)
                            for r in s.scalars(select(DbEventRole).where(DbEventRole.actor_id.in_(actor_ids)))),
            "mentions": sorted((m.id, m.actor_id, m.start, m.end)
                               for m in s.scalars(select(DbMention).where(DbMention.actor_id.in_(actor_ids)))),
            "aliases": sorted((a.id, a.actor_id, a.alias)
                              for a in s.scalars(select(DbAlias).where(DbAlias.actor_id.in_(actor_ids)))),
            "sources": sorted((a.id, a.actor_id, a.document_id)
                              for a in s.scalars(select(DbActorSource).where(DbActorSource.actor_id.in_(actor_ids)))),
            "actors": sorted(tuple(track_repo.snapshot(s.get(DbActor, i), ["id", "kind", "canonical_key", "name",
                                                                            "acronym", "iso3", "review_state"]).items())
                             for i in actor_ids),
        }


# ---------------------------------------------------------------- corrections and re-ingest


def test_a_reingest_after_a_correction_keeps_the_correction(engine):
    rec = gold_record("seed-000")
    doc = gold_document("seed-000", rec)
    with session_scope(engine) as s:
        repo.save_document(s, doc, rec)
        conf = next(e for e in s.scalars(select(DbEvent)) if e.start == "2018-05-03")
        coninsx = next(a for a in s.scalars(select(DbActor)) if a.name == "Michèle Coninsx")
        role = s.scalar(select(DbEventRole).where(DbEventRole.event_id == conf.id,
                                                  DbEventRole.actor_id == coninsx.id))
        review.correct(s, Entity.EVENT, conf.id, "end", "2018-05-05", user="ana", comment="the programme says 5 May")
        review.correct(s, Entity.ACTOR, coninsx.id, "title", "Assistant Secretary-General", user="ana")
        review.reject(s, Entity.EVENT_ROLE, role.id, user="ana", comment="she spoke at a side meeting")
        conf_id, coninsx_id, role_id = conf.id, coninsx.id, role.id
    # the same file again: nothing changes
    with session_scope(engine) as s:
        assert repo.save_document(s, doc, rec).status == "unchanged"
    # a new version of the document (other bytes) that says what the machine said before
    changed = make_document("seed-000-v2", doc.text + "\n(Updated.)", published=doc.published, title=doc.title)
    with session_scope(engine) as s:
        repo.save_document(s, changed, rec)
    with session_scope(engine) as s:
        conf, coninsx = s.get(DbEvent, conf_id), s.get(DbActor, coninsx_id)
        assert (conf.end, conf.review_state) == ("2018-05-05", ReviewState.CORRECTED)
        assert (coninsx.title, coninsx.review_state) == ("Assistant Secretary-General", ReviewState.CORRECTED)
        assert s.get(DbEventRole, role_id).review_state is ReviewState.REJECTED
        # the old values are kept with the corrections
        kept = {c.field: (c.old_value, c.new_value, c.user)
                for c in s.scalars(select(DbFieldCorrection).order_by(DbFieldCorrection.id))}
        assert kept["end"] == ("2018-05-04", "2018-05-05", "ana")
        assert kept["title"] == ("Executive Director", "Assistant Secretary-General", "ana")


def test_confirm_reject_and_a_conflict_applied_by_confirming_it(engine):
    _save(engine, "doc-1", "The Global Counterterrorism Forum met in Astana.", [dict(GCTF), dict(KAZ)],
          [_workshop([{"actor": "gctf", "role": "organizer"}])])
    _save(engine, "doc-2", "The Global Counterterrorism Forum met in Astana on 1 May.", [dict(GCTF), dict(KAZ)],
          [_workshop([{"actor": "gctf", "role": "organizer"}], end="2019-05-01")])
    with session_scope(engine) as s:
        conflict = s.scalar(select(DbConflict).where(DbConflict.field == "end"))
        assert conflict is not None, "the second document's end date should be a conflict"
        event_id = conflict.event_id
        review.confirm(s, Entity.CONFLICT, conflict.id, user="ana")
        assert s.get(DbEvent, event_id).end == "2019-05-01"
        assert s.get(DbEvent, event_id).review_state is ReviewState.CORRECTED
        gctf = s.scalar(select(DbActor).where(DbActor.acronym == "GCTF"))
        review.confirm(s, Entity.ACTOR, gctf.id, user="ana", comment="checked")
        assert gctf.review_state is ReviewState.CONFIRMED
        with pytest.raises(review.ReviewError):
            review.correct(s, Entity.EVENT, event_id, "colour", "blue", user="ana")
        with pytest.raises(review.ReviewError):
            review.correct(s, Entity.EVENT, event_id, "start", "May the fourth", user="ana")
        with pytest.raises(NotFound):
            review.confirm(s, Entity.ACTOR, 9999, user="ana")


# ---------------------------------------------------------------- the audit log


def test_the_audit_log_holds_every_change_and_is_append_only(engine, db_url):
    gctf, hed = _two_orgs(engine)
    with session_scope(engine) as s:
        event_id = s.scalar(select(DbEventRole.event_id).where(DbEventRole.actor_id == gctf))
        review.confirm(s, Entity.ACTOR, gctf, user="ana")
        review.correct(s, Entity.EVENT, event_id, "city", "Nur-Sultan", user="bob", comment="renamed in 2019")
        role = s.scalar(select(DbEventRole).where(DbEventRole.actor_id == hed))
        role_id = role.id
        review.reject(s, Entity.EVENT_ROLE, role_id, user="ana")
        decision = review.merge(s, Entity.ACTOR, gctf, hed, user="carla", reason="test merge")
        review.undo(s, decision.id, user="carla")
    with session_scope(engine) as s:
        entries = track_repo.audit_entries(s)
        got = [(e.user, e.action, e.entity_type, e.entity_id) for e in entries]
        assert got == [
            ("ana", Action.CONFIRM, Entity.ACTOR, gctf),
            ("bob", Action.CORRECT, Entity.EVENT, event_id),
            ("ana", Action.REJECT, Entity.EVENT_ROLE, role_id),
            ("carla", Action.MERGE, Entity.ACTOR, gctf),
            ("carla", Action.MERGE, Entity.ACTOR, hed),
            ("carla", Action.UNDO, Entity.ACTOR, gctf),
            ("carla", Action.UNDO, Entity.ACTOR, hed),
        ]
        correction = entries[1]
        assert correction.before["city"] == "Astana" and correction.after["city"] == "Nur-Sultan"
        assert correction.comment == "renamed in 2019" and correction.at is not None
        # history of one record gathers its entries (the merged-away actor sees the merge and the undo)
        assert [h.action for h in audit.history(s, Entity.ACTOR, hed)] == ["merge", "merge", "undo", "undo"]
        # append-only: the ORM refuses …
        first_id = entries[0].id
        entry = s.get(DbAuditEntry, first_id)
        entry.comment = "rewritten"
        with pytest.raises(StoreError):
            s.flush()
        s.rollback()
    with session_scope(engine) as s:
        entry = s.get(DbAuditEntry, first_id)
        s.delete(entry)
        with pytest.raises(StoreError):
            s.flush()
        s.rollback()
    # … and so does the database
    for sql in ("UPDATE audit_log SET comment = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(sql))
    with session_scope(engine) as s:
        assert len(track_repo.audit_entries(s)) == 7
    # the CLI shows it
    out = run("history", f"actor:{hed}", db=db_url)
    assert "merge" in out.output and "undo" in out.output and "carla" in out.output
    assert run("history", "nonsense:1", db=db_url, ok=False).exit_code == 1


# ---------------------------------------------------------------- merge, split, undo


def test_merge_then_undo_restores_both_records_without_loss(engine):
    gctf, hed = _two_orgs(engine)
    before = _references(engine, gctf, hed)
    with session_scope(engine) as s:
        decision = review.merge(s, Entity.ACTOR, gctf, hed, user="ana", reason="one forum")
        decision_id = decision.id
    with session_scope(engine) as s:
        # everything Hedayah had now points at the GCTF; Hedayah is kept, rejected
        assert s.scalar(select(DbEventRole.id).where(DbEventRole.actor_id == hed)) is None
        assert s.scalar(select(DbMention.id).where(DbMention.actor_id == hed)) is None
        assert {a.alias for a in s.scalars(select(DbAlias).where(DbAlias.actor_id == gctf))} >= {
            "Hedayah International Centre of Excellence", "Global Counterterrorism Forum"}
        assert s.get(DbActor, hed).review_state is ReviewState.REJECTED
        assert track_repo.merged_into(s, Entity.ACTOR, hed) == gctf
        # reads leave the merged-away actor out
        assert "Hedayah International Centre of Excellence" not in {a.name for a in repo.list_actors(s)}
        with pytest.raises(review.ReviewError, match="already merged"):
            review.merge(s, Entity.ACTOR, gctf, hed, user="ana")
    with session_scope(engine) as s:
        result = review.undo(s, decision_id, user="bob", comment="they are different bodies")
        assert not result.kept and not result.fields_kept
        with pytest.raises(review.ReviewError, match="already undone"):
            review.undo(s, decision_id, user="bob")
        assert track_repo.merged_into(s, Entity.ACTOR, hed) is None
    assert _references(engine, gctf, hed) == before


def test_merge_of_two_events_keeps_the_clashing_rows_on_the_merged_one(engine, db_url):
    gctf, hed = _two_orgs(engine)
    with session_scope(engine) as s:
        e1 = s.scalar(select(DbEventRole.event_id).where(DbEventRole.actor_id == gctf))
        e2 = s.scalar(select(DbEventRole.event_id).where(DbEventRole.actor_id == hed))
        roles_before = sorted((r.id, r.event_id) for r in s.scalars(select(DbEventRole)))
    out = run("review", "merge", f"event:{e1}", f"event:{e2}", "--reason", "same training", db=db_url)
    assert "decision 1" in out.output
    with session_scope(engine) as s:
        # KAZ was organizer of e1 and participant of e2: both roles now on e1; nothing deleted
        assert {(r.actor_id, r.role.value) for r in s.scalars(select(DbEventRole).where(DbEventRole.event_id == e1))} \
            >= {(hed, "organizer"), (gctf, "organizer")}
        assert sorted(r.id for r in s.scalars(select(DbEventRole))) == [i for i, _ in roles_before]
        assert s.get(DbEvent, e2).review_state is ReviewState.REJECTED
    run("review", "undo", "1", db=db_url)
    with session_scope(engine) as s:
        assert sorted((r.id, r.event_id) for r in s.scalars(select(DbEventRole))) == roles_before
        assert s.get(DbEvent, e2).review_state is ReviewState.PROPOSED
    decisions = run_json("review", "decisions", db=db_url)
    assert decisions[0]["undone_at"] is not None and decisions[0]["reason"] == "same training"



def test_merge_says_what_moved_by_kind(engine, db_url):
    """"9 references moved" alone left the reviewer guessing: the CLI and the decision's summary name each kind
    (roles, mentions, aliases, sources …) with its count, and what stayed on the merged-away record."""
    gctf, hed = _two_orgs(engine)
    with session_scope(engine) as s:
        pointing = {"role": len(s.scalars(select(DbEventRole).where(DbEventRole.actor_id == hed)).all()),
                    "mention": len(s.scalars(select(DbMention).where(DbMention.actor_id == hed)).all()),
                    "alias": len(s.scalars(select(DbAlias).where(DbAlias.actor_id == hed)).all()),
                    "source": len(s.scalars(select(DbActorSource).where(DbActorSource.actor_id == hed)).all())}
    out = run("review", "merge", f"actor:{gctf}", f"actor:{hed}", db=db_url).output
    total = sum(pointing.values())
    assert f"{total} references moved: " in out, out
    for what, n in pointing.items():
        assert f"{n} {what}{'' if n == 1 else ('es' if what == 'alias' else 's')}" in out, (what, out)
    with session_scope(engine) as s:
        from ctrack.service import dedupe

        view = dedupe.describe(s, 1)
        assert view.moved_by == {k: v for k, v in pointing.items() if v} and view.moved == total
        assert dedupe.moved_text(s.get(track_repo.model_for(Entity.DECISION), 1).moves) in view.summary

def test_split_by_document_then_undo(engine):
    _save(engine, "doc-a", "The Global Counterterrorism Forum met in Astana.", [dict(GCTF), dict(KAZ)],
          [_workshop([{"actor": "gctf", "role": "organizer"}])])
    # a second document whose "GCTF" is really another body that the resolver merged by acronym
    _save(engine, "doc-b", "The GCTF of Kazakhstan (a national task force) met in Almaty.",
          [{"id": "g2", "kind": "other_org", "name": "GCTF", "acronym": "GCTF"}, dict(KAZ)],
          [_workshop([{"actor": "g2", "role": "organizer"}], name="Task force meeting", start="2019-02-01",
                     end=None, city="Almaty")])
    with session_scope(engine) as s:
        gctf = s.scalar(select(DbActor.id).where(DbActor.acronym == "GCTF"))
        assert len(track_repo.documents_of(s, Entity.ACTOR, gctf)) == 2
        doc_a, doc_b = track_repo.find_document(s, "doc-a").id, track_repo.find_document(s, "doc-b").id
    before = _references(engine, gctf)
    with session_scope(engine) as s:
        decision = review.split(s, Entity.ACTOR, gctf, [doc_b], user="ana", name="National Counter-Terrorism Task Force")
        new_id, decision_id = decision.other_id, decision.id
    with session_scope(engine) as s:
        new = s.get(DbActor, new_id)
        assert new.name == "National Counter-Terrorism Task Force"
        assert {m.document_id for m in s.scalars(select(DbMention).where(DbMention.actor_id == new_id))} == {doc_b}
        assert s.scalar(select(DbEventRole).where(DbEventRole.actor_id == new_id)) is not None
        assert track_repo.documents_of(s, Entity.ACTOR, gctf) == [doc_a]
        with pytest.raises(review.ReviewError, match="leaves nothing"):
            review.split(s, Entity.ACTOR, gctf, [doc_a], user="ana")
        with pytest.raises(review.ReviewError, match="cannot split off"):
            review.split(s, Entity.ACTOR, gctf, [doc_b], user="ana")
    with session_scope(engine) as s:
        review.undo(s, decision_id, user="ana")
    assert _references(engine, gctf) == before
    with session_scope(engine) as s:
        assert s.get(DbActor, new_id).review_state is ReviewState.REJECTED


def test_review_queue_shows_source_sentences_and_the_interactive_walk(engine, db_url):
    _two_orgs(engine)
    with session_scope(engine) as s:
        items = review.queue(s, document="doc-b")
    actor_item = next(i for i in items if i.ref.startswith("actor:") and "Hedayah" in i.label)
    assert actor_item.sources == [("doc-b", "Hedayah International Centre of Excellence trained officials of "
                                            "Kazakhstan in Almaty.")]
    listed = run_json("review", "queue", "--document", "doc-b", db=db_url)["items"]
    assert listed[0]["ref"] == items[0].ref and listed[0]["sources"]
    # confirm the first fact, reject the second, quit
    out = run("review", "--document", "doc-b", "--interactive", db=db_url, user="dina", input="c\nlooks right\nr\n\nq\n")
    assert "2 decisions recorded by dina" in out.output
    with session_scope(engine) as s:
        states = [track_repo.get(s, i.entity, i.id).review_state for i in items[:3]]
        assert states == [ReviewState.CONFIRMED, ReviewState.REJECTED, ReviewState.PROPOSED]
        assert [e.user for e in track_repo.audit_entries(s)] == ["dina", "dina"]
    # the queue of an actor, and the non-interactive commands
    with session_scope(engine) as s:
        kaz_items = review.queue(s, actor="KAZ")
    assert any(i.ref.startswith("event_role:") for i in kaz_items)
    ref = next(i.ref for i in kaz_items if i.ref.startswith("event_role:"))
    run("review", "correct", ref, "role", "supporter", "-m", "they hosted", db=db_url)
    run("review", "reject", items[2].ref, db=db_url)
    assert run("review", "correct", ref, "role", "hero", db=db_url, ok=False).exit_code == 1
    with session_scope(engine) as s:
        entity, row_id = audit.parse_ref(ref)
        assert track_repo.get(s, entity, row_id).role.value == "supporter"
