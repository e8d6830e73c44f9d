"""Ingest after a reviewer's merge: a new document naming the merged-away actor or event attaches to the
record it was merged into (issue 4: merges are decisions that later ingests respect), and after the merge is
undone a new document goes back to the record it names."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ctrack.schema import Record, RoleType
from ctrack.store import repo, track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import (
    DbActor, DbActorSource, DbDocument, DbEvent, DbEventRole, DbEventSource, ReviewState,
)
from ctrack.store.testing import make_document
from ctrack.store.track_models import Entity
from ctrack.track import review

GCTF = {"id": "gctf", "kind": "other_org", "name": "Global Counterterrorism Forum", "acronym": "GCTF"}
HEDAYAH = {"id": "hed", "kind": "other_org", "name": "Hedayah International Centre of Excellence"}
KAZ = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}


def save(engine, doc_id: str, actors: list[dict], events: list[dict]):
    record = Record.model_validate({"schema": "ctrack.extraction/1",
                                    "document": {"id": doc_id, "title": doc_id, "published": "2019-06-01"},
                                    "actors": actors, "events": events})
    with session_scope(engine) as s:
        return repo.save_document(s, make_document(doc_id, f"text of {doc_id}", dt.date(2019, 6, 1)), record)


def workshop(org: str, start: str, city: str) -> dict:
    return {"id": "ws", "type": "workshop", "start": start, "city": city, "country": "KAZ", "status": "held",
            "roles": [{"actor": org, "role": "organizer"}, {"actor": "KAZ", "role": "participant"}]}


def actor_of(s, doc_key: str, local_id: str) -> int:
    """The stored actor that document ``doc_key``'s actor ``local_id`` was attached to."""
    return s.scalar(select(DbActorSource.actor_id).join(DbDocument, DbDocument.id == DbActorSource.document_id)
                    .where(DbDocument.doc_key == doc_key, DbActorSource.local_id == local_id))


def event_of(s, doc_key: str) -> int:
    """The stored event that document ``doc_key``'s (only) event was attached to."""
    return s.scalar(select(DbEventSource.event_id).join(DbDocument, DbDocument.id == DbEventSource.document_id)
                    .where(DbDocument.doc_key == doc_key))


def actor_id(s, name: str) -> int:
    return s.scalar(select(DbActor.id).where(DbActor.name == name))


def test_new_document_naming_a_merged_away_actor_attaches_to_the_kept_actor(engine):
    save(engine, "a", [dict(GCTF), dict(KAZ)], [workshop("gctf", "2019-04-29", "Astana")])
    save(engine, "b", [dict(HEDAYAH), dict(KAZ)], [workshop("hed", "2019-05-15", "Almaty")])
    with session_scope(engine) as s:
        gctf, hed = actor_id(s, GCTF["name"]), actor_id(s, HEDAYAH["name"])
        review.merge(s, Entity.ACTOR, gctf, hed, user="ana", reason="one forum")
    # a later document names Hedayah (by its full name, which is also the merged-away row's canonical key)
    result = save(engine, "c", [dict(HEDAYAH), dict(KAZ)], [workshop("hed", "2019-09-10", "Almaty")])
    assert (result.actors_created, result.actors_merged) == (0, 2)
    with session_scope(engine) as s:
        assert actor_of(s, "c", "hed") == gctf
        new_event = event_of(s, "c")
        roles = set(s.execute(select(DbEventRole.actor_id, DbEventRole.role).where(
            DbEventRole.event_id == new_event)).all())
        assert (gctf, RoleType.ORGANIZER) in roles and all(a != hed for a, _ in roles)
        assert s.get(DbActor, hed).review_state is ReviewState.REJECTED
        assert [a.name for a in repo.list_actors(s, kind="other_org")] == ["Global Counterterrorism Forum"]


def test_a_chain_of_merges_and_an_undo_are_followed(engine):
    save(engine, "a", [dict(GCTF)], [])
    save(engine, "b", [dict(HEDAYAH)], [])
    save(engine, "c", [{"id": "x", "kind": "other_org", "name": "Forum on Countering Extremism Online"}], [])
    with session_scope(engine) as s:
        gctf, hed, fceo = (actor_id(s, n) for n in (GCTF["name"], HEDAYAH["name"],
                                                     "Forum on Countering Extremism Online"))
        review.merge(s, Entity.ACTOR, hed, fceo, user="ana")
        review.merge(s, Entity.ACTOR, gctf, hed, user="ana")
    save(engine, "d", [{"id": "x", "kind": "other_org", "name": "Forum on Countering Extremism Online"}], [])
    with session_scope(engine) as s:
        assert track_repo.merged_into(s, Entity.ACTOR, fceo) == gctf
        assert actor_of(s, "d", "x") == gctf
        decision = track_repo.decisions_for(s, Entity.ACTOR, hed)[-1]
        review.undo(s, decision.id, user="bob")
    # Hedayah is its own record again: a new document naming it attaches there
    save(engine, "e", [dict(HEDAYAH)], [])
    with session_scope(engine) as s:
        assert actor_of(s, "e", "hed") == hed


def test_new_report_of_a_merged_away_event_attaches_to_the_kept_event(engine):
    save(engine, "a", [dict(GCTF), dict(KAZ)], [workshop("gctf", "2019-04-29", "Astana")])
    save(engine, "b", [dict(GCTF), dict(KAZ)], [workshop("gctf", "2019-05-15", "Almaty")])
    with session_scope(engine) as s:
        e1, e2 = s.scalars(select(DbEvent.id).order_by(DbEvent.id)).all()
        review.merge(s, Entity.EVENT, e1, e2, user="ana", reason="one training in two parts")
    # a third report of the Almaty session (its dates only fit the merged-away event)
    result = save(engine, "c", [dict(GCTF), dict(KAZ)], [workshop("gctf", "2019-05-15", "Almaty")])
    assert (result.events_created, result.events_merged) == (0, 1)
    with session_scope(engine) as s:
        assert event_of(s, "c") == e1
        assert s.scalar(select(func.count()).select_from(DbEventSource).where(DbEventSource.event_id == e2)) == 0
        (row,) = repo.list_events(s)
        assert row.id == e1 and {src.doc_key for src in row.sources} == {"a", "b", "c"}
