"""The figures of ctrack: the timeline of events and the who-met-whom network, as inline SVG.

One module for every face that draws them: the web app (:mod:`ctrack.web.charts`
re-exports these functions) and the briefing pack (:mod:`ctrack.report.pack`,
HTML and PDF through WeasyPrint). One palette: :data:`TYPE_COLOURS` gives each
event type its colour everywhere (timeline marks, badges, the pack's tables),
:data:`KIND_COLOURS` each actor kind in the network.

Plain SVG, no script: a figure reads the same on screen, in print and in a
PDF. With ``links`` the marks link to their event or actor page of the web
app and carry a ``<title>`` tooltip.
"""
from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup, escape

from ctrack.resolve import dates
from ctrack.schema import ActorKind, EventType
from ctrack.service.engagements import ANNOUNCED, shown_status
from ctrack.service.network import Network
from ctrack.store.views import EventRow
from ctrack.wording import plural

#: One colour per event type, everywhere (matches the badges of the web app's app.css and the pack).
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
#: Timeline: height of one stacked row of marks in a lane, the most rows a lane stacks before it counts
#: the rest ("+3"), and the room a mark needs on each side (SVG user units).
ROW, MAX_ROWS, PAD = 15, 6, 7
#: Network: approximate width of a label character at 11.5 px (DejaVu Sans / system sans), for placing labels.
CHAR_W = 6.4


def _x_scale(lo: dt.date, hi: dt.date, left: float, right: float):
    days = max(1, hi.toordinal() - lo.toordinal())
    return lambda day: left + (right - left) * (day.toordinal() - lo.toordinal()) / days


def _ticks(lo: dt.date, hi: dt.date, long: bool) -> list[tuple[dt.date, str]]:
    if long:
        step = max(1, (hi.year - lo.year) // 12 + 1)
        return [(dt.date(y, 1, 1), str(y)) for y in range(lo.year, hi.year + 1, step)]
    out, d = [], lo
    while d <= hi:
        out.append((d, d.strftime("%b %Y")))
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    if len(out) > 12:
        out = out[::(len(out) + 11) // 12]
    return out


def timeline_svg(events: list[EventRow], width: int = 1180, lane_height: int = 34, links: bool = True,
                 today: dt.date | None = None) -> Markup:
    """Events on a time axis, one lane per event type; returns SVG markup.

    A multi-day event is a bar, a one-day event a dot. Marks that would
    overlap in a lane are stacked in rows (ten meetings of one week are ten
    dots, not one blob); past :data:`MAX_ROWS` rows the rest of a column is
    counted ("+3"). Held events are filled, planned ones hollow, planned ones
    whose dates have passed ("announced, not confirmed") hollow and dashed;
    dates known only to the month or year are drawn faint. ``lane_height``
    is the height of a lane with one row. Undated events are left out (the
    caller lists them).
    """
    dated = [(ev, dates.interval(ev.start, ev.end)) for ev in events]
    dated = [(ev, span) for ev, span in dated if span]
    lanes = [t for t in EventType if any(ev.type is t for ev, _ in dated)]
    left, right, top = 130, 20, 26
    if not dated:
        h = 80
        return Markup(f'<svg class="chart" viewBox="0 0 {width} {h}" role="img" aria-label="Timeline of events" '
                      f'xmlns="http://www.w3.org/2000/svg"><text x="{width // 2}" y="{h // 2}" text-anchor="middle" '
                      'fill="#5c6778" font-size="13">No dated events</text></svg>')
    lo = min(span[0] for _, span in dated)
    hi = max(span[1] for _, span in dated)
    long = (hi - lo).days > 400
    lo = dt.date(lo.year, 1, 1) if long else dt.date(lo.year, lo.month, 1)
    hi = dt.date(hi.year + 1, 1, 1) if long else dt.date(hi.year + (hi.month == 12), hi.month % 12 + 1, 1)
    x = _x_scale(lo, hi, left, width - right)

    # place the marks of each lane in rows
    placed: dict[EventType, list[tuple[EventRow, float, float, int]]] = {}
    overflow: dict[EventType, list[tuple[float, int]]] = {}
    rows_of: dict[EventType, int] = {}
    for lane in lanes:
        ends: list[float] = []
        marks, extra = [], []
        for ev, (start, end) in sorted(((e, s) for e, s in dated if e.type is lane), key=lambda p: (p[1][0], p[0].id)):
            x1, x2 = x(start), x(end + dt.timedelta(days=1))
            if x2 - x1 < 9:
                x1, x2 = (x1 + x2) / 2 - 5.5, (x1 + x2) / 2 + 5.5
            row = next((i for i, e in enumerate(ends) if e + 2 <= x1), None)
            if row is None and len(ends) < MAX_ROWS:
                ends.append(-1.0)
                row = len(ends) - 1
            if row is None:
                if extra and x1 - extra[-1][0] < 2 * PAD:
                    extra[-1] = (extra[-1][0], extra[-1][1] + 1)
                else:
                    extra.append(((x1 + x2) / 2, 1))
                continue
            ends[row] = x2
            marks.append((ev, x1, x2, row))
        placed[lane], overflow[lane] = marks, extra
        rows_of[lane] = max(1, len(ends))
    lane_y: dict[EventType, float] = {}
    y = float(top)
    for lane in lanes:
        lane_y[lane] = y
        y += max(lane_height, ROW * rows_of[lane] + 12)
    bottom = y
    height = int(bottom + 46)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="Timeline of events" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">']
    for i, lane in enumerate(lanes):
        y0 = lane_y[lane]
        h = (lane_y[lanes[i + 1]] if i + 1 < len(lanes) else bottom) - y0
        if i % 2 == 0:
            parts.append(f'<rect x="{left}" y="{y0:.1f}" width="{width - left - right}" height="{h:.1f}" fill="#f5f7fa"/>')
        parts.append(f'<rect x="{left - 122}" y="{y0 + h / 2 - 5:.1f}" width="10" height="10" rx="2" '
                     f'fill="{TYPE_COLOURS[lane]}"/>')
        parts.append(f'<text x="{left - 8}" y="{y0 + h / 2 + 4:.1f}" font-size="12" text-anchor="end" '
                     f'fill="#33404f">{escape(lane.value.replace("_", " "))}</text>')
    for day, label in _ticks(lo, hi, long):
        xx = x(day)
        parts.append(f'<line x1="{xx:.1f}" y1="{top - 6}" x2="{xx:.1f}" y2="{bottom:.1f}" stroke="#dfe4eb"/>')
        if xx + 40 < width:
            parts.append(f'<text x="{xx + 3:.1f}" y="{top - 10}" font-size="11" fill="#5c6778">{escape(label)}</text>')
    for lane in lanes:
        colour = TYPE_COLOURS[lane]
        h_lane = ROW * rows_of[lane]
        y_first = lane_y[lane] + (max(lane_height, h_lane + 12) - h_lane) / 2 + ROW / 2
        for ev, x1, x2, row in placed[lane]:
            cy = y_first + row * ROW
            status = shown_status(ev, today)
            fill = colour if status == "held" else "#fff"
            vague = (dates.precision(ev.start) or 3) < 3
            opacity = ".35" if vague else ".9"
            dash = ' stroke-dasharray="3 2"' if status == ANNOUNCED or vague else ""
            tip = escape(f"{ev.label} — {ev.dates}{' — ' + ev.venue if ev.venue else ''} ({status})")
            if links:
                parts.append(f'<a href="/events/{ev.id}"><title>{tip}</title>')
            if x2 - x1 > 11.5:
                parts.append(f'<rect x="{x1:.1f}" y="{cy - 5:.1f}" width="{x2 - x1:.1f}" height="10" rx="3" '
                             f'fill="{fill}" stroke="{colour}" stroke-width="1.5" fill-opacity="{opacity}"{dash}/>')
            else:
                parts.append(f'<circle cx="{(x1 + x2) / 2:.1f}" cy="{cy:.1f}" r="5" fill="{fill}" '
                             f'stroke="{colour}" stroke-width="1.5" fill-opacity="{opacity}"{dash}/>')
            if links:
                parts.append("</a>")
        for cx, n in overflow[lane]:
            cy = y_first + (MAX_ROWS - 1) * ROW + ROW * 0.9
            parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="10" text-anchor="middle" fill="{colour}">'
                         f'+{n}</text>')
    ly = height - 26
    parts.append(f'<circle cx="{left + 5}" cy="{ly}" r="5" fill="#5c6778"/>'
                 f'<text x="{left + 14}" y="{ly + 4}" font-size="11" fill="#5c6778">held</text>'
                 f'<circle cx="{left + 60}" cy="{ly}" r="5" fill="#fff" stroke="#5c6778" stroke-width="1.5"/>'
                 f'<text x="{left + 69}" y="{ly + 4}" font-size="11" fill="#5c6778">planned</text>'
                 f'<circle cx="{left + 134}" cy="{ly}" r="5" fill="#fff" stroke="#5c6778" stroke-width="1.5" '
                 f'stroke-dasharray="3 2"/><text x="{left + 143}" y="{ly + 4}" font-size="11" fill="#5c6778">'
                 f'announced, not confirmed (or date known only to the month or year: faint)</text>')
    parts.append(f'<text x="{left}" y="{height - 6}" font-size="11" fill="#8a94a3">'
                 f'{plural(len(dated), "dated event")}, {escape(lo.isoformat())} to {escape(hi.isoformat())}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _label_lines(text: str, limit: int = 30) -> list[str]:
    """A label in at most two lines of about ``limit`` characters, broken at spaces (never cut)."""
    if len(text) <= limit:
        return [text]
    words, first = text.split(), ""
    while words and len(first) + len(words[0]) + 1 <= limit:
        first = f"{first} {words.pop(0)}".strip()
    if not first:
        first = words.pop(0)
    return [first, " ".join(words)] if words else [first]


def network_svg(net: Network, width: int = 1180, height: int = 720, links: bool = True) -> Markup:
    """The who-met-whom network; returns SVG markup.

    Circles are actors (coloured by kind, sized by events); a solid line
    joins two actors who met (both held a role in a meeting or a visit), a
    dashed one two actors who only attended the same conference, briefing,
    workshop or launch; lines thicken with the number of shared events.
    Labels sit beside their circle, on the left near the right edge, and are
    broken over two lines rather than cut.
    """
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="Who met whom" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">']
    if not net.nodes:
        parts.append(f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" fill="#5c6778" font-size="13">'
                     'No two actors share an event here</text></svg>')
        return Markup("".join(parts))
    left, right, top, bottom = 30, 30, 26, 56
    pos = {n.id: (left + n.x * (width - left - right), top + n.y * (height - top - bottom)) for n in net.nodes}
    top_weight = max(e.weight for e in net.edges) if net.edges else 1
    for e in sorted(net.edges, key=lambda e: (e.meetings > 0, e.weight)):
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        stroke = 0.8 + 3.2 * (e.weight / top_weight)
        met = e.meetings > 0
        style = (f'stroke="#3d5a80" stroke-opacity="{0.45 + 0.45 * e.weight / top_weight:.2f}"' if met else
                 'stroke="#9aa7b8" stroke-opacity=".55" stroke-dasharray="4 3"')
        what = (f"met at {plural(e.meetings, 'meeting')}" if met else "") + \
            (", " if met and e.weight > e.meetings else "") + \
            (plural(e.weight - e.meetings, "shared event")
             if e.weight > e.meetings else "")
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style} '
                     f'stroke-width="{stroke:.2f}"><title>{escape(what)}</title></line>')
    top_events = max(n.events for n in net.nodes)
    for n in sorted(net.nodes, key=lambda n: n.events):
        x, y = pos[n.id]
        r = 4 + 9 * math.sqrt(n.events / top_events)
        colour = KIND_COLOURS[n.kind]
        lines = _label_lines(n.label)
        w = CHAR_W * max(len(s) for s in lines)
        on_left = x + r + 3 + w > width - 4
        tx = x - r - 3 if on_left else x + r + 3
        anchor = ' text-anchor="end"' if on_left else ""
        y0 = y + 4 - 6.5 * (len(lines) - 1)
        # a white halo under each line, then the line (no paint-order, which not every SVG renderer knows)
        texts = "".join(
            f'<text x="{tx:.1f}" y="{y0 + 13 * i:.1f}" font-size="11.5" fill="#fff" stroke="#fff" stroke-width="3"'
            f'{anchor}>{escape(line)}</text><text x="{tx:.1f}" y="{y0 + 13 * i:.1f}" font-size="11.5" '
            f'fill="#1d2430"{anchor}>{escape(line)}</text>' for i, line in enumerate(lines))
        tip = escape(f"{n.name} ({n.kind.value.replace('_', ' ')}) — {plural(n.events, 'event')}")
        mark = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity=".9" stroke="#fff" '
                f'stroke-width="1.5"/>{texts}')
        parts.append(f'<a href="/actors/{n.id}"><title>{tip}</title>{mark}</a>' if links else f'<g>{mark}</g>')
    lx, ly = 12, height - 30
    for kind, colour in KIND_COLOURS.items():
        parts.append(f'<circle cx="{lx + 5}" cy="{ly}" r="5" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{ly + 4}" font-size="11" fill="#5c6778">'
                     f'{escape(kind.value.replace("_", " "))}</text>')
        lx += 26 + 7 * len(kind.value)
    ly += 18
    parts.append(f'<line x1="12" y1="{ly}" x2="40" y2="{ly}" stroke="#3d5a80" stroke-width="2.5"/>'
                 f'<text x="46" y="{ly + 4}" font-size="11" fill="#5c6778">met (both sides of a meeting or visit)</text>'
                 f'<line x1="300" y1="{ly}" x2="328" y2="{ly}" stroke="#9aa7b8" stroke-width="2" '
                 f'stroke-dasharray="4 3"/><text x="334" y="{ly + 4}" font-size="11" fill="#5c6778">'
                 'attended the same conference, briefing, workshop or launch</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["timeline_svg", "network_svg", "TYPE_COLOURS", "KIND_COLOURS"]
