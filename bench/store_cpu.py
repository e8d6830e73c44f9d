#!/usr/bin/env python3
"""CPU time per document of the two sides of ``ctrack ingest --workers N`` (issue 12): reading and extraction
(what a worker does) and storing (what the storing process does), in CPU seconds, so that the figures hold on a
shared machine where wall clocks do not.

    .venv/bin/python bench/store_cpu.py [--count 200] [--outcomes FILE] [--profile FILE] [--top 30]

1. Writes ``--count`` distinct copies of the dev documents (``bench/corpus.py``) and reads and extracts them in
   this process, as one worker would (:func:`ctrack.pipeline.serial`, batches of
   :data:`ctrack.pipeline.BATCH_SIZE`), timed with ``time.process_time`` after the extractor is built. With
   ``--outcomes FILE`` the outcomes are kept in FILE (pickle) and read from it on the next run instead
   (extraction is then not timed again).
2. Stores them into a fresh SQLite knowledge base as ``ctrack ingest`` does (the command's own
   ``_save_logged``: one transaction per document with its audit entry), timed the same way, with the SQL
   statements counted by a ``before_cursor_execute`` listener. ``--profile FILE`` writes a cProfile of
   the store side and prints its ``--top`` functions by cumulative and by own time.

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

from corpus import make_copies  # noqa: E402


def extract(count: int, tmp: Path) -> tuple[list, float]:
    """(outcomes of ``count`` generated documents, extraction CPU seconds after the extractor is built)."""
    from ctrack.pipeline import init_worker, serial

    paths = [str(p) for p in make_copies(tmp / "docs", count)]
    init_worker()
    t = time.process_time()
    outcomes = list(serial(paths))
    return outcomes, time.process_time() - t


def store(outcomes: list, url: str, profile: Path | None) -> tuple[float, int, int]:
    """(store CPU seconds, documents stored, SQL statements) of storing ``outcomes`` at ``url``."""
    from sqlalchemy import event

    from ctrack.cli.ingest import _save_logged
    from ctrack.store.db import open_store, session_scope
    from ctrack.track import audit

    engine = open_store(url)
    with session_scope(engine) as s:
        transfer = audit.start_ingest(s, "bench", path="bench").id
    seen = [0]

    def count(*_args):
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    prof = cProfile.Profile(time.process_time) if profile else None  # CPU time, not wall
    stored = 0
    t = time.process_time()
    if prof:
        prof.enable()
    for o in outcomes:
        if o.error is None and o.document is not None and o.record is not None:
            result = _save_logged(engine, o, "bench", transfer)
            stored += result.status == "new"
    if prof:
        prof.disable()
    elapsed = time.process_time() - t
    if prof:
        prof.dump_stats(str(profile))
    engine.dispose()
    return elapsed, stored, seen[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200, help="generated documents (default 200)")
    ap.add_argument("--outcomes", type=Path, help="pickle of the extracted outcomes: written if absent, else read")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the store side here")
    ap.add_argument("--top", type=int, default=30, help="functions printed from the profile (default 30)")
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
        cpu, stored, statements = store(outcomes, f"sqlite:///{tmp}/kb.sqlite3", args.profile)
        s = cpu / max(stored, 1)
        print(f"store: {stored} documents, {cpu:.1f} s CPU = {s * 1000:.1f} ms/document, "
              f"{statements / max(stored, 1):.1f} statements/document")
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
