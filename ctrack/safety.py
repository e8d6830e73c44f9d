"""Small safety rules shared by every face that writes files or names them (exports, uploads, the API).

- :func:`neutralise_cell` / :func:`neutralise_row`: spreadsheet cells that a
  spreadsheet program would run as a formula are made plain text (CSV and
  XLSX exports; the OWASP "CSV injection" rule).
- :func:`restore_cell`: the inverse, for importing a file that ctrack exported.
- :func:`safe_filename`: a name from outside (an upload, an archive member)
  reduced to one harmless path component.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

#: First characters that make a spreadsheet program read a cell as a formula (or a DDE command):
#: ``=``, ``+``, ``-``, ``@``, tab and carriage return. From the OWASP "CSV Injection" page.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: What is put in front of such a cell: a single quote, which spreadsheet programs show as text and hide.
QUOTE = "'"


def neutralise_cell(value: Any) -> Any:
    """``value`` made safe for a CSV or XLSX cell.

    A string that begins with one of :data:`FORMULA_STARTS` gets a single
    quote in front (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``; ``-5 visits`` →
    ``'-5 visits``), so that Excel, LibreOffice and Google Sheets show it as
    text instead of evaluating it; openpyxl then stores it as a string, not as
    a formula. Numbers, booleans, dates and None are returned unchanged (a
    number is never a formula). Rule: OWASP, "CSV Injection".
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """:func:`neutralise_cell` applied to every cell of a row; returns a new list."""
    return [neutralise_cell(v) for v in values]


def restore_cell(value: Any) -> Any:
    """The value a neutralised cell stood for: ``'=x`` → ``=x`` (only a quote before a formula start);
    anything else unchanged. Lets a file exported by ctrack be imported again without growing quotes."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


#: Longest file name kept, in UTF-8 bytes (most file systems allow 255).
MAX_FILENAME_BYTES = 255
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_filename(name: str | None, default: str = "upload") -> str:
    """One harmless file name from ``name`` (a client's upload name, an archive member).

    Only the last path component is kept (``../../etc/passwd`` → ``passwd``,
    ``C:\\x\\y.pdf`` → ``y.pdf``); control characters and ``/ \\ : * ? " < > |``
    become ``_``; leading dots and spaces go (no hidden files, no ``.`` or
    ``..``); what is left is cut to :data:`MAX_FILENAME_BYTES` UTF-8 bytes
    keeping the extension. An empty result gives ``default``.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("_", text).strip().lstrip(". ").rstrip(" ")
    if not text or set(text) <= {".", "_"}:
        return default
    if len(text.encode("utf-8")) > MAX_FILENAME_BYTES:
        stem, dot, ext = text.rpartition(".")
        if not dot or len(ext.encode("utf-8")) > 16:
            stem, ext = text, ""
        room = MAX_FILENAME_BYTES - (len(ext.encode("utf-8")) + 1 if ext else 0)
        stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
        text = f"{stem}.{ext}" if ext else stem
    return text


__all__ = ["FORMULA_STARTS", "MAX_FILENAME_BYTES", "neutralise_cell", "neutralise_row", "restore_cell",
           "safe_filename"]
