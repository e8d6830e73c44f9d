"""Helpers shared by the commands that use the knowledge base (not a command module).

:func:`open_kb` opens the store named by ``--db`` / ``$CTRACK_DB`` and turns a
:class:`ctrack.errors.StoreError` into a clear message and exit code 2;
:func:`print_json` prints pydantic models or plain data as JSON on stdout;
:func:`fail` prints a :class:`ctrack.errors.CtrackError` and exits with 1.
"""
from __future__ import annotations

import json
from typing import Any, NoReturn

import typer
from pydantic import BaseModel
from sqlalchemy import Engine

from ctrack.cli.app import console, db_url, err
from ctrack.errors import CtrackError, StoreError
from ctrack.store.db import open_store

#: Exit codes: 1 for bad input (a file that failed, a name that matches nothing), 2 for a database problem.
EXIT_INPUT, EXIT_STORE = 1, 2


def open_kb(db: str | None) -> Engine:
    """The migrated knowledge base for ``--db`` (else ``$CTRACK_DB``, else the default); exits 2 on failure."""
    try:
        return open_store(db_url(db))
    except StoreError as exc:
        err.print(f"[bold red]error[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_STORE) from exc


def fail(exc: CtrackError | ValueError, code: int = EXIT_INPUT) -> NoReturn:
    """Print ``exc`` on stderr and exit with ``code``."""
    err.print(f"[bold red]error[/] {exc}", highlight=False)
    raise typer.Exit(code)


def _plain(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, (list, tuple)):
        return [_plain(o) for o in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def print_json(obj: Any) -> None:
    """Print ``obj`` (pydantic models, lists and dicts of them) as indented JSON on stdout."""
    console.out(json.dumps(_plain(obj), ensure_ascii=False, indent=2), highlight=False)
