"""The working state of one document's extraction.

:class:`DocContext` holds the text, its sentences, the actor mentions found so
far and the actor table keyed by canonical key. The rule modules
(:mod:`~ctrack.extract.actors`, :mod:`~ctrack.extract.persons`,
:mod:`~ctrack.extract.events`, :mod:`~ctrack.extract.roles`) read and add to
it in turn; :func:`ctrack.extract.extract` turns it into a
:class:`ctrack.schema.Record`.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ctrack.schema import ActorKind, Span


@dataclass
class Sentence:
    """A sentence (never crossing a paragraph break): ``start``/``end`` are character offsets."""

    index: int
    start: int
    end: int
    text: str


@dataclass
class Mention:
    """One occurrence of an actor in the text (character offsets, end exclusive)."""

    start: int
    end: int
    text: str
    key: str
    rule: str

    def span(self) -> Span:
        """The mention as an evidence :class:`~ctrack.schema.Span`."""
        return Span(start=self.start, end=self.end, text=self.text, rule=self.rule)


@dataclass
class ActorEntry:
    """An actor of the document under construction, keyed by its canonical key.

    ``is_actor`` is False for a state seen only as a place or a topic (SCHEMA.md:
    "Countries that are only a topic or a place … are not actors"); such
    entries are dropped from the record unless a rule marks them later.
    """

    key: str
    kind: ActorKind
    name: str
    acronym: str | None = None
    iso3: str | None = None
    title: str | None = None
    title_rank: int = 99
    affiliation: str | None = None
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    is_actor: bool = True


@dataclass
class DocContext:
    """Everything the rules know about one document while extracting it."""

    text: str
    published: dt.date | None
    sentences: list[Sentence]
    doc: object = None  # the spaCy Doc
    actors: dict[str, ActorEntry] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    triggers: dict = field(default_factory=dict)  # sentence index -> event triggers (filled by extract.events)
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence that contains character ``offset``."""
        i = max(0, bisect_right(self._starts, offset) - 1)
        return self.sentences[i]

    def add_actor(self, entry: ActorEntry) -> ActorEntry:
        """Add ``entry`` unless its key is known; return the stored entry."""
        if entry.key in self.actors:
            stored = self.actors[entry.key]
            stored.is_actor = stored.is_actor or entry.is_actor
            return stored
        self.actors[entry.key] = entry
        return entry

    def add_mention(self, mention: Mention) -> None:
        """Record a mention of an actor already in :attr:`actors`, unless it overlaps a kept one."""
        for m in self.mentions:
            if m.start < mention.end and mention.start < m.end:
                return
        self.mentions.append(mention)
        self.actors[mention.key].mentions.append(mention)
        self.actors[mention.key].aliases.add(mention.text)

    def covered(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps a recorded mention."""
        return any(m.start < end and start < m.end for m in self.mentions)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions lying inside [start, end), in text order."""
        return sorted((m for m in self.mentions if m.start >= start and m.end <= end), key=lambda m: m.start)


_SENT_SPLIT = re.compile(r"\n\s*\n|\n")


def split_sentences(text: str, doc) -> list[Sentence]:
    """Sentences from the spaCy ``doc``, also split at every line break.

    Returns :class:`Sentence` objects in text order with character offsets into
    ``text``. Headlines, captions and datelines are their own sentences.
    """
    bounds: list[tuple[int, int]] = []
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        pos = s
        for m in _SENT_SPLIT.finditer(text, s, e):
            if m.start() > pos:
                bounds.append((pos, m.start()))
            pos = m.end()
        if e > pos:
            bounds.append((pos, e))
    out: list[Sentence] = []
    for s, e in bounds:
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        chunk = chunk.strip()
        if chunk:
            out.append(Sentence(index=len(out), start=s + lead, end=s + lead + len(chunk), text=chunk))
    return _merge_abbreviation_breaks(out, text)


_ABBREV_END = re.compile(r"(?:\b(?:Mr|Ms|Mrs|Dr|Prof|St|No|H\.E|U\.N|U\.S|e\.g|i\.e|Gen|Col|Amb)\.)$")


def _merge_abbreviation_breaks(sents: list[Sentence], text: str) -> list[Sentence]:
    """Re-join sentences that the statistical splitter broke after "Mr." and the like."""
    out: list[Sentence] = []
    for s in sents:
        if out and _ABBREV_END.search(out[-1].text) and "\n" not in text[out[-1].end:s.start]:
            prev = out[-1]
            out[-1] = Sentence(index=prev.index, start=prev.start, end=s.end, text=text[prev.start:s.end])
        else:
            out.append(Sentence(index=len(out), start=s.start, end=s.end, text=s.text))
    return out
