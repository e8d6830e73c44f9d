"""The review pages at route level: typed correction fields, the confirmation of each decision with its
Undo, bulk decisions counted first, and a document's evidence view with each fact's spans marked."""
from __future__ import annotations

import html
import re

import pytest
from test_web_pages import login

from ctrack.store.db import session_scope
from ctrack.store.track_models import Entity
from ctrack.service import review as service
from ctrack.service.paging import PageParams


@pytest.fixture
def web(api):
    return api


def _first(web, kind: str):
    with session_scope(web.app.state.engine) as s:
        return service.queue(s, query=service.QueueQuery(kind=[Entity(kind)])).items[0]


def _card(page: str, ref: str) -> str:
    start = page.index(f'data-ref="{ref}"')
    return page[start:page.index("</li>", start)]


def test_correction_fields_are_the_facts_own_and_typed(web):
    login(web, "analyst")
    ev = _first(web, "event")
    page = web.client.get("/review", params={"kind": "event"}).text
    card = _card(page, ev.ref)
    with session_scope(web.app.state.engine) as s:
        fields = {f.name: f for f in service.fields_of(s, Entity.EVENT, ev.id)}
    options = re.findall(r'<option value="(\w+)">(\w[^<]*) \(now: ([^)]*)\)</option>', card)
    assert [o[0] for o in options] == list(fields)  # the event's own correctable fields, in order
    assert ("type", "type", fields["type"].current) in options
    # one typed input per field: a select of event types on the current one, the venue state as a text box
    # over the page's one list of member states, a date at year/month/day precision, whole numbers for delegations
    types = re.search(r'<select name="value__type">(.*?)</select>', card, re.S).group(1)
    assert f'<option value="{fields["type"].current}" selected>' in types and 'value="assessment_visit"' in types
    country = re.search(r'<input type="text" name="value__country" value="([^"]*)" list="([\w-]+)"', card)
    assert country.group(1) == (fields["country"].current or "")
    states = re.search(rf'<datalist id="{country.group(2)}">(.*?)</datalist>', page, re.S).group(1)
    assert '<option value="TJK">Tajikistan</option>' in states
    assert re.search(r'<input type="text" name="value__start" value="[^"]*"[^>]*pattern=', card)
    assert '<input type="number" name="value__delegations"' in card
    assert "placeholder" not in card
    # an actor's fields are an actor's (kind as a select, ISO3 state), a role's a role's
    actor = _card(web.client.get("/review", params={"kind": "actor"}).text, _first(web, "actor").ref)
    assert '<select name="value__kind">' in actor and re.search(r'<input type="text" name="value__iso3"[^>]* list=', actor)
    role = _card(web.client.get("/review", params={"kind": "event_role"}).text, _first(web, "event_role").ref)
    assert '<select name="value__role">' in role and 'name="value__actor_id"' in role and "value__type" not in role


#: Most bytes a review card may take (a card of the dev corpus's queue is 3-5 KB), and the rest of the page.
CARD_BYTES, PAGE_BYTES = 6_000, 30_000


@pytest.mark.parametrize("path", ["/review", "/review?kind=event", "/review/evidence?document=seed-000"])
def test_the_member_states_are_listed_once_per_page_and_a_page_stays_small(web, path):
    """A select of the ~200 member states in every card made a 50-fact page 400 KB (a new user's trial); the
    states are one datalist per page that every state field points to, so a card costs a few KB."""
    login(web, "analyst")
    page = web.client.get(path).text
    cards = page.count('<li id="item-')
    state_fields = re.findall(r'name="value__(?:country|iso3|state)"[^>]*>', page)
    assert cards and state_fields
    assert all('list="member-states"' in f for f in state_fields)
    assert page.count("<datalist") == 1 and page.count("<option value=\"TJK\"") <= 1 + cards
    assert max(len(x) for x in re.findall(r"<select[^>]*>.*?</select>", page, re.S)) < 2_000
    assert len(page.encode()) < PAGE_BYTES + CARD_BYTES * cards, (len(page.encode()), cards)


def test_each_decision_is_named_with_an_undo_and_undone_by_the_service(web):
    csrf = login(web, "analyst")
    ev = _first(web, "event")
    with session_scope(web.app.state.engine) as s:
        old = {f.name: f.current for f in service.fields_of(s, Entity.EVENT, ev.id)}["city"]
    # the first event of the queue may have no city (then the page says "empty"); either way the old value shows
    shown = html.escape(old) if old else '<i class="muted">empty</i>'
    r = web.client.post(f"/review/event/{ev.id}/correct", follow_redirects=False, data={
        "csrf_token": csrf, "back": "/review?kind=event", "at": "0", "field": "city", "value__city": "Khujand"})
    assert r.status_code == 303 and re.fullmatch(r"/review\?kind=event&done=\d+&at=0", r.headers["location"])
    page = web.client.get(r.headers["location"]).text
    status = re.search(r'<div id="status".*?</div>', page, re.S).group(0)
    assert f"Corrected <b>event {ev.id}</b>: city" in status and "Khujand" in status and shown in status
    assert 'id="done-card"' in page and 'name="entry"' in status
    entry = re.search(r'name="entry" value="(\d+)"', status).group(1)
    back = web.client.post("/review/undo", data={"csrf_token": csrf, "entry": entry,
                                                  "back": r.headers["location"]}, follow_redirects=False)
    assert back.status_code == 303 and "undone=" in back.headers["location"] and "done=" not in \
        back.headers["location"].replace("undone=", "")
    page = web.client.get(back.headers["location"]).text
    assert f"city back to <span class=\"new\">{shown}</span>" in page
    with session_scope(web.app.state.engine) as s:
        assert {f.name: f.current for f in service.fields_of(s, Entity.EVENT, ev.id)}["city"] == old
    # undoing twice is refused with the reason on the page, not an error page
    again = web.client.post("/review/undo", data={"csrf_token": csrf, "entry": entry, "back": "/review"},
                            follow_redirects=False)
    assert "undone+already" in again.headers["location"] or "undone%20already" in again.headers["location"]
    # a bad value: the reason, the form open again, nothing written
    bad = web.client.post(f"/review/event/{ev.id}/correct", follow_redirects=False, data={
        "csrf_token": csrf, "back": "/review", "at": "0", "field": "start", "value__start": "soon"})
    page = web.client.get(bad.headers["location"]).text
    assert "not an ISO date" in page and 'class="editing"' in page
    assert web.client.post("/review/undo", data={"entry": entry, "back": "/review"}).status_code == 403  # CSRF


def test_bulk_page_counts_first_and_refuses_a_set_that_changed(web):
    csrf = login(web, "analyst")
    page = web.client.get("/review/bulk", params={"action": "reject", "kind": "event_role"}).text
    count = int(re.search(r"<h1>Reject (\d+) facts matching kind event role\?</h1>", page).group(1))
    assert count > 2 and page.count('<td class="mono">event_role:') == min(count, 30)
    # another reviewer decides one meanwhile: the stale count is refused and the new one shown
    one = _first(web, "event_role")
    web.client.post(f"/review/event_role/{one.id}/confirm", data={"csrf_token": csrf})
    stale = web.client.post("/review/bulk", data={"csrf_token": csrf, "action": "reject", "expected": count,
                                                  "kind": "event_role"}, follow_redirects=False)
    assert "changed=1" in stale.headers["location"]
    page = web.client.get(stale.headers["location"]).text
    assert f"Reject {count - 1} facts" in page and "changed since it was counted" in page
    done = web.client.post("/review/bulk", data={"csrf_token": csrf, "action": "reject", "expected": count - 1,
                                                 "kind": "event_role"}, follow_redirects=False)
    batch = re.search(r"batch=(\w+)", done.headers["location"]).group(1)
    page = web.client.get(done.headers["location"]).text
    assert f"Rejected <b>{count - 1} facts</b> matching kind event role" in page and f"Undo all {count - 1}" in page
    with session_scope(web.app.state.engine) as s:
        assert service.batch_note(s, batch).count == count - 1
    assert web.client.get("/review/bulk", params={"action": "merge"}).status_code == 404


def test_evidence_view_marks_each_facts_spans_beside_its_facts(web):
    login(web, "viewer")
    docs = web.get("/api/v1/documents").json()["items"]
    doc = docs[0]
    r = web.client.get(f"/documents/{doc['id']}/evidence")
    assert r.status_code == 200
    page = r.text
    with session_scope(web.app.state.engine) as s:
        items = service.queue(s, query=service.QueueQuery(document=str(doc["id"])), page=PageParams(limit=500)).items
        text = service.track_repo.find_document(s, doc["id"]).text
    assert items and all(f'data-ref="{i.ref}"' in page for i in items[:50])
    # each fact's spans are marked with its reference, over the right words of the text
    marked = [(m.group(1).split(), html.unescape(m.group(2)))
              for m in re.finditer(r'<mark class="ev" data-refs="([^"]+)"[^>]*>(.*?)</mark>', page, re.S)]
    assert marked
    for item in items:
        for start, end in item.spans:
            assert any(item.ref in refs for refs, _ in marked)
            assert any(piece in text[start:end] for refs, piece in marked if item.ref in refs)
    for kind in (Entity.EVENT, Entity.EVENT_ROLE, Entity.ACTOR):  # every kind of fact has its evidence marked
        fact = next(i for i in items if i.entity is kind and i.spans)
        assert any(fact.ref in refs for refs, _ in marked)
    # reachable from the queue (by file name) and from the document page; viewers get no decision buttons
    assert web.client.get(f"/review/evidence?document={doc['doc_key']}", follow_redirects=False).headers[
        "location"] == f"/documents/{doc['id']}/evidence"
    assert f'href="/documents/{doc["id"]}/evidence"' in web.client.get(f"/documents/{doc['id']}").text
    assert "/review/evidence?document=" in web.client.get("/review").text
    assert 'data-action="confirm"' not in page
    assert web.client.get("/documents/999999/evidence").status_code == 404
