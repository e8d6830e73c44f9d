"""Bulk confirm/reject of a filtered set (count first, one audit entry per fact) and the undo of every
confirm, reject and correct, from the service, the CLI and the API, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from test_track_review_queue import _kb
from track_helpers import run

from ctrack.errors import BadQuery
from ctrack.store import track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import ReviewState
from ctrack.store.track_models import Action, Entity
from ctrack.service import review as service
from ctrack.track import review


def _states(engine, refs):
    with session_scope(engine) as s:
        out = []
        for ref in refs:
            kind, _, rid = ref.partition(":")
            out.append(track_repo.get(s, Entity(kind), int(rid)).review_state.value)
        return out


def test_bulk_confirm_counts_first_then_writes_one_audit_entry_per_fact(engine, db_url):
    _kb(engine)
    band = service.QueueQuery(kind=[Entity.EVENT_ROLE], min_confidence=0.5)
    with session_scope(engine) as s:
        dry = service.bulk_decide(s, "ana", "confirm", band)
    assert dry.count == 2 and not dry.applied and dry.entries == []
    assert _states(engine, dry.refs) == ["proposed", "proposed"]
    with session_scope(engine) as s:
        assert track_repo.audit_entries(s) == []
    # the CLI: a dry run without --yes, then the decision
    out = run("review", "confirm", "--all-matching", "--kind", "event_role", "--min-confidence", "0.5", db=db_url)
    assert "2 fact(s) match" in out.output and "add --yes" in out.output
    assert _states(engine, dry.refs) == ["proposed", "proposed"]
    out = run("review", "confirm", "--all-matching", "--kind", "event_role", "--min-confidence", "0.5", "--yes",
              db=db_url, user="bea")
    assert "confirmed 2 fact(s)" in out.output
    assert _states(engine, dry.refs) == ["confirmed", "confirmed"]
    with session_scope(engine) as s:
        entries = track_repo.audit_entries(s, action=Action.CONFIRM)
        assert sorted(f"{e.entity_type.value}:{e.entity_id}" for e in entries) == sorted(dry.refs)
        assert {e.user for e in entries} == {"bea"}
    # the confirmed facts left the queue: a second run matches nothing
    assert "0 fact(s) match" in run("review", "confirm", "--all-matching", "--kind", "event_role",
                                    "--min-confidence", "0.5", db=db_url).output
    # bulk reject by member state
    with session_scope(engine) as s:
        done = service.bulk_decide(s, "ana", "reject", service.QueueQuery(member_state="TJK"), apply=True)
        assert done.count == 2 and len(done.entries) == 2  # the event and its unscored role
    assert set(_states(engine, done.refs)) == {"rejected"}
    # refs and --all-matching together, neither, and a bad action are refused
    assert run("review", "reject", "event:1", "--all-matching", db=db_url, ok=False).exit_code != 0
    assert run("review", "reject", db=db_url, ok=False).exit_code != 0
    with session_scope(engine) as s, pytest.raises(BadQuery):
        service.bulk_decide(s, "ana", "correct", band)


def test_confirm_reject_and_correct_are_undone_in_the_audit_log(engine, db_url):
    _kb(engine)
    with session_scope(engine) as s:
        ev = service.queue(s, query=service.QueueQuery(kind=[Entity.EVENT], max_confidence=0.3)).items[0]
        role = service.queue(s, query=service.QueueQuery(kind=[Entity.EVENT_ROLE], max_confidence=0.5)).items[0]
    ev_ref, role_ref = ev.ref, role.ref
    # correct then undo through the CLI: the old value and state come back
    out = run("review", "correct", ev_ref, "city", "Khujand", db=db_url)
    assert "audit entry" in out.output
    run("review", "confirm", role_ref, db=db_url)
    out = run("review", "undo", ev_ref, "-m", "wrong card", db=db_url, user="dina")
    assert f"undid the last decision on {ev_ref}: now proposed" in out.output
    with session_scope(engine) as s:
        row = track_repo.get(s, Entity.EVENT, ev.id)
        assert (row.city, row.review_state) == ("Dushanbe", ReviewState.PROPOSED)
        undo = track_repo.audit_entries(s, Entity.EVENT, ev.id)[-1]
        assert undo.action is Action.UNDO and undo.user == "dina" and undo.comment == "wrong card"
        assert undo.before["city"] == "Khujand" and undo.after == {"city": "Dushanbe", "review_state": "proposed"}
        assert [(c.old_value, c.new_value) for c in track_repo.corrections(s, Entity.EVENT, ev.id)] == [
            ("Dushanbe", "Khujand"), ("Khujand", "Dushanbe")]
    # nothing left to undo on the event; undoing twice is refused
    again = run("review", "undo", ev_ref, db=db_url, ok=False)
    assert again.exit_code != 0 and "no confirm, reject or correct left to undo" in again.output
    # a reject, undone by its audit entry; the role's confirm is still there
    with session_scope(engine) as s:
        rej = service.decide(s, "ana", Entity.EVENT, ev.id, "reject")
    with session_scope(engine) as s:
        back = service.undo_decision(s, "ana", entry=rej.entry)
        assert back.state is ReviewState.PROPOSED and back.entry != rej.entry
    with session_scope(engine) as s, pytest.raises(review.ReviewError, match="undone already"):
        service.undo_decision(s, "ana", entry=rej.entry)
    assert _states(engine, [role_ref]) == ["confirmed"]
    run("review", "undo", role_ref, db=db_url)
    assert _states(engine, [role_ref]) == ["proposed"]
    # a decision overtaken by a later one is not undone from under it
    with session_scope(engine) as s:
        first = service.decide(s, "ana", Entity.EVENT, ev.id, "confirm")
        service.decide(s, "ana", Entity.EVENT, ev.id, "reject")
    with session_scope(engine) as s, pytest.raises(review.ReviewError, match="changed since"):
        service.undo_decision(s, "ana", entry=first.entry)
