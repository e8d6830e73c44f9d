"""``ctrack ingest``: batches go on past bad files, the same files twice change nothing, exit codes, --json, --workers."""
from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import ctrack.extract
from ctrack.cli import app
from ctrack.schema import DocumentInfo, Record
from ctrack.store.testing import DEV_DOCS, DEV_GOLD, gold_record


def run(*args):
    return CliRunner().invoke(app, [*args], catch_exceptions=False, env={"COLUMNS": "200"})


def _gold_or_empty(doc):
    if (DEV_GOLD / f"{doc.id}.json").exists():
        return gold_record(doc.id)
    if "explode" in doc.text:
        raise RuntimeError("extractor crashed")
    return Record(document=DocumentInfo(id=doc.id))


@pytest.fixture
def gold_extractor(monkeypatch):
    """Extraction replaced by the gold records (the extractor has its own tests); a text with 'explode' crashes it."""
    monkeypatch.setattr(ctrack.extract, "extract_many", lambda docs, n_process=1: (_gold_or_empty(d) for d in docs))
    monkeypatch.setattr(ctrack.extract, "extract", _gold_or_empty)


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("seed-000.txt", "dev-006.txt", "dev-007.txt", "dev-008.docx", "dev-012.html"):
        shutil.copy(DEV_DOCS / name, folder / name)
    (folder / "empty.txt").write_text("")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    (folder / "crash.txt").write_text("This one will explode the extractor.")
    return folder


def test_ingest_goes_past_bad_files_and_is_idempotent(db_url, inbox, gold_extractor):
    r = run("ingest", str(inbox), "--db", db_url)
    assert r.exit_code == 1
    assert "empty.txt" in r.stderr and "broken.pdf" in r.stderr and "crash.txt" in r.stderr
    assert "E003" in r.stderr and "extractor crashed" in r.stderr
    assert "documents new" in r.stdout and "documents failed" in r.stdout
    r = run("ingest", str(inbox), "--db", db_url, "--json")
    summary = json.loads(r.stdout)
    assert summary["documents"] == {"new": 0, "unchanged": 5, "skipped": 0, "failed": 3}
    assert {f["path"].rsplit("/", 1)[-1] for f in summary["failed"]} == {"empty.txt", "broken.pdf", "crash.txt"}
    kb = summary["knowledge_base"]
    assert kb["documents"] == 5 and kb["events"] > 0 and kb["actors"] > 0
    r = run("actors", "--db", db_url, "--json")
    assert sum(a["name"] == "Vladimir Voronkov" for a in json.loads(r.stdout)) == 1


def test_ingest_good_files_exit_0_and_missing_path_reported(db_url, inbox, gold_extractor, tmp_path):
    r = run("ingest", str(inbox / "seed-000.txt"), str(inbox / "dev-006.txt"), "--db", db_url, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["documents"]["new"] == 2
    r = run("ingest", str(tmp_path / "nowhere"), str(inbox / "dev-007.txt"), "--db", db_url)
    assert r.exit_code == 1 and "nowhere" in r.stderr and "new" in r.stdout


def test_ingest_with_the_real_extractor_in_worker_processes(db_url, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("dev-004.txt", "dev-012.html"):
        shutil.copy(DEV_DOCS / name, folder / name)
    (folder / "empty.txt").write_text("  ")
    r = run("ingest", str(folder), "--db", db_url, "--workers", "2", "--json")
    assert r.exit_code == 1 and "empty.txt" in r.stderr
    summary = json.loads(r.stdout)
    assert summary["documents"] == {"new": 2, "unchanged": 0, "skipped": 0, "failed": 1}
    assert summary["knowledge_base"]["actors"] > 0
    r = run("ingest", str(folder / "dev-004.txt"), "--db", db_url, "--json")
    assert json.loads(r.stdout)["documents"] == {"new": 0, "unchanged": 1, "skipped": 0, "failed": 0}


def test_ingest_and_show_count_one_thing_in_the_singular(db_url, tmp_path, monkeypatch):
    """A document with one actor and one event: "1 new actor", "1 new event", "1 document" (it said
    "1 new actors; 1 new events" and "1 documents")."""
    text = "Kazakhstan hosted a workshop in Astana on 3 May 2024."
    record = Record.model_validate({
        "schema": "ctrack.extraction/1", "document": {"id": "one", "title": "one", "published": "2024-05-04"},
        "actors": [{"id": "KAZ", "kind": "member_state", "name": "Kazakhstan", "iso3": "KAZ",
                    "mentions": [{"start": 0, "end": 10, "text": "Kazakhstan", "rule": "test"}]}],
        "events": [{"id": "e1", "type": "workshop", "start": "2024-05-03", "city": "Astana", "country": "KAZ",
                    "status": "held", "roles": [{"actor": "KAZ", "role": "organizer"}]}]})
    monkeypatch.setattr(ctrack.extract, "extract_many", lambda docs, n_process=1: (record for _ in docs))
    (tmp_path / "one.txt").write_text(text)
    r = run("ingest", str(tmp_path / "one.txt"), "--db", db_url)
    assert r.exit_code == 0, r.output
    assert "1 new actor, 0 merged; 1 new event, 0 merged" in r.stdout, r.stdout
    r = run("show", "Kazakhstan", "--db", db_url)
    assert r.exit_code == 0, r.output
    assert "1 document" in r.stdout and "1 documents" not in r.stdout and "Timeline (1 event)" in r.stdout, r.stdout
