"""iter_files: files and folders, recursive and sorted, hidden entries skipped, each file once."""
from __future__ import annotations

import pytest

from ctrack.errors import IngestError
from ctrack.ingest import SUPPORTED_SUFFIXES, iter_files


@pytest.fixture
def tree(tmp_path):
    for rel in [
        "b.txt", "a.HTML", "notes.rtf", ".hidden.txt", "c.pdf",
        "sub/z.docx", "sub/a.htm", "sub/deeper/x.txt", "sub/.cache/y.txt",
        ".git/config.txt", "a-sub/m.txt", "README",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return tmp_path


def rel(paths, root):
    return [p.relative_to(root).as_posix() for p in paths]


def test_folder_recursive_sorted_supported_only(tree):
    assert rel(iter_files([tree]), tree) == [
        "a-sub/m.txt", "a.HTML", "b.txt", "c.pdf", "sub/a.htm", "sub/deeper/x.txt", "sub/z.docx",
    ]


def test_explicit_file_is_yielded_whatever_its_suffix(tree):
    assert rel(iter_files([tree / "notes.rtf", tree / ".hidden.txt"]), tree) == ["notes.rtf", ".hidden.txt"]


def test_order_of_arguments_kept_and_duplicates_dropped(tree):
    got = rel(iter_files([str(tree / "c.pdf"), tree / "sub", tree / "sub" / "z.docx", tree / "c.pdf"]), tree)
    assert got == ["c.pdf", "sub/a.htm", "sub/deeper/x.txt", "sub/z.docx"]


def test_missing_path_raises_naming_it(tree):
    missing = tree / "nope"
    it = iter_files([tree / "b.txt", missing])
    assert next(it).name == "b.txt"
    with pytest.raises(IngestError) as info:
        next(it)
    assert str(missing) in str(info.value)
    assert info.value.path == str(missing)


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".html", ".htm", ".pdf", ".docx", ".eml")


def test_empty_folder(tmp_path):
    assert list(iter_files([tmp_path])) == []
