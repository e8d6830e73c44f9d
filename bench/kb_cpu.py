#!/usr/bin/env python3
"""Where a request's time goes, on a kept knowledge base of ``bench/kb_scale.py`` (issue 12).

    .venv/bin/python bench/kb_cpu.py --events N --reuse DIR [--backend postgresql|sqlite] [--samples 20]
        [--requests NAME,NAME] [--explain] [--profile OUT.prof]

Serves the site over the knowledge base that ``kb_scale.py --reuse DIR`` keeps (it must already be built
there; nothing is built, migrated past what :func:`ctrack.store.db.open_store` does, or re-analysed) and
makes the same requests as ``kb_scale.py`` (its :func:`serve`, same seed, same mix), printing per request
kind the medians of:

- ``wall``: the request's wall time, as ``kb_scale.py`` times it;
- ``cpu``: this process's CPU time over the request (every thread: the test client runs the app in a
  worker thread). It does not count the database server's CPU or the time waiting for a core, so it
  moves much less with the machine's load than the wall time does;
- ``db``: wall time inside the driver's ``execute`` (from SQLAlchemy's ``before_cursor_execute`` to
  ``after_cursor_execute``: the server's planning and execution, the round trip, and fetching);
- ``stmts``: SQL statements per request;
- ``gc``: wall time in Python's garbage collector (``gc.callbacks``), and the number of full (generation 2)
  collections over all the samples.

``--explain`` runs ``EXPLAIN (ANALYZE, BUFFERS)`` (PostgreSQL) on each statement of one request of
each kind, in a rolled-back transaction, and prints its planning and execution times. ``--profile``
writes a yappi profile of all threads over the timed requests (``pip install yappi``; not a project
dependency). Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import Engine, event  # noqa: E402

import kb_scale  # noqa: E402
from ctrack.store.db import open_store  # noqa: E402

_stats = {"n": 0, "db": 0.0, "on": False, "capture": None, "gc": 0.0, "gc2": 0}
_gc_t0 = [0.0]


def _gc_callback(phase: str, info: dict) -> None:
    """Adds the wall time of each garbage collection to the current request's figures."""
    if phase == "start":
        _gc_t0[0] = time.perf_counter()
    elif _stats["on"]:
        _stats["gc"] += time.perf_counter() - _gc_t0[0]
        _stats["gc2"] += info["generation"] == 2


def _before(conn, cursor, statement, parameters, context, executemany):
    conn.info["kb_cpu_t"] = time.perf_counter()


def _after(conn, cursor, statement, parameters, context, executemany):
    if not _stats["on"]:
        return
    _stats["n"] += 1
    _stats["db"] += time.perf_counter() - conn.info.pop("kb_cpu_t", time.perf_counter())
    if _stats["capture"] is not None:
        _stats["capture"].append((statement, parameters))


def explain(url: str, captured: list[tuple[str, object]]) -> list[tuple[float, float, str]]:
    """(planning ms, execution ms, first line of the statement) of each captured statement, on PostgreSQL."""
    import psycopg

    from sqlalchemy.engine import make_url

    u = make_url(url)
    out = []
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database,
                         options="-c jit=off") as conn:
        for sql, params in captured:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                out.append((0.0, 0.0, "(not a read) " + sql.split("\n")[0][:100]))
                continue
            try:
                rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params).fetchone()[0]
                plan = rows[0] if isinstance(rows, list) else json.loads(rows)[0]
                out.append((plan.get("Planning Time", 0.0), plan.get("Execution Time", 0.0),
                            " ".join(sql.split())[:160]))
            except Exception as exc:  # noqa: BLE001 - report and go on
                out.append((-1.0, -1.0, f"{type(exc).__name__}: {exc}"[:160]))
            conn.rollback()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--reuse", metavar="DIR", required=True, help="the folder kb_scale.py --reuse built")
    parser.add_argument("--url", help="a PostgreSQL server already serving DIR's data (else one is started)")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--requests", help="comma-separated names (default: all of kb_scale.REQUESTS)")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--gc-threshold", help="gc.set_threshold(A, B, C) before serving, as A,B,C (an experiment)")
    parser.add_argument("--profile", help="write a yappi profile (pstats format) of the timed requests here")
    args = parser.parse_args(argv)
    keep = Path(args.reuse).resolve()
    built = json.loads((keep / "built.json").read_text())
    if built["events"] != args.events or built["backend"] != args.backend:
        raise SystemExit(f"{keep} holds {built}")
    stop = None
    if args.backend == "sqlite":
        url = f"sqlite:///{keep}/kb.sqlite3"
    else:
        url = args.url
        if not url:
            from ctrack.store.pgserver import start_throwaway_postgres

            url, stop = start_throwaway_postgres(keep / "pg")
    names = args.requests.split(",") if args.requests else list(kb_scale.REQUESTS)
    event.listen(Engine, "before_cursor_execute", _before)
    event.listen(Engine, "after_cursor_execute", _after)
    import gc

    gc.callbacks.append(_gc_callback)
    if args.gc_threshold:
        gc.set_threshold(*map(int, args.gc_threshold.split(",")))
    try:
        open_store(url).dispose()
        info = kb_scale.Builder(None, args.events, args.seed).plan()
        info["events"] = args.events
        prof = None
        if args.profile:
            import yappi

            yappi.set_clock_type("cpu")
            prof = yappi
        print(f"{'request':22s}{'wall p50':>10s}{'wall p95':>10s}{'cpu p50':>10s}{'cpu mean':>10s}"
              f"{'db p50':>9s}{'stmts':>8s}{'gc mean':>9s}{'full gc':>8s}", flush=True)
        with kb_scale.serve(url, info, args.seed) as makers:
            for name in kb_scale.REQUESTS:  # every kind is drawn, in kb_scale's order, so the arguments match
                for _ in range(3):
                    makers[name]()()
                if name not in names:
                    for _ in range(args.samples):
                        makers[name]()
                    continue
                walls, cpus, dbs, ns, gcs = [], [], [], [], []
                _stats["gc2"] = 0
                if prof:
                    prof.start(builtins=False, profile_threads=True)
                for _ in range(args.samples):
                    call = makers[name]()
                    _stats.update(n=0, db=0.0, gc=0.0, on=True)
                    c, t = time.process_time(), time.perf_counter()
                    call()
                    walls.append(time.perf_counter() - t)
                    cpus.append(time.process_time() - c)
                    _stats["on"] = False
                    dbs.append(_stats["db"])
                    ns.append(_stats["n"])
                    gcs.append(_stats["gc"])
                if prof:
                    prof.stop()
                q = statistics.quantiles(walls, n=100, method="inclusive")
                print(f"{name:22s}{q[49] * 1000:10.1f}{q[94] * 1000:10.1f}{statistics.median(cpus) * 1000:10.1f}"
                      f"{statistics.fmean(cpus) * 1000:10.1f}{statistics.median(dbs) * 1000:9.1f}"
                      f"{min(ns):4d}-{max(ns):<3d}{statistics.fmean(gcs) * 1000:9.2f}{_stats['gc2']:8d}", flush=True)
                if args.explain and args.backend == "postgresql":
                    _stats.update(n=0, db=0.0, on=True, capture=[])
                    makers[name]()()
                    _stats["on"] = False
                    captured, _stats["capture"] = _stats["capture"], None
                    for plan_ms, exec_ms, sql in explain(url, captured):
                        print(f"    plan {plan_ms:7.2f}  exec {exec_ms:8.2f}  {sql}", flush=True)
        if prof:
            prof.get_func_stats().save(args.profile, type="pstat")
            print(f"profile written to {args.profile}")
    finally:
        if stop:
            stop()


if __name__ == "__main__":
    main()
