"""One count of "engagements of state X" everywhere: ``ctrack show``, ``ctrack events``, the member-state
list and page, the report and the HTTP API agree; past planned events are "announced, not confirmed"."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from ctrack.web.testing import make_api
from ctrack.cli import app
from ctrack.report import write_briefing
from ctrack.schema import EventStatus, EventType
from ctrack.service import engagements
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.testing import DEV_GOLD, gold_document, gold_record
from ctrack.store.views import EventRow

DOCS = sorted(p.stem for p in DEV_GOLD.glob("*.json"))


@pytest.fixture
def served(db_url):
    api = make_api(db_url, seed=False)
    for doc_id in DOCS:
        with session_scope(api.app.state.engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    return api, db_url


def test_every_face_counts_the_same_engagements(served, tmp_path):
    api, url = served
    engine = api.app.state.engine
    with session_scope(engine) as s:
        counts = engagements.engagement_counts(s)
        for iso, n in counts.items():  # the aggregate agrees with the list, state by state
            assert len(engagements.engagements(s, iso)) == n == engagements.engagement_count(s, iso), iso
        tjk = engagements.engagements(s, "TJK")
    n = counts["TJK"]
    assert n == len(tjk) > 7  # more than the events in its own name: its people, bodies and venue count
    runner = CliRunner()
    shown = runner.invoke(app, ["show", "TJK", "--db", url, "--json"])
    assert shown.exit_code == 0, shown.output
    assert sorted(e["event"]["id"] for e in json.loads(shown.output)["entries"]) == sorted(e.id for e in tjk)
    listed = runner.invoke(app, ["events", "--country", "TJK", "--db", url, "--json"])
    assert len(json.loads(listed.output)) == n
    text = runner.invoke(app, ["show", "TJK", "--db", url]).output
    assert f"{n} engagements" in text
    pack = write_briefing(engine, tmp_path / "tjk.html", country="TJK")
    assert len(pack.briefing.events) == pack.summary.engagements == n
    api_states = {r["iso3"]: r["engagements"] for r in api.get("/api/v1/states", params={"limit": 500}).json()["items"]}
    assert api_states["TJK"] == n and all(api_states[i] == c for i, c in counts.items() if i in api_states)
    briefing = api.get("/api/v1/reports/briefing", params={"country": "TJK"}).json()
    assert len(briefing["events"]) == n
    page = api.get("/states").text
    row = re.search(r'<a href="/states/TJK">[^<]*</a></td><td>TJK</td><td class="num">(\d+)</td>', page)
    assert row and int(row.group(1)) == n
    state = api.get("/states/TJK").text
    assert f"{n} engagements" in state


def test_past_planned_events_are_announced_not_confirmed():
    today = dt.date(2026, 1, 10)
    past = EventRow(id=1, type=EventType.WORKSHOP, start="2018-05", status=EventStatus.PLANNED)
    future = EventRow(id=2, type=EventType.WORKSHOP, start="2026-03-01", status=EventStatus.PLANNED)
    this_month = EventRow(id=3, type=EventType.WORKSHOP, start="2026-01", status=EventStatus.PLANNED)
    undated = EventRow(id=4, type=EventType.WORKSHOP, status=EventStatus.PLANNED)
    held = EventRow(id=5, type=EventType.WORKSHOP, start="2018-05", status=EventStatus.HELD)
    assert engagements.shown_status(past, today) == engagements.ANNOUNCED == "announced, not confirmed"
    assert engagements.shown_status(future, today) == "planned"
    assert engagements.shown_status(this_month, today) == "planned"  # its month is not over
    assert engagements.shown_status(undated, today) == "planned"
    assert engagements.shown_status(held, today) == "held"
