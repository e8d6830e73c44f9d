"""Canonical keys of actors and the rules that merge an actor into a known one.

Canonical keys (stored unique in ``actors.canonical_key``):

- member state: ``state:ISO3``. "The Government of Tajikistan", "the Republic
  of Tajikistan" and "Tajikistan" are one state: a state-like name is looked
  up in the gazetteer (:meth:`Gazetteer.lookup_state`) after removing
  "(the) Government(s) of", so an extractor that reports "Government of X"
  as a government body still resolves to the state X (SCHEMA.md, "Kinds").
- organization (UN entity, regional org, government body, other org):
  ``org:`` + the gazetteer key when the gazetteer knows the name or acronym,
  else ``org:`` + the normalized acronym, else ``org:`` + the normalized name.
  A government body's key also carries its state (``org:fiu@MAR``): acronyms
  and generic names ("National Police", "FIU") repeat across countries.
- person: ``person:`` + the folded name tokens without honorifics
  (:func:`ctrack.resolve.names.person_key`).

A key that differs does not stop a merge: :func:`match_actor` also merges an
organization whose acronym, name or a known alias agrees (normalized with
:func:`ctrack.gazetteer.normalize_name`, the scorer's comparison key), and a
person by the name rules of :mod:`ctrack.resolve.names`. Actors are only
compared within a kind group (persons, states, organizations), as the scorer
does; organizations of different kinds in one group may merge (a conflict on
``kind`` is then recorded by the store).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ctrack.resolve.names import match_person, person_key, person_tokens
from ctrack.schema import Actor, ActorKind

_GOVERNMENT_OF = re.compile(
    r"^(?:the\s+)?(?:(?:government|governments|republic|kingdom|state|authorities)\s+of\s+)(?:the\s+)?(.+)$",
    re.I)
_X_GOVERNMENT = re.compile(r"^(?:the\s+)?(.+?)\s+(?:government|authorities)$", re.I)


def _gazetteer():
    from ctrack.gazetteer import get_gazetteer

    return get_gazetteer()


def normalize(text: str | None) -> str:
    """The comparison key of a name or acronym (:func:`ctrack.gazetteer.normalize_name`; "" for None)."""
    from ctrack.gazetteer import normalize_name

    return normalize_name(text) if text else ""


def kind_group(kind: ActorKind) -> str:
    """"person", "state" or "org" — the groups the scorer (and merging) compare within."""
    if kind is ActorKind.PERSON:
        return "person"
    if kind is ActorKind.MEMBER_STATE:
        return "state"
    return "org"


def state_iso3(name: str) -> str | None:
    """ISO3 of the state a name stands for ("Government of the Republic of Tajikistan" → "TJK"), or None."""
    gaz = _gazetteer()
    candidates = [name]
    m = _GOVERNMENT_OF.match(name.strip())
    if m:
        candidates.append(m.group(1))
        m2 = _GOVERNMENT_OF.match(m.group(1))
        if m2:
            candidates.append(m2.group(1))
    m = _X_GOVERNMENT.match(name.strip())
    if m:
        candidates.append(m.group(1))
    for text in candidates:
        st = gaz.lookup_state(text.strip())
        if st is not None:
            return st.iso3
    return None


def normalize_actor(actor: Actor) -> Actor:
    """The actor with "Government of X"-style names resolved to the member state X.

    A member state without ``iso3`` gets it from its name; an organization
    whose whole name is "(the) Government of X" / "X Government" becomes the
    member state X (SCHEMA.md: "the Government of Tajikistan … are all the
    member state TJK"). Other actors are returned unchanged.
    """
    if actor.kind is ActorKind.MEMBER_STATE:
        if actor.iso3:
            return actor
        iso3 = state_iso3(actor.name)
        return actor.model_copy(update={"iso3": iso3}) if iso3 else actor
    if actor.kind.is_org and (_GOVERNMENT_OF.match(actor.name.strip()) or _X_GOVERNMENT.match(actor.name.strip())):
        iso3 = state_iso3(actor.name)
        if iso3:
            st = _gazetteer().state(iso3)
            return actor.model_copy(update={
                "kind": ActorKind.MEMBER_STATE, "iso3": iso3, "name": st.name, "acronym": None,
                "aliases": [*actor.aliases, actor.name], "affiliation": None, "title": None})
    return actor


def canonical_key(actor: Actor) -> str:
    """The canonical key of ``actor`` (module docstring); call :func:`normalize_actor` first."""
    if actor.kind is ActorKind.PERSON:
        return person_key(actor.name)
    if actor.kind is ActorKind.MEMBER_STATE:
        return f"state:{actor.iso3}" if actor.iso3 else f"state:{normalize(actor.name)}"
    gaz = _gazetteer()
    known = gaz.lookup_org(actor.name) or (gaz.lookup_org(actor.acronym) if actor.acronym else None)
    if known is not None:
        base = str(known.key)
    elif actor.acronym:
        base = normalize(actor.acronym)
    else:
        base = normalize(actor.name)
    if actor.kind is ActorKind.GOVERNMENT_BODY and actor.iso3 and known is None:
        return f"org:{base}@{actor.iso3}"
    return f"org:{base}"


def surface_forms(actor: Actor) -> list[str]:
    """The forms to store as aliases: name, acronym and the extractor's aliases, without duplicates."""
    out: list[str] = []
    for form in (actor.name, actor.acronym, *actor.aliases):
        if form and form.strip() and form.strip() not in out:
            out.append(form.strip())
    return out


def lookup_keys(actor: Actor) -> set[str]:
    """Normalized forms to look known aliases up by (name, acronym, aliases)."""
    return {k for k in (normalize(f) for f in surface_forms(actor)) if k}


@dataclass(frozen=True)
class ActorCandidate:
    """A known actor offered to :func:`match_actor`: its stored fields and all its aliases (surface forms)."""

    id: int
    kind: ActorKind
    key: str
    name: str
    acronym: str | None = None
    iso3: str | None = None
    aliases: tuple[str, ...] = ()
    normalized: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ActorMatch:
    """A decision to merge a reported actor into the known actor ``actor_id`` by ``rule`` (score 0–100)."""

    actor_id: int
    rule: str
    score: float = 100.0


def _org_rule(actor: Actor, cand: ActorCandidate) -> tuple[int, str] | None:
    if actor.kind is ActorKind.GOVERNMENT_BODY or cand.kind is ActorKind.GOVERNMENT_BODY:
        if actor.iso3 and cand.iso3 and actor.iso3 != cand.iso3:
            return None
    if actor.acronym and cand.acronym and normalize(actor.acronym) == normalize(cand.acronym):
        return 1, "acronym"
    if normalize(actor.name) in cand.normalized:
        return 2, "name"
    if actor.acronym and normalize(actor.acronym) in cand.normalized:
        return 3, "acronym_alias"
    if cand.acronym and normalize(cand.acronym) in lookup_keys(actor):
        return 3, "acronym_alias"
    if lookup_keys(actor) & cand.normalized:
        return 4, "alias"
    return None


def match_actor(actor: Actor, key: str, candidates: Sequence[ActorCandidate]) -> ActorMatch | None:
    """The known actor that ``actor`` (normalized, with canonical ``key``) is, or None for a new actor.

    Rules, most certain first: the same canonical key; for states the same
    ISO3; for organizations the same acronym, then the same normalized name
    among the candidate's aliases, then the acronym of one equal to a form of
    the other, then any shared alias (a government body only with a body of
    the same state); for persons the rules of
    :func:`ctrack.resolve.names.match_person`. Only candidates of the same
    kind group count; two candidates tied at the best organization rule mean
    no merge (ambiguous).
    """
    for cand in candidates:
        if cand.key == key:
            return ActorMatch(cand.id, "canonical_key")
    group = kind_group(actor.kind)
    pool = [c for c in candidates if kind_group(c.kind) == group]
    if not pool:
        return None
    if group == "person":
        pm = match_person(actor.name, [(c.id, (c.name, *c.aliases)) for c in pool])
        return ActorMatch(pm.candidate_id, pm.rule, pm.score) if pm else None
    if group == "state":
        for c in pool:
            if actor.iso3 and c.iso3 == actor.iso3:
                return ActorMatch(c.id, "iso3")
        for c in pool:
            if not actor.iso3 and lookup_keys(actor) & c.normalized:
                return ActorMatch(c.id, "alias")
        return None
    scored = [(r, c) for c in pool if (r := _org_rule(actor, c))]
    if not scored:
        return None
    scored.sort(key=lambda rc: (rc[0][0], rc[1].kind is not actor.kind, rc[1].id))
    (rank, rule), best = scored[0]
    rivals = [c for (r, c) in scored[1:] if r[0] == rank and c.id != best.id and c.kind is best.kind]
    if rivals and best.kind is actor.kind:
        return None
    return ActorMatch(best.id, rule)


def is_fuller_name(new: Actor, stored_name: str, stored_acronym: str | None) -> bool:
    """True when ``new.name`` is a fuller form of a stored name that should replace it.

    A person first known by surname only ("Voronkov") gets the full name
    ("Vladimir Voronkov"); an organization first known only by its acronym
    ("CTED") gets its full name.
    """
    if new.kind is ActorKind.PERSON:
        a, b = person_tokens(new.name), person_tokens(stored_name)
        return len(a) > len(b) and a[-len(b):] == b if b else bool(a)
    if stored_acronym and normalize(stored_name) == normalize(stored_acronym):
        return normalize(new.name) != normalize(stored_name)
    return False
