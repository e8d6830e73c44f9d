"""HTML reader (``.html``, ``.htm``): the article without the site furniture.

trafilatura finds the main content and drops menus, breadcrumbs, cookie
banners, share bars, sidebars and footers. Each block it keeps (heading,
paragraph, list item, table row) becomes one paragraph of the text. The text
always opens with the article title as its own paragraph, then the body.

Title: trafilatura's metadata title (a single ``<h1>``, a headline element,
``og:title`` or the ``<title>`` tag), kept only when it is reliable — not
empty, not the site's name, not a generic word ("Home") — and stripped of a
"| Site name" suffix; otherwise the first paragraph of the text.

Publication date: the page's markup first (:func:`metadata.html_published`:
meta ``article:published_time``, JSON-LD ``datePublished``, a ``<time>``
date line), then the text rules of :func:`metadata.find_published`, then a
labelled line ("Published: …") in the visible article area. trafilatura's
own date is not used: it falls back to copyright years and modified dates
(dev-010's "© 2021" would become 2021-01-01).
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from ctrack.errors import IngestError
from ctrack.ingest import metadata
from ctrack.ingest.base import Extracted
from ctrack.ingest.clean import paragraphs_to_text

_GENERIC_TITLES = frozenset("home homepage index news article page untitled welcome".split())
_TITLE_SEP = re.compile(r"\s+[|–—·•»:]\s+|\s+-\s+")
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 time tr td th dd dt header section article blockquote br".split()
)


def _clean(s: str | None) -> str:
    return " ".join((s or "").split())


def _strip_site(title: str, site: str | None, first_line: str | None) -> str:
    """Drop a "| Site name" part from a title when one part is the site or the text's first line."""
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    if first_line and first_line in parts:
        return first_line
    if site:
        rest = [p for p in parts if p.lower() != site.lower()]
        if len(rest) == 1:
            return rest[0]
    return title


def _title(meta, first_line: str | None) -> str | None:
    title = _clean(meta.title if meta else None)
    site = _clean(meta.sitename if meta else None) or None
    if title:
        title = _strip_site(title, site, first_line)
    if not title or title.lower() in _GENERIC_TITLES or (site and title.lower() == site.lower()):
        return first_line
    return title


def _visible_lines(tree) -> list[str]:
    """Lines of the visible article area (article, else main, else body) without scripts, menus, sidebars, footers."""
    root = copy.deepcopy(tree)
    etree.strip_elements(root, "script", "style", "noscript", "nav", "aside", "footer", "form", with_tail=False)
    container = root
    for tag in ("main", "article"):
        found = next(iter(root.iter(tag)), None)
        if found is not None:
            container = found
    for el in container.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return [_clean(ln) for ln in container.text_content().split("\n") if ln.strip()]


def read_html(path: Path, data: bytes) -> Extracted:
    """Read an HTML file's bytes into :class:`Extracted` (text, title, published, language).

    Raises :class:`IngestError` for binary content ("binary file, not
    text") or bytes that do not parse as HTML. An article with no text gives
    an empty ``text`` (the caller raises :class:`EmptyDocument`).
    """
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary file, not text", path=str(path))
    tree = load_html(data)
    if tree is None:
        raise IngestError("not an HTML document (nothing could be parsed)", path=str(path))
    language = (tree.get("lang") or "en").split("-")[0].lower() or "en"
    published = metadata.html_published(tree)
    visible = _visible_lines(tree)

    meta = trafilatura.extract_metadata(copy.deepcopy(tree), extensive=False)
    body = trafilatura.extract(
        copy.deepcopy(tree),
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        with_metadata=False,
        deduplicate=False,
    )
    if not body:  # trafilatura found no article: fall back to its baseline extractor
        _, body, _ = trafilatura.baseline(copy.deepcopy(tree))
    paragraphs = [_clean(p) for p in (body or "").split("\n") if p.strip()]
    title = _title(meta, paragraphs[0] if paragraphs else None)
    if title:
        head = paragraphs[:3]
        if title in head:
            paragraphs = paragraphs[head.index(title):]
        else:
            paragraphs.insert(0, title)
    text = paragraphs_to_text(paragraphs)
    if published is None:
        published = metadata.find_published(text, title)
    if published is None:
        published = next(
            (d for ln in visible if len(ln.split()) <= 14 and (d := metadata.labelled_date(ln))), None
        )
    title = text.split("\n", 1)[0] if title and text else None
    return Extracted(text=text, title=title, published=published, language=language)
