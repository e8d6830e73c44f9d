"""Recommendation writes through the service layer (the CLI, the API and the tracker page share them)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ctrack.errors import BadRecord, NotFound
from ctrack.service import recs as rec_service
from ctrack.store.track_models import DbAuditEntry, RecStatus
from ctrack.store.web_models import DbSearchEntry, SearchKind


def _entry(session, rec_id):
    return session.scalars(select(DbSearchEntry).where(DbSearchEntry.kind == SearchKind.RECOMMENDATION,
                                                       DbSearchEntry.ref_id == rec_id)).one_or_none()


def test_add_writes_the_search_entry_in_the_same_transaction(session):
    rec = rec_service.add(session, {"state": "KAZ", "text": "Criminalize the financing of travel",
                                    "ta_needed": "yes"}, user="ana")
    entry = _entry(session, rec.id)
    assert entry is not None and "financing of travel" in entry.body
    assert rec.state == "KAZ" and rec.ta_needed is True


def test_record_status_rewrites_the_entry_and_keeps_history(session):
    rec = rec_service.add(session, {"state": "UZB", "text": "Set up a financial intelligence unit"}, user="ana")
    assert "not started" in _entry(session, rec.id).body
    out = rec_service.record_status(session, rec.id, "implemented", dt.date.today(), user="bo",
                                    comment="law adopted")
    assert out.status == RecStatus.IMPLEMENTED
    assert "implemented" in _entry(session, rec.id).body
    actions = session.scalars(select(DbAuditEntry.action).where(DbAuditEntry.entity_id == rec.id)
                              .order_by(DbAuditEntry.id)).all()
    assert [a.value for a in actions][-1] == "status"


def test_bad_fields_are_listed_and_nothing_is_stored(session):
    with pytest.raises(BadRecord) as caught:
        rec_service.add(session, {"state": "Atlantis", "text": "x", "due_date": "not a day"}, user="ana")
    assert caught.value.code == "E013"
    assert "state" in str(caught.value) and "due_date" in str(caught.value)
    assert session.scalars(select(DbSearchEntry).where(DbSearchEntry.kind == SearchKind.RECOMMENDATION)).all() == []


def test_status_errors_are_ctrack_errors(session):
    rec = rec_service.add(session, {"state": "TJK", "text": "Train border guards"}, user="ana")
    with pytest.raises(BadRecord):
        rec_service.record_status(session, rec.id, "finished-ish", dt.date(2026, 1, 1), user="bo")
    with pytest.raises(NotFound):
        rec_service.record_status(session, 999_999, "implemented", dt.date(2026, 1, 1), user="bo")
