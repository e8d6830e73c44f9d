#!/usr/bin/env python3
"""OCR time per page of a scanned PDF (issue 9).

    .venv/bin/python bench/ocr_pages.py [--pdf ../shared/corpus/dev/docs/dev-013.pdf] [--dpi 200] [--rounds 2]

Turns a text-layer PDF (default: the dev corpus's dev-013.pdf) into an
image-only PDF, as a scanner gives it (each page rendered to a grey image at
``--dpi`` with pypdfium2, wrapped again by Pillow), then reads it with
:func:`ctrack.ingest.read`, which OCRs every page with tesseract
(:mod:`ctrack.ingest.ocr`: 300 dpi rendering, one tesseract thread). Prints
seconds per page (best of ``--rounds``), the OCR confidence, and how many of
the text-layer version's words the OCR text has (a rough recall). Needs
Debian's tesseract-ocr. Not a test: it only prints.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def scan(pdf: bytes, dpi: int) -> bytes:
    """An image-only copy of ``pdf`` (every page rendered at ``dpi`` and wrapped as a picture)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in doc]
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    from ctrack.ingest import read

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdf", type=Path, default=ROOT / ".." / "shared" / "corpus" / "dev" / "docs" / "dev-013.pdf")
    ap.add_argument("--dpi", type=int, default=200, help="resolution of the simulated scan (default 200)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    import pypdf

    pages = len(pypdf.PdfReader(args.pdf).pages)
    text_doc = read(args.pdf)
    with tempfile.TemporaryDirectory(prefix="ctrack-ocr-") as tmp:
        scanned = Path(tmp) / f"{args.pdf.stem}-scan.pdf"
        scanned.write_bytes(scan(args.pdf.read_bytes(), args.dpi))
        print(f"{args.pdf.name}: {pages} page(s), scanned at {args.dpi} dpi; {os.cpu_count()} CPUs; "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        best = None
        for r in range(args.rounds):
            start = time.perf_counter()
            doc = read(scanned)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
            print(f"round {r + 1}: {elapsed:.2f} s = {elapsed / pages:.2f} s per page")
    words = re.findall(r"\w+", text_doc.text.lower())
    got = set(re.findall(r"\w+", doc.text.lower()))
    recall = sum(1 for w in words if w in got) / len(words)
    print(f"best: {best / pages:.2f} s per page; OCR confidence {doc.ocr_confidence}; "
          f"{recall:.1%} of the text layer's words found; title {doc.title!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
