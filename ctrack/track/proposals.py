"""Sentences of ingested documents that state recommendations or technical-assistance needs, proposed for review.

A sentence is a candidate when it contains one of the cues of :data:`CUES`
("recommendations", "recommended", "technical assistance needs", "priority
needs", "requires assistance", "requiring the provision of technical
assistance" …). Photo captions and the document's title line are skipped.
Each candidate becomes a recommendation in review state ``proposed`` with
its source span (document, start, end), tied to:

1. the member states named in the sentence (the knowledge base's mentions in
   that span, else state names and demonyms from the gazetteer, organization
   names masked so "UN Assistance Mission in Afghanistan" is not a state);
2. else the document's subject states (e.g. the state an assessment visit
   was to);
3. else no state: the reviewer must set it before confirming.

One proposal per state. When the document reports an assessment visit to
that state, the visit is the proposal's source event. Proposing is
idempotent: a span already proposed for a state (whatever a reviewer decided
on it since) is not proposed again.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from ctrack.store import track_repo as repo
from ctrack.store.models import ReviewState
from ctrack.store.track_models import DbRecommendation, Priority
from ctrack.track import recommendations

#: (pattern, what it signals): "rec" a recommendation, "ta" a technical-assistance need, "priority" a priority need.
CUES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\brecommendations?\b", re.I), "rec"),
    (re.compile(r"\brecommend(?:s|ed|ing)?\b", re.I), "rec"),
    (re.compile(r"\btechnical[- ]assistance needs?\b", re.I), "ta"),
    (re.compile(r"\bassistance needs?\b", re.I), "ta"),
    (re.compile(r"\bneeds? (?:for|of) (?:technical )?assistance\b", re.I), "ta"),
    (re.compile(r"\brequir(?:e|es|ed|ing)\s+(?:the\s+provision\s+of\s+)?(?:technical\s+)?assistance\b", re.I), "ta"),
    (re.compile(r"\brequests? for (?:technical )?assistance\b", re.I), "ta"),
    (re.compile(r"\bpriority (?:[\w-]+ ){0,3}needs?\b", re.I), "priority"),
]

_CAPTION = re.compile(r"^\s*(?:photo|image|picture|caption|credit)\s*:", re.I)
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]?(?=\s+[A-Z“\"'(])|\n+")
_ABBREVIATIONS = {"mr", "ms", "mrs", "dr", "h.e", "st", "no", "amb", "gen", "prof", "u.s", "u.n", "e.g", "i.e",
                  "jr", "sr", "rev", "col", "lt", "art", "para", "vol", "fig"}


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, surrounding spaces excluded.

    Sentences end at ".", "!" or "?" (optionally followed by a closing quote
    or bracket) before a capital, and at line breaks; a period after a title
    or initial ("Ms.", "H.E.", "J.") does not end one.
    """
    out: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] == ".":
            word = re.search(r"([\w.]+)\.$", text[max(0, m.start() - 12):m.start() + 1])
            token = word.group(1).casefold() if word else ""
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        end = m.start() if m.group(0)[0] == "\n" else m.end()
        _add(out, text, start, end)
        start = m.end()
    _add(out, text, start, len(text))
    return out


def _add(out: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def cues(sentence: str) -> set[str]:
    """The signals of :data:`CUES` found in a sentence ({"rec", "ta", "priority"} or a subset)."""
    return {kind for pat, kind in CUES if pat.search(sentence)}


@lru_cache(maxsize=1)
def _state_pattern() -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    from ctrack.gazetteer import get_gazetteer

    surfaces: dict[str, tuple[str, str]] = {}
    for surface, label, key in get_gazetteer().phrases(include_cities=False):
        if label in ("STATE", "DEMONYM", "ORG") and surface[:1].isupper():
            surfaces.setdefault(surface, (label, key))
    alternation = "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"), surfaces


def states_named(sentence: str) -> list[str]:
    """ISO3 codes of the member states a sentence names (names, long names, demonyms; capitalized), in text order."""
    pattern, surfaces = _state_pattern()
    out = []
    for m in pattern.finditer(sentence):
        label, key = surfaces[m.group(0)]
        if label in ("STATE", "DEMONYM") and key not in out:
            out.append(key)
    return out


@dataclass
class Candidate:
    """A sentence proposed as a recommendation: span, text, states, and what its cues say."""

    document_id: int
    start: int
    end: int
    text: str
    states: list[str]
    state_reason: str
    ta_needed: bool
    priority: bool


def candidates(session: Session, document_id: int) -> list[Candidate]:
    """The candidate sentences of one stored document, with their states (see the module docstring)."""
    doc = repo.documents(session, [document_id])[0]
    subject = None
    out = []
    for start, end in sentences(doc.text):
        sentence = doc.text[start:end].strip()
        if _CAPTION.match(sentence) or (doc.title and sentence.strip() == doc.title.strip()):
            continue
        found = cues(sentence)
        if not found:
            continue
        states = repo.states_mentioned(session, document_id, start, end)
        reason = "named in the sentence"
        if not states:
            states = states_named(sentence)
        if not states:
            if subject is None:
                subject = repo.subject_states(session, document_id)
            states, reason = subject, "subject of the document's events"
        out.append(Candidate(document_id=document_id, start=start, end=end, text=" ".join(sentence.split()),
                             states=states, state_reason=reason if states else "no state found",
                             ta_needed=bool(found & {"ta", "priority"}), priority="priority" in found))
    return out


def propose(session: Session, *, user: str, document_ids: Sequence[int] | None = None) -> list[DbRecommendation]:
    """Store the proposals of the given documents (default: all), skipping spans already proposed; returns the new rows."""
    created = []
    for doc in repo.documents(session, document_ids):
        for cand in candidates(session, doc.id):
            done = {r.state for r in repo.proposal_at(session, doc.id, cand.start, cand.end)}
            for iso3 in cand.states or [None]:
                if iso3 in done:
                    continue
                data = recommendations.RecInput(
                    state=iso3, text=cand.text, ta_needed=cand.ta_needed,
                    priority=Priority.HIGH if cand.priority else None,
                    source=f"{doc.doc_key}: {doc.title}" if doc.title else doc.doc_key, issued_on=doc.published,
                    source_event_id=repo.assessment_visit(session, doc.id, iso3) if iso3 else None)
                created.append(recommendations.create(
                    session, data, user=user, review_state=ReviewState.PROPOSED, source_document_id=doc.id,
                    span=(cand.start, cand.end),
                    comment=f"proposed from document {doc.doc_key} ({cand.state_reason})"))
    return created
