"""The record types of ctrack, declared once.

Every stage imports its vocabulary from here: the kinds of actor, the event
types, the roles and the statuses of ``ctrack.extraction/1`` (the format
described in ``../shared/eval/SCHEMA.md``), and the plain typed records that
flow from one stage to the next (:class:`Document` out of ingest,
:class:`Record` out of extract). No other module spells a kind, a role or an
event type as a string literal; it uses these enums.

The models are pydantic v2 models so that the HTTP API can serve them and the
CLI can print them without a second declaration.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "ctrack.extraction/1"


class ActorKind(str, Enum):
    """Kinds of actor (SCHEMA.md, "ACTOR")."""

    PERSON = "person"
    MEMBER_STATE = "member_state"
    GOVERNMENT_BODY = "government_body"
    UN_ENTITY = "un_entity"
    REGIONAL_ORG = "regional_org"
    OTHER_ORG = "other_org"

    @property
    def is_org(self) -> bool:
        """True for the organization kinds (everything but persons and states)."""
        return self not in (ActorKind.PERSON, ActorKind.MEMBER_STATE)


class EventType(str, Enum):
    """Event types (SCHEMA.md, "Event types")."""

    CONFERENCE = "conference"
    MEETING = "meeting"
    ASSESSMENT_VISIT = "assessment_visit"
    VISIT = "visit"
    BRIEFING = "briefing"
    WORKSHOP = "workshop"
    LAUNCH = "launch"


class RoleType(str, Enum):
    """Roles an actor holds in an event (SCHEMA.md, "Roles")."""

    ORGANIZER = "organizer"
    FUNDER = "funder"
    SUPPORTER = "supporter"
    PARTICIPANT = "participant"
    SPEAKER = "speaker"
    CHAIR = "chair"
    SUBJECT = "subject"


class EventStatus(str, Enum):
    """``held``: took place (or is under way) at publication; ``planned``: later."""

    HELD = "held"
    PLANNED = "planned"


class DocFormat(str, Enum):
    """Source formats that ingest reads."""

    TXT = "txt"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    EML = "eml"


class _Model(BaseModel):
    model_config = ConfigDict(use_enum_values=False, populate_by_name=True)


class Span(_Model):
    """Evidence for a fact: character offsets into :attr:`Document.text`.

    ``start``/``end`` are Python string indices (end exclusive) into the
    document's extracted text; ``rule`` names the rule or model that produced
    the fact (shown by ``ctrack extract --explain``).
    """

    start: int
    end: int
    text: str
    rule: str = ""


class Document(_Model):
    """One ingested source document (output of :func:`ctrack.ingest.read`).

    ``id`` is the file name without its extension (the name the scorer pairs
    records by); ``sha256`` is the hex digest of the file's bytes;
    ``published`` is the publication date the document states, or None.
    ``text`` is the clean text all offsets refer to. ``language`` is an ISO
    639-1 code detected from the text; ``ocr_confidence`` is set only when
    the text was read from page images by OCR.
    """

    id: str
    path: str
    format: DocFormat
    sha256: str
    size: int = Field(description="size of the source file in bytes")
    title: str | None = None
    published: dt.date | None = None
    language: str = "en"
    ocr_confidence: float | None = Field(
        default=None, description="tesseract's mean word confidence (0-100) when the text came from OCR; None otherwise")
    provenance: dict[str, str] | None = Field(
        default=None, description="for an e-mail attachment: the message it came with (message, from, date, subject)")
    text: str


class Actor(_Model):
    """A person, member state or organization named in a document.

    ``id`` is local to the record. ``title`` is for persons only,
    ``iso3`` (ISO 3166-1 alpha-3) for member states and government bodies,
    ``affiliation`` is the local id of the actor a person acts for (or a
    government body's state). ``aliases`` are the other surface forms seen in
    the text and ``mentions`` their spans; neither is part of the
    ``ctrack.extraction/1`` output unless ``explain`` is asked for.
    """

    id: str
    kind: ActorKind
    name: str
    acronym: str | None = None
    iso3: str | None = None
    title: str | None = None
    affiliation: str | None = None
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)


class Role(_Model):
    """One (actor, role) pair of an event; ``evidence`` is the span that gave it."""

    actor: str
    role: RoleType
    evidence: Span | None = None
    confidence: float | None = Field(default=None, description="the role model's probability (0-1); None when no model decided it")


class Event(_Model):
    """An event with its dates (ISO 8601 at the text's precision), venue and roles."""

    id: str
    type: EventType
    name: str | None = None
    start: str | None = None
    end: str | None = None
    city: str | None = None
    country: str | None = None
    status: EventStatus = EventStatus.HELD
    roles: list[Role] = Field(default_factory=list)
    delegations: int | None = None
    part_of: str | None = None
    evidence: list[Span] = Field(default_factory=list)
    confidence: float | None = Field(default=None, description="the event model's probability (0-1) that this is a real event")

    def add_role(self, actor: str, role: RoleType, evidence: Span | None = None) -> None:
        """Add (actor, role) once; a repeated pair is ignored."""
        if not any(r.actor == actor and r.role == role for r in self.roles):
            self.roles.append(Role(actor=actor, role=role, evidence=evidence))


class DocumentInfo(_Model):
    """The ``document`` block of a record."""

    id: str
    title: str | None = None
    published: str | None = None
    language: str = "en"


class Record(_Model):
    """One ``ctrack.extraction/1`` record: what extract found in one document."""

    schema_id: str = Field(default=SCHEMA_ID, alias="schema")
    document: DocumentInfo
    actors: list[Actor] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)

    def actor(self, actor_id: str) -> Actor | None:
        """The actor with local id ``actor_id``, or None."""
        return next((a for a in self.actors if a.id == actor_id), None)

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        """The record as a plain dict in the ``ctrack.extraction/1`` format.

        With ``explain`` the evidence spans (``mentions``, ``evidence``) and
        aliases are included as extra keys, which the scorer ignores.
        """
        actors = []
        for a in self.actors:
            d: dict[str, Any] = {"id": a.id, "kind": a.kind.value, "name": a.name}
            if a.kind is ActorKind.PERSON:
                d.update(title=a.title, affiliation=a.affiliation)
            elif a.kind is ActorKind.MEMBER_STATE:
                d.update(iso3=a.iso3)
            elif a.kind is ActorKind.GOVERNMENT_BODY:
                d.update(acronym=a.acronym, iso3=a.iso3, affiliation=a.affiliation)
            else:
                d.update(acronym=a.acronym)
            if explain:
                d["aliases"] = a.aliases
                d["mentions"] = [m.model_dump() for m in a.mentions]
            actors.append(d)
        events = []
        for e in self.events:
            d = {
                "id": e.id, "type": e.type.value, "name": e.name,
                "start": e.start, "end": e.end, "city": e.city, "country": e.country,
                "status": e.status.value, "delegations": e.delegations, "part_of": e.part_of,
                "roles": [
                    {"actor": r.actor, "role": r.role.value}
                    | ({"evidence": r.evidence.model_dump()} if explain and r.evidence else {})
                    | ({"confidence": round(r.confidence, 3)} if explain and r.confidence is not None else {})
                    for r in e.roles
                ],
            }
            if explain:
                d["evidence"] = [s.model_dump() for s in e.evidence]
                d["confidence"] = round(e.confidence, 3) if e.confidence is not None else None
            events.append(d)
        return {
            "schema": self.schema_id,
            "document": self.document.model_dump(),
            "actors": actors,
            "events": events,
        }
