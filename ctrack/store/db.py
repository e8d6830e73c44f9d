"""Opening the knowledge base: engine, migrations, sessions.

:func:`open_store` is the one way in: it makes the engine for a SQLAlchemy
URL (``sqlite:///path.sqlite3`` by default, ``postgresql+psycopg://…`` works
with the same migrations), brings the schema to the newest Alembic revision
and returns the engine. :func:`session_scope` gives one transaction.

Concurrent writers: migrations run under :func:`migration_lock`, and a
document is stored under :func:`write_lock` (after :func:`try_claim`), so
two ``ctrack ingest`` processes on one knowledge base give what one would.

SQLite connections get ``PRAGMA foreign_keys=ON`` (so ``ON DELETE`` rules
hold), the WAL journal (readers do not block the writer) and
``synchronous=NORMAL`` (no fsync at each commit; safe with WAL, see
:func:`_sqlite_pragmas`). Migrations run
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
        if parsed.get_backend_name() == "postgresql":
            # JIT compilation off for ctrack's sessions (kept in the URL's own "options", if any): PostgreSQL
            # compiles a statement whose estimated cost passes jit_above_cost (100,000), and the estimates of
            # the review queue's and the lists' bounded reads pass it at a million events although they read
            # a few thousand rows: compiling took 1.4-2.0 s of a 2.3 s page (/review/queue?offset=5000,
            # EXPLAIN ANALYZE, 1,000,000 events), the read itself 0.1-0.8 s
            given = parsed.query.get("options") or ()
            options = " ".join([*((given,) if isinstance(given, str) else given), "-c jit=off"])
            kwargs["connect_args"] = {"options": options}
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
    else:
        event.listen(engine, "begin", _reads_only_so_far)
        event.listen(engine, "before_cursor_execute", _note_write)
    return engine


#: Key of a connection's ``info`` that is True once a statement other than a ``SELECT`` ran in its current
#: transaction (PostgreSQL engines; see :func:`end_session`).
WROTE = "ctrack_wrote"


def _reads_only_so_far(conn) -> None:
    conn.info[WROTE] = False


def _note_write(conn, _cursor, statement: str, _parameters, _context, executemany: bool) -> None:
    if executemany or statement.lstrip()[:6].upper() != "SELECT":
        conn.info[WROTE] = True


def end_session(session: Session) -> None:
    """End the transaction a request's ``session`` left open (what the handler did not commit), then close it.

    On PostgreSQL, a transaction in which only ``SELECT`` statements ran (every statement is watched, see
    :data:`WROTE`) and no ORM change is pending is ended with ``COMMIT``, which for such a transaction does
    what ``ROLLBACK`` does; anything else is rolled back, as before. Why: psycopg drops every statement it
    has prepared on the connection at each ``ROLLBACK`` (``DEALLOCATE ALL``: objects may have been dropped in
    the transaction), and every read request ended with one, so no statement was ever prepared across
    requests and PostgreSQL parsed and planned each of a page's reads every time (0.3-4 ms a statement at a
    million events, ``EXPLAIN ANALYZE``). psycopg prepares a statement once the same text has run 5 times
    on a connection. SQLite: rolled back as before.
    """
    try:
        if (session.in_transaction() and not (session.new or session.dirty or session.deleted)
                and session.get_bind().dialect.name != "sqlite"
                and session.connection().info.get(WROTE) is False):
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


#: SQLite's ``PRAGMA synchronous`` for every connection (:func:`_sqlite_pragmas`); see there for why NORMAL.
SQLITE_SYNCHRONOUS = "NORMAL"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Settings of each new SQLite connection: foreign keys on, the WAL journal, a 10 s busy timeout and
    ``synchronous`` = :data:`SQLITE_SYNCHRONOUS` (NORMAL).

    Why NORMAL: in WAL mode, ``synchronous=FULL`` (SQLite's default, and so Python's) syncs the WAL file to
    disk at every commit, one fsync for each document ``ctrack ingest`` stores; with NORMAL the WAL is synced
    only when it is checkpointed into the database (https://www.sqlite.org/wal.html, "Performance
    Considerations"). SQLite documents NORMAL as the setting for WAL
    (https://www.sqlite.org/pragma.html#pragma_synchronous): "WAL mode is safe from corruption with
    synchronous=NORMAL", "WAL mode is always consistent with synchronous=NORMAL, but WAL mode does lose
    durability. A transaction committed in WAL mode with synchronous=NORMAL might roll back following a power
    loss or system crash. Transactions are durable across application crashes regardless of the synchronous
    setting or journal mode." So NORMAL gives up only the last transactions before a power loss or an
    operating-system crash (not a crash or ``kill -9`` of ctrack). Each transaction stays atomic: one that
    rolls back rolls back whole, so a document and its audit entry, which ``ctrack ingest`` writes in one
    transaction (:func:`ctrack.track.audit.record_document_import`), are kept or lost together, and the
    audit log still matches the knowledge base. Measured with ``bench/store_cpu.py --synchronous FULL
    NORMAL`` (docs/benchmarks.md).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    cursor.close()


#: Key (first half) of the PostgreSQL advisory locks taken by ctrack; the second half tells them apart per schema.
PG_LOCK_MIGRATE = 0x63_74_72_01  # "ctr" + 1: migrations
PG_LOCK_WRITE = 0x63_74_72_02    # "ctr" + 2: one document stored at a time (see ctrack.store.repo.save_document)
PG_LOCK_CLAIM = 0x63_74_72_03    # "ctr" + 3: a document being stored, by its sha256 (see save_document)


@contextmanager
def migration_lock(engine: Engine, conn) -> Iterator[None]:
    """Hold the knowledge base's migration lock while the block runs, so that two processes opening a new
    database at once do not both create its tables (the second one waits, then finds the schema current).

    PostgreSQL: a session-level advisory lock (``pg_advisory_lock``) keyed on
    :data:`PG_LOCK_MIGRATE` and the current schema, taken on ``conn``.
    SQLite file: an exclusive lock on ``<database>.lock`` beside it
    (``filelock``, which uses ``fcntl.flock`` here and works the same on
    Windows). SQLite in memory: nothing (one process). Waits as long as
    needed: a migration ends.
    """
    if engine.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({PG_LOCK_MIGRATE}, hashtext(current_schema()))")
        conn.commit()
        try:
            yield
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({PG_LOCK_MIGRATE}, hashtext(current_schema()))")
            conn.commit()
        return
    database = engine.url.database if _is_sqlite(engine) else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    from filelock import FileLock

    with FileLock(str(Path(database).expanduser().resolve()) + ".lock"):
        yield


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations on ``engine`` up to ``revision``, under :func:`migration_lock`; at
    ``head``, then install what the newest schema derives (:func:`ctrack.store.search.ensure_triggers`,
    :func:`ctrack.store.aggregates.ensure`).

    Raises :class:`StoreError` on failure.
    """
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn, migration_lock(engine, conn):
            if _is_sqlite(engine):
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, revision)
                conn.commit()
                if revision == "head":  # derived structures of the newest schema (search's and aggregates' triggers)
                    from ctrack.store import aggregates
                    from ctrack.store.search import ensure_triggers

                    with Session(bind=conn) as session:
                        ensure_triggers(session)
                        aggregates.ensure(session)
                        session.commit()
            finally:
                if _is_sqlite(engine):
                    conn.rollback()
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open or migrate {engine.url.render_as_string()}: {exc}") from exc


def write_lock(session: Session) -> None:
    """Take the knowledge base's write lock for the rest of ``session``'s transaction.

    Storing a document reads the knowledge base to decide merges and then
    writes; two processes doing it at once would each miss the other's new
    actors and events. So one document is stored at a time: on SQLite by
    ``BEGIN IMMEDIATE`` (the database's own write lock, taken before the
    first read instead of at the first write; waits up to the busy timeout),
    on PostgreSQL by a transaction-level advisory lock
    (``pg_advisory_xact_lock`` on :data:`PG_LOCK_WRITE` and the schema).
    Both are released when the transaction ends. On SQLite a connection
    already inside a transaction keeps it (it holds or will take the lock).
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_WRITE}, hashtext(current_schema()))")
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def try_claim(session: Session, key: str) -> bool:
    """Claim ``key`` (a document's sha256) for the rest of ``session``'s transaction, without waiting.

    False when another transaction holds it, i.e. another process is storing
    that document right now. PostgreSQL: ``pg_try_advisory_xact_lock`` on
    :data:`PG_LOCK_CLAIM` and the key's hash; SQLite: always True (its write
    lock already lets one writer in at a time, see :func:`write_lock`).
    """
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return True
    return bool(conn.exec_driver_sql(
        f"SELECT pg_try_advisory_xact_lock({PG_LOCK_CLAIM}, hashtext(current_schema() || %(key)s))",
        {"key": key}).scalar())


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
