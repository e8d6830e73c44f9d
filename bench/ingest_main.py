#!/usr/bin/env python3
"""Where the storing process of ``ctrack ingest --workers N`` spends its time (issue 12), per document stored:
its CPU time, its wall time in the database's ``COMMIT``, its wait for a CPU while runnable, and its wait for
the workers' results.

    .venv/bin/python bench/ingest_main.py [--count 200] [--workers 1 2] [--synchronous FULL NORMAL]
                                          [--worker-nice 0 5] [--rounds 1]

Writes ``--count`` distinct copies of the dev documents (``bench/corpus.py``), then runs the real command,
``ctrack ingest FOLDER --db sqlite:///… --workers N --json``, each in a fresh Python process that calls the
Typer app in-process (so that this process is the command's own, the storing one) into a fresh SQLite file;
each ``--workers`` value and each ``--synchronous`` mode in turn, ``--rounds`` times (side by side in one
run). With ``--synchronous`` the SQLite connections use that ``PRAGMA synchronous``
(:data:`ctrack.store.db.SQLITE_SYNCHRONOUS`) instead of the store's own; with ``--worker-nice`` the worker
processes lower their priority by that much (:data:`ctrack.pipeline.WORKER_NICE`) instead of the pipeline's own
(runs with 1 worker have no worker process: they run once per mode of ``--synchronous`` only). Per document
stored, it prints:

- ``cpu``: the command process's CPU time (``time.process_time``, all its threads: with 1 worker reading and
  extraction too, with 2 the storing and the pool's result threads);
- ``commit``: wall time in the dialect's ``do_commit`` (the SQLite commit: the WAL write and, with
  ``synchronous=FULL``, its fsync; a checkpoint when one falls due), and the CPU time of it (``thread_time``);
- ``runq``: time the process was runnable but waiting for a CPU (``/proc/self/schedstat``, all threads), the
  cost of sharing 2 cores with the workers and whatever else runs;
- ``wait``: wall time spent waiting for the next outcome from the workers (0 with 1 worker: it extracts itself);
- ``tail`` (once a run): seconds from the last time the storing process had to wait for a result (more than
  :data:`WAITED`) to the end of the command: the backlog of extracted documents it stores after the workers
  are done (or idle for want of work), while a core has nothing to do;
- ``wall``: the whole command, and documents/s.

CPU and commit times hold on a loaded machine better than wall clocks; ``runq`` and ``wait`` depend on the load
(printed with each run). Not a test: it only prints.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import timed_commits  # noqa: E402


#: A wait for the next outcome longer than this (seconds) is a wait for the workers, not a result already there.
WAITED = 0.005


def _schedstat() -> float:
    """Seconds this process's threads have waited on a run queue (sum of ``/proc/self/task/*/schedstat``)."""
    total = 0
    for task in os.listdir("/proc/self/task"):
        try:
            total += int(Path(f"/proc/self/task/{task}/schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            pass  # a thread that ended meanwhile
    return total / 1e9


def child(folder: str, db: str, workers: int, synchronous: str | None, nice: int | None) -> None:
    """Run ``ctrack ingest`` in this process and print one JSON line with its figures (see the module)."""
    import ctrack.cli.ingest as ingest_cli
    from ctrack import pipeline
    from ctrack.cli import app
    from ctrack.store import db as store_db

    if synchronous:
        store_db.SQLITE_SYNCHRONOUS = synchronous
    if nice is not None:
        pipeline.WORKER_NICE = nice
    waiting = [0.0]
    produce = ingest_cli.read_and_extract

    last_wait = [None]

    def timed_outcomes(paths, n):
        it = produce(paths, n)
        while True:
            start = time.perf_counter()
            try:
                o = next(it)
            except StopIteration:
                return
            finally:
                now = time.perf_counter()
                waiting[0] += now - start
                if now - start > WAITED:
                    last_wait[0] = now
            yield o

    if workers > 1:  # with one worker, the "wait" would be this process's own extraction
        ingest_cli.read_and_extract = timed_outcomes
    import contextlib
    import io

    out = io.StringIO()
    run0, cpu0, wall0 = _schedstat(), time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(out), timed_commits() as committing:  # [wall, CPU] of the storing thread
        try:
            app(["ingest", folder, "--db", f"sqlite:///{db}", "--workers", str(workers), "--json"],
                standalone_mode=False)
        except SystemExit:
            pass
    end = time.perf_counter()
    wall, cpu, runq = end - wall0, time.process_time() - cpu0, _schedstat() - run0
    tail = end - last_wait[0] if last_wait[0] is not None else 0.0
    summary = json.loads(out.getvalue())
    print(json.dumps({"stored": summary["documents"]["new"], "failed": summary["documents"]["failed"],
                      "wall": wall, "cpu": cpu, "runq": runq, "commit": committing[0], "commit_cpu": committing[1],
                      "wait": waiting[0], "tail": tail,
                      "synchronous": store_db.SQLITE_SYNCHRONOUS, "worker_nice": pipeline.WORKER_NICE}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200, help="generated documents (default 200)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    ap.add_argument("--synchronous", nargs="+", metavar="MODE", default=[None],
                    help="SQLite PRAGMA synchronous modes, in turn (default: the store's own)")
    ap.add_argument("--worker-nice", type=int, nargs="+", default=[None], metavar="N",
                    help="niceness the workers add to theirs, in turn (default: the pipeline's own)")
    ap.add_argument("--rounds", type=int, default=1, help="rounds of every combination (default 1)")
    ap.add_argument("--child", nargs=5, metavar=("FOLDER", "DB", "WORKERS", "SYNC", "NICE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        folder, db, workers, sync, nice = args.child
        child(folder, db, int(workers), None if sync == "-" else sync, None if nice == "-" else int(nice))
        return 0
    from corpus import make_copies

    with tempfile.TemporaryDirectory(prefix="ctrack-ingestmain-") as tmp:
        folder = Path(tmp) / "docs"
        make_copies(folder, args.count)
        print(f"{args.count} documents; {os.cpu_count()} CPUs; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        env = dict(os.environ, CTRACK_USER="bench", COLUMNS="200",
                   PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
        for r in range(args.rounds):
            for sync in args.synchronous:
                for w, nice in [(w, n) for w in args.workers for n in (args.worker_nice if w > 1 else [None])]:
                    db = Path(tmp) / f"kb-{r}-{w}-{sync}-{nice}.sqlite3"
                    load = os.getloadavg()[0]
                    proc = subprocess.run([sys.executable, __file__, "--child", str(folder), str(db), str(w),
                                           sync or "-", "-" if nice is None else str(nice)],
                                          capture_output=True, text=True, env=env)
                    if proc.returncode != 0:
                        raise SystemExit(f"child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
                    f = json.loads(proc.stdout.strip().splitlines()[-1])
                    n = max(f["stored"], 1)
                    niced = f" workers nice +{f['worker_nice']}" if w > 1 else ""
                    print(f"round {r + 1} --workers {w} synchronous={f['synchronous']}{niced}: {f['stored']} stored "
                          f"({f['failed']} failed) in {f['wall']:.1f} s = {f['stored'] / f['wall']:.2f} docs/s; "
                          f"per document: cpu {f['cpu'] / n * 1000:.1f} ms, commit {f['commit'] / n * 1000:.2f} ms "
                          f"({f['commit_cpu'] / n * 1000:.2f} ms CPU), runq {f['runq'] / n * 1000:.1f} ms, "
                          f"wait {f['wait'] / n * 1000:.1f} ms; tail {f['tail']:.1f} s; "
                          f"load before {load:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
