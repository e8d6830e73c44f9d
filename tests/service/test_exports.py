"""Exports: every format is loaded back by its own library and holds the events ``ctrack events`` lists,
with sources and web links; exports are audited, stream, and defuse spreadsheet formulas."""
from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import select

from ctrack.errors import NotFound
from ctrack.service import exports
from ctrack.service.exports import Filters
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbEvent
from ctrack.store.testing import DEV_GOLD, gold_document, gold_record
from ctrack.store.track_models import DbAuditEntry

DOCS = sorted(p.stem for p in DEV_GOLD.glob("*.json"))
BASE = "https://ctrack.example.org"


@pytest.fixture
def kb(engine):
    for doc_id in DOCS:
        with session_scope(engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    return engine


def _run(engine, fmt, path, filters=None, **kw):
    with session_scope(engine) as s:
        return exports.export(s, fmt, path, filters or Filters(country="TJK"), user="amina", base=BASE, **kw)


def _expected(engine, **filters):
    with session_scope(engine) as s:
        return repo.list_events(s, **filters)


def test_csv_holds_the_events_of_ctrack_events_with_sources_and_links(kb, tmp_path):
    expected = _expected(kb, country="TJK")
    assert expected
    res = _run(kb, "csv", tmp_path / "tjk.csv")
    with open(tmp_path / "tjk.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["id"]) for r in rows] == [e.id for e in expected] or \
        sorted(int(r["id"]) for r in rows) == sorted(e.id for e in expected)
    assert res.rows == res.events == len(expected)
    by_id = {e.id: e for e in expected}
    for r in rows:
        ev = by_id[int(r["id"])]
        assert r["url"] == f"{BASE}/events/{ev.id}"
        assert r["sources"].split("; ") == [s.doc_key for s in ev.sources]
        assert r["source_urls"].split("; ") == [f"{BASE}/documents/{s.document_id}" for s in ev.sources]
        for role, actors in ev.roles_by_type().items():  # roles flattened, one column per role
            assert r[role.value].split("; ") == [a.label for a in actors]


def test_csv_tables_roles_actors_sources(kb, tmp_path):
    expected = _expected(kb, country="TJK")
    for table in ("roles", "actors", "sources"):
        _run(kb, "csv", tmp_path / f"{table}.csv", table=table)
    with open(tmp_path / "roles.csv", newline="", encoding="utf-8") as fh:
        roles = list(csv.DictReader(fh))
    assert len(roles) == sum(len(e.roles) for e in expected)
    with open(tmp_path / "actors.csv", newline="", encoding="utf-8") as fh:
        actors = list(csv.DictReader(fh))
    assert {int(a["id"]) for a in actors} == {r.actor.id for e in expected for r in e.roles}
    assert all(a["url"] == f"{BASE}/actors/{a['id']}" for a in actors)
    with open(tmp_path / "sources.csv", newline="", encoding="utf-8") as fh:
        sources = list(csv.DictReader(fh))
    assert {s["doc_key"] for s in sources} == {s.doc_key for e in expected for s in e.sources}


def test_xlsx_has_four_sheets_that_openpyxl_reads(kb, tmp_path):
    import openpyxl

    expected = _expected(kb, country="TJK")
    _run(kb, "xlsx", tmp_path / "tjk.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "tjk.xlsx", read_only=True)
    assert wb.sheetnames == ["events", "roles", "actors", "sources"]
    events = list(wb["events"].iter_rows(values_only=True))
    assert list(events[0]) == exports.EVENT_COLUMNS
    assert sorted(r[0] for r in events[1:]) == sorted(e.id for e in expected)
    assert len(list(wb["roles"].iter_rows(values_only=True))) - 1 == sum(len(e.roles) for e in expected)
    wb.close()


def test_cells_that_look_like_formulas_are_defused(kb, tmp_path):
    import openpyxl

    with session_scope(kb) as s:
        ev = s.scalars(select(DbEvent).where(DbEvent.country == "TJK").order_by(DbEvent.id)).first()
        ev.name = '=HYPERLINK("http://evil.example","click")'
        target = ev.id
    _run(kb, "csv", tmp_path / "x.csv")
    _run(kb, "xlsx", tmp_path / "x.xlsx")
    with open(tmp_path / "x.csv", newline="", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if int(r["id"]) == target)
    assert row["name"] == "'" + '=HYPERLINK("http://evil.example","click")'
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    ws = wb["events"]
    cell = next(r for r in ws.iter_rows() if r[0].value == target)[3]
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert exports.safe_cell("-1+2") == "'-1+2" and exports.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert exports.safe_cell("\tx") == "'\tx" and exports.safe_cell("Tajikistan") == "Tajikistan"
    assert exports.safe_cell(3) == 3 and exports.safe_cell(None) == ""


def test_jsonl_one_event_per_line(kb, tmp_path):
    expected = _expected(kb, region="Central Asia", since="2018")
    _run(kb, "jsonl", tmp_path / "ca.jsonl", Filters(region="Central Asia", since="2018"))
    lines = [json.loads(x) for x in (tmp_path / "ca.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(x["id"] for x in lines) == sorted(e.id for e in expected)
    assert all(x["url"].startswith(f"{BASE}/events/") and x["sources"] for x in lines)
    assert all(s["url"].startswith(f"{BASE}/documents/") for x in lines for s in x["sources"])


def test_ics_loads_with_icalendar_and_marks_planned_events_tentative(kb, tmp_path):
    from icalendar import Calendar

    expected = [e for e in _expected(kb) if e.start]
    res = _run(kb, "ics", tmp_path / "all.ics", Filters())
    cal = Calendar.from_ical((tmp_path / "all.ics").read_bytes())
    vevents = cal.walk("VEVENT")
    assert len(vevents) == len(expected) == res.events
    by_uid = {str(v["UID"]).split("@")[0]: v for v in vevents}
    planned = [e for e in expected if e.status.value == "planned"]
    assert planned, "the dev corpus has planned events"
    for ev in expected:
        v = by_uid[f"event-{ev.id}"]
        assert str(v["STATUS"]) == ("TENTATIVE" if ev in planned else "CONFIRMED")
        assert str(v["URL"]) == f"{BASE}/events/{ev.id}"
        if ev.venue:
            assert str(v["LOCATION"]) == ev.venue
        assert v.decoded("DTSTART").isoformat()[:len(ev.start)] == ev.start[:10]
        for s in ev.sources:
            assert f"{BASE}/documents/{s.document_id}" in str(v["DESCRIPTION"])
    assert res.extra["undated_left_out"] == len(_expected(kb)) - len(expected)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_loads_with_networkx(kb, tmp_path, fmt):
    import networkx as nx

    expected = _expected(kb, country="TJK")
    _run(kb, fmt, tmp_path / f"n.{fmt}")
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(tmp_path / f"n.{fmt}")
    actors = {r.actor.id for e in expected for r in e.roles}
    assert {int(n) for n in g.nodes} == actors
    types = {d["relation"] for _, _, d in g.edges(data=True)}
    assert types == {"met", "co_attended"}
    for _, _, d in g.edges(data=True):
        assert int(d["weight"]) == int(d["meetings"]) + int(d["co_attendance"]) == len(str(d["events"]).split())
        assert (d["relation"] == "met") == (int(d["meetings"]) > 0)
    # a meeting of two actors is a "met" edge between them
    meeting = next(e for e in expected if e.type.value == "meeting" and len(e.roles) >= 2)
    a, b = meeting.roles[0].actor.id, meeting.roles[1].actor.id
    assert g.edges[str(a), str(b)]["relation"] == "met"


def test_ftm_entities_validate_and_reference_each_other(kb, tmp_path):
    from followthemoney import model

    expected = _expected(kb, country="TJK")
    _run(kb, "ftm", tmp_path / "tjk.ftm.json")
    entities = [json.loads(x) for x in (tmp_path / "tjk.ftm.json").read_text(encoding="utf-8").splitlines()]
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    schemata = {e["schema"] for e in entities}
    assert {"Event", "Person", "Organization", "PublicBody", "Document", "Documentation", "UnknownLink",
            "Position", "Occupancy"} <= schemata
    for data in entities:
        proxy = model.get_proxy(data)  # raises for an unknown schema or property
        assert proxy.schema.validate(data) is None, data
        for prop in proxy.schema.properties.values():
            if prop.type.name == "entity":  # every reference points at an entity of the export
                assert set(proxy.get(prop)) <= ids, (data["id"], prop.name)
    events = {e["id"]: e for e in entities if e["schema"] == "Event"}
    assert set(events) == {f"ctrack-event-{e.id}" for e in expected}
    # ctrack's finer roles are kept: one UnknownLink per (actor, role)
    links = [e for e in entities if e["schema"] == "UnknownLink"]
    assert len(links) == sum(len(e.roles) for e in expected)
    assert {x["properties"]["role"][0] for x in links} <= {"organizer", "funder", "supporter", "participant",
                                                            "speaker", "chair", "subject"}
    docs = [e for e in entities if e["schema"] == "Documentation"]
    assert len(docs) == sum(len(e.sources) for e in expected)


def test_export_is_audited_and_unknown_scope_leaves_no_file(kb, tmp_path):
    out = tmp_path / "out"
    res = _run(kb, "jsonl", out / "a.jsonl")
    with session_scope(kb) as s:
        entry = s.get(DbAuditEntry, res.audit_id)
        assert entry.user == "amina" and entry.after["format"] == "jsonl"
        assert entry.after["rows"] == res.rows and entry.after["path"] == res.path
        assert sorted(entry.after["records"]) == sorted(e.id for e in _expected(kb, country="TJK"))
        assert "country=TJK" in entry.comment
    with pytest.raises(NotFound):
        _run(kb, "csv", out / "b.csv", Filters(country="Atlantis"))
    with pytest.raises(exports.ExportError):
        _run(kb, "pdf", out / "c.pdf")
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl"]


def test_export_streams_in_chunks(kb, tmp_path, monkeypatch):
    from ctrack.store import stream

    loads = []
    real = repo._load_events

    def counting(session, where, reviewed_only=False):
        out = real(session, where, reviewed_only)
        loads.append(len(out))
        return out

    monkeypatch.setattr(repo, "_load_events", counting)
    res = _run(kb, "jsonl", tmp_path / "all.jsonl", Filters())
    assert res.events == len(_expected(kb)) > 10
    loads.clear()
    monkeypatch.setattr(stream, "CHUNK", 7)
    with session_scope(kb) as s:
        n = sum(1 for _ in stream.iter_events(s, chunk=7))
    assert n == res.events and max(loads) <= 7 and len(loads) >= n // 7


def test_api_export_downloads_the_file_and_pages_link_to_it(db_url):
    import openpyxl
    from io import BytesIO

    from ctrack.web.testing import make_api

    api = make_api(db_url, seed=False)
    for doc_id in DOCS:
        with session_scope(api.app.state.engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    expected = _expected(api.app.state.engine, country="TJK", type="meeting")
    r = api.get("/api/v1/export", params={"format": "xlsx", "country": "TJK", "type": "meeting"})
    assert r.status_code == 200, r.text
    assert 'filename="ctrack-events-TJK-meeting.xlsx"' in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(BytesIO(r.content), read_only=True)
    rows = list(wb["events"].iter_rows(values_only=True))[1:]
    assert sorted(x[0] for x in rows) == sorted(e.id for e in expected)
    assert all(x[1].startswith("http://testserver/events/") for x in rows)  # links to this server
    r = api.get("/api/v1/export", params={"format": "csv", "country": "TJK", "table": "actors"})
    assert r.status_code == 200 and r.text.startswith("id,url,kind,name")
    assert api.get("/api/v1/export", params={"format": "pdf"}).status_code == 422
    assert api.get("/api/v1/export", params={"format": "csv", "country": "Atlantis"}).status_code == 404
    assert api.get("/api/v1/export", params={"format": "csv"}, role=None).status_code == 401
    with session_scope(api.app.state.engine) as s:
        entries = s.scalars(select(DbAuditEntry).where(DbAuditEntry.user == "viewer")).all()
        assert [e.after["format"] for e in entries if e.after and "format" in e.after] == ["xlsx", "csv"]
    page = api.get("/events", params={"country": "TJK", "type": "meeting"}).text
    assert 'href="/api/v1/export?format=ics&amp;country=TJK&amp;type=meeting"' in page
