#!/usr/bin/env python3
"""Per-document store time as the knowledge base grows (issue 12): ``save_document`` on an empty knowledge
base and on one of N events, side by side in one run.

    .venv/bin/python bench/store_growth.py [--events 10000 100000] [--docs 100] [--backend sqlite|postgresql]
    .venv/bin/python bench/store_growth.py --sequence 10000 [--backend sqlite|postgresql]

For each size, builds the knowledge base with ``bench/kb_scale.py``'s bulk
path (0 = empty), then stores ``--docs`` extraction records through the
store's own write path (:func:`ctrack.store.repo.save_document`, one
transaction per document, as ``ctrack ingest`` does) and prints the mean
milliseconds and SQL statements per document (counted with an SQLAlchemy
``before_cursor_execute`` listener), and each size's time over the empty
one. The records are made without spaCy, so the figure is the store's
work alone (resolution and writing): each has a member state, a ministry
of it, two persons (one already in the knowledge base when it is not
empty, found by name; one new) and CTED-like UN entity, and a meeting with
their roles, dated in the years the knowledge base covers.

``--sequence N`` is the issue's ingest-flatness check: N records stored one
after another into an empty knowledge base (persons recur: from the 50th on,
each record's first person is drawn from the persons stored so far), with the
mean store time and statements per document of each run of 1,000, and the
last 1,000 over the first 1,000 (target: within 1.5×).
Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import event  # noqa: E402

import kb_scale  # noqa: E402
from ctrack.schema import (  # noqa: E402
    Actor, ActorKind, DocFormat, Document, DocumentInfo, Event, EventType, Record, Role, RoleType,
)
from ctrack.gazetteer import get_gazetteer  # noqa: E402
from ctrack.store import repo  # noqa: E402
from ctrack.store.db import open_store, session_scope  # noqa: E402

STATES = list(get_gazetteer().states())


def record(i: int, rng: random.Random, known: list[str]) -> tuple[Document, Record]:
    """Document ``i`` and its record (see the module docstring)."""
    state = rng.choice(STATES)
    person = rng.choice(known) if known else f"Amina Karimov-{i}"
    day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(21 * 365))
    text = f"Growth document {i}: {person} met the new envoy Ivan Newman-{i} of {state.name} in {day}."
    raw = text.encode()
    doc = Document(id=f"growth-{i}", path=f"/tmp/growth-{i}.txt", format=DocFormat.TXT,
                   sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), text=text, published=day)
    rec = Record(document=DocumentInfo(id=doc.id), actors=[
        Actor(id="s", kind=ActorKind.MEMBER_STATE, name=state.name, iso3=state.iso3),
        Actor(id="g", kind=ActorKind.GOVERNMENT_BODY, name=f"Ministry of Justice of {state.name}", iso3=state.iso3,
              affiliation="s"),
        Actor(id="p1", kind=ActorKind.PERSON, name=person, title="Minister", affiliation="g"),
        Actor(id="p2", kind=ActorKind.PERSON, name=f"Ivan Newman-{i}", title="Envoy", affiliation="s"),
        Actor(id="u", kind=ActorKind.UN_ENTITY, name="Counter-Terrorism Committee Executive Directorate",
              acronym="CTED"),
    ], events=[Event(id="e", type=EventType.MEETING, start=day.isoformat(), country=state.iso3, roles=[
        Role(actor="p1", role=RoleType.PARTICIPANT), Role(actor="p2", role=RoleType.PARTICIPANT),
        Role(actor="u", role=RoleType.ORGANIZER), Role(actor="s", role=RoleType.SUBJECT)])])
    return doc, rec


def run(url: str, events: int, docs: int, seed: int) -> tuple[float, float]:
    """(ms per document, statements per document) of storing ``docs`` records on ``events`` bulk events."""
    engine = open_store(url)
    known: list[str] = []
    if events:
        info = kb_scale.Builder(engine, events, seed).build()
        kb_scale.finish(engine)
        known = [a["name"] for a in info["by_id"].values() if a["kind"] is ActorKind.PERSON][:2000]
    rng = random.Random(seed)
    seen = [0]

    def count(*_args):
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    t = time.perf_counter()
    for i in range(docs):
        with session_scope(engine) as s:
            repo.save_document(s, *record(i, rng, known))
    elapsed = time.perf_counter() - t
    engine.dispose()
    return elapsed / docs * 1000, seen[0] / docs


def sequence(url: str, docs: int, seed: int, block: int = 1000) -> list[tuple[int, float, float]]:
    """Store ``docs`` records one after another into the empty knowledge base at ``url``; returns
    (documents so far, ms per document, statements per document) for each run of ``block``."""
    engine = open_store(url)
    rng = random.Random(seed)
    seen = [0]

    def count(*_args):
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    known: list[str] = []
    out = []
    t, n0 = time.perf_counter(), 0
    for i in range(docs):
        with session_scope(engine) as s:
            repo.save_document(s, *record(i, rng, known if i >= 50 else []))
        known.append(f"Ivan Newman-{i}")
        if (i + 1) % block == 0 or i + 1 == docs:
            k = i + 1 - n0
            out.append((i + 1, (time.perf_counter() - t) / k * 1000, (seen[0]) / k))
            print(f"  {i + 1:>7,} documents: {out[-1][1]:6.1f} ms/document, {out[-1][2]:5.1f} statements/document "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
            t, n0, seen[0] = time.perf_counter(), i + 1, 0
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000], help="knowledge-base sizes")
    parser.add_argument("--docs", type=int, default=100, help="documents stored per size")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--sequence", type=int, metavar="N",
                        help="store N records into an empty knowledge base; per-1,000 figures, last over first")
    args = parser.parse_args(argv)
    if args.sequence:
        with tempfile.TemporaryDirectory(prefix="store-seq-") as tmp:
            stop = None
            if args.backend == "sqlite":
                url = f"sqlite:///{tmp}/kb.sqlite3"
            else:
                from ctrack.store.pgserver import start_throwaway_postgres

                url, stop = start_throwaway_postgres()
            print(f"{args.sequence:,} documents stored in turn on {args.backend}; load average {os.getloadavg()[0]:.1f}")
            try:
                blocks = sequence(url, args.sequence, args.seed)
            finally:
                if stop:
                    stop()
        print(f"last 1,000 / first 1,000: {blocks[-1][1] / blocks[0][1]:.2f}× time, "
              f"{blocks[-1][2] / blocks[0][2]:.2f}× statements")
        return
    stop = None
    if args.backend == "postgresql":
        from ctrack.store.pgserver import start_throwaway_postgres

        base, stop = start_throwaway_postgres()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    rows = []
    try:
        for n in [0, *args.events]:
            with tempfile.TemporaryDirectory(prefix="store-growth-") as tmp:
                if args.backend == "sqlite":
                    url = f"sqlite:///{tmp}/kb.sqlite3"
                else:
                    from sqlalchemy import create_engine, make_url, text

                    schema = f"growth_{n}"
                    admin = create_engine(base)
                    with admin.begin() as conn:
                        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                    admin.dispose()
                    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                        hide_password=False)
                ms, statements = run(url, n, args.docs, args.seed)
                rows.append((n, ms, statements))
                print(f"{n:>9,} events: {ms:7.1f} ms/document, {statements:5.1f} statements/document", flush=True)
    finally:
        if stop:
            stop()
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    base_ms = rows[0][1]
    for n, ms, _ in rows[1:]:
        print(f"{n:>9,} events / empty: {ms / base_ms:.2f}×")


if __name__ == "__main__":
    main()
