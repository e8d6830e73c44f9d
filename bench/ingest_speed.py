#!/usr/bin/env python3
"""Ingest speed on the text-layer corpus, this checkout against a baseline checkout, side by side (issue 9).

    git worktree add /tmp/ctrack-base <older commit>
    .venv/bin/python bench/ingest_speed.py --baseline /tmp/ctrack-base [--count 100] [--rounds 3]

Two measures, each run alternately for the baseline and this checkout
(``--rounds`` times; the best run of each counts, since other work on a
shared machine slows runs at random):

1. reading only: :func:`ctrack.ingest.read` over every file of the dev
   corpus (``../shared/corpus/dev/docs``: txt, html, pdf, docx, all with a
   text layer), 5 passes in one fresh process per checkout; documents per
   second. This is the part issue 9 changed (language detection, case
   check, column check, DOCX walk, HTML clean-up, input limits).
2. the whole command: ``ctrack ingest FOLDER --db sqlite:///… --json`` over
   ``--count`` distinct copies of the dev documents (``bench/corpus.py``),
   into a fresh SQLite file each time; documents per second.

Prints both rates, the ratio this/baseline (target: no drop of more than
10 %, i.e. ratio >= 0.90) and the load average. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEV_DOCS, make_copies  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CTRACK = Path(sys.executable).parent / "ctrack"
READ_ONLY = """
import sys, time
from pathlib import Path
from ctrack.ingest import read
files = sorted(p for p in Path(sys.argv[1]).iterdir() if p.suffix.lower() in ('.txt', '.html', '.htm', '.pdf', '.docx'))
read(files[0])  # imports and lazy set-up out of the timing
start = time.perf_counter()
for _ in range(5):
    for f in files:
        read(f)
print(5 * len(files) / (time.perf_counter() - start))
"""


def read_rate(checkout: Path) -> float:
    """Documents read per second by :func:`ctrack.ingest.read` of ``checkout`` over the dev corpus."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    proc = subprocess.run([sys.executable, "-c", READ_ONLY, str(DEV_DOCS)], capture_output=True, text=True,
                          env=env, check=True)
    return float(proc.stdout.strip().splitlines()[-1])


def ingest_rate(checkout: Path, folder: Path, db: Path) -> tuple[float, int]:
    """(documents stored per second, documents stored) of one ``ctrack ingest`` run of ``checkout``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(checkout), CTRACK_USER="bench", COLUMNS="200")
    start = time.perf_counter()
    proc = subprocess.run([str(CTRACK), "ingest", str(folder), "--db", f"sqlite:///{db}", "--json"],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ctrack ingest ({checkout}) failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    stored = json.loads(proc.stdout)["documents"]["new"]
    return stored / elapsed, stored


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="a checkout of the commit to compare with")
    ap.add_argument("--count", type=int, default=100, help="generated documents for the whole command (default 100)")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each, alternating (default 3)")
    args = ap.parse_args(argv)
    sides = {"baseline": args.baseline.resolve(), "this": ROOT}
    print(f"baseline {sides['baseline']}; this {ROOT}; {os.cpu_count()} CPUs; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    reads: dict[str, float] = {}
    ingests: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="ctrack-bench-") as tmp:
        folder = Path(tmp) / "docs"
        make_copies(folder, args.count)
        for r in range(args.rounds):
            for name, checkout in sides.items():
                rate = read_rate(checkout)
                reads[name] = max(reads.get(name, 0.0), rate)
                print(f"round {r + 1} {name:8s} read only: {rate:7.1f} docs/s")
            for name, checkout in sides.items():
                rate, stored = ingest_rate(checkout, folder, Path(tmp) / f"kb-{name}.sqlite3")
                ingests[name] = max(ingests.get(name, 0.0), rate)
                print(f"round {r + 1} {name:8s} ctrack ingest: {stored} documents, {rate:.2f} docs/s "
                      f"(load {os.getloadavg()[0]:.2f})")
    for label, rates in (("read only", reads), ("ctrack ingest", ingests)):
        ratio = rates["this"] / rates["baseline"]
        print(f"best {label}: baseline {rates['baseline']:.2f} docs/s, this {rates['this']:.2f} docs/s, "
              f"ratio {ratio:.2f} ({'within' if ratio >= 0.90 else 'MORE than'} the 10 % budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
