"""A date range in date order is read per span tier (repo._overlap_page): a member state's events from
``agg_event_states``, every event from ``events``; the pages equal the plain filter's events (dates at
day, month and year precision, multi-day events across the range's edges, events as long as each tier's
bound and one day longer, undated events left out), keyset and offset pages alike, either order; a
change of an event's end moves it in or out of the state's range; the count stops past a cap."""
from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import event, select, text, update

from ctrack.resolve import dates
from ctrack.schema import Actor, ActorKind, DocumentInfo, Event, EventType, Record, Role, RoleType
from ctrack.service import events
from ctrack.service.events import EventFilters
from ctrack.service.paging import PageParams
from ctrack.store import repo
from ctrack.store.db import alembic_config, session_scope
from ctrack.store.models import SPAN_TIERS, DbEvent, span_tier, span_tier_sql
from ctrack.store.testing import make_document

LO = dt.date(2019, 3, 10)


def _spans() -> list[tuple[str | None, str | None]]:
    """(start, end) of the events: around the range [2019-03-10, 2019-04-20] edges, each tier's longest span
    and one day more, ending the day before the range or on its first day, at every precision."""
    out: list[tuple[str | None, str | None]] = [
        ("2019", None), ("2018", None), ("2020", None), ("2019-03", None), ("2019-02", None), ("2019-04", None),
        ("2019-05", None), ("2019-03-10", None), ("2019-03-09", None), ("2019-04-20", None), ("2019-04-21", None),
        ("2019-03-08", "2019-03-10"), ("2019-03-05", "2019-03-09"), ("2019-04-19", "2019-04-25"),
        ("2018-06", "2019-03"), ("2005-03", "2020-11"), ("2010", "2019-02"), (None, None), (None, None),
        ("2019-03-01", "2019-03-31"), ("2019-02", "2019-03"),
    ]
    for days in SPAN_TIERS:
        for extra in (0, 1):
            for last in (LO, LO - dt.timedelta(days=1)):  # ends on the range's first day, or the day before
                first = last - dt.timedelta(days=days + extra)
                out.append((first.isoformat(), last.isoformat()))
    return out


def _fill(engine) -> None:
    """One event per span (twice over), engaging Tajikistan or Kazakhstan through a person acting for it (a
    third held there as well). Stored with dates years apart (so that no two reports merge), then given their
    spans by an update, as a reviewer's correction writes them (the aggregates recount them at the commit)."""
    spans = _spans() * 2
    with session_scope(engine) as s:
        for i in range(len(spans)):
            iso, state = ("TJK", "Tajikistan") if i % 2 else ("KAZ", "Kazakhstan")
            record = Record(document=DocumentInfo(id=f"r{i}"), actors=[
                Actor(id="a1", kind=ActorKind.MEMBER_STATE, name=state, iso3=iso),
                Actor(id="a2", kind=ActorKind.PERSON, name=f"Amir Person{i:03d}", title="Minister", affiliation="a1")],
                events=[Event(id="e1", type=[EventType.MEETING, EventType.WORKSHOP][i % 2], name=f"Event {i}",
                              start=str(1850 + 3 * i), country=iso if i % 3 == 0 else None,
                              roles=[Role(actor="a2", role=RoleType.PARTICIPANT)])])
            repo.save_document(s, make_document(f"r{i}", f"Document {i}: Minister Person{i} of {state}.",
                                                published=dt.date(2024, 1, 1)), record)
    with session_scope(engine) as s:
        rows = s.scalars(select(DbEvent).order_by(DbEvent.start)).all()
        assert len(rows) == len(spans)
        for row, (start, end) in zip(rows, spans):
            row.start, row.end = start, end


def _want(s, country, since, until, descending=False, type=None) -> list[int]:
    """The plain filter: every event (list_events) whose day interval meets [since, until], in date order."""
    lo = dates.to_bound(since, upper=False)
    hi = dates.to_bound(until, upper=True) if until else dt.date.max
    rows = [e for e in repo.list_events(s, country=country, type=type)
            if (span := dates.interval(e.start, e.end)) and span[1] >= lo and span[0] <= hi]
    return [e.id for e in sorted(rows, key=lambda e: (e.start, e.id), reverse=descending)]


def _walk(s, f: EventFilters, sort: str | None, limit: int) -> tuple[list[int], list[int], int]:
    by_cursor, after = [], None
    while True:
        page = events.list_events(s, f, sort, PageParams(limit=limit, after=after))
        by_cursor += [e.id for e in page.items]
        after = page.next_cursor
        if after is None:
            break
    by_offset, offset = [], 0
    while True:
        page = events.list_events(s, f, sort, PageParams(limit=limit, offset=offset))
        by_offset += [e.id for e in page.items]
        offset += limit
        if offset >= page.total:
            break
    return by_cursor, by_offset, page.total


@pytest.fixture
def statements(engine):
    seen: list[str] = []

    def log(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", log)
    yield seen
    event.remove(engine, "before_cursor_execute", log)


def test_a_range_in_date_order_equals_the_plain_filter(engine, statements):
    _fill(engine)
    ranges = (("2019-03-10", "2019-04-20"), ("2019-03", "2019-04"), ("2019", "2019"), ("2019-03-10", None),
              ("2018-12-31", "2019-01-01"), ("2005", "2006"), ("2019-03-09", "2019-03-09"))
    with session_scope(engine) as s:
        for country in ("TJK", "KAZ", None):
            for since, until in ranges:
                for sort in (None, "-start"):
                    want = _want(s, country, since, until, descending=sort == "-start")
                    statements.clear()
                    by_cursor, by_offset, total = _walk(s, EventFilters(country=country, since=since, until=until),
                                                        sort, limit=3)
                    assert by_cursor == by_offset == want and total == len(want), (country, since, until, sort)
                    # read per tier: the state's rows of agg_event_states, or the events' tier index
                    table = "agg_event_states" if country else "events.span_tier"
                    assert any(table in st for st in statements), (country, since, until)
                assert want or (since, until) == ("2005", "2006") and country, (country, since, until)
        # a type filter as well
        want = _want(s, "TJK", "2019-03", "2019-04", type=EventType.WORKSHOP)
        got = [e.id for e in events.list_events(s, EventFilters(country="TJK", since="2019-03", until="2019-04",
                                                                type=EventType.WORKSHOP),
                                                page=PageParams(limit=500)).items]
        assert got == want and want
        # the fixture's edges: each tier's longest span and one day more, ending on the range's first day
        # (in) or the day before (out); the fifteen-year programme (in)
        inside = {(e.start, e.end) for e in events.list_events(
            s, EventFilters(since=LO.isoformat(), until=LO.isoformat()), page=PageParams(limit=500)).items}
        day = dt.timedelta(days=1)
        for days in SPAN_TIERS:
            for extra in (0, 1):
                first = LO - dt.timedelta(days=days + extra)
                assert (first.isoformat(), LO.isoformat()) in inside
                assert ((first - day).isoformat(), (LO - day).isoformat()) not in inside
        assert ("2005-03", "2020-11") in inside


def test_a_change_of_an_events_end_moves_it_in_or_out_of_a_states_range(engine):
    _fill(engine)
    f = EventFilters(country="TJK", since="2019-06", until="2019-06")
    with session_scope(engine) as s:
        before = [e.id for e in events.list_events(s, f, page=PageParams(limit=500)).items]
        moved = s.get(DbEvent, next(e.id for e in repo.list_events(s, country="TJK") if e.start == "2019-05"))
        assert moved is not None and moved.id not in before
        moved.end = "2019-06-02"
    with session_scope(engine) as s:
        after = [e.id for e in events.list_events(s, f, page=PageParams(limit=500)).items]
        assert moved.id in after and after == _want(s, "TJK", "2019-06", "2019-06")
        s.get(DbEvent, moved.id).end = None
    with session_scope(engine) as s:
        assert [e.id for e in events.list_events(s, f, page=PageParams(limit=500)).items] == before


def test_the_count_of_a_range_stops_past_the_cap(engine, monkeypatch):
    _fill(engine)
    monkeypatch.setattr(repo, "EVENT_COUNT_CAP", 5)
    with session_scope(engine) as s:
        for country in ("TJK", None):
            want = _want(s, country, "2019", "2019")
            assert len(want) > 6
            page = events.list_events(s, EventFilters(country=country, since="2019", until="2019"),
                                      page=PageParams(limit=3))
            assert (page.total, page.total_exact) == (5, False)
            assert [e.id for e in page.items] == want[:3]
            few = events.list_events(s, EventFilters(country=country, since="2019-03-09", until="2019-03-09"),
                                     page=PageParams(limit=3))
            if len(_want(s, country, "2019-03-09", "2019-03-09")) <= 5:
                assert few.total_exact and few.total == len(_want(s, country, "2019-03-09", "2019-03-09"))
        # the whole list is counted exactly (from the aggregates' table totals)
        page = events.list_events(s, page=PageParams(limit=3))
        assert page.total_exact and page.total == len(repo.list_events(s))


def test_span_tier_in_python_and_sql_agree(engine):
    with engine.connect() as conn:
        for days in (0, 1, 6, 7, 8, 30, 31, 32, 365, 366, 367, 5000, None):
            sql = conn.execute(text(f"SELECT {span_tier_sql('CAST(:d AS INTEGER)')}"), {"d": days}).scalar()
            assert sql == span_tier(days), days


def test_the_migration_fills_the_span_tiers_of_stored_events(db_url, engine):
    _fill(engine)
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "0012_aggregates")
    command.upgrade(cfg, "head")
    with session_scope(engine) as s:
        rows = s.execute(select(DbEvent.id, DbEvent.span_days, DbEvent.span_tier, DbEvent.end_day)).all()
        assert rows and all(tier == span_tier(days) for _, days, tier, _ in rows)
        ends = {i: (end, tier) for i, _, tier, end in rows}
        agg = s.execute(text("SELECT event_id, end_day, span_tier FROM agg_event_states")).all()
        assert agg and all((dt.date.fromisoformat(str(end)[:10]) if end else None, tier) == ends[i]
                           for i, end, tier in agg)
    with session_scope(engine) as s:  # and the tier pages still equal the plain filter
        by_cursor, by_offset, total = _walk(s, EventFilters(country="TJK", since="2019-03", until="2019-04"), None, 4)
        assert by_cursor == by_offset == _want(s, "TJK", "2019-03", "2019-04")


def test_an_update_of_the_day_columns_only_queues_nothing(engine):
    """span_tier is written with start/end (the ORM listener); a bulk fill of it alone queues no recount."""
    _fill(engine)
    with session_scope(engine) as s:
        s.execute(update(DbEvent).values(span_tier=DbEvent.span_tier))
        assert s.execute(text("SELECT count(*) FROM agg_dirty")).scalar() == 0
