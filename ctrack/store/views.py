"""What the repository returns: plain pydantic models, never ORM rows.

The CLI prints them (``--json`` uses :meth:`pydantic.BaseModel.model_dump`
with ``mode="json"``), the report renders them, and the HTTP API can serve
them as they are.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ctrack.schema import ActorKind, EventStatus, EventType, RoleType
from ctrack.store.models import ReviewState


class _View(BaseModel):
    model_config = ConfigDict(frozen=False)


class ActorRef(_View):
    """An actor in short: id, kind, name, acronym, ISO3."""

    id: int
    kind: ActorKind
    name: str
    acronym: str | None = None
    iso3: str | None = None

    @property
    def label(self) -> str:
        """"Counter-Terrorism Committee Executive Directorate (CTED)", "Tajikistan (TJK)", "Michèle Coninsx"."""
        extra = self.acronym or (self.iso3 if self.kind is ActorKind.MEMBER_STATE else None)
        return f"{self.name} ({extra})" if extra and extra != self.name else self.name

    @property
    def short(self) -> str:
        """The acronym when there is one, else the name."""
        return self.acronym or self.name


class ActorRow(ActorRef):
    """An actor with its current title, affiliation, aliases and how often it appears."""

    canonical_key: str
    title: str | None = None
    affiliation: ActorRef | None = None
    review_state: ReviewState = ReviewState.PROPOSED
    aliases: list[str] = Field(default_factory=list)
    events: int = 0
    documents: int = 0


class SourceRow(_View):
    """A source document: its id in the knowledge base, doc key (file stem), title, publication date, path."""

    document_id: int
    doc_key: str
    title: str | None = None
    published: dt.date | None = None
    path: str | None = None


class RoleRow(_View):
    """An (actor, role) pair of an event; ``confidence`` is the extraction's probability that it is right
    (``event_roles.confidence``; None when not known)."""

    actor: ActorRef
    role: RoleType
    review_state: ReviewState = ReviewState.PROPOSED
    confidence: float | None = None


class ConflictRow(_View):
    """A value a source gave that disagrees with the stored one (``existing``)."""

    id: int
    field: str
    value: str | None = None
    existing: str | None = None
    source: SourceRow
    review_state: ReviewState = ReviewState.PROPOSED


class EventRow(_View):
    """A resolved event with its roles, source documents and recorded conflicts.

    ``start``/``end`` are ISO dates at text precision; ``country`` is the
    venue's ISO3; ``part_of_id`` the parent event's id; ``confidence`` the extraction's probability that
    the event is real (the highest its sources gave; None when not known).
    """

    id: int
    type: EventType
    name: str | None = None
    start: str | None = None
    end: str | None = None
    city: str | None = None
    country: str | None = None
    status: EventStatus = EventStatus.HELD
    delegations: int | None = None
    part_of_id: int | None = None
    review_state: ReviewState = ReviewState.PROPOSED
    confidence: float | None = None
    roles: list[RoleRow] = Field(default_factory=list)
    sources: list[SourceRow] = Field(default_factory=list)
    conflicts: list[ConflictRow] = Field(default_factory=list)

    @property
    def dates(self) -> str:
        """"2018-05-03 – 2018-05-04", "2018-05", or "undated"."""
        if not self.start:
            return "undated"
        if self.end and self.end != self.start:
            return f"{self.start} – {self.end}"
        return self.start

    @property
    def venue(self) -> str:
        """"Dushanbe, TJK", "TJK", or "" when unknown."""
        return ", ".join(p for p in (self.city, self.country) if p)

    @property
    def label(self) -> str:
        """The event's name, else its type and main parties ("meeting: Michèle Coninsx, Tajikistan")."""
        if self.name:
            return self.name
        parties = [r.actor.short for r in self.roles if r.role is not RoleType.SUBJECT][:3]
        subjects = [r.actor.short for r in self.roles if r.role is RoleType.SUBJECT]
        text = self.type.value.replace("_", " ")
        if subjects:
            text += " to " + ", ".join(subjects)
        if parties:
            text += " — " + ", ".join(parties)
        return text

    def roles_by_type(self) -> dict[RoleType, list[ActorRef]]:
        """Actors grouped by role, in :class:`RoleType` order."""
        out: dict[RoleType, list[ActorRef]] = {}
        for role in RoleType:
            actors = [r.actor for r in self.roles if r.role is role]
            if actors:
                out[role] = actors
        return out


class TitleRow(_View):
    """A dated title of a person, from one source."""

    title: str
    affiliation: ActorRef | None = None
    as_of: str | None = None
    source: SourceRow


class TimelineEntry(_View):
    """One event in an actor's timeline.

    ``roles`` are the actor's own roles; ``via`` the roles of actors that act
    for it (its people and bodies: "Michèle Coninsx — speaker" in CTED's
    timeline); ``counterparts`` every other role in the event.
    """

    event: EventRow
    roles: list[RoleType] = Field(default_factory=list)
    via: list[RoleRow] = Field(default_factory=list)
    counterparts: list[RoleRow] = Field(default_factory=list)


class Timeline(_View):
    """An actor, its dated titles and its events in date order (undated last).

    ``entries`` may be one page of the events: ``total`` is the number of
    events in all, ``next_cursor`` the cursor of the next page (None on the last).
    """

    actor: ActorRow
    titles: list[TitleRow] = Field(default_factory=list)
    members: list[ActorRef] = Field(default_factory=list)
    entries: list[TimelineEntry] = Field(default_factory=list)
    total: int = 0
    next_cursor: str | None = None


class SaveResult(_View):
    """What :func:`ctrack.store.repo.save_document` did with one document.

    ``status`` is "new" (stored), "unchanged" (the same bytes were stored
    before; nothing changed) or "busy" (another process is storing the same
    bytes right now; nothing changed here, and ``document_id`` is None).
    """

    status: Literal["new", "unchanged", "busy"]
    document_id: int | None
    doc_key: str
    actors_created: int = 0
    actors_merged: int = 0
    events_created: int = 0
    events_merged: int = 0
    roles_added: int = 0
    conflicts: int = 0


class Counts(_View):
    """Sizes of the knowledge base; ``by_kind``/``by_type`` count actors per kind and events per type."""

    documents: int = 0
    actors: int = 0
    events: int = 0
    roles: int = 0
    mentions: int = 0
    conflicts: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)
    by_type: dict[str, int] = Field(default_factory=dict)


class StateCount(_View):
    """A member state and the number of events in scope it is engaged in."""

    iso3: str
    name: str
    events: int
    member: bool = False


class Briefing(_View):
    """The data of an HTML briefing (``ctrack report``).

    ``scope`` is a label ("Tajikistan (TJK)", "Central Asia: KAZ, KGZ, …",
    "All events"); ``members`` the ISO3 codes in scope; ``events`` in date
    order (all of them, or the latest few when the caller capped them:
    ``events_total`` is the number in scope); ``by_type`` events per type; ``by_state`` events per member state
    engaged (members of the scope included even at 0); ``documents`` every
    source cited.
    """

    scope: str
    country: str | None = None
    region: str | None = None
    members: list[str] = Field(default_factory=list)
    generated_at: dt.datetime
    events: list[EventRow] = Field(default_factory=list)
    events_total: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    by_state: list[StateCount] = Field(default_factory=list)
    documents: list[SourceRow] = Field(default_factory=list)
    counts: Counts = Field(default_factory=Counts)
