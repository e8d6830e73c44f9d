"""Actors: the filtered, paged actor list (``ctrack actors``, ``/api/v1/actors``, ``/actors``), one actor,
and an actor's timeline by id or by name (``ctrack show``, ``/api/v1/show``, ``/actors/{id}``)."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.errors import BadQuery
from ctrack.schema import ActorKind, RoleType
from ctrack.service.paging import Page, PageParams, check_page, parse_sort
from ctrack.store import repo
from ctrack.store.models import ReviewState
from ctrack.store.views import ActorRef, ActorRow, SourceRow, Timeline

#: Sort keys of the actor list (default: kind, then name).
SORTS = repo.ACTOR_SORTS
#: Events on one page of a timeline when the caller does not say.
TIMELINE_PAGE = 50


def list_actors(db: Session, kind: ActorKind | str | None = None, q: str | None = None,
                review_state: ReviewState | None = None, sort: str | None = None,
                page: PageParams | None = None) -> Page[ActorRow]:
    """One page of the actors (rejected ones left out), by kind then name unless ``sort`` says otherwise.

    ``kind`` filters; ``q`` is part of the name, acronym, ISO3 or an alias.
    Filtering, sorting, counting and paging happen in SQL (keyset with
    ``page.after``). Raises :class:`BadQuery` for an unknown kind, sort key or cursor.
    """
    page = check_page(page)
    key, descending = parse_sort(sort, list(SORTS))
    try:
        rows, total, cursor = repo.page_actors(db, kind=kind, q=q, review_state=review_state, sort=key,
                                               descending=descending, limit=page.limit, offset=page.offset,
                                               after=page.after)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    return Page[ActorRow](items=rows, total=total, limit=page.limit, offset=page.offset, next_cursor=cursor)


def get_actor(db: Session, actor_id: int) -> ActorRow:
    """One actor with its current title, affiliation, aliases and counts. Raises :class:`NotFound`."""
    return repo.get_actor(db, actor_id)


def find_actor(db: Session, name: str) -> ActorRow:
    """The actor a name, alias, acronym or ISO3 code means (:func:`ctrack.store.repo.find_actor`).
    Raises :class:`NotFound` with close names as suggestions."""
    return repo.find_actor(db, name)


def timeline(db: Session, actor_id: int, page: PageParams | None = None, actor: ActorRow | None = None,
             timeline_total: int | None = None, has_titles: bool | None = None) -> Timeline:
    """One page of an actor's timeline: its events in date order with its roles, its people's roles,
    counterparts and sources, and a person's dated titles; ``total`` events in all and the next page's
    cursor. ``actor``: its row when the caller has read it already, ``timeline_total`` the timeline total
    and ``has_titles`` whether it has dated titles, read with it (see
    :func:`ctrack.store.repo.actor_timeline`). Raises :class:`NotFound` for an
    unknown id, :class:`BadQuery` for a bad page."""
    page = check_page(page or PageParams(limit=TIMELINE_PAGE))
    try:
        return repo.actor_timeline(db, actor_id, limit=page.limit, offset=page.offset, after=page.after,
                                   actor=actor, timeline_total=timeline_total, has_titles=has_titles)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None


def show(db: Session, name: str, page: PageParams | None = None) -> Timeline:
    """``ctrack show NAME``: the timeline (one page) of the actor ``name`` means. Raises :class:`NotFound`.
    The actor's row, its timeline total and whether it has titles are read once
    (:func:`ctrack.store.repo.find_actor`)."""
    timelines: dict[int, int] = {}
    titled: set[int] = set()
    actor = repo.find_actor(db, name, timelines, titled)
    return timeline(db, actor.id, page, actor=actor, timeline_total=timelines.get(actor.id),
                    has_titles=actor.id in titled)


#: Events an actor's page counts the roles held and the counterparts over: its latest that many (all of them
#: when it has fewer). Over a busy member state's whole record (30,000 events at 100,000) the counterparts'
#: grouped read took seconds; the page says "over its latest N of M events" when it is cut.
ACTOR_PAGE_EVENTS = 1000


class ActorPage(BaseModel):
    """An actor's page: one page of its timeline, the roles it held (with counts), its top counterparts
    (with the number of shared events), both counted over the latest ``counted_events`` of its
    ``role_events`` timeline events (at most :data:`ACTOR_PAGE_EVENTS`), and the sources of the events
    on the page."""

    timeline: Timeline
    roles: list[tuple[RoleType, int]] = Field(default_factory=list)
    counterparts: list[tuple[ActorRef, int]] = Field(default_factory=list)
    sources: list[SourceRow] = Field(default_factory=list)
    counted_events: int = 0
    role_events: int = 0


def actor_page(db: Session, actor_id: int, page: PageParams | None = None) -> ActorPage:
    """The content of an actor's page; roles and counterparts are counted in SQL over its latest
    :data:`ACTOR_PAGE_EVENTS` events (all when fewer), the timeline is one page. Raises
    :class:`NotFound`, :class:`BadQuery` for a bad page."""
    t = timeline(db, actor_id, page)
    roles, counterparts, counted, of = repo.actor_aggregates(db, actor_id, max_events=ACTOR_PAGE_EVENTS)
    sources: dict[int, SourceRow] = {}
    for entry in t.entries:
        for s in entry.event.sources:
            sources.setdefault(s.document_id, s)
    return ActorPage(timeline=t, roles=roles, counterparts=counterparts,
                     sources=sorted(sources.values(), key=lambda s: (s.published or dt.date.max, s.doc_key)),
                     counted_events=counted, role_events=of)


__all__ = ["SORTS", "TIMELINE_PAGE", "ACTOR_PAGE_EVENTS", "ActorPage", "list_actors", "get_actor", "find_actor", "timeline", "show",
           "actor_page"]
