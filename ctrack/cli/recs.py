"""``ctrack recs …``: recommendations, technical-assistance needs, follow-up activities and statistics.

``import FILE [--dry-run] [--map COLUMN=FIELD …]``, ``export FILE``,
``list [--state ISO3] [--theme T] [--status S] [--overdue] [--json]``,
``show ID``, ``add``, ``status ID STATUS --date D``, ``stats [--on DATE]``,
``activity add|link|progress|list``, ``indicator add|met``,
``suggest-themes ID``, ``proposals``. Every command takes ``--db`` and
``--user`` (default ``$CTRACK_USER`` or the login name) for the audit log.
Logic lives in :mod:`ctrack.track`; this module only parses and prints.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from ctrack.cli.app import DB_OPTION_HELP, app, console, err
from ctrack.cli.kb import fail, open_kb, print_json
from ctrack.errors import CtrackError
from ctrack.service import recs as rec_service
from ctrack.store import track_repo
from ctrack.store.db import session_scope
from ctrack.store.track_models import RecStatus
from ctrack.track import audit, fields, io, proposals, recommendations, themes
from ctrack.wording import plural

recs_app = typer.Typer(help="Recommendations and technical-assistance needs: import, list, follow up, statistics.",
                       no_args_is_help=True)
activity_app = typer.Typer(help="Follow-up activities: the unit of progress.", no_args_is_help=True)
indicator_app = typer.Typer(help="Indicators of recommendations and activities.", no_args_is_help=True)
recs_app.add_typer(activity_app, name="activity")
recs_app.add_typer(indicator_app, name="indicator")
app.add_typer(recs_app, name="recs")

_DB = typer.Option(None, "--db", help=DB_OPTION_HELP)
_USER = typer.Option(None, "--user", help="who does this (default: $CTRACK_USER or the login name)")
_JSON = typer.Option(False, "--json", help="print JSON")


def _user(user: str | None) -> str:
    return user or audit.default_user()


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return fields.day(value)
    except ValueError as exc:
        fail(ValueError(f"{option}: {exc}"))


def _rec_table(rows: list[dict], title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for col in ("ID", "State", "Recommendation", "Themes", "TA", "Due", "Status", "Progress"):
        table.add_column(col, overflow="fold", justify="right" if col in ("ID", "Progress") else "left")
    for r in rows:
        progress = r.get("progress")
        table.add_row(str(r["id"]), r["state"] or "?", escape(r["text"]), ", ".join(r["themes"]),
                      "yes" if r["ta_needed"] else "", r["due_date"] or "", r["status"],
                      "" if progress is None else f"{progress:.0f}%")
    return table


# --------------------------------------------------------------------------- import / export


def _import_help() -> str:
    """The help of ``recs import``, with the accepted values read from the vocabulary and the models."""
    from ctrack.store.track_models import Priority, RecStatus, TermScheme
    from ctrack.track.vocabulary import vocabulary

    v = vocabulary()
    themes = ", ".join(t.code for t in v.all(TermScheme.THEME))
    resolutions = ", ".join(t.code for t in v.all(TermScheme.RESOLUTION))
    pillars = ", ".join(t.code for t in v.all(TermScheme.PILLAR))
    return (
        "Import recommendations; bad rows are reported with their line numbers (exit 1 if any).\n\n"
        "CSV (delimiter \",\", \";\" or tab, found from the header line; UTF-8) or XLSX (first sheet). "
        "Columns: state, text (required), themes, resolutions, pillars, priority, ta_needed, ta_description, "
        "lead_institutions, partners, due_date, status, source; list cells separated by \";\".\n\n"
        f"Themes: {themes} (or their labels).\n\n"
        f"Resolutions (Security Council): {resolutions}; as \"2178\", \"2178 (2014)\" or \"S/RES/2178 (2014)\". "
        "Another resolution number is accepted with a warning.\n\n"
        f"Pillars (A/RES/60/288): {pillars}.\n\n"
        f"Statuses: {', '.join(x.value for x in RecStatus)}. Priorities: {', '.join(x.value for x in Priority)}. "
        "ta_needed: yes/no.")


@recs_app.command("import", help=_import_help())
def import_cmd(
    file: Path = typer.Argument(..., help="CSV or XLSX file"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check every row and report, load nothing"),
    mapping: Optional[list[str]] = typer.Option(None, "--map", help="COLUMN=FIELD when a header differs (repeatable)"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="day the file's statuses hold from (default today)"),
    db: Optional[str] = _DB, user: Optional[str] = _USER, as_json: bool = _JSON,
) -> None:
    """Import recommendations; bad rows are reported with their line numbers (exit 1 if any)."""
    day = _day(as_of, "--as-of")
    engine = open_kb(db)
    try:
        parsed_map = io.parse_map(mapping or [])
        with session_scope(engine) as s:
            report = rec_service.import_file(s, file, user=_user(user), dry_run=dry_run, mapping=parsed_map, on=day)
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json(report.to_json())
    else:
        for e in report.errors:
            err.print(f"[red]rejected[/] {escape(str(e))}", highlight=False)
        for line, message in report.warnings:
            err.print(f"[yellow]warning[/] line {line}: {escape(message)}", highlight=False)
        if report.ignored_columns:
            err.print(f"ignored columns: {escape(', '.join(report.ignored_columns))}", highlight=False)
        verb = "would load" if dry_run else "loaded"
        count = report.would_load if dry_run else len(report.loaded)
        console.print(f"{file}: {plural(report.rows, 'row')}, {verb} {count}, {len(report.skipped)} already stored, "
                      f"{len(report.errors)} rejected" + ("" if dry_run else f" (import {report.transfer_id})"),
                      highlight=False)
    if report.errors:
        raise typer.Exit(1)


@recs_app.command("export")
def export_cmd(
    file: Path = typer.Argument(..., help="CSV or XLSX file to write"),
    state: Optional[str] = typer.Option(None, "--state", help="ISO3 or name of a member state"),
    region: Optional[str] = typer.Option(None, "--region", help="a region, e.g. 'Central Asia'"),
    theme: Optional[str] = typer.Option(None, "--theme", help="a theme (code or label)"),
    status: Optional[str] = typer.Option(None, "--status", help="a status"),
    db: Optional[str] = _DB, user: Optional[str] = _USER,
) -> None:
    """Export the reviewed recommendations with the import columns (logged in the audit log)."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            rows = recommendations.query(s, state=state, region=region, theme=theme, status=status)
            n = io.export_file(s, file, rows, user=_user(user))
    except (CtrackError, ValueError) as exc:
        fail(exc)
    console.print(f"wrote {plural(n, 'recommendation')} to {file}", highlight=False)


# --------------------------------------------------------------------------- list / show / add / status


@recs_app.command("list")
def list_cmd(
    state: Optional[str] = typer.Option(None, "--state", help="ISO3 or name of a member state"),
    region: Optional[str] = typer.Option(None, "--region", help="a region, e.g. 'Central Asia'"),
    theme: Optional[str] = typer.Option(None, "--theme", help="a theme (code or label)"),
    status: Optional[str] = typer.Option(None, "--status", help="current status: " + ", ".join(s.value for s in RecStatus)),
    partner: Optional[str] = typer.Option(None, "--partner", help="a partner or lead institution (part of its name)"),
    overdue: bool = typer.Option(False, "--overdue", help="only those overdue on --on"),
    on: Optional[str] = typer.Option(None, "--on", help="the day for --overdue and progress (default today)"),
    proposed: bool = typer.Option(False, "--proposed", help="list the proposals waiting for review instead"),
    db: Optional[str] = _DB, as_json: bool = _JSON,
) -> None:
    """List recommendations (reviewed ones; --proposed for the proposals from documents)."""
    day = _day(on, "--on") or dt.date.today()
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            rows = recommendations.query(s, state=state, region=region, theme=theme, status=status, partner=partner,
                                          overdue_on=day if overdue else None, proposed=proposed)
            data = [recommendations.view(r) | {"progress": recommendations.progress(s, r.id, day)["percent"],
                                               "overdue": recommendations.is_overdue(r, day)} for r in rows]
    except (CtrackError, ValueError) as exc:
        fail(exc)
    if as_json:
        print_json(data)
        return
    console.print(_rec_table(data, f"Recommendations ({len(data)})" + (f", overdue on {day}" if overdue else "")))


@recs_app.command("show")
def show_cmd(rec_id: int = typer.Argument(..., help="recommendation id"),
             on: Optional[str] = typer.Option(None, "--on", help="progress as of this day (default today)"),
             db: Optional[str] = _DB, as_json: bool = _JSON) -> None:
    """One recommendation with its status history, activities, progress and indicators."""
    day = _day(on, "--on")
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            data = recommendations.view(recommendations.get(s, rec_id)) | {
                "progress": recommendations.progress(s, rec_id, day)}
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]Recommendation {rec_id}[/] to {data['state'] or '?'} ({data['review_state']})")
    console.print(escape(data["text"]), highlight=False)
    for key in ("themes", "resolutions", "pillars", "lead_institutions", "partners"):
        if data[key]:
            console.print(f"  {key}: {escape(', '.join(data[key]))}", highlight=False)
    for key in ("priority", "ta_needed", "ta_description", "due_date", "source", "issued_on", "source_event_id"):
        if data[key] not in (None, False, ""):
            console.print(f"  {key}: {escape(str(data[key]))}", highlight=False)
    console.print("  status history: " + "; ".join(f"{h['day']} {h['status']}" for h in data["history"]))
    prog = data["progress"]
    console.print(f"  progress: {'—' if prog['percent'] is None else str(prog['percent']) + '%'} "
                  f"from {plural(len(prog['activities']), 'activity')}; indicators {prog['indicators']}")
    for a in prog["activities"]:
        event = f", event {a['event_id']}" if a["event_id"] else ""
        console.print(f"    activity {a['id']}: {escape(a['title'])} ({a['percent']}%{event})", highlight=False)


@recs_app.command("add")
def add_cmd(
    state: str = typer.Option(..., "--state", help="ISO3 or name of the member state"),
    text: str = typer.Option(..., "--text", help="the recommendation"),
    themes_: Optional[str] = typer.Option(None, "--themes", help="themes separated by ';'"),
    resolutions: Optional[str] = typer.Option(None, "--resolutions", help="Security Council resolutions, ';'"),
    pillars: Optional[str] = typer.Option(None, "--pillars", help="Global CT Strategy pillars (I–IV), ';'"),
    priority: Optional[str] = typer.Option(None, "--priority", help="high, medium or low"),
    ta_needed: bool = typer.Option(False, "--ta-needed", help="technical assistance is needed"),
    ta_description: Optional[str] = typer.Option(None, "--ta-description", help="what assistance"),
    lead: Optional[str] = typer.Option(None, "--lead", help="lead national institutions, ';'"),
    partners: Optional[str] = typer.Option(None, "--partners", help="implementing partners, ';'"),
    due: Optional[str] = typer.Option(None, "--due", help="due date"),
    status: Optional[str] = typer.Option(None, "--status", help="initial status (default not_started)"),
    source: Optional[str] = typer.Option(None, "--source", help="where it comes from"),
    source_event: Optional[int] = typer.Option(None, "--source-event", help="id of the event it comes from"),
    issued: Optional[str] = typer.Option(None, "--issued", help="day it was made"),
    db: Optional[str] = _DB, user: Optional[str] = _USER,
) -> None:
    """Add one recommendation by hand."""
    values = {"state": state, "text": text, "themes": themes_, "resolutions": resolutions, "pillars": pillars,
              "priority": priority, "ta_needed": ta_needed, "ta_description": ta_description,
              "lead_institutions": lead, "partners": partners, "due_date": due, "status": status, "source": source,
              "issued_on": issued, "source_event_id": source_event}
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            rec_id = rec_service.add(s, {k: v for k, v in values.items() if v is not None}, user=_user(user)).id
    except (CtrackError, ValueError) as exc:
        fail(exc)
    console.print(f"added recommendation {rec_id}")


@recs_app.command("status")
def status_cmd(rec_id: int = typer.Argument(..., help="recommendation id"),
               status: str = typer.Argument(..., help=", ".join(s.value for s in RecStatus)),
               date: Optional[str] = typer.Option(None, "--date", help="from which day (default today)"),
               comment: Optional[str] = typer.Option(None, "--comment", "-m", help="why, or the evidence"),
               db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Record a recommendation's status from a given day (the history is kept)."""
    day = _day(date, "--date") or dt.date.today()
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            rec_service.record_status(s, rec_id, status, day, user=_user(user), comment=comment)
    except (CtrackError, ValueError) as exc:
        fail(exc)
    console.print(f"recommendation {rec_id}: {status} from {day}", highlight=False)


# --------------------------------------------------------------------------- statistics


@recs_app.command("stats")
def stats_cmd(
    on: Optional[str] = typer.Option(None, "--on", help="the day (default today)"),
    country: Optional[str] = typer.Option(None, "--country", "--state", help="one member state"),
    region: Optional[str] = typer.Option(None, "--region", help="one region"),
    every: str = typer.Option("quarter", "--every", help="implementation-rate periods: month, quarter or year"),
    db: Optional[str] = _DB, as_json: bool = _JSON,
) -> None:
    """Open recommendations and TA needs by state, region, theme and partner; overdue items; implementation rate."""
    if every not in ("month", "quarter", "year"):
        fail(ValueError("--every: month, quarter or year"))
    day = _day(on, "--on")
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            data = recommendations.statistics(s, day, country=country, region=region, every=every)
    except (CtrackError, ValueError) as exc:
        fail(exc)
    if as_json:
        print_json(data)
        return
    t = data["totals"]
    console.print(f"[bold]On {data['on']}[/]: {plural(t['total'], 'recommendation')}, {t['open']} open, {t['ta_needed']} open "
                  f"needing technical assistance, {t['overdue']} overdue, {t['implemented']} implemented")
    for key, label in (("by_state", "state"), ("by_region", "region"), ("by_theme", "theme"), ("by_partner", "partner")):
        table = Table(title=f"By {label}", title_justify="left", header_style="bold")
        for col in (label, "open", "TA needed", "overdue", "implemented", "total"):
            table.add_column(col, justify="left" if col == label else "right")
        for row in data[key]:
            name = row[label] + (f" ({row['label']})" if row.get("label") and row["label"] != row[label] else "")
            table.add_row(escape(name), str(row["open"]), str(row["ta_needed"]), str(row["overdue"]),
                          str(row["implemented"]), str(row["total"]))
        console.print(table)
    table = Table(title=f"Overdue on {data['on']}", title_justify="left", header_style="bold")
    for col in ("kind", "id", "state", "item", "due", "days late"):
        table.add_column(col, overflow="fold")
    for item in data["overdue"]:
        table.add_row(item["kind"], str(item["id"]), item["state"] or "", escape(item["text"]), item["due_date"],
                      str(item["days_late"]))
    console.print(table)
    table = Table(title="Implementation rate", title_justify="left", header_style="bold")
    for col in ("on", "implemented", "partially", "total", "rate"):
        table.add_column(col, justify="right")
    for p in data["implementation_rate"]:
        table.add_row(p["on"], str(p["implemented"]), str(p["partially_implemented"]), str(p["total"]),
                      "" if p["rate"] is None else f"{p['rate']:.0%}")
    console.print(table)


# --------------------------------------------------------------------------- activities and indicators


@activity_app.command("add")
def activity_add_cmd(
    title: str = typer.Option(..., "--title", help="what the activity is"),
    kind: Optional[str] = typer.Option(None, "--kind", help="training, workshop, legislative drafting, …"),
    description: Optional[str] = typer.Option(None, "--description"),
    responsible: Optional[list[str]] = typer.Option(None, "--responsible", help="responsible institution (repeatable)"),
    partner: Optional[list[str]] = typer.Option(None, "--partner", help="partner (repeatable)"),
    event: Optional[int] = typer.Option(None, "--event", help="id of the knowledge-base event this activity is"),
    rec: Optional[list[int]] = typer.Option(None, "--rec", help="recommendation it serves (repeatable)"),
    start: Optional[str] = typer.Option(None, "--start"), end: Optional[str] = typer.Option(None, "--end"),
    db: Optional[str] = _DB, user: Optional[str] = _USER,
) -> None:
    """Add a follow-up activity, optionally an event of the knowledge base, serving some recommendations."""
    d1, d2 = _day(start, "--start"), _day(end, "--end")
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            act = recommendations.add_activity(s, title=title, user=_user(user), kind=kind, description=description,
                                               responsible=responsible or [], partners=partner or [], event_id=event,
                                               start=d1, end=d2, recommendations=rec or [])
            act_id = act.id
    except (CtrackError, ValueError) as exc:
        fail(exc)
    console.print(f"added activity {act_id}")


@activity_app.command("link")
def activity_link_cmd(
    activity_id: int = typer.Argument(..., help="activity id"),
    rec: Optional[list[int]] = typer.Option(None, "--rec", help="recommendation it serves (repeatable)"),
    event: Optional[int] = typer.Option(None, "--event", help="the knowledge-base event it is"),
    unlink: bool = typer.Option(False, "--unlink", help="remove the given links instead"),
    db: Optional[str] = _DB, user: Optional[str] = _USER,
) -> None:
    """Link an activity to recommendations and/or to an event of the knowledge base."""
    if not rec and event is None:
        fail(ValueError("give --rec and/or --event"))
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            for rec_id in rec or []:
                step = recommendations.unlink_activity if unlink else recommendations.link_activity
                step(s, activity_id, rec_id, user=_user(user))
            if event is not None:
                recommendations.link_event(s, activity_id, None if unlink else event, user=_user(user))
    except CtrackError as exc:
        fail(exc)
    console.print(f"activity {activity_id}: {'unlinked' if unlink else 'linked'}")


@activity_app.command("progress")
def activity_progress_cmd(
    activity_id: int = typer.Argument(..., help="activity id"),
    percent: int = typer.Argument(..., help="percent done, 0–100"),
    date: Optional[str] = typer.Option(None, "--date", help="day of the report (default today)"),
    note: Optional[str] = typer.Option(None, "--note", "-m"),
    db: Optional[str] = _DB, user: Optional[str] = _USER,
) -> None:
    """Add a dated progress report to an activity."""
    day = _day(date, "--date") or dt.date.today()
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            recommendations.add_progress(s, activity_id, day, percent, user=_user(user), note=note)
    except (CtrackError, ValueError) as exc:
        fail(exc)
    console.print(f"activity {activity_id}: {percent}% on {day}", highlight=False)


@activity_app.command("list")
def activity_list_cmd(rec: Optional[int] = typer.Option(None, "--rec", help="only those serving this recommendation"),
                      on: Optional[str] = typer.Option(None, "--on", help="progress as of this day"),
                      db: Optional[str] = _DB, as_json: bool = _JSON) -> None:
    """List activities with their recommendations, event and progress."""
    day = _day(on, "--on")
    engine = open_kb(db)
    with session_scope(engine) as s:
        rows = track_repo.activities(s, recommendation_ids=[rec] if rec is not None else None)
        data = [recommendations.activity_view(a, day) for a in rows]
    if as_json:
        print_json(data)
        return
    table = Table(title=f"Activities ({len(data)})", title_justify="left", header_style="bold")
    for col in ("ID", "Activity", "Kind", "Responsible", "Partners", "Event", "Recommendations", "Progress"):
        table.add_column(col, overflow="fold")
    for a in data:
        table.add_row(str(a["id"]), escape(a["title"]), a["kind"] or "", escape(", ".join(a["responsible"])),
                      escape(", ".join(a["partners"])), str(a["event_id"] or ""),
                      ", ".join(map(str, a["recommendations"])), f"{a['percent']}%")
    console.print(table)


@indicator_app.command("add")
def indicator_add_cmd(
    text: str = typer.Option(..., "--text", help="the indicator"),
    rec: Optional[int] = typer.Option(None, "--rec", help="recommendation it measures"),
    activity: Optional[int] = typer.Option(None, "--activity", help="activity it measures"),
    target: Optional[str] = typer.Option(None, "--target", help="what counts as met"),
    due: Optional[str] = typer.Option(None, "--due", help="due date"),
    db: Optional[str] = _DB, user: Optional[str] = _USER,
) -> None:
    """Add an indicator to a recommendation or an activity."""
    due_day = _day(due, "--due")
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            ind = recommendations.add_indicator(s, text, user=_user(user), recommendation_id=rec, activity_id=activity,
                                                target=target, due_date=due_day)
            ind_id = ind.id
    except (CtrackError, ValueError) as exc:
        fail(exc)
    console.print(f"added indicator {ind_id}")


@indicator_app.command("met")
def indicator_met_cmd(indicator_id: int = typer.Argument(...),
                      date: Optional[str] = typer.Option(None, "--date", help="day it was met (default today)"),
                      undo: bool = typer.Option(False, "--not-met", help="clear the day (not met after all)"),
                      db: Optional[str] = _DB, user: Optional[str] = _USER) -> None:
    """Record the day an indicator was met."""
    day = None if undo else (_day(date, "--date") or dt.date.today())
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            recommendations.indicator_met(s, indicator_id, day, user=_user(user))
    except CtrackError as exc:
        fail(exc)
    console.print(f"indicator {indicator_id}: {'not met' if day is None else f'met on {day}'}", highlight=False)


# --------------------------------------------------------------------------- suggestions and proposals


@recs_app.command("suggest-themes")
def suggest_themes_cmd(
    rec_id: int = typer.Argument(..., help="recommendation id"),
    accept: Optional[list[str]] = typer.Option(None, "--accept", help="add this suggested theme (repeatable)"),
    threshold: float = typer.Option(0.5, "--threshold", help="model probability needed for a suggestion"),
    db: Optional[str] = _DB, user: Optional[str] = _USER, as_json: bool = _JSON,
) -> None:
    """Suggest themes for a recommendation with the reason for each; nothing is applied unless --accept."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            found = themes.suggest(s, rec_id, threshold=threshold)
            if accept:
                themes.accept(s, rec_id, accept, user=_user(user))
    except (CtrackError, ValueError) as exc:
        fail(exc)
    if as_json:
        print_json([f.to_json() for f in found])
    else:
        table = Table(title=f"Theme suggestions for recommendation {rec_id}", title_justify="left", header_style="bold")
        for col in ("theme", "score", "source", "why"):
            table.add_column(col, overflow="fold")
        for f in found:
            table.add_row(f"{f.theme} ({escape(f.label)})", f"{f.score:.2f}", f.source, escape(f.reason))
        console.print(table)
        if accept:
            console.print(f"added: {', '.join(accept)}", highlight=False)


@recs_app.command("proposals")
def proposals_cmd(
    document: Optional[list[str]] = typer.Option(None, "--document", "-d", help="only this document (id or file name; repeatable)"),
    scan: bool = typer.Option(True, "--scan/--no-scan", help="scan the documents for new proposals first"),
    db: Optional[str] = _DB, user: Optional[str] = _USER, as_json: bool = _JSON,
) -> None:
    """Propose recommendations from document sentences that state them or TA needs, and list those waiting for review."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            doc_ids = [track_repo.find_document(s, d).id for d in document] if document else None
            created = proposals.propose(s, user=_user(user), document_ids=doc_ids) if scan else []
            rows = [r for r in recommendations.query(s, proposed=True)
                    if doc_ids is None or r.source_document_id in doc_ids]
            data = [recommendations.view(r) for r in rows]
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json(data)
        return
    if scan:
        console.print(plural(len(created), "new proposal"))
    console.print(_rec_table(data, f"Proposed recommendations waiting for review ({len(data)}): "
                                   "confirm with 'ctrack review confirm rec:ID'"))
