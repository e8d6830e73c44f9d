"""The server's heap at its start is frozen out of the garbage collector's full collections, once a process
(``ctrack.api.app.freeze_startup_heap``; why, with the figures: its docstring and docs/benchmarks.md)."""
from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from ctrack.api import app as api_app


def test_the_app_start_freezes_the_heap_and_sets_the_thresholds(tmp_path, monkeypatch):
    saved = gc.get_threshold()
    monkeypatch.setattr(api_app, "_heap_frozen", False)  # as in a fresh server process
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    marker = [object()]  # alive before the start: frozen with the rest
    try:
        assert gc.get_freeze_count() == 0
        app = api_app.create_app(f"sqlite:///{tmp_path}/kb.sqlite3")
        with TestClient(app):
            frozen = gc.get_freeze_count()
            assert frozen > 1000
            assert gc.get_threshold() == api_app.GC_THRESHOLD
            assert not gc.is_tracked(marker) or all(marker is not o for o in gc.get_objects())
        # a second start in the same process collects and freezes nothing more
        assert api_app.freeze_startup_heap() is False
        assert gc.get_freeze_count() <= frozen  # frozen objects freed since leave the count; none added
    finally:
        gc.set_threshold(*saved)
