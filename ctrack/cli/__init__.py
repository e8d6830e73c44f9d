"""Command-line interface: ``ctrack COMMAND …`` (Typer + Rich).

Importing this package registers every command module on
:data:`ctrack.cli.app.app`; :func:`main` runs it (the ``ctrack`` console script).
"""
from __future__ import annotations

import importlib

from ctrack.cli.app import app

#: Command modules, each registering its commands on ``app``. A module that is
#: not there yet (a stage still being built) is skipped.
COMMAND_MODULES = ("extract", "ingest", "query", "report", "review", "recs", "serve", "export", "train")

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"ctrack.cli.{_name}")
    except ModuleNotFoundError as exc:  # pragma: no cover - only while a module is absent
        if exc.name != f"ctrack.cli.{_name}":
            raise


def main() -> None:
    """Entry point of the ``ctrack`` console script."""
    app()
