"""Decisions learned from annotated data, over the candidates the rules and the parser propose.

The rule modules (:mod:`~ctrack.extract.actors`, :mod:`~ctrack.extract.events`,
:mod:`~ctrack.extract.roles`) find *candidates*: actor mentions, event
triggers, date mentions, and a first guess at each event's date and roles.
This module makes the *decisions* with models trained on the annotated
corpora by :mod:`ctrack.train` (logistic regression from scikit-learn over
sparse features):

- **date** — for an event the rules left undated, which date mention of the
  document is its start (or none). Candidates are every dated mention;
  features are the sentence distance (signed), the words before the date
  ("on", "from", "since"), whether the date's sentence names an event of the
  same type, its precision and whether it falls before or after publication.
- **event** — whether an event candidate is a real event of its type (the
  probability is the event's confidence; improbable ones are dropped).
- **proposal** — whether a proposed event (:class:`EventProposal`: a trigger and a date mention of one
  sentence whose date no event of the trigger's type holds) is an event of its own: "met in Astana on
  8 June 2016 … met again in Geneva in July 2017 and in Vienna in February 2018" holds three meetings,
  which the rules' coreference folds into one. Features say how the rules saw the trigger (resolved to an
  event with another date or none), the date and the sentence (how many dates and triggers, what lies between).
- **split** — the same decision for the venues of a series told once over several places ("workshops were held in
  A, B and C in July 2018": one proposal per venue, :func:`_place_splits`), with features of their own
  (``place_split``, how many venues, city or state, where the date came from, whether the rules' event of the
  trigger has that country already). Its own model, trained on the venues' proposals and the phrase proposals (the
  venues are few: 9 in the annotated corpora), so that the phrase proposal model keeps its examples and weights.
- **parse_proposal** — the same decision for the proposals of parse candidates: a word of ``cues.json``
  "event_lemmas" that no trigger phrase holds ("held an open *debate*", "a *hearing*", "was the *venue* of"), in a
  sentence with a date no event of its type has (:func:`ctrack.extract.events.syntactic_triggers`). Its own model,
  with the syntax of the word (lemma, part of speech, dependency, head, modifiers, path to the date): the many
  parse candidates that are no event would otherwise pull the phrase proposals' intercept down.
- **role** — for every (event, actor) pair of the record, which role the
  actor holds (organizer, funder, supporter, participant, speaker, chair,
  subject) or none. Features are what carries over to new house styles: the
  dependency path between the actor's mention and the event's trigger, the
  verb and preposition that govern the mention ("by", "with the support of",
  "from"), the words around it, the sentence distance, the actor's kind, the
  event type, and the role the cue rules proposed (a feature, not a verdict).
  Role words of the schema that the parse links to the mention (``cues.json`` "role_words": the governing
  noun or verb, the object of the verb it is the subject of, a noun in apposition) are features as classes
  ("funding", "donor", "finance" all say funder), so that a phrasing no annotated document used still counts.
- **verify** — for a role the cue rules proposed, whether the actor holds that very role (binary). The role
  model's probability for the proposed role is that role's share among seven labels, not the chance that the
  proposal holds: correct organizers whose other features look like a participant's got 0.02. The verification
  model is trained on exactly these (pair, proposed role) cases and Platt-scaled on out-of-group predictions
  (``ctrack.train._calibrator``), so its probability is the share of such roles that hold on a house style it
  was not trained on (grouped CV: ``bench/role_calibration.py``).
- **actor** — for every actor candidate the rules put in the record, whether it belongs there (binary; label: the
  scorer aligns it with a gold actor). Features (:func:`ctrack.extract.actors.actor_features`): the kind, the
  rules that found it, how often and where it is named, the syntax of its mentions, its name's shape, whether a
  person or a body depends on it. A candidate under :data:`ACTOR_MIN` is left out, with the roles it held.

**Local weights** (``ctrack train --with-reviewed``): beside the general weights learned from the annotated corpora,
the event, verification and role models can carry weights learned from a knowledge base's reviewed documents alone
(domain adaptation by feature augmentation, :func:`local_features`). A document decided as the knowledge base's own
(``Models.domain == "local"``, what the extraction pipeline does with such models) must then pass each keep test
with them too: an analyst's rejections in one note drop the same pattern in the next note of that house style.

Each decided fact carries a probability of being right as its ``confidence``: an event's is the event model's;
a role the rules proposed has the verification model's, a role the model added the role model's (both
conditional on the event being real, since their training labels come from matched events).
The models are stored as JSON (feature names, coefficients, classes) in
``ctrack/data/models/decisions.json`` and rebuilt by ``ctrack train``.
"""
from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ctrack.extract.context import ActorEntry, DocContext, Mention
from ctrack.extract.events import EventDraft, EventIndex, _is_dateline
from ctrack.extract.exemplars import ADDED, ADDED_EVENT
from ctrack.schema import ActorKind, EventStatus, EventType, RoleType, Span

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "models" / "decisions.json"

#: Role labels of the role model; "none" = the actor holds no role in the event.
NONE = "none"
ROLE_LABELS = [NONE] + [r.value for r in RoleType]
#: When an actor holds several roles in gold, the order in which one is taken as the training label's first choice.
_ROLE_ORDER = ["organizer", "funder", "speaker", "chair", "subject", "supporter", "participant"]

#: Candidates lie within this many sentences of one of the event's mentions (roles) or of the event (dates);
#: farther ones almost never hold (and skipping them keeps a long text's cost linear in its length).
ROLE_WINDOW = 6
DATE_WINDOW = 8
#: The type model relabels an event when its best type beats the rules' type by this much (probability).
TYPE_MARGIN = 0.1
#: Decision thresholds (probabilities). Chosen by grouped cross-validation (``ctrack eval``), not on one document.
DATE_MIN = 0.30
EVENT_MIN = 0.05
#: A role the cue rules proposed is dropped when the role model gives "no role" more than this (without a verification model).
ROLE_KEEP_NONE_MAX = 0.9
#: A role the cue rules proposed is kept when the verification model gives it at least this probability of holding.
VERIFY_MIN = 0.2
#: An actor the rules gave no role takes the model's most probable role when its probability is at least this.
ROLE_ADD_MIN = 0.5
#: A proposed event (:class:`EventProposal`) becomes an event when the proposal model gives it at least this.
PROPOSAL_MIN = 0.2
#: An actor takes the role model's best role in a proposed event when its probability is at least this.
PROPOSAL_ROLE_MIN = 0.25
#: The same two thresholds for the proposals of parse candidates (the ``parse_proposal`` model), chosen by grouped
#: cross-validation (``ctrack eval``'s folds; see README.md "Extraction quality").
PARSE_PROPOSAL_MIN = 0.2
PARSE_PROPOSAL_ROLE_MIN = 0.25
#: The same two thresholds for the venues of a series told over several places (the ``split`` model).
SPLIT_MIN = 0.2
SPLIT_ROLE_MIN = 0.25
#: An actor candidate the rules put in the record stays there when the actor model gives it at least this. Gold
#: actors are about 80 % of the candidates; under grouped CV (actor model only, C 0.5) pooled actors F1 was 0.802
#: at 0.5, 0.813 at 0.3, 0.809 at 0.2, 0.810 at 0.1 (0.804 without the model).
ACTOR_MIN = 0.3


# ---------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------
@dataclass
class RoleCandidate:
    """One (event, actor) pair with its features; ``event`` indexes :attr:`Candidates.events`."""

    event: int
    key: str
    features: dict[str, float]
    rule_roles: list[str]
    evidence: Mention | None


@dataclass
class DateCandidate:
    """One (undated event, date mention) pair with its features."""

    event: int
    date: object  # DateMention
    features: dict[str, float]


@dataclass
class EventProposal:
    """An event the rules did not make: a trigger and a date mention in one sentence, where no event of the
    trigger's type has that date (a chronology's second meeting, a series' later sessions, which the rules'
    coreference folded into one event). ``draft`` is the event it would become; ``roles`` are its role
    candidates (their ``event`` indexes :attr:`Candidates.proposals`)."""

    draft: EventDraft
    trigger: object  # Trigger
    date: object  # DateMention
    features: dict[str, float]
    roles: list["RoleCandidate"] = field(default_factory=list)
    place: str | None = None  # ISO3 of the venue, for one venue of a series told over several places (:func:`_place_splits`)


@dataclass
class Candidates:
    """Everything the decision models look at for one document, kept so that training and
    cross-validation can decide again with other models without re-running spaCy."""

    ctx: DocContext
    idx: EventIndex
    events: list[EventDraft]
    dates: list[DateCandidate] = field(default_factory=list)
    roles: list[RoleCandidate] = field(default_factory=list)
    event_features: list[dict[str, float]] = field(default_factory=list)
    type_features: list[dict[str, float]] = field(default_factory=list)
    snapshot: list[tuple] = field(default_factory=list)  # (type, start, end, status, parent, roles, evidence count) per event, as the rules left them
    proposals: list[EventProposal] = field(default_factory=list)


def _bucket(n: int, edges=(0, 1, 2, 3, 5, 8)) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _event_sentences(idx: EventIndex) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for s, lst in idx.by_sentence.items():
        for ev, _ in lst:
            out.setdefault(id(ev), []).append(s)
    return out


def _event_triggers(idx: EventIndex) -> dict[int, list]:
    out: dict[int, list] = {}
    for lst in idx.by_sentence.values():
        for ev, trig in lst:
            if trig is not None:
                out.setdefault(id(ev), []).append(trig)
    return out


def _words(ctx: DocContext, start: int, end: int) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z\-']*", ctx.text[start:end].lower())


def _token_span(doc, start: int, end: int):
    if doc is None:
        return None
    return doc.char_span(start, end, alignment_mode="expand")


def _governing(root, depth: int = 2) -> list[tuple[str, object]]:
    """The first ``depth`` content heads above ``root``: (preposition or dependency, head token) pairs.

    "organized by UNODC" gives [("by", organized)]; "with funding from Japan" gives
    [("from", funding), ("with", organize…)]; conjuncts pass through to their first conjunct.
    """
    out: list[tuple[str, object]] = []
    tok, prep = root, root.dep_ or "dep"
    steps = 0
    while tok.head is not tok and steps < 12 and len(out) < depth:
        steps += 1
        head = tok.head
        if tok.dep_ == "conj" and head.pos_ in ("PROPN", "NOUN"):
            tok = head
            prep = tok.dep_ or "dep"
            continue
        if head.pos_ == "ADP" or head.dep_ in ("prep", "agent"):
            prep = head.lemma_.lower()
            tok = head
            continue
        if head.pos_ in ("VERB", "NOUN", "AUX", "ADJ", "PROPN"):
            out.append((prep, head))
            prep = head.dep_ or "dep"
        tok = head
    return out


def _governors(root, depth: int = 2) -> list[tuple[str, str]]:
    """:func:`_governing` as (preposition or dependency, lemma) pairs: "organized by UNODC" gives [("by", "organize")]."""
    return [(prep, head.lemma_.lower()) for prep, head in _governing(root, depth)]


def role_word_features(root) -> dict[str, float]:
    """Role words (``cues.json`` "role_words", :data:`ctrack.extract.lexicon.ROLE_WORDS`) that the parse links to an
    actor's mention, whose head token is ``root``: a governing head ("hosted by X": ``gov=organizer``, with its
    preposition and rank), the object of the verb the mention is the subject of ("X provided the funding":
    ``obj=funder``), the subject of the verb it is the object of ("panellists included X": ``subj=speaker``), and
    a noun in apposition ("X, the moderator": ``appos=chair``). Word classes, not words, so that a verb no
    annotated document used still says its role. Returns {"rw_<where>=<role>": 1.0, …}."""
    from ctrack.extract.lexicon import ROLE_WORDS

    f: dict[str, float] = {}

    def add(where: str, tok) -> None:
        for r in ROLE_WORDS.get(tok.lemma_.lower(), ()):
            f[f"rw_{where}={r.value}"] = 1.0
            f[f"rw_any={r.value}"] = 1.0

    govs = _governing(root, 3)
    for n, (prep, head) in enumerate(govs):
        add(f"gov{min(n, 1)}", head)
        for r in ROLE_WORDS.get(head.lemma_.lower(), ()):
            f[f"rw_govp={prep}|{r.value}"] = 1.0
    # an item of a coordinated list stands where the list's first item stands ("France, Germany and Poland provide
    # the funding": Germany and Poland are subjects of "provide" as France is)
    first = _first_conjunct(root)
    if govs:
        head = govs[0][1]
        if head.pos_ in ("VERB", "AUX"):
            for ch in head.children:
                if first.dep_.startswith("nsubj") and ch.dep_ in ("dobj", "obj", "attr", "oprd"):
                    add("obj", ch)
                elif first.dep_ in ("dobj", "obj", "pobj", "attr") and ch.dep_.startswith("nsubj"):
                    add("subj", ch)
    for ch in root.children:
        if ch.dep_ == "appos":
            add("appos", ch)
    if first.dep_ == "appos":
        add("appos", first.head)
    return f


def _first_conjunct(tok):
    """The first item of the coordination ``tok`` belongs to (``tok`` itself when it is not a conjunct)."""
    steps = 0
    while tok.dep_ == "conj" and tok.head is not tok and steps < 50:
        tok, steps = tok.head, steps + 1
    return tok


def _dep_path(a, b) -> tuple[str, str] | None:
    """The dependency path from token ``a`` up to the lowest common ancestor and down to ``b``:
    (labels only, labels with the ancestor's lemma), or None when they share no ancestor or it is long."""
    up = [a] + list(a.ancestors)
    down = [b] + list(b.ancestors)
    ids = {t.i: n for n, t in enumerate(down)}
    for n, t in enumerate(up):
        if t.i in ids:
            m = ids[t.i]
            if n + m > 6:
                return ("long", "long")
            path = ">".join(x.dep_ for x in up[:n]) + "^" + "<".join(x.dep_ for x in reversed(down[:m]))
            return path, f"{path}|{t.lemma_.lower()}"
    return None


def _cue_words(ctx: DocContext, m: Mention) -> dict[str, float]:
    sent = ctx.sentence_at(m.start)
    before = _words(ctx, sent.start, m.start)[-4:]
    after = _words(ctx, m.end, sent.end)[:3]
    f: dict[str, float] = {}
    for n in (1, 2, 3):
        if len(before) >= n:
            f["prev%d=%s" % (n, " ".join(before[-n:]))] = 1.0
    for n in (1, 2):
        if len(after) >= n:
            f["next%d=%s" % (n, " ".join(after[:n]))] = 1.0
    if not before:
        f["sent_initial"] = 1.0
    return f


def _cue_features(ctx: DocContext, m: Mention, cache: dict) -> dict[str, float]:
    """The role words of SCHEMA.md around a mention, whether or not the rules could attach them to an event:
    an *after* cue whose scope holds the mention ("funding comes from X", "a joint initiative of X"), a *before*
    cue right after it ("X also contributes", "X organized"), and whether the sentence names an event itself."""
    from ctrack.extract.roles import _BEFORE, _after_roles, _cue_matches

    sent = ctx.sentence_at(m.start)
    if sent.index not in cache:
        cache[sent.index] = (_after_roles(ctx, sent), _cue_matches(sent, _BEFORE))
    after, before = cache[sent.index]
    f: dict[str, float] = {}
    if m.start in after:
        f["cue_after=" + after[m.start][0].value] = 1.0
    nxt = [c for c in before if c[0] >= m.end and c[0] - m.end <= 60
           and not any(x.start >= m.end and x.end <= c[0] for x in ctx.mentions_in(m.end, c[0]))]
    if nxt:
        f["cue_before=" + nxt[0][2].value] = 1.0
    return f


def _mention_syntax(ctx: DocContext, m: Mention, triggers: list) -> dict[str, float]:
    f: dict[str, float] = {}
    span = _token_span(ctx.doc, m.start, m.end)
    if span is None or len(span) == 0:
        return f
    root = span.root
    f["dep=" + root.dep_] = 1.0
    for n, (prep, lemma) in enumerate(_governors(root)):
        f[f"gov{n}={lemma}"] = 1.0
        f[f"govp{n}={prep}|{lemma}"] = 1.0
        f[f"prep{n}={prep}"] = 1.0
    sent = ctx.sentence_at(m.start)
    for t in triggers:
        if not (sent.start <= t.start < sent.end):
            continue
        tspan = _token_span(ctx.doc, t.start, t.end)
        if tspan is None or len(tspan) == 0:
            continue
        p = _dep_path(root, tspan.root)
        if p is not None:
            f["path=" + p[0]] = 1.0
            f["pathw=" + p[1]] = 1.0
        f["trig_side=" + ("before" if m.start < t.start else "after")] = 1.0
        gap = abs((t.start - m.end) if m.start < t.start else (m.start - t.end))
        f["trig_gap=" + _bucket(gap // 20, (0, 1, 2, 4, 8))] = 1.0
    return f


def _role_features(ctx: DocContext, idx: EventIndex, ev: EventDraft, a: ActorEntry, ev_sents: list[int], triggers: list,
                   main: EventDraft | None, n_events: int, rule_roles: list[str], other_rule_roles: set[str],
                   affiliate_roles: set[str], member_roles: set[str], main_state: str | None, headline: int,
                   cue_cache: dict, sent_of: list[int]) -> tuple[dict, Mention | None]:
    et, kind = ev.type.value, a.kind.value
    f: dict[str, float] = {"bias": 1.0, "kind=" + kind: 1.0, "etype=" + et: 1.0, f"etype_kind={et}|{kind}": 1.0}
    for r in rule_roles or [NONE]:
        f["rule=" + r] = 1.0
        f[f"rule_etype={r}|{et}"] = 1.0
        f[f"rule_kind={r}|{kind}"] = 1.0
    for r in other_rule_roles:
        f["rule_other_event=" + r] = 1.0
    for r in affiliate_roles:
        f["affiliate_rule=" + r] = 1.0  # an organization whose person holds this role here
    for r in member_roles:
        f["affiliation_rule=" + r] = 1.0  # a person whose organization holds this role here
    f["n_events=" + _bucket(n_events, (1, 2, 3, 5))] = 1.0
    if ev is main:
        f["main_event"] = 1.0
    f["status=" + ev.status.value] = 1.0
    if a.kind is ActorKind.MEMBER_STATE:
        if ev.country and ev.country == a.iso3:
            f["state_is_venue"] = 1.0
        if a.iso3 == main_state:
            f["state_is_main"] = 1.0
        if not a.is_actor:
            f["state_place_only"] = 1.0
    if a.kind is ActorKind.PERSON:
        f["person_titled" if a.title else "person_untitled"] = 1.0
        if a.title:
            f["title_head=" + a.title.lower().split()[-1]] = 1.0
    ev_set = set(ev_sents)
    if not sent_of:
        f["no_mention"] = 1.0
        return f, None
    dists = [min(abs(s - e) for e in ev_sents) for s in sent_of] if ev_sents else [99]
    best_d = min(dists)
    f["dist=" + _bucket(best_d, (0, 1, 2, 4, 8))] = 1.0
    f[f"dist_etype={_bucket(best_d, (0, 1, 3))}|{et}"] = 1.0
    f["n_mentions_in_event=" + _bucket(sum(1 for s in sent_of if s in ev_set), (0, 1, 2, 4))] = 1.0
    if any(s < headline for s in sent_of):
        f["in_headline"] = 1.0
    if ev_sents and min(sent_of) > max(ev_sents):
        f["first_mention_after_event"] = 1.0
    # features of the mentions in the event's own sentences (or the nearest one)
    near = [m for m, d in zip(a.mentions, dists) if d == best_d][:4]
    best = near[0]
    for m in near:
        for k, v in _cue_words(ctx, m).items():
            f[k] = v
        for k, v in _cue_features(ctx, m, cue_cache).items():
            f[k] = v
            f[f"{k}|d{min(best_d, 2)}"] = v
        rw_key = ("role_words", m.start)
        if rw_key not in cue_cache:
            span = _token_span(ctx.doc, m.start, m.end)
            cue_cache[rw_key] = role_word_features(span.root) if span is not None and len(span) else {}
        for k, v in cue_cache[rw_key].items():
            f[k] = v
            f[f"{k}|d{min(best_d, 2)}"] = v
            if k.startswith("rw_any="):
                f[f"{k}|{et}"] = v
        if best_d == 0:
            for k, v in _mention_syntax(ctx, m, triggers).items():
                f[k] = v
                if k.startswith(("govp0=", "path=")):
                    f[f"{k}|{kind}"] = v
    return f, best


def _date_features(ctx: DocContext, ev: EventDraft, ev_sents: list[int], d, triggers_by_sent: dict[int, list],
                   used_dates: set[str]) -> dict[str, float]:
    sent = ctx.sentence_at(d.start)
    dist = min((sent.index - s for s in ev_sents), key=abs) if ev_sents else 99
    f: dict[str, float] = {"bias": 1.0, "prec=" + d.precision: 1.0, "etype=" + ev.type.value: 1.0}
    f["sdist=" + (str(dist) if abs(dist) <= 3 else ("far_after" if dist > 0 else "far_before"))] = 1.0
    f["adist=" + _bucket(abs(dist), (0, 1, 2, 3, 5, 10))] = 1.0
    before = _words(ctx, max(sent.start, d.start - 30), d.start)[-2:]
    if before:
        f["dprev1=" + before[-1]] = 1.0
        f["dprev2=" + " ".join(before)] = 1.0
    trigs = triggers_by_sent.get(sent.index, [])
    f["trigs_in_sent=" + _bucket(len(trigs), (0, 1, 2))] = 1.0
    if any(t.type is ev.type for t in trigs):
        f["same_type_trigger_in_sent"] = 1.0
    if d.relative:
        f["relative"] = 1.0
    if _is_dateline(ctx, sent, d):
        f["dateline"] = 1.0
    if d.start_iso in used_dates:
        f["date_of_other_event"] = 1.0
    if ctx.published is not None and d.start_iso:
        pub = ctx.published.isoformat()[:len(d.start_iso)]
        rel = "before" if d.start_iso < pub else ("same" if d.start_iso == pub else "after")
        f["vs_pub=" + rel] = 1.0
        f[f"vs_pub_status={rel}|{ev.status.value}"] = 1.0
    if d.end_iso and d.end_iso != d.start_iso:
        f["range"] = 1.0
    return f


def _event_feats(ctx: DocContext, idx: EventIndex, ev: EventDraft, ev_sents: list[int], triggers: list, headline: int,
                 n_same_type: int) -> dict[str, float]:
    f: dict[str, float] = {"bias": 1.0, "etype=" + ev.type.value: 1.0}
    words = {t.text.lower().split()[-1].rstrip("s") for t in triggers}
    for w in words:
        f["trig=" + w] = 1.0
    f["dated" if ev.start else "undated"] = 1.0
    f["prec=" + str(len(ev.start or ""))] = 1.0
    if ev.city:
        f["has_city"] = 1.0
    if ev.country:
        f["has_country"] = 1.0
    if ev.named:
        f["named"] = 1.0
    f["status=" + ev.status.value] = 1.0
    f["n_rule_roles=" + _bucket(len(ev.roles), (0, 1, 2, 4))] = 1.0
    f["n_sents=" + _bucket(len(ev_sents), (0, 1, 2, 4))] = 1.0
    if ev_sents and all(s < headline for s in ev_sents):
        f["headline_only"] = 1.0
    if ev.caption:
        f["caption"] = 1.0
    if ev.series:
        f["series"] = 1.0
    if ev.parent is not None:
        f["has_parent"] = 1.0
    f["same_type=" + _bucket(n_same_type, (1, 2, 3, 5))] = 1.0
    first = min(ev_sents) if ev_sents else ev.sentence
    f["first_sent=" + _bucket(first, (0, 1, 2, 4, 8, 16))] = 1.0
    return f


_TYPE_WORDS = re.compile(r"[a-z][a-z\-]+")


def _type_feats(ctx: DocContext, ev: EventDraft, triggers: list) -> dict[str, float]:
    """Features for the event's type: its trigger words and the words just before them, the words of its
    name, who holds roles in it (how many states, persons, organizations) and whether a number of delegations is told."""
    f: dict[str, float] = {"bias": 1.0, "rule_type=" + ev.type.value: 1.0}
    for t in triggers[:6]:
        words = t.text.lower().split()
        f["trig=" + words[-1].rstrip("s")] = 1.0
        f["trig_full=" + " ".join(words)] = 1.0
        sent = t.sentence
        before = _TYPE_WORDS.findall(ctx.text[max(sent.start, t.start - 40):t.start].lower())[-2:]
        for w in before:
            f["trig_prev=" + w] = 1.0
        after = _TYPE_WORDS.findall(ctx.text[t.end:min(sent.end, t.end + 30)].lower())[:2]
        for w in after:
            f["trig_next=" + w] = 1.0
    for w in _TYPE_WORDS.findall((ev.name or "").lower())[:12]:
        f["name=" + w] = 1.0
    kinds = [ctx.actors[k].kind for k, _r, _m in ev.roles if k in ctx.actors]
    states = sum(1 for k in kinds if k is ActorKind.MEMBER_STATE)
    f["role_states=" + _bucket(states, (0, 1, 2, 4))] = 1.0
    f["role_persons=" + _bucket(sum(1 for k in kinds if k is ActorKind.PERSON), (0, 1, 2, 4))] = 1.0
    f["role_orgs=" + _bucket(sum(1 for k in kinds if k.is_org), (0, 1, 2, 4))] = 1.0
    if ev.delegations:
        f["delegations"] = 1.0
    if ev.object:
        f["launch_object"] = 1.0
    return f


def _within(sent: int, sents: list[int], window: int) -> bool:
    """Is sentence ``sent`` at most ``window`` sentences from one of ``sents`` (sorted)?"""
    j = bisect_left(sents, sent)
    return any(0 <= n < len(sents) and abs(sents[n] - sent) <= window for n in (j - 1, j))


def event_decision_features(features: dict[str, float], ev: EventDraft) -> dict[str, float]:
    """The event model's features: the candidate's ``features`` with its date state and type as the date and type
    models left them (one definition for training and deciding, so the two cannot drift apart)."""
    f = {k: v for k, v in features.items() if k not in ("dated", "undated")}
    f["dated" if ev.start else "undated"] = 1.0
    f["final_type=" + ev.type.value] = 1.0
    return f


def _agrees(a: str, b: str) -> bool:
    """Do two ISO dates agree at the coarser precision ("2019-06" and "2019-06-08" do)?"""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _tense(tok) -> str:
    """The tense of the clause a token sits in: its nearest verb ancestor's tag, "modal" when that verb has a
    modal or "to" ("is due to travel", "will visit"), "none" without a verb."""
    for t in [tok] + list(tok.ancestors):
        if t.pos_ in ("VERB", "AUX"):
            if any(c.tag_ == "MD" or (c.dep_ == "aux" and c.lower_ == "to") for c in t.children):
                return "modal"
            return t.tag_ or "verb"
    return "none"


def _syntax_features(ctx: DocContext, t, d) -> dict[str, float]:
    """Features of a syntactic trigger candidate (:func:`ctrack.extract.events.syntactic_triggers`) for the proposal
    model: its lemma (alone and with the type it proposes), part of speech, dependency relation, the lemma of its
    head and of its modifiers ("open debate", "special session"), its determiner, the tense of its clause, how many
    types its lemma may stand for, and the parse path to the date (whether the date hangs from it or shares its
    verb). Word classes and syntax, so that a new house style's "hearing" or "venue" is judged like the annotated ones."""
    from ctrack.extract.lexicon import EVENT_LEMMAS

    tok = t.token
    lemma = tok.lemma_.lower()
    f: dict[str, float] = {"syntactic": 1.0, "syn_lemma=" + lemma: 1.0, f"syn_tl={t.type.value}|{lemma}": 1.0,
                           "syn_pos=" + tok.pos_: 1.0, f"syn_tpos={t.type.value}|{tok.pos_}": 1.0,
                           "syn_dep=" + tok.dep_: 1.0, "syn_head=" + tok.head.lemma_.lower(): 1.0,
                           "syn_ntypes=" + str(len(EVENT_LEMMAS.get(lemma, ()) or EVENT_LEMMAS.get(tok.lower_, ()))): 1.0,
                           "syn_tense=" + _tense(tok): 1.0}
    for ch in tok.children:
        if ch.dep_ in ("amod", "compound", "nmod"):
            f["syn_mod=" + ch.lemma_.lower()] = 1.0
        elif ch.dep_ == "det":
            f["syn_det=" + ch.lemma_.lower()] = 1.0
        elif ch.dep_ in ("dobj", "obj") and tok.pos_ == "VERB":
            f["syn_obj=" + ch.lemma_.lower()] = 1.0
        elif ch.dep_ == "neg":
            f["syn_neg"] = 1.0
    dspan = _token_span(ctx.doc, d.start, d.end)
    if dspan is not None and len(dspan):
        droot = dspan.root
        path = _dep_path(droot, tok)
        if path is None:
            f["syn_path=none"] = 1.0
        else:
            f["syn_path=" + path[0]] = 1.0
            f["syn_plen=" + _bucket(path[0].count(">") + path[0].count("<") + (1 if path[0] != "^" else 0), (1, 2, 3, 4))] = 1.0
        if tok in droot.ancestors:
            f["syn_date_under"] = 1.0
        dv = next((x for x in [droot] + list(droot.ancestors) if x.pos_ in ("VERB", "AUX")), None)
        tv = next((x for x in [tok] + list(tok.ancestors) if x.pos_ in ("VERB", "AUX")), None)
        if dv is not None and dv is tv:
            f["syn_same_verb"] = 1.0
    return f


def _proposals(ctx: DocContext, idx: EventIndex, headline: int) -> list[EventProposal]:
    """Every (trigger, date mention) pair of one sentence whose date no event of the trigger's type holds exactly,
    with the features of :class:`EventProposal`; one proposal per (type, date), the trigger nearest the date first.

    The features say how the rules saw the trigger (resolved to an event with another date, with an agreeing date,
    undated, or not at all), the date (precision, range, dateline, before/after publication, held by an event of
    another type), and the sentence (how many dates and triggers it holds, the words before the date, the distance
    and what lies between trigger and date).

    Besides the trigger phrases, the parse proposes: for each event type, the syntactic trigger candidate of the
    sentence (:func:`ctrack.extract.events.syntactic_triggers`: "held an open debate", "was the venue of",
    "testified") nearest the date on the parse, with :func:`_syntax_features`. Phrase proposals are made for
    the whole document first: a date (any mention of it) with a phrase proposal gets no parse proposal. At most one proposal of a date mention becomes an event (:func:`_accepted_proposals`)."""
    from ctrack.extract.events import _is_anaphoric, find_triggers, place_near, syntactic_triggers

    by_type: dict[EventType, list[str]] = {}
    for e in idx.events:
        if e.start:
            by_type.setdefault(e.type, []).append(e.start)
    all_dates = {e.start for e in idx.events if e.start}
    resolved: dict[int, list[EventDraft]] = {}
    live = {id(e) for e in idx.events}
    for lst in idx.by_sentence.values():
        for ev, trig in lst:
            if trig is not None and id(ev) in live:  # events a later rule folded away say nothing of the trigger
                resolved.setdefault(trig.start, []).append(ev)
    dates_by_sent: dict[int, list] = {}
    for d in idx.dates:
        if d.start_iso:
            dates_by_sent.setdefault(ctx.sentence_at(d.start).index, []).append(d)
    found: dict[tuple, EventProposal] = {}

    def features(t, d, sent, si: int, trigs: list, dates: list) -> dict[str, float]:
        iso = d.start_iso
        gap = (d.start - t.end) if d.start >= t.end else (t.start - d.end)
        between = ctx.text[min(t.end, d.end):max(t.start, d.start)]
        f: dict[str, float] = {"bias": 1.0, "etype=" + t.type.value: 1.0, "prec=" + d.precision: 1.0,
                               "trig=" + t.text.lower().split()[-1].rstrip("s"): 1.0}
        f["plural" if t.plural else "singular"] = 1.0
        if t.token is None and _is_anaphoric(ctx, t):
            f["anaphoric"] = 1.0
        evs = resolved.get(t.start, [])
        if not evs:
            f["trig_unresolved"] = 1.0
        for e in evs[:1]:
            if not e.start:
                f["trig_event_undated"] = 1.0
            elif _agrees(e.start, iso):
                f["trig_event_agrees"] = 1.0
            else:
                f["trig_event_other_date"] = 1.0
            if e.series:
                f["trig_event_series"] = 1.0
        if any(_agrees(x, iso) for x in by_type.get(t.type, ())):
            f["same_type_agrees"] = 1.0
        if iso in all_dates:
            f["date_of_other_event"] = 1.0
        if d.relative:
            f["relative"] = 1.0
        if d.end_iso and d.end_iso != iso:
            f["range"] = 1.0
        if ctx.published is not None:
            pub = ctx.published.isoformat()[:len(iso)]
            f["vs_pub=" + ("before" if iso < pub else ("same" if iso == pub else "after"))] = 1.0
        f["dates_in_sent=" + _bucket(len(dates), (1, 2, 3, 5))] = 1.0
        f["trigs_in_sent=" + _bucket(len(trigs), (1, 2, 3))] = 1.0
        f["gap=" + _bucket(max(gap, 0) // 20, (0, 1, 2, 4, 8))] = 1.0
        f["date_side=" + ("after" if d.start >= t.end else "before")] = 1.0
        if re.search(r"[;:]|\n", between):
            f["between_break"] = 1.0
        other = [x for x in trigs if x is not t and min(t.start, d.start) < x.start < max(t.end, d.end)]
        if other:
            f["trigger_between"] = 1.0
        before = _words(ctx, max(sent.start, d.start - 30), d.start)[-2:]
        if before:
            f["dprev1=" + before[-1]] = 1.0
        f["headline" if si < headline else "body"] = 1.0
        f["n_same_type=" + _bucket(len(by_type.get(t.type, ())), (0, 1, 2, 4))] = 1.0
        if t.token is not None:
            f.update(_syntax_features(ctx, t, d))
        return f

    def propose(t, d, si: int, f: dict[str, float]) -> None:
        iso = d.start_iso
        draft = EventDraft(type=t.type, first=t.start, sentence=si)
        draft.start, draft.end = iso, d.end_iso or iso
        city, country, _ = place_near(ctx, t, date=d)
        draft.city, draft.country = city, country
        if ctx.published is not None and iso > ctx.published.isoformat()[:len(iso)]:
            draft.status = EventStatus.PLANNED
        rule = f"trigger:{t.type.value}" if t.token is None else f"syntax-trigger:{t.type.value}"
        draft.evidence.append(Span(start=t.start, end=t.end, text=t.text, rule=rule))
        found[(t.type, iso)] = EventProposal(draft, t, d, f)

    sents = []
    for si in sorted(dates_by_sent):
        sent = ctx.sentences[si]
        trigs = find_triggers(ctx, sent)
        syn = syntactic_triggers(ctx, sent)
        if trigs or syn:
            sents.append((si, sent, trigs, syn, [d for d in dates_by_sent[si] if not _is_dateline(ctx, sent, d)]))
    # Phrase proposals of the whole document first, then the parse's: a parse candidate earlier in the text must not
    # hold the (type, date) that a trigger phrase further on proposes ("a call was placed on 5 July …  The working
    # group met again on 5 July": the phrase, not the call, is the meeting).
    phrased: set = set()  # date mentions with a phrase proposal, and their dates: the parse proposes none for them
    for si, sent, trigs, _syn, dates in sents:
        for d in dates:
            iso = d.start_iso
            for t in sorted(trigs, key=lambda t: abs(t.start - d.start)):
                if iso in by_type.get(t.type, ()) or (t.type, iso) in found:
                    continue
                propose(t, d, si, features(t, d, sent, si, trigs, dates))
                phrased.update((id(d), iso))
                break  # a date makes at most one proposal: with its nearest trigger that lacks it
    for si, sent, trigs, syn, dates in sents:
        if not syn:
            continue
        for d in dates:
            iso = d.start_iso
            if id(d) in phrased or iso in phrased:
                continue  # the date is a trigger phrase's proposal: another mention of it tells that event again
            droot = None
            dspan = _token_span(ctx.doc, d.start, d.end)
            if dspan is not None and len(dspan):
                droot = dspan.root
            nearest: dict[EventType, tuple[tuple[int, int], object]] = {}
            for t in syn:
                if iso in by_type.get(t.type, ()) or (t.type, iso) in found:
                    continue
                path = _dep_path(droot, t.token) if droot is not None else None
                plen = 99 if path is None or path[0] == "long" else path[0].count(">") + path[0].count("<") + 1
                key = (plen, abs(t.start - d.start))
                if t.type not in nearest or key < nearest[t.type][0]:
                    nearest[t.type] = (key, t)
            for etype, (_key, t) in nearest.items():
                propose(t, d, si, features(t, d, sent, si, trigs + syn, dates))
    _place_splits(ctx, idx, headline, resolved, found, features)
    return list(found.values())


def _split_date(ctx: DocContext, idx: EventIndex, t, place_at: int, dates: list, events: list[EventDraft]):
    """The date mention of one venue of a series told over several places (:func:`_place_splits`): (mention, source).
    The sentence's date nearest the venue ("in the Maldives and in Bangladesh in July 2018"), else a mention of the
    date of the event the rules made of the trigger, else the last date told in the two sentences before; (None, "")
    when there is none."""
    if dates:
        return min(dates, key=lambda d: abs(d.start - place_at)), "sentence"
    for e in events:
        if e.start:
            d = next((d for d in idx.dates if d.start_iso == e.start), None)
            if d is not None:
                return d, "event"
    si = t.sentence.index
    before = [d for d in idx.dates if d.start_iso and d.end <= t.start and ctx.sentence_at(d.start).index >= si - 2
              and not _is_dateline(ctx, ctx.sentence_at(d.start), d)]
    return (before[-1], "before") if before else (None, "")


def _place_splits(ctx: DocContext, idx: EventIndex, headline: int, resolved: dict, found: dict, features) -> None:
    """Proposals of a series told once over several places (issue 8, "series and tours"): for a trigger phrase whose
    clause names venues in two or more countries (:func:`ctrack.extract.events.venue_list`: "national workshops
    were held in the Maldives and in Bangladesh in July 2018", "table-top exercises in Indonesia, Malaysia and Viet
    Nam"), one proposal per venue, with that venue and the date :func:`_split_date` finds. Marked ``place`` (the
    venue's ISO3) and decided by the phrase proposal model with their own features (``place_split``, how many
    venues, city or state, where the date came from, whether the rules' event of the trigger already has that
    country): the rules' coreference makes one event of the whole sentence. Added to ``found`` under
    (type, date, ISO3, "split")."""
    from ctrack.extract.events import find_triggers, venue_list

    for sent in ctx.sentences:
        trigs = find_triggers(ctx, sent)
        if not trigs:
            continue
        dates = [d for d in idx.dates if d.start_iso and sent.start <= d.start < sent.end and not _is_dateline(ctx, sent, d)]
        for t in trigs:
            venues = venue_list(ctx, t)
            if not venues:
                continue
            evs = resolved.get(t.start, [])
            for n, (city, iso3, at, at_end) in enumerate(venues):
                d, src = _split_date(ctx, idx, t, at, dates, evs)
                if d is None:
                    continue
                key = (t.type, d.start_iso, iso3, "split")
                if key in found:
                    continue
                f = features(t, d, sent, sent.index, trigs, dates)
                f.update({"place_split": 1.0, f"split_etype={t.type.value}": 1.0, "split_n=" + _bucket(len(venues), (2, 3, 4)): 1.0,
                          "split_city" if city else "split_state": 1.0, "split_date=" + src: 1.0,
                          "split_first" if n == 0 else "split_later": 1.0,
                          "split_plural" if t.plural else "split_singular": 1.0})
                if any(e.country == iso3 for e in evs):
                    f["split_rule_country"] = 1.0
                if not evs:
                    f["split_unresolved"] = 1.0
                draft = EventDraft(type=t.type, first=t.start, sentence=sent.index)
                draft.start, draft.end = d.start_iso, d.end_iso or d.start_iso
                draft.city, draft.country = city, iso3
                if ctx.published is not None and d.start_iso > ctx.published.isoformat()[:len(d.start_iso)]:
                    draft.status = EventStatus.PLANNED
                draft.evidence.append(Span(start=t.start, end=t.end, text=t.text, rule=f"trigger:{t.type.value}"))
                draft.evidence.append(Span(start=at, end=at_end, text=ctx.text[at:at_end], rule="venue:split"))
                found[key] = EventProposal(draft, t, d, f, place=iso3)


def build_candidates(ctx: DocContext, idx: EventIndex, headline: int, main_state: str | None,
                     record_keys: set[str]) -> Candidates:
    """The decision candidates of one document, after the rules have run.

    ``record_keys`` are the keys of the actors that will be in the record (role candidates are
    limited to them). Returns a :class:`Candidates`; nothing in ``ctx`` or ``idx`` is changed.
    """
    events = list(idx.events)
    cands = Candidates(ctx=ctx, idx=idx, events=events)
    cands.snapshot = [(e.type, e.start, e.end, e.status, e.parent, list(e.roles), len(e.evidence)) for e in events]
    ev_sents = _event_sentences(idx)
    ev_trigs = _event_triggers(idx)
    trig_by_sent: dict[int, list] = {}
    for s, lst in idx.by_sentence.items():
        trig_by_sent[s] = [t for _, t in lst if t is not None]
    main = idx.main()
    used_dates = {e.start for e in events if e.start}
    cue_cache: dict = {}
    # per actor, the sentence of each mention (aligned with its mentions) and their sorted set; roles the rules gave
    sent_lists = {k: [ctx.sentence_at(m.start).index for m in ctx.actors[k].mentions] for k in record_keys}
    actor_sents = {k: sorted(set(v)) for k, v in sent_lists.items()}
    rule_roles_of: dict[str, list[tuple[EventDraft, str]]] = {}
    for e in events:
        for k, r, _m in e.roles:
            rule_roles_of.setdefault(k, []).append((e, r.value))
    def role_candidates(i: int, ev: EventDraft, sents: list[int], trigs: list, n_events: int) -> list[RoleCandidate]:
        out = []
        rule_by_key: dict[str, list[str]] = {}
        for k, r, _m in ev.roles:
            rule_by_key.setdefault(k, []).append(r.value)
        lo, hi = (sents[0] - ROLE_WINDOW, sents[-1] + ROLE_WINDOW) if sents else (0, headline)
        for key in sorted(record_keys):
            a = ctx.actors[key]
            near = actor_sents[key]
            j = bisect_left(near, lo)
            if key not in rule_by_key and not (j < len(near) and near[j] <= hi) and not (near and near[0] < headline):
                continue  # far from every mention of the event: not a candidate (keeps long texts linear)
            other = {r for e, r in rule_roles_of.get(key, []) if e is not ev}
            affiliate = {r for k, rs in rule_by_key.items() for r in rs
                         if ctx.actors[k].kind is ActorKind.PERSON and ctx.actors[k].affiliation == key}
            member = set(rule_by_key.get(a.affiliation, [])) if a.affiliation else set()
            feats, best = _role_features(ctx, idx, ev, a, sents, trigs, main, n_events, rule_by_key.get(key, []),
                                         other, affiliate, member, main_state, headline, cue_cache, sent_lists[key])
            out.append(RoleCandidate(i, key, feats, rule_by_key.get(key, []), best))
        return out

    for i, ev in enumerate(events):
        sents = sorted(set(ev_sents.get(id(ev), [ev.sentence])))
        trigs = ev_trigs.get(id(ev), [])
        cands.event_features.append(_event_feats(ctx, idx, ev, sents, trigs, headline,
                                                 sum(1 for e in events if e.type is ev.type)))
        cands.type_features.append(_type_feats(ctx, ev, trigs))
        if not ev.start:
            for d in idx.dates:
                if d.start_iso and _within(ctx.sentence_at(d.start).index, sents, DATE_WINDOW):
                    cands.dates.append(DateCandidate(i, d, _date_features(ctx, ev, sents, d, trig_by_sent, used_dates)))
        cands.roles.extend(role_candidates(i, ev, sents, trigs, len(events)))
    for n, prop in enumerate(_proposals(ctx, idx, headline)):
        prop.roles = role_candidates(n, prop.draft, [prop.draft.sentence], [prop.trigger], len(events) + 1)
        cands.proposals.append(prop)
    return cands


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------
class LinearModel:
    """A multinomial (or binary) logistic regression stored as plain JSON.

    ``vocabulary`` maps feature names to columns, ``coef`` is classes × features, ``intercept``
    one value per class, ``classes`` the labels. :meth:`proba` returns {label: probability}.
    Built from a fitted scikit-learn ``DictVectorizer`` + ``LogisticRegression`` by :meth:`from_sklearn`.
    """

    def __init__(self, vocabulary: dict[str, int], coef: list[list[float]], intercept: list[float], classes: list[str]):
        self.vocabulary, self.coef, self.intercept, self.classes = vocabulary, coef, intercept, classes

    @classmethod
    def from_sklearn(cls, vectorizer, model) -> "LinearModel":
        """Keep only non-zero weights (the artifact stays small). Binary models get two rows."""
        classes = [str(c) for c in model.classes_]
        coef = model.coef_.tolist()
        intercept = model.intercept_.tolist()
        if len(classes) == 2 and len(coef) == 1:
            coef = [[-w for w in coef[0]], coef[0]]
            intercept = [-intercept[0], intercept[0]]
        keep = sorted({j for row in coef for j, w in enumerate(row) if abs(w) > 1e-6})
        names = vectorizer.get_feature_names_out()
        vocab = {str(names[j]): n for n, j in enumerate(keep)}
        return cls(vocab, [[round(row[j], 5) for j in keep] for row in coef], [round(b, 5) for b in intercept], classes)

    def to_json(self) -> dict:
        """The model as a JSON-ready dict."""
        return {"vocabulary": self.vocabulary, "coef": self.coef, "intercept": self.intercept, "classes": self.classes}

    @classmethod
    def from_json(cls, data: dict) -> "LinearModel":
        """Inverse of :meth:`to_json`."""
        return cls(data["vocabulary"], data["coef"], data["intercept"], data["classes"])

    def proba(self, features: dict[str, float]) -> dict[str, float]:
        """Class probabilities (softmax over the linear scores) for one feature dict."""
        cols = [(self.vocabulary[k], v) for k, v in features.items() if k in self.vocabulary]
        scores = [b + sum(row[j] * v for j, v in cols) for row, b in zip(self.coef, self.intercept)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps)}


_KINDS = ("date", "type", "event", "role", "proposal", "parse_proposal", "split", "verify", "verify_calibration", "actor")

#: Prefix of a feature's *local* copy (domain adaptation by feature augmentation, ``ctrack train --with-reviewed``).
LOCAL = "local|"
#: The local domain's own intercept, as a feature (every local example and prediction has it).
LOCAL_BIAS = LOCAL + "bias"
#: The models that learn local weights, and only ever use them to keep or drop a fact the general models extracted
#: (an event; a role, whether the cue rules proposed it or the role model added it), which is what an analyst's review
#: decides. The date, type and proposal models take reviewed examples into their shared data only. The review queue
#: shows extracted facts alone, so local weights that could also add, date or retype facts would learn that sample's
#: make-up (nearly all confirmed: types, roles that hold) as the house style's and add facts nobody reviewed
#: (measured with every model local and free to add: dev half B all -0.058 at scale 1, docs/benchmarks.md).
LOCAL_KINDS = ("event", "verify", "role")


def local_features(features: dict[str, float], scale: float) -> dict[str, float]:
    """``features`` with a local copy of each (``local|<name>``, value times ``scale``) and the local bias.

    Domain adaptation by feature augmentation (Daumé III 2007, "Frustratingly easy domain adaptation"), in its
    hierarchical form: the annotated corpora are the general domain and keep the features as they are (the shared
    copy, no general-only copy), the knowledge base's reviewed documents are the local domain and have both. A
    model trained so decides a general document with the shared weights alone and a local one with shared plus
    local weights: the local weights are the house style's departure from the general model, fitted on the
    reviewed examples only and held near zero by the L2 penalty (``scale`` s makes that penalty 1/s² as strong; see
    :data:`ctrack.train.LOCAL_SCALE`). (Daumé's symmetric form, a general-only copy as well, would decide a local
    document whose features no reviewed example had with half of the general weights: with 30 reviewed examples
    against thousands, nearly every feature.)"""
    out = dict(features)
    for k, v in features.items():
        out[LOCAL + k] = v * scale
    out[LOCAL_BIAS] = scale
    return out


@dataclass
class Models:
    """The decision models (any may be None: that decision is then left to the rules).

    ``local_scale`` > 0: the models carry local weights (``local|`` features, :func:`local_features`) learned from a
    knowledge base's reviewed documents by ``ctrack train --with-reviewed``. ``domain`` says how documents are
    decided: ``"general"`` with the shared weights alone (how the annotated corpora are scored, and what a model
    without local weights always does), ``"local"`` with the local weights added (the knowledge base's own
    documents; :data:`LOCAL_KINDS` says which decisions, :meth:`keep_probability` and ``_decide_role`` how: they can
    only drop a fact the general weights keep). Models read from a file (:meth:`from_json`) decide as ``"local"`` when they have local weights, so
    that the extraction pipeline (CLI, API, ingest) uses the adaptation for every new document; models returned by
    :func:`ctrack.train.train_models` decide as ``"general"`` (cross-validation scores annotated documents).
    :meth:`for_domain` gives the same models deciding the other way. Not stored: ``domain``.

    ``memory``: the exemplar memory of a knowledge base's review decisions (:mod:`ctrack.extract.exemplars`, written
    by ``ctrack train --with-reviewed``): on a local document, a role pair or an event the models keep is dropped when
    its wording matches a rejected one (:meth:`recall`). Models read from a file with a memory decide as ``"local"``."""

    date: LinearModel | None = None
    type: LinearModel | None = None
    event: LinearModel | None = None
    role: LinearModel | None = None
    proposal: LinearModel | None = None
    parse_proposal: LinearModel | None = None  # decides the proposals of parse candidates (see "proposal")
    split: LinearModel | None = None  # decides the venues of a series told over several places (see "split")
    verify: LinearModel | None = None
    verify_calibration: LinearModel | None = None  # Platt scaling of verify's probability (ctrack.train._calibrator)
    actor: LinearModel | None = None  # keep/drop of an actor candidate (ctrack.extract.actors.actor_features)
    meta: dict = field(default_factory=dict)
    local_scale: float = 0.0
    domain: str = "general"
    memory: object = None  # ctrack.extract.exemplars.Memory of the reviewed decisions (None: none)

    def for_domain(self, domain: str) -> "Models":
        """The same models (shared objects) deciding documents of ``domain`` ("general" or "local").

        Raises ValueError for another domain."""
        if domain not in ("general", "local"):
            raise ValueError(f"domain must be 'general' or 'local', not {domain!r}")
        return Models(**{k: getattr(self, k) for k in _KINDS}, meta=self.meta, local_scale=self.local_scale, domain=domain,
                      memory=self.memory)

    def deciding_local(self) -> bool:
        """True when deciding a local document with local weights (see the class)."""
        return self.domain == "local" and self.local_scale > 0

    def recall(self, kind: str, features: dict[str, float]):
        """The reviewed decision the exemplar memory takes for a candidate (:meth:`ctrack.extract.exemplars.Memory.match`:
        (label, similarity, exemplar)), when deciding a local document with a memory; else None."""
        if self.domain != "local" or not self.memory:
            return None
        return self.memory.match(kind, features)

    def keep_probability(self, kind: str, features: dict[str, float], threshold: float) -> float:
        """The probability that a fact the rules extracted holds, by the binary model ``kind`` ("event" or "verify",
        :data:`LOCAL_KINDS`; verify's is Platt-calibrated): the general models' probability, and for a local document
        with local weights, the local one (shared plus local weights, :func:`local_features`) *where the general
        probability reaches* ``threshold``. The local weights thus only ever drop a fact the general models keep, or
        change its confidence; they never bring back one the general models drop, since an analyst's decisions were
        only ever about kept facts."""
        model = getattr(self, kind)
        p = model.proba(features).get("1", 0.0)
        if kind == "verify":
            p = calibrated(self.verify_calibration, p)
        if not self.deciding_local() or p < threshold:
            return p
        q = model.proba(local_features(features, self.local_scale)).get("1", 0.0)
        return calibrated(self.verify_calibration, q) if kind == "verify" else q

    def to_json(self) -> dict:
        """The models as one JSON-ready dict (``ctrack/data/models/decisions.json``)."""
        out = {"format": "ctrack.decisions/1", "meta": self.meta,
               **{k: getattr(self, k).to_json() for k in _KINDS if getattr(self, k) is not None}}
        if self.local_scale > 0:
            out["local_scale"] = self.local_scale
        if self.memory:
            out["memory"] = self.memory.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Models":
        """Inverse of :meth:`to_json`; models with local weights decide as ``"local"`` (see the class).
        Raises ValueError on another format."""
        if data.get("format") != "ctrack.decisions/1":
            raise ValueError("not a ctrack.decisions/1 model file")
        from ctrack.extract.exemplars import Memory

        scale = float(data.get("local_scale", 0.0))
        memory = Memory.from_json(data["memory"]) if data.get("memory") else None
        return cls(**{k: LinearModel.from_json(data[k]) for k in _KINDS if k in data}, meta=data.get("meta", {}),
                   local_scale=scale, domain="local" if scale > 0 or memory else "general", memory=memory)

    def save(self, path: Path) -> None:
        """Write the models as compact JSON to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Models":
        """Read models written by :meth:`save`."""
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def shipped_models() -> Models:
    """The models that ship in the package (``ctrack/data/models/decisions.json``); empty if absent."""
    if not MODEL_PATH.exists():
        return Models()
    return Models.load(MODEL_PATH)


# ---------------------------------------------------------------------------
# Deciding
# ---------------------------------------------------------------------------
def calibration_features(p: float) -> dict[str, float]:
    """The one feature of a Platt calibrator: the log-odds of the probability ``p`` it recalibrates (clipped)."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return {"logit": math.log(p / (1 - p))}


def calibrated(calibrator: LinearModel | None, p: float) -> float:
    """``p`` mapped through a Platt ``calibrator`` (unchanged without one)."""
    return p if calibrator is None else calibrator.proba(calibration_features(p)).get("1", 0.0)


def verify_features(c: RoleCandidate, role: str) -> dict[str, float]:
    """The verification model's features for the role ``role`` the cue rules proposed for candidate ``c``: the role
    candidate's features, each also joined with the proposed role (an organizer cue and a speaker cue say different
    things in the same place), so that one definition serves training and deciding."""
    f = {"proposed=" + role: 1.0}
    for k, v in c.features.items():
        f[k] = v
        f[f"{role}|{k}"] = v
    return f


def _decide_role(models: Models, c: RoleCandidate, add_min: float) -> list[tuple[RoleType, Mention | None, float]]:
    """The roles (role, evidence mention naming the model, probability of being right) decided for one (event,
    actor) candidate. A role the cue rules proposed stands unless the role model puts "no role" above
    :data:`ROLE_KEEP_NONE_MAX` (how an analyst's rejections, weighted, reach the next document) or the verification
    model gives it less than :data:`VERIFY_MIN`; the verification model's probability is its confidence. A pair
    left without a role (none proposed, or every proposed one rejected) takes the role model's best role when its probability reaches ``add_min``,
    else, on a local document with an exemplar memory, the role a reviewer added to a pair worded like it
    (:data:`ctrack.extract.exemplars.ADDED`; its confidence is the similarity).
    With local weights on a local document (:meth:`Models.keep_probability`), each of these tests must also pass with
    them: they can drop a role the general models keep, never add one."""
    probs = models.role.proba(c.features)
    lprobs = models.role.proba(local_features(c.features, models.local_scale)) if models.deciding_local() else probs
    keep_none = probs.get(NONE, 0.0) <= ROLE_KEEP_NONE_MAX and lprobs.get(NONE, 0.0) <= ROLE_KEEP_NONE_MAX
    chosen: list[tuple[float, str, str]] = []
    if c.rule_roles and models.verify is not None and keep_none:
        for r in c.rule_roles:
            q = models.keep_probability("verify", verify_features(c, r), VERIFY_MIN)
            if q >= VERIFY_MIN:
                chosen.append((q, r, "verify"))
    elif c.rule_roles:
        if keep_none:
            chosen = [(lprobs.get(r, 0.0), r, "model") for r in c.rule_roles]
    if not chosen:
        ranked = sorted(((p, r) for r, p in probs.items() if r != NONE and r not in c.rule_roles), reverse=True)
        if ranked and ranked[0][0] >= add_min and lprobs.get(ranked[0][1], 0.0) >= add_min:
            chosen = [(lprobs.get(ranked[0][1], 0.0), ranked[0][1], "model")]
    hit = models.recall("role", c.features) if chosen or models.memory else None
    if chosen and hit is not None and hit[0] == NONE:  # a rejection on the same wording drops the pair's roles
        return []
    if not chosen and hit is not None and hit[0].startswith(ADDED):  # a reviewer added a role worded like this pair
        chosen = [(hit[1], r, "memory") for r in hit[0][len(ADDED):].split("+")]
    out = []
    for p, r, how in chosen:
        m = c.evidence
        if m is not None:
            m = Mention(m.start, m.end, m.text, m.key,
                        f"role:{how} p={p:.2f}" + (f" (rules: {','.join(c.rule_roles)})" if c.rule_roles else ""))
        out.append((RoleType(r), m, p))
    return out


def _accepted_proposals(cands: Candidates, models: Models, kept: list[EventDraft]) -> list[EventDraft]:
    """The proposed events (:class:`EventProposal`) the proposal model accepts (at least :data:`PROPOSAL_MIN`; of the
    proposals of one date mention, only the most probable; a parse candidate's proposal is decided by the
    ``parse_proposal`` model, none without it), each with the roles the role model gives it (at least :data:`PROPOSAL_ROLE_MIN`; no cue rule proposed any)."""
    out: list[EventDraft] = []
    taken = {(e.type, e.start) for e in kept if e.start}
    def proba(prop: EventProposal) -> float:
        model = models.split if prop.place is not None else (
            models.proposal if prop.trigger.token is None else models.parse_proposal)
        return model.proba(prop.features).get("1", 0.0) if model is not None else 0.0

    probs = [proba(prop) for prop in cands.proposals]
    best: dict[int, float] = {}  # date mention -> the best probability of its proposals: one event per date mention
    for prop, p in zip(cands.proposals, probs):
        if prop.place is None:
            best[id(prop.date)] = max(p, best.get(id(prop.date), 0.0))
    used: set[int] = set()
    placed: list[EventDraft] = [e for e in kept if e.start]  # events a venue of a series must not repeat
    # one date, one event of a type; a series over several places has one event per venue (checked after the others)
    order = sorted(range(len(cands.proposals)), key=lambda i: cands.proposals[i].place is not None)
    for i in order:
        prop, p = cands.proposals[i], probs[i]
        ev = prop.draft
        ev.roles, ev.role_confidence = [], {}
        ev.confidence = p
        parse = prop.trigger.token is not None
        if p < (SPLIT_MIN if prop.place is not None else PARSE_PROPOSAL_MIN if parse else PROPOSAL_MIN):
            continue
        if prop.place is not None:
            if any(e.type is ev.type and e.country == ev.country and _agrees(e.start, ev.start) for e in placed):
                continue  # the rules' event or an accepted proposal already holds this venue
        elif (ev.type, ev.start) in taken or p < best[id(prop.date)] or id(prop.date) in used:
            continue
        else:
            taken.add((ev.type, ev.start))
            used.add(id(prop.date))
        placed.append(ev)
        d = prop.date
        n_keep = 2 if prop.place is not None else 1  # the trigger, and the venue of a series' item
        ev.evidence = ev.evidence[:n_keep] + [Span(start=d.start, end=d.end, text=d.text, rule=f"proposal:model p={p:.2f}")]
        if models.role is not None:
            for c in prop.roles:
                for role, mention, q in _decide_role(models, c, SPLIT_ROLE_MIN if prop.place is not None else
                                                     PARSE_PROPOSAL_ROLE_MIN if parse else PROPOSAL_ROLE_MIN):
                    ev.roles.append((c.key, role, mention))
                    ev.role_confidence[(c.key, role)] = q
        out.append(ev)
    return out


def decide_actors(features: dict[str, dict[str, float]], models: Models) -> tuple[set[str], dict[str, float]]:
    """Which actor candidates stay in the record: ({kept keys}, {key: probability of being a gold actor}).

    ``features`` maps each candidate's key to :func:`ctrack.extract.actors.actor_features`. Without an actor model
    every candidate stays (probability 1.0); with one, a candidate stays when its probability reaches
    :data:`ACTOR_MIN`."""
    if models.actor is None:
        return set(features), {k: 1.0 for k in features}
    probs = {k: models.actor.proba(f).get("1", 0.0) for k, f in features.items()}
    return {k for k, p in probs.items() if p >= ACTOR_MIN}, probs


def _without_repeats(kept: list[EventDraft]) -> list[EventDraft]:
    """``kept`` without the events whose date the date model gave and that then repeat an event dated by the rules:
    the same type, the same start and end day and no venue that differs (city and country each equal, or unknown
    on one side). The case: a headline's event ("OSCE workshop in Bishkek") that the rules left undated, dated by
    the date model with the body's range, beside the body's event of that range; it is dropped with its roles
    (gathered for a wording without a date of its own). Two events the rules dated alike both stay: the same
    delegation's bilateral meetings of one day in one city are distinct events (merging those too cost pooled
    events 0.5763 -> 0.5500 in grouped CV, dev 0.917 -> 0.730). Returns a new list in the order of ``kept``."""
    def model_dated(ev: EventDraft) -> bool:
        return any(s.rule.startswith("date:model") for s in ev.evidence)

    def repeats(ev: EventDraft, o: EventDraft) -> bool:
        return (o.type is ev.type and not model_dated(o) and (o.start, o.end) == (ev.start, ev.end)
                and all(x is None or y is None or x == y for x, y in ((o.city, ev.city), (o.country, ev.country))))

    return [ev for ev in kept if not (ev.start and ev.end and model_dated(ev) and any(repeats(ev, o) for o in kept if o is not ev))]


def apply_models(cands: Candidates, models: Models) -> None:
    """Apply ``models`` to the candidates of one document, changing its events in place.

    Starts from the rules' state (so the same candidates can be decided again with other models):
    undated events get the most probable date (above :data:`DATE_MIN`); events below
    :data:`EVENT_MIN` are dropped; roles as :func:`_decide_role` decides them (a role the cue rules proposed
    kept when the verification model gives it :data:`VERIFY_MIN`, a pair left empty taking the role model's
    best role when it reaches :data:`ROLE_ADD_MIN`). Every event and role gets ``confidence``. On a local document with
    an exemplar memory (:meth:`Models.recall`), a kept event or role pair worded like a rejected one is dropped, and
    a dropped event or a pair left without a role worded like one a reviewer added is kept / takes the added role.
    """
    events = cands.events
    for ev, (etype, start, end, status, parent, roles, n_evidence) in zip(events, cands.snapshot):
        ev.type, ev.start, ev.end, ev.status, ev.parent, ev.roles = etype, start, end, status, parent, list(roles)
        del ev.evidence[n_evidence:]  # the spans an earlier decision added (deciding again must not pile them up)
        ev.confidence = None
        ev.role_confidence = {}
    if models.type is not None:
        for ev, feats in zip(events, cands.type_features):
            probs = models.type.proba(feats)
            best = max(probs, key=probs.get)
            if best != ev.type.value and probs[best] - probs.get(ev.type.value, 0.0) >= TYPE_MARGIN:
                ev.evidence.append(Span(start=ev.first, end=ev.first, text="",
                                        rule=f"type:model {ev.type.value}->{best} p={probs[best]:.2f}"))
                ev.type = EventType(best)
    if models.date is not None:
        best: dict[int, tuple[float, object]] = {}
        for c in cands.dates:
            p = models.date.proba(c.features).get("1", 0.0)
            if p >= DATE_MIN and p > best.get(c.event, (0.0, None))[0]:
                best[c.event] = (p, c.date)
        for i, (p, d) in best.items():
            ev = events[i]
            ev.start, ev.end = d.start_iso, d.end_iso or d.start_iso
            if cands.ctx.published is not None and ev.start > cands.ctx.published.isoformat()[:len(ev.start)]:
                ev.status = EventStatus.PLANNED
            ev.evidence.append(Span(start=d.start, end=d.end, text=d.text, rule=f"date:model p={p:.2f}"))
    kept = list(events)
    if models.event is not None:
        for ev, feats in zip(events, cands.event_features):
            ev.confidence = models.keep_probability("event", event_decision_features(feats, ev), EVENT_MIN)
        kept = [ev for ev in events if ev.confidence >= EVENT_MIN]
    if models.memory:
        for ev, feats in zip(events, cands.type_features):
            hit = models.recall("event", feats)
            if hit is None:
                continue
            if hit[0] == "0" and ev in kept:  # a rejected event's wording drops the event; a confirmed one adds nothing
                kept.remove(ev)
            elif hit[0] == ADDED_EVENT and ev not in kept:  # an event a reviewer added on the same wording: kept
                ev.confidence = hit[1]
                kept = [e for e in events if e in kept or e is ev]
    if models.role is not None:
        new_roles: dict[int, list] = {i: [] for i in range(len(events))}
        for c in cands.roles:
            for role, mention, p in _decide_role(models, c, ROLE_ADD_MIN):
                new_roles[c.event].append((c.key, role, mention))
                events[c.event].role_confidence[(c.key, role)] = p
        for i, ev in enumerate(events):
            ev.roles = new_roles[i]
    if models.proposal is not None or models.parse_proposal is not None or models.split is not None:
        kept.extend(_accepted_proposals(cands, models, kept))
    kept = _without_repeats(kept)
    dropped = [ev for ev in events if ev not in kept]
    for ev in kept:
        while ev.parent is not None and ev.parent in dropped:
            ev.parent = ev.parent.parent
    cands.idx.events[:] = kept
