"""Every dev document reads with the gold title and publication date, and a sane text."""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import pytest
from ingest_fixtures import DEV_DOCS, gold_document

from ctrack.ingest import SUPPORTED_SUFFIXES, read
from ctrack.schema import DocFormat, Document

DEV_FILES = sorted(p for p in DEV_DOCS.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)

#: Sentences (or sentence pieces) each document's text must contain, exactly.
#: The PDF ones run across line breaks in the file; the HTML ones are the first
#: and last paragraphs of the article body.
KEY_SENTENCES = {
    "dev-006": ["Under-Secretary-General Vladimir Voronkov, Head of the United Nations Office of Counter-Terrorism (UNOCT)"],
    "dev-008": [
        "From 7 to 11 October 2019, the Counter-Terrorism Committee Executive Directorate (CTED) was in the United Kingdom",
        "Assistant Secretary-General Michèle Coninsx, Executive Director of CTED, led the delegation",
        "The visiting team said it appreciated the constructive exchanges it had held with officials and experts throughout its stay.",
    ],
    "dev-010": [
        "The United Nations has opened the office of its Counter-Terrorism and Training Programme in Africa, "
        "the first office of this kind on the African continent.",
        "the Deputy Secretary-General of the United Nations Counter-Terrorism Office, Vladimir Voronkov.",
        "it will make a significant contribution to supporting African States in their fight against terrorism.",
    ],
    "dev-012": [
        "The new office of the United Nations Office of Counter-Terrorism (UNOCT) in Nairobi, which was launched on Wednesday",
        "Interior Cabinet Secretary Dr Fred Matiang'i, who was the keynote speaker at the launch at the UN complex in Gigiri",
        "Even so, the fight against terror and the effort to counter violent extremism still face difficulties.",
    ],
    "dev-013": [
        "started its first specialized training on counter-terrorism investigations, a course lasting ten weeks.",
        "Twenty-four law enforcement officers, seven of them women, from six African countries - Benin, "
        "Burkina Faso, Chad, Mali, Nigeria and Senegal - are taking part",
        "the Brazilian School of Intelligence and the Financial Intelligence Unit of the Kingdom of Morocco.",
        "The intermediate module is planned for September 2022.",
    ],
    "dev-016": ["From 10 to 12 September 2024, the United Nations Regional Centre for Preventive Diplomacy for Central Asia (UNRCCA)"],
}

#: Site furniture of the HTML dev documents that must not reach the text.
BOILERPLATE = [
    "cookie", "Cookie", "Accept", "Home", "Contact us", "Most read", "Weather outlook", "Markets close",
    "Sign up for our daily newsletter", "Subscribe", "Privacy policy", "Terms of use", "All rights reserved",
    "Regional Security Monitor", "East Africa News Desk", "Share:", "WhatsApp", "Search",
]


@functools.lru_cache(maxsize=None)
def _read(path: Path) -> Document:
    return read(path)


@pytest.fixture(scope="module", params=DEV_FILES, ids=lambda p: p.name)
def doc_and_path(request) -> tuple[Document, Path]:
    return _read(request.param), request.param


def _subset(suffix: str) -> list[Path]:
    return [p for p in DEV_FILES if p.suffix == suffix]


def test_dev_corpus_is_there():
    assert len(DEV_FILES) == 17
    assert {p.suffix for p in DEV_FILES} == {".txt", ".html", ".pdf", ".docx"}


def test_title_and_published_match_gold(doc_and_path):
    doc, _ = doc_and_path
    gold = gold_document(doc.id)
    assert doc.title == gold["title"]
    assert (doc.published.isoformat() if doc.published else None) == gold["published"]


def test_file_facts(doc_and_path):
    doc, path = doc_and_path
    data = path.read_bytes()
    assert doc.id == path.stem
    assert doc.path == str(path)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.size == len(data)
    assert doc.format is {".txt": DocFormat.TXT, ".html": DocFormat.HTML, ".pdf": DocFormat.PDF,
                          ".docx": DocFormat.DOCX}[path.suffix]
    assert doc.language == "en"


def test_text_shape(doc_and_path):
    doc, _ = doc_and_path
    text = doc.text
    assert text.split("\n", 1)[0] == doc.title, "the title is the first line"
    assert "\r" not in text and "\t" not in text and "\u00a0" not in text
    assert "\n\n\n" not in text and text == text.strip()
    assert all(line == line.strip() for line in text.split("\n"))
    assert "  " not in text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) >= 4
    assert len(text.split()) > 150


def test_key_sentences(doc_and_path):
    doc, _ = doc_and_path
    for sentence in KEY_SENTENCES.get(doc.id, []):
        assert sentence in doc.text


@pytest.mark.parametrize("path", _subset(".txt"), ids=lambda p: p.name)
def test_plain_text_kept_line_for_line(path):
    """A .txt document's text is its file, line for line, once repaired (curly quotes straightened)."""
    doc = _read(path)
    raw = path.read_text(encoding="utf-8").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    assert doc.text == raw.strip()


@pytest.mark.parametrize("path", _subset(".html"), ids=lambda p: p.name)
def test_html_has_no_boilerplate(path):
    doc = _read(path)
    for phrase in BOILERPLATE:
        assert phrase not in doc.text, phrase
    # title paragraph, then exactly the article's paragraphs
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == doc.title
    source = path.read_text(encoding="utf-8")
    body = source.split('class="entry-content">')[1].split("</div>")[0]
    assert len(paragraphs) - 1 == len(re.findall(r"<p>", body))


def test_pdf_reflowed():
    doc = _read(DEV_DOCS / "dev-013.pdf")
    paragraphs = doc.text.split("\n\n")
    assert all("\n" not in p for p in paragraphs), "each PDF paragraph is one line"
    assert paragraphs[1].startswith("Photo / UNOCT: Monday 23 May 2022")
    assert paragraphs[2].startswith("Photo / UNOCT: Crime scene management")
    assert paragraphs[3].startswith("On 23 May 2022, the United Nations Office of Counter-Terrorism")
    assert len(paragraphs) == 9


def test_read_is_deterministic():
    path = DEV_DOCS / "dev-013.pdf"
    a, b = read(path), read(str(path))
    assert a.model_dump(exclude={"path"}) == b.model_dump(exclude={"path"})
    assert a.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_suffix_is_case_insensitive(tmp_path):
    src = DEV_DOCS / "dev-006.txt"
    upper = tmp_path / "dev-006.TXT"
    upper.write_bytes(src.read_bytes())
    doc = read(upper)
    assert doc.format is DocFormat.TXT and doc.id == "dev-006"
    assert doc.text == read(src).text
