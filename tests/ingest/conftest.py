"""Fixtures for the ingest tests (helpers live in :mod:`ingest_fixtures`)."""
from __future__ import annotations

from pathlib import Path

import pytest
from ingest_fixtures import build_pdf


@pytest.fixture
def make_pdf(tmp_path):
    """``make_pdf(name, pages, user_password=None, algorithm="RC4-128") -> Path``: write a PDF built by :func:`build_pdf`."""

    def make(name: str, pages, *, user_password: str | None = None, algorithm: str = "RC4-128") -> Path:
        path = tmp_path / name
        path.write_bytes(build_pdf(pages, user_password=user_password, algorithm=algorithm))
        return path

    return make
