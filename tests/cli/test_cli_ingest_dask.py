"""``ctrack ingest --scheduler / --dask-local`` (issue 12, part 5): reading and extraction on a real Dask cluster.

A ``LocalCluster`` on loopback (2 worker processes, 1 thread each, the
dashboard on a free port) is started once for the module and closed in the fixture's
teardown. The runs use the real extractor, built once per worker by the
plugin. A Dask run must store exactly what a serial run stores (documents,
actors, aliases, titles, events, roles, evidence mentions; ids left out),
and a bad file in its batch is reported while the rest is stored.
"""
from __future__ import annotations

import hashlib
import json
import shutil

import distributed
import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from ctrack import cluster
from ctrack.cli import app
from ctrack.pipeline import Outcome
from ctrack.store.db import session_scope
from ctrack.store.models import DbActor, DbDocument, DbEvent, DbEventRole, DbMention, DbTitle
from ctrack.store.track_models import DbTransfer
from ctrack.store.testing import DEV_DOCS

#: Dev documents of every text format, sharing actors (UNOCT, CTED, member states), so that storing merges them.
FILES = ["seed-000.txt", "dev-004.txt", "dev-011.txt", "dev-008.docx", "dev-012.html", "dev-001.txt"]


def run(*args):
    return CliRunner().invoke(app, [*args], catch_exceptions=False, env={"COLUMNS": "200", "CTRACK_USER": "t"})


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster of 2 worker processes (1 thread each) on 127.0.0.1, closed at the end."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", timeout=120) as local:
        yield local.scheduler_address


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in FILES:
        shutil.copy(DEV_DOCS / name, folder / name)
    return folder


def snapshot(url: str) -> dict:
    """The knowledge base at ``url`` as comparable sorted lists, ids replaced by the keys they stand for."""
    engine = create_engine(url)
    try:
        with session_scope(engine) as s:
            docs = {d.id: d.sha256 for d in s.scalars(select(DbDocument))}
            actors = {a.id: a.canonical_key for a in s.scalars(select(DbActor))}
            events = {e.id: (e.type.value, e.name, e.start, e.end, e.city, e.country) for e in s.scalars(select(DbEvent))}

            def rounded(x):
                return None if x is None else round(x, 6)

            return {
                "documents": sorted((d.sha256, d.doc_key, d.path, d.format.value, d.title, str(d.published),
                                     d.language, hashlib.sha256(d.text.encode()).hexdigest())
                                    for d in s.scalars(select(DbDocument))),
                "actors": sorted((a.canonical_key, a.kind.value, a.name, a.acronym, a.iso3, a.title,
                                  actors.get(a.affiliation_id), a.review_state.value,
                                  sorted((al.alias, docs.get(al.document_id)) for al in a.aliases))
                                 for a in s.scalars(select(DbActor))),
                "titles": sorted((actors[t.person_id], t.title, actors.get(t.affiliation_id), docs[t.document_id],
                                  t.as_of) for t in s.scalars(select(DbTitle))),
                "events": sorted(((*events[e.id], e.status.value, e.delegations, events.get(e.part_of_id),
                                   e.review_state.value, rounded(e.confidence),
                                   sorted(docs[src.document_id] for src in e.sources))
                                  for e in s.scalars(select(DbEvent))), key=repr),
                "roles": sorted(((events[r.event_id], actors[r.actor_id], r.role.value, docs.get(r.document_id),
                                  r.review_state.value, rounded(r.confidence))
                                 for r in s.scalars(select(DbEventRole))), key=repr),
                "mentions": sorted(((docs[m.document_id], m.start, m.end, m.text, m.rule, actors.get(m.actor_id),
                                     events.get(m.event_id)) for m in s.scalars(select(DbMention))), key=repr),
            }
    finally:
        engine.dispose()


def test_a_dask_run_stores_what_a_serial_run_stores(scheduler, inbox, tmp_path):
    serial_url, dask_url = (f"sqlite:///{tmp_path / name}" for name in ("serial.sqlite3", "dask.sqlite3"))
    r = run("ingest", str(inbox), "--db", serial_url, "--json")
    assert r.exit_code == 0, r.output
    r = run("ingest", str(inbox), "--db", dask_url, "--scheduler", scheduler, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["documents"] == {"new": len(FILES), "unchanged": 0, "skipped": 0, "failed": 0}
    assert summary["new"] == sorted(summary["new"])  # stored in input order
    expected, got = snapshot(serial_url), snapshot(dask_url)
    assert len(expected["actors"]) > 10 and expected["roles"] and expected["mentions"]
    assert got == expected
    r = run("ingest", str(inbox), "--db", dask_url, "--scheduler", scheduler, "--json")
    assert json.loads(r.stdout)["documents"]["unchanged"] == len(FILES)  # nothing sent the second time


def test_bad_files_in_a_dask_batch_are_reported_and_the_rest_stored(scheduler, inbox, db_url, tmp_path):
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    (inbox / "empty.txt").write_text("   ")
    (inbox / "fake.docx").write_bytes(b"plain text, not a zip")  # refused here by its first bytes, never sent
    r = run("ingest", str(inbox), str(tmp_path / "nowhere.txt"), "--db", db_url, "--scheduler", scheduler, "--json")
    assert r.exit_code == 1
    summary = json.loads(r.stdout)
    failed = {f["path"].rsplit("/", 1)[-1]: f["code"] for f in summary["failed"]}
    assert failed == {"broken.pdf": "E001", "empty.txt": "E003", "fake.docx": "E001", "nowhere.txt": "E001"}
    assert "broken.pdf" in r.stderr and "not a DOCX file" in r.stderr
    assert sorted(p.rsplit("/", 1)[-1] for p in summary["new"]) == sorted(FILES)
    assert summary["knowledge_base"]["documents"] == len(FILES) and summary["knowledge_base"]["events"] > 0


def test_a_batch_that_fails_on_the_cluster_is_retried_then_each_file_reported(tmp_path, monkeypatch):
    """A task that raises is run again by Dask (``retries``); after the last run its files fail, named, and the
    other batches are stored. Workers in this process (threads), so that the failure can be planted."""
    paths = []
    for i in range(6):
        paths.append(str(tmp_path / f"d{i}.txt"))
        (tmp_path / f"d{i}.txt").write_text(f"Document {i} on counter-terrorism cooperation.")
    runs = []

    def extract_read(batch):
        runs.append([o.path for o in batch])
        if any(o.path.endswith("d3.txt") for o in batch):
            raise RuntimeError("worker ran out of luck")
        return [Outcome(o.path, document=o.document, record=None) for o in batch]

    monkeypatch.setattr(cluster, "extract_read", extract_read)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address="127.0.0.1:0") as client:
        extracted = []
        got = list(cluster.outcomes(paths, client, on_extracted=extracted.append, retries=2))
    assert [o.path for o in got] == paths and sum(extracted) == len(paths)
    bad = next(b for b in runs if any(p.endswith("d3.txt") for p in b))
    assert sum(b == bad for b in runs) == 3  # the first run and two retries
    for o in got:
        if o.path in bad:
            assert o.document is None and o.code == "E999" and "worker ran out of luck" in o.error
            assert "Dask cluster" in o.error
        else:
            assert o.error is None and o.document is not None


def test_cluster_options_are_exclusive_and_an_unreachable_scheduler_is_named(tmp_path, inbox, monkeypatch):
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    r = run("ingest", str(inbox), "--db", url, "--workers", "2", "--dask-local", "2")
    assert r.exit_code == 1 and "exclusive" in r.stderr
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2)
    r = run("ingest", str(inbox), "--db", url, "--scheduler", "tcp://127.0.0.1:9", "--json")
    assert r.exit_code == 2 and "E040" in r.stderr and "tcp://127.0.0.1:9" in r.stderr
    engine = create_engine(url)
    try:
        with session_scope(engine) as s:
            assert s.scalars(select(DbDocument)).first() is None  # nothing stored, and the run not logged:
            assert s.scalars(select(DbTransfer)).first() is None
    finally:
        engine.dispose()


def test_no_batch_is_sent_past_the_byte_budget_and_order_is_kept(tmp_path, monkeypatch):
    """With a budget of 1 byte each batch is sent only when the one before is back; outcomes stay in order."""
    paths = []
    for i in range(9):
        paths.append(str(tmp_path / f"d{i}.txt"))
        (tmp_path / f"d{i}.txt").write_text(f"Document {i} on counter-terrorism cooperation.")
    monkeypatch.setattr(cluster, "extract_read", lambda batch: batch)
    monkeypatch.setattr(cluster, "SENDING_BYTES", 1)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address="127.0.0.1:0") as client:
        sent, out_at_send = [], []
        real = client.submit

        def submit(*args, **kwargs):
            out_at_send.append(sum(not f.done() for f in sent))
            sent.append(real(*args, **kwargs))
            return sent[-1]

        monkeypatch.setattr(client, "submit", submit)
        got = list(cluster.outcomes(paths, client))
    assert [o.path for o in got] == paths and all(o.document is not None for o in got)
    assert len(sent) > 2 and max(out_at_send) == 0


def test_dask_housekeeping_stays_off_the_console_and_errors_do_not(scheduler):
    """Dask's own warnings (the nanny's "Worker process still alive after 4.0 seconds, killing" after a run
    under load) reached the user's console: Dask writes them through the console handlers of its
    ``distributed`` logger (here one more, on a buffer). While ctrack uses a cluster only Dask's errors pass
    them, and their levels are as before afterwards."""
    import io
    import logging

    console = io.StringIO()
    added = logging.StreamHandler(console)
    dask_logger = logging.getLogger("distributed")
    dask_logger.addHandler(added)
    try:
        levels = [(h, h.level) for h in dask_logger.handlers]
        with cluster.connect(scheduler):
            logging.getLogger("distributed.nanny").warning("Worker process still alive after 4.0 seconds, killing")
            logging.getLogger("distributed.core").warning("Event loop was unresponsive in Worker for 3.21s")
            logging.getLogger("distributed.nanny").error("a worker failed to start")
        assert [(h, h.level) for h in dask_logger.handlers] == levels
        logging.getLogger("distributed.nanny").warning("outside ctrack's use")
    finally:
        dask_logger.removeHandler(added)
    shown = console.getvalue()
    assert "still alive" not in shown and "unresponsive" not in shown
    assert "a worker failed to start" in shown and "outside ctrack's use" in shown
