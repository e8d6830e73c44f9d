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


def record_of(tmp_path: Path, name: str, text: str):
    """The record the whole pipeline (rules and shipped models) extracts from ``text``, stored as ``name``.txt."""
    from ctrack.extract import extract
    from ctrack.ingest import read

    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract(read(path))


def only_event(record, etype: str):
    """The one event of type ``etype`` in ``record``; fails the test when there is none or more than one."""
    found = [e for e in record.events if e.type.value == etype]
    assert len(found) == 1, f"expected one {etype}, got {[(e.type.value, e.start) for e in record.events]}"
    return found[0]


def roles_of(record, event) -> set[tuple[str, str]]:
    """The (actor name, role) pairs of ``event``."""
    names = {a.id: a.name for a in record.actors}
    return {(names[r.actor], r.role.value) for r in event.roles}
