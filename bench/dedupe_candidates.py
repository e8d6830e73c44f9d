#!/usr/bin/env python3
"""Candidate duplicates at archive scale (issue 11): the cost of ``/dedupe`` as the knowledge base grows,
sizes side by side in one run.

    .venv/bin/python bench/dedupe_candidates.py [--events 2000 10000] [--seed 12]

For each size, builds a SQLite knowledge base with ``bench/kb_scale.py``'s bulk path (the issue's
distributions: ~195 states, organizations and persons by the thousand, Zipf popularity, dates over 20
years), then times :func:`ctrack.service.dedupe.candidates` for actors and for events: the first read
(cache cleared: block reads in SQL, scoring in Python), and the next page (the same knowledge base: one
fingerprint statement). It prints, per kind, the seconds, the SQL statements (counted with an SQLAlchemy
``before_cursor_execute`` listener), the rows in blocks, the pairs scored at 60 or more and the blocks too
large to compare pair by pair, and each size's cold time over the smallest's next to the size ratio.
Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import event  # noqa: E402

import kb_scale  # noqa: E402
from ctrack.service import dedupe  # noqa: E402
from ctrack.service.paging import PageParams  # noqa: E402
from ctrack.store import dedupe_repo  # noqa: E402
from ctrack.store.db import open_store, session_scope  # noqa: E402


def measure(url: str, n: int, seed: int) -> dict[str, dict[str, float]]:
    """Figures per kind (actor, event) on a knowledge base of ``n`` events."""
    engine = open_store(url)
    kb_scale.Builder(engine, n, seed).build()
    kb_scale.finish(engine)
    seen = [0]

    def count(*_args):
        seen[0] += 1

    out = {}
    with session_scope(engine) as s:
        dedupe.candidates(s, "actor", page=PageParams(limit=1))  # warm the gazetteer
        blocks = {"actor": dedupe_repo.actor_blocks(s), "event": dedupe_repo.event_blocks(s)}
        for kind in ("actor", "event"):
            dedupe.clear_cache()
            event.listen(engine, "before_cursor_execute", count)
            seen[0] = 0
            t = time.perf_counter()
            page = dedupe.candidates(s, kind, page=PageParams(limit=50))
            cold, cold_statements = time.perf_counter() - t, seen[0]
            seen[0] = 0
            t = time.perf_counter()
            dedupe.candidates(s, kind, page=PageParams(limit=50, offset=50))
            warm, warm_statements = time.perf_counter() - t, seen[0]
            event.remove(engine, "before_cursor_execute", count)
            rows = len({i for members in blocks[kind].values() for i in members})
            out[kind] = {"cold_s": cold, "cold_statements": cold_statements, "warm_s": warm,
                         "warm_statements": warm_statements, "rows_in_blocks": rows, "pairs": page.total,
                         "skipped_blocks": len(page.skipped_blocks)}
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[2_000, 10_000], help="knowledge-base sizes")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    results = {}
    for n in args.events:
        with tempfile.TemporaryDirectory(prefix="dedupe-bench-") as tmp:
            results[n] = measure(f"sqlite:///{tmp}/kb.sqlite3", n, args.seed)
        for kind, f in results[n].items():
            print(f"{n:>8,} events  {kind:5}  first page {f['cold_s']:6.2f} s ({f['cold_statements']} statements), "
                  f"next page {f['warm_s'] * 1000:5.1f} ms ({f['warm_statements']} statement), "
                  f"{f['rows_in_blocks']:,} rows in blocks, {f['pairs']:,} pairs ≥ 60, "
                  f"{f['skipped_blocks']} blocks skipped", flush=True)
    first = args.events[0]
    for n in args.events[1:]:
        for kind in ("actor", "event"):
            ratio = results[n][kind]["cold_s"] / max(results[first][kind]["cold_s"], 1e-9)
            print(f"{kind}: {n:,} events over {first:,}: size x{n / first:.1f}, first page x{ratio:.1f}, "
                  f"statements {results[first][kind]['cold_statements']} -> {results[n][kind]['cold_statements']}")


if __name__ == "__main__":
    main()
