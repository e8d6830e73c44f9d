"""Rendering a :class:`ctrack.store.views.Briefing` as a self-contained HTML page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from ctrack import __version__
from ctrack.resolve import dates
from ctrack.schema import EventType, RoleType
from ctrack.store.views import Briefing, EventRow

_TEMPLATES = Path(__file__).resolve().parent / "templates"

#: One colour per event type (timeline dots, type badges, bars).
TYPE_COLOURS = {
    EventType.CONFERENCE: "#1f4e79",
    EventType.MEETING: "#2e7d32",
    EventType.ASSESSMENT_VISIT: "#a61b1b",
    EventType.VISIT: "#c25e00",
    EventType.BRIEFING: "#6a1b9a",
    EventType.WORKSHOP: "#00796b",
    EventType.LAUNCH: "#7a6a00",
}

#: Timeline drawing (SVG user units): width, right margin, lane label width, lane height, top of the first
#: lane, and the distance under which dots of one lane merge into a numbered cluster.
TIMELINE_WIDTH, TIMELINE_MARGIN, LANE_LABEL_WIDTH, ROW_HEIGHT, TOP, CLUSTER_PX = 1000, 20, 120, 26, 34, 14


@dataclass
class TimelinePoint:
    """A dot on the timeline: position, radius, the events it stands for (one, or a cluster), tooltip."""

    x: float
    y: float
    r: float
    count: int
    event_id: int
    colour: str
    tip: str


@dataclass
class Lane:
    """One row of the timeline: an event type, its label position and colour."""

    label: str
    y: float
    colour: str


@dataclass
class Timeline:
    """The SVG timeline of a briefing: one lane per event type, dots, ticks, height, period."""

    lanes: list[Lane]
    points: list[TimelinePoint]
    ticks: list[tuple[float, str]]
    height: int
    first: str
    last: str
    x0: float = LANE_LABEL_WIDTH
    x1: float = TIMELINE_WIDTH - TIMELINE_MARGIN


def _mid(ev: EventRow) -> dt.date | None:
    span = dates.interval(ev.start, ev.end)
    if span is None:
        return None
    return span[0] + (span[1] - span[0]) / 2


def build_timeline(events: list[EventRow]) -> Timeline | None:
    """Positions for the dated events on a horizontal time axis, one lane per event type.

    Events sit at the middle of the days their dates cover. Dots of one lane
    closer than :data:`CLUSTER_PX` merge into one numbered dot (eleven side
    meetings in one month are one mark, not a column of dots). Ticks mark
    years, or months for a range shorter than two years. None when no event
    is dated.
    """
    dated = [(m, ev) for ev in events if (m := _mid(ev)) is not None]
    if not dated:
        return None
    lo = min(dates.interval(ev.start, ev.end)[0] for _, ev in dated).replace(day=1)
    hi = max(dates.interval(ev.start, ev.end)[1] for _, ev in dated)
    span_days = max((hi - lo).days, 30)
    x0, x1 = LANE_LABEL_WIDTH + 8, TIMELINE_WIDTH - TIMELINE_MARGIN

    def x_of(day: dt.date) -> float:
        return x0 + (x1 - x0) * (day - lo).days / span_days

    types = [t for t in EventType if any(ev.type is t for _, ev in dated)]
    lanes = [Lane(label=t.value.replace("_", " "), y=TOP + i * ROW_HEIGHT, colour=TYPE_COLOURS[t])
             for i, t in enumerate(types)]
    points: list[TimelinePoint] = []
    for lane, t in zip(lanes, types):
        clusters: list[list[tuple[float, EventRow]]] = []
        for mid, ev in sorted(((m, e) for m, e in dated if e.type is t), key=lambda p: p[0]):
            x = x_of(mid)
            if clusters and x - clusters[-1][0][0] < CLUSTER_PX:
                clusters[-1].append((x, ev))
            else:
                clusters.append([(x, ev)])
        for c in clusters:
            x = sum(p[0] for p in c) / len(c)
            first = c[0][1]
            tip = f"{first.dates} · {first.label}" if len(c) == 1 else \
                f"{len(c)} {lane.label}s, {c[0][1].start} to {c[-1][1].start}"
            points.append(TimelinePoint(x=round(x, 1), y=lane.y, r=5.0 if len(c) == 1 else 8.0, count=len(c),
                                        event_id=first.id, colour=lane.colour, tip=tip))
    ticks = []
    if (hi - lo).days > 730:
        for year in range(lo.year + (lo.month > 1), hi.year + 1):
            ticks.append((round(x_of(dt.date(year, 1, 1)), 1), str(year)))
    else:
        y, m = lo.year, lo.month
        while dt.date(y, m, 1) <= hi:
            ticks.append((round(x_of(dt.date(y, m, 1)), 1), dt.date(y, m, 1).strftime("%b %Y")))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if len(ticks) > 12:
            ticks = ticks[::(len(ticks) + 11) // 12]
    return Timeline(lanes=lanes, points=points, ticks=ticks, height=int(TOP + len(lanes) * ROW_HEIGHT),
                    first=lo.isoformat()[:7], last=hi.isoformat()[:7], x0=x0, x1=x1)


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["typename"] = lambda t: t.value.replace("_", " ")
    return env


def render_briefing(data: Briefing, title: str | None = None, recs: dict | None = None,
                    reviewed_only: bool = False) -> str:
    """The HTML page (a string) for the briefing ``data``; ``title`` overrides the page heading.

    ``recs`` is the recommendations and technical-assistance section
    (:func:`ctrack.track.recommendations.recommendations_section`), shown when
    it holds any recommendation; ``reviewed_only`` says in the page that only
    reviewed facts are included.
    """
    dated = [ev for ev in data.events if dates.parse(ev.start)]
    undated = [ev for ev in data.events if not dates.parse(ev.start)]
    engaged = [s for s in data.by_state if s.events]
    max_type = max(data.by_type.values(), default=0)
    max_state = max((s.events for s in data.by_state), default=0)
    return _env().get_template("briefing.html.j2").render(
        b=data, title=title or "Counter-terrorism engagement briefing", dated=dated, undated=undated,
        timeline=build_timeline(data.events), colours={t.value: c for t, c in TYPE_COLOURS.items()},
        roles=list(RoleType), engaged=engaged, labels={ev.id: ev.label for ev in data.events}, max_type=max_type, max_state=max_state,
        version=__version__, generated=data.generated_at.strftime("%d %B %Y, %H:%M UTC"),
        recs=recs if recs and recs["totals"]["total"] else None, reviewed_only=reviewed_only,
    )


def write_briefing(engine: Engine, out: str | Path, country: str | None = None, region: str | None = None,
                   title: str | None = None, reviewed_only: bool = False, user: str | None = None) -> Briefing:
    """Query the briefing for ``country`` (ISO3 or name) or ``region`` and write the HTML page to ``out``.

    The page includes the recommendations and technical-assistance needs of
    the scope (reviewed recommendations, status as of today); with
    ``reviewed_only`` the engagements are limited to reviewed events and roles.
    The export is written to the audit log (by ``user``, default
    :func:`ctrack.track.audit.default_user`) with the events and
    recommendations it shows.

    Creates ``out``'s folder. Returns the :class:`Briefing` data. Raises
    :class:`ctrack.errors.NotFound` for an unknown country or region and
    OSError when the file cannot be written.
    """
    from ctrack.service import reports
    from ctrack.store.db import session_scope

    from ctrack.track import audit
    from ctrack.track.recommendations import recommendations_section

    with session_scope(engine) as s:
        data = reports.briefing(s, country=country, region=region, reviewed_only=reviewed_only, max_events=None)
        recs = recommendations_section(s, country=country, region=region)
    html = render_briefing(data, title, recs=recs, reviewed_only=reviewed_only)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    with session_scope(engine) as s:
        audit.record_report(s, user or audit.default_user(), path=str(path.resolve()),
                            event_ids=[ev.id for ev in data.events],
                            recommendation_ids=[r["id"] for r in recs["open"]], scope=data.scope)
    return data
