"""GET /api/v1/review/queue and the /review page: least certain first, filters, the confidence of each fact."""
from __future__ import annotations

import re

V = "/api/v1"


def test_api_queue_orders_by_confidence_and_filters(api):
    queue = api.get(f"{V}/review/queue", params={"limit": 500}).json()
    conf = [i["confidence"] for i in queue["items"]]
    scored = [c for c in conf if c is not None]
    assert scored and scored == sorted(scored) and conf[:len(scored)] == scored  # unscored last
    assert queue["total"] == len(queue["items"])
    # paging returns the same order
    second = api.get(f"{V}/review/queue", params={"limit": 3, "offset": 3}).json()
    assert [i["ref"] for i in second["items"]] == [i["ref"] for i in queue["items"][3:6]]
    roles = api.get(f"{V}/review/queue", params={"kind": "event_role", "limit": 500}).json()
    assert roles["total"] > 0 and {i["entity"] for i in roles["items"]} == {"event_role"}
    band = api.get(f"{V}/review/queue", params={"min_confidence": scored[1], "max_confidence": scored[-2]}).json()
    assert band["items"] and all(scored[1] <= i["confidence"] <= scored[-2] for i in band["items"])
    tjk = api.get(f"{V}/review/queue", params={"member_state": "TJK", "limit": 500}).json()
    assert 0 < tjk["total"] < queue["total"]
    assert any(i["entity"] == "actor" and "Tajikistan" in i["label"] for i in tjk["items"])
    bad = api.get(f"{V}/review/queue", params={"min_confidence": 0.9, "max_confidence": 0.1})
    assert bad.status_code == 422 and "above max confidence" in bad.text
    assert api.get(f"{V}/review/queue", params={"min_confidence": 2}).status_code == 422
    assert api.get(f"{V}/review/queue", params={"member_state": "Atlantis"}).status_code == 422


def test_review_page_shows_confidence_and_filters(api):
    page = api.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    api.client.post("/login", data={"name": "viewer", "password": "correct horse battery", "csrf_token": token,
                                    "next": "/review"}, follow_redirects=False)
    html = api.client.get("/review").text
    assert "least certain first" in html and 'name="min_confidence"' in html and 'name="member_state"' in html
    first = re.search(r'class="confidence"[^>]*>([^<]+)<', html).group(1)
    lowest = api.get(f"{V}/review/queue", params={"limit": 1}).json()["items"][0]["confidence"]
    assert first == f"confidence {lowest:.2f}"
    roles = api.client.get("/review", params={"kind": "event_role", "max_confidence": "0.99"}).text
    assert 'data-ref="event_role:' in roles and 'data-ref="actor:' not in roles
    assert api.client.get("/review", params={"kind": "", "member_state": ""}).status_code == 200
    assert api.client.get("/review", params={"kind": "nonsense"}).status_code == 422


def test_api_bulk_decision_counts_first_and_every_decision_undoes(api):
    # the least certain role's confidence bounds the set (a fixed bound depends on what the shipped models score)
    cap = api.get(f"{V}/review/queue", params={"kind": "event_role", "limit": 1}).json()["items"][0]["confidence"]
    body = {"action": "reject", "kind": ["event_role"], "max_confidence": cap}
    dry = api.post(f"{V}/review/bulk", json=body).json()
    assert dry["count"] > 0 and dry["applied"] is False and dry["entries"] == []
    still = api.get(f"{V}/review/queue", params={"kind": "event_role", "max_confidence": cap, "limit": 500}).json()
    assert still["total"] == dry["count"]
    assert api.post(f"{V}/review/bulk", json=body, role="viewer").status_code == 403
    done = api.post(f"{V}/review/bulk", json={**body, "apply": True}).json()
    assert done["applied"] and done["count"] == dry["count"] == len(done["entries"]) and done["refs"] == dry["refs"]
    entity, row_id = done["refs"][0].split(":")
    history = api.get(f"{V}/history/{entity}/{row_id}").json()["items"]
    assert [h["action"] for h in history] == ["reject"] and history[0]["user"] == "analyst"
    assert api.get(f"{V}/review/queue", params={"kind": "event_role", "max_confidence": cap}).json()["total"] == 0
    # undo the fact's last decision; then the entry of a correction
    back = api.post(f"{V}/review/{entity}/{row_id}/undo", json={"comment": "too hasty"}).json()
    assert back["state"] == "proposed" and back["ref"] == done["refs"][0]
    assert [h["action"] for h in api.get(f"{V}/history/{entity}/{row_id}").json()["items"]] == ["reject", "undo"]
    assert api.post(f"{V}/review/{entity}/{row_id}/undo").status_code == 422  # nothing left to undo
    fixed = api.post(f"{V}/review/{entity}/{row_id}/correct", json={"field": "role", "value": "funder"}).json()
    assert fixed["state"] == "corrected" and fixed["entry"]
    undone = api.post(f"{V}/review/entries/{fixed['entry']}/undo").json()
    assert undone["state"] == "proposed" and undone["entry"] > fixed["entry"]
    assert api.post(f"{V}/review/entries/{fixed['entry']}/undo").status_code == 422  # undone already
    assert api.post(f"{V}/review/entries/999999/undo").status_code == 404
    assert api.post(f"{V}/review/bulk", json={"action": "correct"}).status_code == 422


def test_api_undoes_a_bulk_decision_as_a_whole_and_lists_typed_fields(api):
    body = {"action": "confirm", "kind": ["event_role"], "apply": True}
    done = api.post(f"{V}/review/bulk", json=body).json()
    assert done["batch"] and done["count"] == len(done["entries"]) > 1
    assert api.post(f"{V}/review/batches/{done['batch']}/undo", role="viewer").status_code == 403
    back = api.post(f"{V}/review/batches/{done['batch']}/undo", json={"comment": "wrong filter"}).json()
    assert sorted(b["ref"] for b in back) == sorted(done["refs"]) and {b["state"] for b in back} == {"proposed"}
    entity, row_id = done["refs"][0].split(":")
    assert [h["action"] for h in api.get(f"{V}/history/{entity}/{row_id}").json()["items"]] == ["confirm", "undo"]
    assert api.post(f"{V}/review/batches/{done['batch']}/undo").status_code == 422
    fields = api.get(f"{V}/review/{entity}/{row_id}/fields").json()
    role = next(f for f in fields if f["name"] == "role")
    assert role["kind"] == "choice" and role["current"] in role["choices"] and role["required"]
    assert api.get(f"{V}/review/event_role/999999/fields").status_code == 404


def test_a_recommendation_correction_is_undone_through_the_api_and_the_web_page(api):
    """The correction of a recommendation's technical-assistance fields goes back like any other decision: by its
    audit entry through the API, and from the review page's Undo button (``POST /review/undo``)."""
    rec = api.post(f"{V}/recs", json={"state": "TJK", "text": "Train border guards in risk analysis",
                                      "ta_needed": False, "partners": ["OSCE"]}).json()
    ref = f"{V}/review/recommendation/{rec['id']}"
    fixed = api.post(f"{ref}/correct", json={"field": "ta_needed", "value": "yes"}).json()
    assert fixed["state"] == "corrected"
    assert api.get(f"{V}/recs/{rec['id']}").json()["ta_needed"] is True
    undone = api.post(f"{V}/review/entries/{fixed['entry']}/undo", json={"comment": "not a TA need"})
    assert undone.status_code == 200, undone.text
    back = api.get(f"{V}/recs/{rec['id']}").json()
    assert back["ta_needed"] is False and back["review_state"] == rec["review_state"]
    assert [h["action"] for h in api.get(f"{V}/history/recommendation/{rec['id']}").json()["items"]][-2:] == ["correct", "undo"]
    # the web page: a list field (partners) corrected, then undone with the status line's Undo
    partners = api.post(f"{ref}/correct", json={"field": "partners", "value": "OSCE; UNODC"}).json()
    page = api.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    api.client.post("/login", data={"name": "analyst", "password": "correct horse battery", "csrf_token": token,
                                    "next": "/review"}, follow_redirects=False)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', api.client.get("/review").text).group(1)
    r = api.client.post("/review/undo", data={"csrf_token": csrf, "entry": partners["entry"], "back": "/review"},
                        follow_redirects=False)
    assert r.status_code == 303 and "undone=" in r.headers["location"] and "error=" not in r.headers["location"]
    assert api.get(f"{V}/recs/{rec['id']}").json()["partners"] == ["OSCE"]


def test_api_queue_pages_by_cursor_and_says_when_its_count_stopped(api, monkeypatch):
    from ctrack.store import track_repo

    whole = api.get(f"{V}/review/queue", params={"limit": 500}).json()
    assert whole["total_exact"] and whole["next_cursor"] is None
    refs, after = [], None
    while True:
        page = api.get(f"{V}/review/queue", params={"limit": 4, **({"after": after} if after else {})}).json()
        refs += [i["ref"] for i in page["items"]]
        after = page["next_cursor"]
        if after is None:
            break
    assert refs == [i["ref"] for i in whole["items"]]
    assert api.get(f"{V}/review/queue", params={"after": "nonsense"}).status_code == 422
    monkeypatch.setattr(track_repo, "QUEUE_COUNT_CAP", 3)
    capped = api.get(f"{V}/review/queue", params={"limit": 2}).json()
    assert (capped["total"], capped["total_exact"]) == (3, False) and capped["next_cursor"]
    page = api.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    api.client.post("/login", data={"name": "viewer", "password": "correct horse battery", "csrf_token": token,
                                    "next": "/review"}, follow_redirects=False)
    html = api.client.get("/review").text
    assert "More than 3 facts proposed" in html
