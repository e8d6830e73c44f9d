"""The aggregates kept on write (:mod:`ctrack.store.aggregates`) equal a fresh ``COUNT`` after every kind of
write: ingest, confirmations, rejections, corrections (type, venue, start, affiliation, ISO3), merges and their
undo, and deletes of documents, events and actors; on SQLite and PostgreSQL.

The fresh counts are the SQL definitions the readers used before the aggregates: the ``--country`` rule
(:func:`ctrack.store.repo.event_conditions`), the briefing's member-state counts
(:func:`ctrack.store.repo._engaged_states`), a timeline's events (roles of the actor and the actors acting
for it) and their order, ``COUNT``s of each table. An actor's timeline pages read from ``agg_actor_events`` equal
those read from the events, and migration 0016's set-based backfill equals the rows kept on write.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import distinct, func, inspect, select

from ctrack.schema import Actor, ActorKind, DocumentInfo, Event, EventType, Record, Role, RoleType, Span
from ctrack.store import aggregates, repo, track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import (
    DbActor, DbActorSource, DbConflict, DbDocument, DbEvent, DbEventRole, DbMention, DbTitle, ReviewState,
)
from ctrack.store.testing import make_document
from ctrack.store.track_models import DbRecommendation, Entity
from ctrack.track import review

STATES = [("TJK", "Tajikistan"), ("KAZ", "Kazakhstan"), ("UZB", "Uzbekistan")]
TYPES = [EventType.MEETING, EventType.WORKSHOP, EventType.ASSESSMENT_VISIT, EventType.CONFERENCE]
REJECTED = ReviewState.REJECTED


def _record(i: int) -> tuple:
    """Document ``i``: a minister of a state (through its ministry: two affiliation levels) and a CTED officer
    (affiliated to CTED) at an event held in another state every third document, in New York every fifth."""
    iso, state = STATES[i % 3]
    venue = "USA" if i % 5 == 0 else (STATES[(i + 1) % 3][0] if i % 3 == 0 else iso)
    start = [f"{2010 + i % 9}-{1 + i % 12:02d}-{1 + i % 27:02d}", f"{2010 + i % 9}-{1 + i % 12:02d}", None][i % 3 if i % 7 else 2]
    text = f"Document {i}: Minister Person{i} of the Ministry of Interior of {state} met CTED officer Officer{i % 4}."
    actors = [
        Actor(id="s", kind=ActorKind.MEMBER_STATE, name=state, iso3=iso),
        Actor(id="m", kind=ActorKind.GOVERNMENT_BODY, name=f"Ministry of Interior of {state}", iso3=iso, affiliation="s"),
        Actor(id="p", kind=ActorKind.PERSON, name=f"Amir Person{i:03d}", title="Minister", affiliation="m",
              mentions=[Span(start=12, end=30, text=text[12:30])]),
        Actor(id="c", kind=ActorKind.UN_ENTITY, name="Counter-Terrorism Committee Executive Directorate", acronym="CTED"),
        Actor(id="o", kind=ActorKind.PERSON, name=f"Lena Officer{i % 4}", affiliation="c"),
    ]
    roles = [Role(actor="p", role=RoleType.PARTICIPANT), Role(actor="c", role=RoleType.ORGANIZER),
             Role(actor="o", role=RoleType.SPEAKER)]
    if i % 2:
        roles.append(Role(actor="s", role=RoleType.SUBJECT))
    if i % 4 == 1:
        roles.append(Role(actor="p", role=RoleType.SPEAKER))  # two roles of one actor in one event
    event = Event(id="e", type=TYPES[i % 4], name=f"Event {i}", start=start, country=venue, roles=roles)
    return make_document(f"agg{i}", text, published=dt.date(2024, 1, 1)), Record(
        document=DocumentInfo(id=f"agg{i}"), actors=actors, events=[event])


def _fill(engine, n: int, first: int = 0) -> None:
    with session_scope(engine) as s:
        for i in range(first, first + n):
            repo.save_document(s, *_record(i))


def _fresh_state_counts(s, iso: str) -> tuple[dict, dict, list[int], list[int]]:
    """By type, by member state, the latest events and the first meetings of ``iso``, counted in SQL."""
    conds = repo.event_conditions(country=iso)
    by_type = {t.value: n for t, n in s.execute(select(DbEvent.type, func.count()).where(*conds)
                                                 .group_by(DbEvent.type)).all()}
    pairs = {i: n for i, n in repo._engaged_states(s, conds, [iso], False) if n}
    latest, _, _ = repo._keyset_ids(s, DbEvent, conds, DbEvent.start, True, 1000, 0, None)
    meetings, _, _ = repo._keyset_ids(s, DbEvent, conds + [DbEvent.type == EventType.MEETING], DbEvent.start, False,
                                      1000, 0, None)
    return by_type, pairs, latest, meetings


def _fresh_actor_counts(s, actor_id: int) -> tuple[int, int, int]:
    live = [DbEventRole.review_state != REJECTED, DbEvent.review_state != REJECTED]
    events = s.scalar(select(func.count(distinct(DbEventRole.event_id))).join(DbEvent, DbEvent.id == DbEventRole.event_id)
                      .where(DbEventRole.actor_id == actor_id, *live)) or 0
    involved = {actor_id} | repo._member_ids(s, actor_id)
    timeline = s.scalar(select(func.count(distinct(DbEventRole.event_id))).join(DbEvent, DbEvent.id == DbEventRole.event_id)
                        .where(DbEventRole.actor_id.in_(involved), *live)) or 0
    docs = s.scalar(select(func.count(distinct(DbActorSource.document_id))).where(DbActorSource.actor_id == actor_id)) or 0
    return events, timeline, docs


def _fresh_briefed(s) -> dict[int, int]:
    """Per actor, the events (not rejected) it holds a role in (not rejected) that a briefing pack shows, by the
    review queue's SQL rule (:func:`ctrack.store.track_repo._briefed_event`)."""
    return dict(s.execute(select(DbEventRole.actor_id, func.count(distinct(DbEventRole.event_id)))
                          .join(DbEvent, DbEvent.id == DbEventRole.event_id)
                          .where(DbEventRole.review_state != REJECTED, track_repo._briefed_event(DbEvent))
                          .group_by(DbEventRole.actor_id)).all())


def _stored_briefed(s) -> dict[int, int]:
    from ctrack.store.web_models import DbAggActor

    return dict(s.execute(select(DbAggActor.actor_id, DbAggActor.briefed).where(DbAggActor.briefed != 0)).all())


def _fresh_timeline_order(s, actor_id: int) -> tuple[list[int], list[int]]:
    """The latest and the earliest 1000 events of the actor's timeline (undated last), ordered in SQL over the
    events: the definition :func:`ctrack.store.repo.actor_timeline` reads without the aggregates."""
    involved = {actor_id} | repo._member_ids(s, actor_id)
    conds = [DbEvent.id.in_(select(DbEventRole.event_id).where(DbEventRole.actor_id.in_(involved),
                                                               DbEventRole.review_state != REJECTED)),
             DbEvent.review_state != REJECTED]
    latest, _, _ = repo._keyset_ids(s, DbEvent, conds, DbEvent.start, True, 1000, 0, None)
    earliest, _, _ = repo._keyset_ids(s, DbEvent, conds, DbEvent.start, False, 1000, 0, None)
    return latest, earliest


def _actor_event_rows(s) -> list[tuple]:
    from ctrack.store.web_models import DbAggActorEvent

    t = DbAggActorEvent
    return sorted(s.execute(select(t.actor_id, t.event_id, t.start)).all())


def _fresh_totals(s) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for model, name, key in ((DbDocument, "documents", ()), (DbActor, "actors", (DbActor.kind, DbActor.review_state)),
                             (DbEvent, "events", (DbEvent.type, DbEvent.review_state)),
                             (DbEventRole, "event_roles", (DbEventRole.review_state,)), (DbMention, "mentions", ()),
                             (DbConflict, "conflicts", (DbConflict.review_state,)),
                             (DbTitle, "person_titles", (DbTitle.review_state,)),
                             (DbRecommendation, "recommendations", (DbRecommendation.review_state,))):
        if not key:
            n = s.scalar(select(func.count()).select_from(model))
            out[name] = {"": n} if n else {}
            continue
        out[name] = {"|".join(v.value for v in values): n
                     for *values, n in s.execute(select(*key, func.count()).group_by(*key)).all()}
    return {k: v for k, v in out.items() if v}


def assert_exact(engine) -> None:
    """Every aggregate equals its fresh count, in a new transaction (after the writer's commit)."""
    with session_scope(engine) as s:
        assert aggregates.fresh(s), "a committed knowledge base has nothing queued"
        assert aggregates.totals(s) == _fresh_totals(s)
        isos = set(s.scalars(select(DbActor.iso3).where(DbActor.iso3.is_not(None)))) | \
            set(s.scalars(select(DbEvent.country).where(DbEvent.country.is_not(None))))
        stored = aggregates.state_counts(s)
        for iso in sorted(isos):
            by_type, pairs, latest, meetings = _fresh_state_counts(s, iso)
            assert stored.get(iso, {}) == by_type, iso
            assert aggregates.state_pairs(s, iso) == pairs, iso
            assert aggregates.state_events(s, iso, 1000) == latest, iso
            assert aggregates.state_events(s, iso, 1000, descending=False, type=EventType.MEETING) == meetings, iso
        assert set(stored) <= isos
        counts = aggregates.actor_counts(s, s.scalars(select(DbActor.id)).all())
        for actor_id in s.scalars(select(DbActor.id)):
            assert counts.get(actor_id, (0, 0, 0)) == _fresh_actor_counts(s, actor_id), actor_id
            latest, earliest = _fresh_timeline_order(s, actor_id)
            assert aggregates.actor_events(s, actor_id, 1000) == latest, actor_id
            assert aggregates.actor_events(s, actor_id, 1000, descending=False) == earliest, actor_id
            assert aggregates.actor_events(s, actor_id, 3) == latest[:3], actor_id
        # the kept rows are those migration 0016's set-based backfill writes
        assert _actor_event_rows(s) == sorted(tuple(r) for r in s.execute(aggregates.actor_events_select()).all())
        assert _stored_briefed(s) == _fresh_briefed(s)
        # the queue's briefing flag of an actor and a title (read from agg_actors) is the per-row rule's
        flags: dict = {}
        track_repo.queue_rows(s, kinds=[Entity.ACTOR, Entity.PERSON_TITLE], flags=flags)
        shown = set(s.scalars(select(DbActor.id).where(track_repo._briefed_actor(DbActor.id))))
        person = dict(s.execute(select(DbTitle.id, DbTitle.person_id)).all())
        assert flags == {(e, i): (i if e is Entity.ACTOR else person[i]) in shown for e, i in flags}
        assert track_repo.count_queue(s) == sum(
            s.scalar(select(func.count()).select_from(m).where(m.review_state == ReviewState.PROPOSED)) or 0
            for m in (DbActor, DbEvent, DbEventRole, DbTitle, DbConflict, DbRecommendation))
        # what the faces read: the same numbers through the aggregates and through SQL
        b = repo.briefing(s, country="TJK", max_events=5)
        by_type, pairs, latest, _ = _fresh_state_counts(s, "TJK")
        assert b.events_total == len(repo.list_events(s, country="TJK")) == sum(by_type.values())
        assert b.by_type == {t.value: by_type[t.value] for t in EventType if by_type.get(t.value)}
        assert {x.iso3: x.events for x in b.by_state if x.events} == pairs
        assert sorted(e.id for e in b.events) == sorted(latest[:5])
        assert repo.counts(s).events == sum(n for key, n in _fresh_totals(s)["events"].items()
                                            if not key.endswith("|rejected"))


def _snapshot(s) -> dict:
    from ctrack.store.web_models import (
        DbAggActor, DbAggActorDocuments, DbAggActorEvent, DbAggEventState, DbAggState, DbAggStatePair, DbAggTotal,
    )

    out = {}
    for model in (DbAggTotal, DbAggState, DbAggStatePair, DbAggActor, DbAggActorDocuments, DbAggEventState,
                  DbAggActorEvent):
        cols = list(model.__table__.c)
        rows = s.execute(select(*cols)).all()
        out[model.__tablename__] = sorted(tuple(r) for r in rows if any(
            v for c, v in zip(cols, r) if c.name in ("n", "events", "timeline", "briefed")) or
            model in (DbAggEventState, DbAggActorEvent))
    return out


def test_aggregates_equal_fresh_counts_after_every_kind_of_write(engine):
    _fill(engine, 15)
    assert_exact(engine)
    with session_scope(engine) as s:
        ev = {e.name: e.id for e in s.scalars(select(DbEvent))}
        actor = {a.name: a.id for a in s.scalars(select(DbActor))}
        review.reject(s, Entity.EVENT, ev["Event 3"], user="t")
        role = s.scalars(select(DbEventRole).where(DbEventRole.event_id == ev["Event 1"],
                                                   DbEventRole.role == RoleType.SUBJECT)).one()
        review.reject(s, Entity.EVENT_ROLE, role.id, user="t")
        review.confirm(s, Entity.EVENT, ev["Event 2"], user="t")
    assert_exact(engine)
    with session_scope(engine) as s:
        review.correct(s, Entity.EVENT, ev["Event 4"], "type", "conference", user="t")
        review.correct(s, Entity.EVENT, ev["Event 5"], "country", "KGZ", user="t")
        review.correct(s, Entity.EVENT, ev["Event 6"], "start", "2030-01", user="t")
    assert_exact(engine)
    with session_scope(engine) as s:  # a ministry now acts for another state: its people's events follow it
        review.correct(s, Entity.ACTOR, actor["Ministry of Interior of Tajikistan"], "affiliation_id",
                       str(actor["Kazakhstan"]), user="t")
        review.correct(s, Entity.ACTOR, actor["Ministry of Interior of Uzbekistan"], "iso3", "TKM", user="t")
        review.reject(s, Entity.ACTOR, actor["Kazakhstan"], user="t")
    assert_exact(engine)
    with session_scope(engine) as s:
        merged = review.merge(s, Entity.ACTOR, actor["Amir Person001"], actor["Amir Person004"], user="t").id
        events = review.merge(s, Entity.EVENT, ev["Event 7"], ev["Event 10"], user="t").id
    assert_exact(engine)
    with session_scope(engine) as s:
        review.undo(s, merged, user="t")
        review.undo(s, events, user="t")
    assert_exact(engine)
    _fill(engine, 6, first=15)  # ingest after reviews: new roles on reviewed actors
    assert_exact(engine)
    with session_scope(engine) as s:  # deletes: a document (its sources and mentions), an event, an actor
        s.delete(s.scalars(select(DbDocument).where(DbDocument.doc_key == "agg8")).one())
        s.delete(s.get(DbEvent, ev["Event 9"]))
        s.delete(s.get(DbActor, actor["Ministry of Interior of Kazakhstan"]))
    assert_exact(engine)
    with session_scope(engine) as s:  # kept on write = recounted from scratch
        kept = _snapshot(s)
        aggregates.rebuild(s)
        assert _snapshot(s) == kept


def test_a_change_left_to_the_commit_s_flush_is_counted_before_it(engine):
    """An attribute set (or an object deleted) and then committed, with no flush in between, is recounted in
    that commit: nothing stays queued for the readers."""
    _fill(engine, 6)
    with session_scope(engine) as s:
        first = s.scalars(select(DbEvent).order_by(DbEvent.id)).first()
        first.review_state = REJECTED
    assert_exact(engine)
    with session_scope(engine) as s:
        s.delete(s.scalars(select(DbEvent).order_by(DbEvent.id.desc())).first())
    assert_exact(engine)


def test_a_transaction_reads_the_queue_and_totals_once_until_it_writes(engine):
    """The readers of one request share one read of ``agg_dirty`` and of ``agg_totals``; a write, a savepoint
    rolled back and a new transaction each read again (statements counted on the engine)."""
    from sqlalchemy import event

    _fill(engine, 6)
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    def reads(table: str) -> int:
        return sum(f"FROM {table}" in x and x.startswith("SELECT") for x in sent)

    event.listen(engine, "before_cursor_execute", note)
    try:
        with session_scope(engine) as s:
            for _ in range(3):
                assert aggregates.fresh(s)
                total = repo.counts(s).events
            assert reads("agg_dirty") == 1 and reads("agg_totals") == 1
            event_id = s.scalars(select(DbEvent.id).order_by(DbEvent.id)).first()
            pending = s.get(DbEvent, event_id)
            pending.review_state = REJECTED  # not flushed yet: the next read flushes it and sees it queued
            assert not aggregates.fresh(s) and repo.counts(s).events == total - 1
            s.rollback()
            sent.clear()
            assert aggregates.fresh(s) and repo.counts(s).events == total
            assert reads("agg_dirty") == 1 and reads("agg_totals") == 1
            savepoint = s.begin_nested()
            review.reject(s, Entity.EVENT, event_id, user="t")
            assert not aggregates.fresh(s)  # queued by the write: read again
            assert repo.counts(s).events == total - 1
            assert reads("agg_dirty") == 2 and reads("agg_totals") == 2
            savepoint.rollback()  # the write undone: read again
            assert aggregates.fresh(s) and repo.counts(s).events == total
            assert reads("agg_dirty") == 3 and reads("agg_totals") == 3
        sent.clear()
        with session_scope(engine) as s:  # a new transaction reads again
            assert aggregates.fresh(s) and repo.counts(s).events == total
            assert reads("agg_dirty") == 1 and reads("agg_totals") == 1
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_readers_count_exactly_inside_a_writing_transaction(engine):
    """Before its commit a writer's changes are queued: the readers count in SQL, so they still see them."""
    _fill(engine, 9)
    with session_scope(engine) as s:
        before = repo.briefing(s, country="TJK", max_events=3)
        tjk = repo.state_actor(s, "TJK")
        visible = [e for e in repo.list_events(s, country="TJK")]
        review.reject(s, Entity.EVENT, visible[0].id, user="t")
        assert not aggregates.fresh(s)
        after = repo.briefing(s, country="TJK", max_events=3)
        assert after.events_total == before.events_total - 1 == len(repo.list_events(s, country="TJK"))
        assert repo.counts(s).events == s.scalar(select(func.count()).select_from(DbEvent)
                                                 .where(DbEvent.review_state != REJECTED))
        assert repo.get_actor(s, tjk.id).events == _fresh_actor_counts(s, tjk.id)[0]
    with session_scope(engine) as s:
        assert aggregates.fresh(s)
        assert repo.briefing(s, country="TJK", max_events=3).events_total == after.events_total


def test_triggers_put_back_by_opening_recount_what_they_missed(engine):
    """A batch migration on SQLite recreates a table without its triggers: opening the knowledge base puts
    them back and recounts everything, so writes made meanwhile are counted."""
    from ctrack.store.db import upgrade

    _fill(engine, 6)
    with session_scope(engine) as s:
        aggregates.drop_triggers(s)
    _fill(engine, 3, first=6)  # not seen by any trigger
    upgrade(engine)
    with session_scope(engine) as s:
        assert aggregates.triggers_present(s)
    assert_exact(engine)


def _briefing_kb(engine) -> dict[str, int]:
    """Events that a briefing pack shows or not, for each way the rule can go; returns {actor name: id}.

    A CTED officer and a ministry official (affiliated to a unit, of a ministry, of Kazakhstan: the state is
    the official's affiliation's affiliation's affiliation) hold roles at events without a venue: the
    "unit" event engages Kazakhstan only through the *unit's* affiliation's affiliation (two steps from an
    actor of a role: shown); the "ngo" event only through an NGO and a person without affiliation (not
    shown); the "venue" event is held in Tajikistan (shown), its second role (a journalist) is rejected; the
    "state" event has Uzbekistan in a role (shown)."""
    text = "Unit, ministry, Kazakhstan, CTED, NGO, Tajikistan, Uzbekistan."
    actors = [
        Actor(id="kaz", kind=ActorKind.MEMBER_STATE, name="Kazakhstan", iso3="KAZ"),
        Actor(id="min", kind=ActorKind.OTHER_ORG, name="Ministry Without Code", affiliation="kaz"),
        Actor(id="unit", kind=ActorKind.OTHER_ORG, name="Border Unit", affiliation="min"),
        Actor(id="off", kind=ActorKind.PERSON, name="Dana Official", affiliation="unit"),
        Actor(id="cted", kind=ActorKind.UN_ENTITY, name="Counter-Terrorism Committee Executive Directorate",
              acronym="CTED"),
        Actor(id="ngo", kind=ActorKind.OTHER_ORG, name="Civil Watch"),
        Actor(id="lone", kind=ActorKind.PERSON, name="Omar Freelance"),
        Actor(id="jour", kind=ActorKind.PERSON, name="Rita Journalist"),
        Actor(id="uzb", kind=ActorKind.MEMBER_STATE, name="Uzbekistan", iso3="UZB"),
    ]
    events = [
        Event(id="e1", type=EventType.MEETING, name="unit", start="2020-01-05",
              roles=[Role(actor="unit", role=RoleType.PARTICIPANT), Role(actor="cted", role=RoleType.ORGANIZER)]),
        Event(id="e2", type=EventType.WORKSHOP, name="ngo", start="2020-02-05",
              roles=[Role(actor="ngo", role=RoleType.ORGANIZER), Role(actor="lone", role=RoleType.SPEAKER)]),
        Event(id="e3", type=EventType.CONFERENCE, name="venue", start="2020-03-05", country="TJK",
              roles=[Role(actor="cted", role=RoleType.ORGANIZER), Role(actor="jour", role=RoleType.SPEAKER)]),
        Event(id="e4", type=EventType.MEETING, name="state", start="2020-04-05",
              roles=[Role(actor="uzb", role=RoleType.SUBJECT), Role(actor="ngo", role=RoleType.PARTICIPANT)]),
    ]
    with session_scope(engine) as s:
        repo.save_document(s, make_document("brief", text, published=dt.date(2024, 1, 1)),
                           Record(document=DocumentInfo(id="brief"), actors=actors, events=events))
    with session_scope(engine) as s:
        ids = {a.name: a.id for a in s.scalars(select(DbActor))}
        venue = s.scalars(select(DbEvent.id).where(DbEvent.name == "venue")).one()
        role = s.scalars(select(DbEventRole).where(DbEventRole.event_id == venue,
                                                   DbEventRole.actor_id == ids["Rita Journalist"])).one()
        review.reject(s, Entity.EVENT_ROLE, role.id, user="t")
    return ids


def test_the_queue_reads_an_actor_s_briefing_flag_from_the_aggregates_with_the_same_facts(engine, monkeypatch):
    """The review queue's briefing facts among actors and titles come from ``agg_actors.briefed`` when the
    aggregates are fresh (an index read instead of a test of each row's roles and events): the same flags,
    order and pages as the per-row rule, for each way an event is shown or not (venue; a state in a role; a
    state two affiliation steps from a role's actor; none; a rejected role), and after a correction that
    moves the two-step case."""
    ids = _briefing_kb(engine)
    assert_exact(engine)

    def queue(per_row: bool, **page) -> tuple[list, dict]:
        flags: dict = {}
        with monkeypatch.context() as m:
            if per_row:
                m.setattr(aggregates, "fresh", lambda conn: False)
            with session_scope(engine) as s:
                rows = [(e, r.id) for e, r in track_repo.queue_rows(s, flags=flags, **page)]
        return rows, flags

    rows, flags = queue(False)
    assert (rows, flags) == queue(True)
    shown = {name for name, i in ids.items() if flags.get((Entity.ACTOR, i))}
    assert shown == {"Border Unit", "Counter-Terrorism Committee Executive Directorate", "Uzbekistan",
                     "Civil Watch"}  # not: the official and states without roles, the freelance, the journalist
    assert not flags[(Entity.ACTOR, ids["Rita Journalist"])] and not flags[(Entity.ACTOR, ids["Omar Freelance"])]
    for offset, limit in ((0, 3), (2, 4), (5, 50)):
        assert queue(False, offset=offset, limit=limit)[0] == queue(True, offset=offset, limit=limit)[0] \
            == rows[offset:offset + limit]
    with session_scope(engine) as s:  # the ministry leaves Kazakhstan: the unit's event engages no state
        review.correct(s, Entity.ACTOR, ids["Ministry Without Code"], "affiliation_id", "", user="t")
    assert_exact(engine)
    rows, flags = queue(False)
    assert (rows, flags) == queue(True)
    assert not flags[(Entity.ACTOR, ids["Border Unit"])] and flags[(Entity.ACTOR, ids["Civil Watch"])]


def test_the_migration_counts_the_briefing_events_of_stored_actors(db_url, engine):
    """Migration 0015 fills ``agg_actors.briefed`` for a knowledge base whose stored links predate it (no
    "b"): equal to the per-row rule's count, also for an event shown only through an affiliation's
    affiliation, which it recounts; later recounts take the old links' share away correctly."""
    import json

    from alembic import command
    from sqlalchemy import text

    from ctrack.store.db import alembic_config
    from ctrack.store.web_models import DbAggEvent

    ids = _briefing_kb(engine)
    _fill(engine, 4)
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "0013_span_tiers")
    with session_scope(engine) as s:  # links as 0012-0014 wrote them
        for eid, links in s.execute(select(DbAggEvent.event_id, DbAggEvent.links)).all():
            old = {k: v for k, v in json.loads(links).items() if k != "b"}
            s.execute(text("UPDATE agg_events SET links = :l WHERE event_id = :e"),
                      {"l": json.dumps(old, sort_keys=True), "e": eid})
        unit = s.scalars(select(DbEvent.id).where(DbEvent.name == "unit")).one()
        assert s.execute(text("SELECT count(*) FROM agg_event_states WHERE event_id = :e"), {"e": unit}).scalar() == 0
    command.upgrade(cfg, "head")
    with session_scope(engine) as s:
        assert _stored_briefed(s) == _fresh_briefed(s)
        assert _stored_briefed(s)[ids["Border Unit"]] == 1
    with session_scope(engine) as s:  # a recount of old links (no "b") after the migration
        review.reject(s, Entity.ACTOR, ids["Counter-Terrorism Committee Executive Directorate"], user="t")
        review.correct(s, Entity.EVENT, s.scalars(select(DbEvent.id).where(DbEvent.name == "Event 1")).one(),
                       "country", "UZB", user="t")


def _reviewed(engine) -> dict[str, int]:
    """15 documents, then a rejected event and role, a date correction, an undated event dated, an affiliation
    moved, merges of two persons and two events, and deletes of an event and a document; returns the actors'
    ids by name."""
    _fill(engine, 15)
    with session_scope(engine) as s:
        ev = {e.name: e.id for e in s.scalars(select(DbEvent))}
        actor = {a.name: a.id for a in s.scalars(select(DbActor))}
        review.reject(s, Entity.EVENT, ev["Event 3"], user="t")
        role = s.scalars(select(DbEventRole).where(DbEventRole.event_id == ev["Event 1"],
                                                   DbEventRole.role == RoleType.SUBJECT)).one()
        review.reject(s, Entity.EVENT_ROLE, role.id, user="t")
        review.correct(s, Entity.EVENT, ev["Event 6"], "start", "2030-01", user="t")
        review.correct(s, Entity.EVENT, ev["Event 7"], "start", "2011-03-04", user="t")  # was undated
        review.correct(s, Entity.ACTOR, actor["Ministry of Interior of Tajikistan"], "affiliation_id",
                       str(actor["Kazakhstan"]), user="t")
        review.merge(s, Entity.ACTOR, actor["Amir Person001"], actor["Amir Person004"], user="t")
        review.merge(s, Entity.EVENT, ev["Event 8"], ev["Event 11"], user="t")
    with session_scope(engine) as s:
        s.delete(s.get(DbEvent, ev["Event 9"]))
        s.delete(s.scalars(select(DbDocument).where(DbDocument.doc_key == "agg12")).one())
        return {a.name: a.id for a in s.scalars(select(DbActor))}


def test_an_actors_timeline_from_the_aggregates_equals_the_one_from_the_events(engine, monkeypatch):
    """Every actor's (not a member state's) timeline pages (by cursor and by offset, undated events last), their entries (roles,
    people's roles, counterparts), cursors and totals, and its page's counts over its latest events, read
    from ``agg_actor_events`` equal those of the events' own SQL (the aggregates switched off), after
    merges, date corrections, an affiliation moved and deletes. A person's or an organization's page reads
    ``agg_actor_events`` and a deep keyset page takes no more statements than the first."""
    from sqlalchemy import event

    names = _reviewed(engine)

    def entry(e) -> tuple:
        return (e.event.id, e.event.start, sorted(r.value for r in e.roles),
                sorted((r.actor.id, r.role.value) for r in e.via), sorted((r.actor.id, r.role.value) for r in e.counterparts))

    def pages(s, actor_id: int) -> list:
        out, after = [], None
        while True:
            t = repo.actor_timeline(s, actor_id, limit=3, after=after)
            out.append(([entry(e) for e in t.entries], t.total, t.next_cursor))
            after = t.next_cursor
            if after is None:
                break
        for offset in (0, 2, 5, 11):
            t = repo.actor_timeline(s, actor_id, limit=3, offset=offset)
            out.append(([entry(e) for e in t.entries], t.total, t.next_cursor))
        roles, shared, counted, of = repo.actor_aggregates(s, actor_id, max_events=4)
        out.append((roles, [(a.id, n) for a, n in shared], counted, of))
        return out

    with session_scope(engine) as s:  # member states: their engagements (agg_event_states, tests/service)
        who = sorted(s.scalars(select(DbActor.id).where(DbActor.kind != ActorKind.MEMBER_STATE)))
        assert aggregates.fresh(s)
        kept = {a: pages(s, a) for a in who}
        monkeypatch.setattr(aggregates, "fresh", lambda conn: False)
        counted = {a: pages(s, a) for a in who}
    assert kept == counted
    # the fixture reaches what it is for: undated entries, a multi-page timeline, a moved date first
    cted, merged = names["Counter-Terrorism Committee Executive Directorate"], names["Amir Person001"]
    assert kept[cted][0][1] > 9 and any(e[1] is None for ids, *_ in kept[cted][:-5] for e in ids)
    assert len([i for ids, *_ in kept[merged][:-5] for i in ids]) == kept[merged][0][1] == 2
    monkeypatch.undo()

    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    with session_scope(engine) as s:
        for actor_id in (cted, names["Lena Officer1"]):
            repo.actor_timeline(s, actor_id, limit=3)  # warm: the read caches of the transaction
            deep = repo.actor_timeline(s, actor_id, limit=6).next_cursor
            event.listen(engine, "before_cursor_execute", note)
            try:
                repo.actor_timeline(s, actor_id, limit=3)
                first = list(sent)
                sent.clear()
                repo.actor_timeline(s, actor_id, limit=3, after=deep)
                last = list(sent)
                sent.clear()
            finally:
                event.remove(engine, "before_cursor_execute", note)
            assert any("agg_actor_events" in q for q in first) and not any(
                "FROM event_roles" in q and "ORDER BY" in q for q in first)
            assert len(first) <= len(last) <= len(first) + 1


def test_migration_0016_backfills_the_actor_events_kept_on_write(engine):
    """Down to 0015 (the table dropped) and up again: the set-based backfill writes the rows the recounts
    kept, and the timelines read from them stay exact."""
    from alembic import command

    from ctrack.store.db import alembic_config, upgrade

    _reviewed(engine)
    with session_scope(engine) as s:
        kept = _actor_event_rows(s)
    assert kept
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015_briefed_actors")
        conn.commit()
    upgrade(engine)
    with session_scope(engine) as s:
        assert _actor_event_rows(s) == kept
    assert_exact(engine)


def test_a_knowledge_base_from_before_the_aggregates_upgrades_to_head_with_exact_counts(db_url, engine):
    """A knowledge base at revision 0011 (before the aggregates) holding documents, events, roles and reviews
    upgrades to head: each migration's backfill writes only what its revision has (0012 the tables it
    creates, 0013 the span tiers, 0015 ``briefed``), and the aggregates then equal a fresh recount at head
    (every table, per member state, per actor, the briefing flags) and the fresh ``COUNT``s."""
    from alembic import command

    from ctrack.store.db import alembic_config

    _briefing_kb(engine)  # the "unit" event: shown only through an affiliation's affiliation (0015 recounts it)
    _fill(engine, 9)
    with session_scope(engine) as s:
        ev = {e.name: e.id for e in s.scalars(select(DbEvent))}
        review.reject(s, Entity.EVENT, ev["Event 3"], user="t")
        review.correct(s, Entity.EVENT, ev["Event 4"], "country", "KGZ", user="t")
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "0011_pages")
    with engine.connect() as conn:
        assert not inspect(conn).has_table("agg_actors")
    command.upgrade(cfg, "head")  # the migrations alone, without open_store's recount of what they left
    with session_scope(engine) as s:
        assert aggregates.triggers_present(s) and aggregates.fresh(s)
        migrated = _snapshot(s)
        aggregates.rebuild(s)
        assert migrated == _snapshot(s)
    assert_exact(engine)
