"""Text clean-up shared by the readers: repair, line endings, paragraphs, re-flow.

Every reader ends with :func:`normalize`, so that :attr:`Document.text` has one
shape whatever the source: text repaired with ftfy (mojibake, HTML entities
left in plain text, odd line separators), ``"\\n"`` line endings, no trailing
blanks, paragraphs separated by exactly one blank line, no blank lines at the
start or end. All character offsets later stages store refer to that string.

:func:`join_lines` re-flows the lines of one paragraph (PDF lines, hard-wrapped
plain text) into one line, joining words hyphenated across a line break.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import ftfy

#: Horizontal white space other than the plain space (tab, no-break space,
#: the Unicode spaces U+2000..U+200A, narrow no-break, medium mathematical,
#: ideographic); each becomes one plain space.
_HSPACE = re.compile(r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
#: Zero-width characters and the soft hyphen, which only steer rendering.
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r" {2,}")
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*")
_BLANK_RUNS = re.compile(r"\n{3,}")

#: First parts of compounds that keep their hyphen when a line break falls
#: on it ("counter-\nterrorism" -> "counter-terrorism"), used only when the
#: document itself gives no evidence either way.
HYPHEN_PREFIXES = frozenset(
    "counter anti non self cross ex well high low long short full all mid follow".split()
)


def normalize(text: str) -> str:
    """Return ``text`` repaired and normalized (the form of ``Document.text``).

    Steps: ``ftfy.fix_text`` (also turns ``\\r\\n``, ``\\r`` and U+2028/2029
    into ``\\n``, straightens curly quotes and splits ligatures such as "ﬁ");
    a soft hyphen at a line end joins the word across the break; zero-width
    characters and other soft hyphens removed; tabs and Unicode spaces become spaces; runs of spaces
    collapse to one; each line stripped; runs of blank lines collapse to one
    blank line; leading and trailing blank lines dropped. Returns ``""`` for
    text with nothing but white space.
    """
    text = ftfy.fix_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_HYPHEN_BREAK.sub("", text)  # "Gen\u00ad\neral": one word split at a hyphenation point
    text = _INVISIBLE.sub("", text)
    text = _HSPACE.sub(" ", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def paragraphs_to_text(paragraphs: Iterable[str]) -> str:
    """Join paragraphs with one blank line between them and :func:`normalize` the result.

    Empty paragraphs are dropped; a line break inside a paragraph stays a
    single ``"\\n"``. Returns ``""`` when no paragraph has text.
    """
    kept = [p.strip() for p in paragraphs if p and p.strip()]
    return normalize("\n\n".join(kept))


@lru_cache(maxsize=8)
def _vocabulary(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Lower-cased words and hyphenated compounds found in ``text`` (cached: one document is asked many times)."""
    lower = text.lower()
    words = frozenset(re.findall(r"[^\W\d_]+", lower))
    compounds = frozenset(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+", lower))
    return words, compounds


def _keeps_hyphen(head: str, tail: str, words: frozenset[str], compounds: frozenset[str]) -> bool:
    """Decide whether ``head-`` + ``tail`` across a line break is a real compound.

    Evidence from the document wins (the compound written elsewhere with its
    hyphen, or the joined word written elsewhere); otherwise a capitalized
    second part ("Asia-\\nPacific") or a prefix in :data:`HYPHEN_PREFIXES`
    keeps the hyphen, and anything else is taken for typesetting hyphenation
    and joined without it.
    """
    h, t = head.lower(), tail.lower()
    if f"{h}-{t}" in compounds or any(c.startswith(f"{h}-{t}-") for c in compounds):
        return True
    if h + t in words:
        return False
    if tail[:1].isupper():
        return True
    return h in HYPHEN_PREFIXES


def join_lines(lines: Sequence[str], context: str = "") -> str:
    """Re-flow the lines of one paragraph into one line.

    ``lines`` are the physical lines (already stripped or not); ``context`` is
    text to look words up in when deciding on hyphens (usually the whole
    document). A line ending in a letter and ``-`` followed by a line starting
    with a letter is joined without a space, keeping the hyphen only when
    :func:`_keeps_hyphen` says so; other lines are joined with one space.
    Returns the joined line.
    """
    words, compounds = _vocabulary(context or "\n".join(lines))
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        m = re.search(r"([^\W\d_]+)-$", out)
        n = re.match(r"[^\W\d_]+", line)
        if m and n and not out.endswith(" -"):
            if _keeps_hyphen(m.group(1), n.group(0), words, compounds):
                out = out + line
            else:
                out = out[:-1] + line
        elif re.search(r"\d-$", out) and line[:1].isdigit():
            out = out + line  # a range or code broken after its hyphen: "2019-\n2020"
        else:
            out = out + " " + line
    return out


def stands_alone(line: str) -> bool:
    """True for a line never joined to the one above: a date or "Date:" line, a caption, a genre label, a list item."""
    from ctrack.ingest import metadata  # metadata does not import clean; imported here to keep clean light

    return bool(
        re.match(r"[-*•·]\s|\d{1,2}[.)]\s", line)
        or metadata.CAPTION.match(line)
        or metadata.GENRE_LABEL.match(line)
        or metadata.labelled_date(line)
        or metadata.date_line(line)
    )


def unwrap(text: str) -> str:
    """Re-flow plain text that was hard-wrapped at a fixed width; other text is returned unchanged.

    The wrap width W is the longest line. The text counts as hard-wrapped
    when W is between 50 and 100 characters and at least three lines, and at least
    a quarter of the non-blank lines, are "full" (within 20 characters of W).
    Then each full line is joined (:func:`join_lines`) with the line after it
    in the same paragraph; short lines (titles, date lines, the last line of a
    paragraph) end their paragraph line as before, and so does a line followed
    by one that stands alone (:func:`stands_alone`: a date line, a caption,
    a genre label, a list item). ``text`` must already have
    been through :func:`normalize`.
    """
    lines = text.split("\n")
    nonblank = [ln for ln in lines if ln]
    if not nonblank:
        return text
    width = max(len(ln) for ln in nonblank)
    full = [bool(ln) and len(ln) >= width - 20 for ln in lines]
    if not 50 <= width <= 100 or sum(full) < 3 or sum(full) * 4 < len(nonblank):
        return text
    out: list[str] = []
    group: list[str] = []
    for i, (line, is_full) in enumerate(zip(lines, full)):
        if not line:
            if group:
                out.append(join_lines(group, text))
                group = []
            out.append("")
            continue
        group.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not is_full or stands_alone(nxt):
            out.append(join_lines(group, text))
            group = []
    if group:
        out.append(join_lines(group, text))
    return "\n".join(out)
