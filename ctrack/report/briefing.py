"""Briefing packs: one template (``templates/briefing.html.j2``), rendered as a self-contained HTML page
or, through WeasyPrint, as a PDF with a cover, contents, page numbers and a running header.

The content comes from :func:`ctrack.service.briefing.pack_content`; the
figures from :mod:`ctrack.figures` (the same code as the web app's charts).
WeasyPrint was chosen over headless Chromium because it installs from PyPI
with Debian's Pango (no browser process per pack), and it implements the CSS
paged-media features a pack needs (``@page`` margin boxes for the running
header and "Page X of Y", ``target-counter`` for the contents, repeated
table headers).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from ctrack import __version__
from ctrack.errors import CtrackError
from ctrack.figures import TYPE_COLOURS, network_svg, timeline_svg
from ctrack.service.briefing import SECTIONS, UNCONFIRMED_BELOW, Pack, unconfirmed
from ctrack.wording import plural

_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Output formats of a pack.
FORMATS = ("html", "pdf")
#: Section titles, for the contents.
SECTION_TITLES = {"summary": "Summary", "recommendations": "Open recommendations", "engagements": "Engagements",
                  "network": "Who met whom", "visits": "Assessment visits", "sources": "Sources"}


class PackError(CtrackError):
    """A pack that cannot be made: an unknown section or format, or PDF rendering unavailable."""

    code = "E051"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["typename"] = lambda t: t.value.replace("_", " ")
    env.filters["plural"] = plural
    return env


def check_sections(sections: Iterable[str] | None) -> list[str]:
    """The chosen sections in pack order (all of :data:`ctrack.service.briefing.SECTIONS` when None).
    Raises :class:`PackError` for an unknown one."""
    if sections is None:
        return list(SECTIONS)
    chosen = [s.strip().lower() for s in sections if s.strip()]
    bad = [s for s in chosen if s not in SECTIONS]
    if bad:
        raise PackError(f"unknown section {bad[0]!r} (sections: {', '.join(SECTIONS)})")
    return [s for s in SECTIONS if s in chosen]


def render_briefing(pack: Pack, title: str | None = None, sections: Iterable[str] | None = None,
                    reviewed_only: bool = False, base_url: str | None = None) -> str:
    """The pack as an HTML page (a string): self-contained (styles and figures inline, no script).

    ``sections`` picks and orders the sections (:data:`SECTIONS`); ``base_url``
    is the web app's address for the links to source documents (none when
    None). Roles the pack cannot state as facts (:func:`ctrack.service.briefing.unconfirmed`: not reviewed,
    confidence under :data:`ctrack.service.briefing.UNCONFIRMED_BELOW`) are marked "(unconfirmed)" and
    counted on the cover. The same page prints as the PDF (:func:`pdf_bytes`).
    """
    chosen = check_sections(sections)
    b = pack.briefing
    engaged = [st for st in b.by_state if st.events]
    names = {n.id: n for n in pack.network.nodes}
    pairs = [(names[e.source], names[e.target], e)
             for e in sorted(pack.network.edges, key=lambda e: (-e.meetings, -e.weight))[:8]]
    return _env().get_template("briefing.html.j2").render(
        p=pack, b=b, s=pack.summary, recs=pack.recs if pack.recs.get("totals", {}).get("total") else None,
        status=pack.status, title=title or "Counter-terrorism engagement briefing", sections=chosen,
        toc=[(k, SECTION_TITLES[k]) for k in chosen if k in SECTION_TITLES],
        timeline=timeline_svg(b.events, width=760, lane_height=30, links=False, today=pack.on),
        network=network_svg(pack.network, width=760, height=520, links=False), pairs=pairs,
        colours={t.value: c for t, c in TYPE_COLOURS.items()}, engaged=engaged,
        max_type=max(b.by_type.values(), default=0), max_state=max((st.events for st in engaged), default=0),
        version=__version__, generated=b.generated_at.strftime("%d %B %Y, %H:%M UTC"), reviewed_only=reviewed_only,
        base=base_url.rstrip("/") if base_url else None, unconfirmed=unconfirmed, unconfirmed_below=UNCONFIRMED_BELOW)


def pdf_bytes(html: str) -> bytes:
    """The PDF of a pack's HTML page (WeasyPrint, print styles, A4). Raises :class:`PackError` when
    WeasyPrint or its Pango libraries are missing (``apt-get install libpango-1.0-0 libpangoft2-1.0-0``)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PackError(f"PDF output needs WeasyPrint and Debian's Pango: {exc}") from None
    return HTML(string=html, base_url=str(_TEMPLATES)).write_pdf()


def output_format(out: str | Path, fmt: str | None = None) -> str:
    """"pdf" or "html": ``fmt`` when given, else from the extension of ``out`` (.pdf → pdf; .html, .htm or none →
    html). Raises :class:`PackError` for another format, or for an extension that is neither (HTML written into
    "x.docx" would mislead whoever opens it)."""
    suffix = Path(out).suffix.lower()
    if fmt is None and suffix not in ("", ".pdf", ".html", ".htm"):
        raise PackError(f"{out}: a briefing is written as .pdf or .html, not {suffix}; "
                        "change the file name or give --format pdf|html")
    f = (fmt or ("pdf" if suffix == ".pdf" else "html")).lower()
    if f not in FORMATS:
        raise PackError(f"unknown report format {fmt!r} (formats: {', '.join(FORMATS)})")
    return f


def write_briefing(engine: Engine, out: str | Path, country: str | None = None, region: str | None = None,
                   title: str | None = None, reviewed_only: bool = False, user: str | None = None, *,
                   states: list[str] | None = None, since: str | None = None, until: str | None = None,
                   fmt: str | None = None, sections: Iterable[str] | None = None, base_url: str | None = None,
                   on: dt.date | None = None) -> Pack:
    """Write the briefing pack on ``country`` (ISO3 or name), ``region`` or ``states`` over [``since``,
    ``until``] to ``out`` as HTML or PDF (``fmt``, else from the extension), and log it in the audit log.

    The pack holds the engagements (the events ``ctrack events`` lists for the
    scope), the reviewed recommendations with their technical-assistance needs
    as of ``on`` (default today), the figures and the sources
    (:func:`ctrack.service.briefing.pack_content`). The audit entry (by
    ``user``, default :func:`ctrack.track.audit.default_user`) names the
    events and recommendations shown. Sources link to their page in the web
    app at ``base_url`` (default :func:`ctrack.service.exports.base_url`). Creates ``out``'s folder; nothing is
    written when the scope is unknown. Returns the :class:`Pack`. Raises
    :class:`ctrack.errors.NotFound` for an unknown country, state or region,
    :class:`PackError` for a bad section or format, ValueError for a bad date
    and OSError when the file cannot be written.
    """
    from ctrack.service.briefing import pack_content
    from ctrack.store.db import session_scope
    from ctrack.track import audit

    f = output_format(out, fmt)
    chosen = check_sections(sections)
    with session_scope(engine) as s:
        pack = pack_content(s, country=country, region=region, states=states, since=since, until=until,
                            reviewed_only=reviewed_only, on=on)
    from ctrack.service.exports import base_url as default_base

    html = render_briefing(pack, title, sections=chosen, reviewed_only=reviewed_only,
                           base_url=base_url or default_base())
    data = pdf_bytes(html) if f == "pdf" else html.encode("utf-8")
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with session_scope(engine) as s:
        audit.record_report(s, user or audit.default_user(), path=str(path.resolve()),
                            event_ids=[ev.id for ev in pack.briefing.events],
                            recommendation_ids=[r["id"] for r in pack.recs.get("open", [])],
                            scope=f"{pack.briefing.scope}, {pack.window} ({f})")
    return pack


__all__ = ["render_briefing", "write_briefing", "pdf_bytes", "output_format", "check_sections", "PackError",
           "FORMATS", "SECTIONS"]
