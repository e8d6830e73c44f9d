#!/usr/bin/env python3
"""Cost of keeping search in step, per query, on a large knowledge base: the queue against the full comparison.

    .venv/bin/python bench/search_refresh.py --kb DIR [--rounds 15]

``DIR`` is a knowledge base kept by ``bench/kb_scale.py --reuse DIR`` (SQLite:
``DIR/kb.sqlite3``; PostgreSQL: ``DIR/pg``, started here). Alternating, in one
process, ``--rounds`` times each: :func:`ctrack.store.search.refresh` with
nothing written since (what every search now runs first: reads the
``search_dirty`` queue), and :func:`ctrack.store.search._full_scan` (what every
search ran before issue 12's fix: every document, actor, event and
recommendation compared with its entry), then a whole search for a common
surname. Prints the medians in milliseconds. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from ctrack.store import search  # noqa: E402
from ctrack.store.db import open_store, session_scope  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)
    stop = None
    if (args.kb / "kb.sqlite3").exists():
        url = f"sqlite:///{args.kb.resolve()}/kb.sqlite3"
    else:
        from ctrack.store.pgserver import start_throwaway_postgres

        url, stop = start_throwaway_postgres(args.kb.resolve() / "pg")
    try:
        engine = open_store(url)
        with session_scope(engine) as s:
            search.refresh(s)  # installs the triggers on a knowledge base that has none yet (once)
            n_events = s.execute(text("SELECT count(*) FROM events")).scalar()
        times: dict[str, list[float]] = {"queue": [], "full": [], "search": []}
        for _ in range(args.rounds):
            for name, call in (("queue", search.refresh), ("full", search._full_scan),
                               ("search", lambda s: search.search(s, "karimov"))):
                with session_scope(engine) as s:
                    t = time.perf_counter()
                    call(s)
                    times[name].append(time.perf_counter() - t)
        engine.dispose()
    finally:
        if stop:
            stop()
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"{n_events:,} events ({engine.dialect.name}), {args.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    print(f"  refresh from the queue (now):         {med['queue']:9.1f} ms")
    print(f"  full comparison (before, per query):  {med['full']:9.1f} ms  ({med['full'] / max(med['queue'], 1e-6):.0f}×)")
    print(f"  a whole search for 'karimov' (now):   {med['search']:9.1f} ms")


if __name__ == "__main__":
    main()
