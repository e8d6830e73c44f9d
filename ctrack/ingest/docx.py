"""Word reader (``.docx``): body paragraphs and table cells, in document order.

python-docx walks the body; each paragraph is a paragraph of the text and
each table cell's paragraphs follow in reading order (row by row, a merged
cell once), so that a press release laid out in a layout table is read whole.
Headers, footers and footnotes are letterhead and page furniture and are
skipped. The title is the first non-empty paragraph that is not a genre
label or date line; the core properties (``dc:title``, ``dcterms:created``)
are not used: they describe the file (dev-008.docx says it was created in
2013, six years before the visit it reports), not the article.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError

from ctrack.errors import IngestError
from ctrack.ingest.base import Extracted
from ctrack.ingest.limits import check_zip
from ctrack.ingest.clean import paragraphs_to_text


def _block_texts(container) -> Iterator[str]:
    """Texts of the paragraphs of a document body or table cell, tables included, in order."""
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats across the span
                        continue
                    seen.add(id(cell._tc))
                    yield from _block_texts(cell)


def read_docx(path: Path, data: bytes) -> Extracted:
    """Read a DOCX file's bytes into :class:`Extracted` (text only; title/date come from the text).

    Raises :class:`IngestError` when the file is not a zip archive, is a
    damaged one, or is not a Word document inside.
    """
    buf = io.BytesIO(data)
    if not zipfile.is_zipfile(buf):
        raise IngestError("not a DOCX file (not a zip archive); save it from Word as .docx", path=str(path))
    check_zip(data, str(path), "DOCX")  # member count and unpacked size, before unpacking
    try:
        document = docx.Document(io.BytesIO(data))
        texts = list(_block_texts(document))
    except zipfile.BadZipFile as exc:
        raise IngestError(f"corrupt DOCX (damaged zip archive: {exc})", path=str(path)) from exc
    except KeyError as exc:
        raise IngestError(f"corrupt DOCX (missing part {exc})", path=str(path)) from exc
    except (OpcError, ValueError) as exc:
        raise IngestError(f"not a Word document ({exc})", path=str(path)) from exc
    except (LxmlError, EOFError, OSError, zlib.error) as exc:
        raise IngestError(f"corrupt DOCX ({exc})", path=str(path)) from exc
    return Extracted(text=paragraphs_to_text(texts))
