"""``ctrack actors``, ``events``, ``show`` and ``report`` through Typer's CliRunner on a knowledge base of gold records."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ctrack.cli import app
from ctrack.store import repo
from ctrack.store.db import open_store, session_scope
from ctrack.store.testing import gold_document, gold_record

DOCS = ["seed-000", "dev-006", "dev-007", "dev-008", "dev-016"]


@pytest.fixture
def kb(db_url):
    engine = open_store(db_url)
    for doc_id in DOCS:
        with session_scope(engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    engine.dispose()
    return db_url


def run(*args):
    result = CliRunner().invoke(app, [*args], catch_exceptions=False, env={"COLUMNS": "240"})
    return result


def test_actors_table_and_json(kb):
    r = run("actors", "--db", kb)
    assert r.exit_code == 0, r.output
    assert "Counter-Terrorism Committee Executive Directorate" in r.output and "CTED" in r.output
    r = run("actors", "--kind", "person", "--json", "--db", kb)
    rows = json.loads(r.stdout)
    assert rows and {a["kind"] for a in rows} == {"person"}
    assert any(a["name"] == "Vladimir Voronkov" and a["affiliation"]["acronym"] == "UNOCT" for a in rows)


def test_events_filters(kb):
    r = run("events", "--country", "TJK", "--json", "--db", kb)
    assert r.exit_code == 0, r.output
    events = json.loads(r.stdout)
    assert events and all(e["country"] == "TJK" or any(x["actor"]["iso3"] == "TJK" for x in e["roles"])
                          or e["country"] is None for e in events)
    r = run("events", "--type", "visit", "--since", "2018-03", "--until", "2018-03-31", "--json", "--db", kb)
    visits = json.loads(r.stdout)
    assert visits and {e["type"] for e in visits} == {"visit"}
    assert {s["doc_key"] for e in visits for s in e["sources"]} <= {"dev-006", "dev-007"}
    r = run("events", "--region", "Central Asia", "--db", kb)
    assert r.exit_code == 0 and "conference" in r.output


def test_events_bad_input_is_reported(kb):
    r = run("events", "--region", "Atlantis", "--db", kb)
    assert r.exit_code == 1 and "unknown region" in r.stderr
    r = run("events", "--since", "yesterday", "--db", kb)
    assert r.exit_code == 1 and "not an ISO date" in r.stderr
    r = run("events", "--type", "party", "--db", kb)
    assert r.exit_code == 2  # Typer rejects a value outside EventType


def test_show_cted(kb):
    r = run("show", "CTED", "--db", kb)
    assert r.exit_code == 0, r.output
    assert "Counter-Terrorism Committee Executive Directorate" in r.output
    assert "seed-000" in r.output and "dev-008" in r.output
    r = run("show", "cted", "--json", "--db", kb)
    tl = json.loads(r.stdout)
    assert tl["actor"]["acronym"] == "CTED"
    starts = [e["event"]["start"] for e in tl["entries"] if e["event"]["start"]]
    assert starts == sorted(starts)
    assert any(v["actor"]["name"] == "Michèle Coninsx" for e in tl["entries"] for v in e["via"])


def test_show_by_iso3_and_unknown(kb):
    r = run("show", "TJK", "--json", "--db", kb)
    assert json.loads(r.stdout)["actor"]["name"] == "Tajikistan"
    r = run("show", "Voronkof", "--db", kb)
    assert r.exit_code == 1 and "no actor matches" in r.stderr and "Voronkov" in r.stderr


def test_report_writes_html(kb, tmp_path):
    out = tmp_path / "out" / "tjk.html"
    r = run("report", "--country", "TJK", "--out", str(out), "--db", kb)
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "Tajikistan (TJK)" in html and "seed-000" in html
    r = run("report", "--country", "TJK", "--region", "Central Asia", "--out", str(out), "--db", kb)
    assert r.exit_code == 1


def test_bad_database_url_exits_2():
    r = run("actors", "--db", "nosuchdb://x")
    assert r.exit_code == 2 and "E010" in r.stderr


def test_listings_take_n_for_limit(kb):
    """``-n`` is short for ``--limit`` on every listing, as on ``review queue`` (a new user tried ``events -n 5``)."""
    for cmd in ("events", "actors"):
        full = json.loads(run(cmd, "--json", "--db", kb).stdout)
        r = run(cmd, "-n", "2", "--json", "--db", kb)
        assert r.exit_code == 0, r.output
        assert len(full) > 2 and json.loads(r.stdout) == full[:2]
    r = run("show", "CTED", "-n", "2", "--db", kb)
    assert r.exit_code == 0, r.output
