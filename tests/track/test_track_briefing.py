"""The briefing's recommendations and technical-assistance section, and ``ctrack report --reviewed-only``."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from track_helpers import run

from ctrack.store import repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbEvent
from ctrack.store.testing import gold_document, gold_record
from ctrack.store.track_models import Entity
from ctrack.track import recommendations, review
from ctrack.track.recommendations import RecInput


def test_briefing_shows_recommendations_and_reviewed_only_keeps_reviewed_events(engine, db_url, tmp_path):
    rec = gold_record("seed-000")
    with session_scope(engine) as s:
        repo.save_document(s, gold_document("seed-000", rec), rec)
        conference = s.scalar(select(DbEvent).where(DbEvent.start == "2018-05-03"))
        other = next(e for e in repo.list_events(s, country="TJK") if e.id != conference.id)
        review.confirm(s, Entity.EVENT, conference.id, user="ana")
        r = recommendations.create(s, RecInput(
            state="TJK", text="Strengthen regional cooperation against foreign terrorist fighters",
            themes=["ftf"], ta_needed=True, ta_description="Border data exchange", partners=["OSCE"],
            due_date=dt.date(2019, 12, 31)), user="ana", on=dt.date(2018, 5, 4))
        recommendations.add_activity(s, title="Dushanbe high-level conference", user="ana", event_id=conference.id,
                                     recommendations=[r.id])
        conference_id, other_id = conference.id, other.id
    out = tmp_path / "tjk.html"
    run("report", "--country", "TJK", "--out", str(out), db=db_url)
    html = out.read_text(encoding="utf-8")
    assert "Open recommendations" in html
    assert "Strengthen regional cooperation against foreign terrorist fighters" in html
    assert "<dt>TA need</dt><dd>Border data exchange</dd>" in html and "overdue" in html
    assert f'<a href="#ev-{conference_id}">Dushanbe high-level conference</a>' in html
    assert f'id="ev-{other_id}"' in html
    # only the reviewed conference is left; the page says so
    run("report", "--country", "TJK", "--out", str(out), "--reviewed-only", db=db_url)
    html = out.read_text(encoding="utf-8")
    assert f'id="ev-{conference_id}"' in html and f'id="ev-{other_id}"' not in html
    assert "Only facts a reviewer confirmed or corrected are included." in html
    # a scope without recommendations says so
    run("report", "--country", "QAT", "--out", str(out), db=db_url)
    html = out.read_text(encoding="utf-8")
    assert "No open reviewed recommendations in this scope." in html and "Strengthen regional" not in html


def test_a_written_briefing_and_an_ingest_are_logged_as_export_and_import(engine, db_url, tmp_path):
    from ctrack.store import track_repo
    from ctrack.store.track_models import Action
    from ctrack.track import audit

    rec = gold_record("seed-000")
    with session_scope(engine) as s:
        result = repo.save_document(s, gold_document("seed-000", rec), rec)
        audit.record_ingest(s, "ana", path="corpus/", document_ids=[result.document_id],
                            failed=[("broken.pdf", "not a PDF")])
    run("report", "--region", "Central Asia", "--out", str(tmp_path / "ca.html"), db=db_url, user="bob")
    with session_scope(engine) as s:
        entries = track_repo.audit_entries(s, Entity.TRANSFER)
        ingest, export = entries
        assert (ingest.action, ingest.user, ingest.after["records"]) == (Action.IMPORT, "ana", [result.document_id])
        assert ingest.after["errors"] == [[0, "broken.pdf: not a PDF"]]
        events = {e.id for e in repo.list_events(s, region="Central Asia")}
        assert (export.action, export.user, export.after["format"]) == (Action.EXPORT, "bob", "html")
        assert set(export.after["records"]) == events and "Central Asia" in export.comment
