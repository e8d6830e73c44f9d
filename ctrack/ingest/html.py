"""HTML reader (``.html``, ``.htm``): the article without the site furniture.

trafilatura finds the main content and drops menus, breadcrumbs, cookie
banners, share bars, sidebars and footers. Each block it keeps (heading,
paragraph, list item, table row) becomes one paragraph of the text. The text
always opens with the article title as its own paragraph, then the body.

Title: the first of trafilatura's metadata title (a single ``<h1>``, a
headline element, ``og:title`` or the ``<title>`` tag), ``og:title``, the
``<title>`` tag or its parts around a "|" separator, the ``<h1>`` and ``<h2>``
elements, that is also one of the first three paragraphs of the extracted
text (the headline over the article); failing that, trafilatura's title if it
is reliable — not empty, not the site's name, not a generic word ("Home") —
stripped of a "| Site name" part; failing that, the first paragraph. Site
furniture is pruned before extraction (:func:`_prune_furniture`); a paragraph
that is only a revision stamp ("Last updated …") is dropped.

Publication date: the page's markup first (:func:`metadata.html_published`:
meta ``article:published_time``, JSON-LD ``datePublished``, a ``<time>``
date line), then the text rules of :func:`metadata.find_published`, then a date line
shown between the headline and the first paragraph (:func:`_date_by_headline`),
then a labelled line ("Published: …") in the visible article area. trafilatura's
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
from ctrack.ingest.limits import check_html_depth
from ctrack.ingest.clean import paragraphs_to_text

_GENERIC_TITLES = frozenset("home homepage index news article page untitled welcome".split())
_TITLE_SEP = re.compile(r"\s+[|–—·•»:]\s+|\s+-\s+")
#: class/id tokens of site furniture removed before trafilatura sees the page.
_FURNITURE_MARK = re.compile(
    r"(?:^|[-_\s])(?:cookies?|consent|gdpr|breadcrumbs?|newsletter|share|sharing|social|sidebar|related"
    r"|most-read|popular|menu|navbar|skip-link|subscribe|advert|ads|promo|site-header|site-footer|masthead)(?:[-_\s]|$)",
    re.IGNORECASE,
)
#: A paragraph that is only a revision stamp ("Last updated 20 March 2021").
_REVISION_STAMP = re.compile(r"^(?:last\s+)?(?:updated|modified|revised|reviewed)\b.{0,40}$", re.IGNORECASE)
_FURNITURE_ROLES = frozenset("navigation banner contentinfo search dialog complementary".split())
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 tr td th dd dt header section article blockquote br".split()
)


def _clean(s: str | None) -> str:
    return " ".join((s or "").split())


def _title_candidates(tree, meta) -> list[str]:
    """Possible titles, most trusted first: trafilatura's, og:title, the parts of <title>, h1s, headline h2s."""
    found = [_clean(meta.title if meta else None)]
    for m in tree.iter("meta"):
        if (m.get("property") or m.get("name") or "").lower() in ("og:title", "twitter:title"):
            found.append(_clean(m.get("content")))
    title_el = next(iter(tree.iter("title")), None)
    if title_el is not None:
        whole = _clean(title_el.text_content())
        found.append(whole)
        found.extend(p.strip() for p in _TITLE_SEP.split(whole))
    for tag in ("h1", "h2"):
        found.extend(_clean(h.text_content()) for h in tree.iter(tag))
    return [t for t in dict.fromkeys(found) if t]


def _title(tree, meta, paragraphs: list[str]) -> str | None:
    """The article title (rules in the module docstring).

    The first candidate (:func:`_title_candidates`) that is one of the first
    three paragraphs of the extracted text wins: that is the headline as the
    page shows it over the article. Failing that, trafilatura's title with a
    "| Site name" part removed, unless it is empty, generic or the site's
    name; failing that, the first paragraph.
    """
    site = _clean(meta.sitename if meta else None).lower() or None
    head = paragraphs[:3]

    def usable(t: str) -> bool:
        return t.lower() not in _GENERIC_TITLES and t.lower() != site

    for cand in _title_candidates(tree, meta):
        if cand in head and usable(cand):
            return cand
    title = _clean(meta.title if meta else None)
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) > 1 and site:
        rest = [p for p in parts if p.lower() != site]
        if len(rest) == 1:
            title = rest[0]
    if title and usable(title):
        return title
    return paragraphs[0] if paragraphs else None


def _prune_furniture(tree):
    """Remove menus, headers and footers of the site, sidebars, cookie notices, share bars (in place).

    An element is never removed when it holds the ``<h1>``, an ``<article>``
    or ``<main>``, or more than half the page's paragraph text, so a wrapper
    with an unlucky class name cannot take the article with it. Returns ``tree``.
    """
    total = sum(len(p.text_content()) for p in tree.iter("p")) or 1
    doomed = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        tag_furniture = el.tag in ("nav", "aside", "footer", "form") or (
            el.tag == "header" and next(el.iterancestors("article", "main"), None) is None
        )
        if not (
            tag_furniture
            or (el.get("role") or "").lower() in _FURNITURE_ROLES
            or _FURNITURE_MARK.search(marks)
        ):
            continue
        if any(True for _ in el.iter("h1", "article", "main")):
            continue
        if sum(len(p.text_content()) for p in el.iter("p")) * 2 > total:
            continue
        doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)  # drops its tail text too: furniture has none worth keeping
    return tree


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


def _date_by_headline(visible: list[str], title: str | None, paragraphs: list[str]):
    """A date line the page shows between the headline and the article's first paragraph, or None.

    Site templates put the date there (``<div class="news-date">14.05.2021
    10:32</div>``) where trafilatura drops it. Up to two lines just above the
    headline are tried too (a kicker date). Uses :func:`metadata.labelled_date`
    and :func:`metadata.date_line`, so a line must be a date, not a sentence.
    """
    if not title:
        return None
    body = [p for p in paragraphs if p != title]
    if not body:
        return None
    try:
        end = visible.index(body[0])
    except ValueError:
        end = next((i for i, ln in enumerate(visible) if body[0].startswith(ln) and len(ln) > 40), None)
        if end is None:
            return None
    starts = [i for i, ln in enumerate(visible[:end]) if ln == title]
    if not starts:
        return None
    t = starts[-1]
    for line in visible[t + 1:end] + visible[max(0, t - 2):t][::-1]:
        found = metadata.labelled_date(line) or metadata.date_line(line)
        if found:
            return found
    return None


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
    check_html_depth(tree, str(path))
    language = (tree.get("lang") or "").split("-")[0].lower() or None  # a hint; the text decides
    published = metadata.html_published(tree)
    visible = _visible_lines(tree)

    meta = trafilatura.extract_metadata(copy.deepcopy(tree), extensive=False)
    pruned = _prune_furniture(copy.deepcopy(tree))
    options = dict(output_format="txt", include_comments=False, include_tables=True, include_images=False,
                   with_metadata=False, deduplicate=False)
    body = trafilatura.extract(copy.deepcopy(pruned), **options)
    if not body:  # a short page: trafilatura's recall mode, then its baseline extractor
        body = trafilatura.extract(copy.deepcopy(pruned), favor_recall=True, **options)
    if not body:
        _, body, _ = trafilatura.baseline(pruned)
    paragraphs = [_clean(p) for p in (body or "").split("\n") if p.strip()]
    paragraphs = [p for p in paragraphs if not _REVISION_STAMP.match(p)]
    if not paragraphs:  # no article: a <title> alone is not a document
        return Extracted(text="", language=language)
    title = _title(tree, meta, paragraphs)
    if published is None:  # the text rules see every kept block, kicker lines above the title included
        published = metadata.find_published(paragraphs_to_text(paragraphs), title)
    if published is None:
        published = _date_by_headline(visible, title, paragraphs)
    if published is None:
        published = next(
            (d for ln in visible if len(ln.split()) <= 14 and (d := metadata.labelled_date(ln))), None
        )
    if title:
        head = paragraphs[:3]
        if title in head:  # drop kicker/category lines above the title
            paragraphs = paragraphs[head.index(title):]
        else:
            paragraphs.insert(0, title)
    text = paragraphs_to_text(paragraphs)
    title = text.split("\n", 1)[0] if title and text else None
    return Extracted(text=text, title=title, published=published, language=language)
