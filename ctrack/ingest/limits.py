"""Limits on every input, checked before the work (issue 13: hostile files).

* **Regular files only** (:func:`read_file_bytes`): the file is opened
  non-blocking and ``fstat``-ed before a byte is read, so a FIFO named on the
  command line cannot hang ``ctrack ingest`` and a device such as
  ``/dev/zero`` is not read until memory runs out.
* **A size cap per file** (:data:`MAX_FILE_BYTES`, 100 MiB unless
  ``$CTRACK_MAX_FILE_MB`` says otherwise): checked on the file's size before
  reading, and again while reading (a file that grows is cut off, not read
  on).
* **The type sniffed from the first bytes** (:func:`sniff`) before the file
  is read whole or hashed: a ``.pdf`` must carry ``%PDF-`` in its first KiB,
  a ``.docx`` must start as a zip archive.
* **Zip-based files** (DOCX, XLSX; :func:`check_zip`): at most
  :data:`MAX_ZIP_MEMBERS` members and :data:`MAX_ZIP_UNCOMPRESSED` bytes
  unpacked, read from the central directory before anything is unpacked.
  Python's :mod:`zipfile` never returns more bytes for a member than its
  declared size, so checking the declared sizes bounds the memory that
  python-docx and openpyxl can use: a 3 MB "zip bomb" unpacking to a 1 GiB
  ``word/document.xml`` is refused in a few milliseconds.
* **HTML nesting depth** (:data:`MAX_HTML_DEPTH`, checked by
  :func:`check_html_depth`): libxml2 stops building the tree at 255 levels
  and silently drops everything below (the body of a page nested that deep
  came out empty); a page nested deeper than the limit is refused instead.

Every refusal is an :class:`ctrack.errors.InputLimitExceeded` (code E004)
naming the file and the limit.
"""
from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from lxml import etree

from ctrack.errors import IngestError, InputLimitExceeded


def _env_mib(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default))) * 1024 * 1024
    except ValueError:
        return default * 1024 * 1024


#: Largest file ingest reads, in bytes (100 MiB; ``$CTRACK_MAX_FILE_MB`` overrides). A 40-page
#: scanned PDF at 300 dpi is about 30 MB.
MAX_FILE_BYTES: int = _env_mib("CTRACK_MAX_FILE_MB", 100)
#: Most members a DOCX/XLSX archive may hold (a Word file has 10-40; one image each adds one).
MAX_ZIP_MEMBERS: int = 2000
#: Most bytes the members of a DOCX/XLSX archive may unpack to, all together (128 MiB; the XML of a
#: 500-page report is about 10 MiB).
MAX_ZIP_UNCOMPRESSED: int = 128 * 1024 * 1024
#: Deepest element nesting of an HTML page (libxml2 silently truncates at 255).
MAX_HTML_DEPTH: int = 200

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n} bytes"


#: Bytes read first, for :func:`sniff`.
_HEAD = 8192


def read_file_bytes(path: str | Path, max_bytes: int | None = None, suffix: str | None = None) -> bytes:
    """Return the bytes of the regular file ``path``, refusing anything else first.

    The file is opened with ``O_NONBLOCK`` (opening a FIFO does not wait for
    a writer) and checked with ``fstat`` on that descriptor before reading.
    ``max_bytes`` defaults to :data:`MAX_FILE_BYTES`. With ``suffix``
    (".pdf", ".docx" …) the first 8 KiB are checked by :func:`sniff` before
    the rest is read.

    Raises :class:`IngestError` for a missing or unreadable path or one that
    is not a regular file (FIFO, device, socket, directory), and
    :class:`InputLimitExceeded` for a file larger than ``max_bytes``.
    """
    name = str(path)
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise IngestError("no such file", path=name) from None
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror or exc})", path=name) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise IngestError(f"not a regular file ({kind}); ctrack reads regular files only", path=name)
        if st.st_size > limit:
            raise InputLimitExceeded(
                f"file too large ({_mib(st.st_size)}; the limit is {_mib(limit)}, set $CTRACK_MAX_FILE_MB to change it)",
                path=name)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(min(limit + 1, _HEAD))
            if suffix is not None:
                sniff(data, suffix, name)  # the type, from the first bytes, before the rest is read
            if len(data) == _HEAD:
                data += fh.read(limit + 1 - len(data))
        if len(data) > limit:
            raise InputLimitExceeded(f"file too large (more than {_mib(limit)} read; it grew while being read)",
                                     path=name)
        return data
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror or exc})", path=name) from None
    finally:
        os.close(fd)


def sniff(data: bytes, suffix: str, path: str) -> None:
    """Check that the first bytes of ``data`` fit the format of ``suffix`` (lower case, with the dot).

    Raises :class:`IngestError` "not a PDF file (no %PDF- header)" or "not a
    DOCX file (not a zip archive) …" when they do not; text formats and
    files holding only white space pass (their readers or the caller report them).
    """
    if not data.strip():
        return
    if suffix == ".pdf" and b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF file (no %PDF- header)", path=path)
    if suffix == ".docx" and not data.startswith(b"PK\x03\x04"):
        raise IngestError("not a DOCX file (not a zip archive); save it from Word as .docx", path=path)


def check_zip(source, path: str, what: str = "archive") -> None:
    """Refuse a zip archive with too many members or too many bytes unpacked, before unpacking it.

    ``source`` is the archive's bytes, a path or a binary file object;
    ``what`` names the format in the message ("DOCX", "XLSX"). Reads the
    central directory only. Raises :class:`InputLimitExceeded` naming the
    limit (:data:`MAX_ZIP_MEMBERS`, :data:`MAX_ZIP_UNCOMPRESSED`) and, for the
    size, the largest member; :class:`IngestError` for a damaged archive.
    """
    import io

    src = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        with zipfile.ZipFile(src) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(f"corrupt {what} (damaged zip archive: {exc})", path=path) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputLimitExceeded(
            f"{what} archive with {len(infos)} members (the limit is {MAX_ZIP_MEMBERS}); refused unread", path=path)
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        big = max(infos, key=lambda i: i.file_size)
        raise InputLimitExceeded(
            f"{what} archive unpacks to {_mib(total)} (the limit is {_mib(MAX_ZIP_UNCOMPRESSED)}; "
            f"'{big.filename}' alone is {_mib(big.file_size)} from {_mib(big.compress_size)} packed): "
            "a zip bomb or an oversized file; refused unread", path=path)


def html_depth(tree) -> int:
    """The deepest nesting of elements under ``tree`` (the root counts 1); linear in the number of elements."""
    depth = best = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            best = max(best, depth)
        else:
            depth -= 1
    return best


def check_html_depth(tree, path: str) -> None:
    """Raise :class:`InputLimitExceeded` when the parsed page ``tree`` nests deeper than :data:`MAX_HTML_DEPTH`.

    libxml2 stops at 255 levels and drops what lies deeper, so a tree that
    reaches the limit means content was lost: the page is refused, not read in part.
    """
    found = html_depth(tree)
    if found > MAX_HTML_DEPTH:
        lost = " (libxml2 stops at 255 levels, so part of the page could not even be read)" if found >= 255 else ""
        raise InputLimitExceeded(
            f"HTML nested {found} elements deep (the limit is {MAX_HTML_DEPTH}){lost}; refused rather than read in part",
            path=path)
