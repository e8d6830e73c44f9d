"""Paths and helpers shared by the extraction tests (a uniquely named module, so that test files can import it)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DEV_DOCS = SHARED / "corpus" / "dev" / "docs"
DEV_GOLD = SHARED / "corpus" / "dev" / "gold"


def load_scorer():
    """The project's scorer, ``../shared/eval/score.py``, imported as a module."""
    spec = importlib.util.spec_from_file_location("ctrack_eval_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
