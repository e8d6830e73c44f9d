"""Opening the knowledge base: engine, migrations, sessions.

:func:`open_store` is the one way in: it makes the engine for a SQLAlchemy
URL (``sqlite:///path.sqlite3`` by default, ``postgresql+psycopg://…`` works
with the same migrations), brings the schema to the newest Alembic revision
and returns the engine. :func:`session_scope` gives one transaction.

SQLite connections get ``PRAGMA foreign_keys=ON`` (so ``ON DELETE`` rules
hold) and the WAL journal (readers do not block the writer). Migrations run
with foreign keys off, as Alembic's batch mode recreates tables and SQLite
would otherwise apply ``ON DELETE CASCADE`` when the old table is dropped.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from ctrack.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: Modules that declare tables on :class:`ctrack.store.base.Base` (all of them, and
#: only those: ``tests/store/test_store_model_modules.py`` checks it). Migrations
#: (autogenerate) and tests import them all so that one metadata covers the database.
MODEL_MODULES = ("ctrack.store.models", "ctrack.store.track_models", "ctrack.store.web_models")


def import_models() -> None:
    """Import every module of :data:`MODEL_MODULES` (registers their tables on ``Base.metadata``).

    Raises ModuleNotFoundError when one is missing: a table module that
    disappeared must be taken off the list, not skipped silently.
    """
    for name in MODEL_MODULES:
        importlib.import_module(name)


def alembic_config(url: str) -> Config:
    """An Alembic :class:`Config` for ``url`` without an ini file (script location = the packaged migrations)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for ``url``, without running migrations.

    ``postgresql://…`` (no driver named) uses psycopg 3. For a SQLite file,
    its folder is created; ``sqlite://`` (in memory) shares one connection so
    that the schema survives. Raises :class:`StoreError`
    for a URL SQLAlchemy cannot use (bad syntax, unknown driver).
    """
    try:
        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):  # no driver named: use psycopg 3, the one installed
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs: dict = {}
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database
            if database and database != ":memory:" and not database.startswith("file:"):
                Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
            else:
                kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError, ValueError, OSError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from exc
    if _is_sqlite(engine):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations on ``engine`` up to ``revision``. Raises :class:`StoreError` on failure."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            if _is_sqlite(engine):
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, revision)
                conn.commit()
            finally:
                if _is_sqlite(engine):
                    conn.rollback()
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open or migrate {engine.url.render_as_string()}: {exc}") from exc


def open_store(url: str) -> Engine:
    """Open (create if needed) the knowledge base at ``url`` and migrate it to the newest revision.

    Returns the engine. Raises :class:`ctrack.errors.StoreError` when the URL
    is unusable, the database cannot be reached or a migration fails.
    """
    engine = make_engine(url)
    upgrade(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: yields a :class:`Session`, commits on success, rolls back on any exception."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
