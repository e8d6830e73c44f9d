"""``ctrack actors``, ``ctrack events``, ``ctrack show``, ``ctrack search``: look into the knowledge base.

Each prints a Rich table, or JSON with ``--json`` (the models of
:mod:`ctrack.store.views`; a list of one page's rows for ``actors`` and
``events``). All reading goes through the service layer (:mod:`ctrack.service`),
paged in SQL: ``--limit`` rows (default :data:`CLI_PAGE`) from ``--offset`` or
after the cursor ``--after`` that the previous page printed.
"""
from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from ctrack.cli.app import DB_OPTION_HELP, app, console
from ctrack.cli.kb import fail, open_kb, print_json
from ctrack.errors import CtrackError
from ctrack.schema import ActorKind, EventType
from ctrack.service import actors as actor_service
from ctrack.service import engagements
from ctrack.service import events as event_service
from ctrack.service import reports
from ctrack.service import search as search_service
from ctrack.service.paging import MAX_LIMIT, Page, PageParams
from ctrack.store.db import session_scope
from ctrack.store.views import EventRow, RoleRow, SourceRow
from ctrack.store.web_models import SearchKind
from ctrack.wording import plural

#: Rows per page of the listings unless ``--limit`` says otherwise.
CLI_PAGE = 200

_DB = typer.Option(None, "--db", help=DB_OPTION_HELP)
_JSON = typer.Option(False, "--json", help="print JSON instead of a table")
_LIMIT = typer.Option(CLI_PAGE, "--limit", "-n", min=1, max=MAX_LIMIT, help=f"rows per page (at most {MAX_LIMIT})")
_OFFSET = typer.Option(0, "--offset", min=0, help="rows to skip")
_AFTER = typer.Option(None, "--after", help="the cursor printed under the previous page (reads the next one)")


def _more(page: Page, shown: int) -> None:
    """Under a table: how many rows there are in all, and how to read the next page."""
    if page.next_cursor:
        console.print(Text(f"{page.offset + shown} of {page.total} shown; next page: --after {page.next_cursor}",
                           style="dim"))


def _sources(sources: list[SourceRow]) -> str:
    return ", ".join(s.doc_key for s in sources)


def _roles(roles: list[RoleRow]) -> str:
    by_role: dict[str, list[str]] = {}
    for r in roles:
        by_role.setdefault(r.role.value, []).append(r.actor.short)
    return "; ".join(f"{role}: {', '.join(names)}" for role, names in by_role.items())


@app.command("actors")
def actors_cmd(
    kind: Optional[ActorKind] = typer.Option(None, "--kind", help="only actors of this kind"),
    q: Optional[str] = typer.Option(None, "--q", help="only actors whose name, acronym, ISO3 or alias contains this"),
    db: Optional[str] = _DB,
    as_json: bool = _JSON,
    limit: int = _LIMIT,
    offset: int = _OFFSET,
    after: Optional[str] = _AFTER,
) -> None:
    """List the actors in the knowledge base (persons, member states, organizations), by kind then name."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:
            page = actor_service.list_actors(s, kind=kind, q=q, page=PageParams(limit=limit, offset=offset, after=after))
    except CtrackError as exc:
        fail(exc)
    rows = page.items
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Actors ({page.total})", title_justify="left", header_style="bold")
    for col in ("ID", "Kind", "Name", "Acronym / ISO3", "Title", "Affiliation", "Events", "Docs"):
        table.add_column(col, justify="right" if col in ("ID", "Events", "Docs") else "left")
    for a in rows:
        table.add_row(str(a.id), a.kind.value, a.name, a.acronym or a.iso3 or "", a.title or "",
                      a.affiliation.short if a.affiliation else "", str(a.events), str(a.documents))
    console.print(table)
    _more(page, len(rows))


def events_table(events: list[EventRow], title: str) -> Table:
    """A Rich table of events: dates, type, event, venue, roles, sources."""
    table = Table(title=title, title_justify="left", header_style="bold", show_lines=False)
    for col in ("ID", "Dates", "Type", "Event", "Venue", "Roles", "Sources"):
        table.add_column(col, justify="right" if col == "ID" else "left", overflow="fold")
    for e in events:
        label = Text(e.label)
        if e.status.value == "planned":
            label.append(f" ({engagements.shown_status(e)})", style="italic")
        table.add_row(str(e.id), e.dates, e.type.value, label, e.venue, _roles(e.roles), _sources(e.sources))
    return table


@app.command("events")
def events_cmd(
    country: Optional[str] = typer.Option(None, "--country", help="ISO3 (or name) of a member state: events held there or engaging it"),
    type_: Optional[EventType] = typer.Option(None, "--type", help="only events of this type"),
    since: Optional[str] = typer.Option(None, "--since", help="from this date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    until: Optional[str] = typer.Option(None, "--until", help="up to this date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    region: Optional[str] = typer.Option(None, "--region", help="a region (e.g. 'Central Asia'): events held in or engaging its states"),
    db: Optional[str] = _DB,
    as_json: bool = _JSON,
    limit: int = _LIMIT,
    offset: int = _OFFSET,
    after: Optional[str] = _AFTER,
) -> None:
    """List events in date order, filtered by country, type, dates or region."""
    engine = open_kb(db)
    filters = event_service.EventFilters(country=country, type=type_, since=since, until=until, region=region)
    try:
        with session_scope(engine) as s:
            page = event_service.list_events(s, filters, page=PageParams(limit=limit, offset=offset, after=after))
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json(page.items)
        return
    console.print(events_table(page.items, f"Events ({page.total})"))
    _more(page, len(page.items))


def _show_overview(engine, as_json: bool) -> None:
    from ctrack.cli.ingest import language_list
    from ctrack.ingest.language import extracted

    with session_scope(engine) as s:
        kb = reports.counts(s)
        languages = reports.documents_by_language(s)
    others = {lang: n for lang, n in languages.items() if not extracted(lang)}
    if as_json:
        print_json({"knowledge_base": kb, "documents_by_language": languages,
                    "not_extracted": {"documents": sum(others.values()), "languages": others}})
        return
    table = Table(title="Knowledge base", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("documents", str(kb.documents))
    table.add_row("… by language", language_list(languages) if languages else "-")
    table.add_row("stored, not extracted (language)",
                  f"{sum(others.values())}" + (f": {language_list(others)}" if others else ""))
    table.add_row("actors", str(kb.actors))
    table.add_row("events", str(kb.events))
    console.print(table)


@app.command("show")
def show_cmd(
    name: Optional[str] = typer.Argument(None, help="a name, alias, acronym (CTED) or ISO3 code (TJK); "
                                                     "none: what the knowledge base holds"),
    db: Optional[str] = _DB,
    as_json: bool = _JSON,
    limit: int = _LIMIT,
    offset: int = _OFFSET,
    after: Optional[str] = _AFTER,
) -> None:
    """Show an actor's timeline: its events in date order with roles, counterparts and sources.

    Without a name: the knowledge base's documents, actors and events, and its documents per language
    (those in a language extraction does not read are stored and searchable, with no facts).
    """
    engine = open_kb(db)
    if name is None:
        _show_overview(engine, as_json)
        return
    try:
        with session_scope(engine) as s:
            timeline = actor_service.show(s, name, PageParams(limit=limit, offset=offset, after=after))
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json(timeline)
        return
    a = timeline.actor
    head = Text(a.label, style="bold")
    head.append(f"  [{a.kind.value}]", style="dim")
    console.print(head)
    details = []
    if a.title:
        details.append(a.title)
    if a.affiliation:
        details.append(a.affiliation.label)
    if details:
        console.print(", ".join(details))
    if a.aliases:
        console.print(Text("also: " + "; ".join(a.aliases), style="dim"))
    if a.kind is ActorKind.MEMBER_STATE:
        console.print(Text(f"{plural(timeline.total, 'engagement')} (events held in {a.iso3 or a.name} or where "
                           f"it, its bodies or its people hold a role); {a.events} in its own name; "
                           f"{plural(a.documents, 'document')}", style="dim"))
    else:
        console.print(Text(f"{plural(a.events, 'event')} in its own name, {timeline.total} with its people or "
                           f"bodies; {plural(a.documents, 'document')}", style="dim"))
    if timeline.titles:
        titles = Table(title="Titles", title_justify="left", header_style="bold")
        for col in ("As of", "Title", "Affiliation", "Source"):
            titles.add_column(col)
        for t in timeline.titles:
            titles.add_row(t.as_of or "", t.title, t.affiliation.short if t.affiliation else "", t.source.doc_key)
        console.print(titles)
    table = Table(title=f"Timeline ({plural(timeline.total, 'event')})", title_justify="left", header_style="bold")
    for col in ("Dates", "Type", "Event", "Venue", "Role", "Counterparts", "Sources"):
        table.add_column(col, overflow="fold")
    for entry in timeline.entries:
        e = entry.event
        own = [r.value for r in entry.roles] + [f"via {r.actor.short}: {r.role.value}" for r in entry.via]
        if engagements.held_in(entry, a.iso3):
            own = ["host (held there)"]
        label = e.label + (f" ({engagements.shown_status(e)})" if e.status.value == "planned" else "")
        table.add_row(e.dates, e.type.value, label, e.venue, "; ".join(own), _roles(entry.counterparts),
                      _sources(e.sources))
    console.print(table)
    if timeline.next_cursor:
        console.print(Text(f"{offset + len(timeline.entries)} of {timeline.total} shown; next page: "
                           f"--after {timeline.next_cursor}", style="dim"))


@app.command("search")
def search_cmd(
    words: list[str] = typer.Argument(..., help="words to find: each a word prefix, all required, case and accents "
                                                 "ignored (quoting them is not needed)"),
    kind: Optional[list[SearchKind]] = typer.Option(None, "--kind", "-k", help="only hits of this kind; repeat for several"),
    db: Optional[str] = _DB,
    as_json: bool = _JSON,
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=search_service.MAX_HITS, help="hits per page"),
    offset: int = _OFFSET,
) -> None:
    """Search documents, actors, events and recommendations, best match first (as GET /api/v1/search and the
    /search page). What was ingested or reviewed is found at once: the index catches up before each search."""
    query = " ".join(words)
    engine = open_kb(db)
    try:
        with session_scope(engine) as s:  # committed: the index keeps what this search brought up to date
            found = search_service.search(s, query, kinds=kind or None, page=PageParams(limit=limit, offset=offset))
    except CtrackError as exc:
        fail(exc)
    if as_json:
        print_json(found)
        return
    if not found.items:
        console.print(f"nothing found for {query!r}" if found.total == 0 else f"no hits past --offset {offset}",
                      highlight=False)
        return
    table = Table(title=f"Search {query!r}: {plural(found.total, 'hit')}", title_justify="left", header_style="bold")
    for col in ("Kind", "ID", "Title", "Where it matches"):
        table.add_column(col, justify="right" if col == "ID" else "left", overflow="fold")
    for hit in found.items:
        snippet = Text(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("bold", start, end)
        table.add_row(hit.kind.value, str(hit.id), hit.title, snippet)
    console.print(table)
    if found.total > offset + len(found.items):
        console.print(Text(f"{found.total - offset - len(found.items)} more: --offset {offset + len(found.items)}",
                           style="dim"))
