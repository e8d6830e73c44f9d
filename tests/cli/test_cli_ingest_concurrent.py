"""Two ``ctrack ingest`` processes at once on one knowledge base give what one serial run gives (issue 13, finding 4).

Before: on PostgreSQL two ingests lost documents in 3 of 5 runs
(``UniqueViolation uq_actors_canonical_key``); on a fresh database the second
process died in the migration (``alembic_version already exists``); over one
shared folder each process reported 28–154 files as failed. Here, on SQLite
and on PostgreSQL, over disjoint and over shared folders, 5 times each, on a
fresh database each time: both processes exit 0, no file is reported as
failed, every file is stored once and the knowledge base (documents, actors,
events, roles) equals that of one serial run.

The processes are real ``ctrack ingest`` runs (:mod:`gold_ingest`: the
command with extraction replaced by the gold records, so that the facts are
the same every run and no spaCy model is loaded); the 5 repetitions of a case
run side by side, each pair on its own database.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, select, text

from ctrack.store.db import session_scope
from ctrack.store.models import DbActor, DbDocument, DbEvent, DbEventRole, ReviewState
from ctrack.store.testing import DEV_DOCS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: Small dev documents whose gold records share actors (UNOCT, CTED, states), so that the runs race on them.
FILES = ["seed-000.txt", "dev-004.txt", "dev-011.txt", "dev-001.txt", "dev-014.txt", "dev-006.txt"]
REPEAT = 5


def _folders(tmp: Path) -> dict[str, list[Path]]:
    """The inputs of each case: two disjoint halves, or one shared folder given to both processes."""
    left, right, both = tmp / "left", tmp / "right", tmp / "both"
    for folder in (left, right, both):
        folder.mkdir()
    for i, name in enumerate(FILES):
        shutil.copy(DEV_DOCS / name, (left if i % 2 == 0 else right) / name)
        shutil.copy(DEV_DOCS / name, both / name)
    return {"disjoint": [left, right], "shared": [both, both]}


def _start(folder: Path, url: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]), "CTRACK_USER": "ingester",
           "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, str(HERE / "gold_ingest.py"), "ingest", str(folder), "--db", url,
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _finish(proc: subprocess.Popen) -> dict:
    out, errors = proc.communicate(timeout=300)
    assert proc.returncode == 0, errors
    return json.loads(out)


def _snapshot(url: str) -> dict:
    """The knowledge base as comparable sets: documents, actors, events and roles (ids left out)."""
    engine = create_engine(url)
    try:
        with session_scope(engine) as s:
            live = ReviewState.REJECTED
            keys = {a.id: a.canonical_key for a in s.scalars(select(DbActor).where(DbActor.review_state != live))}
            events = {e.id: (e.type.value, e.start, e.end, e.country, e.name)
                      for e in s.scalars(select(DbEvent).where(DbEvent.review_state != live))}
            roles = sorted(((events[r.event_id], keys[r.actor_id], r.role.value) for r in s.scalars(select(DbEventRole))
                            if r.event_id in events and r.actor_id in keys), key=repr)
            return {"documents": sorted(s.scalars(select(DbDocument.sha256))), "actors": sorted(keys.values()),
                    "events": sorted(events.values(), key=repr), "roles": roles}
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_urls(request, tmp_path):
    """A factory of URLs of empty databases (not migrated): SQLite files, or new PostgreSQL schemas."""
    made: list[str] = []

    def make() -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / f'kb-{uuid.uuid4().hex[:8]}.sqlite3'}"
        schema = f"c_{uuid.uuid4().hex[:16]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        return make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)

    admin = None
    if request.param == "postgresql":
        pg = request.getfixturevalue("pg_base_url")
        admin = create_engine(pg)
    yield make
    if admin is not None:
        with admin.begin() as conn:
            for schema in made:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_two_ingests_at_once_equal_one_serial_run(fresh_urls, tmp_path):
    cases = _folders(tmp_path)
    serial_url = fresh_urls()
    serial = _finish(_start(tmp_path / "both", serial_url))
    assert serial["documents"]["new"] == len(FILES) and not serial["failed"]
    expected = _snapshot(serial_url)
    assert len(expected["actors"]) > 10 and expected["roles"]
    for case, (first, second) in cases.items():
        urls = [fresh_urls() for _ in range(REPEAT)]
        procs = [(_start(first, url), _start(second, url)) for url in urls]  # the 5 pairs side by side
        for run, (url, (a, b)) in enumerate(zip(urls, procs), start=1):
            summaries = [_finish(a), _finish(b)]
            where = f"{case} run {run}"
            assert [s["failed"] for s in summaries] == [[], []], where
            stored = [p for s in summaries for p in s["new"]]
            assert sorted(Path(p).name for p in stored) == sorted(FILES), where  # each file stored once
            if case == "shared":
                others = [p for s in summaries for p in s["unchanged"] + [x["path"] for x in s["skipped"]]]
                assert sorted(Path(p).name for p in others) == sorted(FILES), where  # and left alone by the other
            assert _snapshot(url) == expected, where
