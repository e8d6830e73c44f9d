#!/usr/bin/env python3
"""Memory growth of one extraction worker over many documents, with and without spaCy memory zones (issue 12).

    .venv/bin/python bench/extract_memory.py [--count 3000] [--step 500]

A worker of ``ctrack ingest`` extracts batch after batch in one process
(:func:`ctrack.extract.extract_many`). This runs that path on ``--count``
distinct documents (copies of the dev corpus with an added line each,
``bench/corpus.py``, read once before timing) in two fresh processes at the
same time: one with ``Extractor.extract_many(memory_zone=False)`` (what workers did
before) and one with the default (each run of ``ZONE_DOCS`` documents inside
``nlp.memory_zone()``). Each prints its resident set size (``VmRSS``) and the
size of spaCy's string store after the first ``--step`` documents (warm) and
every ``--step`` after, then the growth per 1,000 documents from the warm point
to the end. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    """This process's resident set size in MiB (``/proc/self/status`` VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(folder: str, zone: bool, step: int) -> None:
    """Extract every document of ``folder`` in order, printing one JSON line of figures every ``step``."""
    from ctrack.extract import get_extractor
    from ctrack.ingest import iter_files, read

    docs = [read(p) for p in iter_files([Path(folder)])]
    ex = get_extractor()
    points = []
    for lo in range(0, len(docs), step):
        for _ in ex.extract_many(docs[lo:lo + step], memory_zone=zone):
            pass
        points.append({"docs": min(len(docs), lo + step), "rss_mib": round(rss_mib(), 1),
                       "strings": len(ex.nlp.vocab.strings)})
        print(f"zone={int(zone)} " + json.dumps(points[-1]), file=sys.stderr, flush=True)
    print(json.dumps(points))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--step", type=int, default=500)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--zone", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, bool(args.zone), args.step)
        return
    from corpus import make_copies

    with tempfile.TemporaryDirectory(prefix="extract-mem-") as tmp:
        make_copies(Path(tmp), args.count)
        procs = {zone: subprocess.Popen([sys.executable, __file__, "--worker", tmp, "--zone", str(zone), "--step",
                                         str(args.step)], stdout=subprocess.PIPE, text=True,
                                        env={**os.environ, "PYTHONPATH": str(ROOT)})
                 for zone in (0, 1)}  # side by side: both see the same load
        results = {}
        for zone, proc in procs.items():
            out, _ = proc.communicate()
            if proc.returncode:
                raise SystemExit(f"worker (zone={zone}) failed with exit {proc.returncode}")
            results[zone] = json.loads(out.strip().splitlines()[-1])
    print(f"{args.count:,} documents, one process each; load average {os.getloadavg()[0]:.1f}")
    print(f"{'documents':>10s} {'RSS MiB (no zone)':>18s} {'strings':>9s} {'RSS MiB (zones)':>16s} {'strings':>9s}")
    for a, b in zip(results[0], results[1]):
        print(f"{a['docs']:>10,} {a['rss_mib']:>18.1f} {a['strings']:>9,} {b['rss_mib']:>16.1f} {b['strings']:>9,}")
    for zone, pts in results.items():
        first, last = pts[0], pts[-1]
        per_k = (last["rss_mib"] - first["rss_mib"]) / max(1, last["docs"] - first["docs"]) * 1000
        print(f"{'with' if zone else 'without'} memory zones: {per_k:+.1f} MiB per 1,000 documents after the first "
              f"{first['docs']:,} ({first['rss_mib']:.0f} -> {last['rss_mib']:.0f} MiB)")


if __name__ == "__main__":
    main()
