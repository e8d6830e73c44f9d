"""Events: triggers, within-document coreference, dates, venues and status.

An event is found from a trigger word of its type (:data:`EVENT_TRIGGERS`, from
SCHEMA.md's definitions). Mentions of one event across sentences are joined
("a high-level international conference" … "the conference was
co-organized" … "the Conference"): a definite mention with no name of its
own ("the conference", "this workshop", "the visit", "the event") refers to
the latest event of that type; an indefinite or named mention ("an informal
meeting", "the High-Level Conference of Heads …") starts a new event unless
an event of that name exists. Triggers in the headline join the body's
events of the same type.

Dates come from :func:`ctrack.extract.dates.find_dates` (nearest date in the
sentence; "concluded today a three-day visit" gives the range), venues from
"in CITY[, COUNTRY]" / "visit to X" phrases near the trigger, status from the
publication date and from future wording ("will", "planned for", "next",
"coming").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ctrack.extract.context import DocContext, Mention, Sentence
from ctrack.extract.dates import DateMention, duration_days, find_dates
from ctrack.extract.lexicon import EVENT_TRIGGERS, number_value
from ctrack.gazetteer import get_gazetteer, normalize_name
from ctrack.schema import ActorKind, EventStatus, EventType, RoleType, Span

#: Type priority when triggers of several types overlap (more specific first).
TYPE_PRIORITY = [EventType.ASSESSMENT_VISIT, EventType.BRIEFING, EventType.WORKSHOP, EventType.CONFERENCE,
                 EventType.LAUNCH, EventType.VISIT, EventType.MEETING]

_TRIGGER_RES = {
    t: re.compile(r"(?<![\w\-])(" + "|".join(re.escape(p) for p in sorted(words, key=len, reverse=True)) + r")(s|es)?(?![\w\-])", re.I)
    for t, words in EVENT_TRIGGERS.items()
}
#: Nouns after a trigger word that make it something other than an event ("training centre").
_NOT_EVENT_AFTER = re.compile(
    r"^\s*(?:centres?|centers?|programmes?|programs?|curricul\w*|needs|materials?|manuals?|institutions?|tools?|"
    r"products?|modules?|packages?|activities|officers?|capacit\w*|of (?:resolution|the resolution|security council resolution)s?)\b", re.I)
_GENERIC_ANAPHORS = re.compile(r"\b(?:the|this|that)\s+(?:(?:two|three|four|five|[a-z]+-day|same)\s+)?"
                               r"(event|session|gathering|week|one|presentation|ceremony|celebration)\b", re.I)
_EVENT_VERB = re.compile(r"\b(?:held|convened|organi[sz]ed|took place|take place|taking place|carried out|conducted|launched|"
                         r"hosted|scheduled|planned|opened|begins|began|started|ended|concluded|came to an end|wrapped up|finished|closed|"
                         r"completed|will be|is to be)\b", re.I)
_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|is planned|are planned|planned for|scheduled|upcoming|forthcoming|coming|next|"
                     r"to be held|is expected to take place|would take place)\b", re.I)
_PAST_END = re.compile(r"\b(?:concluded|wrapped up|completed|ended|came to an end|finished|closed)\b", re.I)


@dataclass
class EventDraft:
    """An event being built; ``roles`` hold (actor key, role, evidence mention)."""

    type: EventType
    first: int  # character offset of the first mention
    sentence: int
    name: str | None = None
    start: str | None = None
    end: str | None = None
    city: str | None = None
    country: str | None = None
    status: EventStatus = EventStatus.HELD
    delegations: int | None = None
    parent: "EventDraft | None" = None
    roles: list[tuple[str, RoleType, Mention | None]] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)
    named: bool = False
    end_only: bool = False
    series: bool = False  # a plural, counterpart-less meeting trigger ("held several bilateral meetings")
    caption: bool = False  # known only from a photo caption
    description: str | None = None  # a readable label when the text gives no name (see :func:`describe`)
    object: str | None = None  # for a launch: what was launched or adopted ("the Tashkent Declaration")
    counterparts: frozenset[str] = frozenset()
    confidence: float | None = None  # the event model's probability (see :mod:`ctrack.extract.decide`)
    role_confidence: dict = field(default_factory=dict)  # (actor key, role) -> the role model's probability

    def add_role(self, key: str, role: RoleType, mention: Mention | None = None) -> None:
        """Add (key, role) once."""
        if not any(k == key and r == role for k, r, _ in self.roles):
            self.roles.append((key, role, mention))

    def has_role(self, key: str, role: RoleType | None = None) -> bool:
        return any(k == key and (role is None or r == role) for k, r, _ in self.roles)


_DELEGATION_IN = re.compile(r"\b(?:delegation|team|mission|experts)\b[^.;]{0,100}?\b((?:was|were)\s+in)\s+(?:the\s+)?[A-Z]")


@dataclass
class Trigger:
    """A trigger word occurrence in a sentence."""

    type: EventType
    start: int
    end: int
    text: str
    plural: bool
    sentence: Sentence
    token: object = None  # the spaCy token of a syntactic trigger (:func:`syntactic_triggers`); None for a phrase


#: Parts of speech a syntactic trigger may have: a verb ("convened", "testified") or a noun ("hearing", "venue").
_SYNTACTIC_POS = {"VERB", "NOUN", "PROPN"}


def syntactic_triggers(ctx: DocContext, sent: Sentence) -> list[Trigger]:
    """Trigger *candidates* of ``sent`` found by the parse: every verb or noun whose lemma is one of
    :data:`ctrack.extract.lexicon.EVENT_LEMMAS` ("held an open *debate*", "was the *venue* of", "*testified* before"),
    once per event type the lemma may stand for, outside the phrases :func:`find_triggers` matched (those make
    events already) and outside actor mentions. They are not events: the proposal model (:mod:`ctrack.extract.decide`) decides. Each carries
    its token (``Trigger.token``). Empty when the document has no parse (``ctx.doc`` None)."""
    from ctrack.extract.lexicon import EVENT_LEMMAS

    if ctx.doc is None:
        return []
    phrases = find_triggers(ctx, sent)
    span = ctx.doc.char_span(sent.start, sent.end, alignment_mode="expand")
    if span is None:
        return []
    out: list[Trigger] = []
    for tok in span:
        if tok.pos_ not in _SYNTACTIC_POS:
            continue
        types = EVENT_LEMMAS.get(tok.lemma_.lower()) or EVENT_LEMMAS.get(tok.lower_)
        if not types:
            continue
        s, e = tok.idx, tok.idx + len(tok.text)
        if any(s < p.end and e > p.start for p in phrases) or ctx.covered(s, e):
            continue  # inside a trigger phrase, or a word of an actor's name ("the General Assembly")
        if tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].text == ":":
            continue  # a field label ("Published: 10 January 2023", "Venue: Dakar"), not a predicate
        plural = tok.tag_ in ("NNS", "NNPS")
        for etype in types:
            out.append(Trigger(etype, s, e, tok.text, plural, sent, tok))
    return out


def find_triggers(ctx: DocContext, sent: Sentence) -> list[Trigger]:
    """Non-overlapping event triggers of ``sent`` (longest match, then type priority); computed once per sentence."""
    cached = ctx.triggers.get(sent.index)
    if cached is None:
        cached = ctx.triggers[sent.index] = _find_triggers(ctx, sent)
    return list(cached)


def _find_triggers(ctx: DocContext, sent: Sentence) -> list[Trigger]:
    found: list[Trigger] = []
    for etype in TYPE_PRIORITY:
        for m in _TRIGGER_RES[etype].finditer(sent.text):
            s, e = sent.start + m.start(1), sent.start + m.end(0)
            word = m.group(1)
            after = ctx.text[e:e + 40]
            if _NOT_EVENT_AFTER.match(after):
                continue
            plural = bool(m.group(2)) or word.lower().endswith(("meetings", "visits", "consultations"))
            if etype is EventType.MEETING and word.lower() == "meeting" and (
                    re.search(r"\b(?:\w+-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|\w+(?:th|st|nd|rd)|first|second|"
                              r"third|annual|regular|plenary|ministerial|general|extraordinary|special|informal)\s+$",
                              sent.text[:m.start(1)], re.I)
                    or re.match(r"\s+of\s+(?:the\s+)?(?:[A-Z][\w\-]*\s+){0,3}(?:Council|Committee|Board|Assembly|Heads|Ministers|"
                                r"Member States|States Parties|Group|Forum)\b", ctx.text[e:e + 80])):
                etype = EventType.CONFERENCE  # "its thirty-second meeting", "a meeting of the Council": multilateral (NOTES)
            if etype is EventType.MEETING and (word.lower().endswith("with") or re.match(r"\s+with\b", ctx.text[e:e + 6])):
                plural = False  # "held meetings with A, B and C": one meeting per counterpart, not a series
            if etype is EventType.MEETING and word.lower() in {"received", "receives"} and not re.match(
                    r"\s+(?:(?:H\.E\.|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|the|a)\s+)*[A-Z]", ctx.text[e:e + 30]):
                continue  # "received their certificates": not a reception
            found.append(Trigger(etype, s, e, ctx.text[s:e], plural, sent))
    found.sort(key=lambda t: (-(t.end - t.start), TYPE_PRIORITY.index(t.type)))
    kept: list[Trigger] = []
    for t in found:
        if all(t.end <= k.start or t.start >= k.end for k in kept):
            kept.append(t)
    for m in _DELEGATION_IN.finditer(sent.text):
        s, e = sent.start + m.start(1), sent.start + m.end(1)
        if all(e <= k.start or s >= k.end for k in kept):
            kept.append(Trigger(EventType.VISIT, s, e, ctx.text[s:e], False, sent))
    kept.sort(key=lambda t: t.start)
    kept = [t for t in kept if _is_event_trigger(ctx, t) and not in_actor_name(ctx, t.start, t.end)]
    others = [t for t in kept if t.type is not EventType.MEETING]
    if others:
        # "Experts met in Dushanbe … for a regional conference": the meeting is that conference
        kept = [t for t in kept if not (t.type is EventType.MEETING and t.text.lower() in {"met", "meeting", "meetings"}
                                        and re.match(r"\s+(?:in|at|on|for|during|to)\b|\s*[.,;]", ctx.text[t.end:t.end + 9]))]
    return kept


def in_actor_name(ctx: DocContext, start: int, end: int) -> bool:
    """True when [start, end) lies inside the name of an actor the candidate rules found and the name is more than
    those words: "Conference" in "Conference on Interaction and Confidence-Building Measures in Asia", "Mission" in
    "OSCE Mission to Serbia", "Bishkek" in "OSCE Programme Office in Bishkek" are words of a name, not an event or a
    venue. A head anaphor ("the Mission" for the OSCE Mission named before) is no name of its own: words under it
    still count."""
    return any(m.start <= start and end <= m.end and (m.start, m.end) != (start, end) and m.rule != "head-anaphor"
               for m in ctx.mentions if m.start < end and start < m.end)


def _is_event_trigger(ctx: DocContext, t: Trigger) -> bool:
    low = t.text.lower()
    letters = re.sub(r"[^A-Za-z]", "", t.sentence.text)
    if letters.isupper() and len(letters) > 3:
        return False  # "SECURITY COUNCIL – MEETING SUMMARY", "PRESS RELEASE": a label line, not an event
    before = ctx.text[max(t.sentence.start, t.start - 40):t.start].lower()
    after = ctx.text[t.end:t.sentence.end]
    if t.type is EventType.LAUNCH:
        # adoptions of Security Council / General Assembly resolutions are not launches (NOTES)
        window = ctx.text[max(t.sentence.start, t.start - 60):min(t.sentence.end, t.end + 60)].lower()
        if low.startswith(("adopt", "endorse")) and re.search(r"\bresolutions?\b|\bdecision\b", window):
            return False
        if low.startswith(("adopt", "endorse")) and not re.search(
                r"\b(?:strategy|plan|document|programme|program|declaration|framework|action plan|roadmap)\b", window):
            return False
        if low == "launch" and re.match(r"^\s*(?:of|on)\b", after) is None and "the launch" not in before and "a launch" not in before:
            return bool(re.search(r"\b(?:at|for|during)\s+the\s+$", before))
        if low.startswith("set up"):
            # "set up in 2004", "was set up by the Security Council on 28 September 2001"
            return bool(re.match(r"(?:\s+by\s+(?:the\s+)?[A-Z][\w\- ]{2,60}?)?\s+(?:in|on)\s+(?:\d|[A-Z][a-z]+ \d)",
                                 ctx.text[t.end:t.end + 90]) or re.match(r"set up in\s+\d{4}", ctx.text[t.start:t.end + 6]))
    if t.type is EventType.MEETING:
        if low in {"met", "talks", "meeting"} and re.search(r"\b(?:requirements?|needs?|obligations?|criteria)\s*$", before):
            return False
        if low == "met" and re.match(r"^\s+(?:the\s+)?(?:requirements?|needs?|obligations?|criteria|targets?)\b", after):
            return False
    if t.type is EventType.VISIT:
        if re.match(r"^\s*(?:ing|or)\b", after):
            return False
        if low.startswith("visit") and re.search(r"\b(?:earlier|previous|past|prior)\s+$", before):
            return False
    if t.type is EventType.WORKSHOP and low == "training":
        if re.match(r"^\s*(?:of|to|and|for)\b", after) or not re.search(
                r"\b(?:a|an|the|this|its|their|first|second|specialized|specialised|regional|national|joint|accredited|"
                r"[a-z]+-day|[a-z]+-week|university-accredited)\s+$", before):
            return False
    if t.type is EventType.WORKSHOP and low in {"course", "exercise", "training"}:
        if re.search(r"\b(?:in the|of|over the|during the)\s+$", before) and low == "course":
            return False
    if t.type is EventType.BRIEFING and low == "briefed" and not re.match(
            r"\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}(?:Committee|Council|membership|Member States|members|delegations|Assembly|"
            r"States|participants|partners|donors|press|media)\b", after):
        return False  # "Mr. Chen briefed the Ambassador": an exchange, not a briefing event
    if t.type is EventType.CONFERENCE and low == "review of the":
        return bool(re.search(r"\b(?:\w+th|first|second|third)\s+$", before)) or ctx.text[t.start].isupper()
    if t.type is EventType.CONFERENCE and low == "dialogue" and not ctx.text[t.start].isupper():
        return bool(re.search(r"\b(?:high-level|regional|policy|strategic|international)\s+$", before))
    if t.type is EventType.CONFERENCE and low == "consultations" and not re.search(r"high-level|joint|regional", before):
        return False
    return True


_ADJ = (r"[\w]+[\-–][\w\-–]+|[A-Z][\w\-]*|international|regional|national|informal|formal|open|joint|bilateral|first|second|"
        r"third|final|same|whole|entire|new|recent|annual|special|technical|virtual|physical|plenary|opening|closing|"
        r"ministerial|official|working|two|three|four|five|several|various|related|planned|upcoming|coming|previous")


def _is_anaphoric(ctx: DocContext, t: Trigger) -> bool:
    """"the conference", "this workshop", "The meeting": a definite mention without a name of its own."""
    before = ctx.text[max(t.sentence.start, t.start - 60):t.start]
    after = ctx.text[t.end:t.end + 30]
    word = ctx.text[t.start:t.end]
    low = word.lower()
    if low.endswith("ed") or low.split()[0] in {"was", "were", "held", "met", "meets", "has", "have", "travelled", "traveled"}:
        return False  # a verb ("that were launched") is no definite noun phrase
    definite = re.search(rf"(?:\b(?i:the|this|that|these|those|its|his|her|their)\s+(?:(?:{_ADJ})\s+){{0,2}})$", before)
    if not definite:
        return False
    if re.search(r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\w+th|next|new|other|another)\s+(?:[\w\-]+\s+)?$",
                 before, re.I) and not re.search(r"\b(?:the first|this|that|these)\s+(?:[\w\-]+\s+){0,2}$", before, re.I):
        return False
    if re.match(r"^\s*(?:of|on)\s+(?:the\s+)?[A-Z]", after) and word[:1].isupper():
        return False  # "the High-Level Conference of Heads …": a name
    if word[:1].isupper() and t.start > t.sentence.start and re.search(r"[A-Z][\w\-]*\s+$", before):
        return False  # capitalized multi-word name
    return True


def _name_of(ctx: DocContext, t: Trigger) -> str | None:
    """An event's own name when the text gives one: a quoted title or a capitalized name around the trigger."""
    after = ctx.text[t.end:t.sentence.end]
    q = re.match(r'^\s*(?:[\w\s,\-]{0,40}?)(?:entitled|titled|on|under the title)?\s*[“"]([^”"]{5,200})[”"]', after)
    if q:
        return q.group(1).strip()
    before = ctx.text[t.sentence.start:t.start]
    q2 = re.search(r'[“"]([^”"]{5,200})[”"]\s*$', before)
    if q2:
        return q2.group(1).strip()
    if ctx.text[t.start:t.start + 1].isupper() and t.start > t.sentence.start:
        m = re.search(r"((?:[A-Z][\w\-]*\s+)*)$", ctx.text[t.sentence.start:t.start])
        tail = re.match(r"^((?:\s+(?:of|on|for|the|and|in)\s+(?:the\s+)?(?!(?:January|February|March|April|May|June|July|August|"
                        r"September|October|November|December)\b)[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)*)", after)
        name = (m.group(1) if m else "") + ctx.text[t.start:t.end] + (tail.group(1) if tail else "")
        return name.strip() or None
    return None


_DESC_BEFORE = re.compile(r"\b(?:a|an|the|its|their|his|her)\s+((?:(?:[a-z]+-[\w\-]+|[A-Z][\w\-]*|high-level|international|regional|"
                          r"national|sub-regional|subregional|joint|technical|expert|specialized|specialised|virtual|"
                          r"informal|open|annual|ministerial|bilateral|awareness-raising|capacity-building|two-day|three-day)\s+){0,4})$")
_DESC_AFTER = re.compile(r"^((?:\s+(?:on|for|of|to|against)\s+(?:[^,.;:()“”\"]|\.(?=\w)){3,140}?))(?=\s*(?:[,.;:()]|$|\s+(?:held|in\s+[A-Z]|from|at\s+the|"
                         r"which|that|with|organi[sz]ed|hosted|convened|under|by|during|between|took|was|were|is|are|on\s+\d|"
                         r"on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b))")


def _launch_object(ctx: DocContext, t: Trigger) -> str | None:
    """What a launch launched, when the text names it right after the verb: "adopted the Tashkent Declaration",
    "launch of the National Action Plan", "endorsed an updated Joint Plan of Action" → the capitalized name."""
    m = re.match(r"^\s+(?:of\s+)?(?:the|a|an|its|their)?\s*(?:new|updated|revised|first|second|third|national)?\s*"
                 r"((?:[A-Z][\w\-’']*)(?:\s+(?:[A-Z][\w\-’']*|of|for|on|and|the|in|against|to))*)", ctx.text[t.end:t.sentence.end])
    if not m:
        return None
    name = re.sub(r"\s+(?:of|for|on|and|the|in|against|to)$", "", m.group(1).strip())
    return name if len(name) > 3 else None


def describe(ctx: DocContext, t: Trigger) -> str | None:
    """A readable label for an event the text does not name: "Regional conference on the Counter-Terrorism Early
    Warning Network for Central Asia" from "a regional conference on the … for Central Asia". For people reading
    the knowledge base; the ``named`` logic of coreference does not use it."""
    if t.type is EventType.MEETING or t.text.lower().endswith(("ed", " with", " by")) or " " in t.text and t.text.split()[0].lower() in {
            "was", "were", "held", "has", "visit"}:
        return None
    before = ctx.text[t.sentence.start:t.start]
    m = _DESC_BEFORE.search(before)
    after = _DESC_AFTER.match(ctx.text[t.end:t.sentence.end])
    if not after and not (m and m.group(1).strip()):
        return None
    label = ((m.group(1) if m else "") + ctx.text[t.start:t.end] + (after.group(1) if after else "")).strip()
    label = re.sub(r"\s+", " ", label)
    return label[:1].upper() + label[1:] if len(label.split()) > 1 else None


#: Words a name may not end on: determiners, prepositions, conjunctions ("Review of the", "OSCE Mission to").
_NAME_DANGLING = re.compile(r"\s+(?:the|a|an|this|that|its|their|his|her|of|for|on|to|in|at|by|with|from|against|"
                            r"and|or|&|between|among|under|into|towards?)$", re.I)
#: Parts of speech (spaCy) a name may not end on.
_DANGLING_POS = {"DET", "ADP", "CCONJ", "SCONJ", "PART", "PUNCT"}
#: Generic head nouns that alone are no name ("Strategy" read from "the adoption of the Strategy"): the head of
#: an event's or an instrument's name without what makes it one.
GENERIC_HEADS = frozenset({
    "strategy", "plan", "programme", "program", "declaration", "review", "conference", "meeting", "workshop",
    "visit", "session", "initiative", "project", "framework", "mechanism", "resolution", "report", "forum",
    "dialogue", "training", "course", "mission", "seminar", "briefing", "launch", "event", "summit", "week",
    "roadmap", "agenda", "action", "policy", "convention", "protocol", "compact", "partnership", "consultation",
    "consultations", "assessment", "exercise", "symposium", "roundtable", "panel", "webinar", "committee",
})
#: Capitalized words right after a dangling name, the surface fallback of :func:`_extend_on_parse`.
_CAPITALIZED_TAIL = re.compile(r"(?:\s+(?:the\s+)?[A-Z][\w\-’']*)(?:\s+(?:and\s+)?[A-Z][\w\-’']*)*")
#: Most tokens a dangling name is extended by (to the object of its preposition, the noun of its determiner).
_EXTEND_TOKENS = 12


def _name_span(ctx: DocContext, ev: EventDraft, name: str) -> tuple[int, int] | None:
    """Character offsets of ``name`` in the text: in the event's sentence, else the occurrence nearest the
    event's first mention (words may be separated by any whitespace); None when the text does not hold it."""
    pattern = re.compile(r"\s+".join(re.escape(w) for w in name.split()))
    sent = ctx.sentences[ev.sentence] if 0 <= ev.sentence < len(ctx.sentences) else None
    if sent is not None:
        m = pattern.search(ctx.text, sent.start, sent.end)
        if m:
            return m.start(), m.end()
    found = [m for m in pattern.finditer(ctx.text)]
    if not found:
        return None
    m = min(found, key=lambda m: abs(m.start() - ev.first))
    return m.start(), m.end()


def _extend_on_parse(ctx: DocContext, start: int, end: int) -> int | None:
    """The end offset of the name at [start, end) carried to a complete noun phrase on the dependency parse: a
    name ending on a preposition runs to its object ("Review of the" → "… of the United Nations Global
    Counter-Terrorism Strategy"), on a determiner to its noun, through the words that modify it and the proper
    names coordinated with it ("Mission to Bosnia and Herzegovina"). None when the parse does not complete it (no
    parser, no object within :data:`_EXTEND_TOKENS` tokens, or an object that is no capitalized name)."""
    doc = ctx.doc
    if doc is None or not getattr(doc, "has_annotation", lambda _: False)("DEP"):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    last = span[-1]
    for _ in range(4):
        if last.pos_ not in _DANGLING_POS:
            return last.idx + len(last.text)
        if last.pos_ == "ADP":
            target = next((c for c in last.children if c.dep_ in ("pobj", "pcomp") and c.i > last.i), None)
        elif last.pos_ == "DET":
            target = last.head if last.head.i > last.i else None
        else:
            target = None
        while target is not None and target.dep_ in ("compound", "amod", "nmod") and target.head.i > target.i:
            target = target.head  # "the United [Nations …] Strategy": to the noun the words modify
        if target is not None:  # "to Bosnia and Herzegovina": a coordination of proper names is one name
            target = max((c for c in target.conjuncts if c.pos_ == "PROPN" and c.i > target.i),
                         key=lambda c: c.i, default=target)
        if target is None or target.i - last.i > _EXTEND_TOKENS or not target.text[:1].isupper():
            return None  # a name runs on in proper names only: "Christchurch Call in the wake" is no name
        last = target
    return None


def complete_name(ctx: DocContext, ev: EventDraft, name: str | None) -> str | None:
    """``name`` (an event's name or descriptive label) ending on a complete noun phrase, or None.

    The rules build names from the words around a trigger and may cut them short: at a determiner or a
    preposition ("Review of the", "OSCE Mission to"), or down to a bare generic head noun ("Strategy"). A name
    cut short is carried to the end of its noun phrase on spaCy's dependency parse of the document
    (:func:`_extend_on_parse`), else over the capitalized words that follow it in the text; when neither
    completes it, the dangling words are dropped. A name that
    is then one generic head noun (:data:`GENERIC_HEADS`; an acronym is kept) says nothing of its own: None,
    and the event goes by its type (the record's ``name`` is null). Trailing punctuation is dropped too."""
    if not name:
        return None
    name = re.sub(r"\s+", " ", name).strip().rstrip(",;:–—-").strip()
    if _NAME_DANGLING.search(name):
        at = _name_span(ctx, ev, name)
        end = _extend_on_parse(ctx, *at) if at else None
        if end is None and at:  # the parse went astray ("to BiH" read as a verb): the capitalized words that follow
            tail = _CAPITALIZED_TAIL.match(ctx.text, at[1])
            end = tail.end() if tail else None
        if end is not None and end > at[1]:
            name = re.sub(r"\s+", " ", ctx.text[at[0]:end]).strip()
        while _NAME_DANGLING.search(name):
            name = _NAME_DANGLING.sub("", name)
    words = name.split()
    if not words or (len(words) == 1 and not words[0].isupper() and words[0].lower() in GENERIC_HEADS):
        return None
    return name


# ---------------------------------------------------------------------------
# Dates and venues
# ---------------------------------------------------------------------------
def _nearest_date(ctx: DocContext, dates: list[DateMention], t: Trigger, others: list[Trigger] | None = None,
                  window: int = 70) -> DateMention | None:
    """The date that belongs to trigger ``t``: in its sentence, near it, with no other trigger in between.

    A sentence-initial date ("On 3-4 May 2018, …", "From 10 to 12 September
    2024, …") belongs to every trigger of the sentence.
    """
    sent = t.sentence
    cands = []
    for d in dates:
        if not (sent.start <= d.start < sent.end and d.start_iso):
            continue
        if _is_dateline(ctx, sent, d) and not re.search(r"\btoday\b", sent.text, re.I):
            continue  # "Islamabad, 25 April 2024 –" dates the report, not the event (SCHEMA.md: a dateline is no venue either)
        if d.end <= t.start and re.search(r",\s+(?:as|while|when|after|before|since)\b|;", ctx.text[d.end:t.start]):
            continue  # "India said on Saturday …, as a special meeting … drew to a close": the date is the saying's
        if d.precision == "year" and d.end_iso != d.start_iso and re.search(r"\bfor\s+(?:the\s+)?(?:period\s+|years\s+)?$",
                                                                           ctx.text[max(0, d.start - 20):d.start]):
            continue
        lo, hi = (d.end, t.start) if d.end <= t.start else (t.end, d.start)
        gap = max(0, hi - lo)
        between = [o for o in (others or []) if o is not t and lo <= o.start and o.end <= hi]
        initial = d.start - sent.start < 25 and d.end <= t.start
        gap_text = ctx.text[lo:hi]
        if d.start >= t.end and gap > 40 and (re.search(r"[,;]", gap_text) or gap > window):
            # a far date after the trigger belongs to it only through an event verb ("carried out … in September 2015")
            close_verb = _EVENT_VERB.search(ctx.text[max(lo, d.start - 25):d.start])
            if not ((gap <= 160 and _EVENT_VERB.search(ctx.text[max(lo, d.start - 70):d.start])) or (gap <= 260 and close_verb)):
                continue
        elif not initial and gap > window:
            continue
        if initial or not between:
            cands.append((0 if initial else gap, d))
    if not cands:
        return None
    return min(cands, key=lambda c: c[0])[1]


_SAME_DAY = re.compile(r"\b(?:later\s+)?(?:on\s+|during\s+)?(?:the\s+)?(same\s+day|following\s+day|next\s+day|day\s+after|"
                       r"same\s+evening|same\s+morning)\b", re.I)


def _same_day(ctx: DocContext, ev: EventDraft, t: Trigger, events: list[EventDraft]) -> None:
    """"Later the same day", "the following day": the day of the last event told before, or the day after it."""
    m = _SAME_DAY.search(t.sentence.text)
    if m is None or ev.start is not None:
        return
    prior = [e for e in events if e is not ev and e.start and len(e.start) == 10 and e.first < t.start]
    if not prior:
        return
    base = max(prior, key=lambda e: e.first)
    day = base.start if base.end is None or base.end == base.start else base.start
    if "same" not in m.group(1).lower():
        day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    ev.start = ev.end = day
    ev.evidence.append(Span(start=t.sentence.start + m.start(), end=t.sentence.start + m.end(), text=m.group(0), rule="date:relative"))


def _is_dateline(ctx: DocContext, sent: Sentence, d: DateMention) -> bool:
    """Is ``d`` the date of a dateline ("CAIRO, 5 March 2018 –", "NEW DELHI, Oct 29 (Asia Wire) –")?"""
    before = ctx.text[sent.start:d.start]
    after = ctx.text[d.end:min(sent.end, d.end + 40)]
    return bool(re.fullmatch(r"[A-Z][A-Za-z .'’\-]{1,40},\s*", before) and re.match(r"\s*(?:\([^)]*\)\s*)?[–—-]", after))


def _shift(iso: str, days: int) -> str:
    d = dt.date.fromisoformat(iso)
    return (d - dt.timedelta(days=days)).isoformat()


def _apply_date(ctx: DocContext, ev: EventDraft, t: Trigger, dates: list[DateMention], window: int = 70,
                events: list[EventDraft] | None = None) -> None:
    d = _nearest_date(ctx, dates, t, find_triggers(ctx, t.sentence), window)
    if d is None:
        _same_day(ctx, ev, t, events or [])
        return
    sent_text = t.sentence.text
    start, end = d.start_iso, d.end_iso or d.start_iso
    before_date = ctx.text[max(t.sentence.start, d.start - 40):d.start]
    at_end = re.search(r"\b(?:at|by)\s+the\s+(?:end|close|conclusion)\s+of\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}$",
                       ctx.text[max(t.sentence.start, t.start - 50):t.start])
    if (at_end or re.search(r"\b(?:came to an end|ended|concluded|closed|finished)\s+(?:on\s+)?$", before_date)) \
            and d.start_iso == d.end_iso:
        # "came to an end on 3 June 2022": the end, not the start
        if ev.start is None:
            ev.end, ev.end_only = d.start_iso, True
        return
    dateline = ctx.published is not None and d.start_iso == ctx.published.isoformat() and d.start - t.sentence.start < 40
    if (d.relative or dateline or re.search(r"\b(?:today|yesterday)\b", sent_text)) and _PAST_END.search(sent_text) \
            and len(start) == 10 and start == end:
        n = duration_days(sent_text)
        if n and n > 1:
            end, start = start, _shift(start, n - 1)
    if ev.end_only:
        ev.start, ev.end_only = start, False  # the end was known ("at the end of the course today"); this is the start
    elif ev.start is None:
        ev.start, ev.end = start, end
    ev.evidence.append(Span(start=d.start, end=d.end, text=d.text, rule="date"))


_PLACE = re.compile(
    r"\b(?:in|at|to|visit(?:ed)? to|travelled to|traveled to|toured)\s+(?:the\s+)?"
    r"(?P<a>[A-Z][\w'’\-]+(?:\s+(?:[A-Z][\w'’\-]+|of|and)){0,4})(?:,\s*(?P<b>[A-Z][\w'’\-]+(?:\s+(?:[A-Z][\w'’\-]+|and)){0,3}))?")


def place_near(ctx: DocContext, t: Trigger, window: int = 140, date=None) -> tuple[str | None, str | None, int]:
    """(city, country ISO3, offset) of the venue phrase nearest the trigger in its sentence, or (None, None, -1).

    "in Dushanbe, Tajikistan", "in Tashkent", "visit to Cairo" (city), "to
    the Kingdom of Belgium" (country only). A city gives its country (SCHEMA.md:
    "Dushanbe gives TJK even if the text never says Tajikistan"). With ``date`` (a
    :class:`DateMention` of the sentence), the venue nearest that date instead, by the
    characters between them: in "met again in Geneva in July 2017 and in Vienna in
    February 2018" each date has its own venue.
    """
    gaz = get_gazetteer()
    best = (None, None, -1)
    best_dist = (True, window + 1)
    sent = t.sentence
    for m in _PLACE.finditer(ctx.text, sent.start, sent.end):
        if date is not None:
            dist = (m.start() - date.end + 1) if m.start() >= date.end else max(date.start - m.end(), 0)
        else:
            dist = abs(m.start() - t.start) if m.start() >= t.start else abs(t.start - m.end()) + 20
        if dist > window + 1:
            continue
        # a place inside an actor's name ("OSCE Programme Office in Bishkek") is the venue only when no other is near
        dist = (in_actor_name(ctx, m.start("a"), m.end("a")), dist)
        if dist > best_dist:
            continue
        a, b = m.group("a"), m.group("b")
        prefer = None
        if b:
            st = gaz.lookup_state(b)
            prefer = st.iso3 if st else None
        city = _lookup_city_prefix(a, prefer)
        if city is not None:
            best, best_dist = (city.name, city.iso3, m.start()), dist
            continue
        st = gaz.lookup_state(re.sub(r"^(?:the\s+)", "", a))
        if st is not None:
            best, best_dist = (None, st.iso3, m.start()), dist
    subject = venue_subject(ctx, t)
    if subject is not None and (subject[0] is not None or best[1] is None or best_dist[0]):
        return subject  # "Tashkent was the venue of …": a city subject wins; a state only where no other place is
    return best


#: Prepositions that make the places they govern the venues of an event ("held *in* A and B", "a visit *to* A and B").
_VENUE_PREPS = {"in", "to", "across", "throughout"}


def _place_at(ctx: DocContext, tok) -> tuple[str | None, str, int, int] | None:
    """(city, country ISO3, start offset, end offset) of the place a parse token names with the capitalized words
    that modify it ("Viet Nam", "the Maldives", "Kyrgyz Republic"), or None: no city or state of the gazetteer, or a word of an
    actor's name ("OSCE Presence in Albania")."""
    if not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN"):
        return None
    left = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod") and c.text[:1].isupper()]
    start_tok = min(left, key=lambda c: c.i) if left and all(c.i >= tok.i - 3 for c in left) else tok
    start, end = start_tok.idx, tok.idx + len(tok.text)
    if in_actor_name(ctx, start, end):
        return None
    words = ctx.text[start:end]
    city = _lookup_city_prefix(words, None)
    if city is not None:
        return city.name, city.iso3, start, end
    st = get_gazetteer().lookup_state(words)
    return (None, st.iso3, start, end) if st is not None else None


def venue_list(ctx: DocContext, t: Trigger) -> list[tuple[str | None, str, int, int]]:
    """The venues of a trigger that names several, one per country, from the parse: places that a venue
    preposition (:data:`_VENUE_PREPS`) attaches to the trigger itself or to the verb of its clause, or that are the
    object of a trigger verb, with their coordinated items: "workshops were held in the Maldives and in Bangladesh",
    "table-top exercises in Indonesia, Malaysia and Viet Nam", "youth workshops were held during the year in
    Vienna, Chisinau, Sarajevo and Almaty", "visited Kenya and Somalia". Places after other prepositions ("officials
    *from* A, B and C") are no venues. A city and its country ("Cotonou, Benin") are one venue. Returns
    (city, ISO3, start, end offsets of the place's words) in text order, empty when the parse gives fewer than two
    countries or the document has no parse. These are candidates: whether each venue is an event of its own is the
    split model's decision (:mod:`ctrack.extract.decide`)."""
    if ctx.doc is None:
        return []
    tspan = ctx.doc.char_span(t.start, t.end, alignment_mode="expand")
    sspan = ctx.doc.char_span(t.sentence.start, t.sentence.end, alignment_mode="expand")
    if tspan is None or sspan is None or not len(tspan):
        return []
    trig = tspan.root
    clause = [trig]  # the trigger and the heads above it up to the verb of its clause
    for a in trig.ancestors:
        clause.append(a)
        if a.pos_ in ("VERB", "AUX"):
            break
    verb = clause[-1] if clause[-1].pos_ in ("VERB", "AUX") else None
    found: dict[str, tuple[str | None, str, int, int]] = {}
    for tok in sspan:
        first = tok
        steps = 0
        while first.dep_ in ("conj", "appos") and first.head.i != first.i and first.head.pos_ in ("PROPN", "NOUN") and steps < 20:
            first, steps = first.head, steps + 1
        ok = False
        if first.dep_ == "pobj" and first.head.pos_ == "ADP":
            prep = first.head
            while prep.dep_ == "conj" and prep.head.pos_ == "ADP" and steps < 40:
                prep, steps = prep.head, steps + 1
            head = prep.head
            ok = prep.lower_ in _VENUE_PREPS and (
                head.i == trig.i or (verb is not None and head.i == verb.i)
                or (head.ent_type_ in ("DATE", "TIME") and head.dep_ == "pobj" and verb is not None and head.head.head.i == verb.i))
        elif first.dep_ in ("dobj", "obj") and first.head.i == trig.i and trig.pos_ == "VERB":
            ok = True  # "visited Kenya and Somalia", "toured A and B"
        if not ok:
            continue
        place = _place_at(ctx, tok)
        if place is None:
            continue
        old = found.get(place[1])
        if old is None or (old[0] is None and place[0] is not None):
            found[place[1]] = place
    if len(found) < 2:
        return []
    return sorted(found.values(), key=lambda p: p[2])


def venue_subject(ctx: DocContext, t: Trigger) -> tuple[str | None, str | None, int] | None:
    """(city, country ISO3, offset) of a venue stated before the trigger as the subject of a venue word
    (:data:`ctrack.extract.lexicon.VENUE_NOUNS` / ``VENUE_VERBS``, from ``cues.json`` "venue_words"): "*Tashkent* was
    the venue of a meeting", "*Almaty* hosted the workshop", "*Bishkek*, the host of the seminar". The trigger must
    lie under the venue word on the parse (the word's phrase tells the event); the subject must name a city of the
    gazetteer (else a state). None when the sentence has no such clause or no parse."""
    from ctrack.extract.lexicon import VENUE_NOUNS, VENUE_VERBS

    if ctx.doc is None:
        return None
    span = ctx.doc.char_span(t.sentence.start, t.sentence.end, alignment_mode="expand")
    tspan = ctx.doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None or tspan is None or not len(tspan):
        return None
    trig = tspan.root
    gaz = get_gazetteer()
    for tok in span:
        lemma = tok.lemma_.lower()
        subjects = []
        if tok.pos_ in ("NOUN", "PROPN") and lemma in VENUE_NOUNS:
            if tok.dep_ in ("attr", "acomp"):
                subjects = [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            elif tok.dep_ == "appos":
                subjects = [tok.head]
            elif tok.dep_ == "nsubj":
                subjects = [c for c in tok.head.children if c.dep_ == "attr"]
            elif tok.dep_ in ("dobj", "obj") and tok.head.lemma_.lower() == "play":  # "Almaty played host to"
                subjects = [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
                tok = tok.head
        elif tok.pos_ in ("VERB", "AUX") and lemma in VENUE_VERBS:
            subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects or not (trig is tok or tok in trig.ancestors or (tok.dep_ == "nsubj" and tok.head in trig.ancestors)):
            continue
        for subj in subjects:
            words = ctx.text[subj.left_edge.idx:subj.right_edge.idx + len(subj.right_edge.text)]
            words = re.sub(r"^(?:the\s+)", "", words)
            if not words[:1].isupper() or in_actor_name(ctx, subj.idx, subj.idx + len(subj.text)):
                continue
            city = _lookup_city_prefix(words, None)
            if city is not None:
                return city.name, city.iso3, subj.left_edge.idx
            st = gaz.lookup_state(words)
            if st is not None:
                return None, st.iso3, subj.left_edge.idx
    return None


def _lookup_city_prefix(words: str, prefer: str | None):
    gaz = get_gazetteer()
    parts = words.split()
    for n in range(min(len(parts), 3), 0, -1):
        cand = " ".join(parts[:n])
        if cand in {"New", "The", "United", "Security", "General", "Member"} or cand.isupper() or len(cand) < 4:
            continue
        if gaz.lookup_org(cand) is not None:
            continue
        city = gaz.lookup_city(cand, prefer_iso3=prefer)
        st = gaz.lookup_state(cand)
        if st is not None and n == len(parts) and (city is None or normalize_name(st.name) == normalize_name(cand)
                                                    or cand.lower() in {d.lower() for d in st.demonyms}):
            return None
        if city is not None:
            same_name = city.name.casefold() == cand.casefold()
            if not same_name and (gaz.is_ambiguous_city(cand) or city.name.casefold()[:3] != cand.casefold()[:3]):
                continue  # "United Nations" is not the Indian town of Un
            if n == 1 and gaz.is_ambiguous_city(cand) and prefer is None:
                continue
            return city
    return None


# ---------------------------------------------------------------------------
# The pass over the document
# ---------------------------------------------------------------------------
@dataclass
class EventIndex:
    """The events of a document and, per sentence, the events it mentions."""

    events: list[EventDraft] = field(default_factory=list)
    by_sentence: dict[int, list[tuple[EventDraft, Trigger | None]]] = field(default_factory=dict)
    dates: list[DateMention] = field(default_factory=list)

    def note(self, sent: int, ev: EventDraft, trig: Trigger | None) -> None:
        lst = self.by_sentence.setdefault(sent, [])
        if not any(e is ev for e, _ in lst):
            lst.append((ev, trig))

    headline: list[EventDraft] = field(default_factory=list)

    def main(self) -> EventDraft | None:
        """The document's main event: the one the headline names, else the first top-level event that is not a series."""
        for e in self.headline:
            if e in self.events and not e.series:
                return e.parent or e
        tops = [e for e in self.events if e.parent is None and not e.series]
        body = [e for e in tops if not e.caption and not any(p in s.text.lower() for s in e.evidence for p in _PART_NOUNS)]
        return (body or tops or [None])[0]


def find_events(ctx: DocContext, title_sentences: int = 1) -> EventIndex:
    """Find the document's events (without roles; see :mod:`ctrack.extract.roles`)."""
    idx = EventIndex(dates=find_dates(ctx.text, ctx.published))
    heads = [s for s in ctx.sentences if s.index < title_sentences]
    caption_idx = {s.index for s in ctx.sentences if _CAPTION.match(s.text)}
    # "Photo / UNOCT:" on a line of its own labels the next line
    caption_idx |= {s.index + 1 for s in ctx.sentences if _CAPTION.match(s.text) and s.text.rstrip().endswith(":")}
    captions = [s for s in ctx.sentences if s.index >= title_sentences and s.index in caption_idx]
    body = [s for s in ctx.sentences if s.index >= title_sentences and s.index not in caption_idx]
    last_by_type: dict[EventType, EventDraft] = {}
    previous: list[EventDraft] = []
    unresolved: list[Trigger] = []
    for sent in body:
        trigs = find_triggers(ctx, sent)
        current: list[EventDraft] = []
        for t in trigs:
            anaphoric = _is_anaphoric(ctx, t)
            ev = _resolve_trigger(ctx, idx, t, last_by_type, anaphoric=anaphoric)
            if ev is None:
                if anaphoric:
                    unresolved.append(t)
                continue
            for e in ev:
                idx.note(sent.index, e, t)
                last_by_type[e.type] = e
                current.append(e)
        _share_dates(ctx, idx, sent)
        # generic anaphors: "the event", "the two-day event", "the week"
        m = _GENERIC_ANAPHORS.search(sent.text)
        if trigs and m and previous and m.group(1).lower() in {"week", "event"}:
            target = previous[-1] if previous[-1].parent is None else previous[-1].parent
            idx.note(sent.index, target, None)
            dated = [e for e in current if e.start]
            if target.start is None and dated:
                target.start, target.end = dated[0].start, dated[0].end
                target.city, target.country = target.city or dated[0].city, target.country or dated[0].country
                target.status = dated[0].status
        if not trigs:
            if m and previous:
                if m.group(1).lower() == "one" and re.search(r"\bnext one\b", sent.text, re.I):
                    proto = previous[-1]
                    ev = EventDraft(type=proto.type, first=sent.start + m.start(), sentence=sent.index)
                    ev.status = EventStatus.PLANNED
                    idx.events.append(ev)
                    fake = Trigger(proto.type, sent.start + m.start(), sent.start + m.end(), m.group(0), False, sent)
                    idx.note(sent.index, ev, fake)
                    _fill_from_sentence(ctx, idx, ev, fake)
                    current.append(ev)
                elif idx.main() is not None:
                    idx.note(sent.index, idx.main(), None)
        if current:
            previous = current
    # captions ("Photo: …") show the events of the body: same type and no other date → that event
    for sent in captions:
        for t in find_triggers(ctx, sent):
            same = [e for e in idx.events if e.type is t.type and not e.series]
            probe = EventDraft(type=t.type, first=t.start, sentence=sent.index, caption=True)
            _apply_date(ctx, probe, t, idx.dates)
            if probe.start is None:
                # a caption's own date stands at its end: "… exercise at the Institute in Kenitra, 26 May 2022."
                own = [d for d in idx.dates if sent.start <= d.start < sent.end and d.start_iso]
                if len(own) == 1:
                    probe.start, probe.end = own[0].start_iso, own[0].end_iso or own[0].start_iso
            match = next((e for e in same if probe.start is None or (e.start is not None and (
                probe.start.startswith(e.start) or e.start.startswith(probe.start)))), None)
            if t.type is EventType.MEETING and not _is_anaphoric(ctx, t):
                match = None  # "Meeting with …" names its own counterparts; "the meeting between …" is the body's
            if match is not None:
                idx.note(sent.index, match, t)
            elif not t.plural:
                probe.name = _name_of(ctx, t) if ctx.text[t.start].isupper() else None
                idx.events.append(probe)
                idx.note(sent.index, probe, t)
                _fill_from_sentence(ctx, idx, probe, t)
    # headline triggers join body events of the same type, or stand alone
    for sent in heads:
        for t in find_triggers(ctx, sent):
            same = [e for e in idx.events if e.type is t.type and e.parent is None]
            if not same:
                same = [e for e in idx.events if e.type in _ANAPHOR_FALLBACK.get(t.type, ()) and e.parent is None
                        and t.type in (EventType.VISIT, EventType.ASSESSMENT_VISIT)]
            if same:
                idx.note(sent.index, same[0], t)
                idx.headline.append(same[0])
            elif not t.plural:
                ev = EventDraft(type=t.type, first=t.start, sentence=sent.index)
                idx.events.append(ev)
                idx.note(sent.index, ev, t)
                idx.headline.append(ev)
                _fill_from_sentence(ctx, idx, ev, t)
    # "The meeting was presided over by …" where the meeting is known only from the headline
    for t in unresolved:
        cands = [e for e in idx.headline if e in idx.events and (e.type is t.type or e.type in _ANAPHOR_FALLBACK.get(t.type, ()))]
        if cands:
            idx.note(t.sentence.index, cands[0], t)
            _fill_from_sentence(ctx, idx, cands[0], t, only_missing=True)
    _adoptions_at_main(ctx, idx)
    _structure(ctx, idx)
    return idx


_DAY_OF_EVENT = re.compile(r"\b(?:on|at|during)\s+the\s+(first|opening|second|closing|final|last)\s+(?:day|session)|"
                           r"\b(?:over|during|in the course of)\s+the\s+(?:two|three|four|five)\s+days\b", re.I)


def _adoptions_at_main(ctx: DocContext, idx: EventIndex) -> None:
    """Undated launches told as days of the main event ("On the first day, the heads of delegation adopted the Tashkent
    Declaration", "Over the two days they endorsed an updated Joint Plan") are part of it and take its days."""
    main = idx.main()
    if main is None or main.type is EventType.LAUNCH or not main.start:
        return
    for ev in idx.events:
        if ev.type is not EventType.LAUNCH or ev.start or ev.parent is not None:
            continue
        sent = ctx.sentences[ev.sentence] if ev.sentence < len(ctx.sentences) else None
        m = _DAY_OF_EVENT.search(sent.text) if sent else None
        if m is None:
            continue
        ev.parent = main
        which = (m.group(1) or "").lower()
        if which in ("first", "opening"):
            ev.start = ev.end = main.start
        elif which in ("second", "closing", "final", "last"):
            ev.start = ev.end = main.end or main.start
        else:
            ev.start = ev.end = _prefix(main.start, main.end)
        ev.city, ev.country = ev.city or main.city, ev.country or main.country


_PART_NOUNS = {"component", "module", "exercise", "phase", "segment"}
_CAPTION = re.compile(r"^(?:Photo|Picture|Image|Caption|Pictured)\b")
#: When a definite mention finds no antecedent of its own type, the types it may refer to instead.
_ANAPHOR_FALLBACK = {
    EventType.MEETING: (EventType.CONFERENCE, EventType.BRIEFING, EventType.WORKSHOP),
    EventType.VISIT: (EventType.ASSESSMENT_VISIT,),
    EventType.ASSESSMENT_VISIT: (EventType.VISIT,),
    EventType.WORKSHOP: (EventType.CONFERENCE,),
    EventType.CONFERENCE: (EventType.WORKSHOP, EventType.BRIEFING),
    EventType.BRIEFING: (EventType.CONFERENCE,),
}


def _share_dates(ctx: DocContext, idx: EventIndex, sent: Sentence) -> None:
    """Triggers coordinated with "and" in one sentence share the date one of them got
    ("the sixth Review … and the High-Level Conference …, which … convened in New York in June")."""
    refs = [(e, t) for e, t in idx.by_sentence.get(sent.index, []) if t is not None]
    dated = [(e, t) for e, t in refs if e.start and e.type is not EventType.LAUNCH]
    for e, t in refs:
        if e.start or e.series:
            continue
        for d, dt_ in dated:
            if e.type is EventType.LAUNCH:
                # a launch shares the date of the event it was made at ("launched … during the CT Week in June")
                if re.search(r"\b(?:during|at)\s+(?:the|a|an)\b", ctx.text[t.end:dt_.start]) and t.end <= dt_.start:
                    e.start, e.end, e.status = d.start, d.end, d.status
                    e.city, e.country = e.city or d.city, e.country or d.country
                    if d.type is EventType.MEETING and not d.roles:
                        # "presented its strategy … at a meeting held in Tashkent": the meeting is the launch itself
                        idx.events.remove(d)
                        for lst in idx.by_sentence.values():
                            lst[:] = [(x, tr) for x, tr in lst if x is not d]
                    elif e.parent is None and d.type is not EventType.LAUNCH:
                        e.parent = d
                    break
                continue
            between = ctx.text[min(t.end, dt_.end):max(t.start, dt_.start)]
            if re.search(r"\band\b", between) and not re.search(r"[;]", between) and len(between) < 160:
                e.start, e.end, e.status = d.start, d.end, d.status
                e.city, e.country = e.city or d.city, e.country or d.country
                break


def _resolve_trigger(ctx: DocContext, idx: EventIndex, t: Trigger, last_by_type: dict, anaphoric: bool) -> list[EventDraft] | None:
    """The event(s) a trigger refers to: an existing one, or new ones."""
    if anaphoric:
        target = last_by_type.get(t.type)
        head = t.text.lower().split()[-1].rstrip("s")
        same_head = [e for e in idx.events if e.type is t.type and any(
            s.rule.startswith("trigger") and s.text.lower().split()[-1].rstrip("s") == head
            and (head not in _PART_NOUNS or s.text.lower() == t.text.lower()) for s in e.evidence)]
        if same_head and target is not None and target not in same_head:
            target = same_head[-1]
        part = not same_head and head in _PART_NOUNS
        if part:
            target = None  # "the virtual component", "the intermediate module": a part of its own
            anaphoric = False
        for alt in _ANAPHOR_FALLBACK.get(t.type, ()) if not (t.plural or part) else ():
            if target is None:
                target = last_by_type.get(alt)
        if target is not None:
            _fill_from_sentence(ctx, idx, target, t, only_missing=True)
            return [target]
    if anaphoric:
        # a definite mention of an event never introduced: background, unless the sentence dates or places it
        probe = EventDraft(type=t.type, first=t.start, sentence=t.sentence.index)
        _fill_from_sentence(ctx, idx, probe, t)
        if not (probe.start or probe.end or probe.city or probe.country) and not t.plural and (
                t.type is not EventType.MEETING or not re.match(r"\s+(?:with|between)\b", ctx.text[t.end:t.end + 9])):
            return None  # "The meeting was presided over by …" with no meeting told yet: resolved after the headline
    if t.type is EventType.LAUNCH and not t.plural:
        # "has opened the office …" … "the regional office was inaugurated by …": one launch
        prev = last_by_type.get(EventType.LAUNCH)
        obj = _launch_object(ctx, t)
        prev_obj = getattr(prev, "object", None) if prev is not None else None
        # "The project was launched jointly by …": a definite subject names the launch told before
        definite = re.match(r"^(?:The|This|That)\s+(?:new\s+)?[a-z][\w\-]*\s+(?:(?:was|were|has been|have been)\s+)?$",
                            ctx.text[t.sentence.start:t.start])
        near = prev is not None and (t.sentence.index - prev.sentence <= 3 or definite)
        if near and not (obj and prev_obj and obj != prev_obj):
            probe = EventDraft(type=t.type, first=t.start, sentence=t.sentence.index)
            _apply_date(ctx, probe, t, idx.dates)
            if probe.start is None or probe.start == prev.start:
                if prev.start is None and probe.start:
                    prev.start, prev.end = probe.start, probe.end
                _fill_from_sentence(ctx, idx, prev, t, only_missing=True)
                return [prev]
    if t.plural:
        # "the two Special Meetings": that many events; "assessment visits … to all five countries": one per state
        m = re.search(r"\b(two|three|four)\s+(?:[\w\-]+\s+){0,2}$", ctx.text[max(t.sentence.start, t.start - 30):t.start], re.I)
        if t.text.lower().split()[-1].rstrip("s") in _PART_NOUNS:
            return None  # "divided into four modules": the parts are told one by one, if at all
        if m and t.type is not EventType.MEETING and not re.search(r"\bof\s+\w+\s+$", ctx.text[t.start - 12:t.start]):
            n = number_value(m.group(1)) or 1
            out = []
            for _ in range(n):
                ev = EventDraft(type=t.type, first=t.start, sentence=t.sentence.index, named=True)
                idx.events.append(ev)
                _fill_from_sentence(ctx, idx, ev, t)
                out.append(ev)
            return out
        if t.type in (EventType.ASSESSMENT_VISIT, EventType.VISIT):
            from ctrack.extract.actors import collective_members
            members = collective_members(ctx, t.end, t.sentence.end)
            if members:
                out = []
                for key in members:
                    ev = EventDraft(type=t.type, first=t.start, sentence=t.sentence.index)
                    ev.country = ctx.actors[key].iso3
                    ev.add_role(key, RoleType.SUBJECT)
                    idx.events.append(ev)
                    _fill_from_sentence(ctx, idx, ev, t, venue=False)
                    out.append(ev)
                return out
        if t.type is EventType.MEETING:
            ev = EventDraft(type=t.type, first=t.start, sentence=t.sentence.index, series=True)
            idx.events.append(ev)
            return [ev]
        return None
    name = _name_of(ctx, t)
    if name:
        for e in idx.events:
            if e.type is t.type and e.name and e.name.lower() == name.lower():
                return [e]
    ev = EventDraft(type=t.type, first=t.start, sentence=t.sentence.index, name=name, named=bool(name))
    ev.description = describe(ctx, t)
    if t.type is EventType.LAUNCH:
        ev.object = _launch_object(ctx, t)
        ev.description = ev.description or ev.object
    _fill_from_sentence(ctx, idx, ev, t)
    # a new indefinite mention that only repeats a known event (same type, same date, no new venue)
    for e in idx.events:
        if e.type is ev.type and not e.series and e.parent is None and not ev.named and ev.start and e.start == ev.start \
                and (ev.country in (None, e.country)):
            return [e]
    idx.events.append(ev)
    return [ev]


def _fill_from_sentence(ctx: DocContext, idx: EventIndex, ev: EventDraft, t: Trigger, only_missing: bool = False,
                        venue: bool = True) -> None:
    """Set date, venue, status and delegations of ``ev`` from the trigger's sentence."""
    if ev.start is None or ev.end_only:
        _apply_date(ctx, ev, t, idx.dates, window=30 if only_missing else 70, events=idx.events)
    if venue and ev.city is None:
        city, country, _ = place_near(ctx, t)
        if city or (country and ev.country is None):
            ev.city = city or ev.city
            ev.country = country or ev.country
    clause = ctx.text[t.sentence.start:t.sentence.end]
    if _FUTURE.search(clause) and not only_missing:
        # future wording in the clause of the trigger
        near = ctx.text[max(t.sentence.start, t.start - 80):min(t.sentence.end, t.end + 80)]
        if _FUTURE.search(near):
            ev.status = EventStatus.PLANNED
    m = re.search(r"\b(?:delegations?|representatives|officials|officers|participants|experts)\b[^.;]{0,80}?\b(?:from|of)\s+(?:all\s+|the\s+)?"
                  r"(\w+(?:-\w+)?)\s+(?:[\w\-]+\s+){0,3}?(?:Member States|member states|participating States|countries|States|states|nations)",
                  clause)
    if m and ev.delegations is None:
        n = number_value(m.group(1))
        if n:
            ev.delegations = n
    ev.evidence.append(Span(start=t.start, end=t.end, text=t.text, rule=f"trigger:{t.type.value}"))


def _prefix(a: str | None, b: str | None) -> str | None:
    """The common ISO prefix of two dates at a field boundary ("2018-05-03", "2018-05-04" → "2018-05")."""
    if not a:
        return None
    if not b or a == b:
        return a
    pa, pb = a.split("-"), b.split("-")
    out = []
    for x, y in zip(pa, pb):
        if x != y:
            break
        out.append(x)
    return "-".join(out) or None


def _overlaps(a: EventDraft, b: EventDraft) -> bool:
    """Do the date ranges of ``a`` and ``b`` overlap (compared at the coarser precision)?"""
    a1, a2 = a.start or a.end, a.end or a.start
    b1, b2 = b.start or b.end, b.end or b.start
    n = min(len(a1), len(b1))
    return a1[:n] <= b2[:n] and b1[:n] <= a2[:n]


def _structure(ctx: DocContext, idx: EventIndex) -> None:
    """part_of links, inherited dates and venues, status from dates, components of hybrid visits."""
    main = idx.main()
    containers = [e for e in idx.events if e.type in (EventType.VISIT, EventType.CONFERENCE, EventType.ASSESSMENT_VISIT,
                                                      EventType.WORKSHOP) and e.parent is None]
    for ev in idx.events:
        if ev.parent is not None or ev is main:
            continue
        container = None
        if ev.type is EventType.MEETING or (ev.type is EventType.VISIT and main is not None and main.type in (
                EventType.VISIT, EventType.ASSESSMENT_VISIT) and ev.first > main.first):
            cands = [c for c in containers if c is not ev and c.first < ev.first + 1 and c.type is not EventType.MEETING]
            container = cands[0] if cands else None
        evid = " ".join(s.text for s in ev.evidence).lower()
        part = any(p in evid for p in _PART_NOUNS)
        if part and main is not None and main.type in (EventType.ASSESSMENT_VISIT, EventType.WORKSHOP):
            container = main
        if container is not None and not part and ev.start and (container.start or container.end) and not _overlaps(ev, container):
            container = None  # "its first visit … in January-February 2009" is not part of the 2022 visit
        if container is not None and container is not ev:
            ev.parent = container
    # inherited dates / venues for sub-events without their own
    for ev in idx.events:
        p = ev.parent
        if p is None:
            continue
        if ev.start is None:
            pre = _prefix(p.start, p.end)
            ev.start = ev.end = pre
        if ev.city is None and ev.country is None:
            ev.city, ev.country = p.city, p.country
    # a parent known only by its end takes its components' earliest start
    for ev in idx.events:
        kids = [k for k in idx.events if k.parent is ev and k.start and (not ev.end or k.start <= ev.end)]
        if ev.end_only and kids:
            ev.start = min(k.start for k in kids)
            ev.end_only = False
        elif ev.start is None and kids and ev.type is EventType.ASSESSMENT_VISIT:
            ev.start = min(k.start for k in kids)
            ev.end = max((k.end or k.start) for k in kids)
    for ev in idx.events:
        if ev.end_only:
            ev.start = ev.end[:7] if ev.end else None
            ev.end_only = False
        if ev.start and ctx.published:
            pub = ctx.published.isoformat()[: len(ev.start)]
            if ev.start > pub:
                ev.status = EventStatus.PLANNED
            elif ev.start < pub or len(ev.start) == 10:
                ev.status = EventStatus.HELD  # dated on or before publication: it took place, whatever the wording


def subject_of_visit(ctx: DocContext, ev: EventDraft, t: Trigger) -> None:
    """The state or institution visited: "visit to X", "travelled to X", "toured X", "in X for a follow-up assessment"."""
    after = ctx.text[t.start:t.sentence.end]
    m = re.match(r"^[\w\-\s]*?\b(?:to|toured|visited|in)\s+(?:the\s+)?", after)
    candidates = ctx.mentions_in(t.start, t.sentence.end)
    if t.text.lower() in {"toured", "visited"}:
        candidates = ctx.mentions_in(t.end, t.sentence.end)
    for x in candidates:
        kind = ctx.actors[x.key].kind
        if kind is ActorKind.PERSON:
            continue
        gap = ctx.text[t.end:x.start]
        if re.search(r"[.;]", gap) or len(gap) > 140:
            break
        if not re.search(r"\b(?:to|toured|visited|in)\s+(?:the\s+)?$", ctx.text[max(0, x.start - 14):x.start]) and \
                t.text.lower() not in {"toured", "visited"}:
            continue
        if kind in (ActorKind.UN_ENTITY, ActorKind.REGIONAL_ORG) and not re.search(r"\bvisit", t.text.lower()):
            continue
        ctx.actors[x.key].is_actor = True
        ev.add_role(x.key, RoleType.SUBJECT, x)
        if kind is ActorKind.MEMBER_STATE and ev.country is None:
            ev.country = ctx.actors[x.key].iso3
        return
    before = [x for x in ctx.mentions_in(t.sentence.start, t.start) if ctx.actors[x.key].kind is ActorKind.MEMBER_STATE
              and re.search(r"\b(?:in|to)\s+(?:the\s+)?$", ctx.text[max(0, x.start - 12):x.start])
              and re.search(r"\b(?:is|are|was|were|arrived|travelled|traveled)\b", ctx.text[t.sentence.start:x.start])]
    if before:
        x = before[-1]
        ctx.actors[x.key].is_actor = True
        ev.add_role(x.key, RoleType.SUBJECT, x)
        ev.country = ev.country or ctx.actors[x.key].iso3
        return
    # a city visited: its country is the subject
    city, country, _ = place_near(ctx, t)
    if m and country:
        from ctrack.extract.actors import add_state_without_mention
        entry = add_state_without_mention(ctx, country)
        ev.add_role(entry.key, RoleType.SUBJECT)
        ev.country = ev.country or country
        ev.city = ev.city or city
