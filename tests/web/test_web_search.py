"""Full-text search (ctrack.store.search) behaves the same on SQLite FTS5 and PostgreSQL."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ctrack.schema import ActorKind, DocFormat, EventType, RoleType
from ctrack.store import search
from ctrack.store.models import ReviewState, DbActor, DbAlias, DbDocument, DbEvent, DbEventRole, DbEventSource
from ctrack.store.web_models import SearchKind

TEXT = ("DUSHANBE, 4 May 2018 - CTED Executive Director Michèle Coninsx addressed the high-level "
        "conference on countering terrorism in Dushanbe, organized by Tajikistan with the OSCE.")


def _kb(session):
    doc = DbDocument(doc_key="seed", path="/x/seed.txt", format=DocFormat.TXT, sha256="a" * 64, size=len(TEXT),
                     title="Conference in Dushanbe", published=dt.date(2018, 5, 4), text=TEXT)
    session.add(doc)
    session.flush()
    person = DbActor(kind=ActorKind.PERSON, canonical_key="person:michele coninsx", name="Michèle Coninsx",
                     title="Executive Director")
    state = DbActor(kind=ActorKind.MEMBER_STATE, canonical_key="state:TJK", name="Tajikistan", iso3="TJK")
    session.add_all([person, state])
    session.flush()
    session.add(DbAlias(actor_id=person.id, alias="Ms. Coninsx", normalized="coninsx", document_id=doc.id))
    event = DbEvent(type=EventType.CONFERENCE, name="High-level conference on countering terrorism",
                    start="2018-05-03", end="2018-05-04", city="Dushanbe", country="TJK")
    session.add(event)
    session.flush()
    session.add_all([
        DbEventSource(event_id=event.id, document_id=doc.id, local_id="e1", facts={}),
        DbEventRole(event_id=event.id, actor_id=state.id, role=RoleType.ORGANIZER, document_id=doc.id),
        DbEventRole(event_id=event.id, actor_id=person.id, role=RoleType.SPEAKER, document_id=doc.id),
    ])
    session.commit()
    return doc, person, state, event


def test_fold_keeps_offsets():
    assert search.fold("Michèle CONINSX") == "michele coninsx"
    assert len(search.fold("Straße Ĳssel ﬁ")) == len("Straße Ĳssel ﬁ")
    assert search.query_terms("Coninsx, Tajik-istan!") == ["coninsx", "tajik", "istan"]


def test_search_finds_documents_actors_and_events(session):
    doc, person, state, event = _kb(session)
    page = search.search(session, "Coninsx")
    found = {(h.kind, h.ref_id) for h in page.hits}
    assert (SearchKind.DOCUMENT, doc.id) in found and (SearchKind.ACTOR, person.id) in found
    assert (SearchKind.EVENT, event.id) in found  # the speaker's name is part of the event's text
    assert page.total == len(page.hits) == 3
    hit = next(h for h in page.hits if h.kind is SearchKind.DOCUMENT)
    start, end = hit.highlights[0]
    assert hit.snippet[start:end] == "Coninsx"


def test_accents_case_prefixes_and_all_words(session):
    doc, person, *_ = _kb(session)
    assert {h.ref_id for h in search.search(session, "michele", kinds=[SearchKind.ACTOR]).hits} == {person.id}
    assert search.search(session, "MICHÈLE conin", kinds=["document"]).total == 1
    assert search.search(session, "coninsx zanzibar").total == 0
    assert search.search(session, "  ,; ").total == 0


def test_paging(session):
    _kb(session)
    first = search.search(session, "dushanbe", limit=1)
    second = search.search(session, "dushanbe", limit=1, offset=1)
    assert first.total == second.total >= 2
    assert first.hits[0].ref_id != second.hits[0].ref_id or first.hits[0].kind != second.hits[0].kind


def test_refresh_follows_changes_and_deletions(session):
    doc, person, state, event = _kb(session)
    assert search.search(session, "Coninsx").total == 3
    assert search.refresh(session) == 0  # nothing changed
    person.name = "Michèle Coninsx-Renamed"
    session.flush()
    person.updated_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)
    session.commit()
    assert search.search(session, "renamed", kinds=[SearchKind.ACTOR]).total == 1
    person.review_state = ReviewState.REJECTED
    person.updated_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)
    session.commit()
    assert search.search(session, "renamed", kinds=[SearchKind.ACTOR]).total == 0  # rejected: out of search
    session.delete(event)
    session.commit()
    assert search.search(session, "Coninsx", kinds=[SearchKind.EVENT]).total == 0
    doc2 = DbDocument(doc_key="late", path="/x/late.txt", format=DocFormat.TXT, sha256="b" * 64, size=10,
                      title=None, text="A workshop on border management in Almaty.")
    session.add(doc2)
    session.commit()
    assert search.index_document(session, doc2.id) == 1
    hits = search.search(session, "almaty").hits
    assert [(h.kind, h.title) for h in hits] == [(SearchKind.DOCUMENT, "late")]


def test_rebuild(session):
    _kb(session)
    search.search(session, "x")
    assert search.rebuild(session) == 4
    session.commit()
    assert search.search(session, "tajikistan").total >= 2


def test_writes_that_bypass_updated_at_are_found(session):
    """A rename by a plain UPDATE (``updated_at`` untouched) and a new alias are in the next search:
    the triggers queue the row, the refresh reindexes it."""
    from sqlalchemy import update

    doc, person, state, event = _kb(session)
    search.search(session, "Coninsx")
    session.execute(update(DbActor).where(DbActor.id == state.id).values(name="Republic of Tajikistan Renamed"))
    session.add(DbAlias(actor_id=person.id, alias="Madame Zanzibarova", normalized="zanzibarova"))
    session.commit()
    assert {h.ref_id for h in search.search(session, "renamed", kinds=[SearchKind.ACTOR]).hits} == {state.id}
    assert {h.ref_id for h in search.search(session, "zanzibarova", kinds=[SearchKind.ACTOR]).hits} == {person.id}
    session.execute(update(DbEventRole).where(DbEventRole.actor_id == state.id).values(role=RoleType.FUNDER))
    session.commit()
    hit = search.search(session, "Coninsx", kinds=[SearchKind.EVENT]).hits[0]
    assert "funder" in hit.snippet


def test_refresh_reads_only_the_queue(session):
    """With nothing written since the last search, a refresh reads no table of the knowledge base (so its cost
    does not grow with it); after one write it reindexes that row only."""
    from sqlalchemy import event as sa_event

    doc, person, state, event = _kb(session)
    for i in range(30):
        session.add(DbActor(kind=ActorKind.PERSON, canonical_key=f"person:p{i}", name=f"Person Number{i}"))
    session.commit()
    search.search(session, "number")
    seen: list[str] = []

    def log(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()).lower())

    sa_event.listen(session.get_bind(), "before_cursor_execute", log)
    try:
        assert search.refresh(session) == 0
        assert not [s for s in seen if any(f"from {t} " in s + " " or f"join {t} " in s
                                           for t in ("actors", "events", "documents", "search_entries"))], seen
        person.name = "Michèle Coninsx-Late"
        session.commit()
        assert search.refresh(session) == 1
    finally:
        sa_event.remove(session.get_bind(), "before_cursor_execute", log)
    assert search.search(session, "late", kinds=[SearchKind.ACTOR]).total == 1


def test_opening_the_store_puts_lost_triggers_back_and_queues_what_they_missed(db_url, engine, session):
    """Alembic's batch mode on SQLite recreates a table without its triggers: the next open_store installs
    them again and queues, once, every row changed while they were missing."""
    from ctrack.store.db import open_store

    doc, person, state, event = _kb(session)
    search.search(session, "Coninsx")
    session.commit()
    with engine.begin() as conn:
        search.drop_triggers(conn)
    person.name = "Michèle Coninsx-Meanwhile"  # the ORM moves updated_at on
    session.commit()
    open_store(db_url).dispose()
    assert {h.ref_id for h in search.search(session, "meanwhile", kinds=[SearchKind.ACTOR]).hits} == {person.id}
    state.name = "Tajikistan After"
    session.commit()
    assert search.search(session, "after", kinds=[SearchKind.ACTOR]).total == 1  # triggers at work again


def test_opening_the_store_queues_documents_stored_while_the_triggers_were_missing(db_url, engine, session):
    """A document written while the triggers were missing has no search entry; the next open_store finds it
    (the anti-join of documents against their entries) and a search returns it, while the indexed one is not
    queued again."""
    from ctrack.store.db import open_store
    from ctrack.store.web_models import DbSearchDirty

    doc, *_ = _kb(session)
    search.search(session, "Coninsx")
    session.commit()
    with engine.begin() as conn:
        search.drop_triggers(conn)
    late = DbDocument(doc_key="late", path="/x/late.txt", format=DocFormat.TXT, sha256="b" * 64, size=40,
                      title="Workshop in Bishkek", published=dt.date(2019, 6, 1),
                      text="BISHKEK - A workshop on border security opened.")
    session.add(late)
    session.commit()
    open_store(db_url).dispose()
    queued = {(q.kind, q.ref_id) for q in session.scalars(select(DbSearchDirty))}
    assert (SearchKind.DOCUMENT, late.id) in queued and (SearchKind.DOCUMENT, doc.id) not in queued
    assert {h.ref_id for h in search.search(session, "bishkek", kinds=[SearchKind.DOCUMENT]).hits} == {late.id}


def test_a_common_word_is_ranked_among_the_latest_matches_and_the_total_says_more_than(session, monkeypatch):
    """Past search.CANDIDATES matches, the count stops (total = the cap, total_exact False) and the hits are
    the best of the most recently indexed matches; below it, every match is counted and ranked."""
    for i in range(7):
        text = "Karimov " * (1 + (i % 3)) + f"met officials, report {i}."
        session.add(DbDocument(doc_key=f"k{i}", path=f"/x/k{i}.txt", format=DocFormat.TXT, sha256=f"{i:064x}",
                               size=len(text), title=f"Report {i}", published=dt.date(2018, 5, 4), text=text))
        session.flush()
        search.search(session, "karimov")  # index each one now: entry ids follow the documents' order
    session.commit()
    everything = search.search(session, "karimov", kinds=[SearchKind.DOCUMENT], limit=20)
    assert (everything.total, everything.total_exact) == (7, True)
    monkeypatch.setattr(search, "CANDIDATES", 4)
    capped = search.search(session, "karimov", kinds=[SearchKind.DOCUMENT], limit=20)
    assert (capped.total, capped.total_exact) == (4, False)
    latest = {d.id for d in session.query(DbDocument).order_by(DbDocument.id.desc()).limit(4)}
    assert {h.ref_id for h in capped.hits} == latest
    assert [h.score for h in capped.hits] == sorted((h.score for h in capped.hits), reverse=True)
    assert capped.hits[0].score > capped.hits[-1].score  # ranked, not in id order
    page2 = search.search(session, "karimov", kinds=[SearchKind.DOCUMENT], limit=2, offset=2)
    assert [h.ref_id for h in page2.hits] == [h.ref_id for h in capped.hits[2:4]] and not page2.total_exact
    past = search.search(session, "karimov", kinds=[SearchKind.DOCUMENT], limit=2, offset=10)
    assert past.hits == [] and (past.total, past.total_exact) == (4, False)
    whole = search.search(session, "karimov", limit=20)  # every kind: the same cap without the kind filter
    assert (whole.total, whole.total_exact) == (4, False)


def test_a_search_with_nothing_queued_sends_one_read_before_its_query(session):
    """Once the index and the triggers were seen, a search with nothing queued reads the queue once: no
    savepoint, no catalog read; a write is still in the next search."""
    from sqlalchemy import event as sa_event

    doc, person, state, event = _kb(session)
    search.search(session, "Coninsx")  # makes the index (open_store does not; the app does when it starts)
    session.commit()
    search.search(session, "Coninsx")  # finds index and triggers in place
    seen: list[str] = []

    def log(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()).lower())

    sa_event.listen(session.get_bind(), "before_cursor_execute", log)
    try:
        assert search.search(session, "coninsx").total >= 1
        before_query = seen[:[i for i, s in enumerate(seen) if "search_entries" in s or "search_fts" in s][0]]
        assert len(before_query) == 1 and "from search_dirty" in before_query[0], seen
        assert not [s for s in seen if "savepoint" in s or "sqlite_master" in s or "pg_trigger" in s
                    or "to_regclass" in s], seen
        person.name = "Michèle Coninsx-Later"
        session.commit()
        assert search.search(session, "later", kinds=[SearchKind.ACTOR]).total == 1
    finally:
        sa_event.remove(session.get_bind(), "before_cursor_execute", log)
