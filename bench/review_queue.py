#!/usr/bin/env python3
"""Review-queue latency on a knowledge base of N documents (issue 13: under 300 ms on 1,000 documents).

    PYTHONPATH=. .venv/bin/python bench/review_queue.py [--documents 1000] [--db URL] [--repeat 20]

Builds the knowledge base in-process (no spaCy): document ``i`` is dev
document ``i mod 17`` with a line added (its own sha256), stored with that
document's gold record by :func:`ctrack.store.repo.save_document`, so actors
and events merge across copies as they would in a real corpus. Then times
``GET /api/v1/review/queue`` through the whole app (authentication,
paging in SQL, evidence sentences, JSON) at ``limit=1`` and ``limit=50``,
first page and a deep page, and prints the median and worst of
``--repeat`` requests with the queue's length. Without ``--db`` the
database is a SQLite file in a temporary folder.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(url: str, n: int) -> None:
    from ctrack.store import repo
    from ctrack.store.db import open_store, session_scope
    from ctrack.store.testing import DEV_GOLD, gold_document, gold_record, make_document

    ids = sorted(p.stem for p in DEV_GOLD.glob("*.json"))
    base = {i: (gold_document(i), gold_record(i)) for i in ids}
    engine = open_store(url)
    t0 = time.perf_counter()
    for k in range(n):
        doc_id = ids[k % len(ids)]
        doc, record = base[doc_id]
        copy = make_document(f"{doc_id}-c{k:05d}", doc.text + f"\n\nReference: benchmark copy {k}\n",
                             published=doc.published, title=doc.title)
        with session_scope(engine) as s:
            repo.save_document(s, copy, record.model_copy(update={"document": record.document.model_copy(
                update={"id": copy.id})}))
    print(f"built {n} documents in {time.perf_counter() - t0:.1f} s")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    from fastapi.testclient import TestClient

    from ctrack.store import web_repo
    from ctrack.store.db import session_scope
    from ctrack.web.app import create_app

    folder = tempfile.TemporaryDirectory(prefix="ctrack-bench-queue-")
    url = args.db or f"sqlite:///{Path(folder.name) / 'kb.sqlite3'}"
    build(url, args.documents)
    app = create_app(url)
    with session_scope(app.state.engine) as s:
        web_repo.create_user(s, "bench", "viewer", "bench queue passphrase")
        token, _ = web_repo.create_token(s, "bench")
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    total = client.get("/api/v1/review/queue?limit=1", headers=headers).json()["total"]
    print(f"review queue: {total} facts waiting over {args.documents} documents ({app.state.engine.dialect.name})")
    for limit, offset in ((1, 0), (50, 0), (50, max(0, total // 2))):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = client.get(f"/api/v1/review/queue?limit={limit}&offset={offset}", headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
        print(f"  limit={limit:<3} offset={offset:<6} median {statistics.median(times):7.1f} ms   "
              f"worst {max(times):7.1f} ms   ({args.repeat} requests)")
    app.state.engine.dispose()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
