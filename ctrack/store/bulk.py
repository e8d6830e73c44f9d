"""Bulk writes of many rows of one table: ``COPY … FROM STDIN`` on PostgreSQL, the driver's ``executemany``
elsewhere.

For the writes where a statement's per-row cost is the whole cost: the aggregates' full recount
(:func:`ctrack.store.aggregates.rebuild`, millions of rows at a million events) and the scale benchmark's
bulk load (``bench/kb_scale.py``). SQLAlchemy's ``executemany`` on psycopg sends one pipelined ``INSERT`` a
row; at 10,000 events the recount's 200,000 rows took 29 s of its 46 s that way (cProfile, 2026-12-08), and
at a million events more than an hour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session


def insert_rows(conn: Connection | Session, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert ``rows`` into ``table`` in the caller's transaction (a connection's, or a session's without
    flushing it) and return how many were written.

    ``rows``: dicts keyed by column name, all with the keys of the first (the columns written; the others
    take their server defaults). Each value goes through its column type's own bind processor (an enum to
    its stored name, JSON to text, a date to its stored form), as an ORM or Core insert would store it.
    PostgreSQL: one ``COPY table (columns) FROM STDIN``; other databases: one ``executemany`` of a plain
    ``INSERT`` through the driver. Raises the driver's error (e.g. a unique violation) unchanged: the caller's
    transaction is then to be rolled back, and nothing of it stays."""
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return 0
    if isinstance(conn, Session):
        conn = conn.connection()
    dialect = conn.dialect
    cols = [c for c in table.columns if c.name in first]
    names = [c.name for c in cols]
    procs = [c.type._cached_bind_processor(dialect) for c in cols]
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    target = dialect.identifier_preparer.format_table(table)

    def values(r: Mapping[str, Any]) -> list:
        return [p(r[n]) if p is not None and r[n] is not None else r[n] for n, p in zip(names, procs)]

    raw = conn.connection.driver_connection
    n = 0
    if dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            for row in chain((first,), it):
                copy.write_row(values(row))
                n += 1
        return n
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    batch = [values(r) for r in chain((first,), it)]
    cur = raw.cursor()
    try:
        cur.executemany(f"INSERT INTO {target} ({quoted}) VALUES ({', '.join([mark] * len(names))})", batch)
    finally:
        cur.close()
    return len(batch)
