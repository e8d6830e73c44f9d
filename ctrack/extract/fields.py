"""Fact sheets: an event's facts given as labelled lines ("Date: 10-11 May 2023", "Venue: Dakar", "Organizers: …").

Notes verbales, concept notes, programmes and Word documents often lay an
event out as a two-column table (ingest turns each row into a "Label: value"
line) or as labelled lines. Sentences are then not where the facts are, so the
cue rules miss them. This step reads such lines, with the labels of
``ctrack/data/cues.json`` (``field_labels``), and gives their facts to the
document's main event: its date and venue when it has none, and a role to
every actor named in an organizer, funder, supporter, speaker, chair or
participant line. A document counts as a fact sheet only with two or more
labelled lines, one of them not a date (a lone "Date:" line under a headline
is the publication date).
"""
from __future__ import annotations

import re

from ctrack.extract.context import DocContext
from ctrack.extract.events import EventDraft, EventIndex, _lookup_city_prefix, find_triggers
from ctrack.extract.lexicon import FIELD_LABELS
from ctrack.gazetteer import get_gazetteer
from ctrack.schema import EventStatus, EventType, RoleType, Span

_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ()/&\-]{1,40}?)\s*:\s*(?P<value>\S.*)$")
_LABEL_FIELD: dict[str, list[str]] = {}
for _field, _labels in FIELD_LABELS.items():
    for _label in _labels:
        _LABEL_FIELD.setdefault(_label.lower(), []).append(_field)


def field_lines(ctx: DocContext) -> list[tuple[list[str], int, int]]:
    """The labelled lines of a fact sheet: [(fields, value start, value end)], character offsets into the text.

    Empty unless the document has two or more such lines with at least one that is not a date.
    """
    out = []
    for sent in ctx.sentences:
        m = _LINE.match(sent.text)
        if not m:
            continue
        fields = _LABEL_FIELD.get(" ".join(m.group("label").lower().split()))
        if fields:
            out.append((fields, sent.start + m.start("value"), sent.start + m.end("value")))
    if len(out) < 2 or all(f == ["date"] for f, _, _ in out):
        return []
    return out


def _venue(text: str) -> tuple[str | None, str | None]:
    gaz = get_gazetteer()
    parts = [p.strip() for p in re.split(r"[,;(]|\s+-\s+", text) if p.strip()]
    country = None
    for p in parts:
        st = gaz.lookup_state(re.sub(r"^the\s+", "", p))
        if st is not None:
            country = st.iso3
    for p in parts:
        words = re.sub(r"^(?:in|at)\s+", "", p)
        city = _lookup_city_prefix(words, country)
        if city is not None:
            return city.name, city.iso3
    return None, country


def apply_fact_sheet(ctx: DocContext, idx: EventIndex) -> None:
    """Give the facts of labelled lines to the document's main event (see the module docstring).

    The main event is :meth:`EventIndex.main`; when the document has none, an "Event:" line naming a
    trigger word makes one. Changes ``idx`` in place; does nothing when the document is no fact sheet.
    """
    lines = field_lines(ctx)
    if not lines:
        return
    target = idx.main()
    if target is None:
        for fields, s, e in lines:
            if "event" not in fields:
                continue
            sent = ctx.sentence_at(s)
            trig = next((t for t in find_triggers(ctx, sent) if t.start >= s), None)
            if trig is not None:
                target = EventDraft(type=trig.type, first=trig.start, sentence=sent.index, name=ctx.text[s:e].strip())
                target.evidence.append(Span(start=trig.start, end=trig.end, text=trig.text, rule=f"trigger:{trig.type.value}"))
                idx.events.append(target)
                idx.note(sent.index, target, trig)
                break
    if target is None:
        return
    for fields, s, e in lines:
        sent = ctx.sentence_at(s)
        idx.note(sent.index, target, None)
        if "date" in fields and target.start is None:
            d = next((d for d in idx.dates if s <= d.start < e and d.start_iso), None)
            if d is not None:
                target.start, target.end = d.start_iso, d.end_iso or d.start_iso
                if ctx.published is not None and target.start > ctx.published.isoformat()[:len(target.start)]:
                    target.status = EventStatus.PLANNED
                target.evidence.append(Span(start=d.start, end=d.end, text=d.text, rule="date:fact-sheet"))
        if "venue" in fields and target.city is None and target.country is None:
            city, country = _venue(ctx.text[s:e])
            if city or country:
                target.city, target.country = city, country
                target.evidence.append(Span(start=s, end=e, text=ctx.text[s:e], rule="venue:fact-sheet"))
        roles = [RoleType(f) for f in fields if f in RoleType._value2member_map_]
        if target.type is EventType.MEETING:
            roles = [RoleType.PARTICIPANT if r in (RoleType.SPEAKER, RoleType.CHAIR) else r for r in roles]
        for role in roles:
            for m in ctx.mentions_in(s, e):
                target.add_role(m.key, role, m)
