"""Document language (issue 9): detected from the text, stored, and only English run through the extractor.

Fixtures: tests/ingest/data/lang-{fr,ru,ar}.txt (the same CTED visit told in
French, Russian and Arabic) and an English twin written here.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ingest_fixtures import DEV_DOCS
from typer.testing import CliRunner

from ctrack.ingest import SUPPORTED_SUFFIXES, read
from ctrack.ingest.language import detect
from ctrack.pipeline import extract_documents

DATA = Path(__file__).resolve().parent / "data"
ENGLISH = ("CTED visit to Tajikistan\n\nDushanbe, 14 May 2019 - A delegation of the Counter-Terrorism Committee "
           "Executive Directorate (CTED) visited Tajikistan from 10 to 12 May 2019 on behalf of the Committee. "
           "It met officials of the Ministry of Foreign Affairs.\n")


@pytest.mark.parametrize("lang", ["fr", "ru", "ar"])
def test_language_detected_from_the_text(lang):
    doc = read(DATA / f"lang-{lang}.txt")
    assert doc.language == lang
    assert detect(doc.text)[1] >= 0.9


def test_every_dev_document_is_english():
    for p in sorted(DEV_DOCS.iterdir()):
        if p.suffix.lower() in SUPPORTED_SUFFIXES:
            assert read(p).language == "en", p.name


def test_html_lang_attribute_is_a_hint_the_text_overrules(tmp_path):
    page = tmp_path / "page.html"
    french = (DATA / "lang-fr.txt").read_text(encoding="utf-8").split("\n\n")
    page.write_text(f"<html lang='en'><head><title>{french[0]}</title></head><body><article><h1>{french[0]}</h1>"
                    f"<p>{french[1]}</p></article></body></html>", encoding="utf-8")
    assert read(page).language == "fr"
    short = tmp_path / "short.html"
    short.write_text("<html lang='fr-FR'><body><article><p>OSCE, 2019.</p></article></body></html>")
    assert read(short).language == "fr", "too short to tell: the markup's lang stands"


def test_only_english_goes_through_the_extractor(tmp_path):
    en = tmp_path / "visit-en.txt"
    en.write_text(ENGLISH, encoding="utf-8")
    docs = [read(DATA / "lang-ru.txt"), read(en), read(DATA / "lang-ar.txt")]
    ru, english, ar = extract_documents(docs)
    assert (ru.actors, ru.events, ru.document.language) == ([], [], "ru"), "no person 'Центральной Азии'"
    assert ar.actors == [] and ar.document.language == "ar" and ar.document.title.startswith("وفد")
    visit = next(e for e in english.events if e.type.value == "assessment_visit" or e.type.value == "visit")
    assert (visit.start, visit.end, visit.country) == ("2019-05-10", "2019-05-12", "TJK")
    assert {english.actor(r.actor).name for r in visit.roles} >= {"Counter-Terrorism Committee Executive Directorate",
                                                                  "Tajikistan"}


def test_ingest_summary_and_show_name_the_languages(tmp_path):
    from ctrack.cli import app
    from ctrack.store import search
    from ctrack.store.db import make_engine, session_scope

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for lang in ("fr", "ru", "ar"):
        shutil.copy(DATA / f"lang-{lang}.txt", inbox)
    (inbox / "visit-en.txt").write_text(ENGLISH, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    run = CliRunner().invoke(app, ["ingest", str(inbox), "--db", db, "--json"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    out = json.loads(run.output)
    assert out["languages"] == {"ar": 1, "en": 1, "fr": 1, "ru": 1}
    assert sorted(d["language"] for d in out["not_extracted"]) == ["ar", "fr", "ru"]
    assert out["knowledge_base_languages"] == {"ar": 1, "en": 1, "fr": 1, "ru": 1}
    text = CliRunner().invoke(app, ["ingest", str(inbox), "--db", db], env={"COLUMNS": "200"}).output
    assert "documents in the knowledge base" in text and "ru 1 (Russian)" in text
    shown = CliRunner().invoke(app, ["show", "--db", db], env={"COLUMNS": "200"}, catch_exceptions=False)
    assert shown.exit_code == 0
    assert "stored, not extracted (language)" in shown.output and "3: ar 1 (Arabic), fr 1 (French), ru 1 (Russian)" \
        in shown.output
    as_json = json.loads(CliRunner().invoke(app, ["show", "--db", db, "--json"]).output)
    assert as_json["not_extracted"] == {"documents": 3, "languages": {"ar": 1, "fr": 1, "ru": 1}}
    with session_scope(make_engine(db)) as s:  # stored and searchable
        hits = search.search(s, "Таджикистан").hits
        assert [h.title for h in hits] == ["Визит делегации Исполнительного директората в Центральную Азию"]
        assert search.search(s, "تونس").hits
