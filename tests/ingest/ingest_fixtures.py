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


# --- DOCX with text boxes, tables, headers, footnotes (issue 9) ---------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSDECL = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_paragraph(text: str, *, box: list[str] | None = None, footnote: int | None = None) -> str:
    """``<w:p>`` XML with ``text``; ``box``: paragraphs of a floating text box anchored in it, written as Word
    does (DrawingML in ``mc:Choice`` and the same box again as VML in ``mc:Fallback``); ``footnote``: a
    footnote reference mark with that id."""
    runs = f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'
    if footnote is not None:
        runs += f'<w:r><w:footnoteReference w:id="{footnote}"/></w:r>'
    if box:
        inner = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_esc(t)}</w:t></w:r></w:p>' for t in box)
        runs += (
            '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Box"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp>'
            '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
            f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox>'
            '</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
        )
    return f"<w:p>{runs}</w:p>"


def docx_table(rows: list[list[list[str]]]) -> str:
    """``<w:tbl>`` XML: ``rows`` of cells, each cell a list of paragraph texts."""
    trs = "".join(
        "<w:tr>" + "".join("<w:tc>" + "".join(docx_paragraph(t) for t in (cell or [""])) + "</w:tc>" for cell in row)
        + "</w:tr>" for row in rows)
    return f"<w:tbl>{trs}</w:tbl>"


def build_docx(body_xml: list[str], *, header: str | None = None, footer: str | None = None,
               footnotes: dict[int, str] | None = None) -> bytes:
    """A DOCX whose body is the given block XML strings (see :func:`docx_paragraph`, :func:`docx_table`),
    with an optional page header and footer (python-docx) and footnotes (a footnotes part added by hand)."""
    import docx as _docx
    from docx.oxml import parse_xml

    d = _docx.Document()
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if footer:
        d.sections[0].footer.paragraphs[0].text = footer
    body = d.element.body
    sect = body[-1]
    for xml in body_xml:
        sect.addprevious(parse_xml(xml.replace("<w:p>", f"<w:p {_NSDECL}>", 1)
                                   if xml.startswith("<w:p>") else xml.replace("<w:tbl>", f"<w:tbl {_NSDECL}>", 1)))
    buf = io.BytesIO()
    d.save(buf)
    if not footnotes:
        return buf.getvalue()
    import zipfile as _zip

    src = _zip.ZipFile(io.BytesIO(buf.getvalue()))
    notes = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{_esc(t)}</w:t></w:r></w:p></w:footnote>'
        for i, t in footnotes.items())
    notes_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W_NS}">'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 f'{notes}</w:footnotes>')
    out = io.BytesIO()
    with _zip.ZipFile(out, "w", _zip.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                    b"</Relationships>")
            zf.writestr(info.filename, data)
        zf.writestr("word/footnotes.xml", notes_xml)
    return out.getvalue()


# --- scanned PDFs (issue 9) ----------------------------------------------------------------------------

#: A one-page press release, as (x, y, font size, text) lines for :func:`build_pdf`.
PRESS_RELEASE_LINES = [
    (72, 720, 16, "CTED concludes assessment visit to Kazakhstan"),
    (72, 690, 11, "New York, 20 May 2019"),
    (72, 660, 11, "On behalf of the Counter-Terrorism Committee, a delegation of the Counter-Terrorism"),
    (72, 646, 11, "Committee Executive Directorate (CTED) conducted an assessment visit to Kazakhstan"),
    (72, 632, 11, "from 14 to 16 May 2019. The delegation was led by Assistant Secretary-General"),
    (72, 618, 11, "Michele Coninsx, Executive Director of CTED."),
    (72, 590, 11, "The delegation met officials of the Ministry of Foreign Affairs in Astana. The visit"),
    (72, 576, 11, "was funded by the Government of Japan."),
]


def scan_pdf(pdf: bytes, dpi: int = 200) -> bytes:
    """An image-only PDF of ``pdf``: each page rendered to a grey image (pypdfium2) and wrapped again (Pillow),
    as a scanner would give it; no text layer is left."""
    import pypdfium2
    from PIL import Image

    doc = pypdfium2.PdfDocument(pdf)
    images: list[Image.Image] = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in doc]
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()
