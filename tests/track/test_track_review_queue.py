"""The review queue: least certain first (extraction confidence, unscored facts last), filtered by document,
member state, kind and confidence band, paged in SQL; the same through the service, the CLI and the API."""
from __future__ import annotations

import datetime as dt

import pytest
from track_helpers import run, run_json

from ctrack.errors import BadQuery
from ctrack.store import repo, track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import ReviewState
from ctrack.store.testing import make_document
from ctrack.store.track_models import Entity
from ctrack.schema import Record
from ctrack.service import review as service
from ctrack.service.paging import PageParams
from ctrack.track import review


def _save(engine, doc_id: str, body: str, actors: list[dict], events: list[dict]) -> None:
    for a in actors:
        start = body.find(a["name"])
        if start >= 0:
            a["mentions"] = [{"start": start, "end": start + len(a["name"]), "text": a["name"], "rule": "test"}]
    record = Record.model_validate({"schema": "ctrack.extraction/1",
                                    "document": {"id": doc_id, "title": doc_id, "published": "2019-05-02"},
                                    "actors": actors, "events": events})
    with session_scope(engine) as s:
        repo.save_document(s, make_document(doc_id, body, published=dt.date(2019, 5, 2)), record)


def _kb(engine) -> None:
    """doc-a: a workshop in Kazakhstan (0.9) organized by the GCTF (role 0.4) and Kazakhstan (0.8);
    doc-b: a training in Tajikistan (0.2) by Hedayah (role 0.7) and the UNOCT (role not scored)."""
    gctf = {"id": "gctf", "kind": "other_org", "name": "Global Counterterrorism Forum", "acronym": "GCTF"}
    kaz = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}
    hed = {"id": "hed", "kind": "other_org", "name": "Hedayah"}
    unoct = {"id": "unoct", "kind": "un_entity", "name": "United Nations Office of Counter-Terrorism",
             "acronym": "UNOCT"}
    _save(engine, "doc-a", "The Global Counterterrorism Forum and Kazakhstan held a workshop in Astana.",
          [gctf, kaz], [{"id": "ws", "type": "workshop", "name": "Workshop on prisons", "start": "2019-04-29",
                         "city": "Astana", "country": "KAZ", "status": "held", "confidence": 0.9,
                         "roles": [{"actor": "gctf", "role": "organizer", "confidence": 0.4},
                                   {"actor": "KAZ", "role": "organizer", "confidence": 0.8}]}])
    _save(engine, "doc-b", "Hedayah and the United Nations Office of Counter-Terrorism trained officials in Dushanbe.",
          [hed, unoct], [{"id": "tr", "type": "workshop", "name": "Training on rehabilitation", "start": "2019-03-11",
                          "city": "Dushanbe", "country": "TJK", "status": "held", "confidence": 0.2,
                          "roles": [{"actor": "hed", "role": "organizer", "confidence": 0.7},
                                    {"actor": "unoct", "role": "organizer"}]}])


def _confidences(items) -> list:
    return [i.confidence for i in items]


def test_queue_is_least_certain_first_and_pages_in_sql(engine):
    _kb(engine)
    with session_scope(engine) as s:
        items = review.queue(s)
        total = review.queue_size(s)
    conf = _confidences(items)
    assert conf[:4] == [0.2, 0.4, 0.7, 0.8] and conf[4] == 0.9
    assert all(c is None for c in conf[5:]) and len(items) == total > 5
    assert {i.entity for i in items[5:]} >= {Entity.ACTOR, Entity.EVENT_ROLE}  # actors and the unscored role last
    # pages of 2 put together are the whole queue, in the same order
    with session_scope(engine) as s:
        pages = [service.queue(s, page=PageParams(limit=2, offset=o)) for o in range(0, total, 2)]
    assert [(i.entity, i.id) for p in pages for i in p.items] == [(i.entity, i.id) for i in items]
    assert {p.total for p in pages} == {total}
    assert pages[0].items[0].confidence == 0.2 and pages[0].items[0].entity is Entity.EVENT


def test_queue_filters_combine(engine):
    _kb(engine)
    q = service.QueueQuery
    with session_scope(engine) as s:
        def refs(query):
            page = service.queue(s, page=PageParams(limit=500), query=query)
            assert page.total == len(page.items)
            return [(i.entity.value, i.confidence) for i in page.items]

        # a member state: the event held in it, the roles of that event (no actor of Tajikistan is stored)
        assert refs(q(member_state="TJK")) == [("event", 0.2), ("event_role", 0.7), ("event_role", None)]
        # by name too; Kazakhstan itself, its event and the roles in it
        kaz = refs(q(member_state="Kazakhstan"))
        assert kaz[:3] == [("event_role", 0.4), ("event_role", 0.8), ("event", 0.9)] and ("actor", None) in kaz
        assert refs(q(kind=[Entity.EVENT_ROLE])) == [("event_role", 0.4), ("event_role", 0.7),
                                                     ("event_role", 0.8), ("event_role", None)]
        # a band keeps only scored facts, inclusive at both ends
        assert refs(q(min_confidence=0.4, max_confidence=0.8)) == [("event_role", 0.4), ("event_role", 0.7),
                                                                   ("event_role", 0.8)]
        assert refs(q(max_confidence=0.3)) == [("event", 0.2)]
        assert refs(q(document="doc-a", kind=[Entity.EVENT, Entity.ACTOR], min_confidence=0.5)) == [("event", 0.9)]
        assert refs(q(document="doc-b", member_state="KAZ")) == []
        # reviewed facts leave the proposed queue
        first = service.queue(s, query=q(max_confidence=0.3)).items[0]
        service.decide(s, "ana", first.entity, first.id, "confirm")
        assert refs(q(max_confidence=0.3)) == []
        assert refs(q(max_confidence=0.3, state=ReviewState.CONFIRMED)) == [("event", 0.2)]


@pytest.mark.parametrize("query, message", [
    ({"min_confidence": 0.8, "max_confidence": 0.2}, "above max confidence"),
    ({"min_confidence": 1.5}, "outside 0-1"),
    ({"member_state": "Atlantis"}, "unknown member state"),
    ({"kind": [Entity.DOCUMENT]}, "not reviewed"),
])
def test_queue_refuses_bad_filters_with_a_clear_error(engine, query, message):
    _kb(engine)
    with session_scope(engine) as s, pytest.raises(review.ReviewError, match=message):
        service.queue(s, query=service.QueueQuery(**query))


def test_cli_queue_json_is_the_api_page_with_evidence_spans(engine, db_url):
    """``ctrack review queue --json`` printed a bare list whose facts had empty ``spans`` (filled only under a
    document filter) and no total: it is now the page the API answers (items, total, limit, offset,
    next_cursor, total_exact), each fact with its evidence spans in every document (document, start, end, text, rule)."""
    _kb(engine)
    bodies = {"doc-a": "The Global Counterterrorism Forum and Kazakhstan held a workshop in Astana.",
              "doc-b": "Hedayah and the United Nations Office of Counter-Terrorism trained officials in Dushanbe."}
    page = run_json("review", "queue", "--kind", "actor", "--limit", "1", db=db_url)
    assert set(page) == {"items", "total", "total_exact", "limit", "offset", "next_cursor"} and page["total_exact"]
    assert page["total"] == 4 and page["limit"] == 1 and page["offset"] == 0 and len(page["items"]) == 1
    page = run_json("review", "queue", "--kind", "actor", db=db_url)
    by_name = {i["label"].split(" ", 1)[1].split(" (")[0]: i for i in page["items"]}
    hedayah = by_name["Hedayah"]
    assert hedayah["evidence"] == [{"document": "doc-b", "start": 0, "end": 7, "text": "Hedayah", "rule": "test"}]
    assert hedayah["evidence_total"] == 1
    for item in page["items"]:
        assert item["evidence"], item
        for span in item["evidence"]:
            assert bodies[span["document"]][span["start"]:span["end"]] == span["text"]
    with session_scope(engine) as s:  # the API's page carries the same
        out = service.queue(s, query=service.QueueQuery(kind=[Entity.ACTOR]))
        assert [i.model_dump(mode="json") for i in out.items] == page["items"]

def test_cli_queue_shows_confidence_and_filters(engine, db_url):
    _kb(engine)
    listed = run_json("review", "queue", "--member-state", "TJK", db=db_url)["items"]
    assert [(i["ref"].split(":")[0], i["confidence"]) for i in listed] == [
        ("event", 0.2), ("event_role", 0.7), ("event_role", None)]
    assert listed[0]["label"].startswith("workshop 2019-03-11") and listed[0]["entity"] == "event"
    text = run("review", "queue", "--kind", "event_role", "--min-confidence", "0.5", db=db_url).output
    assert "confidence 0.70" in text and "confidence 0.80" in text and "confidence 0.40" not in text
    assert "not scored" in run("review", "queue", "--kind", "actor", "--limit", "1", db=db_url).output
    assert "more: --offset 1" in run("review", "queue", "--limit", "1", db=db_url).output
    bad = run("review", "queue", "--kind", "document", db=db_url, ok=False)
    assert bad.exit_code != 0 and "document" in bad.output
    bad = run("review", "queue", "--min-confidence", "0.9", "--max-confidence", "0.1", db=db_url, ok=False)
    assert bad.exit_code != 0 and "above max confidence" in bad.output


def test_review_without_a_terminal_says_what_to_run_instead(engine, db_url):
    import os
    import subprocess
    import sys

    _kb(engine)
    env = {**os.environ, "CTRACK_USER": "ana", "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", "from ctrack.cli import main; main()", "review", "--document", "doc-b", "--db", db_url],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Aborted" not in done.stderr + done.stdout
    assert "ctrack review queue --document doc-b --json" in done.stderr
    assert "ctrack review confirm|reject TYPE:ID" in done.stderr and "ctrack review undo" in done.stderr
    with session_scope(engine) as s:  # nothing was decided
        assert track_repo.audit_entries(s) == []


def test_facts_a_briefing_pack_would_show_come_first(engine, db_url):
    """Issue 11: briefing facts (an event engaging a member state, its roles and actors) before the others,
    each part least certain first; an event that engages a state only through a role drops back when that
    role is rejected."""
    _kb(engine)
    hed = {"id": "hed", "kind": "other_org", "name": "Hedayah"}
    kaz = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}
    # doc-c: an event in no state, no state in a role: a briefing never shows it, however doubtful it is
    _save(engine, "doc-c", "Hedayah held a seminar on prevention.", [dict(hed)],
          [{"id": "se", "type": "workshop", "name": "Seminar on prevention", "status": "held", "confidence": 0.1,
            "roles": [{"actor": "hed", "role": "organizer", "confidence": 0.3}]}])
    # doc-d: no venue country, but Kazakhstan holds a role: it engages Kazakhstan
    _save(engine, "doc-d", "Kazakhstan attended a roundtable.", [dict(kaz)],
          [{"id": "rt", "type": "meeting", "name": "Roundtable", "status": "held", "confidence": 0.15,
            "roles": [{"actor": "KAZ", "role": "participant", "confidence": 0.6}]}])
    with session_scope(engine) as s:
        items = review.queue(s)
        order = [(i.entity, i.label.split(":")[0] if i.entity is Entity.EVENT else None, i.confidence, i.briefing)
                 for i in items]
        n_briefed = sum(1 for i in items if i.briefing)
        assert all(i.briefing for i in items[:n_briefed]) and not any(i.briefing for i in items[n_briefed:])
        first = items[0]
        assert (first.entity, first.confidence, first.briefing) == (Entity.EVENT, 0.15, True), order
        seminar = next(i for i in items if i.entity is Entity.EVENT and "Seminar" in i.label)
        assert not seminar.briefing and items.index(seminar) == n_briefed, order  # 0.1, yet after every briefed fact
        seminar_role = next(i for i in items if i.entity is Entity.EVENT_ROLE and i.confidence == 0.3)
        assert not seminar_role.briefing
        # the service and the JSON of the CLI say the same
        page = service.queue(s, page=PageParams(limit=500))
        assert [(i.entity, i.id, i.briefing) for i in page.items] == [(i.entity, i.id, i.briefing) for i in items]
        role = next(i for i in items if i.entity is Entity.EVENT_ROLE and i.confidence == 0.6)
        service.decide(s, "ana", role.entity, role.id, "reject")
        after = review.queue(s)
        roundtable = next(i for i in after if i.entity is Entity.EVENT and "Roundtable" in i.label)
        assert not roundtable.briefing and after[0].confidence == 0.2
    listed = run_json("review", "queue", "--limit", "500", db=db_url)["items"]
    assert listed[0]["briefing"] is True and listed[-1]["briefing"] is False


def _queue_kb(engine) -> None:
    """:func:`_kb`, plus facts in every group of the queue: a seminar that engages no state (scored, not a
    briefing fact) with its role and organizer, and a roundtable engaging Kazakhstan through a role."""
    _kb(engine)
    hed = {"id": "hed", "kind": "other_org", "name": "Hedayah"}
    kaz = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}
    ngo = {"id": "ngo", "kind": "other_org", "name": "Prevention Network"}
    _save(engine, "doc-c", "Hedayah and the Prevention Network held a seminar on prevention.", [dict(hed), ngo],
          [{"id": "se", "type": "workshop", "name": "Seminar on prevention", "status": "held", "confidence": 0.1,
            "roles": [{"actor": "hed", "role": "organizer", "confidence": 0.3},
                      {"actor": "ngo", "role": "participant"}]}])
    _save(engine, "doc-d", "Kazakhstan attended a roundtable.", [dict(kaz)],
          [{"id": "rt", "type": "meeting", "name": "Roundtable", "status": "held", "confidence": 0.4,
            "roles": [{"actor": "KAZ", "role": "participant", "confidence": 0.4}]}])


def test_queue_cursor_pages_equal_offset_pages_and_the_whole_queue(engine):
    """The keyset cursor walks the queue in its order through every group (briefing facts scored, unscored,
    then the others), equal confidences broken by kind and id; offset pages give the same."""
    _queue_kb(engine)
    with session_scope(engine) as s:
        whole = [(i.entity, i.id, i.briefing) for i in review.queue(s)]
        groups = [(b, c is None) for _e, _i, b, c in
                  [(i.entity, i.id, i.briefing, i.confidence) for i in review.queue(s)]]
        assert {(True, False), (True, True), (False, False), (False, True)} <= set(groups)  # every group
        assert groups == sorted(groups, key=lambda g: (not g[0], g[1]))
        for size in (1, 2, 3, 7):
            walked, after = [], None
            while True:
                page = service.queue(s, page=PageParams(limit=size, after=after))
                walked += [(i.entity, i.id, i.briefing) for i in page.items]
                assert page.total == len(whole) and page.total_exact
                after = page.next_cursor
                if after is None:
                    break
            assert walked == whole, size
            by_offset = [(i.entity, i.id, i.briefing) for o in range(0, len(whole), size)
                         for i in service.queue(s, page=PageParams(limit=size, offset=o)).items]
            assert by_offset == whole, size
        # a filter keeps its own order under the cursor too
        q = service.QueueQuery(kind=[Entity.EVENT_ROLE])
        roles = [(i.entity, i.id) for i in service.queue(s, page=PageParams(limit=500), query=q).items]
        first = service.queue(s, page=PageParams(limit=2), query=q)
        rest = service.queue(s, page=PageParams(limit=500, after=first.next_cursor), query=q)
        assert [(i.entity, i.id) for i in first.items + rest.items] == roles and rest.next_cursor is None
        with pytest.raises(BadQuery):
            service.queue(s, page=PageParams(after="not-a-cursor"))
        with pytest.raises(BadQuery):  # another listing's cursor
            from ctrack.store.cursor import encode_cursor
            service.queue(s, page=PageParams(after=encode_cursor(["2019", 3])))


def test_queue_count_stops_past_the_cap_and_says_so(engine, monkeypatch):
    _queue_kb(engine)
    with session_scope(engine) as s:
        exact = service.queue(s).total
        monkeypatch.setattr(track_repo, "QUEUE_COUNT_CAP", exact - 2)
        page = service.queue(s, page=PageParams(limit=3))
        assert (page.total, page.total_exact) == (exact - 2, False) and len(page.items) == 3
        assert review.queue_size(s, cap=exact - 2) == exact - 1  # "more than the cap"
        monkeypatch.setattr(track_repo, "QUEUE_COUNT_CAP", exact)
        assert (service.queue(s).total, service.queue(s).total_exact) == (exact, True)


def test_queue_evidence_is_read_once_for_a_page(engine):
    """Every card keeps its source sentence, and a page's evidence, documents and labels take a fixed
    number of statements, not one per card."""
    from sqlalchemy import event as sa_event

    _queue_kb(engine)
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with session_scope(engine) as s:
        items = service.queue(s, page=PageParams(limit=500)).items
        assert all(i.sources for i in items if i.entity is Entity.ACTOR)
        hed = next(i for i in items if i.entity is Entity.ACTOR and i.label.endswith("Hedayah"))
        assert {x.document for x in hed.sources} == {"doc-b", "doc-c"}
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            service.queue(s, page=PageParams(limit=500))
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
    mentions = [st for st in seen if "FROM mentions" in st]
    documents = [st for st in seen if "FROM documents" in st]
    names = [st for st in seen if st.startswith("SELECT actors.id, actors.name, actors.acronym")]
    assert len(mentions) <= 2 and len(documents) <= 1 and len(names) <= 1, seen
