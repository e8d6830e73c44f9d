"""Exports of a filtered set of events into the tools analysts already use.

One operation, :func:`export`, shared by ``ctrack export``, ``GET /api/v1/export``
and the "Export" buttons of the web app's list pages. The events are those
``ctrack events`` lists for the same filters (:class:`Filters`: country,
region, since, until, type), read :data:`ctrack.store.stream.CHUNK` at a time
and written as they come, so memory stays bounded (``bench/export_memory.py``
prints the peak for 100,000 events).

Formats (:data:`FORMATS`):

``csv``
    One table (``table=``): ``events`` (default; roles flattened into one
    column per role), ``roles`` (one row per actor and role), ``actors`` or
    ``sources``.
``xlsx``
    The four tables as four sheets (openpyxl's write-only workbook streams rows to disk).
``jsonl``
    One JSON object per event: the event with its roles and sources, plus
    ``url`` and ``shown_status``.
``ics``
    iCalendar (the ``icalendar`` library): one all-day VEVENT per dated event
    with its venue (LOCATION), STATUS (held: CONFIRMED, planned: TENTATIVE)
    and a description naming roles and sources; undated events are left out.
``graphml``, ``gexf``
    The actor network (networkx): a node per actor; an edge per pair of
    actors sharing an event, with ``weight`` (shared events), ``meetings``
    (shared meetings and visits where both hold a role: they met),
    ``co_attendance`` (other shared events: conferences, briefings,
    workshops, launches), ``relation`` ("met" when ``meetings`` > 0, else
    "co_attended") and ``events`` (the first 50 ids).
``ftm``
    FollowTheMoney entities as JSON lines (the ``followthemoney`` library);
    the mapping is :data:`FTM_SCHEMA` and the README's "Exports" section.

Provenance: every row or entity names its source documents, and carries a
link back to its page in the web app (``base_url`` + ``/events/{id}``,
``/actors/{id}``, ``/documents/{id}``). Every export is written to the audit
log (who, when, format, path, filters, rows, the ids of the events).

Text cells of CSV and XLSX go through :func:`safe_cell`, which defuses
spreadsheet formulas (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ctrack.errors import CtrackError
from ctrack.resolve import dates
from ctrack.safety import FORMULA_STARTS, neutralise_cell
from ctrack.schema import ActorKind, EventStatus, EventType, RoleType
from ctrack.service.engagements import shown_status
from ctrack.service.network import MEETING_TYPES
from ctrack.store import stream
from ctrack.store.track_models import Action
from ctrack.store.views import ActorRef, EventRow, SourceRow

#: Export formats and the file extension each writes.
FORMATS = {"csv": ".csv", "xlsx": ".xlsx", "jsonl": ".jsonl", "ics": ".ics", "graphml": ".graphml",
           "gexf": ".gexf", "ftm": ".ftm.json"}
#: Media types, for the HTTP API.
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "jsonl": "application/x-ndjson", "ics": "text/calendar; charset=utf-8",
               "graphml": "application/graphml+xml", "gexf": "application/gexf+xml",
               "ftm": "application/x-ndjson"}
#: Tables of the CSV (one per file) and the XLSX (one sheet each).
TABLES = ("events", "roles", "actors", "sources")
#: FollowTheMoney schema of each actor kind (the kind itself is kept in ``notes`` and ``keywords``).
FTM_SCHEMA = {
    ActorKind.PERSON: "Person", ActorKind.MEMBER_STATE: "PublicBody", ActorKind.GOVERNMENT_BODY: "PublicBody",
    ActorKind.UN_ENTITY: "Organization", ActorKind.REGIONAL_ORG: "Organization", ActorKind.OTHER_ORG: "Organization",
}
#: Event ids an edge of the network export lists (its ``weight`` counts them all).
EDGE_EVENTS = 50
#: Where the web app runs, for the links in exports (``--base-url``, else ``$CTRACK_BASE_URL``).
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection; the one list is
#: :data:`ctrack.safety.FORMULA_STARTS`).
FORMULA_START = FORMULA_STARTS

_ROLE_ORDER = list(RoleType)


class ExportError(CtrackError):
    """An export that cannot be written: unknown format or table, or a file that cannot be created."""

    code = "E050"


class Filters(BaseModel):
    """The filters of ``ctrack events`` (all optional): see :func:`ctrack.store.repo.list_events`."""

    country: str | None = None
    region: str | None = None
    since: str | None = None
    until: str | None = None
    type: EventType | None = None
    reviewed_only: bool = False

    def describe(self) -> str:
        """"country=TJK since=2018" (the filters set), or "all events"."""
        parts = [f"{k}={v.value if hasattr(v, 'value') else v}" for k, v in self.model_dump().items()
                 if v not in (None, False)]
        return " ".join(parts) or "all events"


@dataclass
class ExportResult:
    """What an export wrote: format, path, rows (events; or table rows for CSV), events, entities or
    nodes/edges, events left out (undated, in a calendar), and the audit entry id."""

    format: str
    path: str
    rows: int = 0
    events: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    audit_id: int | None = None


def safe_cell(value: Any) -> Any:
    """A cell for CSV or XLSX: text beginning with ``= + - @``, tab or carriage return gets a leading
    apostrophe, so a spreadsheet shows it as text instead of running it as a formula (OWASP "CSV
    injection", the shared rule :func:`ctrack.safety.neutralise_cell`); None becomes ""; other values pass
    unchanged."""
    return "" if value is None else neutralise_cell(value)


def base_url(value: str | None = None) -> str:
    """The web app's address for links: ``value``, else ``$CTRACK_BASE_URL``, else :data:`DEFAULT_BASE_URL`."""
    return (value or os.environ.get("CTRACK_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


class _Links:
    def __init__(self, base: str):
        self.base = base

    def event(self, i: int) -> str:
        return f"{self.base}/events/{i}"

    def actor(self, i: int) -> str:
        return f"{self.base}/actors/{i}"

    def document(self, i: int) -> str:
        return f"{self.base}/documents/{i}"


# ---------------------------------------------------------------------------- rows

EVENT_COLUMNS = ["id", "url", "type", "name", "start", "end", "status", "shown_status", "city", "country",
                 *[r.value for r in RoleType], "review_state", "sources", "source_titles", "source_published",
                 "source_urls"]
ROLE_COLUMNS = ["event_id", "event_url", "event", "event_start", "actor_id", "actor_url", "actor", "kind", "iso3",
                "role", "review_state", "sources", "source_urls"]
ACTOR_COLUMNS = ["id", "url", "kind", "name", "acronym", "iso3", "title", "affiliation", "affiliation_id",
                 "aliases", "events_in_export", "review_state"]
SOURCE_COLUMNS = ["document_id", "url", "doc_key", "title", "published", "path", "events_in_export"]
COLUMNS = {"events": EVENT_COLUMNS, "roles": ROLE_COLUMNS, "actors": ACTOR_COLUMNS, "sources": SOURCE_COLUMNS}


def _join(items: Iterable[Any]) -> str:
    return "; ".join(str(i) for i in items if i not in (None, ""))


def event_row(ev: EventRow, links: _Links, today: dt.date | None = None) -> list[Any]:
    """The cells of an event in :data:`EVENT_COLUMNS` order: roles flattened one column per role
    ("Tajikistan; OSCE"), sources as doc keys, titles, dates and web links ("; "-separated)."""
    by_role: dict[RoleType, list[str]] = defaultdict(list)
    for r in ev.roles:
        by_role[r.role].append(r.actor.label)
    return [ev.id, links.event(ev.id), ev.type.value, ev.name or ev.label, ev.start, ev.end, ev.status.value,
            shown_status(ev, today), ev.city, ev.country, *[_join(by_role.get(r, [])) for r in RoleType],
            ev.review_state.value, _join(s.doc_key for s in ev.sources), _join(s.title for s in ev.sources),
            _join(s.published.isoformat() if s.published else "" for s in ev.sources),
            _join(links.document(s.document_id) for s in ev.sources)]


def role_rows(ev: EventRow, links: _Links) -> Iterator[list[Any]]:
    """One row per (actor, role) of the event, in :data:`ROLE_COLUMNS` order."""
    for r in ev.roles:
        yield [ev.id, links.event(ev.id), ev.label, ev.start, r.actor.id, links.actor(r.actor.id), r.actor.name,
               r.actor.kind.value, r.actor.iso3, r.role.value, r.review_state.value,
               _join(s.doc_key for s in ev.sources), _join(links.document(s.document_id) for s in ev.sources)]


class _Collector:
    """What the event stream leaves behind for the actor and source tables: ids and counts only."""

    def __init__(self) -> None:
        self.actor_events: Counter[int] = Counter()
        self.sources: dict[int, SourceRow] = {}
        self.source_events: Counter[int] = Counter()
        self.event_ids: list[int] = []

    def add(self, ev: EventRow) -> None:
        self.event_ids.append(ev.id)
        self.actor_events.update({r.actor.id for r in ev.roles})
        for s in ev.sources:
            self.sources.setdefault(s.document_id, s)
            self.source_events[s.document_id] += 1

    def actor_rows(self, db: Session, links: _Links) -> Iterator[list[Any]]:
        for a in stream.actors_by_ids(db, sorted(self.actor_events)):
            yield [a.id, links.actor(a.id), a.kind.value, a.name, a.acronym, a.iso3, a.title,
                   a.affiliation.name if a.affiliation else None, a.affiliation.id if a.affiliation else None,
                   _join(a.aliases), self.actor_events[a.id], a.review_state.value]

    def source_rows(self, links: _Links) -> Iterator[list[Any]]:
        for s in sorted(self.sources.values(), key=lambda s: (s.published or dt.date.max, s.doc_key)):
            yield [s.document_id, links.document(s.document_id), s.doc_key, s.title,
                   s.published.isoformat() if s.published else None, s.path, self.source_events[s.document_id]]


# ---------------------------------------------------------------------------- writers

def _write_csv(db: Session, events: Iterator[EventRow], out: IO[str], links: _Links, table: str,
               res: ExportResult) -> None:
    w = csv.writer(out)
    w.writerow(COLUMNS[table])
    col = _Collector()
    for ev in events:
        col.add(ev)
        if table == "events":
            w.writerow([safe_cell(c) for c in event_row(ev, links)])
            res.rows += 1
        elif table == "roles":
            for row in role_rows(ev, links):
                w.writerow([safe_cell(c) for c in row])
                res.rows += 1
    if table == "actors":
        for row in col.actor_rows(db, links):
            w.writerow([safe_cell(c) for c in row])
            res.rows += 1
    elif table == "sources":
        for row in col.source_rows(links):
            w.writerow([safe_cell(c) for c in row])
            res.rows += 1
    res.events = len(col.event_ids)
    res.extra["event_ids"] = col.event_ids  # type: ignore[assignment]


def _write_xlsx(db: Session, events: Iterator[EventRow], path: Path, links: _Links, res: ExportResult) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    sheets = {name: wb.create_sheet(name) for name in TABLES}
    for name, ws in sheets.items():
        ws.append(COLUMNS[name])
    col = _Collector()
    for ev in events:
        col.add(ev)
        sheets["events"].append([safe_cell(c) for c in event_row(ev, links)])
        for row in role_rows(ev, links):
            sheets["roles"].append([safe_cell(c) for c in row])
            res.extra["roles"] = res.extra.get("roles", 0) + 1
    for row in col.actor_rows(db, links):
        sheets["actors"].append([safe_cell(c) for c in row])
        res.extra["actors"] = res.extra.get("actors", 0) + 1
    for row in col.source_rows(links):
        sheets["sources"].append([safe_cell(c) for c in row])
        res.extra["sources"] = res.extra.get("sources", 0) + 1
    wb.save(path)
    res.rows = res.events = len(col.event_ids)
    res.extra["event_ids"] = col.event_ids  # type: ignore[assignment]


def _write_jsonl(events: Iterator[EventRow], out: IO[str], links: _Links, res: ExportResult) -> None:
    ids = []
    for ev in events:
        data = ev.model_dump(mode="json")
        data["label"] = ev.label
        data["url"] = links.event(ev.id)
        data["shown_status"] = shown_status(ev)
        for s in data["sources"]:
            s["url"] = links.document(s["document_id"])
        for r in data["roles"]:
            r["actor"]["url"] = links.actor(r["actor"]["id"])
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        ids.append(ev.id)
    res.rows = res.events = len(ids)
    res.extra["event_ids"] = ids  # type: ignore[assignment]


#: iCalendar STATUS of each stored event status.
ICS_STATUS = {EventStatus.HELD: "CONFIRMED", EventStatus.PLANNED: "TENTATIVE"}


def _write_ics(events: Iterator[EventRow], out: IO[bytes], links: _Links, res: ExportResult) -> None:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//ctrack//counter-terrorism cooperation tracker//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "ctrack events")
    head = cal.to_ical()
    out.write(head[:head.rindex(b"END:VCALENDAR")])
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    ids, undated = [], 0
    host = links.base.split("//", 1)[-1].split("/", 1)[0] or "ctrack"
    for ev in events:
        span = dates.interval(ev.start, ev.end)
        if not span:
            undated += 1
            continue
        vev = Event()
        vev.add("uid", f"event-{ev.id}@{host}")
        vev.add("dtstamp", stamp)
        vev.add("summary", ev.label)
        vev.add("dtstart", span[0])
        vev.add("dtend", span[1] + dt.timedelta(days=1))  # all-day: DTEND is exclusive
        if ev.venue:
            vev.add("location", ev.venue)
        vev.add("status", ICS_STATUS.get(ev.status, "CONFIRMED"))
        vev.add("categories", [ev.type.value.replace("_", " ")])
        vev.add("url", links.event(ev.id))
        lines = [f"{ev.type.value.replace('_', ' ')}; status: {shown_status(ev)}"]
        if (dates.precision(ev.start) or 3) < 3:
            lines.append(f"date known only as {ev.dates}")
        for role, actors in ev.roles_by_type().items():
            lines.append(f"{role.value}: {', '.join(a.label for a in actors)}")
        for s in ev.sources:
            lines.append(f"source: {s.title or s.doc_key} ({s.published or 'undated'}) {links.document(s.document_id)}")
        vev.add("description", "\n".join(lines))
        out.write(vev.to_ical())
        ids.append(ev.id)
    out.write(b"END:VCALENDAR\r\n")
    res.rows = res.events = len(ids)
    res.extra["undated_left_out"] = undated
    res.extra["event_ids"] = ids  # type: ignore[assignment]


def actor_graph(events: Iterable[EventRow], links: _Links | None = None) -> Any:
    """The actor network of ``events`` as a :class:`networkx.Graph`.

    Nodes: actors (attributes ``label``, ``name``, ``kind``, ``iso3``,
    ``events``, ``url``). Edges: pairs of actors holding roles in the same
    event, with ``weight`` (shared events), ``meetings`` (shared events of a
    :data:`MEETING_TYPES` type: they met), ``co_attendance`` (the other
    shared events), ``relation`` ("met" or "co_attended"; GEXF reserves ``type``) and ``events`` (the
    first :data:`EDGE_EVENTS` ids, space-separated). Attributes are strings and integers only, so that
    GraphML and GEXF keep them.
    """
    import networkx as nx

    links = links or _Links(base_url())
    g = nx.Graph()
    adj = g.adj
    for ev in events:
        actors: dict[int, ActorRef] = {r.actor.id: r.actor for r in ev.roles}
        for a in actors.values():
            if a.id not in g:
                g.add_node(a.id, label=a.short, name=a.name, kind=a.kind.value, iso3=a.iso3 or "", events=0,
                           url=links.actor(a.id))
            g.nodes[a.id]["events"] += 1
        ids = sorted(actors)
        met = ev.type in MEETING_TYPES
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                e = adj[x].get(y)
                if e is None:
                    g.add_edge(x, y, weight=0, meetings=0, co_attendance=0, relation="co_attended", events=[])
                    e = adj[x][y]
                e["weight"] += 1
                if met:
                    e["meetings"] += 1
                    e["relation"] = "met"
                else:
                    e["co_attendance"] += 1
                if len(e["events"]) < EDGE_EVENTS:
                    e["events"].append(ev.id)
    for _, _, e in g.edges(data=True):
        e["events"] = " ".join(str(i) for i in e["events"])
    return g


GEXF_NS = "http://www.gexf.net/1.2draft"


def write_gexf(g: Any, path: Path) -> None:
    """Write the actor network ``g`` (:func:`actor_graph`) as GEXF 1.2 (Gephi), element by element.

    networkx's ``write_gexf`` builds the whole document as one XML tree first
    (1,039 MiB peak for the network of 100,000 synthetic events); this writes
    each node and edge as it goes with lxml's incremental ``xmlfile``. Node
    and edge attributes are declared with their types; the result reads back
    with :func:`networkx.read_gexf` (``tests/service/test_exports.py``).
    """
    from lxml import etree

    node_attrs = [("name", "string"), ("kind", "string"), ("iso3", "string"), ("events", "integer"), ("url", "string")]
    edge_attrs = [("meetings", "integer"), ("co_attendance", "integer"), ("relation", "string"), ("events", "string")]
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("gexf", nsmap={None: GEXF_NS}, version="1.2"):
            meta = etree.Element("meta")
            etree.SubElement(meta, "creator").text = "ctrack"
            etree.SubElement(meta, "description").text = g.graph.get("name", "ctrack actor network")
            xf.write(meta)
            with xf.element("graph", defaultedgetype="undirected", mode="static"):
                for cls, attrs in (("node", node_attrs), ("edge", edge_attrs)):
                    decl = etree.Element("attributes", {"class": cls, "mode": "static"})
                    for i, (title, kind) in enumerate(attrs):
                        etree.SubElement(decl, "attribute", id=str(i), title=title, type=kind)
                    xf.write(decl)
                with xf.element("nodes"):
                    for n, d in g.nodes(data=True):
                        el = etree.Element("node", id=str(n), label=str(d.get("label", n)))
                        values = etree.SubElement(el, "attvalues")
                        for i, (title, _) in enumerate(node_attrs):
                            etree.SubElement(values, "attvalue", {"for": str(i), "value": str(d.get(title, ""))})
                        xf.write(el)
                with xf.element("edges"):
                    for k, (a, b, d) in enumerate(g.edges(data=True)):
                        el = etree.Element("edge", id=str(k), source=str(a), target=str(b), weight=str(d["weight"]))
                        values = etree.SubElement(el, "attvalues")
                        for i, (title, _) in enumerate(edge_attrs):
                            etree.SubElement(values, "attvalue", {"for": str(i), "value": str(d.get(title, ""))})
                        xf.write(el)


def _write_graph(events: Iterator[EventRow], path: Path, links: _Links, fmt: str, res: ExportResult) -> None:
    import networkx as nx

    ids: list[int] = []

    def counted() -> Iterator[EventRow]:
        for ev in events:
            ids.append(ev.id)
            yield ev

    g = actor_graph(counted(), links)
    g.graph["name"] = "ctrack actor network"
    if fmt == "graphml":
        nx.write_graphml(g, path)  # lxml's incremental writer when lxml is installed (it is: trafilatura)
    else:
        write_gexf(g, path)
    res.events = len(ids)
    res.rows = g.number_of_nodes()
    res.extra.update(nodes=g.number_of_nodes(), edges=g.number_of_edges())
    res.extra["event_ids"] = ids  # type: ignore[assignment]


# ---------------------------------------------------------------------------- FollowTheMoney

def _ftm_country(iso3: str | None) -> str | None:
    """FollowTheMoney's country code (ISO 3166-1 alpha-2, lower case) for an ISO3 code, or None."""
    if not iso3:
        return None
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3.upper())
    return c.alpha_2.lower() if c else None


def _ftm_date(value: str | None) -> str | None:
    return value if value and dates.parse(value) else None


class _Ftm:
    """Builds FollowTheMoney entity proxies; ids are ``ctrack-<kind>-<id>`` so they are stable across exports."""

    def __init__(self, links: _Links):
        from followthemoney import model

        self.model = model
        self.links = links

    def make(self, schema: str, key: str) -> Any:
        proxy = self.model.make_entity(schema)
        proxy.id = f"ctrack-{key}"
        proxy.add("publisher", "ctrack")
        return proxy

    def actor(self, a: Any, title_of: dict[int, str] | None = None) -> Any:
        proxy = self.make(FTM_SCHEMA[a.kind], f"actor-{a.id}")
        proxy.add("name", a.name)
        proxy.add("alias", [x for x in getattr(a, "aliases", []) if x != a.name])
        if a.kind is not ActorKind.PERSON:
            proxy.add("weakAlias", a.acronym)
        proxy.add("country", _ftm_country(a.iso3))
        if a.kind in (ActorKind.MEMBER_STATE, ActorKind.GOVERNMENT_BODY):
            proxy.add("jurisdiction", _ftm_country(a.iso3))
        proxy.add("keywords", a.kind.value)
        proxy.add("notes", f"ctrack actor kind: {a.kind.value}")
        proxy.add("sourceUrl", self.links.actor(a.id))
        if a.kind is ActorKind.PERSON and getattr(a, "title", None):
            proxy.add("position", a.title)
        return proxy

    def document(self, s: SourceRow) -> Any:
        proxy = self.make("Document", f"document-{s.document_id}")
        proxy.add("title", s.title or s.doc_key)
        proxy.add("fileName", Path(s.path).name if s.path else s.doc_key)
        proxy.add("publishedAt", s.published.isoformat() if s.published else None)
        proxy.add("sourceUrl", self.links.document(s.document_id))
        return proxy

    def event(self, ev: EventRow) -> Iterator[Any]:
        proxy = self.make("Event", f"event-{ev.id}")
        proxy.add("name", ev.label)
        proxy.add("startDate", _ftm_date(ev.start))
        proxy.add("endDate", _ftm_date(ev.end))
        proxy.add("location", ev.city)
        proxy.add("country", _ftm_country(ev.country))
        proxy.add("keywords", ev.type.value)
        proxy.add("summary", f"{ev.type.value.replace('_', ' ')}; status: {shown_status(ev)}")
        proxy.add("sourceUrl", self.links.event(ev.id))
        notes = []
        for r in ev.roles:
            actor_id = f"ctrack-actor-{r.actor.id}"
            if r.role is RoleType.ORGANIZER:
                proxy.add("organizer", actor_id)
            else:
                proxy.add("involved", actor_id)
            notes.append(f"{r.role.value}: {r.actor.name}")
        proxy.add("notes", notes)
        yield proxy
        for r in ev.roles:  # ctrack's finer roles: one link per (actor, role)
            link = self.make("UnknownLink", f"role-{ev.id}-{r.actor.id}-{r.role.value}")
            link.add("subject", f"ctrack-actor-{r.actor.id}")
            link.add("object", proxy.id)
            link.add("role", r.role.value)
            link.add("sourceUrl", self.links.event(ev.id))
            yield link
        for s in ev.sources:
            doc = self.make("Documentation", f"source-{ev.id}-{s.document_id}")
            doc.add("document", f"ctrack-document-{s.document_id}")
            doc.add("entity", proxy.id)
            doc.add("role", "source")
            doc.add("sourceUrl", self.links.document(s.document_id))
            yield doc


def _write_ftm(db: Session, events: Iterator[EventRow], out: IO[str], links: _Links, res: ExportResult) -> None:
    ftm = _Ftm(links)
    col = _Collector()
    counts: Counter[str] = Counter()

    def emit(proxy: Any) -> None:
        out.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        counts[proxy.schema.name] += 1

    for ev in events:
        new_docs = [s for s in ev.sources if s.document_id not in col.sources]
        col.add(ev)
        for s in new_docs:
            emit(ftm.document(s))
        for proxy in ftm.event(ev):
            emit(proxy)
    persons = []
    for a in stream.actors_by_ids(db, sorted(col.actor_events)):
        emit(ftm.actor(a))
        if a.kind is ActorKind.PERSON:
            persons.append(a.id)
    seen_positions: set[tuple[str, int | None]] = set()
    for person_id, title, aff, as_of, source in stream.titles_of(db, persons):
        key = (title, aff.id if aff else None)
        slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")[:60]
        pos_key = f"position-{aff.id if aff else 0}-{slug}"
        if key not in seen_positions:
            seen_positions.add(key)
            pos = ftm.make("Position", pos_key)
            pos.add("name", f"{title}, {aff.name}" if aff else title)
            if aff is not None and aff.id in col.actor_events:
                pos.add("organization", f"ctrack-actor-{aff.id}")
            pos.add("country", _ftm_country(aff.iso3) if aff else None)
            emit(pos)
        occ = ftm.make("Occupancy", f"occupancy-{person_id}-{source.document_id}-{slug}")
        occ.add("holder", f"ctrack-actor-{person_id}")
        occ.add("post", f"ctrack-{pos_key}")
        occ.add("date", _ftm_date(as_of))
        occ.add("status", "as reported")
        occ.add("sourceUrl", links.document(source.document_id))
        occ.add("description", f"source: {source.title or source.doc_key}")
        emit(occ)
    res.events = len(col.event_ids)
    res.rows = sum(counts.values())
    res.extra.update({f"ftm_{k}": v for k, v in counts.items()})
    res.extra["event_ids"] = col.event_ids  # type: ignore[assignment]


# ---------------------------------------------------------------------------- the operation

def check_format(fmt: str, table: str = "events") -> str:
    """``fmt`` lower-cased when it is one of :data:`FORMATS` (and ``table`` one of :data:`TABLES`).
    Raises :class:`ExportError` otherwise."""
    f = (fmt or "").strip().lower()
    if f not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r} (tables: {', '.join(TABLES)})")
    return f


def export(db: Session, fmt: str, out: str | Path, filters: Filters | None = None, *, user: str,
           table: str = "events", base: str | None = None, log_db: Callable[[], Any] | None = None) -> ExportResult:
    """Write the events ``filters`` keep (and their actors, roles and sources) to the file ``out`` as
    ``fmt`` (:data:`FORMATS`), streaming, and log the export in the audit log as ``user``.

    ``table`` picks the CSV's table (:data:`TABLES`); ``base`` is the web
    app's address for the links (:func:`base_url`). The file is written to a
    temporary name beside ``out`` and renamed when complete, so a failed
    export leaves no half file. The audit entry is written in ``db`` (the
    caller commits) unless ``log_db`` gives a context manager yielding
    another session. Returns an :class:`ExportResult`. Raises
    :class:`ExportError` (bad format or table, file not writable),
    :class:`ctrack.errors.NotFound` (unknown country or region) and
    ValueError (bad date or type).
    """
    from ctrack.track import audit

    fmt = check_format(fmt, table)
    filters = filters or Filters()
    path = Path(out)
    links = _Links(base_url(base))
    events = stream.iter_events(db, country=filters.country, region=filters.region, type=filters.type,
                                since=filters.since, until=filters.until, reviewed_only=filters.reviewed_only)
    first = next(events, None)  # raises NotFound / ValueError before any file is created

    def all_events() -> Iterator[EventRow]:
        if first is not None:
            yield first
            yield from events

    res = ExportResult(format=fmt, path=str(path.resolve()))
    tmp = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt in ("csv", "jsonl", "ftm"):
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                if fmt == "csv":
                    _write_csv(db, all_events(), fh, links, table, res)
                elif fmt == "jsonl":
                    _write_jsonl(all_events(), fh, links, res)
                else:
                    _write_ftm(db, all_events(), fh, links, res)
        elif fmt == "ics":
            with tmp.open("wb") as fh:
                _write_ics(all_events(), fh, links, res)
        elif fmt == "xlsx":
            _write_xlsx(db, all_events(), tmp, links, res)
        else:
            _write_graph(all_events(), tmp, links, fmt, res)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}", path=str(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    ids = res.extra.pop("event_ids", [])  # type: ignore[arg-type]
    comment = f"export {fmt}" + (f" table={table}" if fmt == "csv" else "") + f": {filters.describe()}"

    def log(session: Session) -> None:
        transfer = audit.open_transfer(session, user, Action.EXPORT, path=res.path, format=fmt)
        entry = audit.close_transfer(session, transfer, rows=res.rows, record_ids=list(ids), loaded=res.events,
                                     comment=comment)
        res.audit_id = entry.id

    if log_db is None:
        log(db)
    else:
        with log_db() as session:
            log(session)
    return res


def export_bytes(db: Session, fmt: str, filters: Filters | None = None, *, user: str, table: str = "events",
                 base: str | None = None, tmp_dir: str | Path | None = None) -> tuple[Path, ExportResult]:
    """:func:`export` into a temporary file (for the HTTP API, which streams the file to the client and
    deletes it). Returns the file's path and the result."""
    import tempfile

    fmt = check_format(fmt, table)
    folder = Path(tempfile.mkdtemp(prefix="ctrack-export-", dir=tmp_dir))
    name = f"ctrack-{table if fmt == 'csv' else 'events'}{FORMATS[fmt]}"
    res = export(db, fmt, folder / name, filters, user=user, table=table, base=base)
    return folder / name, res


def filename(fmt: str, filters: Filters, table: str = "events") -> str:
    """A download name: "ctrack-events-TJK-2018.csv"."""
    bits = ["ctrack", table if fmt == "csv" else ("network" if fmt in ("graphml", "gexf") else "events")]
    bits += [v for v in (filters.country, filters.region, filters.type.value if filters.type else None,
                         filters.since, filters.until) if v]
    stem = "-".join("".join(ch if ch.isalnum() else "_" for ch in b) for b in bits)
    return stem + FORMATS[fmt]


__all__ = ["FORMATS", "TABLES", "Filters", "ExportResult", "ExportError", "export", "export_bytes", "safe_cell",
           "actor_graph", "check_format", "filename", "base_url"]
