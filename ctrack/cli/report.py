"""``ctrack report``: write a self-contained HTML briefing (see :mod:`ctrack.report`)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ctrack.cli.app import DB_OPTION_HELP, app, console
from ctrack.cli.kb import fail, open_kb, print_json
from ctrack.errors import NotFound
from ctrack.report import write_briefing


@app.command("report")
def report_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write"),
    country: Optional[str] = typer.Option(None, "--country", help="ISO3 (or name) of a member state"),
    region: Optional[str] = typer.Option(None, "--region", help="a region, e.g. 'Central Asia'"),
    title: Optional[str] = typer.Option(None, "--title", help="heading of the page"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
    as_json: bool = typer.Option(False, "--json", help="print the briefing data as JSON as well"),
    reviewed_only: bool = typer.Option(False, "--reviewed-only", help="only events and roles a reviewer confirmed or corrected"),
    user: Optional[str] = typer.Option(None, "--user", help="who exports (audit log; default: $CTRACK_USER or the login name)"),
) -> None:
    """Write an HTML briefing on a member state, a region, or all events."""
    if country and region:
        fail(ValueError("give --country or --region, not both"))
    engine = open_kb(db)
    try:
        data = write_briefing(engine, out, country=country, region=region, title=title, reviewed_only=reviewed_only,
                              user=user)
    except NotFound as exc:
        fail(exc)
    except OSError as exc:
        fail(ValueError(f"{out}: cannot write the report ({exc.strerror or exc})"))
    if as_json:
        print_json(data)
        return
    console.print(f"wrote {out}: {data.scope}, {len(data.events)} events from {len(data.documents)} documents",
                  highlight=False)
