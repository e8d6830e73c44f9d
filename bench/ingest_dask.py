#!/usr/bin/env python3
"""``ctrack ingest --dask-local N`` scaling: documents per second with 1, 2 and 4 local Dask workers (issue 12).

    .venv/bin/python bench/ingest_dask.py [--count 200] [--workers 1 2 4] [--rounds 2] [--keep DIR]

Writes ``--count`` distinct documents (copies of the dev corpus, each with
its own added line: ``bench/corpus.py``) into a temporary folder, then runs
the real command, ``ctrack ingest FOLDER --db sqlite:///…/kb-dN.sqlite3
--dask-local N --json``, once per ``--workers`` value and round, each into a
fresh SQLite file; the worker counts run in turn, side by side in one run,
and the best run of each counts (other work on a shared machine slows runs
at random). Two figures per run:

* **whole command**: documents stored / wall seconds of the command
  (start of the Python process, the local cluster and its worker processes,
  the extractor built once per worker, reading and extraction on the
  workers, storing in the client);
* **past start-up**: documents / (wall seconds − the start-up of the same
  worker count), the start-up being a run of the command over an empty
  folder (process, cluster, extractor per worker, audit log; nothing read).

Prints both for each worker count, the ratio of 2 workers over 1 and of the
largest count over 1, the CPU count and the load average before each run.
On a 2-core machine the storing client and the workers share the cores, so
more than 2 workers cannot add speed. Not a test: it only prints.
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
    ap.add_argument("--count", type=int, default=200, help="generated documents (default 200)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="worker counts (default 1 2 4)")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each worker count, in turn (default 2)")
    ap.add_argument("--keep", type=Path, help="write the documents and databases here and keep them")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ctrack-bench-") as tmp:
        base = args.keep or Path(tmp)
        folder, empty = base / "docs", base / "empty"
        paths = make_copies(folder, args.count)
        empty.mkdir(parents=True, exist_ok=True)
        print(f"corpus: {len(paths)} distinct documents in {folder}")
        print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        whole: dict[int, float] = {}
        past: dict[int, float] = {}
        for r in range(args.rounds):
            for w in args.workers:
                db = base / f"kb-d{w}.sqlite3"
                load = os.getloadavg()[0]
                startup, _ = run_ingest(empty, db, "--dask-local", str(w))
                elapsed, summary = run_ingest(folder, db, "--dask-local", str(w))
                stored = summary["documents"]["new"]
                rate, steady = stored / elapsed, stored / max(elapsed - startup, 1e-9)
                whole[w] = max(whole.get(w, 0.0), rate)
                past[w] = max(past.get(w, 0.0), steady)
                kb = summary["knowledge_base"]
                print(f"round {r + 1} --dask-local {w}: {stored} documents stored "
                      f"({summary['documents']['failed']} failed) in {elapsed:.1f} s = {rate:.2f} docs/s; "
                      f"start-up {startup:.1f} s, past it {steady:.2f} docs/s; knowledge base {kb['actors']} "
                      f"actors, {kb['events']} events; load average before {load:.2f}")
        for w in args.workers:
            print(f"best --dask-local {w}: {whole[w]:.2f} docs/s whole command, {past[w]:.2f} docs/s past start-up")
        if 1 in whole:
            for w in sorted({2, max(args.workers)} & set(whole) - {1}):
                print(f"ratio --dask-local {w} over 1: {whole[w] / whole[1]:.2f}x whole command, "
                      f"{past[w] / past[1]:.2f}x past start-up")
        print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
