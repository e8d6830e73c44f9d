"""``ctrack ingest`` writes each run to the audit log as an import with the documents it stored (issue 4)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import ctrack.extract
from ctrack.cli import app
from ctrack.schema import DocumentInfo, Record
from ctrack.store import track_repo
from ctrack.store.db import open_store, session_scope
from ctrack.store.models import DbDocument
from ctrack.store.testing import DEV_DOCS, DEV_GOLD, gold_record
from ctrack.store.track_models import Action, DbTransfer, Entity
from ctrack.track import audit


def run(*args, user="carla"):
    return CliRunner().invoke(app, [*args], catch_exceptions=False,
                              env={"COLUMNS": "200", "CTRACK_USER": user})


@pytest.fixture
def gold_extractor(monkeypatch):
    """Extraction replaced by the gold records (the extractor has its own tests)."""
    def one(doc):
        if (DEV_GOLD / f"{doc.id}.json").exists():
            return gold_record(doc.id)
        return Record(document=DocumentInfo(id=doc.id))

    monkeypatch.setattr(ctrack.extract, "extract_many", lambda docs, n_process=1: (one(d) for d in docs))
    monkeypatch.setattr(ctrack.extract, "extract", one)


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("seed-000.txt", "dev-006.txt", "dev-010.html"):
        shutil.copy(DEV_DOCS / name, folder / name)
    (folder / "empty.txt").write_text("")
    return folder


def imports(db_url):
    engine = open_store(db_url)
    try:
        with session_scope(engine) as s:
            entries = [e for e in track_repo.audit_entries(s, Entity.TRANSFER) if e.action is Action.IMPORT]
            docs = {d.id: d.doc_key for d in s.scalars(select(DbDocument))}
            transfers = {t.id: t for t in s.scalars(select(DbTransfer))}
            lines = {e.entity_id: audit.history(s, Entity.TRANSFER, e.entity_id) for e in entries}
            return entries, docs, transfers, lines
    finally:
        engine.dispose()


def test_each_ingest_run_is_an_import_in_the_audit_log(db_url, inbox, gold_extractor):
    r = run("ingest", str(inbox), "--db", db_url, "--json")
    assert r.exit_code == 1  # empty.txt failed
    first = json.loads(r.stdout)
    entries, docs, transfers, lines = imports(db_url)
    (entry,) = entries
    assert entry.user == "carla" and entry.entity_id == first["transfer"]
    assert sorted(entry.after["records"]) == sorted(docs) == sorted(first["document_ids"])
    assert set(docs.values()) == {"seed-000", "dev-006", "dev-010"}
    assert entry.after["loaded"] == 3 and entry.after["skipped"] == 0
    (error,) = entry.after["errors"]
    assert "empty.txt" in error[1] and "[E00" in error[1]
    t = transfers[entry.entity_id]
    assert (t.direction, t.format, t.path, t.record_ids) == (Action.IMPORT, "docs", str(inbox), entry.after["records"])
    assert [x.action for x in lines[entry.entity_id]] == ["import"]

    # a second run stores nothing new: logged too, by the --user given, with the files already stored
    r = run("ingest", str(inbox / "seed-000.txt"), str(inbox / "dev-006.txt"), "--db", db_url, "--user", "dan")
    assert r.exit_code == 0 and "transfer:" in r.stdout
    entries, docs, _, _ = imports(db_url)
    assert len(entries) == 2 and len(docs) == 3
    second = entries[-1]
    assert second.user == "dan" and second.after["records"] == [] and second.after["skipped"] == 2
    assert second.after["path"] == f"{inbox / 'seed-000.txt'}, {inbox / 'dev-006.txt'}"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_interrupted_ingest_leaves_an_audit_entry_for_every_stored_document(db_url, tmp_path, signum):
    """Finding 7 of issue 13: an ingest ended by ``kill -9`` or SIGTERM left no import entry (208 of 306 stored
    documents had none). Each document now gets its entry in the transaction that stores it, and SIGTERM is
    handled like Ctrl-C (the run's totals are written, marked interrupted)."""
    folder = tmp_path / "many"
    folder.mkdir()
    for path in sorted(DEV_DOCS.glob("dev-0*.txt"))[:8]:
        shutil.copy(path, folder / path.name)
    here = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(here.parents[1]), str(here)]), "PYTHONUNBUFFERED": "1",
           "CTRACK_TEST_STORE_DELAY": "0.4", "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, str(here / "gold_ingest.py"), "ingest", str(folder), "--db", db_url],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("new "):
            break
    proc.send_signal(signum)
    seen.append(proc.stdout.read())
    proc.wait(60)
    assert proc.returncode != 0, "".join(seen)  # ended before storing everything
    engine = open_store(db_url)
    try:
        with session_scope(engine) as s:
            stored = set(s.scalars(select(DbDocument.id)))
            entries = [e for e in track_repo.audit_entries(s, Entity.DOCUMENT) if e.action is Action.IMPORT]
            logged = {e.entity_id for e in entries}
            (transfer,) = s.scalars(select(DbTransfer)).all()
            closing = [e for e in track_repo.audit_entries(s, Entity.TRANSFER) if e.action is Action.IMPORT]
    finally:
        engine.dispose()
    assert stored and len(stored) < 8
    assert logged == stored
    assert {e.transfer_id for e in entries} == {transfer.id}
    if signum == signal.SIGTERM:  # handled: the run's totals were written too
        (entry,) = closing
        assert sorted(entry.after["records"]) == sorted(stored) and entry.comment == "interrupted"
    else:  # killed: the import stays open, but each stored document has its entry
        assert closing == []

