"""Sign-in throttling, passwords, token revocation, headers, the request size cap and the OpenAPI document
(issue 13, findings 6 and 9). Each test names the finding it reproduces."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ctrack.api.security import CSP, ThrottleLimits
from ctrack.api.settings import Settings
from ctrack.errors import StoreError
from ctrack.store import web_repo
from ctrack.store.db import session_scope
from ctrack.web.app import create_app
from ctrack.web.testing import PASSWORD


@pytest.fixture
def site(tmp_path):
    """The whole site on SQLite with low throttle limits and a small request cap, and accounts amina and bob."""
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'kb.sqlite3'}", max_request_bytes=4096,
                        throttle=ThrottleLimits(login_per_account="3 per 15 minutes",
                                                login_per_address="5 per 15 minutes",
                                                token_per_address="4 per 15 minutes"))
    app = create_app(settings)
    with session_scope(app.state.engine) as s:
        for name in ("amina", "bob", "carol"):
            web_repo.create_user(s, name, "admin" if name == "amina" else "viewer", PASSWORD)
        token, _ = web_repo.create_token(s, "amina")
    client = TestClient(app)
    client.token = token
    yield client
    app.state.engine.dispose()


def _login(client: TestClient, name: str, password: str):
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf, "next": "/"},
                       follow_redirects=False)


def test_failed_sign_ins_are_throttled_per_account_with_retry_after(site):
    """Finding 6: 60 wrong passwords went through in 13.5 s. Now, over the account's limit, even the right
    password gets 429 with Retry-After, without a password check; another account is not affected."""
    for _ in range(3):
        assert _login(site, "bob", "wrong password here").headers["location"].endswith("error=1")
    refused = _login(site, "bob", PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert "too many failed sign-ins" in refused.text
    assert _login(site, "carol", PASSWORD).status_code == 303  # signed in


def test_failed_sign_ins_are_throttled_per_client_address(site):
    """Password spraying: a few wrong passwords on many accounts from one address."""
    for name in ("bob", "carol", "nobody1", "nobody2", "nobody3"):
        assert _login(site, name, "wrong password here").status_code == 303
    refused = _login(site, "amina", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_failed_bearer_tokens_are_throttled_per_client_address(site):
    for i in range(4):
        r = site.get("/api/v1/me", headers={"Authorization": f"Bearer ctk_guess{i}"})
        assert r.status_code == 401
    r = site.get("/api/v1/me", headers={"Authorization": f"Bearer {site.token}"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "too many failed API tokens" in r.json()["detail"]


@pytest.mark.parametrize("password", ["12345678", "        ", "password1", "qwertyuiop", "bobbobbob"])
def test_common_and_trivial_passwords_are_refused(session, password):
    """Finding 6: ``12345678`` and eight spaces were accepted."""
    with pytest.raises(StoreError, match="password too easy to guess"):
        web_repo.create_user(session, "bob", "viewer", password)


def test_a_weak_password_is_a_422_from_the_api_and_a_strong_one_is_taken(site):
    admin = {"Authorization": f"Bearer {site.token}"}
    r = site.post("/api/v1/users", json={"name": "dan", "role": "viewer", "password": "12345678"}, headers=admin)
    assert r.status_code == 422 and "too easy to guess" in r.json()["detail"]
    r = site.post("/api/v1/users", json={"name": "dan", "role": "viewer", "password": "mauve tractor lagoon"},
                  headers=admin)
    assert r.status_code == 201


def test_a_password_reset_or_a_disabled_account_revokes_its_api_tokens(site):
    """Finding 9: a password reset left the account's API tokens valid."""
    engine = site.app.state.engine
    with session_scope(engine) as s:
        bob_token, _ = web_repo.create_token(s, "bob")
        carol_token, _ = web_repo.create_token(s, "carol")
    assert site.get("/api/v1/me", headers={"Authorization": f"Bearer {bob_token}"}).status_code == 200
    with session_scope(engine) as s:
        web_repo.set_password(s, "bob", "a brand new passphrase")
    assert site.get("/api/v1/me", headers={"Authorization": f"Bearer {bob_token}"}).status_code == 401
    r = site.patch("/api/v1/users/carol", json={"active": False}, headers={"Authorization": f"Bearer {site.token}"})
    assert r.status_code == 200
    with session_scope(engine) as s:
        web_repo.set_active(s, "carol", True)  # enabling again does not bring the token back
        assert all(t.revoked_at is not None for t in web_repo.list_tokens(s, "carol"))
    assert site.get("/api/v1/me", headers={"Authorization": f"Bearer {carol_token}"}).status_code == 401


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/api/v1/no-such-route", "/static/app.css"])
def test_every_answer_carries_the_security_headers(site, path):
    """Finding 9: no X-Frame-Options, CSP or nosniff headers."""
    r = site.get(path)
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == CSP and "frame-ancestors 'none'" in CSP
    assert r.headers["referrer-policy"] == "same-origin"


def test_the_openapi_document_needs_an_account(site):
    """Finding 9: /api/v1/openapi.json was open without an account."""
    assert site.get("/api/v1/openapi.json").status_code == 401
    r = site.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {site.token}"})
    assert r.status_code == 200 and r.json()["info"]["title"] == "ctrack"


def test_a_request_body_over_the_cap_is_refused_with_413(site):
    """Finding 9: there was no cap on total request size (said with Content-Length, or streamed without)."""
    admin = {"Authorization": f"Bearer {site.token}"}
    r = site.post("/api/v1/users", content=b"x" * 5000, headers={**admin, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "E004"

    def chunks():
        for _ in range(10):
            yield b"y" * 1000

    r = site.post("/api/v1/users", content=chunks(), headers={**admin, "Content-Type": "application/json"})
    assert r.status_code == 413
    ok = site.post("/api/v1/users", json={"name": "erin", "password": "mauve tractor lagoon"}, headers=admin)
    assert ok.status_code == 201


def test_serve_believes_forwarded_headers_only_from_loopback_by_default():
    """Finding 9: X-Forwarded-For was trusted from any client (uvicorn ran with forwarded_allow_ips='*')."""
    import ctrack.cli  # noqa: F401  (registers the commands)
    from ctrack.cli.serve import serve_cmd
    import inspect

    option = inspect.signature(serve_cmd).parameters["forwarded_allow_ips"].default
    assert option.default == "127.0.0.1"
