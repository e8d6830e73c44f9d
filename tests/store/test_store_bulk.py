"""The store's bulk path (:func:`ctrack.store.bulk.insert_rows`) stores rows as an ORM insert would."""
import datetime as dt

from sqlalchemy import select

from ctrack.schema import ActorKind
from ctrack.store.bulk import insert_rows
from ctrack.store.models import DbActor, ReviewState
from ctrack.store.web_models import DbAggEvent

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def test_bulk_rows_read_back_like_orm_rows(session):
    """Enums go in by their stored names, a NULL stays NULL, a date-time keeps its value; the count is returned."""
    rows = [{"id": 9001, "kind": ActorKind.MEMBER_STATE, "name": "Kazakhstan", "acronym": None, "iso3": "KAZ",
             "affiliation_id": None, "canonical_key": "state:kaz", "title": None, "review_state": "proposed",
             "created_at": T0, "updated_at": T0},
            {"id": 9002, "kind": ActorKind.PERSON, "name": "Aigerim Nazarova", "acronym": None, "iso3": None,
             "affiliation_id": 9001, "canonical_key": "person:aigerim nazarova", "title": "Minister",
             "review_state": "proposed", "created_at": T0, "updated_at": T0}]
    assert insert_rows(session, DbActor.__table__, iter(rows)) == 2
    assert insert_rows(session, DbAggEvent.__table__, ({"event_id": i, "links": "{}"} for i in range(3))) == 3
    assert insert_rows(session, DbAggEvent.__table__, []) == 0
    session.commit()
    person = session.get(DbActor, 9002)
    assert person.kind is ActorKind.PERSON and person.review_state is ReviewState.PROPOSED
    assert person.affiliation_id == 9001 and person.title == "Minister" and person.acronym is None
    made = person.created_at  # SQLite gives it back naive, PostgreSQL aware
    assert (made if made.tzinfo else made.replace(tzinfo=dt.timezone.utc)) == T0
    assert session.get(DbActor, 9001).iso3 == "KAZ"
    assert session.scalars(select(DbAggEvent.event_id).order_by(DbAggEvent.event_id)).all() == [0, 1, 2]
