"""Ingest: read a source file (txt, HTML, PDF, DOCX) into a :class:`ctrack.schema.Document`.

Public API::

    SUPPORTED_SUFFIXES                      # (".txt", ".html", ".htm", ".pdf", ".docx", ".eml")
    read(path) -> Document                  # one file; raises ctrack.errors.IngestError and subclasses
    read_all(path) -> [(path, Document | IngestError)]   # an e-mail's body and each attachment
    load(path) -> bytes                     # a file's bytes, checked as read() checks them
    read_all_bytes(path, data) -> [(path, Document | IngestError)]   # read_all of bytes read elsewhere
    iter_files(paths) -> Iterator[Path]     # files and folders (recursive, sorted) to feed read()

One reader per format (:mod:`.text`, :mod:`.html`, :mod:`.pdf`, :mod:`.docx`)
turns the file's bytes into normalized text (:mod:`.clean`); the title and the
stated publication date come from the markup (HTML) or the text
(:mod:`.metadata`). ``Document.text`` is the exact string every later stage
sees; all character offsets refer to it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ctrack.errors import EmptyDocument, IngestError, InputLimitExceeded, UnsupportedFormat
from ctrack.ingest import limits
from ctrack.ingest.base import Extracted
from ctrack.ingest.casing import restore_case
from ctrack.ingest.docx import read_docx
from ctrack.ingest.eml import read_message
from ctrack.ingest.html import read_html
from ctrack.ingest.language import detect as detect_language
from ctrack.ingest.metadata import find_published, find_title
from ctrack.ingest.pdf import read_pdf
from ctrack.ingest.text import read_txt
from ctrack.schema import DocFormat, Document

__all__ = ["SUPPORTED_SUFFIXES", "read", "read_all", "load", "read_all_bytes", "iter_files"]

#: File suffixes ingest reads (compared case-insensitively).
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm", ".pdf", ".docx", ".eml")

_READERS: dict[str, tuple[DocFormat, Callable[[Path, bytes], Extracted]]] = {
    ".txt": (DocFormat.TXT, read_txt),
    ".html": (DocFormat.HTML, read_html),
    ".htm": (DocFormat.HTML, read_html),
    ".pdf": (DocFormat.PDF, read_pdf),
    ".docx": (DocFormat.DOCX, read_docx),
    ".eml": (DocFormat.EML, lambda path, data: read_message(path, data, _ATTACHMENT_SUFFIXES).body),
}
#: Attachment types of an e-mail that become documents (an e-mail inside an e-mail is not opened).
_ATTACHMENT_SUFFIXES = tuple(s for s in SUPPORTED_SUFFIXES if s != ".eml")


def read(path: str | Path) -> Document:
    """Read one file into a :class:`Document`.

    ``path``: a file whose suffix (any case) is in :data:`SUPPORTED_SUFFIXES`.
    Returns a Document with ``id`` = file name without extension, ``path`` =
    the path as given, ``format``, ``sha256`` (hex digest of the raw bytes),
    ``size`` (bytes), ``title``, ``published`` (the date the document states,
    or None), ``language`` (ISO 639-1, detected from the text by
    :mod:`ctrack.ingest.language`), ``ocr_confidence`` (None unless the text
    came from OCR) and the normalized ``text``.

    Raises (all :class:`IngestError`, with ``.path`` set and the file named
    in the message): :class:`UnsupportedFormat` for another suffix;
    :class:`EmptyDocument` for an empty file or one with no text;
    :class:`IngestError` for a missing path, a directory, a FIFO, device or
    other non-regular file, an unreadable file, binary content, bad encoding,
    or a corrupt, truncated or encrypted PDF/DOCX;
    :class:`~ctrack.errors.InputLimitExceeded` for a file over a limit of
    :mod:`ctrack.ingest.limits` (size, zip members or unpacked size, HTML nesting).
    """
    p = Path(path)
    return _document(p, str(path), p.suffix.lower(), load(path))


def load(path: str | Path) -> bytes:
    """The bytes of the file ``path``, after the checks :func:`read` makes before it parses them.

    Used where the bytes are parsed elsewhere (:func:`read_all_bytes` on a
    Dask worker of another machine: :mod:`ctrack.cluster`). Raises, with the
    file named, as :func:`read` does for a missing path, a directory, an
    unsupported suffix, a non-regular file, a file over the size cap or one
    whose first bytes do not fit its type.
    """
    p = Path(path)
    name = str(path)
    suffix = p.suffix.lower()
    if not p.exists():
        raise IngestError("no such file", path=name)
    if p.is_dir():
        raise IngestError("is a directory, not a file (use iter_files to walk it)", path=name)
    _check_suffix(suffix, name)
    # regular files only and the size cap before a byte is read; the type from the first 8 KiB
    return limits.read_file_bytes(p, suffix=suffix)


def _check_suffix(suffix: str, name: str) -> None:
    if suffix not in _READERS:
        raise UnsupportedFormat(
            f"unsupported file type '{suffix or '(no extension)'}'; ctrack reads {', '.join(SUPPORTED_SUFFIXES)}",
            path=name,
        )


def _document(p: Path, name: str, suffix: str, data: bytes, doc_id: str | None = None,
              provenance: dict[str, str] | None = None) -> Document:
    """The :class:`Document` of the bytes ``data`` of a file (or attachment) ``name`` of type ``suffix``."""
    if not data.strip():
        raise EmptyDocument("empty file" if not data else "the file holds only white space", path=name)
    limits.sniff(data, suffix, name)
    fmt, reader = _READERS[suffix]
    extracted = reader(Path(name) if provenance else p, data)
    if not extracted.text.strip():
        raise EmptyDocument("no text found in the file", path=name)
    extracted.text = restore_case(extracted.text)  # ALL-CAPS wire text, one character for one
    title = extracted.title or find_title(extracted.text)
    published = extracted.published or find_published(extracted.text, title)
    if published is None and provenance and provenance.get("date"):  # an attachment: the message's date
        published = dt.date.fromisoformat(provenance["date"])
    language, _ = detect_language(extracted.text, hint=extracted.language)
    return Document(
        id=doc_id or p.stem,
        path=name,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        title=title,
        published=published,
        language=language,
        ocr_confidence=extracted.ocr_confidence,
        provenance=provenance,
        text=extracted.text,
    )


def read_all(path: str | Path) -> list[tuple[str, Document | IngestError]]:
    """Every document of one file, as ``(path, Document or the error that stopped it)`` pairs.

    For most files that is :func:`read`'s one document. An ``.eml`` e-mail
    gives its body (title: the Subject; date: the Date header) and then each
    attachment in a format ingest reads as a document of its own: ``path``
    ``"MESSAGE.eml#FILE.pdf"``, ``id`` ``"MESSAGE--FILE"``, its own SHA-256,
    ``published`` its own stated date or else the message's, and
    ``provenance`` the message (``message``, ``from``, ``date``,
    ``subject``). An attachment that cannot be read is reported as its own
    error; the others are still read. Raises like :func:`read` when the file
    itself cannot be read.
    """
    return read_all_bytes(path, load(path))


def read_all_bytes(path: str | Path, data: bytes) -> list[tuple[str, Document | IngestError]]:
    """:func:`read_all` of ``data``, the bytes of the file ``path`` read elsewhere (:func:`load`).

    ``path`` names the documents (``id``, ``path``) and gives the type by its
    suffix; it need not exist here. Raises like :func:`read` for an
    unsupported suffix, bytes over the size cap, no text or bytes that do not
    parse.
    """
    p = Path(path)
    name = str(path)
    suffix = p.suffix.lower()
    _check_suffix(suffix, name)
    if len(data) > limits.MAX_FILE_BYTES:
        raise InputLimitExceeded(f"file too large ({len(data)} bytes)", path=name)
    body = _document(p, name, suffix, data)
    out: list[tuple[str, Document | IngestError]] = [(name, body)]
    if suffix != ".eml":
        return out
    message = read_message(p, data, _ATTACHMENT_SUFFIXES)
    seen: set[str] = set()
    for filename, data in message.attachments:
        stem = Path(filename).stem
        doc_id = f"{p.stem}--{stem}"
        while doc_id in seen:
            doc_id += "_"
        seen.add(doc_id)
        where = f"{path}#{filename}"
        try:
            if len(data) > limits.MAX_FILE_BYTES:
                raise InputLimitExceeded(f"attachment too large ({len(data)} bytes)", path=where)
            out.append((where, _document(p, where, Path(filename).suffix.lower(), data, doc_id=doc_id,
                                         provenance=message.provenance)))
        except IngestError as exc:
            out.append((where, exc))
    return out


def _hidden(name: str) -> bool:
    return name.startswith(".")


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the files to ingest from ``paths`` (files and folders), each once.

    A file named explicitly is yielded whatever its suffix (so that
    :func:`read` can report an unsupported one). A folder is walked
    recursively in sorted order (by path components), skipping hidden files
    and folders (names starting with ``.``) and symbolic links to folders;
    only files with a suffix in :data:`SUPPORTED_SUFFIXES` are yielded. Raises
    :class:`IngestError` naming the path for one that does not exist (when
    the iterator reaches it).
    """
    seen: set[Path] = set()

    def once(p: Path) -> bool:
        key = p.resolve()
        if key in seen:
            return False
        seen.add(key)
        return True

    for item in paths:
        p = Path(item)
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not _hidden(d)]
                for f in files:
                    if not _hidden(f) and Path(f).suffix.lower() in SUPPORTED_SUFFIXES:
                        found.append(Path(root) / f)
            for f in sorted(found, key=lambda q: q.relative_to(p).parts):
                if f.is_file() and once(f):
                    yield f
        elif p.exists():
            if once(p):
                yield p
        else:
            raise IngestError("no such file or directory", path=str(item))
