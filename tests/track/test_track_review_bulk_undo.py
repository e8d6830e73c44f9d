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
    assert "the filters select 2 facts" in out.output and "add --yes" in out.output
    assert _states(engine, dry.refs) == ["proposed", "proposed"]
    out = run("review", "confirm", "--all-matching", "--kind", "event_role", "--min-confidence", "0.5", "--yes",
              db=db_url, user="bea")
    assert "confirmed 2 facts" in out.output
    assert _states(engine, dry.refs) == ["confirmed", "confirmed"]
    with session_scope(engine) as s:
        entries = track_repo.audit_entries(s, action=Action.CONFIRM)
        assert sorted(f"{e.entity_type.value}:{e.entity_id}" for e in entries) == sorted(dry.refs)
        assert {e.user for e in entries} == {"bea"}
    # the confirmed facts left the queue: a second run matches nothing
    assert "the filters select 0 facts" in run("review", "confirm", "--all-matching", "--kind", "event_role",
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
    assert again.exit_code != 0 and "no confirm, reject, correct or add left to undo" in again.output
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


def test_a_bulk_decision_is_undone_as_a_whole_from_the_service_cli_and_api(engine, db_url):
    _kb(engine)
    band = service.QueueQuery(kind=[Entity.EVENT_ROLE], min_confidence=0.5)
    out = run("review", "confirm", "--all-matching", "--kind", "event_role", "--min-confidence", "0.5", "--yes",
              db=db_url, user="bea")
    batch = out.output.split("undo --batch ")[1].split("'")[0]
    with session_scope(engine) as s:
        entries = track_repo.audit_entries_of_batch(s, batch)
        refs = [f"{e.entity_type.value}:{e.entity_id}" for e in entries]
    assert len(refs) == 2 and _states(engine, refs) == ["confirmed", "confirmed"]
    # a later confirm of another fact is not part of it
    with session_scope(engine) as s:
        other = service.queue(s, query=service.QueueQuery(kind=[Entity.EVENT])).items[0]
        service.decide(s, "ana", other.entity, other.id, "confirm")
    out = run("review", "undo", "--batch", batch, db=db_url, user="cem")
    assert "undid bulk decision" in out.output and "2 facts back to proposed" in out.output
    assert _states(engine, refs) == ["proposed", "proposed"] and _states(engine, [other.ref]) == ["confirmed"]
    with session_scope(engine) as s:
        undos = track_repo.audit_entries(s, action=Action.UNDO)
        assert sorted(u.before["entry"] for u in undos) == sorted(e.id for e in entries)
        assert {u.user for u in undos} == {"cem"}
    again = run("review", "undo", "--batch", batch, db=db_url, ok=False)
    assert again.exit_code != 0 and "undone already" in again.output
    assert "no bulk decision" in run("review", "undo", "--batch", "nope", db=db_url, ok=False).output
    # a fact changed after the bulk step: the whole undo is refused, nothing written
    with session_scope(engine) as s:
        done = service.bulk_decide(s, "ana", "reject", band, apply=True)
    with session_scope(engine) as s:
        kind, _, rid = done.refs[0].partition(":")
        service.decide(s, "ana", Entity(kind), int(rid), "confirm")
    with pytest.raises(review.ReviewError, match="changed since"):
        with session_scope(engine) as s:
            service.undo_batch(s, "ana", done.batch)
    assert _states(engine, done.refs) == ["confirmed", "rejected"]


def test_field_inputs_are_typed_with_current_values(engine):
    _kb(engine)
    with session_scope(engine) as s:
        ev = service.queue(s, query=service.QueueQuery(kind=[Entity.EVENT], max_confidence=0.3)).items[0]
        got = {f.name: f for f in service.fields_of(s, Entity.EVENT, ev.id)}
        assert got["type"].kind == "choice" and got["type"].current == "workshop" and "assessment_visit" in got["type"].choices
        assert got["type"].required and not got["city"].required
        assert (got["start"].kind, got["start"].current) == ("partial_date", "2019-03-11")
        assert (got["country"].kind, got["country"].current) == ("state", "TJK")
        assert (got["city"].kind, got["city"].current) == ("text", "Dushanbe")
        assert got["delegations"].kind == "integer" and got["part_of_id"].kind == "event"
        role = service.queue(s, query=service.QueueQuery(kind=[Entity.EVENT_ROLE])).items[0]
        rf = {f.name: f for f in service.fields_of(s, Entity.EVENT_ROLE, role.id)}
        assert rf["role"].choices and rf["actor_id"].kind == "actor" and rf["actor_id"].label
        # every correctable field of every kind has a known input
        from ctrack.track.fields import INPUT_KINDS
        for entity in (Entity.ACTOR, Entity.EVENT, Entity.EVENT_ROLE, Entity.PERSON_TITLE):
            for name, parser in review.correctable(s, entity).items():
                assert hasattr(parser, "input_kind") and parser.input_kind in INPUT_KINDS, (entity, name)


def test_a_recommendation_correction_is_undone_like_any_other_decision(engine, db_url):
    """A proposed recommendation (a document's sentence, no member state named) gets a state and themes, then the
    corrections are taken back one by one through the CLI and the service: the old values (an empty state, the
    proposal's themes) and the review state come back, ``field_corrections`` keeps both directions."""
    from ctrack.store.testing import gold_document, gold_record
    from ctrack.store import repo as store_repo
    from ctrack.track import proposals, recommendations

    rec = gold_record("dev-003")
    with session_scope(engine) as s:
        store_repo.save_document(s, gold_document("dev-003", rec), rec)
        created = proposals.propose(s, user="machine")
        rec_id = next(r.id for r in created if r.state is None)
        themes_before = recommendations.view(recommendations.get(s, rec_id))["themes"]
    ref = f"recommendation:{rec_id}"
    run("review", "correct", ref, "state", "Egypt", db=db_url)
    run("review", "correct", ref, "themes", "border_management; human_rights", db=db_url)
    with session_scope(engine) as s:
        view = recommendations.view(recommendations.get(s, rec_id))
        assert (view["state"], view["themes"], view["review_state"]) == ("EGY", ["border_management", "human_rights"],
                                                                         "corrected")
    # the themes first (the latest decision), through the CLI; then the state, by its audit entry
    out = run("review", "undo", ref, db=db_url, user="dina")
    assert f"undid the last decision on {ref}: now corrected" in out.output
    with session_scope(engine) as s:
        view = recommendations.view(recommendations.get(s, rec_id))
        assert (view["state"], view["themes"]) == ("EGY", themes_before)
        state_entry = [e for e in track_repo.audit_entries(s, Entity.RECOMMENDATION, rec_id)
                       if e.action is Action.CORRECT and "state" in e.after][0].id
    with session_scope(engine) as s:
        back = service.undo_decision(s, "dina", entry=state_entry)
        assert back.state is ReviewState.PROPOSED
        view = recommendations.view(recommendations.get(s, rec_id))
        assert (view["state"], view["themes"], view["review_state"]) == (None, themes_before, "proposed")
        assert [(c.field, c.old_value, c.new_value) for c in track_repo.corrections(s, Entity.RECOMMENDATION, rec_id)
                if c.field == "state"] == [("state", None, "EGY"), ("state", "EGY", None)]
        undos = track_repo.audit_entries(s, Entity.RECOMMENDATION, rec_id, action=Action.UNDO)
        assert [u.user for u in undos] == ["dina", "dina"] and undos[-1].after == {"state": None,
                                                                                 "review_state": "proposed"}
    assert "no confirm, reject, correct or add left to undo" in run("review", "undo", ref, db=db_url, ok=False).output
    # a correction overtaken by a later one of the same field is not undone from under it
    run("review", "correct", ref, "themes", "human_rights", db=db_url)
    with session_scope(engine) as s:
        first = track_repo.audit_entries(s, Entity.RECOMMENDATION, rec_id)[-1].id
    run("review", "correct", ref, "themes", "border_management", db=db_url)
    with session_scope(engine) as s, pytest.raises(review.ReviewError, match="changed since"):
        service.undo_decision(s, "dina", entry=first)
