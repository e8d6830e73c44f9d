#!/usr/bin/env python3
"""``ctrack ingest --workers N`` scaling: documents per second with 1 and with 2 worker processes (issue 3).

    .venv/bin/python bench/ingest_scaling.py [--count 300] [--workers 1 2] [--keep DIR]

Writes ``--count`` distinct documents (copies of the dev corpus, each with
its own added line: ``bench/corpus.py``) into a temporary folder, then runs
the real command, ``ctrack ingest FOLDER --db sqlite:///…/kb-wN.sqlite3
--workers N --json``, once per ``--workers`` value, each into a fresh SQLite
file, and times the whole command (wall clock: start-up, model loading,
reading, extraction, resolution and storing). The worker counts are run in
turn ``--rounds`` times and the best run of each counts, since other work
on a shared machine slows runs at random. Prints documents/s for each run
and the speed-up of the largest worker count over 1 (target ≥ 1.8× on 2
cores), plus the load average. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_copies, run_ingest  # noqa: E402

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=300, help="generated documents (default 300)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time (default 1 2)")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each worker count, in turn (default 2)")
    ap.add_argument("--keep", type=Path, help="write the documents and databases here and keep them")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ctrack-bench-") as tmp:
        base = args.keep or Path(tmp)
        folder = base / "docs"
        paths = make_copies(folder, args.count)
        words = sum(len(p.read_bytes().split()) for p in paths if p.suffix == ".txt")
        print(f"corpus: {len(paths)} distinct documents in {folder} ({words:,} words in the .txt ones)")
        print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        rates: dict[int, float] = {}
        for r in range(args.rounds):
            for w in args.workers:
                db = base / f"kb-w{w}.sqlite3"
                load = os.getloadavg()[0]
                elapsed, summary = run_ingest(folder, db, "--workers", str(w))
                stored = summary["documents"]["new"]
                rates[w] = max(rates.get(w, 0.0), stored / elapsed)
                kb = summary["knowledge_base"]
                print(f"round {r + 1} --workers {w}: {stored} documents stored ({summary['documents']['failed']} "
                      f"failed) in {elapsed:.1f} s = {stored / elapsed:.2f} docs/s; knowledge base {kb['actors']} "
                      f"actors, {kb['events']} events; load average before {load:.2f}")
        for w, rate in rates.items():
            print(f"best --workers {w}: {rate:.2f} docs/s")
        if 1 in rates and len(rates) > 1:
            top = max(rates)
            speedup = rates[top] / rates[1]
            print(f"speed-up --workers {top} over --workers 1: {speedup:.2f}x "
                  f"(target >= 1.8x on 2 cores, issue 12: {'met' if speedup >= 1.8 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
