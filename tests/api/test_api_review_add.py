"""POST /api/v1/review/add-role and /review/add-event: a fact the extractor missed, stored confirmed with an ``add``
audit entry and undone through /review/entries/{entry}/undo, like every decision (on SQLite and PostgreSQL)."""
from __future__ import annotations

from ctrack.web.testing import missing_role

V = "/api/v1"


def test_api_adds_a_role_and_an_event_audits_and_undoes_them(api):
    event_id, actor_id, doc_id, words = missing_role(api.app.state.engine)
    body = {"event_id": event_id, "actor_id": actor_id, "role": "supporter", "evidence": words, "comment": "missed"}
    assert api.post(f"{V}/review/add-role", json=body, role="viewer").status_code == 403
    out = api.post(f"{V}/review/add-role", json=body)
    assert out.status_code == 200, out.text
    added = out.json()
    assert added["entity"] == "event_role" and added["state"] == "confirmed" and added["entry"]
    role_id = added["id"]
    history = api.get(f"{V}/history/event_role/{role_id}").json()["items"]
    assert [h["action"] for h in history] == ["add"] and history[0]["user"] == "analyst"
    assert history[0]["after"]["role"] == "supporter" and history[0]["comment"] == "missed"
    assert any(r["actor"]["id"] == actor_id and r["role"] == "supporter"
               for r in api.get(f"{V}/events/{event_id}").json()["event"]["roles"])
    again = api.post(f"{V}/review/add-role", json=body)
    assert again.status_code == 422 and "already" in again.json()["detail"]
    assert api.post(f"{V}/review/add-role", json={**body, "role": "host"}).status_code == 422
    assert api.post(f"{V}/review/add-role", json={**body, "event_id": 999999}).status_code == 404
    undone = api.post(f"{V}/review/entries/{added['entry']}/undo").json()
    assert undone["state"] == "rejected" and undone["entry"] > added["entry"]
    assert [h["action"] for h in api.get(f"{V}/history/event_role/{role_id}").json()["items"]] == ["add", "undo"]
    assert not any(r["actor"]["id"] == actor_id and r["role"] == "supporter"
                   for r in api.get(f"{V}/events/{event_id}").json()["event"]["roles"])
    # an event, told by the actor's words in the document
    ev = api.post(f"{V}/review/add-event", json={"document": str(doc_id), "type": "meeting", "trigger": words,
                                                  "start": "2019-05-02", "country": "TJK"})
    assert ev.status_code == 200, ev.text
    new = ev.json()
    assert new["entity"] == "event" and new["state"] == "confirmed"
    shown = api.get(f"{V}/events/{new['id']}").json()["event"]
    assert (shown["type"], shown["start"], shown["country"]) == ("meeting", "2019-05-02", "TJK")
    assert api.post(f"{V}/review/add-event", json={"document": str(doc_id), "type": "meeting",
                                                   "trigger": "zzqx nowhere"}).status_code == 422
    back = api.post(f"{V}/review/event/{new['id']}/undo").json()
    assert back["state"] == "rejected"
    assert [h["action"] for h in api.get(f"{V}/history/event/{new['id']}").json()["items"]] == ["add", "undo"]
