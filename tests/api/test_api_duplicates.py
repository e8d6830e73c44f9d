"""Duplicates through the HTTP API, the CLI and the web pages alike: the candidate list, two records side by
side, "not the same", merge and undo, each written to the audit log under the account's name."""
from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from ctrack.cli import app as cli
from ctrack.service.testing import save_lookalikes

V = "/api/v1"


def test_api_lists_candidates_and_records_not_the_same_and_merge_with_undo(api):
    save_lookalikes(api.app.state.engine, first=1)  # group 1 (2001): the seed's own conference is in May 2018
    page = api.get(f"{V}/review/duplicates").json()
    assert page["total"] == 3 and [round(c["score"]) for c in page["items"]] == [88, 77, 70]
    first = page["items"][0]
    assert first["subject"] == "actor" and first["reasons"] and first["a"]["ref"] == f"actor:{first['a']['id']}"
    assert api.get(f"{V}/review/duplicates", params={"subject": "event"}).json()["total"] == 1
    assert api.get(f"{V}/review/duplicates", params={"subject": "document"}).status_code == 422
    assert api.get(f"{V}/review/duplicates", params={"min_score": 101}).status_code == 422
    side = api.get(f"{V}/review/duplicates/actor/{first['a']['id']}/{first['b']['id']}").json()
    assert side["score"] == first["score"] and side["a"]["actor"]["id"] == first["a"]["id"]
    assert side["a"]["sources"][0]["passages"]

    body = {"subject": "actor", "a_id": first["a"]["id"], "b_id": first["b"]["id"], "reason": "two bodies"}
    assert api.post(f"{V}/review/distinct", role="viewer", json=body).status_code == 403
    made = api.post(f"{V}/review/distinct", json=body)
    assert made.status_code == 200, made.text
    decision = made.json()
    assert decision["kind"] == "distinct" and decision["user"] == "analyst"
    assert api.post(f"{V}/review/distinct", json=body).status_code == 422  # judged already
    assert api.get(f"{V}/review/duplicates").json()["total"] == 2
    history = api.get(f"{V}/history/actor/{first['a']['id']}").json()["items"]
    assert history[-1]["action"] == "distinct" and history[-1]["comment"] == "two bodies"
    assert api.post(f"{V}/review/undo/{decision['id']}").status_code == 200
    assert api.get(f"{V}/review/decisions/{decision['id']}").json()["undone_by"] == "analyst"
    assert api.get(f"{V}/review/duplicates").json()["total"] == 3

    event = api.get(f"{V}/review/duplicates", params={"subject": "event"}).json()["items"][0]
    merged = api.post(f"{V}/review/merge", json={"subject": "event", "kept_id": event["a"]["id"],
                                                 "other_id": event["b"]["id"]}).json()
    assert api.get(f"{V}/review/duplicates", params={"subject": "event"}).json()["total"] == 0
    listed = api.get(f"{V}/review/decisions").json()["items"]
    assert [d["kind"] for d in listed] == ["merge", "distinct"] and "Merged event" in listed[0]["summary"]
    api.post(f"{V}/review/undo/{merged['decision']}")
    assert api.get(f"{V}/review/duplicates", params={"subject": "event"}).json()["total"] == 1
    assert api.get(f"{V}/review/decisions/999999").status_code == 404


def run(*args):
    return CliRunner().invoke(cli, [*args], catch_exceptions=False, env={"COLUMNS": "240"})


def test_cli_lists_candidates_and_records_not_the_same(engine, db_url):
    save_lookalikes(engine)
    listed = run("review", "duplicates", "--json", "--db", db_url)
    assert listed.exit_code == 0, listed.output
    pairs = json.loads(listed.stdout)
    assert [round(p["score"]) for p in pairs] == [86, 77, 70]
    table = run("review", "duplicates", "--kind", "actor", "--db", db_url)
    assert "Candidate duplicates (2" in table.output and "Maria Smith" in table.output and "ctrack review distinct" in table.output
    a, b = pairs[1]["a"]["ref"], pairs[1]["b"]["ref"]
    done = run("review", "distinct", a, b, "-m", "two people", "--user", "amina", "--db", db_url)
    assert done.exit_code == 0 and "not the same" in done.output
    decision = re.search(r"Decision (\d+)", done.output).group(1)
    assert [p["a"]["ref"] for p in json.loads(run("review", "duplicates", "--json", "--db", db_url).stdout)] \
        == [pairs[0]["a"]["ref"], pairs[2]["a"]["ref"]]
    history = json.loads(run("history", a, "--json", "--db", db_url).stdout)
    assert history[-1]["action"] == "distinct" and history[-1]["user"] == "amina"
    undone = run("review", "undo", decision, "--db", db_url)
    assert undone.exit_code == 0, undone.output
    assert len(json.loads(run("review", "duplicates", "--json", "--db", db_url).stdout)) == 3
    assert run("review", "distinct", a, "event:1", "--db", db_url).exit_code != 0


def _sign_in(api, role):
    page = api.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    api.client.post("/login", data={"name": role, "password": "correct horse battery", "csrf_token": token,
                                    "next": "/"}, follow_redirects=False)
    return re.search(r'name="csrf-token" content="([^"]+)"', api.client.get("/dedupe").text).group(1)


def test_web_pages_list_compare_decide_and_undo(api):
    save_lookalikes(api.app.state.engine, first=1)
    assert api.client.get("/dedupe", follow_redirects=False).status_code == 303  # sign in first
    csrf = _sign_in(api, "viewer")
    html = api.client.get("/dedupe").text
    assert "3 pairs of actors and events" in html and "Maria Sbath" in html
    link = re.search(r'href="(/dedupe/event/\d+/\d+)"', html).group(1)
    compare = api.client.get(link).text
    assert "Are these the same event?" in compare and "Merge, keep A" not in compare  # a viewer cannot decide
    a_id, b_id = map(int, link.rsplit("/", 2)[1:])
    form = {"subject": "event", "kept_id": a_id, "other_id": b_id, "csrf_token": csrf}
    assert api.client.post("/dedupe/merge", data=form, follow_redirects=False).status_code == 403
    api.client.post("/logout", data={"csrf_token": csrf})
    csrf = _sign_in(api, "analyst")
    assert api.client.post("/dedupe/merge", data={**form, "csrf_token": "wrong"}).status_code == 403
    compare = api.client.get(link).text
    assert "Merge, keep A" in compare and "Not the same" in compare and "High-Level Conference" in compare
    done = api.client.post("/dedupe/merge", data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    page = api.client.get(done.headers["location"]).text
    assert f"Merged event {b_id}" in page and 'id="undo"' in page
    undone = api.client.post(done.headers["location"] + "/undo", data={"csrf_token": csrf})
    assert "both records are back" in undone.text
    assert "1 pair of events" in api.client.get("/dedupe?kind=event").text
    assert api.client.get("/dedupe?kind=document").status_code == 404
    # merge the two Sbaths, then split what the second document said off again, and undo that split
    smith = re.search(r'href="/dedupe/actor/(\d+)/(\d+)"[^>]*>Compare</a></td>\s*</tr>\s*<tr data-pair="event',
                      api.client.get("/dedupe").text)
    kept, other = map(int, smith.groups())
    merged = api.client.post("/dedupe/merge", data={"subject": "actor", "kept_id": kept, "other_id": other,
                                                    "csrf_token": csrf})
    assert "Split actor" in merged.text and "Maria Sbath" in merged.text
    split_page = api.client.get(f"/dedupe/split/actor/{kept}").text
    docs = re.findall(r'name="documents" value="(\d+)"> ([\w-]+)', split_page)
    assert [key for _, key in docs] == ["lookalikex1-1", "lookalikex1-2"]
    assert api.client.post("/dedupe/split", data={"subject": "actor", "row_id": kept, "csrf_token": csrf}).status_code == 422
    split = api.client.post("/dedupe/split", data={"subject": "actor", "row_id": kept, "documents": docs[1][0],
                                                   "csrf_token": csrf})
    assert f"Split actor {kept}" in split.text and "Mario Sbath" in split.text and 'id="undo"' in split.text
    decision = re.search(r"/dedupe/decisions/(\d+)/undo", split.text).group(1)
    assert "the split-off record is emptied" in api.client.post(f"/dedupe/decisions/{decision}/undo",
                                                               data={"csrf_token": csrf}).text
