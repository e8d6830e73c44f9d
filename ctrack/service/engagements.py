"""Engagements of a member state: one definition, used by every face.

An event **engages** member state X when it is not rejected and

- it is held in X (its venue country is X), or
- X itself, an actor with X's ISO3 (a government body of X), or a person or
  body affiliated to one of those holds a role (not rejected) in it.

That is the rule of ``ctrack events --country X`` (:func:`ctrack.store.repo.list_events`), and
:data:`RULE` says it in words on the pages that count engagements.
A member state's timeline (``ctrack show X``, ``/actors/{id}``,
:func:`ctrack.store.repo.actor_timeline`) is its engagements. ``ctrack show X``, the overview's "Member states engaged" (``/``, :func:`top_engaged`), the member-state list (``/states``), the member-state page
(``/states/X``), ``ctrack report --country X`` and the HTTP API all count and
list engagements through this module, and ``tests/service/test_engagements.py``
checks that they agree.

Status as shown: an event stored as *planned* whose last day has passed, and
that no source reports as held, is shown as "announced, not confirmed"
(:func:`shown_status`): the record says it was announced, nothing says it
took place.
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ctrack.resolve import dates
from ctrack.schema import ActorKind, EventStatus
from ctrack.service.paging import Page, PageParams, paginate
from ctrack.store import repo, stream
from ctrack.store.views import EventRow, StateCount, TimelineEntry

#: How a past planned event with no report that it was held is shown.
ANNOUNCED = "announced, not confirmed"
#: The rule of this module in words, shown on every page that counts engagements (``/``, ``/states``).
RULE = ("events held in the state, or in which the state, one of its government bodies or one of its "
        "people holds a role (rejected events and roles not counted)")


def shown_status(ev: EventRow, today: dt.date | None = None) -> str:
    """"held", "planned", or :data:`ANNOUNCED` for a planned event whose last day is before ``today``
    (default: today's date, UTC). An undated planned event stays "planned"."""
    if ev.status is not EventStatus.PLANNED:
        return ev.status.value
    span = dates.interval(ev.start, ev.end)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    if span and span[1] < today:
        return ANNOUNCED
    return EventStatus.PLANNED.value


def engagements(db: Session, iso3: str, since: str | None = None, until: str | None = None,
                reviewed_only: bool = False) -> list[EventRow]:
    """The events engaging member state ``iso3`` (ISO3 or a state name), in date order, undated last.

    ``since``/``until`` keep events overlapping that window (ISO dates at any
    precision). Raises :class:`ctrack.errors.NotFound` for an unknown state
    and ValueError for a bad date.
    """
    return repo.list_events(db, country=iso3, since=since, until=until, reviewed_only=reviewed_only)


def engagement_count(db: Session, iso3: str) -> int:
    """How many events engage member state ``iso3`` (:func:`engagements`, no date window).
    Raises :class:`ctrack.errors.NotFound` for an unknown state."""
    code = repo.resolve_scope(country=iso3)[1][0]
    return stream.engagement_counts(db, [code]).get(code, 0)


def engagement_counts(db: Session, isos: list[str] | None = None) -> dict[str, int]:
    """Engagements per member state (ISO3 → count) in one aggregate query; states without any are absent."""
    return stream.engagement_counts(db, isos)


def engaged_states(db: Session) -> list[StateCount]:
    """Every stored member state with at least one engagement (:func:`engagement_counts`), most first, ties by
    name: the order and the counts of the member-state list (``/states``,
    :func:`ctrack.service.reports.states`), which lists every stored member state, engaged or only named in
    a document. At most the ~200 states of the gazetteer."""
    engaged = engagement_counts(db)
    names = repo.stored_state_names(db, set(engaged))
    rows = [StateCount(iso3=iso, name=name, events=engaged[iso]) for iso, name in names.items() if engaged[iso]]
    return sorted(rows, key=lambda r: (-r.events, r.name))


def top_engaged(db: Session, n: int) -> list[StateCount]:
    """The ``n`` stored member states with most engagements: the first ``n`` of :func:`engaged_states`."""
    return engaged_states(db)[:n]


class StateEngagements(BaseModel):
    """A member state in the knowledge base and its number of engagements (:func:`engagement_counts`)."""

    iso3: str
    name: str
    actor_id: int
    engagements: int


def state_list(db: Session, page: PageParams | None = None) -> Page[StateEngagements]:
    """One page of the stored member states with their engagements, most engaged first, then by name: the
    figures of ``/states`` and ``/api/v1/states``. The stored states are at most the ~200 of the gazetteer,
    so they are read and sorted whole and the page cut from them. Raises :class:`ctrack.errors.BadQuery`
    for a page size outside 1–500."""
    counts = engagement_counts(db)
    rows = [StateEngagements(iso3=a.iso3, name=a.name, actor_id=a.id, engagements=counts.get(a.iso3, 0))
            for a in repo.list_actors(db, kind=ActorKind.MEMBER_STATE) if a.iso3]
    return paginate(sorted(rows, key=lambda r: (-r.engagements, r.name)), page or PageParams())


def held_in(entry: TimelineEntry, iso3: str | None) -> bool:
    """True when the entry's event is in a state's timeline only because it was held there."""
    return not entry.roles and not entry.via and bool(iso3) and entry.event.country == iso3


__all__ = ["ANNOUNCED", "RULE", "shown_status", "engagements", "engagement_count", "engagement_counts",
           "engaged_states", "top_engaged", "held_in", "StateEngagements", "state_list"]
