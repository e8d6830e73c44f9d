"""Scanned PDFs (issue 9): OCR with tesseract (installed by .ci/run), the record of a scan and of its
text-layer twin, and the error on a machine without tesseract."""
from __future__ import annotations

import pypdf
import pytest
from ingest_fixtures import PRESS_RELEASE_LINES, build_pdf, scan_pdf

from ctrack.errors import OcrUnavailable
from ctrack.extract import extract
from ctrack.ingest import read


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan")
    text_pdf = build_pdf([PRESS_RELEASE_LINES])
    (folder / "release.pdf").write_bytes(text_pdf)
    (folder / "release-scan.pdf").write_bytes(scan_pdf(text_pdf))
    return folder / "release.pdf", folder / "release-scan.pdf"


def _facts(record):
    name = {a.id: a.name for a in record.actors}
    actors = sorted((a.kind.value, a.name, a.iso3 or "", a.title or "") for a in record.actors)
    events = sorted((e.type.value, e.start or "", e.end or "", e.city or "", e.country or "",
                     tuple(sorted((name[r.actor], r.role.value) for r in e.roles))) for e in record.events)
    return actors, events


def test_the_scan_has_no_text_layer(twins):
    _, scan = twins
    assert not pypdf.PdfReader(scan).pages[0].extract_text().strip()


def test_scan_records_ocr_and_its_confidence(twins):
    text, scan = twins
    assert read(text).ocr_confidence is None
    doc = read(scan)
    assert doc.ocr_confidence is not None and 80 <= doc.ocr_confidence <= 100
    assert doc.title == "CTED concludes assessment visit to Kazakhstan"
    assert doc.published.isoformat() == "2019-05-20"


def test_scan_yields_the_record_of_its_text_twin(twins):
    text, scan = twins
    from_text, from_scan = extract(read(text)), extract(read(scan))
    assert _facts(from_scan) == _facts(from_text)
    visit = next(e for e in from_scan.events if e.type.value == "assessment_visit")
    assert (visit.start, visit.end, visit.country) == ("2019-05-14", "2019-05-16", "KAZ")
    roles = {(from_scan.actor(r.actor).name, r.role.value) for r in visit.roles}
    assert {("Michele Coninsx", "organizer"), ("Japan", "funder"), ("Kazakhstan", "subject")} <= roles


def test_ocr_confidence_is_stored(twins, tmp_path):
    from ctrack.store import repo
    from ctrack.store.db import open_store, session_scope
    from ctrack.store.models import DbDocument

    _, scan = twins
    engine = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    doc = read(scan)
    with session_scope(engine) as s:
        repo.save_document(s, doc, extract(doc))
    with session_scope(engine) as s:
        stored = s.query(DbDocument).one()
        assert stored.ocr_confidence == doc.ocr_confidence


def test_without_tesseract_a_clear_error_says_how_to_install_it(twins, monkeypatch, tmp_path):
    _, scan = twins
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on this PATH
    with pytest.raises(OcrUnavailable) as info:
        read(scan)
    msg = str(info.value)
    assert msg.startswith("[E005] ") and str(scan) in msg
    assert "tesseract is not installed" in msg and "apt-get install tesseract-ocr" in msg


def test_missing_language_pack_is_named(twins, monkeypatch):
    _, scan = twins
    monkeypatch.setenv("CTRACK_OCR_LANG", "eng+zzz")
    with pytest.raises(OcrUnavailable, match="no language data for zzz; install Debian's tesseract-ocr-zzz"):
        read(scan)


def test_without_tesseract_a_text_document_with_an_image_page_still_reads(twins, monkeypatch, tmp_path):
    """A cover page that is only a picture must not stop a text-layer document on a machine without tesseract."""
    text, scan = twins
    writer = pypdf.PdfWriter()
    writer.append(str(scan))
    writer.append(str(text))
    mixed = tmp_path / "mixed.pdf"
    with open(mixed, "wb") as fh:
        writer.write(fh)
    monkeypatch.setenv("PATH", str(tmp_path))
    doc = read(mixed)
    assert doc.ocr_confidence is None and "CTED concludes assessment visit to Kazakhstan" in doc.text
