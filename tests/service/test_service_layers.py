"""The layers hold: faces (cli, api, web, report) → service → store/track, and no arrow back up.

Read from the source with :mod:`ast` (every ``import`` and ``from … import``,
at module level or inside a function), so a lazy import inside a function
counts as much as one at the top.
"""
from __future__ import annotations

import ast
from pathlib import Path

import ctrack

ROOT = Path(ctrack.__file__).resolve().parent
FACES = ("cli", "api", "web", "report")
#: Packages below the service layer: they may not import it or any face.
BELOW = ("store", "track", "resolve", "extract", "ingest")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in out if m.startswith("ctrack")}


def _modules(package: str) -> list[tuple[str, set[str]]]:
    return [(str(p.relative_to(ROOT.parent)), _imports(p)) for p in sorted((ROOT / package).rglob("*.py"))]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_the_service_layer_imports_no_face():
    bad = [(f, m) for f, mods in _modules("service") for m in mods if _layer(m) in FACES]
    assert bad == []


def test_lower_layers_import_neither_the_service_layer_nor_a_face():
    bad = [(f, m) for pkg in BELOW for f, mods in _modules(pkg) for m in mods
           if _layer(m) in FACES + ("service",)]
    assert bad == []


def test_the_api_does_not_depend_on_the_web_app():
    bad = [(f, m) for f, mods in _modules("api") for m in mods if _layer(m) == "web"]
    assert bad == []


def test_no_face_imports_the_api_route_modules_but_the_api_itself():
    bad = [(f, m) for face in FACES if face != "api" for f, mods in _modules(face) for m in mods
           if m.startswith("ctrack.api.routes")]
    assert bad == []


def test_the_check_sees_a_violation(tmp_path):
    """The reader finds lazy imports inside functions (so the tests above can fail)."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ctrack.web.routes import router\n    import ctrack.api.routes.events\n")
    assert {"ctrack.web.routes", "ctrack.api.routes.events"} <= _imports(module)


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.func.attr for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}


def test_no_face_writes_search_entries_itself():
    """Writes that must rewrite search entries (recommendations, review decisions) go through the service
    layer, so that the CLI, the API and the web app keep the index the same way."""
    bad = [str(p.relative_to(ROOT.parent)) for face in FACES for p in sorted((ROOT / face).rglob("*.py"))
           if "reindex" in _calls(p)]
    assert bad == []


def test_no_face_manages_accounts_in_the_store_itself():
    """Account changes go through :mod:`ctrack.service.accounts`, where the self-demotion and last-admin
    rules are kept once for the CLI, the API and the web app."""
    writes = {"create_user", "set_role", "set_active", "set_password", "list_users"}
    bad = [(str(p.relative_to(ROOT.parent)), sorted(_calls(p) & writes)) for face in FACES
           for p in sorted((ROOT / face).rglob("*.py")) if _calls(p) & writes]
    assert bad == []
