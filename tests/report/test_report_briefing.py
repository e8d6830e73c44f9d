"""The HTML briefing: events with their sources, counts, the timeline; self-contained and escaped."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from ctrack.errors import NotFound
from ctrack.report import render_briefing, write_briefing
from ctrack.report.briefing import build_timeline
from ctrack.schema import EventType
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.testing import gold_document, gold_record
from ctrack.store.views import Briefing, EventRow

DOCS = ["seed-000", "dev-011", "dev-015", "dev-016", "dev-006"]


@pytest.fixture
def kb(engine):
    for doc_id in DOCS:
        with session_scope(engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    return engine


def test_country_briefing_lists_events_with_their_sources(kb, tmp_path):
    out = tmp_path / "reports" / "tjk.html"
    data = write_briefing(kb, out, country="TJK")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Tajikistan (TJK)" in html
    # every event in scope is a row with an anchor, and every row names its source documents
    rows = re.findall(r'<tr id="ev-(\d+)">(.*?)</tr>', html, flags=re.S)
    assert sorted(int(i) for i, _ in rows) == sorted(e.id for e in data.events)
    by_id = {e.id: e for e in data.events}
    for event_id, row in rows:
        for src in by_id[int(event_id)].sources:
            assert f"<code>{src.doc_key}</code>" in row
    assert "High-level international conference on Countering terrorism" in html
    assert "Joint high-level consultations of UN counter-terrorism bodies in Tajikistan" in html
    assert "2024-09-13" in html  # dev-016's publication date next to its title
    # counts by type and by member state
    assert sum(data.by_type.values()) == len(data.events)
    assert data.by_state[0].iso3 == "TJK"
    assert "Events by member state" in html and "Events by type" in html


def test_briefing_is_self_contained(kb, tmp_path):
    out = tmp_path / "all.html"
    write_briefing(kb, out)
    html = out.read_text(encoding="utf-8")
    assert "<style>" in html and "<svg" in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)  # no external asset
    assert "<script" not in html and "<link" not in html


def test_region_briefing_lists_members_without_events(kb, tmp_path):
    data = write_briefing(kb, tmp_path / "ca.html", region="Central Asia")
    assert set(data.members) == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert {s.iso3 for s in data.by_state if s.member} == set(data.members)


def test_unknown_scope_raises(kb, tmp_path):
    with pytest.raises(NotFound):
        write_briefing(kb, tmp_path / "x.html", country="Atlantis")
    assert not (tmp_path / "x.html").exists()


def test_text_is_escaped():
    ev = EventRow(id=1, type=EventType.MEETING, name="<script>alert(1)</script>", start="2020-01-02")
    html = render_briefing(Briefing(scope="A & B", generated_at=dt.datetime(2024, 1, 1), events=[ev],
                                    by_type={"meeting": 1}))
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "A &amp; B" in html


def test_timeline_clusters_close_events_and_skips_undated():
    evs = [EventRow(id=i, type=EventType.MEETING, start="2018-05") for i in range(1, 4)]
    evs += [EventRow(id=9, type=EventType.CONFERENCE, start="2019-02-01", end="2019-02-03"),
            EventRow(id=10, type=EventType.VISIT, start=None)]
    tl = build_timeline(evs)
    assert [lane.label for lane in tl.lanes] == ["conference", "meeting"]
    assert sorted(p.count for p in tl.points) == [1, 3]
    assert all(tl.x0 <= p.x <= tl.x1 for p in tl.points)
    assert build_timeline([EventRow(id=1, type=EventType.MEETING)]) is None
