"""Server-side SVG charts: the timeline of events and the who-met-whom network.

Both are plain inline SVG built here (no script needed to see them); every
mark links to its event or actor page and carries a ``<title>`` tooltip.
"""
from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup, escape

from ctrack.service.network import Network
from ctrack.resolve import dates
from ctrack.schema import ActorKind, EventType
from ctrack.store.views import EventRow

#: One colour per event type (matches the badges of app.css).
TYPE_COLOURS = {
    EventType.CONFERENCE: "#1f4e79", EventType.MEETING: "#6a4c93", EventType.ASSESSMENT_VISIT: "#b3261e",
    EventType.VISIT: "#c77700", EventType.BRIEFING: "#17806d", EventType.WORKSHOP: "#4d8a1a",
    EventType.LAUNCH: "#8a7420",
}
#: One colour per actor kind in the network.
KIND_COLOURS = {
    ActorKind.PERSON: "#6a4c93", ActorKind.MEMBER_STATE: "#b3261e", ActorKind.GOVERNMENT_BODY: "#c77700",
    ActorKind.UN_ENTITY: "#1f6fb5", ActorKind.REGIONAL_ORG: "#17806d", ActorKind.OTHER_ORG: "#6b7785",
}


def _ordinal(day: dt.date) -> int:
    return day.toordinal()


def timeline_svg(events: list[EventRow], width: int = 1180, lane_height: int = 34) -> Markup:
    """Events on a time axis, one lane per event type; a multi-day event is a bar, a planned one hollow.

    Undated events are left out (the caller lists them). Returns SVG markup.
    """
    dated = [(ev, dates.interval(ev.start, ev.end)) for ev in events]
    dated = [(ev, span) for ev, span in dated if span]
    lanes = [t for t in EventType if any(ev.type is t for ev, _ in dated)]
    left, right, top = 130, 20, 26
    height = top + lane_height * max(1, len(lanes)) + 34
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="Timeline of events" '
             f'xmlns="http://www.w3.org/2000/svg">']
    if not dated:
        parts.append(f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" fill="#5c6778">'
                     'No dated events</text></svg>')
        return Markup("".join(parts))
    lo = min(span[0] for _, span in dated)
    hi = max(span[1] for _, span in dated)
    lo = dt.date(lo.year, 1, 1) if (hi - lo).days > 400 else dt.date(lo.year, lo.month, 1)
    hi = dt.date(hi.year + 1, 1, 1) if (hi - lo).days > 400 else (
        dt.date(hi.year + (hi.month == 12), hi.month % 12 + 1, 1))
    days = max(1, _ordinal(hi) - _ordinal(lo))
    plot = width - left - right

    def x(day: dt.date) -> float:
        return left + plot * (_ordinal(day) - _ordinal(lo)) / days

    # axis: years, or months for a short span
    ticks = []
    if days > 400:
        ticks = [(dt.date(y, 1, 1), str(y)) for y in range(lo.year, hi.year + 1)]
    else:
        d = lo
        while d <= hi:
            ticks.append((d, d.strftime("%b %Y")))
            d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    bottom = top + lane_height * len(lanes)
    for day, label in ticks:
        xx = x(day)
        parts.append(f'<line x1="{xx:.1f}" y1="{top - 6}" x2="{xx:.1f}" y2="{bottom}" stroke="#e3e8ef"/>')
        if xx + 60 < width:
            parts.append(f'<text x="{xx + 3:.1f}" y="{top - 10}" font-size="11" fill="#5c6778">{escape(label)}</text>')
    for i, lane in enumerate(lanes):
        y = top + lane_height * i
        if i % 2 == 0:
            parts.append(f'<rect x="{left}" y="{y}" width="{plot}" height="{lane_height}" fill="#f7f9fc"/>')
        parts.append(f'<text x="{left - 8}" y="{y + lane_height / 2 + 4:.1f}" font-size="12" text-anchor="end" '
                     f'fill="#33404f">{escape(lane.value.replace("_", " "))}</text>')
    for ev, (start, end) in sorted(dated, key=lambda p: p[1][0]):
        i = lanes.index(ev.type)
        cy = top + lane_height * i + lane_height / 2
        colour = TYPE_COLOURS[ev.type]
        x1, x2 = x(start), x(end + dt.timedelta(days=1))
        fill = "#fff" if ev.status.value == "planned" else colour
        vague = (dates.precision(ev.start) or 3) < 3  # month or year only: drawn faint and dashed
        opacity = ".3" if vague else ".85"
        dash = ' stroke-dasharray="3 2"' if vague else ""
        tip = escape(f"{ev.label} — {ev.dates}{' — ' + ev.venue if ev.venue else ''} ({ev.status.value})")
        parts.append(f'<a href="/events/{ev.id}"><title>{tip}</title>')
        if x2 - x1 >= 9:
            parts.append(f'<rect x="{x1:.1f}" y="{cy - 6:.1f}" width="{x2 - x1:.1f}" height="12" rx="3" '
                         f'fill="{fill}" stroke="{colour}" stroke-width="1.5" fill-opacity="{opacity}"{dash}/>')
        else:
            parts.append(f'<circle cx="{(x1 + x2) / 2:.1f}" cy="{cy:.1f}" r="5.5" fill="{fill}" '
                         f'stroke="{colour}" stroke-width="1.5" fill-opacity=".85"/>')
        parts.append("</a>")
    parts.append(f'<text x="{left}" y="{height - 10}" font-size="11" fill="#8a94a3">'
                 f'{len(dated)} dated events, {escape(lo.isoformat())} to {escape(hi.isoformat())}; '
                 'hollow marks are planned, faint dashed ones known only to the month or year</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def network_svg(net: Network, width: int = 1180, height: int = 720) -> Markup:
    """The who-met-whom network: circles sized by events, lines thickened by shared events. Returns SVG markup."""
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="Who met whom" '
             f'xmlns="http://www.w3.org/2000/svg">']
    if not net.nodes:
        parts.append(f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" fill="#5c6778">'
                     'No two actors share an event here</text></svg>')
        return Markup("".join(parts))
    left, right, top, bottom = 40, 190, 30, 50  # room for the labels, which sit right of their circle
    pos = {n.id: (left + n.x * (width - left - right), top + n.y * (height - top - bottom)) for n in net.nodes}
    top_weight = max(e.weight for e in net.edges) if net.edges else 1
    for e in sorted(net.edges, key=lambda e: e.weight):
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        stroke = 0.6 + 3.4 * (e.weight / top_weight)
        opacity = 0.25 + 0.5 * (e.weight / top_weight)
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#6b7f99" '
                     f'stroke-width="{stroke:.2f}" stroke-opacity="{opacity:.2f}"><title>{e.weight} shared '
                     f'event{"s" if e.weight != 1 else ""}</title></line>')
    top_events = max(n.events for n in net.nodes)
    for n in sorted(net.nodes, key=lambda n: n.events):
        x, y = pos[n.id]
        r = 4 + 10 * math.sqrt(n.events / top_events)
        colour = KIND_COLOURS[n.kind]
        tip = escape(f"{n.name} ({n.kind.value.replace('_', ' ')}) — {n.events} event{'s' if n.events != 1 else ''}")
        parts.append(f'<a href="/actors/{n.id}"><title>{tip}</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity=".85" '
                     f'stroke="#fff" stroke-width="1.5"/>'
                     f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}" font-size="11.5" fill="#1d2430" '
                     f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(n.label[:32])}</text></a>')
    lx = 12
    for kind, colour in KIND_COLOURS.items():
        parts.append(f'<circle cx="{lx + 5}" cy="{height - 14}" r="5" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{height - 10}" font-size="11" fill="#5c6778">'
                     f'{escape(kind.value.replace("_", " "))}</text>')
        lx += 24 + 7 * len(kind.value)
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["timeline_svg", "network_svg", "TYPE_COLOURS", "KIND_COLOURS"]
