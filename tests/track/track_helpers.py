"""Helpers for the tests of :mod:`ctrack.track` (a unique module name, imported by the test files)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

import ctrack.cli  # noqa: F401  (registers every command on the app)
from ctrack.cli.app import app


def run(*args: str, db: str, user: str = "analyst", ok: bool = True, input: str | None = None):
    """Run ``ctrack ARGS --db DB`` in-process as ``$CTRACK_USER=user``; asserts exit code 0 unless ``ok`` is False."""
    result = CliRunner().invoke(app, [*args, "--db", db], input=input, catch_exceptions=False,
                                env={"COLUMNS": "240", "CTRACK_USER": user})
    if ok:
        assert result.exit_code == 0, result.output
    return result


def run_json(*args: str, db: str):
    """Run a reading command with ``--json`` and parse its output."""
    result = CliRunner().invoke(app, [*args, "--json", "--db", db], catch_exceptions=False, env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a UTF-8 CSV file with ``header`` and ``rows``."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path
