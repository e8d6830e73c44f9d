"""``ctrack export``: events, actors, roles and sources of a filtered set of events, in the formats
analysts load into spreadsheets, calendars, Gephi and Aleph (see :mod:`ctrack.service.exports`)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ctrack.cli.app import DB_OPTION_HELP, app, console
from ctrack.cli.kb import fail, open_kb, print_json
from ctrack.errors import CtrackError
from ctrack.schema import EventType
from ctrack.service import exports
from ctrack.store.db import session_scope
from ctrack.wording import plural

ExportFormat = Enum("ExportFormat", {f.upper(): f for f in exports.FORMATS}, type=str)
ExportTable = Enum("ExportTable", {t.upper(): t for t in exports.TABLES}, type=str)


@app.command("export")
def export_cmd(
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="csv | xlsx (events, roles, actors, sources "
                                     "sheets) | jsonl | ics (calendar) | graphml | gexf (actor network) | ftm "
                                     "(FollowTheMoney entities)"),
    out: Path = typer.Option(..., "--out", "-o", help="file to write"),
    country: Optional[str] = typer.Option(None, "--country", help="ISO3 (or name) of a member state: events held there or engaging it"),
    region: Optional[str] = typer.Option(None, "--region", help="a region (e.g. 'Central Asia')"),
    since: Optional[str] = typer.Option(None, "--since", help="from this date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    until: Optional[str] = typer.Option(None, "--until", help="up to this date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    type_: Optional[EventType] = typer.Option(None, "--type", help="only events of this type"),
    table: ExportTable = typer.Option("events", "--table", help="for --format csv: which table to write"),
    reviewed_only: bool = typer.Option(False, "--reviewed-only", help="only events and roles a reviewer confirmed or corrected"),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="the web app's address for the links in the export "
                                           "(default: $CTRACK_BASE_URL or http://127.0.0.1:8000)"),
    user: Optional[str] = typer.Option(None, "--user", help="who exports (audit log; default: $CTRACK_USER or the login name)"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
    as_json: bool = typer.Option(False, "--json", help="print what was written as JSON"),
) -> None:
    """Export the events that `ctrack events` lists for the same filters, with their actors, roles and sources.

    Every row or entity carries its source documents and a link to its page in the web app; every
    export is written to the audit log (`ctrack history transfer:ID`).
    """
    from ctrack.track import audit

    engine = open_kb(db)
    filters = exports.Filters(country=country, region=region, since=since, until=until, type=type_,
                              reviewed_only=reviewed_only)
    try:
        with session_scope(engine) as s:
            res = exports.export(s, fmt.value, out, filters, user=user or audit.default_user(), table=table.value,
                                 base=base_url)
    except (CtrackError, ValueError) as exc:
        fail(exc)
    if as_json:
        print_json({"format": res.format, "path": res.path, "rows": res.rows, "events": res.events,
                    "audit_id": res.audit_id, **res.extra})
        return
    extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in res.extra.items())
    what = plural(res.rows, f"{table.value} row" if res.format == "csv" else "row")
    console.print(f"wrote {out} ({res.format}): {what} from {plural(res.events, 'event')}"
                  + (f"; {extra}" if extra else "") + f" — {filters.describe()}", highlight=False)
