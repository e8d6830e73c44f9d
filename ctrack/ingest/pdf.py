"""PDF reader (``.pdf``): pypdf text with lines re-flowed into paragraphs.

Why pypdf and not pdfplumber: on dev-013.pdf both give the same words in the
same order. pypdf's plain mode doubles the spaces of justified lines (its
word-spacing heuristic) and neither marks paragraphs, so both need the same
re-flow; pdfplumber would add pdfminer.six as a second PDF stack for no gain.
pypdf's ``visitor_text`` callback gives each text run's position and font
size, which is all the re-flow needs.

Re-flow (:func:`paragraphs_from_lines`): pypdf's lines, in content-stream
order (which follows columns), start a new paragraph when the vertical gap is
more than 1.4 times the usual line pitch for that font size, when the font
size changes (title → body), when a line is indented after a line that ends a
sentence, when a line that ends a sentence is clearly short (the last line
of a justified paragraph), or when a line is a photo caption or a "Date:" line. Running headers and footers (a line repeated at
the top or bottom of several pages) and bare page numbers are dropped. Lines
of a paragraph are joined by :func:`clean.join_lines`, which also joins words
hyphenated across lines.

The title is the first paragraph that is not a genre label or date line (a
title often wraps over two or three lines, which the re-flow joins); the PDF's ``/Title`` and ``/CreationDate`` are not used: they describe
the file (dev-013's creation date is years after the event), not the article.
"""
from __future__ import annotations

import io
import logging
import math
import re
import statistics
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from ctrack.errors import EmptyDocument, IngestError, OcrUnavailable
from ctrack.ingest.base import Extracted
from ctrack.ingest.clean import join_lines, normalize, paragraphs_to_text
from ctrack.ingest.metadata import CAPTION, PUBLISHED_LABEL, find_title
from ctrack.ingest.ocr import OcrPage, ocr_pdf_pages
from ctrack.wording import plural

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;\"”)]$")


@dataclass
class Line:
    """One physical line of a page: its text, the position of its first glyph (PDF points) and font size."""

    text: str
    x: float
    y: float
    size: float
    page: int


class _WarningLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_pypdf_warnings():
    """Collect pypdf's logged warnings (e.g. "EOF marker not found") instead of printing them."""
    logger = logging.getLogger("pypdf")
    handler = _WarningLog()
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def _page_lines(page, page_no: int) -> list[Line]:
    """The lines of one page with position and effective font size, from pypdf's visitor."""
    lines: list[Line] = []
    buf: list[str] = []
    pos: list[float] | None = None

    def flush() -> None:
        nonlocal buf, pos
        text = "".join(buf)
        if text.strip():
            x, y, size = pos or (0.0, 0.0, 0.0)
            lines.append(Line(text=text, x=x, y=y, size=size, page=page_no))
        buf, pos = [], None

    runs: list[Line] = []  # every text run with its own position, for the column check

    def visit(text, cm, tm, font_dict, font_size):
        nonlocal pos
        parts = text.split("\n")
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        size = round(float(font_size or 0) * (scale or 1.0), 1)
        if len(parts) == 1 and text.strip():
            runs.append(Line(text=text, x=x, y=y, size=size, page=page_no))
        for i, part in enumerate(parts):
            if i:
                flush()
            if part.strip() and pos is None:
                pos = [x, y, size]
            buf.append(part)

    page.extract_text(visitor_text=visit)
    flush()
    starts = column_starts(runs)
    if starts:  # columns drawn row by row: pypdf fused them into one line per row; read column by column
        return lines_by_column(runs, starts)
    return lines


#: Fewest rows on which a column must start beside other text before a page is read as columns.
MIN_COLUMN_ROWS = 4
#: Shortest median run (characters) on each side of a column gap: prose, not the cells of a table.
MIN_COLUMN_RUN = 20


def column_starts(runs: list[Line]) -> list[float]:
    """The x positions (PDF points) where a second, third … column starts on a page, or [] for one column.

    A content stream may draw a two-column page row by row (the left line,
    then the right line at the same height); pypdf then joins the two into
    one line and two stories fuse. A column start is an x position where at
    least :data:`MIN_COLUMN_ROWS` runs begin that each have another run to
    their left on the same row, estimated to end before it (Helvetica's mean
    glyph width, half an em, times its length), with prose on both sides (a
    median run of :data:`MIN_COLUMN_RUN` characters or more, so that a table
    of short cells stays read row by row).
    """
    rows: dict[int, list[Line]] = {}
    for r in runs:
        rows.setdefault(round(r.y), []).append(r)
    beside: dict[int, list[tuple[Line, Line]]] = {}
    for row in rows.values():
        row.sort(key=lambda r: r.x)
        for left, right in zip(row, row[1:]):
            est_end = left.x + 0.5 * (left.size or 10) * len(left.text.rstrip())
            if right.x > est_end - 0.1 * (right.x - left.x) and right.x - left.x > 100:
                beside.setdefault(round(right.x), []).append((left, right))
    starts = []
    for x, pairs in beside.items():
        if len({round(r.y) for _, r in pairs}) < MIN_COLUMN_ROWS:
            continue
        lefts = sorted(len(a.text.strip()) for a, _ in pairs)
        rights = sorted(len(b.text.strip()) for _, b in pairs)
        if lefts[len(lefts) // 2] >= MIN_COLUMN_RUN and rights[len(rights) // 2] >= MIN_COLUMN_RUN:
            starts.append(float(x))
    return sorted(starts)


def lines_by_column(runs: list[Line], starts: list[float]) -> list[Line]:
    """The page's lines in reading order: each column top to bottom, columns left to right.

    A run belongs to the last column starting at or left of it (1 pt of
    slack); runs of one column at the same height are joined left to right.
    """
    columns: dict[int, dict[int, list[Line]]] = {}
    for r in runs:
        col = sum(1 for s in starts if r.x >= s - 1)
        columns.setdefault(col, {}).setdefault(round(r.y), []).append(r)
    out: list[Line] = []
    for col in sorted(columns):
        for y in sorted(columns[col], reverse=True):
            row = sorted(columns[col][y], key=lambda r: r.x)
            text = "".join(r.text if i == 0 or r.text[:1].isspace() or row[i - 1].text[-1:].isspace()
                           else " " + r.text for i, r in enumerate(row))
            out.append(Line(text=text.strip(), x=row[0].x, y=row[0].y, size=max(r.size for r in row),
                            page=row[0].page))
    return out


def _drop_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop bare page numbers, and running headers/footers repeated on several pages."""
    edge_texts: Counter[str] = Counter()
    for lines in pages:
        edges = {ln.text.strip() for ln in lines[:2] + lines[-2:]}
        edge_texts.update(edges)
    repeated = {t for t, n in edge_texts.items() if len(pages) >= 2 and n >= max(2, len(pages) // 2)}
    out = []
    for lines in pages:
        kept = []
        for i, ln in enumerate(lines):
            t = ln.text.strip()
            at_edge = i < 2 or i >= len(lines) - 2
            if _PAGE_NUMBER.match(t) and at_edge:
                continue
            if t in repeated and at_edge:
                continue
            kept.append(ln)
        out.append(kept)
    return out


def paragraphs_from_lines(lines: list[Line]) -> list[list[str]]:
    """Group physical lines into paragraphs (rules in the module docstring); returns lists of line texts."""
    if not lines:
        return []
    pitches = [
        (a.y - b.y) / b.size
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and b.size and abs(a.size - b.size) < 0.5 and a.y > b.y
    ]
    # usual pitch, in font sizes: the lower median resists paragraph gaps
    pitch = statistics.median_low(pitches) if pitches else 1.2
    widths = [len(ln.text.strip()) for ln in lines]
    full_width = sorted(widths)[int(len(widths) * 0.9)] if widths else 0
    paragraphs: list[list[str]] = [[lines[0].text]]
    block_x = lines[0].x
    for prev, cur in zip(lines, lines[1:]):
        prev_text = prev.text.strip()
        ends_sentence = bool(_SENTENCE_END.search(prev_text))
        new = False
        if abs(prev.size - cur.size) >= 0.5:
            new = True
        elif cur.page == prev.page and cur.y < prev.y and cur.size:
            gap = (prev.y - cur.y) / cur.size
            new = gap > pitch * 1.4
        elif ends_sentence:  # next page or next column
            new = True
        if not new and ends_sentence:
            if cur.x > block_x + 0.8 * (cur.size or 10) and cur.page == prev.page:
                new = True  # first-line indent
            elif full_width and len(prev_text) < 0.6 * full_width:
                new = True  # short last line of a justified paragraph
        if not new and (CAPTION.match(cur.text.strip()) or PUBLISHED_LABEL.match(cur.text.strip())):
            new = True  # a caption or a "Date:" line stands alone
        if new:
            paragraphs.append([cur.text])
            block_x = cur.x
        else:
            paragraphs[-1].append(cur.text)
            block_x = min(block_x, cur.x)
    return paragraphs


def _open(data: bytes, path: str) -> pypdf.PdfReader:
    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF file (no %PDF- header)", path=path)
    with _captured_pypdf_warnings() as warnings:
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except DependencyError as exc:
                    raise IngestError(
                        f"encrypted PDF that needs the 'cryptography' package to open ({exc})", path=path
                    ) from exc
                if not ok:
                    raise IngestError("encrypted PDF: a password is needed to read it", path=path)
            _ = len(reader.pages)
        except IngestError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            hint = f"; {'; '.join(dict.fromkeys(warnings))}" if warnings else ""
            raise IngestError(f"corrupt or truncated PDF ({exc or type(exc).__name__}{hint})", path=path) from exc
    return reader


def read_pdf(path: Path, data: bytes) -> Extracted:
    """Read a PDF file's bytes into :class:`Extracted` (text and title; the date comes from the text).

    Raises :class:`IngestError` for a file that is not a PDF, is corrupt or
    truncated, or is encrypted with a password; :class:`EmptyDocument` when
    no page has text, neither a text layer nor text in its images;
    :class:`~ctrack.errors.OcrUnavailable` when the pages are images (a scan)
    and tesseract is not installed (a document with a text layer on other
    pages is then read from those). Pages without a text layer that draw an
    image are read by OCR (:mod:`ctrack.ingest.ocr`); ``ocr_confidence`` is
    then tesseract's mean word confidence (0-100) over those pages.
    """
    reader = _open(data, str(path))
    pages: list[list[Line]] = []
    with _captured_pypdf_warnings():
        for no, page in enumerate(reader.pages, start=1):
            try:
                pages.append(_page_lines(page, no))
            except FileNotDecryptedError as exc:
                raise IngestError("encrypted PDF: a password is needed to read it", path=str(path)) from exc
            except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError) as exc:
                raise IngestError(
                    f"corrupt PDF: cannot extract the text of page {no} ({exc or type(exc).__name__})", path=str(path)
                ) from exc
    scanned = [i for i, page_lines in enumerate(pages) if not any(ln.text.strip() for ln in page_lines)
               and _has_images(reader.pages[i])]
    ocr: dict[int, OcrPage] = {}
    if scanned:  # pages that are pictures of text: OCR (raises OcrUnavailable, with how to install it)
        try:
            ocr = ocr_pdf_pages(data, scanned, str(path))
        except OcrUnavailable:
            if len(scanned) == len(pages):
                raise
            # a text-layer document with an image-only page (a cover with a logo, a scanned annex):
            # without tesseract its text pages are still read, as before OCR was added
    groups: list[list[str]] = []
    kept = _drop_furniture(pages)
    run: list[Line] = []  # consecutive text-layer pages re-flow together (a paragraph goes on across pages)
    for i, page_lines in enumerate(kept):
        if i in ocr:
            groups.extend(paragraphs_from_lines(run))
            run = []
            groups.extend(ocr[i].paragraphs)
        else:
            run.extend(page_lines)
    groups.extend(paragraphs_from_lines(run))
    lines = [ln for page in kept for ln in page]
    if not any(t.strip() for g in groups for t in g):
        raise EmptyDocument(f"PDF with {plural(len(reader.pages), 'page')} but no extractable text: no text layer, "
                            + ("and OCR found no words in its images" if ocr else "and no page image to OCR"),
                            path=str(path))
    raw = normalize("\n".join(t for g in groups for t in g))
    paragraphs = [join_lines([normalize(t) for t in _join_soft_hyphens(group)], raw) for group in groups]
    text = paragraphs_to_text(paragraphs)
    title = find_title(text)
    if title and len(title.split()) > 40 and lines:  # no paragraph break under the title: take its first line
        title = normalize(lines[0].text) or None
    confidence = None
    if ocr:  # mean word confidence over the OCR'd pages, weighted by their words
        words = sum(p.words for p in ocr.values())
        confidence = round(sum(p.confidence * p.words for p in ocr.values()) / words, 1) if words else 0.0
    return Extracted(text=text, title=title, ocr_confidence=confidence)


def _join_soft_hyphens(lines: list[str]) -> list[str]:
    """Lines with a line-end soft hyphen (U+00AD, a hyphenation point) joined to the next one, without it."""
    out: list[str] = []
    carry = ""
    for line in lines:
        line = carry + line
        if line.rstrip().endswith("\u00ad"):
            carry = line.rstrip()[:-1]
            continue
        carry = ""
        out.append(line)
    if carry:
        out.append(carry)
    return out


def _has_images(page) -> bool:
    """True when the page draws at least one image (an XObject of subtype /Image, directly or in a form)."""
    try:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else None
        xobjects = res.get("/XObject") if res is not None else None
        if xobjects is None:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                return True
            if obj.get("/Subtype") == "/Form" and _has_images(obj):
                return True
    except (PyPdfError, AttributeError, KeyError, TypeError, ValueError):
        return False
    return False
