"""When two reports describe one event, and how their values combine.

:func:`match_event` decides whether an event a document reports is an event
already in the knowledge base. Two reports are one event only on real
evidence; all of these must hold:

1. compatible types (:func:`types_compatible`): the same type, or a
   ``visit`` and an ``assessment_visit`` (an assessment visit is a visit, and
   a release about the talks often calls it one);
2. compatible dates at their precision (:func:`date_fit`): the day intervals
   overlap (see :mod:`ctrack.resolve.dates`). When one report only gives a
   year (or a span longer than :data:`PINNED_DAYS` days) and the two dates
   are not the same value, the date says little ("2018" holds every visit of
   2018), so the match also needs a sign of its own (:func:`corroborated`):
   the same name, the same venue country known on both sides, the same
   subject state, or at least two shared parties of different sides. Two
   undated events only when both carry the same name (undated reports are too
   vague to merge on participants alone) *and* a sign of their own besides
   the name, as for a loose date: the same venue country, the same subject
   state, or shared parties of two sides (:func:`corroborated` without the
   name). A name alone is weak evidence without a date: the rules may cut a
   name short ("OSCE Mission to"), and one body's series of undated visits
   share its name and its people. A dated event never merges with an undated
   one;
3. the same venue country, or one of them does not know it;
4. at least one shared participant beyond the place (:func:`shared_parties`):
   actors are compared as "parties" (a person counts both as themself and as
   their affiliation, so "Coninsx met X" and "CTED met X" share CTED), and
   neither the member state an event takes place in (its venue country, or
   the state visited) nor a *very common* actor counts. Two visits to
   Kyrgyzstan share Kyrgyzstan and nothing else; a CTED or a UNOCT takes part
   in most events of a counter-terrorism knowledge base (those holding roles
   in a large share of all stored events, computed by the store with
   :func:`common_actor_ids`), so sharing them says nothing. Only the same
   name on the same days (both pinned) stands in for a shared participant
   (a reviewer may have rejected the one role two reports shared);
5. no sign of two distinct events (:func:`distinct_events`): two
   ``meeting`` reports that each name a party the other lacks are different
   meetings (same day, different counterparts); two visits with different
   subject states are different visits; and two reports whose organizers
   (for a visit: the visitors) are incompatible, each naming organizers that
   take no part in the other (an Under-Secretary-General's visit to Bishkek
   is not CTED's assessment visit there), are different events.

Among several fitting events the one sharing the most parties wins (then the
same name, then the same city, then the oldest).

One document may also report one event twice (the rules read "assessment
visit" and "visit" for the same visit, or a sub-event that adds nothing to
its parent): :func:`fold_document_events` says which events of one record
are the same event (:func:`same_event_in_document`), and the store keeps one.

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
#: Event types whose subject (the state visited or assessed) must agree, and whose subject is their place.
SUBJECT_TYPES = frozenset({EventType.VISIT, EventType.ASSESSMENT_VISIT})
#: Pairs of types one event may be reported under: an assessment visit is a visit, and a report of the
#: talks often says "visit" only. The first of each pair is the more specific, the one kept.
COMPATIBLE_TYPES = ((EventType.ASSESSMENT_VISIT, EventType.VISIT),)
#: A dated report whose day interval is at most this long pins the event down (a day, a few days, a
#: month: 31 days is the longest month); a longer one (a year, "2017-2020") only places it in a period.
PINNED_DAYS = 31
#: Shared parties of different sides that corroborate a loose date on their own (:func:`corroborated`).
CORROBORATING_SIDES = 2

#: Fields of an event compared by :func:`diff_fields`, in order.
EVENT_FIELDS = ("name", "start", "end", "city", "country", "status", "delegations")


@dataclass(frozen=True)
class EventFacts:
    """What is known of one event for matching: stored (``id`` set) or newly reported (``id`` None).

    ``roles`` holds (stored actor id, role) pairs; ``affiliations`` maps
    person ids among them to the id of the actor they act for; ``states``
    maps the member-state actors among them to their ISO3 code (to know which
    party is the place; when it is left empty only the subject of a visit is
    taken for the place); ``status`` is compared within one document only.
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
    states: Mapping[int, str] = field(default_factory=dict)
    status: EventStatus | None = None

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

    @property
    def places(self) -> set[str]:
        """ISO3 codes of where the event takes place: its venue country and, for a visit, the states
        visited."""
        out = {self.country} if self.country else set()
        if self.type in SUBJECT_TYPES:
            out |= {self.states[a] for a in self.subjects if a in self.states}
        return out

    @property
    def place_actors(self) -> set[int]:
        """The parties that stand for the place, not for a participant: the subject of a visit, and the
        member states whose ISO3 is a place of the event (:attr:`places`)."""
        out = set(self.subjects) if self.type in SUBJECT_TYPES else set()
        places = self.places
        return out | {a for a, iso in self.states.items() if iso in places}

    @property
    def organizers(self) -> set[int]:
        """The sides organizing the event (for a visit: the visitors), each person replaced by their
        affiliation, the place left out (a host state co-organizing is where it happens)."""
        place = self.place_actors
        return {self.affiliations.get(a, a) for a, r in self.roles
                if r is RoleType.ORGANIZER and a not in place} - place


@dataclass(frozen=True)
class EventMatch:
    """The stored event a report is merged into, the rule and the evidence (shared actor ids)."""

    event_id: int
    rule: str
    shared: tuple[int, ...]
    score: float


def _norm(text: str | None) -> str:
    return " ".join(fold(text).split()) if text else ""


def types_compatible(a: EventType, b: EventType) -> bool:
    """True when reports of types ``a`` and ``b`` may be one event: the same type, or a pair of
    :data:`COMPATIBLE_TYPES`."""
    return a is b or any({a, b} == set(pair) for pair in COMPATIBLE_TYPES)


def compatible_types(t: EventType) -> tuple[EventType, ...]:
    """Every type a report of type ``t`` may be merged with (``t`` first)."""
    return (t, *(x for pair in COMPATIBLE_TYPES if t in pair for x in pair if x is not t))


def specific_type(a: EventType, b: EventType) -> EventType:
    """Of two compatible types the more specific (``assessment_visit`` over ``visit``); ``a`` when equal."""
    for pair in COMPATIBLE_TYPES:
        if {a, b} == set(pair):
            return pair[0]
    return a


def date_fit(a: EventFacts, b: EventFacts) -> str | None:
    """How the dates of two reports agree, at their precision: ``"pinned"`` (overlapping intervals, each at
    most :data:`PINNED_DAYS` days long), ``"same"`` (the same longer value, "2018" and "2018", or both
    undated with the same name), ``"loose"`` (overlapping, but one only gives a year or a longer span, and
    the values differ: the date alone does not say it is one event), or None (they cannot be one event: apart, or
    one dated and one not, or both undated without the same name)."""
    sa, sb = dates.interval(a.start, a.end), dates.interval(b.start, b.end)
    if sa is None and sb is None:
        return "same" if a.name and b.name and _norm(a.name) == _norm(b.name) else None
    if sa is None or sb is None or not (sa[0] <= sb[1] and sb[0] <= sa[1]):
        return None
    if max((sa[1] - sa[0]).days, (sb[1] - sb[0]).days) + 1 <= PINNED_DAYS:
        return "pinned"
    if (a.start, a.end or a.start) == (b.start, b.end or b.start):
        return "same"
    return "loose"


def shared_parties(a: EventFacts, b: EventFacts, common: Iterable[int] = ()) -> set[int]:
    """The parties two reports share beyond their place (:attr:`EventFacts.place_actors` of either, and
    the member states of either's places) and beyond the very ``common`` actors (rule 4)."""
    places = a.places | b.places
    place = a.place_actors | b.place_actors
    place |= {x for e in (a, b) for x, iso in e.states.items() if iso in places}
    return (a.parties & b.parties) - place - set(common)


def corroborated(a: EventFacts, b: EventFacts, shared: set[int], by_name: bool = True) -> bool:
    """True when something besides a loose date says two reports are one event: the same name (unless
    ``by_name`` is false: for two undated reports the same name is what brought them together), the
    same venue country known on both sides, a shared subject, or ``shared`` parties that stand for at
    least :data:`CORROBORATING_SIDES` different sides (a person and their body are one side)."""
    if by_name and a.name and b.name and _norm(a.name) == _norm(b.name):
        return True
    if a.country and a.country == b.country:
        return True
    if a.subjects & b.subjects:
        return True
    affs = {**a.affiliations, **b.affiliations}
    return len({affs.get(x, x) for x in shared}) >= CORROBORATING_SIDES


def distinct_events(a: EventFacts, b: EventFacts) -> bool:
    """True when two reports of compatible types and times show signs of being two events (rule 5):
    meetings with different counterparts, visits to different states, or incompatible organizers (each
    report names organizers, or visitors, that take no part in the other)."""
    if a.type in BILATERAL_TYPES and b.type in BILATERAL_TYPES:
        pa, pb = a.parties_by_side, b.parties_by_side
        if pa - pb and pb - pa:
            return True
    if a.type in SUBJECT_TYPES and b.type in SUBJECT_TYPES:
        sa, sb = a.subjects, b.subjects
        if sa and sb and not sa & sb:
            return True
    oa, ob = a.organizers, b.organizers
    if oa and ob and not oa & b.parties and not ob & a.parties:
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
        if old.id is None or old.id in exclude or not types_compatible(old.type, new.type):
            continue
        fit = date_fit(new, old)
        if fit is None:
            continue
        if new.country and old.country and new.country != old.country:
            continue
        shared = shared_parties(new, old, common)
        same_name = bool(new.name and old.name and _norm(new.name) == _norm(old.name))
        if not shared and not (same_name and fit == "pinned"):
            continue
        if fit == "loose" and not corroborated(new, old, shared):
            continue
        undated = new.start is None and old.start is None  # date_fit: the same name, nothing else yet
        if undated and not corroborated(new, old, shared, by_name=False):
            continue
        if distinct_events(new, old):
            continue
        same_city = bool(new.city and old.city and _norm(new.city) == _norm(old.city))
        rank = (len(shared), same_name, same_city, -old.id)
        if best is None or rank > best[0]:
            best = rank, EventMatch(old.id, "event_match", tuple(sorted(shared)), float(len(shared)))
    return best[1] if best else None


def same_event_in_document(a: EventFacts, b: EventFacts, part: EventFacts | None = None) -> bool:
    """True when two events one document reports are one event told twice. All must hold:

    - compatible types (:func:`types_compatible`) and the same status ("held" and "planned" are an event
      and its follow-up);
    - both dated, at dates that pin the event down: each interval at most :data:`PINNED_DAYS` days, one
      inside the other (two events of "2011" in one document are two events, and so are two undated
      ones: nothing says otherwise);
    - no conflicting venue country, city or name; for visits, the same states visited (a tour and its
      leg in one of the states are two visits);
    - nothing of their own: the same roles; or the roles of one all roles of the other, when something
      else says they are one — one is ``part_of`` the other (``part``: the one of ``a`` and ``b`` that is
      part of the other, else None), a visit and an assessment
      visit, or the same venue country stated by both — and the one with fewer roles adds nothing
      either (no name, city or country the other lacks, no finer date: a named session or a day of a
      visit at another place is a sub-event, not the event again). Meetings need the same roles (a
      meeting with fewer counterparts is another meeting). A ``part`` that adds anything (or has people
      the other lacks) is a sub-event even with the same roles (the leg of a visit in another city).
    """
    if not types_compatible(a.type, b.type) or (a.status and b.status and a.status is not b.status):
        return False
    sa, sb = dates.interval(a.start, a.end), dates.interval(b.start, b.end)
    if sa is None or sb is None:
        return False
    if max((sa[1] - sa[0]).days, (sb[1] - sb[0]).days) + 1 > PINNED_DAYS:
        return False
    if not ((sa[0] <= sb[0] and sb[1] <= sa[1]) or (sb[0] <= sa[0] and sa[1] <= sb[1])):
        return False
    for x, y in ((a.country, b.country), (_norm(a.city), _norm(b.city)), (_norm(a.name), _norm(b.name))):
        if x and y and x != y:
            return False
    if a.type in SUBJECT_TYPES and a.subjects != b.subjects:
        return False
    if not a.roles or not b.roles or not (a.roles <= b.roles or b.roles <= a.roles):
        return False
    linked = part is not None
    if linked:
        small, span_small, big, span_big = (a, sa, b, sb) if part is a else (b, sb, a, sa)
    else:
        small, span_small, big, span_big = (a, sa, b, sb) if a.roles <= b.roles else (b, sb, a, sa)
    adds = bool((small.name and not big.name) or (small.city and not big.city) or (small.country and not big.country)
                or not (span_small[0] <= span_big[0] and span_big[1] <= span_small[1]))
    if linked and (adds or not small.roles <= big.roles):
        return False  # a part with a place, a name, a day or people of its own: a sub-event
    if a.roles == b.roles:
        return True
    if EventType.MEETING in (a.type, b.type):
        return False
    if not (linked or a.type is not b.type or (a.country and a.country == b.country)):
        return False
    return not adds


def fold_document_events(events: list[EventFacts], part_of: Mapping[int, int] | None = None) -> dict[int, int]:
    """Which events of one document are the same event (:func:`same_event_in_document`): {index of an
    event told again: index of the event kept}. ``part_of`` maps an event's index to its parent's
    index (the record's ``part_of``). The kept one is the more specific type (:func:`specific_type`),
    then the one with more roles, then the first; an event told again goes to a kept event with the
    same roles if there is one, else to the first that fits; a kept event is never folded."""
    parent = dict(part_of or {})
    specific = {pair[0] for pair in COMPATIBLE_TYPES}
    order = sorted(range(len(events)), key=lambda i: (events[i].type not in specific, -len(events[i].roles), i))
    kept: list[int] = []
    folded: dict[int, int] = {}
    for i in order:
        fits = [k for k in kept if same_event_in_document(
            events[k], events[i], events[i] if parent.get(i) == k else events[k] if parent.get(k) == i else None)]
        if not fits:
            kept.append(i)
            continue
        folded[i] = next((k for k in fits if events[k].roles == events[i].roles), fits[0])
    return folded


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
