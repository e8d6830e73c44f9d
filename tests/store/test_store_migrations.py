"""The Alembic history and the SQLAlchemy models agree, and open_store sets up the database."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from ctrack.store.base import Base
from ctrack.store.db import MIGRATIONS_DIR, alembic_config, import_models, open_store


def test_models_and_migrations_agree(engine):
    import_models()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_core_revision_is_first_and_reachable(db_url):
    script = ScriptDirectory.from_config(alembic_config(db_url))
    revisions = {rev.revision: rev for rev in script.walk_revisions()}
    assert revisions["0001_core"].down_revision is None
    assert (MIGRATIONS_DIR / "versions" / "0001_core.py").exists()


def test_open_store_is_repeatable_and_creates_tables(db_url):
    eng = open_store(db_url)
    eng.dispose()
    eng = open_store(db_url)  # second run: nothing to do, no error
    tables = set(inspect(eng).get_table_names())
    assert {"documents", "actors", "actor_aliases", "person_titles", "events", "event_sources",
            "event_roles", "mentions", "conflicts", "merge_decisions", "alembic_version"} <= tables
    with eng.connect() as conn:
        head = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    assert head == ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    if eng.dialect.name == "sqlite":
        with eng.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    eng.dispose()


def test_sqlite_connections_commit_without_syncing_the_wal(tmp_path):
    """Every connection of a SQLite knowledge base, the pool's first and later ones, is in WAL mode with
    synchronous=NORMAL (1): no fsync at each commit (ctrack.store.db._sqlite_pragmas says why that is safe)."""
    eng = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    try:
        with eng.connect() as first, eng.connect() as second:  # two connections: the pragma is per connection
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 1
    finally:
        eng.dispose()


def test_open_store_creates_the_sqlite_folder(tmp_path):
    target = tmp_path / "deep" / "er" / "kb.sqlite3"
    eng = open_store(f"sqlite:///{target}")
    eng.dispose()
    assert target.exists()


def test_bad_url_is_a_store_error(tmp_path):
    import pytest

    from ctrack.errors import StoreError

    with pytest.raises(StoreError) as info:
        open_store("nosuchdb://whatever")
    assert info.value.code == "E010"
