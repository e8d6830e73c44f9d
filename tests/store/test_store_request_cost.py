"""What a short read request costs the knowledge base (issue 12): an event's evidence read by index, a
Bearer request that writes nothing when its token was used a moment ago, keyset paging by row values.

Each test runs on SQLite and on PostgreSQL (the ``db_url`` fixture), and checks the rows that come out;
where the point is a statement not sent, the statements are counted with a ``before_cursor_execute``
listener.
"""
from __future__ import annotations

from sqlalchemy import select, update

from ctrack.schema import Record
from ctrack.store import repo, web_repo
from ctrack.store.db import session_scope
from ctrack.store.models import DbEvent, DbEventRole, DbMention, ReviewState
from ctrack.store.testing import make_document

CTED = {"id": "cted", "kind": "un_entity", "name": "Counter-Terrorism Committee Executive Directorate",
        "acronym": "CTED"}
TJK = {"id": "TJK", "kind": "member_state", "name": "Tajikistan", "iso3": "TJK"}
KAZ = {"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ"}


def save(engine, doc_id: str, actors: list[dict], events: list[dict], text: str) -> None:
    """Store one document of ``text`` whose extraction gave ``actors`` and ``events``."""
    rec = Record.model_validate({"schema": "ctrack.extraction/1", "document": {"id": doc_id, "title": doc_id},
                                 "actors": actors, "events": events})
    with session_scope(engine) as s:
        repo.save_document(s, make_document(doc_id, text, title=doc_id), rec)

TEXT = "CTED met Tajikistan in Dushanbe. Kazakhstan attended. CTED visited Almaty."


def _evidence_kb(engine) -> tuple[int, int]:
    """Two meetings in one document: the first with an event span and two role spans (one of a role then
    rejected), the second with one of each; returns the two events' ids."""
    actors = [{**CTED, "mentions": [{"start": 0, "end": 4, "text": "CTED", "rule": "gazetteer"}]}, TJK, KAZ]
    first = {"id": "m1", "type": "meeting", "start": "2018-05-03", "country": "TJK",
             "evidence": [{"start": 5, "end": 8, "text": "met", "rule": "meeting-verb"}],
             "roles": [{"actor": "cted", "role": "participant",
                        "evidence": {"start": 0, "end": 19, "text": "CTED met Tajikistan", "rule": "met-with"}},
                       {"actor": "KAZ", "role": "participant",
                        "evidence": {"start": 33, "end": 52, "text": "Kazakhstan attended", "rule": "attended"}},
                       {"actor": "TJK", "role": "participant"}]}
    second = {"id": "m2", "type": "assessment_visit", "start": "2018-06-10", "country": "KAZ",
              "evidence": [{"start": 59, "end": 66, "text": "visited", "rule": "visit-verb"}],
              "roles": [{"actor": "cted", "role": "participant",
                         "evidence": {"start": 54, "end": 66, "text": "CTED visited", "rule": "visited"}}]}
    save(engine, "ev", actors, [first, second], text=TEXT)
    with session_scope(engine) as s:
        rows = s.execute(select(DbEvent.id, DbEvent.start).order_by(DbEvent.start)).all()
        one, two = rows[0].id, rows[1].id
        kaz_role = s.scalar(select(DbEventRole.id).join(DbMention, DbMention.event_role_id == DbEventRole.id)
                            .where(DbEventRole.event_id == one, DbMention.text == "Kazakhstan attended"))
        s.execute(update(DbEventRole).where(DbEventRole.id == kaz_role).values(review_state=ReviewState.REJECTED))
    return one, two


def test_event_evidence_is_its_own_spans_and_its_roles_once_each(engine):
    one, two = _evidence_kb(engine)
    with session_scope(engine) as s:
        spans = web_repo.event_detail(s, one).evidence
        assert [(x.text, x.target) for x in spans] == [("CTED met Tajikistan", "role"), ("met", "event")]
        assert spans[0].actor.name == CTED["name"] and spans[0].event_id == one and spans[1].event_id == one
        other = web_repo.event_detail(s, two).evidence
        assert [(x.text, x.target) for x in other] == [("CTED visited", "role"), ("visited", "event")]
        assert len({x.id for x in spans + other}) == 4
