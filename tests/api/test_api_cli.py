"""``ctrack user add``, ``ctrack user set``, ``ctrack token create|list|revoke``, and the app on a plain
``postgresql://`` URL (as ``ctrack serve --db postgresql://…`` gets it)."""
from __future__ import annotations

from typer.testing import CliRunner

from ctrack.cli import app

runner = CliRunner()


def test_user_and_token_commands(db_url):
    r = runner.invoke(app, ["user", "add", "amina", "--role", "analyst", "--db", db_url], input="long password\n")
    assert r.exit_code == 0, r.output
    assert "created user amina (analyst)" in r.output
    r = runner.invoke(app, ["user", "add", "amina", "--role", "viewer", "--db", db_url], input="long password\n")
    assert r.exit_code == 1 and "already exists" in r.output
    r = runner.invoke(app, ["user", "add", "bob", "--db", db_url], input="short\n")
    assert r.exit_code == 1 and "too short" in r.output
    r = runner.invoke(app, ["token", "create", "amina", "--label", "scripts", "--db", db_url])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[0]
    assert token.startswith("ctk_")
    assert runner.invoke(app, ["token", "create", "nobody", "--db", db_url]).exit_code == 1

    from fastapi.testclient import TestClient

    from ctrack.web.app import create_app

    web = create_app(db_url)
    with TestClient(web) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["name"] == "amina" and me.json()["role"] == "analyst"
        r = runner.invoke(app, ["user", "set", "amina", "--role", "viewer", "--db", db_url])
        assert r.exit_code == 0 and "viewer" in r.output
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["role"] == "viewer"
        listed = runner.invoke(app, ["token", "list", "amina", "--db", db_url])
        assert token[:12] in listed.output and token not in listed.output
        assert runner.invoke(app, ["token", "revoke", "1", "--db", db_url]).exit_code == 0
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    web.state.engine.dispose()
    listed = runner.invoke(app, ["user", "list", "--db", db_url])
    assert "amina" in listed.output and "viewer" in listed.output


def test_plain_postgresql_url_uses_psycopg(pg_base_url):
    from sqlalchemy.engine import make_url

    from ctrack.store.db import make_engine

    plain = make_url(pg_base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    assert plain.startswith("postgresql://")
    engine = make_engine(plain)
    try:
        assert engine.dialect.driver == "psycopg"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("select 1").scalar() == 1
    finally:
        engine.dispose()
