"""The evidence page's form to add a missed fact (``POST /review/add``): the role or event is stored, the status line
names it with an Undo, and the Undo takes it back; all in the audit log."""
from __future__ import annotations

import re

import pytest
from test_web_pages import login

from ctrack.store import track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import ReviewState
from ctrack.store.track_models import Action, Entity
from ctrack.web.testing import missing_role


@pytest.fixture
def web(api):
    return api


def test_the_evidence_page_adds_a_missed_role_and_event_and_undoes_them(web):
    engine = web.app.state.engine
    event_id, actor_id, doc_id, words = missing_role(engine)
    login(web, "viewer")
    assert 'action="/review/add"' not in web.client.get(f"/documents/{doc_id}/evidence").text  # viewers: no form
    csrf = login(web, "analyst")
    page = web.client.get(f"/documents/{doc_id}/evidence").text
    form = page[page.index('class="add-role"'):]
    assert f'<option value="{actor_id}">' in form and f'<option value="{event_id}">' in form
    here = f"/documents/{doc_id}/evidence"
    r = web.client.post("/review/add", follow_redirects=False, data={
        "csrf_token": csrf, "kind": "role", "document": str(doc_id), "back": here, "event_id": str(event_id),
        "actor_id": str(actor_id), "role": "funder", "evidence": words})
    assert r.status_code == 303 and re.fullmatch(rf"{here}\?done=\d+", r.headers["location"])
    entry = int(r.headers["location"].split("done=")[1])
    status = re.search(r'<div id="status".*?</div>', web.client.get(r.headers["location"]).text, re.S).group(0)
    assert "Added <b>event role" in status and "funder" in status and f'name="entry" value="{entry}"' in status
    with session_scope(engine) as s:
        e = track_repo.audit_entry(s, entry)
        assert (e.action, e.user, e.entity_type) == (Action.ADD, "analyst", Entity.EVENT_ROLE)
        role_id = e.entity_id
        assert track_repo.get(s, Entity.EVENT_ROLE, role_id).review_state is ReviewState.CONFIRMED
    back = web.client.post("/review/undo", follow_redirects=False,
                           data={"csrf_token": csrf, "entry": entry, "back": r.headers["location"]})
    assert back.status_code == 303 and "undone=" in back.headers["location"]
    assert "Undone: add of <b>event role" in web.client.get(back.headers["location"]).text
    with session_scope(engine) as s:
        assert track_repo.get(s, Entity.EVENT_ROLE, role_id).review_state is ReviewState.REJECTED
        assert track_repo.audit_entries(s, Entity.EVENT_ROLE, role_id)[-1].action is Action.UNDO
    # an event; then words the document does not hold and a missing role: the reason, nothing written
    r = web.client.post("/review/add", follow_redirects=False, data={
        "csrf_token": csrf, "kind": "event", "document": str(doc_id), "back": here, "type": "workshop",
        "trigger": words, "start": "2019-05", "city": "", "country": ""})
    assert "done=" in r.headers["location"]
    assert "Added <b>event " in web.client.get(r.headers["location"]).text
    bad = web.client.post("/review/add", follow_redirects=False, data={
        "csrf_token": csrf, "kind": "event", "document": str(doc_id), "back": here, "type": "workshop",
        "trigger": "zzqx nowhere"})
    assert "nowhere" in web.client.get(bad.headers["location"]).text
    bad = web.client.post("/review/add", follow_redirects=False, data={
        "csrf_token": csrf, "kind": "role", "document": str(doc_id), "back": here, "event_id": str(event_id),
        "actor_id": str(actor_id), "role": ""})
    assert "cannot add the role" in web.client.get(bad.headers["location"]).text
    assert web.client.post("/review/add", data={"kind": "role", "back": here}).status_code == 403  # CSRF
