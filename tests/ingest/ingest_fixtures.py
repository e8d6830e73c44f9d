"""Helpers for the ingest tests: paths into ../shared/corpus/dev and examples/, gold titles, a tiny PDF writer.

Imported by the test modules as ``ingest_fixtures`` (a unique name, unlike ``conftest``).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DEV_DOCS = SHARED / "corpus" / "dev" / "docs"
DEV_GOLD = SHARED / "corpus" / "dev" / "gold"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def gold_document(doc_id: str) -> dict:
    """The ``document`` block of a dev gold record."""
    return json.loads((DEV_GOLD / f"{doc_id}.json").read_text(encoding="utf-8"))["document"]


def build_pdf(
    pages: list[list[tuple[float, float, float, str]]], *, user_password: str | None = None, algorithm: str = "RC4-128"
) -> bytes:
    """A PDF whose pages show ``(x, y, font_size, text)`` lines in Helvetica (y from the bottom, in points)."""
    writer = PdfWriter()
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = []
        for x, y, size, text in lines:
            esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F1 {size} Tf {x} {y} Td ({esc}) Tj ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("cp1252"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
