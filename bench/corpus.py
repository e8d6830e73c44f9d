#!/usr/bin/env python3
"""Generated benchmark corpora: copies of the dev documents that are all distinct files.

    .venv/bin/python bench/corpus.py OUT_DIR [--count 300]

:func:`make_copies` writes ``count`` files into ``OUT_DIR``, cycling through
the dev documents (``../shared/corpus/dev/docs``: txt, html, pdf, docx). Copy
``n`` of ``dev-006.txt`` is ``dev-006-c00042.txt`` and carries one added line
("Reference: ctrack benchmark copy 42"), so that every file has its own
sha256 and is ingested as a new document rather than skipped as unchanged:

- txt: the line appended at the end;
- html: a ``<p>`` with the line before ``</body>``;
- docx: a paragraph with the line appended (python-docx);
- pdf: the line as the document's ``/Subject`` metadata (pypdf; the page
  text is unchanged, the file differs).

Used by ``bench/ingest_scaling.py``, ``bench/ingest_dask.py`` and ``bench/ingest_memory.py``; :func:`run_ingest`
times one ``ctrack ingest`` run for the first two, and :func:`timed_commits` times the database's ``COMMIT`` for
``bench/ingest_main.py`` and ``bench/store_cpu.py``.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_DOCS = ROOT / ".." / "shared" / "corpus" / "dev" / "docs"


CTRACK = Path(sys.executable).parent / "ctrack"


def run_ingest(folder: Path, db: Path, *options: str) -> tuple[float, dict]:
    """(wall seconds, the ``--json`` summary) of one ``ctrack ingest folder OPTIONS`` run into a fresh SQLite
    database ``db`` (removed first, with its -wal/-shm files). Exits when ingest fails as a whole (exit code not 0
    or 1; 1 means some files were reported bad)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, CTRACK_USER="bench", COLUMNS="200")
    start = time.perf_counter()
    proc = subprocess.run([str(CTRACK), "ingest", str(folder), "--db", f"sqlite:///{db}", *options, "--json"],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ctrack ingest {' '.join(options)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, json.loads(proc.stdout)


@contextlib.contextmanager
def timed_commits():
    """Time every ``COMMIT`` sent through SQLAlchemy while the block runs (the dialect's ``do_commit``; on SQLite
    in WAL mode the write of the WAL and, with ``synchronous=FULL``, its fsync; a checkpoint when one falls due).

    Yields ``[wall, cpu]``: seconds, added to as commits happen (``cpu`` is ``time.thread_time`` of the committing
    thread). The dialect's own ``do_commit`` is put back on leaving the block."""
    from sqlalchemy.engine.default import DefaultDialect

    committing = [0.0, 0.0]
    do_commit = DefaultDialect.do_commit

    def timed_commit(dialect, dbapi_connection):
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            do_commit(dialect, dbapi_connection)
        finally:
            committing[0] += time.perf_counter() - start
            committing[1] += time.thread_time() - cpu

    DefaultDialect.do_commit = timed_commit
    try:
        yield committing
    finally:
        DefaultDialect.do_commit = do_commit


def _line(n: int) -> str:
    return f"Reference: ctrack benchmark copy {n}"


def _variant(path: Path, data: bytes, n: int) -> bytes:
    """The bytes of copy ``n`` of ``path`` (original bytes ``data``) with its added line."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return data.rstrip(b"\n") + f"\n\n{_line(n)}\n".encode("utf-8")
    if suffix in (".html", ".htm"):
        text = data.decode("utf-8", errors="surrogateescape")
        para = f"<p>{_line(n)}</p>"
        idx = text.lower().rfind("</body>")
        text = text[:idx] + para + text[idx:] if idx >= 0 else text + para
        return text.encode("utf-8", errors="surrogateescape")
    if suffix == ".docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        document.add_paragraph(_line(n))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    if suffix == ".pdf":
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.add_metadata({"/Subject": _line(n)})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    raise ValueError(f"no way to vary a {suffix} file: {path}")


def make_copies(out_dir: Path, count: int, sources: Path = DEV_DOCS) -> list[Path]:
    """Write ``count`` distinct copies of the documents in ``sources`` into ``out_dir``; returns their paths.

    ``out_dir`` is created if needed. Files already there with the same name
    are overwritten. Raises SystemExit when ``sources`` holds no document.
    """
    originals = sorted(p for p in sources.iterdir()
                       if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm", ".pdf", ".docx"))
    if not originals:
        raise SystemExit(f"no documents in {sources}")
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = {p: p.read_bytes() for p in originals}
    written = []
    for n in range(count):
        src = originals[n % len(originals)]
        target = out_dir / f"{src.stem}-c{n:05d}{src.suffix}"
        target.write_bytes(_variant(src, raw[src], n))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=300)
    args = ap.parse_args(argv)
    paths = make_copies(args.out_dir, args.count)
    print(f"wrote {len(paths)} documents to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
