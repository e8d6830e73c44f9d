"""Shared fixtures for extraction tests: the dev corpus read once, extracted once."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DEV_DOCS = SHARED / "corpus" / "dev" / "docs"
DEV_GOLD = SHARED / "corpus" / "dev" / "gold"


def load_scorer():
    """The project's scorer, ``../shared/eval/score.py``, imported as a module."""
    spec = importlib.util.spec_from_file_location("ctrack_eval_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dev_records():
    """{doc id: Record} for every dev document, extracted with the real pipeline."""
    from ctrack.extract import get_extractor
    from ctrack.ingest import iter_files, read

    docs = [read(p) for p in iter_files([DEV_DOCS])]
    return {r.document.id: r for r in get_extractor().extract_many(docs)}
