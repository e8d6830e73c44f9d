"""Every list endpoint of the API pages (issue 12: "every list endpoint pages, with a maximum page size"):
``limit`` is obeyed, a page over the maximum is refused, and ``total`` counts every match. A new user's trial
found ``/api/v1/states?limit=5`` answering all the states: the endpoints that answered a bare list are
listed here with the others, and no GET operation may answer a bare list."""
from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from ctrack.api.app import API_PREFIX
from ctrack.service.paging import MAX_LIMIT
from ctrack.service.search import MAX_HITS
from ctrack.service.testing import save_lookalikes

V = API_PREFIX


def _two_overdue_recs(api):
    for text in ("Strengthen border management cooperation", "Adopt a national counter-terrorism strategy"):
        made = api.post(f"{V}/recs", json={"state": "TJK", "text": text, "due_date": "2019-01-31",
                                           "issued_on": "2018-06-01"})
        assert made.status_code == 201, made.text


def _history_of_two_entries(api) -> str:
    event = api.get(f"{V}/events").json()["items"][0]["id"]
    assert api.post(f"{V}/review/event/{event}/confirm").status_code == 200
    assert api.post(f"{V}/review/event/{event}/undo").status_code == 200
    return f"/history/event/{event}"


def _two_decisions(api):
    save_lookalikes(api.app.state.engine, first=1)
    for pair in api.get(f"{V}/review/duplicates", params={"subject": "actor"}).json()["items"][:2]:
        body = {"subject": "actor", "a_id": pair["a"]["id"], "b_id": pair["b"]["id"]}
        assert api.post(f"{V}/review/distinct", json=body).status_code == 200


def _actor_with_events(api) -> str:
    tjk = api.get(f"{V}/actors", params={"kind": "member_state", "q": "TJK"}).json()["items"][0]["id"]
    return f"/actors/{tjk}/timeline"


#: (path, role, setup giving at least two items (returns the path when it makes it), item key, maximum page).
PAGED = [
    ("/actors", "viewer", None, "items", MAX_LIMIT),
    ("/events", "viewer", None, "items", MAX_LIMIT),
    ("/documents", "viewer", lambda api: save_lookalikes(api.app.state.engine, first=1), "items", MAX_LIMIT),
    ("/states", "viewer", None, "items", MAX_LIMIT),
    ("/users", "admin", None, "items", MAX_LIMIT),
    ("/recs", "viewer", _two_overdue_recs, "items", MAX_LIMIT),
    ("/recs/overdue?on=2020-01-01", "viewer", _two_overdue_recs, "items", MAX_LIMIT),
    ("/review/queue", "viewer", None, "items", MAX_LIMIT),
    ("/review/duplicates", "viewer", lambda api: save_lookalikes(api.app.state.engine, first=1), "items", MAX_LIMIT),
    ("/review/decisions", "viewer", _two_decisions, "items", MAX_LIMIT),
    ("/history", "viewer", _history_of_two_entries, "items", MAX_LIMIT),
    ("/search?q=counter", "viewer", None, "items", MAX_HITS),
    ("/show?name=TJK", "viewer", None, "entries", MAX_LIMIT),
    ("/actors/timeline", "viewer", _actor_with_events, "entries", MAX_LIMIT),
]

#: GET operations that answer a list but are not listings: a fact's correctable fields (a handful, fixed by its kind).
NOT_LISTINGS = {"/review/{entity}/{row_id}/fields"}


@pytest.mark.parametrize("path, role, setup, key, maximum", PAGED, ids=[p[0] for p in PAGED])
def test_every_list_endpoint_obeys_limit_and_refuses_an_oversized_page(api, path, role, setup, key, maximum):
    made = setup(api) if setup else None
    path, _, query = (made if isinstance(made, str) else path).partition("?")
    fixed = dict(parse_qsl(query))

    def get(**params):
        return api.get(V + path, role=role, params={**fixed, **params})

    whole = get(limit=maximum)
    assert whole.status_code == 200, whole.text
    total = whole.json()["total"]
    assert total >= 2 and len(whole.json()[key]) == total, (path, total)  # the fixture lists more than one
    first = get(limit=1)
    assert first.status_code == 200 and len(first.json()[key]) == 1 and first.json()["total"] == total
    if "offset" in first.json():
        assert get(limit=1, offset=1).json()[key] == whole.json()[key][1:2]
    assert get(limit=maximum + 1).status_code == 422
    assert get(limit=0).status_code == 422


def test_no_get_operation_answers_an_unpaged_list(api):
    spec = api.app.openapi()
    unpaged, limited = [], []
    for path, operations in spec["paths"].items():
        op = operations.get("get")
        if not op:
            continue
        schema = op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("type") == "array" and path[len(V):] not in NOT_LISTINGS:
            unpaged.append(path)
        if any(p["name"] == "limit" for p in op.get("parameters", [])):
            limited.append(path)
    assert unpaged == []
    covered = {p.split("?")[0] for p, *_ in PAGED} | {"/actors/{actor_id}/timeline", "/history/{entity}/{row_id}"}
    assert sorted(p[len(V):] for p in limited if p[len(V):] not in covered) == []
