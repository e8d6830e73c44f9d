#!/usr/bin/env python3
"""CPU time per document of the two sides of ``ctrack ingest --workers N`` (issue 12): reading and extraction
(what a worker does) and storing (what the storing process does), in CPU seconds, so that the figures hold on a
shared machine where wall clocks do not.

    .venv/bin/python bench/store_cpu.py [--count 200] [--outcomes FILE] [--profile FILE] [--top 30]
    .venv/bin/python bench/store_cpu.py --outcomes FILE --synchronous FULL NORMAL [--rounds 2]

1. Writes ``--count`` distinct copies of the dev documents (``bench/corpus.py``) and reads and extracts them in
   this process, as one worker would (:func:`ctrack.pipeline.serial`, batches of
   :data:`ctrack.pipeline.BATCH_SIZE`), timed with ``time.process_time`` after the extractor is built. With
   ``--outcomes FILE`` the outcomes are kept in FILE (pickle) and read from it on the next run instead
   (extraction is then not timed again).
2. Stores them into a fresh SQLite knowledge base as ``ctrack ingest`` does (the command's own
   ``_save_logged``: one transaction per document with its audit entry), timed the same way, with the SQL
   statements counted by a ``before_cursor_execute`` listener. ``--profile FILE`` writes a cProfile of
   the store side and prints its ``--top`` functions by cumulative and by own time. The wall-clock time spent in
   the database's ``COMMIT`` (on SQLite in WAL mode: the write of the WAL and, with ``synchronous=FULL``, its
   fsync) is timed too (the dialect's ``do_commit``), as are the store's wall-clock milliseconds a document.
3. With ``--synchronous MODE …`` the store is run once per mode and round, the modes in turn (side by side in
   one run), each connection of the knowledge base set to ``PRAGMA synchronous=MODE`` after the store's own
   settings; without it, the store's own setting is used (printed).

Prints extraction and store CPU ms per document, statements per document, the store's share and the bound
it puts on 2 workers on 2 cores (both workers and the storing process share the cores:
``2 (X + S) / max(X + S, 2 S)``, where 1 worker, in-process, spends X + S per document), and the load
average. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_copies, timed_commits  # noqa: E402


def extract(count: int, tmp: Path) -> tuple[list, float]:
    """(outcomes of ``count`` generated documents, extraction CPU seconds after the extractor is built)."""
    from ctrack.pipeline import init_worker, serial

    paths = [str(p) for p in make_copies(tmp / "docs", count)]
    init_worker()
    t = time.process_time()
    outcomes = list(serial(paths))
    return outcomes, time.process_time() - t


def store(outcomes: list, url: str, profile: Path | None,
          synchronous: str | None = None) -> tuple[float, int, int, float, list[float], str]:
    """(store CPU seconds, documents stored, SQL statements, store wall seconds, [wall, CPU] seconds in ``COMMIT``, the
    knowledge base's ``PRAGMA synchronous``) of storing ``outcomes`` at ``url``; ``synchronous`` overrides the
    store's own setting on every connection (SQLite only)."""
    from sqlalchemy import event, text

    from ctrack.cli.ingest import _save_logged
    from ctrack.store.db import open_store, session_scope
    from ctrack.track import audit

    engine = open_store(url)
    if synchronous:
        def override(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")

        event.listen(engine, "connect", override)
        engine.dispose()  # connections opened by the migrations get the override when opened again
    with session_scope(engine) as s:
        transfer = audit.start_ingest(s, "bench", path="bench").id
        mode = str(s.execute(text("PRAGMA synchronous")).scalar()) if engine.dialect.name == "sqlite" else "-"
    mode = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}.get(mode, mode)
    seen = [0]

    def count(*_args):
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    prof = cProfile.Profile(time.process_time) if profile else None  # CPU time, not wall
    stored = 0
    wall, t = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    try:
        with timed_commits() as committing:  # [wall, CPU] (this thread)
            for o in outcomes:
                if o.error is None and o.document is not None and o.record is not None:
                    result = _save_logged(engine, o, "bench", transfer)
                    stored += result.status == "new"
    finally:
        if prof:
            prof.disable()
    elapsed, wall = time.process_time() - t, time.perf_counter() - wall
    if prof:
        prof.dump_stats(str(profile))
    engine.dispose()
    return elapsed, stored, seen[0], wall, committing, mode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200, help="generated documents (default 200)")
    ap.add_argument("--outcomes", type=Path, help="pickle of the extracted outcomes: written if absent, else read")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the store side here")
    ap.add_argument("--top", type=int, default=30, help="functions printed from the profile (default 30)")
    ap.add_argument("--synchronous", nargs="+", metavar="MODE",
                    help="SQLite PRAGMA synchronous values to store with, in turn (e.g. FULL NORMAL)")
    ap.add_argument("--rounds", type=int, default=1, help="rounds of the --synchronous modes (default 1)")
    args = ap.parse_args(argv)
    print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="ctrack-storecpu-") as tmp:
        x = None
        if args.outcomes and args.outcomes.exists():
            outcomes = pickle.loads(args.outcomes.read_bytes())
        else:
            outcomes, cpu = extract(args.count, Path(tmp))
            x = cpu / len(outcomes)
            print(f"extraction: {len(outcomes)} documents, {cpu:.1f} s CPU = {x * 1000:.1f} ms/document")
            if args.outcomes:
                args.outcomes.write_bytes(pickle.dumps(outcomes))
        modes = args.synchronous or [None]
        for r in range(args.rounds if args.synchronous else 1):
            for m in modes:
                url = f"sqlite:///{tmp}/kb-{r}-{m or 'store'}.sqlite3"
                cpu, stored, statements, wall, commit, mode = store(outcomes, url, args.profile, m)
                s, n = cpu / max(stored, 1), max(stored, 1)
                print(f"store (synchronous={mode}{'' if m else ', as the store sets it'}): {stored} documents, "
                      f"{cpu:.1f} s CPU = {s * 1000:.1f} ms/document, {statements / n:.1f} statements/document; "
                      f"wall {wall / n * 1000:.1f} ms/document, of which COMMIT {commit[0] / n * 1000:.2f} ms/document "
                      f"({commit[1] / n * 1000:.2f} ms CPU); "
                      f"load {os.getloadavg()[0]:.2f}", flush=True)
        if x is not None:
            print(f"store / extraction CPU: {s / x:.2f}; 2 workers on 2 cores at most "
                  f"{2 * (x + s) / max(x + s, 2 * s):.2f}x of 1")
    print(f"load average after {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.profile:
        stats = pstats.Stats(str(args.profile))
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
