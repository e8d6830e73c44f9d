"""``ctrack.store.db.MODEL_MODULES`` names exactly the modules that declare tables on ``Base``."""
from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import ctrack
from ctrack.store.base import Base
from ctrack.store.db import MODEL_MODULES, import_models

PACKAGE = Path(ctrack.__file__).resolve().parent


def _declares_tables(path: Path) -> bool:
    """True when the module at ``path`` defines a class deriving from ``Base`` (read, not imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.ClassDef) and any(
        (isinstance(b, ast.Name) and b.id == "Base") or (isinstance(b, ast.Attribute) and b.attr == "Base")
        for b in node.bases) for node in ast.walk(tree))


def test_every_listed_module_exists_and_no_table_module_is_missing():
    assert all(importlib.util.find_spec(name) is not None for name in MODEL_MODULES), MODEL_MODULES
    declaring = {".".join(("ctrack", *p.relative_to(PACKAGE).with_suffix("").parts))
                 for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts and _declares_tables(p)}
    assert declaring == set(MODEL_MODULES)


def test_import_models_registers_every_mapped_table():
    import_models()
    mapped = {m.class_.__module__ for m in Base.registry.mappers}
    assert mapped <= set(MODEL_MODULES)
    assert {"documents", "actors", "events", "audit_log", "search_entries"} <= set(Base.metadata.tables)
