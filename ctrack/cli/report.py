"""``ctrack report``: write a briefing pack as PDF or self-contained HTML (see :mod:`ctrack.report`)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ctrack.cli.app import DB_OPTION_HELP, app, console
from ctrack.cli.kb import fail, open_kb, print_json
from ctrack.errors import CtrackError
from ctrack.report import write_briefing
from ctrack.service.briefing import SECTIONS
from ctrack.wording import plural


@app.command("report")
def report_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="file to write (.pdf or .html)"),
    country: Optional[str] = typer.Option(None, "--country", help="ISO3 (or name) of a member state"),
    region: Optional[str] = typer.Option(None, "--region", help="a region, e.g. 'Central Asia'"),
    states: Optional[str] = typer.Option(None, "--states", help="a list of member states, e.g. TJK,KGZ,UZB"),
    since: Optional[str] = typer.Option(None, "--since", help="engagements from this date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    until: Optional[str] = typer.Option(None, "--until", help="engagements up to this date"),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="pdf | html (default: from the extension of --out)"),
    sections: Optional[str] = typer.Option(None, "--sections", help=f"sections to include, comma-separated "
                                           f"(default all: {','.join(SECTIONS)})"),
    title: Optional[str] = typer.Option(None, "--title", help="title on the cover"),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="the web app's address, for links to the sources"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
    as_json: bool = typer.Option(False, "--json", help="print the briefing data as JSON as well"),
    reviewed_only: bool = typer.Option(False, "--reviewed-only", help="only events and roles a reviewer confirmed or corrected"),
    user: Optional[str] = typer.Option(None, "--user", help="who exports (audit log; default: $CTRACK_USER or the login name)"),
) -> None:
    """Write a briefing pack (PDF or HTML) on a member state, a region, a list of states, or everything.

    Cover, one-page summary (open recommendations, technical-assistance needs,
    overdue ones, activities under way, engagements, last assessment visit),
    open recommendations, engagements (timeline and table), who met whom,
    assessment visits, sources.
    """
    if sum(bool(x) for x in (country, region, states)) > 1:
        fail(ValueError("give one of --country, --region or --states"))
    engine = open_kb(db)
    try:
        pack = write_briefing(engine, out, country=country, region=region, title=title, reviewed_only=reviewed_only,
                              user=user, states=[x for x in states.split(",") if x.strip()] if states else None,
                              since=since, until=until, fmt=fmt, base_url=base_url,
                              sections=sections.split(",") if sections else None)
    except (CtrackError, ValueError) as exc:
        fail(exc)
    except OSError as exc:
        fail(ValueError(f"{out}: cannot write the report ({exc.strerror or exc})"))
    if as_json:
        print_json(pack)
        return
    s = pack.summary
    console.print(f"wrote {out}: {pack.briefing.scope}, {pack.window}: {plural(s.engagements, 'engagement')} from "
                  f"{plural(len(pack.briefing.documents), 'document')}; {plural(s.open, 'open recommendation')}, "
                  f"{s.ta_needed} needing technical assistance, {s.overdue} overdue", highlight=False)
