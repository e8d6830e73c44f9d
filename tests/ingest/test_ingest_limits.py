"""Limits on every input (issue 13): zip bombs, oversized files, FIFOs and devices, deep HTML.

Each test reproduces a finding of the hostile-files probe and checks the
coded error that now names the file, and for the zip bomb that memory stays
bounded (measured in a child process).
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument

from ctrack.errors import IngestError, InputLimitExceeded
from ctrack.ingest import limits, read

ROOT = Path(__file__).resolve().parents[2]


def _docx_bytes(text: str) -> bytes:
    d = WordDocument()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """A DOCX of a few MB whose word/document.xml unpacks to 1 GiB (the probe's file, rebuilt)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    good = zipfile.ZipFile(io.BytesIO(_docx_bytes("x")))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info in good.infolist():
            if info.filename != "word/document.xml":
                zf.writestr(info.filename, good.read(info.filename))
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                     b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            chunk = b"A" * (1 << 20)
            for _ in range(1024):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def test_docx_zip_bomb_refused_in_bounded_memory(zip_bomb):
    assert zip_bomb.stat().st_size < 6 * 1024 * 1024
    code = (
        "import json, sys\n"
        "from ctrack.ingest import read\n"
        "from ctrack.errors import CtrackError\n"
        "try:\n"
        "    read(sys.argv[1]); out = {'error': None}\n"
        "except CtrackError as e:\n"
        "    out = {'error': str(e), 'code': e.code}\n"
        # VmHWM: this program's peak RSS (ru_maxrss would carry the forking pytest worker's peak over exec)
        "out['maxrss_kb'] = int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code, str(zip_bomb)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["code"] == "E004"
    assert str(zip_bomb) in out["error"]
    assert "word/document.xml" in out["error"] and "1024 MiB" in out["error"] and "zip bomb" in out["error"]
    assert out["maxrss_kb"] < 400 * 1024, f"peak memory {out['maxrss_kb'] // 1024} MiB"


def test_docx_with_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 50)
    good = zipfile.ZipFile(io.BytesIO(_docx_bytes("The visit took place in Dushanbe.")))
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as zf:
        for info in good.infolist():
            zf.writestr(info.filename, good.read(info.filename))
        for i in range(60):
            zf.writestr(f"word/media/image{i}.png", b"x")
    with pytest.raises(InputLimitExceeded) as info:
        read(path)
    assert info.value.code == "E004" and str(path) in str(info.value) and "members" in str(info.value)


def test_xlsx_zip_bomb_refused_by_recs_import(zip_bomb, tmp_path):
    from ctrack.track.io import TransferError, read_rows

    xlsx = tmp_path / "recs.xlsx"
    os.symlink(zip_bomb, xlsx)
    with pytest.raises(TransferError) as info:
        list(read_rows(xlsx))
    assert "zip bomb" in str(info.value) and str(xlsx) in str(info.value)


def test_file_over_the_size_cap(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: costs no disk
        fh.truncate(limits.MAX_FILE_BYTES + 1)
    with pytest.raises(InputLimitExceeded) as info:
        read(path)
    assert str(path) in str(info.value) and "file too large" in str(info.value) and "CTRACK_MAX_FILE_MB" in str(info.value)


def test_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result: dict = {}

    def run():
        try:
            read(fifo)
        except IngestError as exc:
            result["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "read() hung on a FIFO"
    assert "not a regular file (a named pipe (FIFO))" in str(result["error"]) and str(fifo) in str(result["error"])


def test_ingest_cli_over_a_fifo_and_dev_zero(tmp_path):
    """The CLI hashed every file before reading it: a FIFO hung it and /dev/zero filled memory."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    os.symlink("/dev/zero", zero)
    good = tmp_path / "note.txt"
    good.write_text("CTED visit to Tajikistan\n\nDushanbe, 12 May 2019 - CTED visited Tajikistan on 10 May 2019.\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", "from ctrack.cli import main; main()", "ingest", str(fifo), str(zero), str(good), "--json",
                           "--db", f"sqlite:///{tmp_path / 'kb.sqlite3'}"],
                          capture_output=True, text=True, env=env, timeout=300)
    out = json.loads(proc.stdout)
    assert out["documents"]["new"] == 1
    failed = {Path(f["path"]).name: f for f in out["failed"]}
    assert "named pipe" in failed["pipe.txt"]["error"] and failed["pipe.txt"]["code"] == "E001"
    assert "character device" in failed["zero.txt"]["error"]
    assert proc.returncode == 1


def test_pdf_type_sniffed_before_reading_whole(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 100_000)
    with pytest.raises(IngestError, match=r"not a PDF file \(no %PDF- header\)"):
        read(path)


def test_html_nested_too_deep_is_refused_not_emptied(tmp_path):
    path = tmp_path / "deep.html"
    depth = 255
    path.write_text("<html><body>" + "<div>" * depth + "<p>CTED visited Tajikistan on 10 May 2019.</p>"
                    + "</div>" * depth + "</body></html>")
    with pytest.raises(InputLimitExceeded) as info:
        read(path)
    assert str(path) in str(info.value) and "nested" in str(info.value) and "limit is 200" in str(info.value)


def test_html_nested_deep_but_within_limit_is_read(tmp_path):
    path = tmp_path / "deepish.html"
    depth = 120
    path.write_text("<html><head><title>CTED visits Tajikistan</title></head><body>" + "<div>" * depth
                    + "<h1>CTED visits Tajikistan</h1><p>The Counter-Terrorism Committee Executive Directorate "
                      "visited Tajikistan from 10 to 12 May 2019 on behalf of the Committee.</p>"
                    + "</div>" * depth + "</body></html>")
    assert "visited Tajikistan from 10 to 12 May 2019" in read(path).text
