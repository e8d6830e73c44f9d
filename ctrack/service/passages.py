"""Source passages: the sentences around stored evidence spans, with the spans marked.

Mentions carry character offsets into their document's text
(:class:`ctrack.store.web_repo.EvidenceSpan`). :func:`passages` cuts the
sentence (or the sentences) around each span, joins spans that fall in the
same sentence, and returns the marks as offsets into the passage, so a page
can highlight them and an API client can too.

Sentence bounds are found with a light rule (a line break, or ``.``, ``!``,
``?`` followed by a space and an upper-case letter or a quote, except after
honorifics and common abbreviations such as "Mr." or "H.E."); no model is
run at page-view time.
"""
from __future__ import annotations

import re
from collections import defaultdict

from pydantic import BaseModel, Field

from ctrack.store.views import SourceRow
from ctrack.store.web_repo import EvidenceSpan

_BOUNDARY = re.compile(r"\n+|(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“‘(])")
_ABBREV = re.compile(r"(?:\b(?:Mr|Ms|Mrs|Dr|Prof|St|No|H\.E|U\.N|U\.S|e\.g|i\.e|Gen|Col|Amb|Sr|Jr|Mt|Lt|Rev|Hon)\.|"
                     r"\b[A-Z]\.)$")
#: Longest passage (characters); a longer sentence is cut around its marks.
MAX_PASSAGE = 700


class Mark(BaseModel):
    """A marked span of a passage: ``[start, end)`` offsets into :attr:`Passage.text`, and what it supports."""

    start: int
    end: int
    label: str
    mention_id: int


class Passage(BaseModel):
    """A sentence of a document (``doc_start``/``doc_end`` into its text) with the evidence marked in it."""

    document_id: int
    doc_start: int
    doc_end: int
    text: str
    marks: list[Mark] = Field(default_factory=list)


class SourcePassages(BaseModel):
    """The passages of one source document."""

    source: SourceRow
    passages: list[Passage] = Field(default_factory=list)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The ``[start, end)`` of the sentence(s) of ``text`` that hold ``[start, end)``."""
    cuts = [0]
    for m in _BOUNDARY.finditer(text):
        if not _ABBREV.search(text[max(0, m.start() - 6):m.start()]):
            cuts.append(m.end())
    cuts.append(len(text))
    lo = max((c for c in cuts if c <= start), default=0)
    hi = min((c for c in cuts if c >= end and c > lo), default=len(text))
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    if hi - lo > MAX_PASSAGE:  # a very long sentence: keep a window around the span, cut between words
        if start - lo > MAX_PASSAGE // 3:
            cut = text.find(" ", start - MAX_PASSAGE // 3, start)
            lo = cut + 1 if cut >= 0 else start
        if hi - lo > MAX_PASSAGE:
            cut = text.rfind(" ", max(end, lo + 1), lo + MAX_PASSAGE)
            hi = cut if cut > end else max(end, lo + MAX_PASSAGE)
    return lo, hi


def label_of(span: EvidenceSpan) -> str:
    """What a span supports, in words: "organizer: OSCE", "event", "actor: CTED"."""
    if span.target == "role" and span.actor and span.role:
        return f"{span.role.value}: {span.actor.short}"
    if span.target == "actor" and span.actor:
        return f"actor: {span.actor.short}"
    return "event"


def passages(spans: list[EvidenceSpan], texts: dict[int, str]) -> dict[int, list[Passage]]:
    """Passages per document id: one per sentence holding at least one span, marks in offset order.

    ``texts`` maps document ids to their text (:func:`ctrack.store.web_repo.document_texts`);
    spans whose offsets do not fit their document's text are left out.
    """
    by_sentence: dict[tuple[int, int, int], list[EvidenceSpan]] = defaultdict(list)
    for span in spans:
        text = texts.get(span.document_id)
        if text is None or not (0 <= span.start < span.end <= len(text)):
            continue
        lo, hi = sentence_bounds(text, span.start, span.end)
        by_sentence[(span.document_id, lo, hi)].append(span)
    out: dict[int, list[Passage]] = defaultdict(list)
    for (doc_id, lo, hi), group in sorted(by_sentence.items()):
        marks = [Mark(start=s.start - lo, end=min(s.end, hi) - lo, label=label_of(s), mention_id=s.id)
                 for s in sorted(group, key=lambda s: (s.start, -s.end))]
        out[doc_id].append(Passage(document_id=doc_id, doc_start=lo, doc_end=hi, text=texts[doc_id][lo:hi],
                                   marks=marks))
    return dict(out)


def segments(text: str, marks: list[Mark]) -> list[tuple[str, list[Mark]]]:
    """``text`` cut at every mark boundary: ``(piece, marks covering it)`` in order (for templates).

    Overlapping marks are fine: a piece lists every mark that covers it.
    """
    points = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for a, b in zip(points, points[1:]):
        if a >= b:
            continue
        covering = [m for m in marks if m.start <= a and m.end >= b]
        pieces.append((text[a:b], covering))
    return pieces


__all__ = ["Mark", "Passage", "SourcePassages", "sentence_bounds", "label_of", "passages", "segments",
           "MAX_PASSAGE"]
