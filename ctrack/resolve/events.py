"""When two reports describe one event, and how their values combine.

:func:`match_event` decides whether an event a document reports is an event
already in the knowledge base. Two reports are one event when all hold:

1. the same event type;
2. dates that overlap at the coarser precision (see
   :mod:`ctrack.resolve.dates`); two undated events only when both carry the
   same name (undated reports are too vague to merge on participants alone),
   and a dated event never merges with an undated one;
3. the same venue country, or one of them does not know it;
4. at least one shared actor that is not *very common*. Actors are compared
   as "parties": a person counts both as themself and as their affiliation,
   so "Coninsx met X" and "CTED met X" share CTED. Very common actors (those
   holding roles in a large share of all stored events, computed by the store
   with :func:`common_actor_ids`) do not count, since a CTED or a UNOCT takes
   part in most events of a counter-terrorism knowledge base and sharing them
   says nothing;
5. no sign of two distinct events: two ``meeting`` reports that each name a
   party the other lacks are different meetings (same day, different
   counterparts), and two ``visit``/``assessment_visit`` reports with
   different subject states are different visits.

Among several fitting events the one sharing the most parties wins (then the
same name, then the same city, then the oldest).

:func:`diff_fields` then says, field by field, what a new report does to the
stored event: fill an empty field, refine a date to a finer precision in the
same period, turn ``planned`` into ``held``, or record a conflict (a
different city, end date, name…). Nothing is overwritten: conflicting
values go to the conflicts table with their source document, and a row a
reviewer has decided on (``ReviewState`` other than proposed) is never
changed — every difference becomes a conflict.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ctrack.resolve import dates
from ctrack.resolve.names import fold
from ctrack.schema import EventStatus, EventType, RoleType

#: An actor holding roles in at least this share of stored events is "very common".
COMMON_SHARE = 0.2
#: … and in at least this many events (a small knowledge base has no common actors).
COMMON_MIN_EVENTS = 8

#: Event types whose reports must name the same counterparts to be one event.
BILATERAL_TYPES = frozenset({EventType.MEETING})
#: Event types whose subject (the state visited or assessed) must agree.
SUBJECT_TYPES = frozenset({EventType.VISIT, EventType.ASSESSMENT_VISIT})

#: Fields of an event compared by :func:`diff_fields`, in order.
EVENT_FIELDS = ("name", "start", "end", "city", "country", "status", "delegations")


@dataclass(frozen=True)
class EventFacts:
    """What is known of one event for matching: stored (``id`` set) or newly reported (``id`` None).

    ``roles`` holds (stored actor id, role) pairs; ``affiliations`` maps
    person ids among them to the id of the actor they act for.
    """

    id: int | None
    type: EventType
    start: str | None = None
    end: str | None = None
    country: str | None = None
    city: str | None = None
    name: str | None = None
    roles: frozenset[tuple[int, RoleType]] = frozenset()
    affiliations: Mapping[int, int] = field(default_factory=dict)

    @property
    def actors(self) -> set[int]:
        """Stored ids of the actors holding any role."""
        return {a for a, _ in self.roles}

    @property
    def parties(self) -> set[int]:
        """Actors plus the affiliations of the persons among them."""
        out = self.actors
        out |= {self.affiliations[a] for a in list(out) if a in self.affiliations}
        return out

    @property
    def parties_by_side(self) -> set[int]:
        """Each actor replaced by its affiliation when it has one (a person stands for their body)."""
        return {self.affiliations.get(a, a) for a in self.actors}

    @property
    def subjects(self) -> set[int]:
        """Actors holding the ``subject`` role."""
        return {a for a, r in self.roles if r is RoleType.SUBJECT}


@dataclass(frozen=True)
class EventMatch:
    """The stored event a report is merged into, the rule and the evidence (shared actor ids)."""

    event_id: int
    rule: str
    shared: tuple[int, ...]
    score: float


def _norm(text: str | None) -> str:
    return " ".join(fold(text).split()) if text else ""


def _dates_fit(a: EventFacts, b: EventFacts) -> bool:
    a_dated, b_dated = dates.parse(a.start) is not None, dates.parse(b.start) is not None
    if a_dated and b_dated:
        return dates.overlaps(a.start, a.end, b.start, b.end)
    if not a_dated and not b_dated:
        return bool(a.name and b.name and _norm(a.name) == _norm(b.name))
    return False


def distinct_events(a: EventFacts, b: EventFacts) -> bool:
    """True when two reports of the same type and time show signs of being two events (rule 5)."""
    if a.type in BILATERAL_TYPES:
        pa, pb = a.parties_by_side, b.parties_by_side
        if pa - pb and pb - pa:
            return True
    if a.type in SUBJECT_TYPES:
        sa, sb = a.subjects, b.subjects
        if sa and sb and not sa & sb:
            return True
    return False


def match_event(new: EventFacts, candidates: Iterable[EventFacts], common: set[int] = frozenset(),
                exclude: set[int] = frozenset()) -> EventMatch | None:
    """The stored event among ``candidates`` that ``new`` reports, or None (see the module rules).

    ``common`` are the very common actor ids (ignored as shared actors);
    ``exclude`` the stored events already matched by another event of the same
    document (one document never reports one event twice).
    """
    best: tuple[tuple, EventMatch] | None = None
    for old in candidates:
        if old.id is None or old.id in exclude or old.type is not new.type:
            continue
        if not _dates_fit(new, old):
            continue
        if new.country and old.country and new.country != old.country:
            continue
        shared = (new.parties & old.parties) - set(common)
        if not shared:
            continue
        if distinct_events(new, old):
            continue
        same_name = bool(new.name and old.name and _norm(new.name) == _norm(old.name))
        same_city = bool(new.city and old.city and _norm(new.city) == _norm(old.city))
        rank = (len(shared), same_name, same_city, -old.id)
        if best is None or rank > best[0]:
            best = rank, EventMatch(old.id, "event_match", tuple(sorted(shared)), float(len(shared)))
    return best[1] if best else None


def common_actor_ids(role_counts: Mapping[int, int], total_events: int) -> set[int]:
    """Actor ids that hold roles in ≥ :data:`COMMON_SHARE` of ``total_events`` and ≥ :data:`COMMON_MIN_EVENTS` events.

    ``role_counts`` maps an actor id to the number of distinct events it holds a role in.
    """
    floor = max(COMMON_MIN_EVENTS, COMMON_SHARE * total_events)
    return {a for a, n in role_counts.items() if n >= floor}


@dataclass(frozen=True)
class FieldChange:
    """What a new report does to one field: ``action`` is fill, refine or conflict."""

    field: str
    action: str
    value: Any
    existing: Any


def _same(field_name: str, a: Any, b: Any) -> bool:
    if field_name in ("name", "city"):
        return _norm(a) == _norm(b)
    return a == b


def diff_fields(existing: Mapping[str, Any], incoming: Mapping[str, Any], reviewed: bool = False,
                fields: Iterable[str] = EVENT_FIELDS) -> list[FieldChange]:
    """The changes ``incoming`` (a report's values) brings to ``existing`` (the stored values).

    Values are plain (ISO date strings, ISO3, :class:`EventStatus`, ints).
    For each field where ``incoming`` has a value: an empty stored field is
    *filled*; a date inside the stored one at a finer precision *refines* it
    (a coarser one is already covered and changes nothing); ``planned`` →
    ``held`` *refines* the status (the event took place; ``held`` is never
    turned back); any other difference is a *conflict*. With ``reviewed``
    (a human decided the row) fills and refinements become conflicts too.
    """
    changes: list[FieldChange] = []
    for name in fields:
        new, old = incoming.get(name), existing.get(name)
        if new is None or new == "" or _same(name, new, old):
            continue
        if old is None or old == "":
            action = "fill"
        elif name in ("start", "end") and dates.refines(old, new):
            action = "refine"
        elif name in ("start", "end") and dates.refines(new, old):
            continue
        elif name == "status":
            if EventStatus(old) is EventStatus.HELD:
                continue
            action = "refine"
        else:
            action = "conflict"
        if reviewed and action != "conflict":
            action = "conflict"
        changes.append(FieldChange(name, action, new, old))
    return changes
