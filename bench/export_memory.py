#!/usr/bin/env python3
"""Peak memory of ``ctrack export`` on 100,000 events (issue 10, target: under 300 MB).

    .venv/bin/python bench/export_memory.py [--events 100000] [--formats csv,xlsx,jsonl,ics,graphml,gexf,ftm]

Builds a SQLite knowledge base with ``--events`` events (each with three
roles among 3,000 actors of every kind, 300 of them persons with a title,
and one source among 10,000 documents; a tenth planned, a tenth known only
to the month), written with bulk inserts through the store's own models and
migrations. Then runs the real command once per format,
``ctrack export --format F --out FILE --db sqlite:///…``, each in its own
process, and prints for each: the peak resident set size of that process
(``ru_maxrss`` of that process from ``os.wait4``: the kernel's own
high-water mark, so no peak is missed), the time, the
events exported and the file size. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CTRACK = Path(sys.executable).parent / "ctrack"


def build(url: str, n_events: int, seed: int = 7) -> None:
    """Fill a fresh knowledge base at ``url`` with ``n_events`` synthetic events (see the module docstring)."""
    from sqlalchemy import insert

    from ctrack.schema import ActorKind, DocFormat, EventStatus, EventType, RoleType
    from ctrack.store.db import open_store
    from ctrack.store.models import DbActor, DbDocument, DbEvent, DbEventRole, DbEventSource, DbTitle, event_days

    rnd = random.Random(seed)
    engine = open_store(url)
    kinds = [k for k in ActorKind if k is not ActorKind.MEMBER_STATE]
    isos = ["TJK", "KAZ", "KGZ", "UZB", "TKM", "AFG", "IRQ", "NGA", "MLI", "KEN", "EGY", "MAR", "IDN", "PHL"]
    with engine.begin() as c:
        c.execute(insert(DbDocument), [dict(id=i, doc_key=f"doc-{i:05d}", path=f"/data/doc-{i:05d}.txt",
                                            format=DocFormat.TXT, sha256=f"{i:064x}", size=1000,
                                            title=f"Press release {i}", published=dt.date(2015, 1, 1)
                                            + dt.timedelta(days=i % 3650), text="")
                                       for i in range(1, 10_001)])
        actors = []
        for i in range(1, 3_001):
            kind = ActorKind.MEMBER_STATE if i <= len(isos) else kinds[i % len(kinds)]
            actors.append(dict(id=i, kind=kind, canonical_key=f"actor-{i}",
                                name=isos[i - 1] if kind is ActorKind.MEMBER_STATE else f"Actor {i}",
                                iso3=isos[i - 1] if kind is ActorKind.MEMBER_STATE else
                                (rnd.choice(isos) if kind is ActorKind.GOVERNMENT_BODY else None),
                                title="Minister of Interior" if kind is ActorKind.PERSON else None,
                                affiliation_id=rnd.randint(1, len(isos)) if kind is ActorKind.PERSON else None))
        c.execute(insert(DbActor), actors)
        persons = [a["id"] for a in actors if a["kind"] is ActorKind.PERSON]
        c.execute(insert(DbTitle), [dict(person_id=p, title="Minister of Interior", affiliation_id=1,
                                         document_id=rnd.randint(1, 10_000), as_of="2019-03-01") for p in persons])
        types, roles = list(EventType), list(RoleType)
        batch = 20_000
        for lo in range(1, n_events + 1, batch):
            evs, rls, srcs = [], [], []
            for i in range(lo, min(lo + batch, n_events + 1)):
                day = dt.date(2010, 1, 1) + dt.timedelta(days=rnd.randint(0, 6000))
                start = day.isoformat()[:7] if i % 10 == 3 else day.isoformat()
                first, last = event_days(start, start)
                evs.append(dict(id=i, type=types[i % len(types)], name=f"Event {i}" if i % 2 else None,
                                start=start, end=start, start_day=first, end_day=last, city="Dushanbe", country=rnd.choice(isos),
                                status=EventStatus.PLANNED if i % 10 == 0 else EventStatus.HELD))
                for a in rnd.sample(range(1, 3_001), 3):
                    rls.append(dict(event_id=i, actor_id=a, role=rnd.choice(roles)))
                srcs.append(dict(event_id=i, document_id=rnd.randint(1, 10_000), local_id=f"e{i}", facts={}))
            c.execute(insert(DbEvent), evs)
            c.execute(insert(DbEventRole), rls)
            c.execute(insert(DbEventSource), srcs)
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--formats", default="csv,xlsx,jsonl,ics,graphml,gexf,ftm")
    ap.add_argument("--keep", type=Path, help="write the knowledge base and exports here (default: a temporary folder)")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ctrack-export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "kb.sqlite3"
    url = f"sqlite:///{db}"
    if not db.exists():
        t = time.perf_counter()
        build(url, args.events)
        print(f"built {args.events:,} events in {time.perf_counter() - t:.0f} s: {db} "
              f"({db.stat().st_size / 2**20:.0f} MiB)")
    print(f"{'format':8} {'peak RSS':>10} {'time':>8} {'events':>8} {'file':>10}")
    for fmt in args.formats.split(","):
        out = folder / f"export.{fmt}"
        t = time.perf_counter()
        proc = subprocess.Popen([str(CTRACK), "export", "--format", fmt, "--out", str(out), "--db", url, "--json",
                                 "--user", "bench"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stdout, stderr = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)  # this process's own peak RSS (KiB on Linux)
        took = time.perf_counter() - t
        peak = usage.ru_maxrss
        if os.waitstatus_to_exitcode(status):
            print(f"{fmt:8} failed: {stderr.strip()[-300:]}")
            continue
        res = json.loads(stdout)
        print(f"{fmt:8} {peak / 1024:>7.0f} MiB {took:>6.1f} s {res['events']:>8,} "
              f"{out.stat().st_size / 2**20:>6.1f} MiB")


if __name__ == "__main__":
    main()
