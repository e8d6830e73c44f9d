"""Roles of actors in events (SCHEMA.md, "Roles"), and meetings split by counterpart.

Two kinds of cue (lists in :mod:`ctrack.extract.lexicon`):

- *after* cues give their role to the actors that follow ("co-organized by
  A, B and C", "with financial support from D", "under the auspices of E");
  an actor takes the role of the nearest cue before it in the sentence;
- *before* cues give their role to the subject that precedes them ("A and B
  participated in", "X delivered a statement", "X said").

A cue applies to the event triggers of its sentence (after the verb for a
*before* cue), else to the events the sentence refers to, else to the events
of the last sentence that named one, else to the main event. A person quoted
("X said") is a speaker at a conference, briefing, workshop or launch and a
participant of a meeting (NOTES). "Met with A; with B; and with C" gives one
meeting per counterpart (SCHEMA.md: lists of states as separate meetings when
they were bilateral); a meeting whose only counterparts are generic ("local
authorities") is dropped.
"""
from __future__ import annotations

import re

from ctrack.extract.actors import collective_members
from ctrack.extract.context import DocContext, Mention, Sentence
from ctrack.extract.events import EventDraft, EventIndex, Trigger, find_triggers, subject_of_visit
from ctrack.extract.lexicon import ROLE_AFTER, ROLE_BEFORE, TITLE_HEADS
from ctrack.gazetteer import get_gazetteer
from ctrack.schema import ActorKind, EventType, RoleType

_AFTER = [(re.compile(rf"(?<![\w\-]){p}(?![\w\-])", re.I), r) for p, r in ROLE_AFTER]
_BEFORE = [(re.compile(rf"(?<![\w\-]){p}(?![\w\-])", re.I), r) for p, r in ROLE_BEFORE]
_AFTER_EXTRA = [(re.compile(r"\bas an? joint\b", re.I), RoleType.ORGANIZER),
                (re.compile(r"\binaugurated by\b", re.I), RoleType.ORGANIZER),
                (re.compile(r"\b(?:was|is|were) the (?:keynote )?speakers?\b", re.I), RoleType.SPEAKER)]
_BEFORE_EXTRA = [(re.compile(r"\b(?:take|takes|taking|took) part\b|\bparticipat(?:e|es|ed|ing)\b|\bare attending\b", re.I),
                  RoleType.PARTICIPANT),
                 (re.compile(r"\b(?:started|began|launched|hold|holds|organi[sz]es|co-organi[sz]es|hosts|convenes)\b", re.I),
                  RoleType.ORGANIZER),
                 (re.compile(r"\b(?:was|is|were) the (?:keynote )?speakers?\b", re.I), RoleType.SPEAKER),
                 (re.compile(r"\b(?:presented|presents|spoke|briefed|contributed speakers)\b", re.I), RoleType.SPEAKER)]
_SCOPE_STOP = re.compile(
    r";|(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!Mrs)(?<!\b[A-Z])(?<!\bNo)\.(?=\s|$)|"
    r"\b(?:which|who|whose|while|where|when|said|says|to discuss|to explore|aimed|brought together|took part|"
    r"participated|delivered|pointed|stressed|noted|added|explained|highlighted|"
    r"(?:held|holds|hosted|organi[sz]ed|convened|launched|started|opened)(?!\s+(?:jointly\s+)?by))\b|"
    r",\s+and\s+(?:he|she|they|it)\b", re.I)
_QUOTE_VERBS = re.compile(
    r"\b(?:said|says|stressed|noted|highlighted|pointed out|observed|underlined|emphasi[sz]ed|underscored|warned|added|explained|"
    r"praised|called|welcomed|thanked|told|recalled|spoke|addressed|described|informed|commended|congratulated|urged)\b", re.I)
_SPEAKING_AT = re.compile(r"\b(?:speaking|at)\s+(?:the|a|an|this)\b", re.I)
#: Principal organs and bodies that adopt strategies and create offices (Charter of the United Nations, Art. 7; A/RES/60/251).
_ORGANS = {"General Assembly", "Security Council", "Human Rights Council", "Economic and Social Council"}
_FUND_WORDS = re.compile(r"\b(?:Fund|Trust Fund|Facility|donor|Foundation)\b")
_TITLE_OF = re.compile(r"(?:" + "|".join(sorted((re.escape(h) for h in TITLE_HEADS), key=len, reverse=True)) + r")\s+(?:of|for)\s+(?:the\s+)?$")


#: Roles an *after* cue gives in a sentence that names no event (to the events of the sentences before).
_WITHOUT_EVENT = (RoleType.SPEAKER, RoleType.PARTICIPANT, RoleType.FUNDER)


def _role_for(ctx: DocContext, key: str, role: RoleType) -> RoleType:
    """"With the support of" a fund is funding (SCHEMA.md: "a fund or donor programme 'supporting' an event")."""
    if role is RoleType.SUPPORTER and _FUND_WORDS.search(ctx.actors[key].name):
        return RoleType.FUNDER
    return role


def _usable(ctx: DocContext, m: Mention) -> bool:
    entry = ctx.actors.get(m.key)
    if entry is None:
        return False
    if entry.kind is ActorKind.MEMBER_STATE and re.match(r"['’]s\s+(?:[A-Z][\w\-]*\s+){0,5}[A-Z]", ctx.text[m.end:m.end + 60]):
        nxt = [x for x in ctx.mentions_in(m.end, m.end + 80) if ctx.actors[x.key].kind.is_org]
        if nxt and nxt[0].start - m.end < 6:
            return False  # "Pakistan's National Counter Terrorism Authority": the body acts, not the state
    if entry.kind is ActorKind.MEMBER_STATE:
        if not entry.is_actor:
            return False
        # this mention may still be a place ("in Tashkent, Uzbekistan") or a title's "of India"
        before = ctx.text[max(0, m.start - 40):m.start]
        if re.search(r"\b(?:in|at)\s+(?:the\s+)?$|\b(?:Representative|Ambassador)\s+of\s+(?:the\s+)?$", before):
            return False
        city = re.search(r"\b([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?),\s*$", before)
        gaz = get_gazetteer()
        return not (city and gaz.lookup_state(city.group(1)) is None and gaz.lookup_org(city.group(1)) is None
                    and gaz.lookup_city(city.group(1), prefer_iso3=entry.iso3) is not None)
    return True


def _cue_matches(sent: Sentence, table) -> list[tuple[int, int, RoleType]]:
    out = []
    for rx, role in table:
        for m in rx.finditer(sent.text):
            s, e = sent.start + m.start(), sent.start + m.end()
            if all(e <= a or s >= b for a, b, _ in out):
                out.append((s, e, role))
    return sorted(out)


#: What may stand between a semicolon and the next item of a list of actors ("A, Director of X; and B, …").
_LIST_ITEM_AFTER_SEMICOLON = re.compile(r";\s*(?:and\s+)?(?:the\s+|a\s+)?$")


def _scope_open(ctx: DocContext, start: int, end: int, item_starts: set[int]) -> bool:
    """Whether a cue's scope runs from ``start`` to a mention at ``end``: no stop word or clause break between them,
    except a semicolon that separates items of a list of actors ("Also attending were A, Director of X; B, …; and C":
    the text after the semicolon opens on a mention, whose start is in ``item_starts``)."""
    for stop in _SCOPE_STOP.finditer(ctx.text, start, end):
        if stop.group(0) != ";":
            return False
        nxt = next((s for s in sorted(item_starts) if s >= stop.end()), None)
        if nxt is None or nxt > end or not _LIST_ITEM_AFTER_SEMICOLON.match(ctx.text[stop.start():nxt]):
            return False
    return True


def _after_roles(ctx: DocContext, sent: Sentence) -> dict[int, tuple[RoleType, int]]:
    """{mention start: (role, cue start)} for actors in the scope of an *after* cue (through the items of a list
    separated by semicolons, :func:`_scope_open`)."""
    cues = _cue_matches(sent, _AFTER + _AFTER_EXTRA)
    out: dict[int, tuple[RoleType, int]] = {}
    if not cues:
        return out
    mentions = ctx.mentions_in(sent.start, sent.end)
    starts = {m.start for m in mentions}
    for m in mentions:
        prior = [c for c in cues if c[1] <= m.start]
        if not prior:
            continue
        cs, ce, role = prior[-1]
        if not _scope_open(ctx, ce, m.start, starts):
            continue
        out[m.start] = (role, cs)
    return out


#: The clause of a sentence that introduces a list of actors after a colon or between dashes ("Fifty participants came
#: from six States: A, B and C", "Sixteen participants from seven countries - A, B and C - learned …").
_ENUMERATION_OPEN = re.compile(r":\s+|\s[-–—]\s+")
#: Dependency labels of the introducing clause's words whose role words say the list's role, most telling first.
_INTRODUCER_DEPS = ("ROOT", "nsubj", "nsubjpass", "attr", "dobj", "agent")


def enumeration_roles(ctx: DocContext, sent: Sentence) -> list[tuple[int, RoleType, list[Mention]]]:
    """Lists of actors that a clause introduces after a colon or between dashes, with the role that clause says.

    The role comes from the role words (``cues.json`` "role_words") of the clause's syntax: its main verb, then its
    subject, attribute, object and agent ("Seven partners are organizing the meeting: A; B" → organizer, "Nine
    organizations were represented: A, B" → participant, "Reports were presented by the heads of delegation: A; B"
    → speaker, "Fifty participants travelled to the seminar from six States: A, B and C" → participant). A list
    needs at least two actor mentions, the first one right after the colon or dash; it ends at the sentence's end
    or at the dash that closes it. After an active clause, the list must spell out its subject (counted, or a role
    noun): in "He welcomed six nations that joined: A, B" the list is what the verb is about, and holds no role. Returns [(colon offset, role, mentions of the list)]; needs the parse (``ctx.doc``).
    """
    from ctrack.extract.lexicon import ROLE_WORDS

    if ctx.doc is None:
        return []
    out = []
    for opener in _ENUMERATION_OPEN.finditer(sent.text):
        o_start, o_end = sent.start + opener.start(), sent.start + opener.end()
        close = len(sent.text)
        if ":" not in opener.group(0):
            closing = _ENUMERATION_OPEN.search(sent.text, opener.end())
            if closing is None or ":" in closing.group(0):
                continue  # a dash opens a list only when another dash closes it
            close = closing.start()
        # items, not the bodies and places inside their titles ("A, Director of the Department of X; B, India's …")
        items = [m for m in ctx.mentions_in(o_end, sent.start + close) if _usable(ctx, m)
                 and not re.search(r"\b(?:of|for|to|at|in|under)\s+(?:the\s+)?$", ctx.text[max(o_end, m.start - 12):m.start])
                 and not re.match(r"['’]s\b", ctx.text[m.end:m.end + 3])]
        if len(items) < 2 or not re.fullmatch(r"[^.;:]{0,30}?", ctx.text[o_end:items[0].start]):
            continue
        intro = ctx.doc.char_span(sent.start, o_start, alignment_mode="contract")
        if intro is None or len(intro) == 0:
            continue
        root = intro.root
        subj = [c for c in root.children if c.dep_ == "nsubj"]
        if root.pos_ in ("VERB", "AUX") and subj and not any(c.dep_ in ("nsubjpass", "auxpass") for c in root.children):
            # an active clause: the list spells out its subject only when that is counted or a role noun ("Seven
            # partners are organizing the course:", "Two experts addressed the participants:"); else it is what the
            # verb is about ("He welcomed six nations that joined the Call: A, B")
            if not (any(c.dep_ == "nummod" for c in subj[0].children) or subj[0].lemma_.lower() in ROLE_WORDS):
                continue
        ranked = []
        for tok in intro:
            if tok.lemma_.lower() in ROLE_WORDS and tok.dep_ in _INTRODUCER_DEPS:
                if tok.dep_ == "ROOT" or tok.head.dep_ == "ROOT" or tok.head.i == intro.root.i:
                    ranked.append((_INTRODUCER_DEPS.index(tok.dep_), tok.i, ROLE_WORDS[tok.lemma_.lower()][0]))
        if ranked:
            out.append((o_start, min(ranked)[2], items))
    return out


#: Pronouns that stand for an event told before ("It was organized by …", "They were funded by …").
_EVENT_PRONOUNS = {"it", "they", "this", "these", "both", "all"}


def refers_back(ctx: DocContext, cue_start: int, events: list[EventDraft]) -> bool:
    """Whether the clause of the role cue at ``cue_start`` has for subject a word that stands for an event told
    before: a pronoun ("It was organized by A together with B"), or a noun that names events (a word of ``cues.json``
    "event_lemmas" or the head word of a trigger of ``events``: "The course was funded by Japan", "The mission is
    co-led by France and Senegal", "These workshops were supported by the EU"). A participial clause takes the
    subject of the clause it depends on ("Organized by A and B, it brought together …"). Read from the parse
    (``ctx.doc``); False without one."""
    from ctrack.extract.lexicon import EVENT_LEMMAS

    if ctx.doc is None:
        return False
    span = ctx.doc.char_span(cue_start, cue_start + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    verb = span[0]
    steps = 0
    while (verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("aux", "auxpass")) and verb.head is not verb and steps < 3:
        verb, steps = verb.head, steps + 1  # "co-led": the parse may make "co" an auxiliary of "led"
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    heads = set(EVENT_LEMMAS) | {s.text.lower().split()[-1] for e in events for s in e.evidence
                                 if s.rule.startswith("trigger") and s.text.split()}
    clause = verb
    for _ in range(2):
        # the subject of the clause, also where the parse hangs it on an auxiliary ("The mission is co-led by": "is"
        # under "co" under "led")
        holders, auxes = [clause], [clause]
        for _ in range(2):
            auxes = [a for h in auxes for a in h.children if a.dep_ in ("aux", "auxpass")]
            holders += auxes
        subj = [c for h in holders for c in h.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj:
            tok = subj[0]
            if tok.pos_ == "PRON" or tok.lower_ in _EVENT_PRONOUNS:
                return tok.lower_ in _EVENT_PRONOUNS
            return tok.pos_ == "NOUN" and (tok.lemma_.lower() in heads or tok.lower_ in heads)
        if clause.dep_ not in ("advcl", "acl", "conj") or clause.head is clause:
            return False
        clause = clause.head
    return False


def _segment_start(ctx: DocContext, sent: Sentence, pos: int, triggers: list[Trigger]) -> int:
    """Start of the clause whose subject stands before ``pos``."""
    start = sent.start
    for t in triggers:
        if t.end <= pos and t.type is not EventType.MEETING:
            start = max(start, t.end)
    chunk = ctx.text[start:pos]
    # "X, who is the Permanent Representative of India, drew attention …": a relative clause is not a new subject
    starts = [start]
    for m in re.finditer(r";|\b(?:said|says|that|which|whom|when|what|how)\b|,?\s+and\s+(?:he|she|they|it)\b", chunk):
        starts.append(start + m.end())
    return max(starts)


def _events_for_sentence(idx: EventIndex, sent: Sentence, recent: list[EventDraft], own: bool = True) -> list[EventDraft]:
    """Events a sentence speaks of: those it names, else the last ones named if they are in the foreground, else the main event.

    Background events (a launch, or an event dated before the main one: "It
    followed the assessment visit … in September 2015") do not take the roles
    of later sentences that name no event.
    """
    refs = [e for e, _ in idx.by_sentence.get(sent.index, [])] if own else []
    if refs:
        return refs
    main = idx.main()
    if recent and (main is None or all(_foreground(e, main) for e in recent)):
        return recent
    return [main] if main is not None else []


def _foreground(ev: EventDraft, main: EventDraft) -> bool:
    if ev is main or ev.parent is main:
        return True
    if ev.type is EventType.LAUNCH and main.type is not EventType.LAUNCH:
        return False
    if ev.start and main.start and ev.start < main.start[: len(ev.start)]:
        return False
    return True


def assign_roles(ctx: DocContext, idx: EventIndex, title_sentences: int = 1) -> None:
    """Give roles to actors in ``idx``'s events, sentence by sentence; split and prune meetings.

    The headline is read last, so that the body decides who the agents are.
    """
    recent: list[EventDraft] = []
    series_agents: list[str] = []
    last_agents: list[str] = []
    order = [s for s in ctx.sentences if s.index >= title_sentences] + [s for s in ctx.sentences if s.index < title_sentences]
    for sent in order:
        headline = sent.index < title_sentences
        triggers = find_triggers(ctx, sent)
        refs = list(idx.by_sentence.get(sent.index, []))
        targets = _events_for_sentence(idx, sent, recent)
        claimed: set[int] = set()
        after = _after_roles(ctx, sent)
        # 1. possessive / "of" organizers: "the Counter-Terrorism Committee's open briefing", "informal meeting of the Committee"
        for ev, t in refs:
            if t is None or ev.type not in (EventType.BRIEFING, EventType.CONFERENCE, EventType.WORKSHOP):
                continue
            for m in ctx.mentions_in(max(sent.start, t.start - 60), t.start):
                if re.match(r"^['’]s\s+(?:[\w\-]+\s+){0,3}$", ctx.text[m.end:t.start]) and ctx.actors[m.key].kind is not ActorKind.PERSON:
                    ev.add_role(m.key, RoleType.ORGANIZER, m)
                    claimed.add(m.start)
            # "a special meeting of the U.N. Security Council's Counter-Terrorism Committee": the head of the "of" phrase
            np = re.match(r"^\s+of\s+(?:the\s+)?((?:[A-Z][\w.\-]*(?:['’]s)?\s*)+)", ctx.text[t.end:sent.end])
            if np:
                inside = [m for m in ctx.mentions_in(t.end, t.end + np.end()) if ctx.actors[m.key].kind is not ActorKind.PERSON]
                if inside:
                    m = inside[-1]
                    ev.add_role(m.key, RoleType.ORGANIZER, m)
                    claimed.update(x.start for x in inside)
        # 2. lists introduced by a clause before a colon or between dashes ("Fifty participants came from six States:
        #    A, B and C"): each item takes the role the clause's role words say, for the events the sentence speaks of
        for colon, role, items in enumeration_roles(ctx, sent):
            if not refs and role not in _WITHOUT_EVENT:
                continue
            evs = _events_before(refs, colon) or [e for e, _ in refs] or targets
            for m in items:
                if m.start in claimed:
                    continue
                for ev in evs:
                    r = role
                    if ev.type is EventType.MEETING and r in (RoleType.SPEAKER, RoleType.ORGANIZER):
                        r = RoleType.PARTICIPANT
                    elif ev.type in (EventType.VISIT, EventType.ASSESSMENT_VISIT) and r is not RoleType.ORGANIZER:
                        continue
                    ev.add_role(m.key, _role_for(ctx, m.key, r), m)
                claimed.add(m.start)
        # 3. after cues ("co-organized by A, B and C"); a sentence that names no event gives speakers, participants and
        #    funders ("Funding comes from D": said of the event just told; the role model decides whether it holds)
        for m in ctx.mentions_in(sent.start, sent.end):
            if m.start not in after or m.start in claimed or not _usable(ctx, m):
                continue
            role, cue_start = after[m.start]
            led = re.search(r"\bdelegation\b[^.;]{0,40}$", ctx.text[sent.start:cue_start]) and re.match(
                r"(?:led|headed)\s+by", ctx.text[cue_start:cue_start + 10])
            if led and not refs:
                # "The delegation was headed by X": the visit the delegation made
                visits = [e for e in idx.events if e.type in (EventType.VISIT, EventType.ASSESSMENT_VISIT) and e.parent is None]
                for ev in visits[:1]:
                    ev.add_role(m.key, RoleType.ORGANIZER, m)
                claimed.add(m.start)
                continue
            if not refs and role not in _WITHOUT_EVENT and not re.match(r"(?:its|their)\s", ctx.text[cue_start:cue_start + 6], re.I) \
                    and not (targets and refers_back(ctx, cue_start, targets)):
                continue  # ("Its co-organizers are A and B": the possessive names the event just told; "It was organized
                #            by A", "The course was funded by B": the subject stands for it)
            evs = _events_before(refs, cue_start) or _events_in_clause(ctx, refs, cue_start) or targets
            for ev in evs:
                r = role
                if ev.type is EventType.MEETING and r is RoleType.SPEAKER:
                    r = RoleType.PARTICIPANT
                if ev.type is EventType.MEETING and r is RoleType.ORGANIZER and re.search(r"jointly with|together with",
                                                                                            ctx.text[cue_start:m.start]):
                    continue
                if ev.type is EventType.MEETING and r is RoleType.ORGANIZER and re.match(r"(?:led|headed)\s+by",
                                                                                        ctx.text[cue_start:cue_start + 10]):
                    r = RoleType.PARTICIPANT  # "a delegation … led by X called on the Minister": X takes part
                ev.add_role(m.key, _role_for(ctx, m.key, r), m)
            claimed.add(m.start)
        for cs_, ce_, role in _cue_matches(sent, _AFTER + _AFTER_EXTRA):
            if not refs and role not in (RoleType.SPEAKER, RoleType.PARTICIPANT):
                continue
            stop = _SCOPE_STOP.search(ctx.text, ce_, sent.end)
            for key in collective_members(ctx, ce_, stop.start() if stop else sent.end):
                for ev in _events_before(refs, cs_) or [e for e, _ in refs] or targets:
                    ev.add_role(key, role)
        # 4. before cues ("A and B participated in", "X delivered a statement", "X said")
        quote_done = False
        for cs, ce, role in _cue_matches(sent, _BEFORE + _BEFORE_EXTRA):
            verb = ctx.text[cs:ce].lower()
            participle = re.match(r"\w+(?:ed|held|led|made|given|run)\b", verb) is not None
            if re.match(r"\s+(?:by|with)\b", ctx.text[ce:ce + 6]) or (participle and re.search(
                    r"\b(?:was|were|is|are|be|been|being)\s+$", ctx.text[max(sent.start, cs - 12):cs])):
                continue  # "organized by X", "the event was funded": passive, the subject is not the agent
            is_quote = bool(_QUOTE_VERBS.fullmatch(verb))
            delegation = bool(re.match(r"(?:led|headed)\b", verb)) and re.match(r"\s+(?:the|a|its|his|her)\s+delegation",
                                                                                 ctx.text[ce:ce + 20])
            if not refs and role not in (RoleType.SPEAKER, RoleType.PARTICIPANT) and not delegation:
                continue
            if re.match(r"(?:launched|opened|inaugurated)$", verb) and re.match(r"\s+(?:in|at|on|last|this|today)\b", ctx.text[ce:ce + 8]):
                continue  # headline style "UN office launched in Nairobi": the subject is what was launched
            seg = _segment_start(ctx, sent, cs, triggers)
            if re.search(r"\b(?:the|a|an|this|its)\s+[a-z][a-z\-]+\s+$", ctx.text[seg:cs]):
                continue  # "what the statement called …": a common noun is the subject
            subjects = [m for m in ctx.mentions_in(seg, cs) if m.start not in claimed and _usable(ctx, m)
                        and not re.search(r"\b(?:in|at|to|from|on)\s+(?:the\s+)?$", ctx.text[max(seg, m.start - 10):m.start])
                        and not _on_behalf(ctx, m)]
            if not subjects and is_quote:
                # "…," said Henryk Raczkowski, the Director of the College: the speaker follows the verb
                inv = [x for x in ctx.mentions_in(ce, min(sent.end, ce + 40)) if ctx.actors[x.key].kind is ActorKind.PERSON
                       and re.fullmatch(r"\s*", ctx.text[ce:x.start])]
                subjects = inv[:1]
            subject_keys = [m.key for m in subjects] + collective_members(ctx, seg, cs)
            who = re.search(r",\s+who\s+(?:has\s+|had\s+|also\s+)?$", ctx.text[max(sent.start, cs - 20):cs])
            if who:
                # "Ruchira Kamboj, India's permanent representative …, who presided over both days": the person before "who"
                prior = [x for x in ctx.mentions_in(sent.start, cs) if ctx.actors[x.key].kind is ActorKind.PERSON]
                if prior:
                    subjects, subject_keys = [prior[-1]], [prior[-1].key]
            if re.search(r"\b(?:he|she)\s+(?:\w+\s+)?$", ctx.text[seg:cs], re.I):
                # "…, he said": the pronoun is the subject, not the actors named earlier in the sentence
                subjects, subject_keys = [], last_agents[:1]
            if not subject_keys:
                continue
            persons = [k for k in subject_keys if ctx.actors[k].kind is ActorKind.PERSON]
            if persons:
                last_agents = persons
                # "Ambassador X of Peru, opened …": the person acts, with the body they act for
                subject_keys = persons + [k for k in subject_keys if k not in persons
                                          and any(ctx.actors[p].affiliation == k for p in persons)]
            later = [e for e, t in refs if t is not None and t.start >= ce
                     and not re.search(r";|,\s+and\b|\bwhich\b|\bwho\b|\bwhile\b|\bwhere\b|\bthat\b", ctx.text[ce:t.start])]
            if role is RoleType.CHAIR and not later and not verb.startswith("presid") and not re.search(
                    r"meeting|session|event|conference|briefing", ctx.text[ce:ce + 50]):
                continue
            own = [e for e, t in refs if t is not None and t.start <= cs < t.end + 1]
            if own and not is_quote:
                evs = own  # "the heads of delegation … adopted the Tashkent Declaration": the verb is the event
            elif delegation:
                # "X led the delegation": the visit the delegation made
                visits = [e for e in idx.events if e.type in (EventType.VISIT, EventType.ASSESSMENT_VISIT) and e.parent is None]
                evs = visits[:1] or targets
            elif is_quote:
                if quote_done:
                    continue
                quote_done = True
                at_event = _SPEAKING_AT.search(ctx.text[sent.start:cs])
                # a quote belongs to the event the sentence is set at ("Speaking at the open briefing, X said"), never to
                # an event the speaker talks about ("X called the adoption of the Strategy in 2006 a landmark")
                evs = [e for e, t in refs if t is not None and t.end <= cs] or _events_for_sentence(idx, sent, recent, own=False)
            elif later:
                evs = later
            elif refs:
                # events named before the verb, else (the only events named come after a clause break) the context's
                evs = _events_before(refs, cs) or _events_for_sentence(idx, sent, recent, own=False)
            else:
                evs = targets
            for ev in evs:
                r = role
                if is_quote or r is RoleType.SPEAKER:
                    if ev.type is EventType.MEETING:
                        r = RoleType.SPEAKER if is_quote and at_event and refs else RoleType.PARTICIPANT
                    elif ev.type in (EventType.VISIT, EventType.ASSESSMENT_VISIT):
                        continue
                if ev.type is EventType.MEETING and r is RoleType.ORGANIZER:
                    r = RoleType.PARTICIPANT
                if ev.type is EventType.LAUNCH and r is RoleType.SPEAKER and verb.startswith("present"):
                    r = RoleType.ORGANIZER  # "Uzbekistan presented its new National Strategy"
                for k in subject_keys:
                    rk = r
                    if (r is RoleType.ORGANIZER and ev.type in (EventType.CONFERENCE, EventType.BRIEFING)
                            and re.match(r"(?:convened|opened)", verb) and ctx.actors[k].kind is ActorKind.PERSON):
                        rk = RoleType.CHAIR  # "The Chairman … opened / convened the meeting"
                    m = next((x for x in subjects if x.key == k), None)
                    ev.add_role(k, _role_for(ctx, k, rk), m)
        # 4b. the organ that adopts a strategy or creates a body organizes its launch (NOTES: the GA for the Strategy, UNOCT)
        for ev, t in refs:
            if t is None or ev.type is not EventType.LAUNCH or not re.match(r"(?:adopt|creat|establish|set up|endors)", t.text.lower()):
                continue
            for m in ctx.mentions_in(sent.start, sent.end):
                if ctx.actors[m.key].name in _ORGANS:
                    ev.add_role(m.key, RoleType.ORGANIZER, m)
        # 5. visits: organizer = the subject before the trigger; subject = the place visited
        for ev, t in refs:
            if t is None or ev.type not in (EventType.VISIT, EventType.ASSESSMENT_VISIT):
                continue
            subject_of_visit(ctx, ev, t)
            if any(r == RoleType.ORGANIZER for _, r, _ in ev.roles):
                continue
            seg = _segment_start(ctx, sent, t.start, [x for x in triggers if x.end <= t.start and x is not t])
            subj = [m for m in ctx.mentions_in(seg, t.start)
                    if m.start not in claimed and _usable(ctx, m) and not ev.has_role(m.key, RoleType.SUBJECT) and not _on_behalf(ctx, m)
                    and ctx.actors[m.key].kind is not ActorKind.MEMBER_STATE]
            # "the assessment visit that CTED carried out", "… which it conducted"
            rel = re.match(r"^[^.;]{0,80}?\bthat\s+", ctx.text[t.end:sent.end])
            if not subj and rel:
                stop = re.search(r"\b(?:carried out|conducted|made|undertook|paid)\b", ctx.text[t.end:sent.end])
                if stop:
                    subj = [m for m in ctx.mentions_in(t.end, t.end + stop.start()) if not ev.has_role(m.key, RoleType.SUBJECT)
                            and ctx.actors[m.key].kind is not ActorKind.MEMBER_STATE]
            # the nearest group only: persons (with their offices) if any
            persons = [m for m in subj if ctx.actors[m.key].kind is ActorKind.PERSON]
            chosen = persons + [m for m in subj if any(ctx.actors[p.key].affiliation == m.key for p in persons)] if persons else subj[-1:]
            if persons:
                last_agents = [m.key for m in persons]
            for m in chosen:
                ev.add_role(m.key, RoleType.ORGANIZER, m)
        # 6. meetings: agents and counterparts
        for ev, t in refs:
            if t is None or ev.type is not EventType.MEETING:
                continue
            if ev.series:
                seg = _segment_start(ctx, sent, t.start, [])
                agents = [m.key for m in ctx.mentions_in(seg, t.start) if ctx.actors[m.key].kind is ActorKind.PERSON]
                if agents:
                    series_agents = agents
                continue
            if headline and ev.roles:
                continue
            _meeting(ctx, idx, ev, t, sent, triggers, series_agents or last_agents)
        if refs and not headline:
            recent = [e for e, _ in refs]
    _finish(ctx, idx)


def _on_behalf(ctx: DocContext, m: Mention) -> bool:
    """"on behalf of the CTC", "on the Committee's behalf", "for the CTC": the principal, not the agent (dev corpus, NOTES)."""
    before = ctx.text[max(0, m.start - 90):m.start]
    return bool(re.search(r"\bon\s+behalf\s+of\s+(?:the\s+)?(?:[A-Z][\w\-]*\s+){0,4}(?:[A-Z][\w\-]*\s*\()?$", before)
                or re.match(r"['’]s\s+behalf", ctx.text[m.end:m.end + 10]))


def _events_in_clause(ctx: DocContext, refs, pos: int) -> list[EventDraft]:
    """Events named after ``pos`` in the same clause (not behind "that", "which", ";")."""
    return [e for e, t in refs if t is not None and t.start >= pos
            and not re.search(r";|\bwhich\b|\bthat\b|\bwho\b|\bwhere\b", ctx.text[pos:t.start])]


def _events_before(refs, pos: int) -> list[EventDraft]:
    """Events of the last trigger before ``pos`` in the sentence (all of them: "the two Special Meetings")."""
    before = [(e, t) for e, t in refs if t is not None and t.end <= pos]
    if not before:
        return []
    last = before[-1][1]
    return [e for e, t in before if t is last]


def _units(ctx: DocContext, start: int, end: int) -> list[list[Mention]]:
    """Counterpart units in [start, end): one per list item; an office after a title joins its person."""
    pieces = re.split(r";|,\s*(?:and\s+)?|\s+and\s+(?:with\s+)?|\s+as well as\s+", ctx.text[start:end])
    units: list[list[Mention]] = []
    pos = start
    pending: list[Mention] = []
    for piece in pieces:
        p_start = ctx.text.find(piece, pos)
        p_end = p_start + len(piece)
        pos = p_end
        ms = [m for m in ctx.mentions_in(p_start, p_end) if _usable(ctx, m) or ctx.actors[m.key].kind is ActorKind.MEMBER_STATE]
        if not ms:
            continue
        kinds = {ctx.actors[m.key].kind for m in ms}
        title_of = bool(_TITLE_OF.search(ctx.text[max(0, ms[0].start - 60):ms[0].start]))  # "Head of the UNOCT (UNOCT)"
        if ActorKind.PERSON not in kinds and title_of:
            if units and any(ctx.actors[x.key].kind is ActorKind.PERSON for x in units[-1]):
                units[-1].extend(ms)
            else:
                pending.extend(ms)
            continue
        units.append(pending + ms)
        pending = []
    if pending:
        units.append(pending)
    return units


def _meeting(ctx: DocContext, idx: EventIndex, ev: EventDraft, t: Trigger, sent: Sentence, triggers, series_agents) -> None:
    low = t.text.lower()
    seg = _segment_start(ctx, sent, t.start, [x for x in triggers if x.end <= t.start and x is not t])
    agents = [m for m in ctx.mentions_in(seg, t.start) if _usable(ctx, m)
              and not re.search(r"\b(?:in|at|on)\s+(?:the\s+)?$", ctx.text[max(seg, m.start - 10):m.start])]
    persons = [m for m in agents if ctx.actors[m.key].kind is ActorKind.PERSON]
    if persons:
        agents = persons + [m for m in agents if any(ctx.actors[p.key].affiliation == m.key for p in persons)]
    agent_keys = [m.key for m in agents]
    # counterpart scope
    single = "between" in low or re.match(r"\s+between\b", ctx.text[t.end:t.end + 9]) is not None
    scope_start = t.end
    if not re.search(r"\b(?:with|between|by)$", low) and low not in {"met", "meets", "received", "receives"}:
        w = re.search(r"\b(?:with|between)\b", ctx.text[t.end:sent.end])
        scope_start = t.end + w.end() if w else sent.end
    scope_end = sent.end
    for stop in _SCOPE_STOP.finditer(ctx.text, scope_start, sent.end) if scope_start < sent.end else ():
        if stop.group(0) == ";" and re.match(r";\s*(?:and\s+)?with\b", ctx.text[stop.start():stop.start() + 12]):
            continue  # "held talks with A; with B; and with C"
        scope_end = stop.start()
        break
    units = _units(ctx, scope_start, scope_end)
    if not agent_keys:
        parent = ev.parent or next((e for e in idx.events if e.type in (EventType.VISIT, EventType.ASSESSMENT_VISIT)
                                    and e.first < ev.first), None)
        if parent is not None and parent.type in (EventType.VISIT, EventType.ASSESSMENT_VISIT):
            # "the delegation held meetings with …": whoever made the visit (its persons and the bodies they lead)
            agent_keys = [k for k, r, _ in parent.roles if r is RoleType.ORGANIZER]
        if not agent_keys and series_agents:
            agent_keys = list(series_agents)
        if not agent_keys and parent is not None:
            agent_keys = [k for k, r, _ in parent.roles if r is RoleType.ORGANIZER and ctx.actors[k].kind is ActorKind.PERSON]
    if not units:
        if len({m.key for m in agents}) >= 2:  # "Representatives of CTED and of CARICOM met …"
            for k in agent_keys:
                ev.add_role(k, RoleType.PARTICIPANT)
            ev.counterparts = frozenset(m.key for m in agents)
        return
    between = ctx.text[scope_start:scope_end]
    persons_only = all(any(ctx.actors[m.key].kind is ActorKind.PERSON for m in u) for u in units)
    if persons_only and len(units) > 1 and ";" not in between and len(re.findall(r"\bwith\b", between)) <= 1:
        single = True  # "received Mr. Voronkov … and Ms. Gherman": one meeting with the joint delegation
    if single:
        units = [[m for u in units for m in u]]
    events = [ev]
    for _ in units[1:]:
        clone = EventDraft(type=ev.type, first=ev.first, sentence=ev.sentence, start=ev.start, end=ev.end, city=ev.city,
                           country=ev.country, status=ev.status, parent=ev.parent, evidence=list(ev.evidence))
        idx.events.append(clone)
        idx.note(sent.index, clone, t)
        events.append(clone)
    for e, unit in zip(events, units):
        for k in agent_keys:
            e.add_role(k, RoleType.PARTICIPANT)
        for m in unit:
            ctx.actors[m.key].is_actor = True
            e.add_role(m.key, RoleType.PARTICIPANT, m)
        e.counterparts = frozenset(m.key for m in unit)


def _finish(ctx: DocContext, idx: EventIndex) -> None:
    """Merge duplicate meetings, drop empty ones, retype Committee visits, give components their parent's roles."""
    gaz = get_gazetteer()
    keep: list[EventDraft] = []
    for ev in idx.events:
        if ev.series:
            continue
        if ev.type is EventType.MEETING:
            if not ev.counterparts:
                continue  # "the committee had met in India": no named counterpart, no meeting to record
            people = {k for k, _, _ in ev.roles}
            offices = {ctx.actors[k].affiliation for k in people if ctx.actors[k].kind is ActorKind.PERSON}
            if len(people - offices) < 2:
                continue  # a person and their own office are one side: no meeting
            dup = next((k for k in keep if k.type is EventType.MEETING and ev.counterparts and k.counterparts
                        and ev.counterparts <= {x for x, _, _ in k.roles}), None)
            if dup is not None:
                for k, r, m in ev.roles:
                    dup.add_role(k, r, m)
                continue
        keep.append(ev)
    # "a visit conducted by the CTC/CTED to a member state" is an assessment visit, in a text about assessments
    assessing = re.search(r"\bassessment|on behalf of the (?:Counter-Terrorism )?Committee|on the Committee['’]s behalf|follow-up visit",
                          ctx.text, re.I)
    committee = set()
    for o in ("CTC", "CTED") if assessing else ():
        org = gaz.lookup_org(o)
        if org is not None:
            committee.add(f"org:{org.key}")
    for ev in keep:
        if ev.type is EventType.VISIT and committee:
            for k, r, m in list(ev.roles):
                aff = ctx.actors[k].affiliation if ctx.actors[k].kind is ActorKind.PERSON else None
                if r is RoleType.ORGANIZER and aff in committee:
                    ev.add_role(aff, RoleType.ORGANIZER)  # a CTED delegation led by its section chief: CTED visits
        if ev.type is EventType.VISIT and any(k in committee and r is RoleType.ORGANIZER for k, r, _ in ev.roles) \
                and any(ctx.actors[k].kind is ActorKind.MEMBER_STATE and r is RoleType.SUBJECT for k, r, _ in ev.roles):
            ev.type = EventType.ASSESSMENT_VISIT
        if ev.parent is not None and ev.parent.type is EventType.ASSESSMENT_VISIT and ev.type is EventType.ASSESSMENT_VISIT:
            for k, r, m in ev.parent.roles:
                if r in (RoleType.ORGANIZER, RoleType.SUBJECT):
                    ev.add_role(k, r, m)
        if ev.parent is not None and ev.type is EventType.VISIT and not any(r is RoleType.ORGANIZER for _, r, _ in ev.roles):
            for k, r, m in ev.parent.roles:
                if r is RoleType.ORGANIZER:
                    ev.add_role(k, r, m)
    # a visit told without its visitors ("The two senior United Nations officials are in Kazakhstan … on a joint visit"):
    # the persons named just before who do not belong to the state visited
    for ev in keep:
        if ev.type not in (EventType.VISIT, EventType.ASSESSMENT_VISIT) or ev.parent is not None \
                or any(r is RoleType.ORGANIZER for _, r, _ in ev.roles):
            continue
        subjects = {k for k, r, _ in ev.roles if r is RoleType.SUBJECT}
        sent = ctx.sentence_at(ev.first)
        lo = ctx.sentences[max(0, sent.index - 2)].start
        visitors = []
        for m in ctx.mentions_in(lo, ev.first):
            a = ctx.actors[m.key]
            if a.kind is ActorKind.PERSON and a.affiliation not in subjects and m.key not in visitors and not (
                    a.affiliation and ctx.actors.get(a.affiliation) is not None
                    and ctx.actors[a.affiliation].iso3 in {ctx.actors[s].iso3 for s in subjects}):
                visitors.append(m.key)
        for k in visitors:
            ev.add_role(k, RoleType.ORGANIZER)
    # a numbered meeting of the Security Council at which officials brief the Council is a briefing (SCHEMA.md)
    if re.search(r"\b(?:told|briefed|briefing|presenting|presented)\b[^.]{0,120}\b(?:the\s+)?(?:Security\s+)?Council\b", ctx.text) \
            or re.search(r"\bbriefed\s+the\s+(?:Security\s+)?Council\b", ctx.text):
        for ev in keep:
            if ev.type is EventType.CONFERENCE and ev.parent is None and any(
                    s.rule.startswith("trigger") and s.text.lower().endswith("meeting") for s in ev.evidence) \
                    and re.search(r"\bSecurity Council\b", ctx.text):
                ev.type = EventType.BRIEFING
    # a "visit" with neither a place visited nor a venue is travel, not an event ("FTFs had travelled to the conflict zones")
    keep = [ev for ev in keep if not (ev.type is EventType.VISIT and ev.city is None
                                      and not any(r is RoleType.SUBJECT for _, r, _ in ev.roles))]
    for ev in keep:
        if ev.parent is not None and ev.parent not in keep:
            ev.parent = None
    idx.events[:] = keep
