"""Adding a fact the extractor missed (issue 11, corrections that teach): an actor's role in a stored event and an
event with the words that tell it, from the service and the CLI, each stored confirmed with an ``add`` audit entry
and undone like any decision, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from test_track_review_queue import _kb
from track_helpers import run

from ctrack.store import track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbActor, DbEvent, ReviewState
from ctrack.store.track_models import Action, Entity
from ctrack.service import review as service
from ctrack.track import review
from ctrack.track.review import ReviewError


def _ids(s):
    """(the doc-a workshop's id, Kazakhstan's id, the GCTF's id, Hedayah's id)."""
    from sqlalchemy import select

    ws = s.scalars(select(DbEvent).where(DbEvent.city == "Astana")).one().id
    names = {a.name: a.id for a in s.scalars(select(DbActor))}
    return ws, names["Kazakhstan"], names["Global Counterterrorism Forum"], names["Hedayah"]


def test_service_adds_a_role_with_its_evidence_audits_and_undoes_it(engine):
    _kb(engine)
    with session_scope(engine) as s:
        ws, kaz, gctf, hed = _ids(s)
        out = service.add_role(s, "ana", service.AddRoleIn(event_id=ws, actor_id=kaz, role="participant",
                                                            evidence="Kazakhstan", comment="it hosted"))
        assert out.entity is Entity.EVENT_ROLE and out.state is ReviewState.CONFIRMED
        row = track_repo.get(s, Entity.EVENT_ROLE, out.id)
        assert (row.event_id, row.actor_id, row.role.value, row.confidence) == (ws, kaz, "participant", None)
        doc = track_repo.find_document(s, "doc-a")
        assert row.document_id == doc.id
        [m] = track_repo.mentions_of(s, event_role_id=row.id)
        assert (m.text, m.rule, doc.text[m.start:m.end]) == ("Kazakhstan", review.ADDED_RULE, "Kazakhstan")
        entry = track_repo.audit_entry(s, out.entry)
        assert (entry.action, entry.user, entry.comment) == (Action.ADD, "ana", "it hosted")
        assert entry.after["role"] == "participant" and entry.after["evidence"] == [m.start, m.end]
        assert track_repo.added_rows(s, Entity.EVENT_ROLE) == {row.id: True}
        note = service.decision_note(s, out.entry)
        assert note.action == "add" and note.undoable and "participant" in note.label
        # the same role again, or one the actor holds already: confirm it instead
        with pytest.raises(ReviewError, match="holds this role already"):
            service.add_role(s, "ana", service.AddRoleIn(event_id=ws, actor_id=kaz, role="participant"))
        with pytest.raises(ReviewError, match="holds this role already"):
            service.add_role(s, "ana", service.AddRoleIn(event_id=ws, actor_id=gctf, role="organizer"))
        # a document that does not report the event, and words it does not hold
        with pytest.raises(ReviewError, match="does not report event"):
            service.add_role(s, "ana", service.AddRoleIn(event_id=ws, actor_id=hed, role="funder", document="doc-b"))
        with pytest.raises(ReviewError, match="nowhere"):
            service.add_role(s, "ana", service.AddRoleIn(event_id=ws, actor_id=hed, role="funder", evidence="Hedayah"))
    with session_scope(engine) as s:
        undone = service.undo_decision(s, "bea", Entity.EVENT_ROLE, out.id)
        assert undone.state is ReviewState.REJECTED  # reads leave it out
        last = track_repo.audit_entries(s, Entity.EVENT_ROLE, out.id)[-1]
        assert last.action is Action.UNDO and last.user == "bea" and last.before["entry"] == out.entry
        assert track_repo.added_rows(s, Entity.EVENT_ROLE) == {out.id: False}  # no decision for training
        with pytest.raises(ReviewError, match="undone already"):
            review.undo_entry(s, out.entry, user="bea")
        # added again after the undo: the same row, confirmed, a new add entry
        again = service.add_role(s, "ana", service.AddRoleIn(event_id=ws, actor_id=kaz, role="participant"))
        assert again.id == out.id and again.state is ReviewState.CONFIRMED and again.entry != out.entry
        assert track_repo.added_rows(s, Entity.EVENT_ROLE) == {out.id: True}
        assert review.last_decision(s, Entity.EVENT_ROLE, out.id) == again.entry


def test_service_adds_an_event_told_by_its_words_and_undoes_it(engine):
    _kb(engine)
    with session_scope(engine) as s:
        _ws, kaz, _gctf, _hed = _ids(s)
        out = service.add_event(s, "ana", service.AddEventIn(document="doc-a", type="meeting", trigger="held",
                                                              start="2019-04", country="Kazakhstan"))
        ev = track_repo.get(s, Entity.EVENT, out.id)
        assert (ev.type.value, ev.start, ev.end, ev.country, ev.review_state) == \
            ("meeting", "2019-04", "2019-04", "KAZ", ReviewState.CONFIRMED)
        doc = track_repo.find_document(s, "doc-a")
        assert track_repo.documents_of(s, Entity.EVENT, ev.id) == [doc.id]
        [m] = track_repo.mentions_of(s, event_id=ev.id)
        assert (m.text, m.rule) == ("held", review.ADDED_TRIGGER_RULE)
        entry = track_repo.audit_entry(s, out.entry)
        assert entry.action is Action.ADD and entry.after["trigger"] == [m.start, m.end]
        with pytest.raises(ReviewError, match="nowhere"):
            service.add_event(s, "ana", service.AddEventIn(document="doc-a", type="meeting", trigger="roundtable"))
        with pytest.raises(ReviewError, match="start"):
            service.add_event(s, "ana", service.AddEventIn(document="doc-a", type="meeting", trigger="held",
                                                           start="April 2019"))
        # a role on it, then the event's undo is refused until the role is taken back
        role = service.add_role(s, "ana", service.AddRoleIn(event_id=ev.id, actor_id=kaz, role="organizer"))
        with pytest.raises(ReviewError, match="holds roles"):
            service.undo_decision(s, "ana", entry=out.entry)
        service.undo_decision(s, "ana", Entity.EVENT_ROLE, role.id)
        back = service.undo_decision(s, "ana", entry=out.entry)
        assert back.state is ReviewState.REJECTED
        assert service.decision_note(s, back.entry).undid_action == "add"


def test_cli_adds_a_role_and_an_event_and_undoes_them(engine, db_url):
    _kb(engine)
    with session_scope(engine) as s:
        ws, kaz, _gctf, hed = _ids(s)
    out = run("review", "add", "role", f"event:{ws}", f"actor:{kaz}", "funder", "--evidence", "Kazakhstan", db=db_url,
              user="cleo")
    assert "added event_role:" in out.output and "ctrack review undo event_role:" in out.output
    ref = out.output.split("added ")[1].split()[0]
    with session_scope(engine) as s:
        row = track_repo.get(s, Entity.EVENT_ROLE, int(ref.split(":")[1]))
        assert (row.role.value, row.review_state) == ("funder", ReviewState.CONFIRMED)
        assert track_repo.audit_entries(s, Entity.EVENT_ROLE, row.id)[-1].user == "cleo"
    out = run("review", "add", "event", "doc-b", "workshop", "--trigger", "trained", "--start", "2019-03",
              "--city", "Dushanbe", db=db_url)
    event_ref = out.output.split("added ")[1].split()[0]
    assert event_ref.startswith("event:")
    hist = run("history", event_ref, db=db_url)
    assert "add" in hist.output
    assert "now rejected" in run("review", "undo", event_ref, db=db_url).output
    assert "now rejected" in run("review", "undo", ref, db=db_url).output
    with session_scope(engine) as s:
        assert track_repo.get(s, Entity.EVENT_ROLE, int(ref.split(":")[1])).review_state is ReviewState.REJECTED
    # bad input: an unknown role, an event of another document's words
    bad = run("review", "add", "role", str(ws), str(hed), "host", db=db_url, ok=False)
    assert bad.exit_code != 0 and "organizer" in bad.output
    bad = run("review", "add", "event", "doc-b", "workshop", "--trigger", "Astana", db=db_url, ok=False)
    assert bad.exit_code != 0 and "nowhere" in bad.output
