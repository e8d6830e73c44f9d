"""Title and publication date of a document, from its text or its HTML markup.

Publication date (``Document.published``) — only a date the document states
as its own, never a date of an event in the body, the file's mtime, a
"Last updated" line or a copyright year (SCHEMA.md, "Conventions": "A
'Last updated' line is not a publication date"). The rules, in order of
trust (:func:`find_published`):

1. a *labelled* line in the head of the document: ``Date: 5 March 2018``,
   ``Published: …``, ``Posted on 12/03/2021``, ``Issued on …``,
   ``Release date: …``, ``Press release, 12 March 2021``;
2. a *bare date line* in the head, alone or with a place and generic labels
   only: ``12 March 2021 | Press release``, ``Vienna, 12 March 2021``,
   ``Mar 12, 2021``, ``2021-03-12``;
3. a *dateline* opening the first body paragraph: ``CAIRO, 5 March 2018 –``,
   ``ASTANA (Kazinform), 12 March 2021 -``, ``12 March 2021 — The …``;
4. a labelled line anywhere else (a footer ``Published: …``);
5. a bare date line (or ``Dushanbe, 12 March 2021``) closing the document,
   as under a signed statement.

The head is everything before the first body paragraph, title excepted.
Lines that are photo captions (``Photo: …``, ``Photo / UNOCT: …``) are never
used; lines saying *updated*, *modified*, *revised* or *©* are never used. A
line must hold exactly one complete date (day, month and year); a date
without a year ("5 March") gives nothing. Numeric dates are read day first
(12/03/2021 is 12 March) unless the first number cannot be a month, the
convention of the UN, the OSCE and European ministries.

For HTML, :func:`html_published` reads structured markup first: meta
``article:published_time`` and its kin, JSON-LD / microdata
``datePublished``, and a ``<time>`` element that is the article's date line.
Modified dates are ignored, which is why htmldate's ``find_date`` (which falls
back to modified dates and, in extensive mode, to copyright years) is not
used.

Date strings are parsed with dateparser (:func:`parse_date`).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache

import dateparser

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue(?:s)?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_ORD = r"(?:st|nd|rd|th)?"
#: A complete calendar date as press releases write it. Group ``d`` is the date
#: itself, without a leading weekday.
DATE_RE = re.compile(
    rf"(?:\b{_WEEKDAY},?\s+(?:the\s+)?)?"
    r"(?P<d>"
    rf"\b\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b"  # 5 March 2018, 9th of March, 2021
    rf"|\b{_MONTH}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}\b"  # March 5, 2018 / Mar 5 2018
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # ISO
    r"|\b\d{4}/\d{1,2}/\d{1,2}\b"  # 2021/03/12
    r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b"  # 12/03/2021, 12.03.2021
    r")",
    re.IGNORECASE,
)

#: Labels that introduce a publication date at the start of a line.
PUBLISHED_LABEL = re.compile(
    r"^\W*(?:date(?:d)?|published(?:\s+on)?|publication\s+date|date\s+of\s+(?:publication|issue)"
    r"|posted(?:\s+on)?|issued(?:\s+on)?|released(?:\s+on)?|release\s+date"
    r"|(?:press|news|media)\s+(?:release|statement|advisory))\b\s*[:\-–—|,]?\s*",
    re.IGNORECASE,
)
#: Lines that state a revision, not the publication ("Last updated: 10 October 2013").
_REVISION = re.compile(r"\b(?:updated|update|modified|revised|reviewed|edited)\b|©|\(c\)|copyright", re.IGNORECASE)
#: Picture captions and credits; their dates are the picture's, not the document's.
CAPTION = re.compile(r"^\W*(?:photo|image|picture|caption|credit|video|file photo|source)s?\b\s*[:/|–—-]", re.IGNORECASE)
#: Lines that are a label of the document's genre, not its title.
GENRE_LABEL = re.compile(
    r"^\W*(?:(?:joint\s+)?(?:press|news|media)\s+(?:release|statement|advisory|note|briefing)s?"
    r"|for\s+immediate\s+release|news|statement|announcement|update|readout|embargo(?:ed)?\b.*"
    r"|(?:information|background|concept|media)\s+note|communiqu[ée]|bulletin|newsletter"
    r"|(?:mission|embassy|ministry|delegation)\s+news|(?:[\w ]+[–—-]\s*)?meetings?\s+(?:summary|coverage)|press\s+summary"
    r"|(?:no|ref|reference|our\s+ref)\.?\s*[:.]\s*[\w/.-]+)"
    r"(?:\s*(?:no\.?|n[°º]|#)\s*[\w/.-]+)?\W*$",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?:\s*(?i:[ap]\.?m\.?))?(?:\s*\(?[A-Z]{2,5}\)?(?![a-z]))?"
    r"|\b\d{1,2}\s*(?i:[ap]\.?m\.?)(?!\w)"
)
_NUMBER_LABEL = re.compile(r"\b(?:no\.?|n[°º]|#)\s*\d[\w/.-]*", re.IGNORECASE)
_BY_LINE = re.compile(r"\s+by\s+.*$", re.IGNORECASE)
#: Small words allowed in a place or label beside a date ("Office in Dushanbe").
_GLUE = frozenset("in of and the for at de du la le des del".split())
#: Words allowed lower-case beside a date (genre labels, "posted on").
_LABEL_WORDS = frozenset(
    "press release news statement media advisory note posted published issued released date dated on".split()
)
#: A line starting with one of these tells when something happened, not when it was published.
_PREPOSITION = frozenset("on from between since by until till in at during as before after".split())
_DASH_SEP = re.compile(r"\s+[-–—]{1,2}\s+|\s*[–—]\s*|\s+--?\s*")


@lru_cache(maxsize=4096)
def parse_date(text: str, order: str = "DMY") -> dt.date | None:
    """Parse one complete date string ("5 March 2018", "Mar 12, 2021", "12/03/2021", ISO) with dateparser.

    Returns a :class:`datetime.date`, or None when the string lacks a day,
    month or year or is not a date. ISO timestamps give the date as written
    (no time-zone conversion). Ambiguous numeric dates are read day first,
    or month first with ``order="MDY"`` (the document's own evidence:
    :func:`ctrack.extract.dates.numeric_date_order`).
    """
    text = text.strip()
    iso = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)", text)
    if iso:
        text = iso.group(1)
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "DATE_ORDER": "YMD" if re.match(r"\d{4}\b", text) else order,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None or parsed.year < 1900:
        return None
    return parsed.date()


def date_line(line: str, *, labelled: bool = False, order: str = "DMY") -> dt.date | None:
    """The date of a line that is nothing but a date with place or genre labels, else None.

    Accepted: exactly one complete date (:data:`DATE_RE`), plus at most a few
    other words that are capitalized (a place, an agency, a weekday), genre
    labels ("Press release", "posted on"), a time of day or a release number.
    Rejected: revision and copyright lines, captions, lines that begin with a
    preposition ("On 5 March 2021" tells when something happened), lines with
    other numbers (date ranges) or ordinary lower-case words (a sentence).
    With ``labelled`` the caller has already removed a publication label, and
    a trailing "by <author>" is allowed.
    """
    line = line.strip()
    if not line or _REVISION.search(line) or CAPTION.match(line):
        return None
    if labelled:
        line = _BY_LINE.sub("", line)
    matches = list(DATE_RE.finditer(line))
    if len(matches) != 1:
        return None
    rest = line[: matches[0].start()] + " " + line[matches[0].end():]
    rest = _NUMBER_LABEL.sub(" ", _TIME.sub(" ", rest))
    if re.search(r"\d", rest):
        return None
    words = re.findall(r"[^\W\d_][\w'’.-]*", rest)
    if len(words) > 8:
        return None
    if words and words[0].lower() in _PREPOSITION and not labelled:
        return None
    for w in words:
        if not (w[0].isupper() or w.lower() in _GLUE or w.lower() in _LABEL_WORDS):
            return None
    return parse_date(matches[0].group("d"), order)


def labelled_date(line: str, order: str = "DMY") -> dt.date | None:
    """The date of a line that starts with a publication label ("Date:", "Published on", "Posted on"), else None."""
    line = line.strip()
    if _REVISION.search(line) or CAPTION.match(line):
        return None
    m = PUBLISHED_LABEL.match(line)
    if not m:
        return None
    return date_line(line[m.end():], labelled=True, order=order)


def dateline_date(paragraph: str, order: str = "DMY") -> dt.date | None:
    """The date of a news dateline opening ``paragraph`` ("CAIRO, 5 March 2018 – …"), else None.

    Each prefix of the first 120 characters that ends at a dash (spaced
    hyphen, en or em dash) is tried with :func:`date_line`; the first that is
    a place and/or agency with one complete date wins. A prefix that begins
    with a preposition ("On 5 March 2021 – …") is an event date and is
    rejected.
    """
    head = paragraph.strip()[:120]
    if CAPTION.match(head):
        return None
    for m in _DASH_SEP.finditer(head):
        prefix = head[: m.start()].strip(" ,:")
        if not prefix:
            continue
        found = date_line(prefix, order=order)
        if found:
            return found
    return None


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n")]


def is_body_line(line: str) -> bool:
    """True for a line that reads as body text: more than 20 words, or a sentence of more than 12 words."""
    words = line.split()
    return len(words) > 20 or (len(words) > 12 and line.rstrip()[-1:] in ".!?:;\"”")


def _skippable_title(line: str) -> bool:
    return bool(
        GENRE_LABEL.match(line)
        or CAPTION.match(line)
        or labelled_date(line)
        or date_line(line)
    )


def _genre_line(line: str) -> bool:
    return bool(GENRE_LABEL.match(line)) or bool(
        re.search(r"\b(?:release|statement|advisory|news|note|bulletin)\b", line, re.IGNORECASE)
        and (date_line(line) or labelled_date(line))
    )


def title_index(lines: list[str]) -> int | None:
    """Index in ``lines`` of the title line, or None when there is none.

    The title is the first non-empty line that is not a genre label
    ("Press release"), a caption or a date line, except that when a genre
    label comes first, lines above it are letterhead ("Ministry of Foreign
    Affairs" / "Press release No. 45" / date / title) and the title is the
    first such line after the label, if one comes before the body.
    """
    first_plain = after_label = None
    label_seen = False
    for i, line in enumerate(lines):
        if not line:
            continue
        if is_body_line(line) and not CAPTION.match(line):
            break
        if _genre_line(line):
            label_seen = True
            continue
        if _skippable_title(line):
            continue
        if first_plain is None:
            first_plain = i
        if label_seen and after_label is None:
            after_label = i
    if after_label is not None:
        return after_label
    if first_plain is not None:
        return first_plain
    return next((i for i, line in enumerate(lines) if line and not _skippable_title(line)), None)


def find_title(text: str) -> str | None:
    """The title line of a document's text (see :func:`title_index`), or None for empty text."""
    lines = _lines(text)
    i = title_index(lines)
    return lines[i] if i is not None else None


def find_published(text: str, title: str | None = None) -> dt.date | None:
    """The publication date ``text`` states (rules 1–5 in the module docstring), or None.

    ``text`` is a normalized document text (``Document.text``); ``title``,
    when given, is the line to treat as the title (else :func:`title_index`).
    """
    from ctrack.extract.dates import numeric_date_order

    order = numeric_date_order(text)  # "04.13.2019" elsewhere in the text makes 05.06.2019 May 6
    lines = _lines(text)
    t_idx = None
    if title is not None:
        t_idx = next((i for i, ln in enumerate(lines) if ln == title.strip()), None)
    if t_idx is None:
        t_idx = title_index(lines)
    nonempty = [i for i, ln in enumerate(lines) if ln]
    body_idx = next(
        (i for i in nonempty if i != t_idx and is_body_line(lines[i]) and not CAPTION.match(lines[i])), None
    )
    head_end = body_idx if body_idx is not None else len(lines)
    head = [i for i in nonempty if i < head_end and i != t_idx][:8]
    for rule in (labelled_date, date_line):
        for i in head:
            found = rule(lines[i], order=order)
            if found:
                return found
    if body_idx is not None:
        found = dateline_date(lines[body_idx], order)
        if found:
            return found
    for i in nonempty:
        if i in head or i == t_idx:
            continue
        if len(lines[i].split()) <= 14:
            found = labelled_date(lines[i], order)
            if found:
                return found
    if nonempty and nonempty[-1] not in head and nonempty[-1] != t_idx:
        last = lines[nonempty[-1]]
        if len(last.split()) <= 8:
            return date_line(last, order=order)
    return None


# --- HTML markup -----------------------------------------------------------

#: meta name/property/itemprop values that carry the publication date.
PUBLISHED_META = frozenset(
    s.lower()
    for s in (
        "article:published_time", "og:article:published_time", "og:published_time", "published_time",
        "datePublished", "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created",
        "pubdate", "publishdate", "publish_date", "publish-date", "publication_date", "date.published",
        "sailthru.date", "parsely-pub-date", "citation_publication_date", "citation_date",
        "article.published", "date", "dc.date",
    )
)
_TIME_CLASS = re.compile(r"publish|post-?date|pub-?date|entry-date|article-date|byline|dateline|meta|date", re.I)
_FURNITURE_TAGS = ("aside", "nav", "footer")


def _jsonld_dates(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "datePublished" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_jsonld_dates(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_jsonld_dates(item))
    return found


def _in_furniture(el) -> bool:
    for anc in el.iterancestors():
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag in _FURNITURE_TAGS:
            return True
        marks = f"{anc.get('class', '')} {anc.get('id', '')}".lower()
        if re.search(r"sidebar|related|most-read|popular|widget|comment", marks):
            return True
    return False


def html_published(tree) -> dt.date | None:
    """The publication date stated in an HTML page's markup, or None.

    ``tree`` is an lxml HTML tree. Looks, in order, at ``<meta>`` tags named
    in :data:`PUBLISHED_META`, JSON-LD ``datePublished``, microdata
    ``itemprop="datePublished"``, and ``<time>`` elements that stand as the
    article's date line (a ``pubdate`` attribute, or a block of at most 60
    characters outside sidebars, navigation and footers, not saying
    "updated"). Modified/updated dates are never used.
    """
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in PUBLISHED_META:
            found = parse_date(meta.get("content") or "") if meta.get("content") else None
            if found:
                return found
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for value in _jsonld_dates(data):
            found = parse_date(value)
            if found:
                return found
    for el in tree.iter():
        if not isinstance(el.tag, str) or (el.get("itemprop") or "").lower() != "datepublished":
            continue
        value = el.get("content") or el.get("datetime") or el.text_content()
        found = parse_date(value) if value else None
        if found:
            return found
    for el in tree.iter("time"):
        if _in_furniture(el):
            continue
        block = el.getparent() if el.getparent() is not None else el
        block_text = " ".join(block.text_content().split())
        marks = " ".join(
            f"{x.get('class', '')} {x.get('id', '')}" for x in (el, block)
        )
        if _REVISION.search(block_text) or re.search(r"updat|modif", marks, re.I):
            continue
        if el.get("pubdate") is None and not (len(block_text) <= 60 or _TIME_CLASS.search(marks)):
            continue
        value = el.get("datetime") or el.text_content()
        found = parse_date(value) if value and DATE_RE.search(value) else None
        if found:
            return found
    return None
