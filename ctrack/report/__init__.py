"""HTML briefings: a self-contained page on a member state, a region or the whole knowledge base.

:func:`render_briefing` turns the data of :func:`ctrack.store.repo.briefing`
into one HTML page (Jinja2 template ``templates/briefing.html.j2``, CSS
inline, no external assets, no script): the scope, a small timeline, the
engagements in date order with type, dates, venue, roles and counterparts,
counts by event type and by member state, and for every line the source
documents it came from (document id, title, publication date).
:func:`write_briefing` queries the store and writes the file.
"""
from __future__ import annotations

from pathlib import Path

from ctrack.report.briefing import render_briefing, write_briefing

__all__ = ["render_briefing", "write_briefing", "TEMPLATES"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
