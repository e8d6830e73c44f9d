"""Bad input: each kind raises the right ctrack.errors class, naming the file and the problem."""
from __future__ import annotations

import codecs
import io
import zipfile

import pytest
from ingest_fixtures import DEV_DOCS

from ctrack.errors import CtrackError, EmptyDocument, IngestError, UnsupportedFormat
from ctrack.ingest import iter_files, read


def _raises(cls, path, *fragments):
    with pytest.raises(cls) as info:
        read(path)
    err = info.value
    assert type(err) is cls, f"expected exactly {cls.__name__}, got {type(err).__name__}: {err}"
    assert err.path == str(path)
    assert str(path) in str(err), "the message names the file"
    assert str(err).startswith(f"[{cls.code}] ")
    for fragment in fragments:
        assert fragment in str(err)
    return err


def test_binary_file(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    _raises(IngestError, path, "binary file, not text")


def test_binary_without_nul_bytes(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 20 + b"abc")
    _raises(IngestError, path, "binary file, not text")


def test_binary_html(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"\x00\x01\x02<html>" + b"\x00" * 50)
    _raises(IngestError, path, "binary file, not text")


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n", "\ufeff".encode("utf-8")])
def test_empty_text_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    _raises(EmptyDocument, path)


def test_empty_html_page(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title></title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    _raises(EmptyDocument, path)


def test_bad_encoding(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Réunion du Comité contre le terrorisme".encode("latin-1"))
    err = _raises(IngestError, path, "not valid UTF-8 (byte 0xe9 at offset 1); save the file as UTF-8")
    assert isinstance(err, CtrackError)


def test_utf16_with_bom_is_accepted(tmp_path):
    path = tmp_path / "utf16.txt"
    text = "CTED visits Tajikistan\nDate: 5 March 2018\n\nDUSHANBE – Talks with the Government of Tajikistan."
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    doc = read(path)
    assert doc.title == "CTED visits Tajikistan"
    assert doc.published.isoformat() == "2018-03-05"
    assert doc.text == text


def test_utf8_bom_is_stripped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Title line\n\nBody text.".encode("utf-8"))
    doc = read(path)
    assert doc.text == "Title line\n\nBody text." and doc.title == "Title line"


def test_corrupt_pdf_truncated(tmp_path):
    data = (DEV_DOCS / "dev-013.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    _raises(IngestError, path, "corrupt or truncated PDF")


def test_corrupt_pdf_garbage(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x13\x37 not really a pdf " * 40)
    _raises(IngestError, path, "corrupt or truncated PDF")


def test_pdf_suffix_on_other_content(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("<html><body>Not a PDF</body></html>")
    _raises(IngestError, path, "not a PDF file")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_encrypted_pdf_without_password(make_pdf, algorithm):
    path = make_pdf("locked.pdf", [[(72, 700, 12, "Confidential briefing")]], user_password="s3cret", algorithm=algorithm)
    _raises(IngestError, path, "encrypted PDF", "password")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_with_empty_user_password_is_read(make_pdf, algorithm):
    path = make_pdf(
        "owner-only.pdf",
        [[(72, 700, 16, "UNOCT opens a programme office"), (72, 660, 11, "The office was opened today.")]],
        user_password="",
        algorithm=algorithm,
    )
    doc = read(path)
    assert doc.title == "UNOCT opens a programme office"
    assert "The office was opened today." in doc.text


def test_pdf_without_text(make_pdf):
    path = make_pdf("scan.pdf", [[], []])
    _raises(EmptyDocument, path, "no extractable text", "2 pages")


def test_corrupt_docx_not_a_zip(tmp_path):
    path = tmp_path / "memo.docx"
    path.write_text("This was saved as plain text with a .docx name.")
    _raises(IngestError, path, "not a DOCX file (not a zip archive)")


def test_corrupt_docx_truncated_zip(tmp_path):
    data = (DEV_DOCS / "dev-008.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    err = _raises(IngestError, path)
    assert "DOCX" in str(err) or "Word" in str(err)


def test_docx_zip_without_word_document(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a word document")
    path = tmp_path / "archive.docx"
    path.write_bytes(buf.getvalue())
    err = _raises(IngestError, path)
    assert "Word document" in str(err) or "corrupt DOCX" in str(err)


def test_docx_with_corrupt_xml(tmp_path):
    src = zipfile.ZipFile(DEV_DOCS / "dev-008.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            z.writestr(item, data)
    path = tmp_path / "broken.docx"
    path.write_bytes(buf.getvalue())
    _raises(IngestError, path, "corrupt DOCX")


def test_empty_docx(tmp_path):
    import docx

    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    _raises(EmptyDocument, path)


@pytest.mark.parametrize("name", ["notes.rtf", "table.xlsx", "README", "scan.PNG"])
def test_unsupported_suffix(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"anything")
    err = _raises(UnsupportedFormat, path, "unsupported file type")
    assert ".txt, .html, .htm, .pdf, .docx" in str(err)
    assert isinstance(err, IngestError), "a batch catching IngestError also catches it"


def test_missing_path(tmp_path):
    path = tmp_path / "nowhere" / "missing.txt"
    _raises(IngestError, path, "no such file")
    with pytest.raises(IngestError) as info:
        list(iter_files([path]))
    assert str(path) in str(info.value) and info.value.path == str(path)


def test_directory_given_to_read(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    _raises(IngestError, folder, "is a directory")


def test_codes_tell_kinds_apart():
    assert len({IngestError.code, UnsupportedFormat.code, EmptyDocument.code}) == 3


def test_batch_goes_on_past_bad_files(tmp_path):
    """The loop a CLI runs: every good file is read, every bad one reported with its path."""
    (tmp_path / "a-good.txt").write_text("Good title\n\nCTED met CARICOM in Georgetown.")
    (tmp_path / "b-bad.txt").write_bytes(b"Caf\xe9 latin-1")
    (tmp_path / "c-empty.txt").write_text("")
    (tmp_path / "d-good.docx").write_bytes((DEV_DOCS / "dev-008.docx").read_bytes())
    read_ok, failed = [], []
    for path in iter_files([tmp_path]):
        try:
            read_ok.append(read(path).id)
        except IngestError as exc:
            failed.append((path.name, exc.code))
    assert read_ok == ["a-good", "d-good"]
    assert failed == [("b-bad.txt", "E001"), ("c-empty.txt", "E003")]


def test_missing_file_with_unsupported_suffix_is_reported_missing(tmp_path):
    _raises(IngestError, tmp_path / "gone.rtf", "no such file")
