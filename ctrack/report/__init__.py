"""Briefing packs: a PDF or self-contained HTML page on a member state, a region, a list of states or
everything, from one template (``templates/briefing.html.j2``).

:func:`render_briefing` turns the content of
:func:`ctrack.service.briefing.pack_content` into the HTML page (CSS inline,
figures as inline SVG from :mod:`ctrack.figures`, no external assets, no
script); :func:`pdf_bytes` prints it with WeasyPrint; :func:`write_briefing`
gathers, renders, writes the file and logs it in the audit log.
"""
from __future__ import annotations

from pathlib import Path

from ctrack.report.briefing import pdf_bytes, render_briefing, write_briefing

__all__ = ["render_briefing", "write_briefing", "pdf_bytes", "TEMPLATES"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
