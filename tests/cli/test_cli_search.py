"""``ctrack search`` right after ``ctrack ingest``: the new documents and their actors are found with no
separate indexing step (the ``search_dirty`` queue the triggers fill is worked off before each search)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from ctrack.cli import app
from ctrack.store.db import session_scope
from ctrack.store.models import DbDocument

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args):
    result = CliRunner().invoke(app, [*args], catch_exceptions=False, env={"COLUMNS": "200", "CTRACK_USER": "t"})
    assert result.exit_code == 0, result.output
    return result


def search(db_url: str, *words: str, kind: str | None = None) -> dict:
    return json.loads(run("search", *words, "--db", db_url, "--json", *(["--kind", kind] if kind else [])).stdout)


def _documents_saying(db_url: str, word: str) -> set[int]:
    engine = create_engine(db_url)
    try:
        with session_scope(engine) as s:
            return {d.id for d in s.scalars(select(DbDocument)) if word in d.text}
    finally:
        engine.dispose()


def test_search_finds_what_ingest_just_stored(db_url, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(EXAMPLES / "cted-assessment-visit-kyrgyzstan.txt", inbox)
    run("ingest", str(inbox), "--db", db_url)
    found = search(db_url, "coninsx")
    assert {h["kind"] for h in found["items"]} >= {"document", "actor"}
    assert {h["id"] for h in found["items"] if h["kind"] == "document"} == _documents_saying(db_url, "Coninsx")
    assert any(h["title"] == "Michèle Coninsx" for h in found["items"] if h["kind"] == "actor")
    assert search(db_url, "nairobi")["total"] == 0
    # the rest of examples/: the Nairobi workshop is found as soon as it is stored, accents and case ignored
    for path in EXAMPLES.iterdir():
        if path.suffix in (".txt", ".html", ".docx"):
            shutil.copy(path, inbox)
    run("ingest", str(inbox), "--db", db_url)
    hits = search(db_url, "NAIRÓBI", kind="document")
    assert hits["total"] >= 1
    assert {h["id"] for h in hits["items"]} == _documents_saying(db_url, "NAIROBI") | _documents_saying(db_url, "Nairobi")
    text = run("search", "voronkov", "--db", db_url).stdout
    assert "Vladimir Voronkov" in text and "hit" in text
    assert "nothing found for 'zanzibar'" in run("search", "zanzibar", "--db", db_url).stdout
    # several words, unquoted as README shows them, or quoted: the same search (every word required)
    both = search(db_url, "coninsx", "kyrgyz")
    assert both["total"] >= 1 and both == search(db_url, "coninsx kyrgyz")
    assert search(db_url, "coninsx", "zanzibar")["total"] == 0
