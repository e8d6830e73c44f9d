"""The Typer application that every CLI module registers its commands on.

Each stage keeps its commands in its own module under :mod:`ctrack.cli`
(``ingest``, ``extract``, ``query``, ``report`` …); :mod:`ctrack.cli` imports
them all so that they register here. The HTTP API offers the same operations
under the same names.
"""
from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

app = typer.Typer(
    name="ctrack",
    help="Counter-terrorism cooperation tracker: ingest documents, extract who met whom, review, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Console for tables and progress (stdout); ``err`` for problems (stderr). Off a terminal (pipes,
#: scripts, tests) tables get a wide fixed width instead of Rich's 80 columns, and error lines are
#: never wrapped, so that a file name in a message stays whole.
_WIDE = None if sys.stdout.isatty() else 200
console = Console(width=_WIDE)
err = Console(stderr=True, soft_wrap=True)

DB_OPTION_HELP = "database URL (default: $CTRACK_DB or sqlite:///ctrack.sqlite3 in the current folder)"


def db_url(option: str | None) -> str:
    """The database URL to use: ``--db`` if given, else ``$CTRACK_DB``, else the embedded default.

    Returns a SQLAlchemy URL string. The default is a SQLite file
    ``ctrack.sqlite3`` in the current working directory.
    """
    return option or os.environ.get("CTRACK_DB") or "sqlite:///ctrack.sqlite3"
