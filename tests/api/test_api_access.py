"""Every API endpoint refuses anonymous requests (401), every write refuses a viewer (403), bad tokens
are refused, and a browser session must send its CSRF token on writes."""
from __future__ import annotations

import re

from ctrack.api.app import API_PREFIX


def api_routes(app) -> list[tuple[str, str]]:
    """(method, path with sample parameters) of every operation in the app's OpenAPI document."""
    samples = {"entity": "actor", "name": "viewer"}
    out = []
    for path, operations in app.openapi()["paths"].items():
        assert path.startswith(API_PREFIX)
        sample = re.sub(r"\{(\w+)\}", lambda m: samples.get(m.group(1), "1"), path)
        out += [(method.upper(), sample) for method in operations]
    return out


def test_the_api_has_the_operations_of_the_cli(api):
    paths = {p for _, p in api_routes(api.app)}
    for expected in ("/documents", "/actors", "/events", "/show", "/review/queue", "/history/actor/1", "/recs",
                     "/recs/stats", "/recs/import", "/recs/export", "/search", "/reports/briefing", "/network",
                     "/stats", "/me", "/users"):
        assert API_PREFIX + expected in paths, expected


def test_anonymous_is_refused_everywhere(api):
    routes = api_routes(api.app)
    assert len(routes) >= 25
    for method, path in routes:
        r = api.client.request(method, path)
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.headers["www-authenticate"] == "Bearer"


def test_viewer_is_refused_every_write(api):
    writes = [(m, p) for m, p in api_routes(api.app) if m not in ("GET", "HEAD", "OPTIONS")]
    assert len(writes) >= 10
    for method, path in writes:
        r = api.client.request(method, path, headers=api.as_("viewer"), json={})
        assert r.status_code == 403, (method, path, r.status_code, r.text)
    # and nothing changed
    assert api.get("/api/v1/review/queue?limit=1").json()["total"] > 0


def test_analyst_cannot_manage_accounts(api):
    assert api.get("/api/v1/users", role="analyst").status_code == 403
    r = api.client.post("/api/v1/users", headers=api.as_("analyst"), json={"name": "x", "password": "12345678"})
    assert r.status_code == 403


def test_bad_and_revoked_tokens(api):
    from ctrack.store import web_repo
    from ctrack.store.db import session_scope

    assert api.client.get("/api/v1/me", headers={"Authorization": "Bearer ctk_nope"}).status_code == 401
    assert api.client.get("/api/v1/me", headers={"Authorization": "Basic dmlld2VyOng="}).status_code == 401
    assert api.get("/api/v1/me").json()["name"] == "viewer"
    with session_scope(api.app.state.engine) as s:
        token_id = web_repo.list_tokens(s, "viewer")[0].id
        web_repo.revoke_token(s, token_id)
    assert api.get("/api/v1/me").status_code == 401


def _login(api, name: str) -> str:
    r = api.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = api.client.post("/login", data={"name": name, "password": "correct horse battery", "csrf_token": token},
                        follow_redirects=False)
    assert r.status_code == 303
    home = api.client.get("/")
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text).group(1)


def test_session_cookie_writes_need_the_csrf_header(api):
    csrf = _login(api, "analyst")
    assert api.client.get("/api/v1/me").json()["name"] == "analyst"  # cookie works for reads
    assert api.client.post("/api/v1/review/actor/1/confirm", json={}).status_code == 403
    assert api.client.post("/api/v1/review/actor/1/confirm", json={},
                           headers={"X-CSRF-Token": "wrong"}).status_code == 403
    r = api.client.post("/api/v1/review/actor/1/confirm", json={}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
