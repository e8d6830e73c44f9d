"""Rendering of the web pages: the Jinja2 environment, its filters, and :func:`render`.

Templates live in ``ctrack/web/templates`` (autoescaped); every page gets
``request``, ``me`` (the :class:`ctrack.api.deps.Principal` or None),
``csrf`` (the session's CSRF token for forms and scripts) and ``nav`` (the
section the page belongs to).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pycountry
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ctrack.service.passages import segments
from ctrack.service.engagements import RULE as ENGAGEMENT_RULE, shown_status
from ctrack.wording import noun, plural

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def country_name(iso3: str | None) -> str:
    """The English short name of an ISO 3166-1 alpha-3 code ("TJK" → "Tajikistan"); the code if unknown."""
    if not iso3:
        return ""
    country = pycountry.countries.get(alpha_3=iso3)
    return getattr(country, "common_name", None) or (country.name if country else iso3)


def words(value: Any) -> str:
    """An enum value or identifier in words: "assessment_visit" → "assessment visit"."""
    raw = getattr(value, "value", value)
    return str(raw or "").replace("_", " ")


def highlight(text: str, spans: list[tuple[int, int]] | None, cls: str = "hit") -> Markup:
    """``text`` escaped, with ``[start, end)`` spans wrapped in ``<mark class=cls>``."""
    out, pos = [], 0
    for start, end in sorted(spans or []):
        if start < pos:
            continue
        out += [escape(text[pos:start]), Markup(f'<mark class="{cls}">'), escape(text[start:end]), Markup("</mark>")]
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def marked(text: str, marks: list) -> Markup:
    """A passage with its evidence marks (:class:`ctrack.service.passages.Mark`) as ``<mark>`` with a tooltip."""
    out = []
    for piece, covering in segments(text, marks):
        if not covering:
            out.append(escape(piece))
            continue
        labels = "; ".join(dict.fromkeys(m.label for m in covering))
        kind = "role" if any(":" in m.label and not m.label.startswith("actor:") for m in covering) else (
            "actor" if any(m.label.startswith("actor:") for m in covering) else "event")
        out.append(Markup(f'<mark class="{kind}" title="{escape(labels)}">') + escape(piece) + Markup("</mark>"))
    return Markup("").join(out)


def evidence_marked(text: str, marks: list) -> Markup:
    """A document's text with the evidence of its facts (:class:`ctrack.service.passages.Mark`, ``label`` = the
    fact's ``TYPE:ID``) as ``<mark class="ev" data-refs="event:3 event_role:7">`` (overlaps split into pieces)."""
    out = []
    for piece, covering in segments(text, marks):
        if not covering:
            out.append(escape(piece))
            continue
        refs = " ".join(dict.fromkeys(m.label for m in covering))
        out.append(Markup(f'<mark class="ev" data-refs="{escape(refs)}" title="{escape(refs)}">') + escape(piece)
                   + Markup("</mark>"))
    return Markup("").join(out)


def date_label(value: Any) -> str:
    """A date or datetime for tables ("2018-05-04", "2018-05-04 10:12 UTC")."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def event_dates(ev: Any) -> str:
    """An event's dates ("2018-05-03 – 04", "2018-05", "undated")."""
    if not ev.start:
        return "undated"
    if ev.end and ev.end != ev.start:
        if ev.end[:7] == ev.start[:7] and len(ev.end) == 10:
            return f"{ev.start} – {ev.end[8:]}"
        return f"{ev.start} – {ev.end}"
    return ev.start


templates.env.filters.update(country=country_name, words=words, highlight=highlight, marked=marked,
                             evidence_marked=evidence_marked,
                             date=date_label, plural=plural)
templates.env.globals.update(country_name=country_name, event_dates=event_dates, shown_status=shown_status, noun=noun,
                             engagement_rule=ENGAGEMENT_RULE)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200,
           nav: str = "", headers: dict[str, str] | None = None):
    """The template ``name`` rendered with ``context`` plus ``me``, ``csrf`` and ``nav``."""
    me = getattr(request.state, "principal", None)
    ctx = {"me": me, "csrf": getattr(me, "csrf_token", None) or "", "nav": nav}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)


__all__ = ["templates", "render", "country_name", "words", "highlight", "marked", "evidence_marked", "date_label", "event_dates",
           "TEMPLATES_DIR", "STATIC_DIR"]
