"""The briefing pack: HTML and PDF from one template, facts and section order read back with pdftotext,
sections to choose, the figures (timeline stacking, met vs co-attended), escaping and the audit entry."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from ctrack.errors import NotFound
from ctrack.figures import TYPE_COLOURS, network_svg, timeline_svg
from ctrack.report import render_briefing, write_briefing
from ctrack.report.briefing import PackError
from ctrack.schema import ActorKind, EventStatus, EventType
from ctrack.service import engagements
from ctrack.service.briefing import Pack, Summary
from ctrack.service.network import Edge, Network, Node
from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.testing import DEV_GOLD, gold_document, gold_record
from ctrack.store.track_models import DbAuditEntry, DbRecommendation
from ctrack.store.views import Briefing, EventRow
from ctrack.track import recommendations as recs

DOCS = sorted(p.stem for p in DEV_GOLD.glob("*.json"))
ON = dt.date(2026, 1, 15)


@pytest.fixture
def kb(engine):
    for doc_id in DOCS:
        with session_scope(engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    rows = [  # state, text, TA?, due date, status
        ("TJK", "Establish a national inter-agency counter-terrorism coordination mechanism.", True,
         dt.date(2021, 12, 31), "in_progress"),
        ("TJK", "Strengthen border management along the Tajik-Afghan border with advance passenger information.",
         True, dt.date(2027, 6, 30), "not_started"),
        ("TJK", "Criminalize the financing of travel of foreign terrorist fighters.", False, dt.date(2020, 6, 30),
         "partially_implemented"),
        ("TJK", "Ratify the remaining international counter-terrorism instruments.", False, dt.date(2019, 12, 31),
         "implemented"),
        ("KGZ", "Adopt a national strategy on preventing violent extremism.", True, dt.date(2022, 1, 1), "not_started"),
    ]
    with session_scope(engine) as s:
        for state, text, ta, due, status in rows:
            rec = recs.create(s, recs.parse_input({
                "state": state, "text": text, "ta_needed": "yes" if ta else "no", "due_date": due.isoformat(),
                "status": status, "lead_institutions": "Ministry of Internal Affairs",
                "ta_description": "Training of the secretariat" if ta else ""}), user="amina", on=dt.date(2019, 1, 1))
        first = s.scalars(select(DbRecommendation).order_by(DbRecommendation.id)).first()
        act = recs.add_activity(s, title="Training of the inter-agency secretariat", user="amina",
                                recommendations=[first.id])
        recs.add_progress(s, act.id, dt.date(2024, 5, 1), 40, user="amina")
    return engine


def test_html_pack_lists_events_with_their_sources(kb, tmp_path):
    out = tmp_path / "reports" / "tjk.html"
    pack = write_briefing(kb, out, country="TJK", on=ON)
    data = pack.briefing
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Tajikistan (TJK)" in html
    rows = re.findall(r'<tr id="ev-(\d+)">(.*?)</tr>', html, flags=re.S)
    assert sorted(int(i) for i, _ in rows) == sorted(e.id for e in data.events)
    by_id = {e.id: e for e in data.events}
    for event_id, row in rows:
        for src in by_id[int(event_id)].sources:
            assert f"<code>{src.doc_key}</code>" in row
    assert "High-level international conference on Countering terrorism" in html
    assert "2024-09-13" in html  # dev-016's publication date next to its title
    assert sum(data.by_type.values()) == len(data.events)
    assert data.by_state[0].iso3 == "TJK"
    assert "Member states taking part" in html and "Events by type" in html
    # self-contained
    assert "<style>" in html and "<svg" in html
    assert not re.search(r'src="(?:https?:)?//', html)  # no external asset; links to the sources are fine
    assert 'href="http://127.0.0.1:8000/documents/' in html
    assert "<script" not in html and "<link" not in html


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_pack_facts_and_section_order(kb, tmp_path):
    out = tmp_path / "tjk.pdf"
    pack = write_briefing(kb, out, country="TJK", on=ON, user="amina")
    assert out.read_bytes()[:5] == b"%PDF-"
    text = _pdf_text(out)
    pages = text.split("\f")
    n_pages = len([p for p in pages if p.strip()])
    assert f"Page 2 of {n_pages}" in text
    # the cover: scope, date, sources counted
    assert "Briefing pack" in pages[0] and "Tajikistan (TJK)" in pages[0]
    assert "15 January 2026" in pages[0]
    assert f"{len(pack.briefing.documents)} source documents cited" in " ".join(pages[0].split())
    # the summary page: open, TA and overdue counts as the tracking rules compute them
    with session_scope(kb) as s:
        stats = recs.statistics(s, ON, country="TJK")["totals"]
        shown = engagements.engagement_count(s, "TJK")
    assert (stats["open"], stats["ta_needed"], stats["overdue"]) == (3, 2, 2)
    summary = " ".join(pages[1].split())
    assert "Summary" in summary
    assert f"{stats['open']} open recommendations" in summary
    assert f"{stats['ta_needed']} need technical assistance" in summary
    assert f"{stats['overdue']} overdue" in summary
    # engagements match `ctrack show TJK` (the one definition)
    assert pack.summary.engagements == len(pack.briefing.events) == shown
    assert f"{shown} engagements" in summary
    # sections in order, after the contents on the cover
    flat = " ".join(" ".join(p.split()) for p in pages[1:])
    order = [flat.index(h) for h in ("Summary", "Open recommendations", "Engagements", "Who met whom",
                                     "Assessment visits", "Sources")]
    assert order == sorted(order)
    # open recommendations come first, with their TA need and lead institutions; the implemented one is absent
    assert "Establish a national inter-agency counter-terrorism coordination mechanism." in flat
    assert "Training of the secretariat" in flat and "Ministry of Internal Affairs" in flat
    assert "Training of the inter-agency secretariat — 40 %" in flat and pack.summary.activities_under_way == 1
    assert "Ratify the remaining" not in flat
    assert "Adopt a national strategy" not in flat  # another state's
    # every event's source key and every source title is printed
    for d in pack.briefing.documents:
        assert d.doc_key in flat
    # the export is in the audit log
    with session_scope(kb) as s:
        entry = s.scalars(select(DbAuditEntry).order_by(DbAuditEntry.id.desc())).first()
        assert entry.user == "amina" and entry.after["path"] == str(out.resolve())
        assert sorted(entry.after["records"]) == sorted(e.id for e in pack.briefing.events)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_chosen_sections_and_a_list_of_states(kb, tmp_path):
    out = tmp_path / "two.pdf"
    pack = write_briefing(kb, out, states=["TJK", "Kyrgyzstan"], since="2018", until="2024-12", on=ON,
                          sections=["sources", "summary"])
    assert pack.briefing.members == ["TJK", "KGZ"]
    with session_scope(kb) as s:
        ids = {e.id for iso in ("TJK", "KGZ") for e in engagements.engagements(s, iso, since="2018", until="2024-12")}
    assert {e.id for e in pack.briefing.events} == ids
    assert pack.summary.open == 4  # three of TJK, one of KGZ
    flat = " ".join(_pdf_text(out).split())
    assert flat.index("Summary") < flat.index("Sources")
    assert "Open recommendations" not in flat and "Who met whom" not in flat
    with pytest.raises(PackError):
        write_briefing(kb, tmp_path / "x.pdf", country="TJK", sections=["appendix"])


def test_region_briefing_lists_members_without_events(kb, tmp_path):
    pack = write_briefing(kb, tmp_path / "ca.html", region="Central Asia", on=ON)
    assert set(pack.briefing.members) == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert {s.iso3 for s in pack.briefing.by_state if s.member} == set(pack.briefing.members)


def test_unknown_scope_raises(kb, tmp_path):
    with pytest.raises(NotFound):
        write_briefing(kb, tmp_path / "x.html", country="Atlantis")
    assert not (tmp_path / "x.html").exists()


def test_an_extension_that_is_neither_pdf_nor_html_is_refused(kb, tmp_path):
    """Found by a new-user trial: '--out x.docx' wrote HTML into a file named .docx."""
    with pytest.raises(PackError, match=r"x\.docx: a briefing is written as \.pdf or \.html, not \.docx"):
        write_briefing(kb, tmp_path / "x.docx", country="TJK")
    assert not (tmp_path / "x.docx").exists()
    assert write_briefing(kb, tmp_path / "x.docx", country="TJK", fmt="html") is not None


def _pack(events, scope="A & B") -> Pack:
    b = Briefing(scope=scope, generated_at=dt.datetime(2024, 1, 1), events=events,
                 by_type={"meeting": len(events)})
    return Pack(briefing=b, on=ON, summary=Summary(engagements=len(events)),
                status={e.id: engagements.shown_status(e, ON) for e in events})


def test_text_is_escaped():
    ev = EventRow(id=1, type=EventType.MEETING, name="<script>alert(1)</script>", start="2020-01-02")
    html = render_briefing(_pack([ev]))
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "A &amp; B" in html


def test_past_planned_event_is_announced_not_confirmed_in_the_pack():
    evs = [EventRow(id=1, type=EventType.WORKSHOP, name="Old plan", start="2018-05", status=EventStatus.PLANNED),
           EventRow(id=2, type=EventType.WORKSHOP, name="New plan", start="2026-06-01", status=EventStatus.PLANNED)]
    html = render_briefing(_pack(evs))
    row1 = re.search(r'<tr id="ev-1">(.*?)</tr>', html, flags=re.S).group(1)
    row2 = re.search(r'<tr id="ev-2">(.*?)</tr>', html, flags=re.S).group(1)
    assert "announced, not confirmed" in row1 and "planned" in row2 and "announced" not in row2


def test_timeline_stacks_a_busy_week_instead_of_one_blob():
    week = [EventRow(id=i, type=EventType.MEETING, start=f"2019-03-{10 + i % 5:02d}") for i in range(10)]
    other = [EventRow(id=20, type=EventType.CONFERENCE, start="2021-06-01", end="2021-06-03"),
             EventRow(id=21, type=EventType.VISIT)]
    svg = str(timeline_svg(week + other, links=False))
    colour = TYPE_COLOURS[EventType.MEETING]
    marks = re.findall(rf'<circle cx="([\d.]+)" cy="([\d.]+)" r="5" fill="[^"]*" stroke="{colour}"', svg)
    meeting = [(float(x), float(y)) for x, y in marks]
    placed = len(meeting) + sum(int(n) for n in re.findall(rf'fill="{colour}">\+(\d+)</text>', svg))
    assert placed == len(week)  # every meeting is a mark or counted in "+N"
    for i, (x1, y1) in enumerate(meeting):  # no two marks overlap
        for x2, y2 in meeting[i + 1:]:
            assert abs(x1 - x2) >= 10 or abs(y1 - y2) >= 10
    assert "<a " not in svg  # no links in a pack
    assert "<a href=\"/events/" in str(timeline_svg(week, links=True))


def test_network_draws_meetings_solid_and_co_attendance_dashed_with_whole_labels():
    long = "United Nations Resident Coordinator in Tajikistan"
    net = Network(nodes=[Node(id=1, label="CTED", name="CTED", kind=ActorKind.UN_ENTITY, events=3, x=0.1, y=0.5),
                         Node(id=2, label=long, name=long, kind=ActorKind.UN_ENTITY, events=1, x=1.0, y=0.5),
                         Node(id=3, label="Tajikistan", name="Tajikistan", kind=ActorKind.MEMBER_STATE, events=2,
                              x=0.5, y=0.1)],
                  edges=[Edge(source=1, target=2, weight=2, meetings=1), Edge(source=1, target=3, weight=1)])
    svg = str(network_svg(net, links=False))
    lines = re.findall(r"<line [^>]*>", svg)
    solid = [x for x in lines if "stroke-dasharray" not in x and 'x1="12"' not in x]
    dashed = [x for x in lines if "stroke-dasharray" in x and 'x1="300"' not in x]
    assert len(solid) == 1 and len(dashed) == 1
    assert "United Nations Resident" in svg and "Coordinator in Tajikistan" in svg  # broken, not cut
    # a label near the right edge is drawn on the left of its circle
    assert re.search(r'text-anchor="end">United Nations Resident', svg)


def test_api_serves_the_pack_as_pdf_and_the_state_page_links_to_it(db_url):
    from ctrack.web.testing import make_api

    api = make_api(db_url, seed=False)
    for doc_id in DOCS:
        with session_scope(api.app.state.engine) as s:
            repo.save_document(s, gold_document(doc_id), gold_record(doc_id))
    r = api.client.get("/api/v1/reports/briefing", params={"country": "TJK"},
                       headers={**api.as_("viewer"), "Accept": "application/pdf"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"
    assert 'filename="briefing-TJK.pdf"' in r.headers["content-disposition"]
    html = api.get("/api/v1/reports/briefing", params={"country": "TJK", "format": "html", "since": "2024"})
    assert html.headers["content-type"].startswith("text/html") and "Briefing pack" in html.text
    data = api.get("/api/v1/reports/briefing", params={"country": "TJK", "since": "2024"}).json()
    assert data["events"] and all(e["start"] is None or e["start"] >= "2024" for e in data["events"])
    assert api.get("/api/v1/reports/briefing", params={"country": "Atlantis", "format": "pdf"}).status_code == 404
    with session_scope(api.app.state.engine) as s:
        users = [e.user for e in s.scalars(select(DbAuditEntry)) if e.after and e.after.get("format") in ("pdf", "html")]
    assert users == ["viewer", "viewer"]
    page = api.get("/states/TJK").text
    assert 'href="/api/v1/reports/briefing?country=TJK&amp;format=pdf"' in page and "Download briefing (PDF)" in page
    region = api.get("/events", params={"region": "Central Asia"}).text
    assert "/api/v1/reports/briefing?format=pdf&amp;region=Central%20Asia" in region


def test_unreviewed_low_confidence_roles_are_marked_and_counted_in_the_pack(engine):
    """A role under UNCONFIRMED_BELOW that no reviewer confirmed is marked "(unconfirmed)" where the pack lists
    roles and counted on the cover; a confident role and a low one a reviewer confirmed are stated plainly."""
    from ctrack.schema import Record
    from ctrack.service.briefing import UNCONFIRMED_BELOW, pack_content
    from ctrack.store.models import DbActor, DbEventRole
    from ctrack.store.testing import make_document
    from ctrack.store.track_models import Entity
    from ctrack.track import review

    assert 0.2 < UNCONFIRMED_BELOW <= 0.5  # over extraction's floor (decide.VERIFY_MIN), at most even odds
    record = Record.model_validate({
        "schema": "ctrack.extraction/1",
        "document": {"id": "kgz-visit", "title": "kgz-visit", "published": "2019-03-02", "language": "en"},
        "actors": [{"id": "cted", "kind": "un_entity", "name": "Counter-Terrorism Committee Executive Directorate",
                    "acronym": "CTED"},
                   {"id": "unodc", "kind": "un_entity", "name": "United Nations Office on Drugs and Crime",
                    "acronym": "UNODC"},
                   {"id": "osce", "kind": "regional_org", "name": "Organization for Security and Co-operation in Europe",
                    "acronym": "OSCE"},
                   {"id": "KGZ", "kind": "member_state", "name": "Kyrgyzstan", "iso3": "KGZ"}],
        "events": [{"id": "v", "type": "assessment_visit", "start": "2019-02-25", "end": "2019-02-28",
                    "country": "KGZ", "status": "held", "confidence": 0.95,
                    "roles": [{"actor": "cted", "role": "organizer", "confidence": 0.93},
                              {"actor": "KGZ", "role": "subject", "confidence": 0.97},
                              {"actor": "unodc", "role": "funder", "confidence": 0.31},
                              {"actor": "osce", "role": "participant", "confidence": 0.24}]}]})
    with session_scope(engine) as s:
        repo.save_document(s, make_document("kgz-visit", "text of kgz-visit", dt.date(2019, 3, 2)), record)
    with session_scope(engine) as s:
        osce_role = s.scalar(select(DbEventRole.id).join(DbActor, DbActor.id == DbEventRole.actor_id)
                             .where(DbActor.acronym == "OSCE"))
        review.confirm(s, Entity.EVENT_ROLE, osce_role, user="amina")
    with session_scope(engine) as s:
        pack = pack_content(s, country="KGZ", on=ON)
    assert (pack.summary.roles, pack.summary.unconfirmed_roles) == (4, 1)
    html = render_briefing(pack)
    row = re.search(r'<tr id="ev-\d+">(.*?)</tr>', html, flags=re.S).group(1)
    assert re.search(r"funder: UNODC <span class=\"unconfirmed\"[^>]*>\(unconfirmed\)</span>", row)
    assert "organizer: CTED</div>" in row and "participant: OSCE</div>" in row  # confident; confirmed by a reviewer
    assert "1 role of 4 is marked" in html
    assert html.count("confidence 0.31\">(unconfirmed)</span>") == 2  # the engagements and assessment visits rows
