"""The API's operations on a knowledge base holding the seed document, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import datetime as dt
import io

V = "/api/v1"


def _conference(api):
    events = api.get(f"{V}/events", params={"country": "TJK", "type": "conference"}).json()["items"]
    return next(e for e in events if e["start"] == "2018-05-03")


def test_documents_list_get_and_filters(api):
    page = api.get(f"{V}/documents").json()
    assert page["total"] == 1 and page["limit"] == 50 and page["offset"] == 0
    doc = page["items"][0]
    assert doc["doc_key"] == "seed-000" and doc["format"] == "txt" and doc["event_count"] >= 3
    assert api.get(f"{V}/documents", params={"q": "nothing like this"}).json()["total"] == 0
    detail = api.get(f"{V}/documents/{doc['id']}").json()
    assert "Coninsx" in detail["text"]
    mention = next(m for m in detail["mentions"] if m["target"] == "actor" and m["actor"]["name"] == "Michèle Coninsx")
    assert detail["text"][mention["start"]:mention["end"]] == mention["text"]
    assert any(e["start"] == "2018-05-03" for e in detail["events"])
    assert api.get(f"{V}/documents/9999").status_code == 404
    assert api.get(f"{V}/documents/9999").json()["code"] == "E011"
    assert api.get(f"{V}/documents", params={"sort": "bogus"}).status_code == 422


def test_upload_stores_new_files_and_reports_bad_ones(api):
    from ctrack.web.testing import SEED

    new_text = ("ASTANA, 12 March 2019 - The OSCE and the Government of Kazakhstan held a workshop on "
                "countering the financing of terrorism in Astana on 11 March 2019.")
    files = [("files", ("seed-000.txt", SEED.read_bytes())), ("files", ("astana-workshop.txt", new_text.encode())),
             ("files", ("empty.txt", b"")), ("files", ("notes.xyz", b"hello")),
             ("files", ("../../etc/evil.txt", b"\x00\x01\x02 binary"))]
    r = api.post(f"{V}/documents", files=files)
    assert r.status_code == 200, r.text
    out = {x["filename"]: x for x in r.json()}
    assert out["seed-000.txt"]["status"] == "unchanged"
    assert out["astana-workshop.txt"]["status"] == "new" and out["astana-workshop.txt"]["events"] >= 1
    assert out["empty.txt"]["status"] == "failed" and out["empty.txt"]["code"] == "E003"
    assert out["notes.xyz"]["status"] == "failed" and out["notes.xyz"]["code"] == "E002"
    assert out["evil.txt"]["status"] == "failed" and out["evil.txt"]["error"]
    docs = api.get(f"{V}/documents", params={"sort": "-id"}).json()
    assert docs["total"] == 2 and docs["items"][0]["doc_key"] == "astana-workshop"
    assert api.get(f"{V}/search", params={"q": "astana"}).json()["total"] >= 1
    assert api.post(f"{V}/documents", role="viewer", files=files[:1]).status_code == 403
    from ctrack.store import track_repo
    from ctrack.store.db import session_scope
    from ctrack.store.track_models import Entity

    with session_scope(api.app.state.engine) as s:
        entry = track_repo.audit_entries(s, Entity.TRANSFER)[-1]
        assert entry.user == "analyst" and entry.after["records"] == [out["astana-workshop.txt"]["document_id"]]
        assert len(entry.after["errors"]) == 3


def test_actors_filter_sort_page_and_timeline(api):
    states = api.get(f"{V}/actors", params={"kind": "member_state", "limit": 100}).json()
    assert {"TJK", "QAT"} <= {a["iso3"] for a in states["items"]}
    assert all(a["kind"] == "member_state" for a in states["items"])
    by_events = api.get(f"{V}/actors", params={"sort": "-events", "limit": 2}).json()
    assert by_events["limit"] == 2 and len(by_events["items"]) == 2 and by_events["total"] > 2
    assert by_events["items"][0]["events"] >= by_events["items"][1]["events"]
    second = api.get(f"{V}/actors", params={"sort": "-events", "limit": 1, "offset": 1}).json()["items"][0]
    assert second["id"] == by_events["items"][1]["id"]
    cted = api.get(f"{V}/actors", params={"q": "CTED"}).json()["items"][0]
    assert api.get(f"{V}/actors/{cted['id']}").json()["acronym"] == "CTED"
    timeline = api.get(f"{V}/actors/{cted['id']}/timeline").json()
    assert timeline["actor"]["id"] == cted["id"] and timeline["entries"]
    shown = api.get(f"{V}/show", params={"name": "Coninsx"}).json()
    assert shown["actor"]["name"] == "Michèle Coninsx" and shown["actor"]["kind"] == "person"
    assert api.get(f"{V}/show", params={"name": "Nobody Atall"}).status_code == 404
    assert api.get(f"{V}/actors", params={"kind": "planet"}).status_code == 422


def test_events_in_the_extraction_vocabulary(api):
    conf = _conference(api)
    assert conf["type"] == "conference" and conf["city"] == "Dushanbe" and conf["country"] == "TJK"
    assert conf["end"] == "2018-05-04" and conf["status"] == "held"
    roles = {(r["actor"]["iso3"] or r["actor"]["acronym"], r["role"]) for r in conf["roles"]}
    assert {("TJK", "organizer"), ("OSCE", "organizer"), ("EU", "organizer"), ("QAT", "funder")} <= roles
    planned = api.get(f"{V}/events", params={"status": "planned"}).json()["items"]
    assert any(e["type"] == "briefing" and e["start"] == "2018-07-02" for e in planned)
    window = api.get(f"{V}/events", params={"since": "2018-05", "until": "2018-05-31"}).json()["items"]
    assert window and all(e["start"] and e["start"] <= "2018-05-31" for e in window)
    assert api.get(f"{V}/events", params={"since": "May the fourth"}).status_code == 422
    newest = api.get(f"{V}/events", params={"sort": "-start", "limit": 1}).json()["items"][0]
    assert newest["start"] == "2018-07-02"


def test_event_detail_has_passages_with_marked_evidence(api):
    conf = _conference(api)
    out = api.get(f"{V}/events/{conf['id']}").json()
    assert out["event"]["id"] == conf["id"]
    passages = out["sources"][0]["passages"]
    assert out["sources"][0]["source"]["doc_key"] == "seed-000" and passages
    labels = {m["label"] for p in passages for m in p["marks"]}
    assert "funder: Qatar" in labels
    for p in passages:
        for m in p["marks"]:
            assert 0 <= m["start"] < m["end"] <= len(p["text"])
    assert any(s["part_of_id"] == conf["id"] for s in out["sub_events"]) or out["sub_events"] == []
    assert api.get(f"{V}/events/123456").status_code == 404


def test_search(api):
    found = api.get(f"{V}/search", params={"q": "Coninsx"}).json()
    kinds = {h["kind"] for h in found["items"]}
    assert {"actor", "document"} <= kinds and found["total"] == len(found["items"])
    hit = next(h for h in found["items"] if h["kind"] == "document")
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "Coninsx" and hit["href"].startswith("/api/v1/documents/")
    only = api.get(f"{V}/search", params={"q": "coninsx", "kind": "actor"}).json()
    assert {h["kind"] for h in only["items"]} == {"actor"}
    assert api.get(f"{V}/search", params={"q": "tajik", "limit": 1}).json()["limit"] == 1


def test_reports_stats_and_network(api):
    brief = api.get(f"{V}/reports/briefing", params={"country": "TJK"}).json()
    assert brief["country"] == "TJK" and any(e["start"] == "2018-05-03" for e in brief["events"])
    assert api.get(f"{V}/reports/briefing", params={"region": "Atlantis"}).status_code == 404
    stats = api.get(f"{V}/stats").json()
    assert stats["documents"] == 1 and stats["events"] >= 3
    net = api.get(f"{V}/network", params={"country": "TJK"}).json()
    ids = {n["id"] for n in net["nodes"]}
    assert net["edges"] and all(e["source"] in ids and e["target"] in ids for e in net["edges"])
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in net["nodes"])


def test_review_actions_are_audited_with_the_user(api):
    queue = api.get(f"{V}/review/queue", params={"limit": 500}).json()
    assert queue["total"] == len(queue["items"]) > 0
    item = next(i for i in queue["items"] if i["entity"] == "actor")
    assert item["sources"] and item["sources"][0]["document"] == "seed-000"
    r = api.post(f"{V}/review/actor/{item['id']}/confirm", json={"comment": "checked"})
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    conf = _conference(api)
    r = api.post(f"{V}/review/event/{conf['id']}/correct", json={"field": "name", "value": "Dushanbe conference"})
    assert r.status_code == 200 and r.json()["state"] == "corrected"
    assert api.get(f"{V}/events/{conf['id']}").json()["event"]["name"] == "Dushanbe conference"
    assert api.get(f"{V}/search", params={"q": "dushanbe conference", "kind": "event"}).json()["total"] == 1
    bad = api.post(f"{V}/review/event/{conf['id']}/correct", json={"field": "colour", "value": "red"})
    assert bad.status_code == 422 and bad.json()["code"] == "E031"
    history = api.get(f"{V}/history/event/{conf['id']}").json()["items"]
    assert history[-1]["user"] == "analyst" and history[-1]["action"] == "correct"
    assert history[-1]["after"]["name"] == "Dushanbe conference"
    other = next(i for i in queue["items"] if i["entity"] == "event" and i["id"] != conf["id"])
    assert api.post(f"{V}/review/event/{other['id']}/reject", json={}).json()["state"] == "rejected"
    assert api.get(f"{V}/events/{other['id']}").status_code == 404
    left = api.get(f"{V}/review/queue", params={"limit": 500}).json()["total"]
    assert left == queue["total"] - 3


def test_merge_and_undo(api):
    states = {a["iso3"]: a["id"] for a in api.get(f"{V}/actors", params={"kind": "member_state"}).json()["items"]}
    d = api.post(f"{V}/review/merge", json={"subject": "actor", "kept_id": states["KAZ"], "other_id": states["KGZ"],
                                           "reason": "test"}).json()
    assert d["kind"] == "merge" and d["kept_id"] == states["KAZ"]
    assert api.get(f"{V}/actors/{states['KGZ']}").json()["review_state"] == "rejected"
    undone = api.post(f"{V}/review/undo/{d['decision']}", json={}).json()
    assert undone["decision"] == d["decision"] and undone["restored"]


def test_recommendations(api, tmp_path):
    made = api.post(f"{V}/recs", json={"state": "TJK", "text": "Strengthen border management cooperation",
                                       "themes": ["border management"], "ta_needed": True,
                                       "ta_description": "training of border guards", "due_date": "2019-01-31",
                                       "partners": ["OSCE"], "issued_on": "2018-06-01"})
    assert made.status_code == 201, made.text
    rec = made.json()
    assert rec["state"] == "TJK" and rec["ta_needed"] and rec["overdue"]
    page = api.get(f"{V}/recs", params={"state": "TJK"}).json()
    assert page["total"] == 1 and page["items"][0]["id"] == rec["id"]
    assert api.get(f"{V}/recs", params={"overdue": True}).json()["total"] == 1
    r = api.post(f"{V}/recs/{rec['id']}/status", json={"status": "implemented", "day": "2020-02-01"})
    assert r.json()["status"] == "implemented" and not r.json()["overdue"]
    detail = api.get(f"{V}/recs/{rec['id']}").json()
    assert [h["status"] for h in detail["history"]][-1] == "implemented" and "percent" in detail["progress"]
    stats = api.get(f"{V}/recs/stats").json()
    assert stats["totals"]["implemented"] == 1
    assert api.get(f"{V}/recs/overdue", params={"on": "2019-06-01"}).json()["items"][0]["id"] == rec["id"]
    exported = api.get(f"{V}/recs/export")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:2] == ["state", "text"] and rows[1][1] == "Strengthen border management cooperation"
    assert api.get(f"{V}/search", params={"q": "border guards", "kind": "recommendation"}).json()["total"] == 1
    good_and_bad = "state,text,due_date\nKGZ,Adopt a counter-financing law,2021-01-01\nNarnia,Something,2021-01-01\n"
    dry = api.post(f"{V}/recs/import", files={"file": ("recs.csv", good_and_bad.encode())}, data={"dry_run": "true"})
    assert dry.status_code == 422 and dry.json()["detail"]["errors"][0]["line"] == 3
    assert api.get(f"{V}/recs", params={"state": "KGZ"}).json()["total"] == 0
    real = api.post(f"{V}/recs/import", files={"file": ("recs.csv", good_and_bad.encode())})
    assert real.status_code == 422 and len(real.json()["detail"]["loaded"]) == 1
    assert api.get(f"{V}/recs", params={"state": "KGZ"}).json()["total"] == 1
    bad = api.post(f"{V}/recs", json={"state": "Narnia", "text": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "E013" and "state" in bad.json()["detail"]


def test_accounts(api):
    assert api.get(f"{V}/me", role="admin").json() == {**api.get(f"{V}/me", role="admin").json(), "role": "admin"}
    names = [u["name"] for u in api.get(f"{V}/users", role="admin").json()["items"]]
    assert names == ["admin", "analyst", "viewer"]
    made = api.post(f"{V}/users", role="admin", json={"name": "newbie", "role": "analyst", "password": "longenough1"})
    assert made.status_code == 201 and "password" not in made.text and "hash" not in made.text
    assert api.post(f"{V}/users", role="admin", json={"name": "newbie", "password": "longenough1"}).status_code == 422
    r = api.client.patch(f"{V}/users/newbie", headers=api.as_("admin"), json={"role": "viewer", "active": False})
    assert r.json()["role"] == "viewer" and r.json()["active"] is False
    r = api.client.patch(f"{V}/users/admin", headers=api.as_("admin"), json={"role": "viewer"})
    assert r.status_code == 422
