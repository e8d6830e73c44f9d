#!/usr/bin/env python3
"""Peak memory of ``ctrack ingest`` on 10,000 documents (issue 3, target: under 1.5 GB).

    .venv/bin/python bench/ingest_memory.py [--count 10000] [--workers 1] [--keep DIR]

Writes ``--count`` distinct documents (copies of the dev corpus, each with its
own added line: ``bench/corpus.py``) into a temporary folder and runs the real
command, ``ctrack ingest FOLDER --db sqlite:///…/kb.sqlite3 --workers N --json``,
into a fresh SQLite file. Memory is measured two ways:

- the peak resident set size of the ``ctrack`` process, from
  ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the kernel's own
  high-water mark, so no peak is missed);
- on Linux, the peak of the *sum* over the command and all its descendants
  (worker processes and, with ``--workers`` > 1, the fork server), sampled
  every ``--interval`` seconds: of RSS (``/proc/<pid>/status`` VmRSS, which
  counts pages shared after a fork once per process) and of PSS
  (``/proc/<pid>/smaps_rollup``, shared pages split between the processes
  that share them: the memory the run really takes).

Prints both, the run time and documents/s, the knowledge base's size and the
load average. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_copies  # noqa: E402

CTRACK = Path(sys.executable).parent / "ctrack"
PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    task = PROC / str(pid) / "task"
    out: list[int] = []
    try:
        for t in task.iterdir():
            text = (t / "children").read_text()
            out.extend(int(x) for x in text.split())
    except OSError:
        pass
    return out


def _field_kib(path: Path, name: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB summed over ``pid`` and all its descendants."""
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        rss += _field_kib(PROC / str(p) / "status", "VmRSS:")
        pss += _field_kib(PROC / str(p) / "smaps_rollup", "Pss:")
        todo.extend(_children(p))
    return rss, pss


def run(folder: Path, db: Path, workers: int, interval: float) -> tuple[float, dict, int, int, int]:
    """(seconds, --json summary, peak tree RSS KiB, peak tree PSS KiB, peak single-process RSS KiB) of one run."""
    env = dict(os.environ, CTRACK_USER="bench", COLUMNS="200")
    peak = [0, 0]
    start = time.perf_counter()
    proc = subprocess.Popen([str(CTRACK), "ingest", str(folder), "--db", f"sqlite:///{db}", "--workers",
                             str(workers), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)

    def sample() -> None:
        while proc.poll() is None:
            rss, pss = tree_memory_kib(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    if PROC.is_dir():
        sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if sampler.is_alive():
        sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ctrack ingest failed ({proc.returncode}):\n{err[-2000:]}")
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    if sys.platform == "darwin":
        maxrss //= 1024  # bytes there
    return elapsed, json.loads(out), peak[0], peak[1], maxrss


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000, help="generated documents (default 10000)")
    ap.add_argument("--workers", type=int, default=1, help="ctrack ingest --workers (default 1)")
    ap.add_argument("--interval", type=float, default=0.25, help="seconds between RSS samples")
    ap.add_argument("--keep", type=Path, help="write the documents and the database here and keep them")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ctrack-mem-") as tmp:
        base = args.keep or Path(tmp)
        folder = base / "docs"
        t0 = time.perf_counter()
        paths = make_copies(folder, args.count)
        size = sum(p.stat().st_size for p in paths)
        print(f"corpus: {len(paths)} distinct documents, {size / 2**20:.1f} MiB, written in "
              f"{time.perf_counter() - t0:.0f} s")
        print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        db = base / "kb.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        elapsed, summary, tree_peak, tree_pss, proc_peak = run(folder, db, args.workers, args.interval)
        docs = summary["documents"]
        kb = summary["knowledge_base"]
        print(f"ctrack ingest --workers {args.workers}: {docs['new']} new, {docs['failed']} failed in "
              f"{elapsed:.0f} s ({docs['new'] / elapsed:.1f} docs/s); knowledge base {kb['documents']} documents, "
              f"{kb['actors']} actors, {kb['events']} events, {kb['mentions']} mentions; "
              f"database {sum(Path(f'{db}{s}').stat().st_size for s in ('', '-wal') if Path(f'{db}{s}').exists()) / 2**20:.0f} MiB")
        print(f"peak RSS of the ctrack process (kernel high-water mark): {proc_peak / 1024:.0f} MiB")
        if tree_peak:
            print(f"peak sum over the command and its worker processes (sampled every {args.interval} s): "
                  f"RSS {tree_peak / 1024:.0f} MiB, PSS {tree_pss / 1024:.0f} MiB")
        worst = max(proc_peak, tree_peak) / 1024
        print(f"target < 1536 MiB (1.5 GB): {'met' if worst < 1536 else 'MISSED'}; "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
