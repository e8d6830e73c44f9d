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


#: class/id tokens of page-blocking boilerplate (consent dialogs, sign-up forms): removed whatever their size.
_BLOCKING_MARK = re.compile(
    r"(?:^|[-_\s])(?:cookies?|consent|gdpr|cmp|privacy-(?:banner|modal|notice)|newsletter|subscribe|signup|modal"
    r"|overlay|popup|dialog)(?:[-_\s]|$)", re.IGNORECASE)
#: The heading (or lead-in) of a block of links to other stories inside an article.
_RELATED_HEAD = re.compile(
    r"^(?:read\s+also|see\s+also|also\s+read|read\s+more|related(?:\s+(?:news|articles?|stories|content|links))?"
    r"|more\s+(?:news|stories|on\s+this(?:\s+topic)?)|you\s+may\s+also\s+(?:like|be\s+interested\s+in)"
    r"|further\s+reading|recommended(?:\s+for\s+you)?|latest\s+news|in\s+other\s+news|other\s+news"
    r"|tags?|keywords|topics)\s*[:»›>]?$", re.IGNORECASE)
_RELATED_LEAD = re.compile(r"^(?:read\s+also|see\s+also|also\s+read|related|read\s+more)\s*:", re.IGNORECASE)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _own_text(el) -> str:
    return _clean(el.text_content())


def _drop_blocking(tree) -> None:
    """Remove consent dialogs, cookie walls and sign-up forms whatever their size (in place).

    Failure class: trafilatura keeps the longest text block, and a cookie
    dialog with a long partner list is longer than a short press release in
    an ``<aside>``; the dialog survived and the article did not (issue 9).
    """
    doomed = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        role = (el.get("role") or "").lower()
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag == "dialog" or role in ("dialog", "alertdialog") or el.get("aria-modal") == "true" \
                or _BLOCKING_MARK.search(marks):
            if next(el.iter("h1", "article", "main"), None) is None:
                doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.getparent().remove(el)


def _promote_story(tree) -> None:
    """Make an ``<aside>`` or ``<section>`` holding the page's only ``<h1>`` an ``<article>`` (in place).

    Failure class: trafilatura drops ``<aside>`` as a sidebar, so an article
    laid out in one (beside a consent dialog or a teaser column) was lost.
    """
    h1s = list(tree.iter("h1"))
    if len(h1s) != 1 or next(tree.iter("article", "main"), None) is not None:
        return
    for anc in h1s[0].iterancestors():
        if anc.tag in ("aside", "section") and sum(1 for _ in anc.iter("p")) >= 1:
            anc.tag = "article"
            for attr in ("class", "id", "role"):
                anc.attrib.pop(attr, None)
            return


def _mostly_links(el) -> bool:
    """True when at least 90 % of ``el``'s text is the text of its links (a teaser, not a paragraph of the story)."""
    text = _own_text(el)
    return bool(text) and sum(len(_clean(a.text_content())) for a in el.iter("a")) >= 0.9 * len(text)


def _drop_related(tree) -> None:
    """Remove "Read also" / "See also" / "Related news" blocks, tag lists and link-only lists (in place).

    Failure class: teasers of other stories inside the article body, each
    with its own date and place, were read as part of the story and became
    spurious events (issue 9). A heading that names such a block takes its
    container with it when it opens that container, else the blocks after
    it up to the next heading or paragraph of the story (a paragraph that is
    not mostly links); a paragraph that
    opens with "Read also:" goes alone; a list of three or more items that
    are each only a link goes too.
    """
    doomed = []
    for el in tree.iter(*_HEADINGS, "p", "strong", "b", "span", "div", "dt"):
        text = _own_text(el)
        if not text:
            continue
        if el.tag in ("p", "div") and _RELATED_LEAD.match(text) and len(text.split()) <= 40 \
                and next(el.iter(*_HEADINGS), None) is None and len(el) >= 1:
            doomed.append(el)
            continue
        if not _RELATED_HEAD.match(text) or len(el) > 2:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        first = next((c for c in parent if isinstance(c.tag, str)), None)
        if first is el and parent.tag not in ("article", "main", "body", "html") \
                and next(parent.iter("h1"), None) is None:
            doomed.append(parent)
            continue
        doomed.append(el)
        for sib in el.itersiblings():  # the teaser blocks after the heading, up to the story's next text
            if not isinstance(sib.tag, str):
                continue
            if sib.tag in _HEADINGS or (sib.tag == "p" and not _mostly_links(sib)):
                break
            doomed.append(sib)
    for ul in tree.iter("ul", "ol"):
        items = [li for li in ul if isinstance(li.tag, str) and li.tag == "li"]
        if len(items) >= 3 and all(len(_own_text(li).split()) <= 25 and _mostly_links(li) for li in items):
            doomed.append(ul)
    for el in doomed:
        parent = el.getparent()
        if parent is not None and any(True for _ in el.iterancestors()):
            tail = el.tail
            parent.remove(el)
            if tail and tail.strip():  # keep text that follows the block in the same parent
                prev = parent[-1] if len(parent) else None
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail


#: Articles of their own on one page (each a heading and 150 characters or more) that make it a listing.
LISTING_ARTICLES = 3


def _check_listing(tree, path: str) -> None:
    """Refuse a listing page (several articles, none the page's own) with a clear error.

    A page with :data:`LISTING_ARTICLES` or more ``<article>`` elements, each
    with its own heading and at least 150 characters of text, none holding
    half of all their text, is a list of stories: read as one document, their
    dates and places would be mixed into one record.
    """
    articles = [a for a in tree.iter("article")
                if next(a.iterancestors("article"), None) is None and next(a.iter(*_HEADINGS), None) is not None]
    sizes = [len(_own_text(a)) for a in articles]
    big = [n for n in sizes if n >= 150]
    if len(big) >= LISTING_ARTICLES and max(big) * 2 < sum(big):
        raise IngestError(
            f"a listing page with {len(big)} articles, not one article; save each article's own page "
            "and ingest those", path=path)


def _prune_furniture(tree):
    """Remove menus, headers and footers of the site, sidebars, cookie notices, share bars (in place).

    Consent dialogs and sign-up forms go first, whatever their size
    (:func:`_drop_blocking`); a story in an ``<aside>``/``<section>`` becomes
    the article (:func:`_promote_story`); "Read also" blocks and link lists
    go (:func:`_drop_related`). Then an element with a furniture tag, role,
    class or id is never removed when it holds the ``<h1>``, an ``<article>``
    or ``<main>``, or more than half the page's paragraph text, so a wrapper
    with an unlucky class name cannot take the article with it. Returns ``tree``.
    """
    _drop_blocking(tree)
    _promote_story(tree)
    _drop_related(tree)
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
    _check_listing(tree, str(path))
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
