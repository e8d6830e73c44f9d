"""Candidate duplicates (:mod:`ctrack.service.dedupe`) on a knowledge base of look-alikes that ingest keeps
apart (:mod:`ctrack.service.testing`): what is proposed, in which order, what is not, "not the same" and
merges take pairs out and undo brings them back, and the SQL statements do not grow with the rows."""
from __future__ import annotations

import pytest
from test_service_paging import _statements  # the statement counter (its own test shows it is not blind)

from ctrack.errors import BadQuery, NotFound
from ctrack.service import dedupe
from ctrack.service.paging import PageParams
from ctrack.service.testing import save_lookalikes
from ctrack.store import repo, track_repo
from ctrack.store.db import session_scope
from ctrack.store.track_models import Action, Entity
from ctrack.track.review import ReviewError


def _ids(s):
    actors = {(a.name, a.iso3): a.id for a in repo.list_actors(s)}
    events = {(e.country, e.start): e.id for e in repo.list_events(s)}
    return actors, events


def _pairs(page):
    return [(c.a.id, c.b.id) for c in page.items]


def test_the_look_alikes_are_proposed_best_first_and_the_others_are_not(engine):
    save_lookalikes(engine)
    dedupe.clear_cache()
    with session_scope(engine) as s:
        actors, events = _ids(s)
        page = dedupe.candidates(s)
        got = [(c.subject, c.a.id, c.b.id) for c in page.items]
        ministry = tuple(sorted((actors[("Ministry of Interior", "TJK")], actors[("Ministry of the Interior", "TJK")])))
        smith = tuple(sorted((actors[("Maria Smith", None)], actors[("Mario Smith", None)])))
        conference = tuple(sorted((events[("TJK", "2018-05-03")], events[("TJK", "2018-05")])))
        assert got == [(Entity.ACTOR, *ministry), (Entity.ACTOR, *smith), (Entity.EVENT, *conference)]
        assert [round(c.score) for c in page.items] == [86, 77, 70]
        assert page.items[0].blocks == ["n:ministryof"] and page.items[1].blocks == ["s:smith"]
        assert page.items[2].blocks == ["m:conference:2018-05:TJK"]
        assert all(c.reasons for c in page.items) and page.total == 3 and page.skipped_blocks == []
        # the non-duplicates: John Smith scores under the floor; Kazakhstan's ministry and conference never
        low = dedupe.candidates(s, min_score=0)
        kaz = {actors[("John Smith", None)]}
        assert {(c.a.id, c.b.id) for c in low.items if {c.a.id, c.b.id} & kaz}
        assert all(c.score < dedupe.DEFAULT_MIN_SCORE for c in low.items if {c.a.id, c.b.id} & kaz)
        never = {(Entity.ACTOR, actors[("Ministry of Interior", "KAZ")]), (Entity.EVENT, events[("KAZ", "2018-05-20")])}
        assert not any({(c.subject, c.a.id), (c.subject, c.b.id)} & never for c in low.items)
        # filters and pages
        assert _pairs(dedupe.candidates(s, "event")) == [conference]
        assert _pairs(dedupe.candidates(s, Entity.ACTOR, page=PageParams(limit=1, offset=1))) == [smith]
        assert dedupe.candidates(s, min_score=99).total == 0
        with pytest.raises(BadQuery):
            dedupe.candidates(s, "document")
        with pytest.raises(BadQuery):
            dedupe.candidates(s, min_score=101)


def test_an_event_of_unknown_place_or_known_to_the_year_meets_the_events_of_its_period(engine):
    import datetime as dt

    from ctrack.schema import DocumentInfo, Event, EventType, Record
    from ctrack.store.testing import make_document

    save_lookalikes(engine)
    text = "A High-Level Conference on Counter-Terrorism was held in 2018."
    with session_scope(engine) as s:
        repo.save_document(s, make_document("vague", text, published=dt.date(2019, 1, 1)), Record(
            document=DocumentInfo(id="vague"), events=[Event(id="e1", type=EventType.CONFERENCE, start="2018",
                                                             name="High-Level Conference on Counter-Terrorism")]))
    with session_scope(engine) as s:
        _, events = _ids(s)
        vague = events[(None, "2018")]
        pairs = [c for c in dedupe.candidates(s, "event").items if vague in (c.a.id, c.b.id)]
        assert {c.a.id for c in pairs} == {events[("TJK", "2018-05-03")], events[("TJK", "2018-05")]}
        assert all(c.blocks == ["yq:conference:2018"] and "one country unknown" in c.reasons for c in pairs)


def test_a_block_too_large_is_reported_and_a_name_block_cut_finer(engine, monkeypatch):
    save_lookalikes(engine)
    monkeypatch.setattr(dedupe, "MAX_BLOCK", 2)  # the ministries' name block holds 3, the Smiths' surname block 3
    dedupe.clear_cache()
    with session_scope(engine) as s:
        page = dedupe.candidates(s, "actor", min_score=0)
        assert page.skipped_blocks == ["n:ministryof (compared by longer name prefixes only)", "s:smith"]
        # cut by 20 characters, the two ministries of Interior (TJK, KAZ) still meet and are told apart
        assert page.total == 0
    dedupe.clear_cache()


def test_not_the_same_takes_a_pair_out_audited_and_undo_brings_it_back(engine):
    save_lookalikes(engine)
    with session_scope(engine) as s:
        first = dedupe.candidates(s, "actor").items[0]
        d = dedupe.not_same(s, "amina", "actor", first.b.id, first.a.id, reason="two ministries")
        assert (d.kind.value, d.kept_id, d.other_id) == ("distinct", first.a.id, first.b.id)
        assert "not the same" in d.summary
    with session_scope(engine) as s:
        assert (first.a.id, first.b.id) not in _pairs(dedupe.candidates(s, "actor"))
        assert dedupe.compare(s, "actor", first.a.id, first.b.id).distinct_decision == d.id
        with pytest.raises(ReviewError):
            dedupe.not_same(s, "amina", "actor", first.a.id, first.b.id)
        for row_id in (first.a.id, first.b.id):
            entries = track_repo.audit_entries(s, Entity.ACTOR, row_id)
            assert [e.action for e in entries][-1] is Action.DISTINCT and entries[-1].user == "amina"
            assert entries[-1].comment == "two ministries" and entries[-1].decision_id == d.id
    with session_scope(engine) as s:
        undone = dedupe.undo(s, "boris", d.id)
        assert undone.undone_by == "boris"
    with session_scope(engine) as s:
        assert (first.a.id, first.b.id) in _pairs(dedupe.candidates(s, "actor"))
        assert track_repo.audit_entries(s, Entity.ACTOR, first.a.id)[-1].action is Action.UNDO
        assert dedupe.compare(s, "actor", first.a.id, first.b.id).distinct_decision is None


def test_a_merge_takes_the_pair_out_and_its_undo_brings_both_back(engine):
    save_lookalikes(engine)
    with session_scope(engine) as s:
        pair = dedupe.candidates(s, "event").items[0]
        d = dedupe.merge(s, "amina", "event", pair.a.id, pair.b.id, reason="one conference")
        assert d.kind.value == "merge" and d.moved > 0 and "Merged event" in d.summary
    with session_scope(engine) as s:
        assert dedupe.candidates(s, "event").total == 0
        with pytest.raises(NotFound):  # the merged-away event is rejected
            dedupe.compare(s, "event", pair.a.id, pair.b.id)
        dedupe.undo(s, "amina", d.id)
    with session_scope(engine) as s:
        assert _pairs(dedupe.candidates(s, "event")) == [(pair.a.id, pair.b.id)]
        kinds = [d.kind.value for d in dedupe.recent(s)]
        assert kinds == ["merge"] and dedupe.recent(s)[0].undone_at is not None


def test_compare_shows_both_records_with_their_sources(engine):
    save_lookalikes(engine)
    with session_scope(engine) as s:
        smith = dedupe.candidates(s, "actor").items[1]
        c = dedupe.compare(s, "actor", smith.a.id, smith.b.id)
        assert {c.a.actor.name, c.b.actor.name} == {"Maria Smith", "Mario Smith"}
        assert c.score == smith.score and c.reasons == smith.reasons
        for side in (c.a, c.b):
            assert [src.source.doc_key for src in side.sources] and side.events_total == 1 and side.roles
        conf = dedupe.candidates(s, "event").items[0]
        c = dedupe.compare(s, "event", conf.a.id, conf.b.id)
        assert c.score == conf.score
        assert [len(side.sources) for side in (c.a, c.b)] == [1, 1]
        with pytest.raises(BadQuery):
            dedupe.compare(s, "event", conf.a.id, conf.a.id)


def _count(engine) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        dedupe.candidates(s)  # warm the gazetteer
        dedupe.clear_cache()
        with _statements(engine) as seen:
            page = dedupe.candidates(s, page=PageParams(limit=5))
        with _statements(engine) as again:
            assert dedupe.candidates(s, page=PageParams(limit=5, offset=5)).total == page.total
    return len(seen), len(again), page.total


def test_the_candidate_reads_do_not_grow_with_the_rows(engine):
    save_lookalikes(engine, groups=3)
    small, small_again, small_total = _count(engine)
    save_lookalikes(engine, groups=9, first=3)
    large, large_again, large_total = _count(engine)
    assert (small_total, large_total) == (9, 36)
    assert large == small and large_again == small_again == 2  # the second page: one fingerprint read per kind
