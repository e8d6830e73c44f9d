"""OCR of scanned PDF pages with Debian's ``tesseract-ocr``, through pytesseract.

A page with no text layer (a scanned communiqué, a faxed note verbale) is
rendered to a 300 dpi grey image with pypdfium2 and read by tesseract;
its words come back with positions and a confidence each
(``pytesseract.image_to_data``), and tesseract's own block and paragraph
numbers give the paragraphs, whose lines are re-flowed like any PDF's
(:func:`ctrack.ingest.clean.join_lines`, hyphenation included).

Why pytesseract and pypdfium2, not ocrmypdf: we need the text and a
confidence, not a new PDF. ocrmypdf rewrites the whole file (a PDF/A with a
text layer, through Ghostscript and pikepdf) and then we would still read it
back; on the one-page fixture it took several times longer than rendering
and OCR alone (figures in the commit message and ``bench/ocr_pages.py``),
and it gives no per-word confidence. pytesseract is a thin, maintained
wrapper around the same tesseract binary; pypdfium2 is a self-contained
wheel (PDFium) that renders pages without Poppler or Ghostscript.

Language packs: ``$CTRACK_OCR_LANG`` (tesseract's ``-l``, default ``eng``;
e.g. ``eng+fra+rus`` with Debian's ``tesseract-ocr-fra`` and
``tesseract-ocr-rus`` installed).

A machine without tesseract gets :class:`ctrack.errors.OcrUnavailable`
(E005) saying how to install it, never a silent empty document.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from ctrack.errors import OcrUnavailable

#: Resolution pages are rendered at for OCR (tesseract reads best at about 300 dpi).
DPI = 300
INSTALL_HINT = ("install Debian's tesseract-ocr (apt-get install tesseract-ocr tesseract-ocr-eng), "
                "or run OCR on the file first (ocrmypdf in.pdf out.pdf) and ingest the result")


@dataclass
class OcrPage:
    """The OCR result of one page: paragraphs (each a list of line texts), word count and mean word confidence."""

    paragraphs: list[list[str]]
    words: int
    confidence: float


def language() -> str:
    """The tesseract language(s) to read with: ``$CTRACK_OCR_LANG`` or "eng"."""
    return os.environ.get("CTRACK_OCR_LANG", "").strip() or "eng"


def check_available(path: str) -> None:
    """Raise :class:`OcrUnavailable` naming ``path`` when the tesseract binary or its language data is missing."""
    if shutil.which(os.environ.get("CTRACK_TESSERACT", "tesseract")) is None:
        raise OcrUnavailable(f"scanned PDF: its pages are images and need OCR, but tesseract is not installed; "
                             f"{INSTALL_HINT}", path=path)
    import pytesseract

    try:
        have = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrUnavailable(f"scanned PDF: tesseract does not run ({exc}); {INSTALL_HINT}", path=path) from None
    missing = [lang for lang in language().split("+") if lang not in have]
    if missing:
        raise OcrUnavailable(
            f"scanned PDF: tesseract has no language data for {', '.join(missing)}; install Debian's "
            + " ".join(f"tesseract-ocr-{m}" for m in missing), path=path)


def render(pdf, index: int, dpi: int = DPI):
    """Page ``index`` (0-based) of an open ``pypdfium2.PdfDocument`` as a grey PIL image at ``dpi``."""
    page = pdf[index]
    try:
        return page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()


def _split(lines: list[tuple[str, int]]) -> list[list[str]]:
    """Split one tesseract paragraph (``(text, height in pixels)`` lines) where the type size changes by more
    than a quarter (a headline over its dateline) or before a line that stands alone (a date line, a caption)."""
    from ctrack.ingest.clean import stands_alone

    out: list[list[str]] = []
    prev_h = None
    for text, h in lines:
        if out and prev_h and (abs(h - prev_h) > 0.25 * max(h, prev_h) or stands_alone(text)):
            out.append([text])
        elif out:
            out[-1].append(text)
        else:
            out.append([text])
        prev_h = h
    return out


def ocr_image(image) -> OcrPage:
    """Read one page image with tesseract (:func:`language`); paragraphs in tesseract's reading order.

    tesseract runs single-threaded (``OMP_THREAD_LIMIT=1`` unless set): on a
    shared 2-core machine its OpenMP threads made a page 2-3 times slower.
    """
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    cmd = os.environ.get("CTRACK_TESSERACT")
    if cmd:
        pytesseract.pytesseract.tesseract_cmd = cmd
    data = pytesseract.image_to_data(image, lang=language(), config="--psm 3",
                                     output_type=pytesseract.Output.DICT)
    paragraphs: dict[tuple[int, int], dict[int, list[tuple[str, int]]]] = {}
    confs: list[float] = []
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        confs.append(conf)
        key = (data["block_num"][i], data["par_num"][i])
        paragraphs.setdefault(key, {}).setdefault(data["line_num"][i], []).append((word, int(data["height"][i])))
    paras: list[list[str]] = []
    for _, lines in paragraphs.items():
        rows = [(" ".join(w for w, _ in words), max(h for _, h in words)) for _, words in sorted(lines.items())]
        paras.extend(_split(rows))
    return OcrPage(paragraphs=paras, words=len(confs),
                   confidence=round(sum(confs) / len(confs), 1) if confs else 0.0)


def ocr_pdf_pages(data: bytes, indexes: list[int], path: str) -> dict[int, OcrPage]:
    """OCR the pages ``indexes`` (0-based) of the PDF ``data``; raises :class:`OcrUnavailable` without tesseract."""
    check_available(path)
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return {i: ocr_image(render(pdf, i)) for i in indexes}
    finally:
        pdf.close()
