"""Reports: a briefing's content, the knowledge base's counts, the overview page's aggregates, the
network of who met whom (``ctrack report``, ``/api/v1/reports/briefing``, ``/api/v1/stats``,
``/api/v1/network``, the ``/``, ``/states/{iso3}`` and ``/network`` pages)."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.schema import ActorKind, EventStatus
from ctrack.service import review as review_service
from ctrack.service.events import EventFilters, list_events
from ctrack.service.network import MEETING_TYPES, Network, from_counts
from ctrack.service.paging import PageParams
from ctrack.store import repo, web_repo
from ctrack.store.views import ActorRow, Briefing, Counts, EventRow, StateCount
from ctrack.store.web_repo import DocumentSummary
from ctrack.track import recommendations as recs


class Overview(BaseModel):
    """What the overview page shows: counts, the latest and the planned events, the member states with most
    engagements (the definition and counts of ``/states``: :func:`ctrack.service.engagements.top_engaged`),
    recommendation totals, the size of the review queue and the latest documents. ``engaged_states`` counts
    the member states with at least one engagement; ``counts.by_kind["member_state"]`` counts every member
    state stored, which includes states a document merely names."""

    counts: Counts
    engaged_states: int = 0
    recent: list[EventRow] = Field(default_factory=list)
    planned: list[EventRow] = Field(default_factory=list)
    states: list[StateCount] = Field(default_factory=list)
    rec_totals: dict = Field(default_factory=dict)
    queue_size: int = 0
    documents: list[DocumentSummary] = Field(default_factory=list)


def counts(db: Session) -> Counts:
    """How many documents, actors, events, roles, mentions and open conflicts are stored (``COUNT``s)."""
    return repo.counts(db)


def documents_by_language(db: Session) -> dict[str, int]:
    """Stored documents per language code (:func:`ctrack.store.repo.documents_by_language`)."""
    return repo.documents_by_language(db)


#: Events a briefing read at request time lists (the latest; its counts cover every event in scope).
BRIEFING_EVENTS = 250


def briefing(db: Session, country: str | None = None, region: str | None = None,
             reviewed_only: bool = False, max_events: int | None = BRIEFING_EVENTS, states: list[str] | None = None,
             since: str | None = None, until: str | None = None) -> Briefing:
    """The content of a briefing on a country (ISO3 or name), a region, a list of ``states``, or everything,
    over an optional window [``since``, ``until``] (:func:`ctrack.store.repo.briefing`): the latest
    ``max_events`` events (None: all, as ``ctrack report`` writes them), and counts by type and member state
    over every event in scope, as SQL aggregates. The briefing pack adds recommendations and figures
    (:func:`ctrack.service.briefing.pack_content`). Raises :class:`NotFound` for an unknown country, state
    or region and ValueError for a bad date."""
    return repo.briefing(db, country=country, region=region, reviewed_only=reviewed_only, max_events=max_events,
                         states=states, since=since, until=until)


def overview(db: Session) -> Overview:
    """The overview page's content, read as aggregates and short ``LIMIT``ed lists: 12 latest dated
    events, 8 planned events, the 12 member states with most engagements and how many are engaged at all,
    6 latest documents."""
    from ctrack.service.engagements import engaged_states

    recent = repo.latest_events(db, 12)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()  # past planned events are "announced, not confirmed"
    planned = list_events(db, EventFilters(status=EventStatus.PLANNED, since=today), page=PageParams(limit=8)).items
    engaged = engaged_states(db)
    return Overview(
        counts=repo.counts(db), recent=[e for e in recent if e.start], planned=planned,
        states=engaged[:12], engaged_states=len(engaged), rec_totals=recs.statistics(db)["totals"],
        queue_size=review_service.queue_size(db), documents=web_repo.latest_documents(db, 6))


def states(db: Session) -> list[ActorRow]:
    """Every member state stored (about 200), those with most engagements first
    (:func:`ctrack.service.engagements.engagement_counts`), then by name."""
    from ctrack.service.engagements import engagement_counts

    engaged = engagement_counts(db)
    return sorted(repo.list_actors(db, kind=ActorKind.MEMBER_STATE), key=lambda a: (-engaged.get(a.iso3, 0), a.name))


def state_actor(db: Session, iso3: str) -> ActorRow | None:
    """The stored member state with ISO3 code ``iso3``, or None when the knowledge base has none."""
    return repo.state_actor(db, iso3)


#: Most events a network is drawn from (the latest in scope); ``Network.events`` still counts them all.
NETWORK_EVENTS = 2000


def network(db: Session, filters: EventFilters | None = None, *, max_nodes: int = 60, min_weight: int = 1,
            kinds: set[ActorKind] | None = None, max_events: int | None = NETWORK_EVENTS) -> Network:
    """Actors linked by the events they share (filters as for :func:`ctrack.service.events.list_events`),
    the ``max_nodes`` busiest kept, with a layout in the unit square (:mod:`ctrack.service.network`),
    drawn from the latest ``max_events`` events in scope (None: all; a busy member state's whole record
    took seconds to pair up). Counted in SQL (:func:`ctrack.store.repo.cooccurrence`); an edge lists
    its first 50 events. Raises :class:`NotFound` for an unknown country or region, :class:`BadQuery`
    for a bad date."""
    conds = _conditions(filters)
    iso, n_events = _one_state(db, filters) or (None, None)
    return from_counts(repo.cooccurrence(db, conds, kinds=kinds, max_nodes=max_nodes,
                                         min_weight=min_weight, meeting_types=MEETING_TYPES,
                                         max_events=max_events, n_events=n_events, iso3=iso))


def _one_state(db: Session, filters: EventFilters | None) -> tuple[str, int] | None:
    """(ISO3, events) when ``filters`` keep exactly the engagements of one member state (a country and
    nothing else) and the aggregates are fresh (:mod:`ctrack.store.aggregates`), else None."""
    from ctrack.store import aggregates

    f = filters or EventFilters()
    if not f.country or any((f.type, f.since, f.until, f.region, f.status, f.review_state, f.reviewed_only)):
        return None
    iso = repo.resolve_scope(country=f.country)[1][0]
    if not (aggregates.kept(db) and aggregates.fresh(db)):
        return None
    return iso, sum(aggregates.state_counts(db, [iso]).get(iso, {}).values())


#: Most assessment visits a member state's page lists.
STATE_VISITS = 100

#: Engagements a member state's page lists and draws (its latest; the page links to the paged list of all of
#: them, ``/events?country=``). 250 rows made a 355 KB page for a busy state, and building and rendering
#: them was most of the page's time (0.1-0.3 s at 10,000 events); the briefing pack keeps
#: :data:`BRIEFING_EVENTS`.
STATE_PAGE_EVENTS = 50


class StatePage(BaseModel):
    """What a member state's page shows: its briefing content (the latest :data:`STATE_PAGE_EVENTS` events,
    counts by type and member state over every event), its recommendations section, the stored state
    actor (None when none is stored) and its first :data:`STATE_VISITS` assessment visits (with their roles;
    their sources and conflicts are not read, :func:`state_visits`)."""

    briefing: Briefing
    section: dict = Field(default_factory=dict)
    actor: ActorRow | None = None
    visits: list[EventRow] = Field(default_factory=list)


def state_page(db: Session, iso3: str) -> StatePage:
    """The content of ``/states/{iso3}`` (``iso3``: an ISO3 code or a state name; the page redirects to the
    code). Counts come from the aggregates kept on write (:mod:`ctrack.store.aggregates`), so the
    statements and the rows read do not grow with the state's record. Raises :class:`NotFound`."""
    data = briefing(db, country=iso3, max_events=STATE_PAGE_EVENTS)
    code = data.country or iso3.upper()
    return StatePage(briefing=data, section=recs.recommendations_section(db, country=code),
                     actor=state_actor(db, code), visits=state_visits(db, code))



def state_visits(db: Session, iso3: str, limit: int = STATE_VISITS) -> list[EventRow]:
    """The first ``limit`` assessment visits engaging member state ``iso3``, in date order (undated last),
    with their roles: one index range of the aggregates (:func:`ctrack.store.aggregates.state_events`) when
    they are fresh, then the visits without their sources and conflicts (the state page lists a visit's
    dates, name and organizers; two reads and a busy state's ~100 visits' sources fewer), else the event
    list's SQL. Raises :class:`NotFound` for an unknown state."""
    from ctrack.schema import EventType
    from ctrack.store import aggregates

    iso = repo.resolve_scope(country=iso3)[1][0]
    if aggregates.kept(db) and aggregates.fresh(db):
        ids = aggregates.state_events(db, iso, limit, descending=False, type=EventType.ASSESSMENT_VISIT)
        return repo.events_by_ids(db, ids, sources=False)
    return list_events(db, EventFilters(country=iso, type=EventType.ASSESSMENT_VISIT), page=PageParams(limit=limit)).items


def _conditions(filters: EventFilters | None) -> list:
    from ctrack.errors import BadQuery

    f = filters or EventFilters()
    try:
        return repo.event_conditions(country=f.country, type=f.type, since=f.since, until=f.until, region=f.region,
                                     status=f.status, review_state=f.review_state, reviewed_only=f.reviewed_only)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None


def events_in_scope(db: Session, filters: EventFilters | None = None) -> list[EventRow]:
    """Every event the filters keep (for a timeline chart or a network): unbounded, so callers give a scope."""
    from ctrack.errors import BadQuery

    f = filters or EventFilters()
    try:
        rows = repo.list_events(db, country=f.country, type=f.type, since=f.since, until=f.until, region=f.region,
                                reviewed_only=f.reviewed_only)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    if f.status:
        rows = [e for e in rows if e.status is f.status]
    if f.review_state:
        rows = [e for e in rows if e.review_state is f.review_state]
    return rows


__all__ = ["Overview", "counts", "documents_by_language", "briefing", "overview", "states", "state_actor", "network", "events_in_scope", "NETWORK_EVENTS",
           "state_visits", "STATE_VISITS", "STATE_PAGE_EVENTS", "StatePage", "state_page"]
