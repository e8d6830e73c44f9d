#!/usr/bin/env python3
"""Extraction time against text length (issue 13: the cost per character must stay flat within 2x).

    .venv/bin/python bench/extract_scaling.py [--sizes 25000,100000,400000,1600000]

Builds texts of the given sizes (characters) from the dev documents joined by
paragraph breaks, extracts each once in this process (the extractor is loaded
and warmed first) and prints seconds, microseconds per character and the ratio
of each size's per-character cost to the smallest one's. Texts longer than
``ctrack.extract.CHUNK_CHARS`` are parsed in paragraph chunks. Not a test: it
only prints.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_DOCS = ROOT / ".." / "shared" / "corpus" / "dev" / "docs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="25000,100000,400000,1600000")
    args = ap.parse_args()
    from ctrack.extract import get_extractor
    from ctrack.ingest import iter_files, read
    from ctrack.schema import Document

    base = [read(p) for p in iter_files([DEV_DOCS])]
    pool = "\n\n".join(d.text for d in base)
    ex = get_extractor()
    ex.extract(base[0])
    print(f"load average {os.getloadavg()[0]:.1f}; {len(pool):,} characters of dev text repeated as needed")
    first = None
    for size in (int(s) for s in args.sizes.split(",")):
        text = (pool + "\n\n") * (size // (len(pool) + 2) + 1)
        text = text[:size]
        doc = Document(id=f"scale-{size}", path="-", format=base[0].format, sha256="-", size=size, text=text,
                       published=base[0].published)
        t = time.perf_counter()
        record = ex.extract(doc)
        secs = time.perf_counter() - t
        per = secs / size * 1e6
        first = first or per
        print(f"{size:>10,} chars  {secs:8.2f} s  {per:7.2f} us/char  x{per / first:4.2f}  "
              f"({len(record.actors)} actors, {len(record.events)} events)", flush=True)


if __name__ == "__main__":
    main()
