"""Reading bytes read elsewhere (``ingest.load`` + ``ingest.read_all_bytes``, what a Dask worker on another machine
does): the same documents as ``read_all`` of the file, and the same errors."""
from __future__ import annotations

import shutil

import pytest
from ingest_fixtures import DEV_DOCS
from test_ingest_eml import _message

from ctrack.errors import EmptyDocument, IngestError, InputLimitExceeded, UnsupportedFormat
from ctrack.ingest import limits, load, read_all, read_all_bytes


def _same(path, tmp_path):
    expected = read_all(path)
    data = load(path)
    moved = tmp_path / "moved"
    moved.mkdir(exist_ok=True)
    shutil.move(path, moved / path.name)  # the name need not exist where the bytes are parsed
    got = read_all_bytes(str(path), data)
    assert [(w, d.model_dump() if not isinstance(d, Exception) else str(d)) for w, d in got] == \
        [(w, d.model_dump() if not isinstance(d, Exception) else str(d)) for w, d in expected]
    return got


@pytest.mark.parametrize("name", sorted(p.name for p in DEV_DOCS.iterdir() if p.suffix in (".txt", ".html", ".pdf",
                                                                                            ".docx")))
def test_bytes_read_elsewhere_give_the_same_document(name, tmp_path):
    path = tmp_path / name
    shutil.copy(DEV_DOCS / name, path)
    assert len(_same(path, tmp_path)) == 1


def test_an_email_and_its_attachments_from_bytes(tmp_path):
    got = _same(_message(tmp_path), tmp_path)
    assert len(got) == 3 and got[1][0].endswith("#press-release.pdf")


def test_the_same_errors(tmp_path, monkeypatch):
    (tmp_path / "empty.txt").write_text("  ")
    with pytest.raises(EmptyDocument, match="empty.txt"):
        read_all_bytes(str(tmp_path / "empty.txt"), load(tmp_path / "empty.txt"))
    (tmp_path / "fake.pdf").write_text("not a pdf at all")
    with pytest.raises(IngestError, match="not a PDF file"):
        load(tmp_path / "fake.pdf")
    with pytest.raises(IngestError, match="not a PDF file"):
        read_all_bytes("elsewhere/fake.pdf", b"not a pdf at all")
    with pytest.raises(UnsupportedFormat, match="notes.xyz"):
        read_all_bytes("notes.xyz", b"text")
    with pytest.raises(IngestError, match="is a directory"):
        load(tmp_path)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10)
    with pytest.raises(InputLimitExceeded, match="big.txt"):
        read_all_bytes("big.txt", b"x" * 11)
