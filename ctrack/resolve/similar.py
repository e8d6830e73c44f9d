"""How alike two stored actors or two stored events are: the score behind a proposed duplicate.

Ingest merges what the rules of :mod:`ctrack.resolve.actors`,
:mod:`ctrack.resolve.names` and :mod:`ctrack.resolve.events` are sure of.
What they leave apart but comes close is proposed to a reviewer as a
candidate duplicate (:mod:`ctrack.service.dedupe`), with a score from 0 to
100 and the reasons, in the manner of nomenklatura's ``xref``. The same rules
score it, so a reviewer sees the resolver's own evidence:

Persons (:func:`person_similarity`), the best over every pair of their names:

- ``same_name`` 100, ``fuzzy_name`` its rapidfuzz ratio (≥ 92), ``initials``
  90, ``surname_only`` 80 (rules 1–4 of :mod:`ctrack.resolve.names`; ingest
  leaves such a pair apart when the match was not unique);
- the same surname otherwise: 0.85 × the rapidfuzz ``token_sort_ratio`` of the
  folded names ("Maria"/"Mario Smith" 90.9 → 77);
- acting for different bodies costs 15, for the same body adds 5;
- aliases that share no word with the name (a title stored as an alias,
  "Chairman") are not compared.

Organizations (:func:`org_similarity`; government bodies of two different
states are never proposed, as the resolver never merges them):

- both names are the same gazetteer entry: 100;
- the same acronym: 90; one's acronym is the initials of the other's name: 85;
- otherwise 0.95 × the best ``token_sort_ratio`` over their names and aliases
  when it reaches 85;
- two organizations the gazetteer knows as two different entries, or whose
  names carry different numbers ("1267 Committee" / "1373 Committee"), are
  never proposed;
- different kinds of organization cost 5.

Events (:func:`event_similarity`; same type assumed, as blocks are built by
type) weigh four parts, each 0–1: dates 0.25 (overlapping 1, only the same
month 0.6), place 0.2 (same country 1, less 0.5 when the cities differ; one
country unknown 0.5; two different countries: not proposed), actors 0.3
(a shared party that is not very common: 0.5 + 0.5 × the Jaccard index of
the parties; no parties on one side 0.3; none shared 0) and name 0.25 (the
``token_sort_ratio`` of the names, 0 when they carry different numbers, "7th
meeting" / "8th meeting"; one unnamed 0.5). Two reports the
resolver sees as distinct events (:func:`ctrack.resolve.events.distinct_events`:
meetings with different counterparts, visits to different states,
incompatible organizers or visitors) are not proposed. Two events reported by one and the same document only (the
extractor read two events there) lose 20.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz, utils

from ctrack.resolve import dates
from ctrack.resolve.actors import kind_group, normalize
from ctrack.resolve.events import EventFacts, distinct_events
from ctrack.resolve.names import compare_tokens, fold, person_tokens
from ctrack.schema import ActorKind
from ctrack.wording import plural

#: Score of each person-name rule of :mod:`ctrack.resolve.names` (fuzzy_name keeps its own ratio).
PERSON_RULE_SCORE = {"same_name": 100.0, "initials": 90.0, "surname_only": 80.0}
#: Factor on the name ratio of two persons who share only the surname.
SAME_SURNAME_FACTOR = 0.85
#: Factor on the name ratio of two organizations, and the lowest ratio that proposes them on names alone.
ORG_NAME_FACTOR = 0.95
ORG_MIN_RATIO = 85.0
#: What it costs two events to come from one document only (the extractor read them as two events there).
SAME_DOCUMENT_PENALTY = 20.0
#: Weights of the parts of an event's score (sum 1).
EVENT_WEIGHTS = {"dates": 0.25, "place": 0.2, "actors": 0.3, "name": 0.25}


@dataclass(frozen=True)
class Similarity:
    """A score from 0 to 100 and the reasons for it, most telling first."""

    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ActorFacts:
    """A stored actor as compared here: its fields, every name it is known by, and its affiliation."""

    id: int
    kind: ActorKind
    name: str
    acronym: str | None = None
    iso3: str | None = None
    aliases: tuple[str, ...] = ()
    affiliation_id: int | None = None
    affiliation: str | None = None

    @cached_property
    def names(self) -> tuple[str, ...]:
        """The name and the aliases, without duplicates."""
        return tuple(dict.fromkeys((self.name, *self.aliases)))

    # features computed once per actor (a block compares each actor with many others)
    @cached_property
    def folded(self) -> tuple[str, ...]:
        """:attr:`names`, folded (case, accents)."""
        return tuple(fold(n) for n in self.names)

    @cached_property
    def initials(self) -> frozenset[str]:
        """The initials of each name of two words or more ("United Nations Office of Counter-Terrorism" → "unoct")."""
        return frozenset(i for i in (_initials(n) for n in self.names) if len(i) >= 2)

    @cached_property
    def acronym_key(self) -> str:
        """The acronym folded without dots ("" when none)."""
        return fold(self.acronym).replace(".", "") if self.acronym else ""

    @cached_property
    def gazetteer_keys(self) -> frozenset[str]:
        """Keys of the gazetteer organizations any name or the acronym stands for."""
        from ctrack.gazetteer import get_gazetteer

        gaz = get_gazetteer()
        return frozenset(o.key for o in (gaz.lookup_org(n) for n in (*self.names, self.acronym)) if o is not None)

    @cached_property
    def numbers(self) -> frozenset[str]:
        """Numbers written in the name ("1267 Committee" → {"1267"})."""
        return frozenset(re.findall(r"\d+", self.name))

    @cached_property
    def person_names(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``(name, tokens)`` of the names of a person worth comparing (:func:`person_names`)."""
        own = set(person_tokens(self.name))
        out = []
        for n in self.names:
            tokens = person_tokens(n)
            if n == self.name or own & set(tokens):
                out.append((n, tokens))
        return tuple(out)


def _ratio(a: str, b: str) -> float:
    return float(fuzz.token_sort_ratio(a, b, processor=utils.default_process))


def _clamp(x: float) -> float:
    return round(max(0.0, min(100.0, x)), 1)


def person_names(a: ActorFacts) -> tuple[str, ...]:
    """The names of a person worth comparing: the name, and the aliases that share a word with it (a title
    stored as an alias, "Chairman" or "Secretary-General", says nothing about who the person is)."""
    return tuple(n for n, _ in a.person_names)


def person_similarity(a: ActorFacts, b: ActorFacts) -> Similarity | None:
    """How alike two persons are (module rules), or None when no rule and no shared surname joins them."""
    best: tuple[float, str] | None = None
    for x, tx in a.person_names:
        for y, ty in b.person_names:
            found = compare_tokens(tx, ty)
            if found is not None:
                _rank, rule, ratio = found
                score = ratio if rule == "fuzzy_name" else PERSON_RULE_SCORE[rule]
                why = {"same_name": f"same name once folded ({x} / {y})",
                       "fuzzy_name": f"names {ratio:.0f}% alike with the same surname ({x} / {y})",
                       "initials": f"initials agree ({x} / {y})",
                       "surname_only": f"one is the other's surname alone ({x} / {y})"}[rule]
            else:
                if not tx or not ty or tx[-1] != ty[-1]:
                    continue
                ratio = _ratio(" ".join(tx), " ".join(ty))
                score = SAME_SURNAME_FACTOR * ratio
                why = f"same surname, names {ratio:.0f}% alike ({x} / {y})"
            if best is None or score > best[0]:
                best = (score, why)
    if best is None:
        return None
    score, reasons = best[0], [best[1]]
    if a.affiliation_id and b.affiliation_id:
        if a.affiliation_id == b.affiliation_id:
            score += 5
            reasons.append(f"both act for {a.affiliation or a.affiliation_id}")
        else:
            score -= 15
            reasons.append(f"act for different bodies ({a.affiliation or a.affiliation_id} / "
                           f"{b.affiliation or b.affiliation_id})")
    return Similarity(_clamp(score), tuple(reasons))


def _initials(name: str) -> str:
    stop = {"of", "the", "and", "for", "on", "in", "de", "la", "du", "des", "et"}
    words = [w for w in fold(name).replace("-", " ").split() if w.isalpha()]
    return "".join(w[0] for w in words if w not in stop)


def org_similarity(a: ActorFacts, b: ActorFacts) -> Similarity | None:
    """How alike two organizations are (module rules), or None for government bodies of two states."""
    if ActorKind.GOVERNMENT_BODY in (a.kind, b.kind) and a.iso3 and b.iso3 and a.iso3 != b.iso3:
        return None
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return None  # "1267 Committee" / "1373 Committee", "Office No. 39" / "No. 2349"
    score, reasons = 0.0, []
    known_a, known_b = a.gazetteer_keys, b.gazetteer_keys
    if known_a & known_b:
        score, reasons = 100.0, [f"both are the gazetteer's {sorted(known_a & known_b)[0]}"]
    elif known_a and known_b:
        return None  # the gazetteer knows them as two organizations
    if a.acronym and b.acronym and normalize(a.acronym) == normalize(b.acronym) and score < 90:
        score, reasons = 90.0, [f"same acronym {a.acronym}"]
    for x, y in ((a, b), (b, a)):
        if x.acronym_key and score < 85 and x.acronym_key in y.initials:
            score, reasons = 85.0, [f"{x.acronym} is the initials of {y.name}"]
    best = max(((_ratio(fx, fy), x, y) for x, fx in zip(a.names, a.folded) for y, fy in zip(b.names, b.folded)),
               default=None)
    if best is not None:
        ratio, x, y = best
        if ratio >= ORG_MIN_RATIO and ORG_NAME_FACTOR * ratio > score:
            score, reasons = ORG_NAME_FACTOR * ratio, [f"names {ratio:.0f}% alike ({x} / {y})"]
        elif ratio >= 80 and reasons:
            reasons.append(f"names {ratio:.0f}% alike")
    if a.kind is not b.kind:
        score -= 5
        reasons.append(f"kinds differ ({a.kind.value.replace('_', ' ')} / {b.kind.value.replace('_', ' ')})")
    return Similarity(_clamp(score), tuple(reasons)) if reasons else None


def actor_similarity(a: ActorFacts, b: ActorFacts) -> Similarity | None:
    """:func:`person_similarity` or :func:`org_similarity`; None across kind groups (a person is never an
    organization) and for member states (one per ISO3 code already)."""
    group = kind_group(a.kind)
    if group != kind_group(b.kind) or group == "state":
        return None
    return person_similarity(a, b) if group == "person" else org_similarity(a, b)


def _norm(text: str | None) -> str:
    return " ".join(fold(text).split()) if text else ""


class EventView:
    """An event's features for :func:`compare_events`, computed once (a block compares each event with many
    others): the parties that are neither very common nor the place, the days it covers, the folded name and its numbers,
    and the documents that report it (None when unknown)."""

    def __init__(self, facts: EventFacts, common: Iterable[int] = (), documents: Iterable[int] | None = None):
        self.facts = facts
        self.parties = frozenset(facts.parties - set(common) - facts.place_actors)
        self.span = dates.interval(facts.start, facts.end)
        self.name = _norm(facts.name)
        self.numbers = frozenset(re.findall(r"\d+", facts.name or ""))
        self.city = _norm(facts.city)
        self.documents = frozenset(documents) if documents is not None else None


def compare_events(va: EventView, vb: EventView, names: Mapping[int, str] | None = None,
                   floor: float = 0.0) -> Similarity | None:
    """:func:`event_similarity` on two :class:`EventView`\\ s; None also when the score is under ``floor``
    (the reasons are then not written)."""
    a, b = va.facts, vb.facts
    if a.country and b.country and a.country != b.country:
        return None
    if distinct_events(a, b):
        return None
    if va.span and vb.span:
        overlap = va.span[0] <= vb.span[1] and vb.span[0] <= va.span[1]
        p_dates = 1.0 if overlap else 0.6
    else:
        overlap, p_dates = False, 0.5
    same_country = bool(a.country and a.country == b.country)
    same_city = bool(va.city and vb.city and va.city == vb.city)
    cities_differ = bool(va.city and vb.city and not same_city)
    p_place = (0.5 if cities_differ else 1.0) if same_country else 0.5
    shared = va.parties & vb.parties
    if shared:
        p_actors = 0.5 + 0.5 * len(shared) / len(va.parties | vb.parties)
    else:
        p_actors = 0.3 if not va.parties or not vb.parties else 0.0
    ratio = None
    if va.numbers and vb.numbers and va.numbers != vb.numbers:
        p_name = 0.0
    elif va.name and vb.name:
        ratio = _ratio(va.name, vb.name)
        p_name = ratio / 100
    else:
        p_name = 0.5
    parts = {"dates": p_dates, "place": p_place, "actors": p_actors, "name": p_name}
    score = 100 * sum(EVENT_WEIGHTS[k] * v for k, v in parts.items())
    one_document = bool(va.documents is not None and vb.documents is not None and len(va.documents) == 1
                        and va.documents == vb.documents)
    if one_document:
        score -= SAME_DOCUMENT_PENALTY
    if score < floor:
        return None
    names = names or {}
    if overlap:
        why_dates = "dates overlap" if (a.start, a.end) != (b.start, b.end) else f"same dates ({a.start})"
    elif va.span and vb.span:
        why_dates = f"same month, different days ({a.start} / {b.start})"
    else:
        why_dates = "both undated"
    if same_country:
        why_place = (f"same country {a.country}" + (f", same city {a.city}" if same_city else "")
                     + (f", cities differ ({a.city} / {b.city})" if cities_differ else ""))
    else:
        why_place = "one country unknown" if (a.country or b.country) else "both countries unknown"
    if shared:
        shown = ", ".join(sorted(names.get(i, str(i)) for i in shared)[:4])
        why_actors = f"{plural(len(shared), 'shared actor')}: {shown}"
    else:
        why_actors = "no actors on one side" if not va.parties or not vb.parties else "no shared actor"
    if ratio is not None:
        why_name = f"names {ratio:.0f}% alike"
    elif p_name == 0.0:
        why_name = "names carry different numbers"
    else:
        why_name = "one has no name" if (a.name or b.name) else "both unnamed"
    why = {"dates": why_dates, "place": why_place, "actors": why_actors, "name": why_name}
    reasons = [why[k] for k in sorted(parts, key=lambda k: -parts[k])]
    if one_document:
        reasons.append("both from one document, which reports them as two events")
    return Similarity(_clamp(score), tuple(reasons))


def event_similarity(a: EventFacts, b: EventFacts, common: Iterable[int] = (),
                     names: Mapping[int, str] | None = None,
                     documents: tuple[Iterable[int], Iterable[int]] | None = None) -> Similarity | None:
    """How alike two events of one type are (module rules), or None when they cannot be one event
    (different countries, or the resolver's signs of two events). ``common`` are the very common actor ids
    (:func:`ctrack.resolve.events.common_actor_ids`), ``names`` actor names for the reasons, ``documents``
    the ids of the documents that report each event."""
    docs = documents or (None, None)
    return compare_events(EventView(a, common, docs[0]), EventView(b, common, docs[1]), names)


__all__ = ["Similarity", "ActorFacts", "person_similarity", "org_similarity", "actor_similarity",
           "EventView", "compare_events", "event_similarity", "person_names", "PERSON_RULE_SCORE", "ORG_MIN_RATIO", "SAME_DOCUMENT_PENALTY", "SAME_SURNAME_FACTOR", "ORG_NAME_FACTOR", "EVENT_WEIGHTS"]
