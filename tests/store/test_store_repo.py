"""save_document (idempotence, merging across documents, conflicts, review states) and the read API."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ctrack.errors import NotFound
from ctrack.schema import ActorKind, EventType, Record, RoleType
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.models import (
    DbActor, DbActorSource, DbConflict, DbEvent, DbEventRole, DbEventSource, DbMention, DbMergeDecision, DbTitle,
    ReviewState,
)
from ctrack.store.testing import gold_document, gold_record, make_document

DEV_IDS = ["seed-000"] + [f"dev-{i:03d}" for i in range(1, 17)]


def record(doc_id: str, actors: list[dict], events: list[dict], published: str | None = None) -> Record:
    return Record.model_validate({"schema": "ctrack.extraction/1",
                                  "document": {"id": doc_id, "title": doc_id, "published": published},
                                  "actors": actors, "events": events})


def save(engine, doc_id, actors, events, published=None, text=None):
    rec = record(doc_id, actors, events, published)
    doc = make_document(doc_id, text or f"text of {doc_id}",
                        published=dt.date.fromisoformat(published) if published else None, title=doc_id)
    with session_scope(engine) as s:
        return repo.save_document(s, doc, rec)


def n(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


CTED = {"id": "cted", "kind": "un_entity", "name": "Counter-Terrorism Committee Executive Directorate",
        "acronym": "CTED"}
TJK = {"id": "TJK", "kind": "member_state", "name": "Tajikistan", "iso3": "TJK"}
KAZ = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}
UZB = {"id": "UZB", "kind": "member_state", "name": "Uzbekistan", "iso3": "UZB"}


def conf(**over):
    e = {"id": "conf", "type": "conference", "name": "High-level conference on countering terrorism",
         "start": "2018-05-03", "end": "2018-05-04", "city": "Dushanbe", "country": "TJK", "status": "held",
         "roles": [{"actor": "TJK", "role": "organizer"}, {"actor": "cted", "role": "participant"}]}
    e.update(over)
    return e


# ---------------------------------------------------------------- idempotence

def test_same_document_twice_changes_nothing(engine):
    rec, doc = gold_record("seed-000"), gold_document("seed-000")
    with session_scope(engine) as s:
        first = repo.save_document(s, doc, rec)
    with session_scope(engine) as s:
        before = repo.counts(s)
        decisions = n(s, DbMergeDecision)
    with session_scope(engine) as s:
        second = repo.save_document(s, doc, rec)
    with session_scope(engine) as s:
        assert repo.counts(s) == before
        assert n(s, DbMergeDecision) == decisions
    assert first.status == "new" and second.status == "unchanged"
    assert second.document_id == first.document_id and second.doc_key == "seed-000"
    assert first.events_created == len(rec.events) and first.actors_created == len(rec.actors)
    assert before.documents == 1 and before.events == len(rec.events)


def test_stored_hashes(engine):
    doc = gold_document("dev-001")
    with session_scope(engine) as s:
        repo.save_document(s, doc, gold_record("dev-001"))
    with session_scope(engine) as s:
        assert repo.stored_hashes(s, [doc.sha256, "0" * 64]) == {doc.sha256}


# ---------------------------------------------------------------- actors

def test_acronym_and_full_name_are_one_actor(engine):
    # not in the gazetteer: merged by the resolve rules alone
    ncef = {"id": "ncef", "kind": "regional_org", "name": "Northern Counter-Extremism Forum", "acronym": "NCEF"}
    save(engine, "a", [ncef], [])
    save(engine, "b", [{"id": "r", "kind": "regional_org", "name": "NCEF"}], [])
    save(engine, "c", [{"id": "r", "kind": "regional_org", "name": "Northern Counter Extremism Forum"}], [])
    with session_scope(engine) as s:
        rows = repo.list_actors(s, q="NCEF")
        assert [(r.name, r.acronym, r.documents) for r in rows] == [("Northern Counter-Extremism Forum", "NCEF", 3)]
        assert repo.find_actor(s, "ncef").id == rows[0].id
        assert repo.find_actor(s, "northern counter extremism forum").id == rows[0].id


def test_acronym_first_then_full_name_upgrades_the_name(engine):
    save(engine, "a", [{"id": "x", "kind": "other_org", "name": "ZQX"}], [])
    save(engine, "b", [{"id": "x", "kind": "other_org", "name": "Zeta Quantum Exchange", "acronym": "ZQX"}], [])
    with session_scope(engine) as s:
        (row,) = repo.list_actors(s, kind=ActorKind.OTHER_ORG)
        assert (row.name, row.acronym) == ("Zeta Quantum Exchange", "ZQX")
        assert "ZQX" in row.aliases or row.acronym == "ZQX"


def test_surname_only_mention_merges_into_known_person(engine):
    unoct = {"id": "unoct", "kind": "un_entity", "name": "United Nations Office of Counter-Terrorism",
             "acronym": "UNOCT"}
    save(engine, "a", [unoct, {"id": "v", "kind": "person", "name": "Vladimir Voronkov",
                               "title": "Under-Secretary-General", "affiliation": "unoct"}], [], "2018-03-05")
    save(engine, "b", [{"id": "v", "kind": "person", "name": "Mr. Voronkov", "title": "Head"}], [], "2019-01-10")
    with session_scope(engine) as s:
        persons = repo.list_actors(s, kind="person")
        assert len(persons) == 1
        p = persons[0]
        assert p.name == "Vladimir Voronkov" and p.affiliation.acronym == "UNOCT"
        assert p.title == "Head"  # the latest dated title is the current one
        timeline = repo.actor_timeline(s, p.id)
        assert [(t.title, t.as_of) for t in timeline.titles] == [("Under-Secretary-General", "2018-03-05"),
                                                                 ("Head", "2019-01-10")]
        rule = s.scalar(select(DbMergeDecision.rule).where(DbMergeDecision.subject == "actor",
                                                           DbMergeDecision.created.is_(False)))
        assert rule == "surname_only"


def test_surname_shared_by_two_people_is_not_merged(engine):
    save(engine, "a", [{"id": "p1", "kind": "person", "name": "John Smith"},
                       {"id": "p2", "kind": "person", "name": "Mary Smith"}], [])
    save(engine, "b", [{"id": "p", "kind": "person", "name": "Smith"}], [])
    with session_scope(engine) as s:
        assert len(repo.list_actors(s, kind="person")) == 3


def test_government_of_x_is_the_member_state(engine):
    save(engine, "a", [TJK], [])
    save(engine, "b", [{"id": "gov", "kind": "government_body", "name": "Government of Tajikistan"}], [])
    save(engine, "c", [{"id": "gov", "kind": "member_state", "name": "the Republic of Tajikistan"}], [])
    with session_scope(engine) as s:
        states = repo.list_actors(s, q="Tajik")
        assert [(a.kind, a.iso3) for a in states] == [(ActorKind.MEMBER_STATE, "TJK")]
        assert repo.find_actor(s, "TJK").id == states[0].id
        assert repo.find_actor(s, "Government of Tajikistan").id == states[0].id


def test_affiliation_disagreement_is_a_conflict(engine):
    p = {"id": "p", "kind": "person", "name": "Jean-Paul Laborde", "affiliation": "cted"}
    ctitf = {"id": "ctitf", "kind": "un_entity", "name": "Counter-Terrorism Implementation Task Force",
             "acronym": "CTITF"}
    save(engine, "a", [CTED, p], [])
    save(engine, "b", [ctitf, {**p, "affiliation": "ctitf"}], [])
    with session_scope(engine) as s:
        person = repo.find_actor(s, "Laborde")
        assert person.affiliation.acronym == "CTED"
        c = s.scalars(select(DbConflict).where(DbConflict.actor_id == person.id)).one()
        assert (c.field, c.value, c.existing) == ("affiliation", "Counter-Terrorism Implementation Task Force",
                                                  "Counter-Terrorism Committee Executive Directorate")


# ---------------------------------------------------------------- events

def test_two_documents_on_one_event_make_one_event_with_two_sources(engine):
    save(engine, "a", [CTED, TJK], [conf()], "2018-05-05")
    r = save(engine, "b", [CTED, TJK, {"id": "osce", "kind": "regional_org",
                                       "name": "Organization for Security and Co-operation in Europe",
                                       "acronym": "OSCE"}],
             [conf(name="Dushanbe Conference", start="2018-05", end=None, city="Dushambe", delegations=47,
                   roles=[{"actor": "osce", "role": "organizer"}, {"actor": "TJK", "role": "organizer"},
                          {"actor": "cted", "role": "speaker"}])], "2018-05-10")
    assert (r.events_created, r.events_merged) == (0, 1)
    with session_scope(engine) as s:
        (ev,) = repo.list_events(s)
        assert [src.doc_key for src in ev.sources] == ["a", "b"]
        assert (ev.start, ev.end, ev.city, ev.delegations) == ("2018-05-03", "2018-05-04", "Dushanbe", 47)
        assert {(x.actor.short, x.role) for x in ev.roles} == {
            ("Tajikistan", RoleType.ORGANIZER), ("OSCE", RoleType.ORGANIZER), ("CTED", RoleType.PARTICIPANT),
            ("CTED", RoleType.SPEAKER)}
        assert {(c.field, c.value, c.existing, c.source.doc_key) for c in ev.conflicts} == {
            ("name", "Dushanbe Conference", "High-level conference on countering terrorism", "b"),
            ("city", "Dushambe", "Dushanbe", "b")}
        # each source keeps what it said
        facts = dict(s.execute(select(DbEventSource.local_id, DbEventSource.facts)
                               .where(DbEventSource.event_id == ev.id)).all())
        assert facts["conf"]["city"] in ("Dushanbe", "Dushambe")
        assert n(s, DbEventSource, DbEventSource.event_id == ev.id) == 2


def test_two_meetings_on_one_day_with_different_counterparts_stay_apart(engine):
    meet = {"id": "m", "type": "meeting", "start": "2018-05-03", "end": "2018-05-03", "city": "Dushanbe",
            "country": "TJK"}
    save(engine, "a", [CTED, KAZ], [{**meet, "roles": [{"actor": "cted", "role": "participant"},
                                                      {"actor": "KAZ", "role": "participant"}]}])
    save(engine, "b", [CTED, UZB], [{**meet, "roles": [{"actor": "cted", "role": "participant"},
                                                      {"actor": "UZB", "role": "participant"}]}])
    with session_scope(engine) as s:
        events = repo.list_events(s, type=EventType.MEETING)
        assert len(events) == 2
        assert all(len(e.sources) == 1 for e in events)


def test_part_of_links_and_planned_becomes_held(engine):
    side = {"id": "side", "type": "meeting", "start": "2018-05", "city": "Dushanbe", "country": "TJK",
            "part_of": "conf", "roles": [{"actor": "cted", "role": "participant"}, {"actor": "UZB", "role": "participant"}]}
    save(engine, "a", [CTED, TJK], [conf(status="planned")], "2018-04-01")
    save(engine, "b", [CTED, TJK, UZB], [conf(), side], "2018-05-06")
    with session_scope(engine) as s:
        events = {e.type: e for e in repo.list_events(s)}
        assert events[EventType.CONFERENCE].status.value == "held"
        assert events[EventType.MEETING].part_of_id == events[EventType.CONFERENCE].id
        assert not events[EventType.CONFERENCE].conflicts


def test_reviewed_rows_are_never_overwritten_and_rejected_roles_stay_rejected(engine):
    save(engine, "a", [CTED, TJK], [conf(city=None)])
    with session_scope(engine) as s:
        ev = s.scalars(select(DbEvent)).one()
        ev.review_state = ReviewState.CONFIRMED
        role = s.scalars(select(DbEventRole).where(DbEventRole.role == RoleType.PARTICIPANT)).one()
        role.review_state = ReviewState.REJECTED
        cted = s.scalars(select(DbActor).where(DbActor.acronym == "CTED")).one()
        cted.review_state = ReviewState.CORRECTED
        cted.name = "CTED (corrected name)"
    save(engine, "b", [{**CTED, "name": "Counter-Terrorism Committee Executive Directorate"}, TJK],
         [conf(city="Dushanbe")])
    with session_scope(engine) as s:
        ev = s.scalars(select(DbEvent)).one()
        assert ev.city is None and ev.review_state is ReviewState.CONFIRMED
        assert s.scalar(select(DbConflict.field).where(DbConflict.event_id == ev.id)) == "city"
        role = s.scalars(select(DbEventRole).where(DbEventRole.role == RoleType.PARTICIPANT)).one()
        assert role.review_state is ReviewState.REJECTED
        assert s.scalar(select(DbActor.name).where(DbActor.acronym == "CTED")) == "CTED (corrected name)"
        (row,) = repo.list_events(s)
        assert RoleType.PARTICIPANT not in {r.role for r in row.roles}  # rejected rows are not shown


def test_mentions_keep_offsets_and_rules(engine):
    text = "CTED met Tajikistan in Dushanbe."
    actors = [{**CTED, "mentions": [{"start": 0, "end": 4, "text": "CTED", "rule": "gazetteer"}]}, TJK]
    ev = {"id": "m", "type": "meeting", "start": "2018-05-03", "country": "TJK",
          "evidence": [{"start": 5, "end": 8, "text": "met", "rule": "meeting-verb"}],
          "roles": [{"actor": "cted", "role": "participant",
                     "evidence": {"start": 0, "end": 19, "text": "CTED met Tajikistan", "rule": "met-with"}},
                    {"actor": "TJK", "role": "participant"}]}
    save(engine, "a", actors, [ev], text=text)
    with session_scope(engine) as s:
        spans = s.execute(select(DbMention.start, DbMention.end, DbMention.text, DbMention.rule,
                                 DbMention.actor_id.is_not(None), DbMention.event_id.is_not(None),
                                 DbMention.event_role_id.is_not(None)).order_by(DbMention.id)).all()
        assert [tuple(x) for x in spans] == [(0, 4, "CTED", "gazetteer", True, False, False),
                                             (0, 19, "CTED met Tajikistan", "met-with", False, False, True),
                                             (5, 8, "met", "meeting-verb", False, True, False)]
        assert all(text[a:b] == t for a, b, t, *_ in spans)


# ---------------------------------------------------------------- the dev corpus

@pytest.fixture
def dev_kb(engine):
    for doc_id in DEV_IDS:
        with session_scope(engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    return engine


def test_dev_corpus_resolves_across_documents(dev_kb):
    with session_scope(dev_kb) as s:
        c = repo.counts(s)
        assert c.documents == len(DEV_IDS)
        for name in ("CTED", "UNOCT", "Counter-Terrorism Committee", "Vladimir Voronkov", "Michèle Coninsx"):
            matches = [a for a in repo.list_actors(s) if name in (a.acronym, a.name)]
            assert len(matches) == 1, name
        voronkov = repo.find_actor(s, "voronkov")
        assert voronkov.documents >= 3 and voronkov.affiliation.acronym == "UNOCT"
        assert repo.find_actor(s, "Michele Coninsx").name == "Michèle Coninsx"
        assert n(s, DbActorSource) == sum(len(gold_record(d).actors) for d in DEV_IDS)
        assert n(s, DbTitle) >= 10
        # every event keeps at least one source; none is lost
        total_events = sum(len(gold_record(d).events) for d in DEV_IDS)
        assert n(s, DbEventSource) == total_events
        assert c.events <= total_events


def test_show_cted_timeline(dev_kb):
    with session_scope(dev_kb) as s:
        cted = repo.find_actor(s, "cted")
        assert cted.name == "Counter-Terrorism Committee Executive Directorate"
        assert repo.find_actor(s, "Counter-Terrorism Committee Executive Directorate").id == cted.id
        tl = repo.actor_timeline(s, cted.id)
        assert len(tl.entries) >= 5
        keys = [dates_key(e.event.start) for e in tl.entries]
        assert keys == sorted(keys)
        assert any(r.actor.name == "Michèle Coninsx" for e in tl.entries for r in e.via)
        conf = next(e for e in tl.entries if e.event.start == "2018-05-03")
        assert RoleType.SPEAKER in conf.roles and RoleType.PARTICIPANT in conf.roles
        assert any(r.actor.iso3 == "TJK" and r.role is RoleType.ORGANIZER for r in conf.counterparts)
        assert [src.doc_key for src in conf.event.sources] == ["seed-000"]


def dates_key(start):
    from ctrack.resolve.dates import sort_key

    return sort_key(start)


def test_event_filters(dev_kb):
    with session_scope(dev_kb) as s:
        every = repo.list_events(s)
        tjk = repo.list_events(s, country="TJK")
        assert tjk and all(e.country == "TJK" or any(r.actor.iso3 == "TJK" for r in e.roles) or
                           _affiliated(s, e, "TJK") for e in tjk)
        assert len(repo.list_events(s, country="Tajikistan")) == len(tjk)
        workshops = repo.list_events(s, type="workshop")
        assert workshops and {e.type for e in workshops} == {EventType.WORKSHOP}
        y2018 = repo.list_events(s, since="2018", until="2018-12-31")
        assert y2018 and all(e.start and e.start.startswith("2018") or (e.end or "").startswith("2018")
                             for e in y2018)
        may = repo.list_events(s, since="2018-05-03", until="2018-05-03")
        assert any(e.start == "2018-05-03" for e in may) and any(e.start == "2018-05" for e in may)
        assert len(y2018) < len(every)
        central_asia = repo.list_events(s, region="Central Asia")
        assert {e.id for e in tjk} <= {e.id for e in central_asia}
        with pytest.raises(NotFound):
            repo.list_events(s, region="Atlantis")
        with pytest.raises(NotFound):
            repo.list_events(s, country="XXZ")
        with pytest.raises(ValueError):
            repo.list_events(s, since="last week")


def _affiliated(s, event, iso3) -> bool:
    ids = {r.actor.id for r in event.roles}
    for aid in ids:
        a = s.get(DbActor, aid)
        while a is not None:
            if a.iso3 == iso3:
                return True
            a = a.affiliation
    return False


def test_find_actor_not_found_suggests(dev_kb):
    with session_scope(dev_kb) as s:
        with pytest.raises(NotFound) as info:
            repo.find_actor(s, "Voronkof Vladimirr")
        assert "Voronkov" in str(info.value)
        with pytest.raises(NotFound):
            repo.find_actor(s, "   ")


def test_briefing_for_a_country_and_a_region(dev_kb):
    with session_scope(dev_kb) as s:
        b = repo.briefing(s, country="TJK")
        assert b.scope.startswith("Tajikistan") and b.members == ["TJK"]
        assert b.events and sum(b.by_type.values()) == len(b.events)
        assert b.by_state[0].iso3 == "TJK" and b.by_state[0].events == len(b.events)
        assert {d.doc_key for d in b.documents} >= {"seed-000"}
        r = repo.briefing(s, region="Central Asia")
        assert set(r.members) >= {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
        assert {x.iso3 for x in r.by_state} >= set(r.members)
        everything = repo.briefing(s)
        assert len(everything.events) == everything.counts.events


def test_odd_extractor_output_is_made_to_fit(engine):
    long_name = "Office " * 100
    r = save(engine, "odd", [
        {"id": "a", "kind": "other_org", "name": long_name, "acronym": "X" * 60},
        {"id": "b", "kind": "person", "name": "   "},
        {"id": "c", "kind": "member_state", "name": "Tajikistan", "iso3": "Tajikistan"},
    ], [{"id": "e", "type": "meeting", "start": "3 May 2018", "end": "2018-05-03T10:00", "country": "Tajikistan",
         "city": "D" * 300, "delegations": -1,
         "roles": [{"actor": "a", "role": "participant"}, {"actor": "b", "role": "participant"},
                   {"actor": "c", "role": "participant"}]}])
    assert (r.actors_created, r.events_created, r.roles_added) == (2, 1, 2)
    with session_scope(engine) as s:
        (ev,) = repo.list_events(s)
        assert (ev.start, ev.end, ev.country, len(ev.city), ev.delegations) == (None, None, "TJK", 200, None)
        org = repo.list_actors(s, kind="other_org")[0]
        assert len(org.name) <= 400 and org.acronym is None
        assert repo.find_actor(s, "TJK").name == "Tajikistan"


def test_confidence_is_stored_and_a_second_report_keeps_the_highest(engine):
    ev = {"id": "e1", "type": "conference", "start": "2018-05-03", "country": "TJK", "confidence": 0.4,
          "roles": [{"actor": "cted", "role": "organizer", "confidence": 0.3}]}
    save(engine, "conf-a", [CTED], [ev])
    save(engine, "conf-b", [CTED], [dict(ev, confidence=0.9, roles=[{"actor": "cted", "role": "organizer", "confidence": 0.2}])])
    with session_scope(engine) as s:
        (event,) = s.scalars(select(DbEvent)).all()
        (role,) = s.scalars(select(DbEventRole)).all()
        assert event.confidence == pytest.approx(0.9)
        assert role.confidence == pytest.approx(0.3)


def test_briefing_counts_each_event_once_per_state(dev_kb):
    """A state engaged twice in one event (itself and its representative, or one person as speaker and chair)
    counts that event once, with or without a scope (a new user saw Peru at 3 in the whole-KB pack, 1 in
    ``events --country PER``)."""
    from ctrack.service.engagements import engagement_counts

    with session_scope(dev_kb) as s:
        whole = repo.briefing(s)
        counts = engagement_counts(s)
        for st in whole.by_state:
            assert st.events <= counts.get(st.iso3, 0), st


def test_event_rows_leave_out_the_roles_of_a_rejected_actor_and_keep_each_sources_document(engine):
    """The event rows read the actors and documents apart from the roles and sources (by key): a rejected
    actor's roles are left out, the others keep their actor's fields, role order and each source and
    conflict its document."""
    osce = {"id": "osce", "kind": "regional_org", "name": "Organization for Security and Co-operation in Europe",
            "acronym": "OSCE"}
    save(engine, "a", [CTED, TJK, osce], [conf(roles=[{"actor": "TJK", "role": "organizer"},
                                                     {"actor": "osce", "role": "organizer"},
                                                     {"actor": "cted", "role": "participant"}])], "2018-05-05")
    save(engine, "b", [CTED, TJK], [conf(city="Dushambe")], "2018-05-10")
    with session_scope(engine) as s:
        (before,) = repo.list_events(s)
        assert [(r.actor.short, r.role) for r in before.roles] == [
            ("OSCE", RoleType.ORGANIZER), ("Tajikistan", RoleType.ORGANIZER), ("CTED", RoleType.PARTICIPANT)]
        assert [d.doc_key for d in before.sources] == ["a", "b"]
        assert [(c.field, c.source.doc_key, c.source.title) for c in before.conflicts] == [("city", "b", "b")]
        s.scalars(select(DbActor).where(DbActor.acronym == "OSCE")).one().review_state = ReviewState.REJECTED
    with session_scope(engine) as s:
        (after,) = repo.list_events(s)
        assert [(r.actor.short, r.actor.kind.value, r.actor.iso3) for r in after.roles] == [
            ("Tajikistan", "member_state", "TJK"), ("CTED", "un_entity", None)]
        assert after.sources == before.sources and after.conflicts == before.conflicts


def test_a_page_reads_the_conflicts_of_the_events_that_have_some_and_only_then(engine):
    """An event page reads conflicts only for the events whose row says they have some (the events' read carries
    an EXISTS on ``conflicts``): the event with a conflict gets it with its document, the others none, and a page
    without any conflict sends no read of ``conflicts`` of its own; the same through an actor's timeline."""
    from sqlalchemy import event as sa_event

    save(engine, "a", [CTED, TJK], [conf()], "2018-05-05")
    save(engine, "b", [CTED, TJK], [conf(city="Dushambe")], "2018-05-10")  # the same event, another city
    save(engine, "c", [CTED, TJK], [conf(id="ws", type="workshop", name="Workshop on border security",
                                         start="2019-03-01", end=None)], "2019-03-05")
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        with session_scope(engine) as s:
            by_type = {e.type: e for e in repo.list_events(s)}
            assert [(c.field, c.value, c.existing, c.source.doc_key)
                    for c in by_type[EventType.CONFERENCE].conflicts] == [("city", "Dushambe", "Dushanbe", "b")]
            assert by_type[EventType.WORKSHOP].conflicts == []
            assert sum(q.startswith("SELECT conflicts.") for q in seen) == 1
            cted = repo.find_actor(s, "CTED")
            entries = repo.actor_timeline(s, cted.id, limit=10).entries
            assert [len(t.event.conflicts) for t in entries] == [1, 0]
            seen.clear()
            (only,) = repo.events_by_ids(s, [by_type[EventType.WORKSHOP].id])
            assert only.conflicts == [] and only.sources
            assert not any(q.startswith("SELECT conflicts.") for q in seen), seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)
