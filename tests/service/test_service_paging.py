"""The service layer's lists filter, sort, count and page in SQL: keyset pages equal offset pages, dates at
month or year precision filter by the days they cover, and a listing's SQL statement count does not grow
with the number of rows (counted with an SQLAlchemy ``before_cursor_execute`` listener)."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from ctrack.errors import BadQuery, NotFound
from ctrack.schema import Actor, ActorKind, DocumentInfo, Event, EventStatus, EventType, Record, Role, RoleType
from ctrack.service import actors, documents, events, reports, review, search
from ctrack.service.events import EventFilters
from ctrack.resolve import dates
from ctrack.service.paging import PageParams
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.testing import make_document

TYPES = [EventType.MEETING, EventType.WORKSHOP, EventType.CONFERENCE, EventType.BRIEFING]


def _record(i: int) -> tuple:
    """Document ``i``: a person of Tajikistan (or Kazakhstan) meets CTED at an event of its own date.

    Dates cycle through day, month and year precision and an undated event every seventh document."""
    iso, state = ("TJK", "Tajikistan") if i % 2 else ("KAZ", "Kazakhstan")
    year = 2010 + i % 12
    start = [f"{year}-{1 + i % 12:02d}-{1 + i % 27:02d}", f"{year}-{1 + i % 12:02d}", f"{year}"][i % 3]
    if i % 7 == 0:
        start = None
    text = f"Document {i}: Minister Person{i} of {state} met CTED."
    record = Record(document=DocumentInfo(id=f"doc{i}"), actors=[
        Actor(id="a1", kind=ActorKind.MEMBER_STATE, name=state, iso3=iso),
        Actor(id="a2", kind=ActorKind.PERSON, name=f"Amir Person{i:03d}", title="Minister", affiliation="a1"),
        Actor(id="a3", kind=ActorKind.UN_ENTITY, name="Counter-Terrorism Committee Executive Directorate",
              acronym="CTED"),
    ], events=[Event(id="e1", type=TYPES[i % 4], name=f"Event number {i}", start=start, country=iso,
                     status=EventStatus.PLANNED if i % 5 == 0 else EventStatus.HELD,
                     roles=[Role(actor="a2", role=RoleType.PARTICIPANT), Role(actor="a3", role=RoleType.ORGANIZER),
                            Role(actor="a1", role=RoleType.SUBJECT)])])
    return make_document(f"doc{i}", text, published=dt.date(2024, 1, 1)), record


def _fill(engine, n: int, first: int = 0) -> None:
    with session_scope(engine) as s:
        for i in range(first, first + n):
            repo.save_document(s, *_record(i))


@contextmanager
def _statements(engine):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_keyset_pages_equal_offset_pages_and_the_unpaged_order(engine):
    _fill(engine, 30)
    with session_scope(engine) as s:
        every = [e.id for e in repo.list_events(s)]
        by_offset, by_cursor, after = [], [], None
        for offset in range(0, 30, 7):
            page = events.list_events(s, page=PageParams(limit=7, offset=offset))
            assert page.total == len(every)
            by_offset += [e.id for e in page.items]
        while True:
            page = events.list_events(s, page=PageParams(limit=7, after=after))
            by_cursor += [e.id for e in page.items]
            after = page.next_cursor
            if after is None:
                break
        assert by_offset == by_cursor == every
        assert len(set(every)) == len(every) > 20
        # undated events come last, descending or not
        down = []
        after = None
        while True:
            page = events.list_events(s, sort="-start", page=PageParams(limit=4, after=after))
            down += page.items
            after = page.next_cursor
            if after is None:
                break
        starts = [e.start for e in down]
        dated = [x for x in starts if x]
        assert dated == sorted(dated, reverse=True) and starts[len(dated):] == [None] * (len(every) - len(dated))
        # actors: keyset pages by kind then name
        names, after = [], None
        while True:
            page = actors.list_actors(s, page=PageParams(limit=5, after=after))
            names += [(a.kind.value, a.name) for a in page.items]
            after = page.next_cursor
            if after is None:
                break
        assert len(names) == page.total > 30 and names == [(a.kind.value, a.name) for a in repo.list_actors(s)]


def test_dates_at_month_or_year_precision_filter_by_the_days_they_cover(engine):
    _fill(engine, 14)
    with session_scope(engine) as s:
        everything = repo.list_events(s)
        for since, until in (("2011-02-20", "2011-02-21"), ("2012", "2012"), ("2013-04", "2014-06-30")):
            got = {e.id for e in events.list_events(s, EventFilters(since=since, until=until)).items}
            want = set()
            lo, hi = dates.to_bound(since, upper=False), dates.to_bound(until, upper=True)
            for e in everything:
                span = dates.interval(e.start, e.end)
                if span and span[1] >= lo and span[0] <= hi:
                    want.add(e.id)
            assert got == want
        month = next(e for e in everything if e.start and len(e.start) == 7)
        day_inside = f"{month.start}-20"
        assert month.id in {e.id for e in events.list_events(s, EventFilters(since=day_inside, until=day_inside)).items}
        with pytest.raises(BadQuery):
            events.list_events(s, EventFilters(since="last week"))
        with pytest.raises(BadQuery):
            events.list_events(s, sort="colour")
        with pytest.raises(BadQuery):
            events.list_events(s, page=PageParams(limit=5, after="not-a-cursor"))
        with pytest.raises(NotFound):
            events.list_events(s, EventFilters(country="Atlantis"))


def test_a_long_event_is_found_by_a_date_range_inside_it(engine):
    """The date filter reads start days from a year before the range on, plus the events longer than
    that by their span (events.span_days): a programme of fifteen years still overlaps a month inside it,
    and a one-day event a year and a day before the range does not."""
    _fill(engine, 14)
    long_ = Record(document=DocumentInfo(id="prog"), actors=[
        Actor(id="a1", kind=ActorKind.MEMBER_STATE, name="Uzbekistan", iso3="UZB")],
        events=[Event(id="e1", type=EventType.WORKSHOP, name="Border programme", start="2005-03", end="2020-11",
                      country="UZB", roles=[Role(actor="a1", role=RoleType.SUBJECT)])])
    before = Record(document=DocumentInfo(id="early"), actors=[
        Actor(id="a1", kind=ActorKind.MEMBER_STATE, name="Kyrgyzstan", iso3="KGZ")],
        events=[Event(id="e1", type=EventType.MEETING, name="Early meeting", start="2014-06-14", country="KGZ",
                      roles=[Role(actor="a1", role=RoleType.SUBJECT)])])
    with session_scope(engine) as s:
        repo.save_document(s, make_document("prog", "A programme.", published=dt.date(2021, 1, 1)), long_)
        repo.save_document(s, make_document("early", "A meeting.", published=dt.date(2021, 1, 1)), before)
    with session_scope(engine) as s:
        every = repo.list_events(s)
        prog = next(e for e in every if e.name == "Border programme")
        early = next(e for e in every if e.name == "Early meeting")
        assert prog.id != early.id
        for country in (None, "UZB"):
            for since, until in (("2015-06", "2015-06"), ("2015-06-15", None), ("2011-02-20", "2011-02-21")):
                got = {e.id for e in events.list_events(s, EventFilters(country=country, since=since, until=until),
                                                        page=PageParams(limit=500)).items}
                lo, hi = dates.to_bound(since, upper=False), dates.to_bound(until or "9999", upper=True)
                want = {e.id for e in every if (span := dates.interval(e.start, e.end)) and span[1] >= lo
                        and span[0] <= hi and (country is None or e.country == country
                                               or any(r.actor.iso3 == country for r in e.roles))}
                assert got == want and prog.id in got and early.id not in got, (country, since, until)
        with session_scope(engine) as s2:
            spans = dict(s2.execute(text("SELECT name, span_days FROM events WHERE name IN "
                                         "('Border programme', 'Early meeting')")).all())
        assert spans == {"Border programme": (dt.date(2020, 11, 30) - dt.date(2005, 3, 1)).days,
                         "Early meeting": 0}


def _requests(s) -> dict:
    """The listings and pages whose statements are counted, as calls without arguments."""
    cted = actors.find_actor(s, "CTED").id
    return {
        "events": lambda: events.list_events(s, page=PageParams(limit=10)),
        "events_country_range": lambda: events.list_events(
            s, EventFilters(country="TJK", since="2010", until="2030"), page=PageParams(limit=10)),
        "events_deep": lambda: events.list_events(s, page=PageParams(limit=10, offset=10)),
        "actors": lambda: actors.list_actors(s, page=PageParams(limit=10)),
        "timeline": lambda: actors.timeline(s, cted, PageParams(limit=10)),
        "show": lambda: actors.show(s, "Tajikistan", PageParams(limit=10)),
        "actor_page": lambda: actors.actor_page(s, cted, PageParams(limit=10)),
        "overview": lambda: reports.overview(s),
        "queue": lambda: review.queue(s, page=PageParams(limit=10)),
        "queue_deep": lambda: review.queue(s, page=PageParams(limit=10, offset=15)),
        "queue_cursor": lambda: review.queue(s, page=PageParams(
            limit=10, after=review.queue(s, page=PageParams(limit=15)).next_cursor)),
        "events_by_date": lambda: events.list_events(s, EventFilters(since="2012-05", until="2012-05"),
                                                     page=PageParams(limit=10)),
        "search": lambda: search.search(s, "person"),
        "documents": lambda: documents.list_documents(s, sort="-events", page=PageParams(limit=10, offset=5)),
        "network": lambda: reports.network(s, EventFilters(country="TJK")),
        "briefing": lambda: reports.briefing(s, country="KAZ", max_events=10),
        "briefing_content": lambda: reports.briefing(s, country="KAZ"),
        "briefing_region": lambda: reports.briefing(s, region="Central Asia", max_events=10),
        "state_page": lambda: reports.state_page(s, "TJK"),
        "states": lambda: reports.states(s),
        "event_detail": lambda: events.event_detail(s, events.list_events(s, page=PageParams(limit=1)).items[0].id),
    }


def _counts(engine) -> dict[str, int]:
    out = {}
    with session_scope(engine) as s:
        for name, call in _requests(s).items():
            call()  # warm: caches of the gazetteer and the like
            with _statements(engine) as seen:
                call()
            out[name] = len(seen)
    return out


def test_the_sql_statements_of_a_listing_do_not_grow_with_the_rows(engine):
    _fill(engine, 20)
    small = _counts(engine)
    _fill(engine, 40, first=20)
    large = _counts(engine)
    grown = {k: (small[k], large[k]) for k in small if large[k] > small[k]}
    assert grown == {}, grown


def test_a_timeline_page_reads_its_events_roles_and_actors_in_few_statements(engine):
    """A page of an actor's timeline (the aggregates fresh, read once per transaction) takes seven statements:
    the actor with its counts, affiliation, aliases and whether it has titles (one read), the actors acting for
    it (one read), the page's ids (a second range when the page runs into the undated events), the events
    (with whether each has conflicts), their roles with their actors (one read), their sources with their
    documents, the person's titles; the titles are read only for an actor that has some (the person, not
    CTED), the conflicts only when an event of the page has some (none here). Each pair of reads joined here
    was two round trips (15-17 statements a page before, 9 until the aliases, conflicts and titles were
    folded in): at a million events on PostgreSQL a statement costs a round trip whatever it reads."""
    _fill(engine, 12)
    with session_scope(engine) as s:
        cted = actors.find_actor(s, "CTED").id
        person = actors.find_actor(s, "Amir Person003").id
        for who in (cted, person):
            actors.timeline(s, who, PageParams(limit=5))  # warm: the aggregates' freshness, once a transaction
            with _statements(engine) as seen:
                page = actors.timeline(s, who, PageParams(limit=5))
            assert page.entries and all(e.event.roles for e in page.entries)
            # a page that runs past the dated events reads the undated ones in a second range (the person's)
            undated = sum("agg_actor_events" in q for q in seen) - 1
            titles = sum(" ".join(q.split()).startswith("SELECT person_titles.") for q in seen)
            assert titles == (who == person) and bool(page.titles) == (who == person)
            assert len(seen) == 6 + titles + undated and undated in (0, 1), seen
            assert not any("FROM actors WHERE actors.id IN" in " ".join(q.split()) for q in seen), seen
            assert not any(" ".join(q.split()).startswith(("SELECT conflicts.", "SELECT actor_aliases."))
                           for q in seen), seen


def test_the_counter_sees_a_listing_that_grows(engine):
    """The statement counter is not blind: an N+1 read (one query per event) grows with the rows."""
    _fill(engine, 5)

    def per_event(s):
        for e in repo.list_events(s):
            actors.get_actor(s, e.roles[0].actor.id)

    with session_scope(engine) as s:
        with _statements(engine) as few:
            per_event(s)
    _fill(engine, 5, first=5)
    with session_scope(engine) as s:
        with _statements(engine) as more:
            per_event(s)
    assert len(more) > len(few)


def test_the_network_counted_in_sql_equals_the_one_counted_over_the_events(engine):
    from ctrack.service.network import who_met_whom

    _fill(engine, 24)
    with session_scope(engine) as s:
        for country, kinds in ((None, None), ("TJK", None), ("KAZ", {ActorKind.PERSON, ActorKind.UN_ENTITY})):
            sql = reports.network(s, EventFilters(country=country), max_nodes=8, kinds=kinds)
            python = who_met_whom(repo.list_events(s, country=country), max_nodes=8, kinds=kinds)
            for edge in python.edges:  # the SQL read lists an edge's events by id, the other in date order
                edge.event_ids.sort()
            assert sql.model_dump() == python.model_dump()
            assert sql.edges and sql.events == len(repo.list_events(s, country=country))


def test_a_capped_network_is_drawn_from_the_latest_events_and_counts_them_all(engine):
    from ctrack.service.network import who_met_whom

    _fill(engine, 24)
    with session_scope(engine) as s:
        every = repo.list_events(s, country="TJK")
        latest = sorted((e for e in every if e.start), key=lambda e: (e.start, e.id))[-5:]
        capped = reports.network(s, EventFilters(country="TJK"), max_nodes=8, max_events=5)
        python = who_met_whom(latest, max_nodes=8)
        for edge in python.edges:
            edge.event_ids.sort()
        assert capped.events == len(every) > capped.events_drawn == 5
        assert capped.nodes == python.nodes and capped.edges == python.edges


def test_a_capped_briefing_counts_every_event_in_scope(engine):
    _fill(engine, 24)
    with session_scope(engine) as s:
        whole = repo.briefing(s, country="TJK")
        capped = reports.briefing(s, country="TJK", max_events=5)
        assert capped.events_total == whole.events_total == len(whole.events) > 5
        latest = sorted((e for e in whole.events if e.start), key=lambda e: (e.start, e.id))[-5:]
        assert [e.id for e in capped.events] == [e.id for e in latest]
        assert capped.by_type == whole.by_type and capped.by_state == whole.by_state


def test_a_dense_timeline_walks_the_date_index_and_gives_the_same_pages(engine, monkeypatch):
    """An actor in many events reads its page by testing events in date order (repo.DENSE); the pages,
    cursors included, are those of the id-set read. (The events' own reads, as in a transaction with queued
    changes: with the aggregates fresh, a range of their index is read instead.)"""
    from ctrack.store import aggregates

    _fill(engine, 30)
    monkeypatch.setattr(aggregates, "fresh", lambda _conn: False)

    def pages(s, actor_id: int) -> list:
        out, after = [], None
        while True:
            t = actors.timeline(s, actor_id, PageParams(limit=4, after=after))
            out.append(([e.event.id for e in t.entries], t.total))
            after = t.next_cursor
            if after is None:
                return out

    with session_scope(engine) as s:
        who = [actors.find_actor(s, name).id for name in ("CTED", "Tajikistan", "Amir Person003")]
        monkeypatch.setattr(repo, "DENSE", 0)  # never dense: the id set
        sparse = [pages(s, a) for a in who]
        monkeypatch.setattr(repo, "DENSE", 10 ** 9)  # always dense: the walk
        dense = [pages(s, a) for a in who]
    assert dense == sparse and len(sparse[0]) > 3 and sparse[1][0][1] > 4


def test_a_state_page_lists_its_latest_engagements_and_counts_all(engine, monkeypatch):
    """The state page lists the latest :data:`reports.STATE_PAGE_EVENTS` engagements (in date order, as the
    briefing lists its events) while its total and counts by type cover every event of the state."""
    _fill(engine, 30)
    monkeypatch.setattr(reports, "STATE_PAGE_EVENTS", 4)
    with session_scope(engine) as s:
        page = reports.state_page(s, "TJK")
        full = reports.briefing(s, country="TJK")  # the pack's 250 latest: every one here
    assert [e.id for e in page.briefing.events] == [e.id for e in full.events if e.start][-4:]
    assert page.briefing.events_total == full.events_total == len(full.events) > 10
    assert page.briefing.by_type == full.by_type


def test_a_state_pages_visits_keep_their_roles_and_skip_their_sources_reads(engine):
    """The state page's assessment visits are the events of the event list (ids, dates, roles in order) without
    their sources and conflicts, which the page does not show: one statement fewer than reading them whole (the
    sources; the conflicts are read only for events that have some, none here)."""
    from ctrack.schema import EventType

    with session_scope(engine) as s:  # 24 documents, every third event an assessment visit
        for i in range(24):
            doc, record = _record(i)
            if i % 3 == 0:
                record.events[0] = record.events[0].model_copy(update={"type": EventType.ASSESSMENT_VISIT})
            repo.save_document(s, doc, record)
    with session_scope(engine) as s:
        visits = reports.state_visits(s, "TJK")
        whole = repo.list_events(s, country="TJK", type=EventType.ASSESSMENT_VISIT)
        assert visits and [v.id for v in visits] == [e.id for e in whole]
        for v, e in zip(visits, whole):
            assert v.model_dump(exclude={"sources", "conflicts"}) == e.model_dump(exclude={"sources", "conflicts"})
            assert v.sources == [] and e.sources
        ids = [v.id for v in visits]
        with _statements(engine) as lean:
            repo.events_by_ids(s, ids, sources=False)
        with _statements(engine) as full:
            assert [e.sources for e in repo.events_by_ids(s, ids)] == [e.sources for e in whole]
    assert len(full) - len(lean) == 1 and not any("event_sources" in q or "conflicts" in q for q in lean)


def test_a_member_states_timeline_from_the_aggregates_equals_the_one_from_the_events(engine, monkeypatch):
    """A member state's timeline pages are read from the aggregates' index of its engagements; its pages
    (by cursor and by offset, undated events last), cursors and total equal those of the events' own SQL
    (the aggregates switched off), and every page of one state takes the same statements."""
    from ctrack.store import aggregates

    _fill(engine, 30)

    def pages(s, actor_id: int) -> list:
        out, after = [], None
        while True:
            t = actors.timeline(s, actor_id, PageParams(limit=4, after=after))
            out.append(([e.event.id for e in t.entries], t.total, t.next_cursor))
            after = t.next_cursor
            if after is None:
                break
        for offset in (0, 5, 13, 14, 20):
            t = actors.timeline(s, actor_id, PageParams(limit=4, offset=offset))
            out.append(([e.event.id for e in t.entries], t.total, t.next_cursor))
        return out

    with session_scope(engine) as s:
        tjk = actors.find_actor(s, "Tajikistan").id
        assert aggregates.fresh(s)
        with _statements(engine) as first:
            actors.timeline(s, tjk, PageParams(limit=4))
        deep = actors.timeline(s, tjk, PageParams(limit=12)).next_cursor
        with _statements(engine) as last:
            actors.timeline(s, tjk, PageParams(limit=4, after=deep))
        # a constant number of statements however deep: the deep page may run from the dated engagements into the
        # undated ones, which the keyset reads in one more statement (start IS NULL, after the dated range)
        assert any("agg_event_states" in q for q in first)
        assert len(first) <= len(last) <= len(first) + 1
        kept = pages(s, tjk)
        monkeypatch.setattr(aggregates, "fresh", lambda conn: False)
        counted = pages(s, tjk)
        every = [e.id for e in repo.list_events(s, country="TJK")]
    assert kept == counted
    assert kept[0][1] == len(every) > 10 and [i for ids, *_ in kept[:4] for i in ids] == every
    assert any(len(ids) < 4 for ids, *_ in kept)  # the undated tail reached


def _recount(timeline, actor_id: int, n: int | None, top: int = 20) -> tuple[list, list, int]:
    """Roles held and counterparts recounted in Python from the latest ``n`` entries of a whole timeline
    (by start, undated last; None: all)."""
    from collections import Counter

    entries = timeline.entries
    dated = sorted((e for e in entries if e.event.start), key=lambda e: (e.event.start, e.event.id), reverse=True)
    undated = sorted((e for e in entries if not e.event.start), key=lambda e: e.event.id, reverse=True)
    latest = (dated + undated)[:n] if n is not None else entries
    roles = Counter(r for e in latest for r in e.roles)
    names, shared = {}, Counter()
    for e in latest:
        for r in e.counterparts:
            names[r.actor.id] = r.actor.name
        shared.update({r.actor.id for r in e.counterparts})
    return (sorted(roles.items(), key=lambda x: (-x[1], x[0].value)),
            sorted(shared.items(), key=lambda x: (-x[1], names[x[0]]))[:top], len(latest))


def test_an_actor_pages_counts_are_over_its_latest_events_and_equal_a_recount(engine, monkeypatch):
    """An actor's page counts the roles held and the counterparts over the latest ACTOR_PAGE_EVENTS events
    of its timeline (a member state's engagements too), says how many of how many; the figures equal a
    recount over those timeline entries, and over every entry when the actor has fewer events."""
    _fill(engine, 30)
    with session_scope(engine) as s:
        who = [actors.find_actor(s, name).id for name in ("CTED", "Tajikistan", "Amir Person003")]
        for cap in (5, actors.ACTOR_PAGE_EVENTS):
            monkeypatch.setattr(actors, "ACTOR_PAGE_EVENTS", cap)
            for actor_id in who:
                page = actors.actor_page(s, actor_id, PageParams(limit=3))
                whole = repo.actor_timeline(s, actor_id)
                roles, shared, counted = _recount(whole, actor_id, cap)
                assert page.role_events == page.timeline.total == whole.total
                assert page.counted_events == counted == min(cap, whole.total)
                assert [(r, c) for r, c in page.roles] == roles
                assert [(a.id, c) for a, c in page.counterparts] == shared
        # cut: fewer events counted than the actor has
        monkeypatch.setattr(actors, "ACTOR_PAGE_EVENTS", 5)
        cted = actors.actor_page(s, who[0])
        assert cted.counted_events == 5 < cted.role_events
        assert sum(c for _r, c in cted.roles) == 5  # CTED organizes each event once


def test_a_drawn_network_leaves_out_a_rejected_actor(engine):
    """The drawn network reads its actors apart from the roles: a rejected actor is no node and no link,
    and the rest is unchanged."""
    from sqlalchemy import select

    from ctrack.store.models import DbActor, ReviewState

    _fill(engine, 12)
    with session_scope(engine) as s:
        before = reports.network(s, EventFilters(country="TJK"))
        cted = actors.find_actor(s, "CTED").id
        assert cted in {n.id for n in before.nodes}
        s.scalars(select(DbActor).where(DbActor.id == cted)).one().review_state = ReviewState.REJECTED
    with session_scope(engine) as s:
        after = reports.network(s, EventFilters(country="TJK"))
    assert cted not in {n.id for n in after.nodes} | {e.source for e in after.edges} | {e.target for e in after.edges}
    kept = [(e.source, e.target, e.weight) for e in before.edges if cted not in (e.source, e.target)]
    assert [(e.source, e.target, e.weight) for e in after.edges] == kept and after.events == before.events
