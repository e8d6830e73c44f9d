"""Word reader (``.docx``): the body in reading order, text boxes where they are anchored, tables, notes.

python-docx opens the package (relationships, parts); the body's XML is then
walked directly, because python-docx's block API does not see text boxes and
reads a table cell's nested content only through its own objects:

* **Paragraphs** in body order; ``w:tab`` is a tab, ``w:br``/``w:cr`` a line
  break, ``w:noBreakHyphen`` a hyphen; deleted text (``w:delText``) and field
  codes (``w:instrText``) are not text. Content controls (``w:sdt``),
  inserted runs and custom XML are walked through.
* **Text boxes** (``w:txbxContent``: DrawingML ``wps:txbx`` and VML
  ``v:textbox``) become paragraphs right after the paragraph they are
  anchored in, so a box beside the lead is read beside the lead. Word writes
  most boxes twice, as DrawingML in ``mc:Choice`` and as VML in
  ``mc:Fallback``: the fallback is read only when the choice holds no box.
* **Tables**: row by row, each cell's blocks in order (a horizontally merged
  cell is one ``w:tc``; a vertically merged continuation is empty). A row of
  exactly two filled cells whose first cell is a short label ("Date",
  "Venue:", "Speakers") becomes one line "Label: value", so that a fact
  sheet laid out as a two-column table reads like the labelled lines of a
  press release; a value cell's paragraphs are joined with "; " when they
  are short items (a list of names stays a list) and kept as paragraphs
  otherwise. Other rows give one paragraph per cell paragraph.
* **Footnotes and endnotes** follow the body, each as its own paragraph
  (separator notes skipped). **Headers and footers** are letterhead and
  page furniture: kept apart, that is not read into the body at all.

The title is the first non-empty paragraph that is not a genre label or date
line; the core properties (``dc:title``, ``dcterms:created``) are not used:
they describe the file (dev-008.docx says it was created in 2013, six years
before the visit it reports), not the article.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from lxml import etree
from lxml.etree import LxmlError

from ctrack.errors import IngestError
from ctrack.ingest.base import Extracted
from ctrack.ingest.clean import paragraphs_to_text
from ctrack.ingest.limits import check_zip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
#: Wrappers whose children are blocks or runs of the text (walked through).
_WRAPPERS = frozenset(f"{W}{t}" for t in ("ins", "customXml", "smartTag", "hyperlink", "fldSimple", "moveTo", "r",
                                           "sdt", "sdtContent", "dir", "bdo"))
_SKIP = frozenset(f"{W}{t}" for t in ("delText", "instrText", "del", "moveFrom", "rPr", "pPr", "sdtPr",
                                       "footnoteReference", "endnoteReference", "commentReference"))
_LABEL = re.compile(r"^[^\W\d][\w .,'/&()-]{0,38}:?$")


def _runs_and_boxes(el, parts: list[str], boxes: list) -> None:
    """Collect the text of paragraph ``el`` into ``parts`` and its text boxes into ``boxes`` (document order)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == f"{W}txbxContent":
            boxes.append(child)
        elif tag == f"{W}t":
            parts.append(child.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{MC}AlternateContent":
            choices = [c for c in child if c.tag == f"{MC}Choice"]
            fallback = [c for c in child if c.tag == f"{MC}Fallback"]
            with_box = [c for c in choices if next(c.iter(f"{W}txbxContent"), None) is not None]
            for c in (with_box[:1] or (fallback[:1] if fallback else choices[:1])):
                _runs_and_boxes(c, parts, boxes)
        else:
            _runs_and_boxes(child, parts, boxes)


def _paragraph(p) -> tuple[str, list]:
    parts: list[str] = []
    boxes: list = []
    _runs_and_boxes(p, parts, boxes)
    return "".join(parts), boxes


def _cell_value(texts: list[str]) -> str:
    """A value cell's paragraphs as one value: short items joined by "; ", prose by a space."""
    items = [t.strip() for t in texts if t.strip()]
    if len(items) > 1 and all(len(t.split()) <= 8 and not t.endswith(".") for t in items):
        return "; ".join(items)
    return " ".join(items)


def _table(tbl) -> Iterator[str]:
    for tr in tbl.iter(f"{W}tr"):
        if next(tr.iterancestors(f"{W}tbl")) is not tbl:
            continue  # a nested table's row: read within its cell
        cells = [list(_blocks(tc)) for tc in tr if tc.tag == f"{W}tc"]
        for sdt in (c for c in tr if c.tag == f"{W}sdt"):  # cells inside a content control
            cells.extend(list(_blocks(tc)) for tc in sdt.iter(f"{W}tc"))
        filled = [[t for t in c if t.strip()] for c in cells]
        filled = [c for c in filled if c]
        if len(filled) == 2 and len(filled[0]) == 1 and _LABEL.match(filled[0][0].strip()) \
                and len(filled[0][0].split()) <= 4:
            label = filled[0][0].strip().rstrip(":").strip()
            yield f"{label}: {_cell_value(filled[1])}"
            continue
        for c in filled:
            yield from c


def _blocks(container) -> Iterator[str]:
    """Texts of the paragraphs under a body, cell, text box or note, in reading order (rules in the module docstring)."""
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            text, boxes = _paragraph(child)
            yield text
            for box in boxes:
                yield from _blocks(box)
        elif tag == f"{W}tbl":
            yield from _table(child)
        elif tag in _WRAPPERS:
            yield from _blocks(child)
        elif tag == f"{MC}AlternateContent":
            first = next((c for c in child if c.tag in (f"{MC}Choice", f"{MC}Fallback")), None)
            if first is not None:
                yield from _blocks(first)


def _notes(document, reltype: str, tag: str) -> Iterator[str]:
    """Paragraphs of the footnotes or endnotes part (separator notes skipped)."""
    for rel in document.part.rels.values():
        if rel.reltype != reltype or rel.is_external:
            continue
        root = etree.fromstring(rel.target_part.blob)
        for note in root.iter(f"{W}{tag}"):
            if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            yield from _blocks(note)


def read_docx(path: Path, data: bytes) -> Extracted:
    """Read a DOCX file's bytes into :class:`Extracted` (text only; title/date come from the text).

    Raises :class:`IngestError` when the file is not a zip archive, is a
    damaged one, or is not a Word document inside;
    :class:`~ctrack.errors.InputLimitExceeded` when it has too many members
    or unpacks to too much (:func:`ctrack.ingest.limits.check_zip`).
    """
    buf = io.BytesIO(data)
    if not zipfile.is_zipfile(buf):
        raise IngestError("not a DOCX file (not a zip archive); save it from Word as .docx", path=str(path))
    check_zip(data, str(path), "DOCX")  # member count and unpacked size, before unpacking
    try:
        document = docx.Document(io.BytesIO(data))
        texts = list(_blocks(document.element.body))
        texts += list(_notes(document, _RT_FOOTNOTES, "footnote"))
        texts += list(_notes(document, _RT_ENDNOTES, "endnote"))
    except zipfile.BadZipFile as exc:
        raise IngestError(f"corrupt DOCX (damaged zip archive: {exc})", path=str(path)) from exc
    except KeyError as exc:
        raise IngestError(f"corrupt DOCX (missing part {exc})", path=str(path)) from exc
    except (OpcError, ValueError) as exc:
        raise IngestError(f"not a Word document ({exc})", path=str(path)) from exc
    except (LxmlError, EOFError, OSError, zlib.error) as exc:
        raise IngestError(f"corrupt DOCX ({exc})", path=str(path)) from exc
    return Extracted(text=paragraphs_to_text(texts))
