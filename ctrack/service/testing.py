"""Test helpers for the duplicate finder: a knowledge base of look-alike records that ingest keeps apart.

:func:`lookalike_documents` gives, for group ``i``, three documents whose records the resolver does not
merge (no rule joins them) but :mod:`ctrack.service.dedupe` should propose:

- persons "Maria Smith" and "Mario Smith" (same surname, names 91 % alike: below the resolver's 92);
- government bodies "Ministry of Interior" and "Ministry of the Interior" of Tajikistan;
- a conference in Tajikistan reported by two documents with no actor in common (2018-05-03 and May 2018,
  the same name but for case and a hyphen);

and non-duplicates that must not be proposed: "John Smith" (same surname, a different first name), the
"Ministry of Interior" of Kazakhstan (another state), and a conference in Kazakhstan the same month
(another country). Group ``i`` (from 1) uses year ``2000 + i``, a surname of five letters of its own
("Sbath"), suffixes its events' names with ``x{i}`` and starts its bodies' names with a word of its own,
so groups never share a block.
"""
from __future__ import annotations

import datetime as dt

from ctrack.schema import Actor, ActorKind, Document, DocumentInfo, Event, EventType, Record, Role, RoleType, Span
from ctrack.store.testing import make_document


def lookalike_documents(i: int = 0) -> list[tuple[Document, Record]]:
    """The three (document, record) pairs of look-alike group ``i`` (module docstring)."""
    sfx = f"x{i}" if i else ""
    org = f"{chr(65 + i % 26)}{chr(97 + i // 26 % 26)}q " if i else ""  # a first word of its own per group
    smith = f"S{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}th" if i else "Smith"  # five letters, as "Smith"
    year = 2018 if i == 0 else 2000 + i
    person, body, state = ActorKind.PERSON, ActorKind.GOVERNMENT_BODY, ActorKind.MEMBER_STATE

    def doc(n: int, text: str, actors: list[Actor], events: list[Event]) -> tuple[Document, Record]:
        """The document, with each actor's first mention in ``text`` and the whole sentence as the event's evidence."""
        key = f"lookalike{sfx}-{n}"

        def span(words: str) -> list[Span]:
            at = text.find(words)
            return [Span(start=at, end=at + len(words), text=words)] if at >= 0 else []

        actors = [a.model_copy(update={"mentions": span(a.name)}) for a in actors]
        events = [e.model_copy(update={"evidence": [Span(start=0, end=len(text), text=text)]}) for e in events]
        return (make_document(key, text, published=dt.date(year, 6, 1), title=f"Look-alike {n}{sfx}"),
                Record(document=DocumentInfo(id=key), actors=actors, events=events))

    first = doc(1, f"Maria {smith} of the {org}Ministry of Interior{sfx} of Tajikistan opened the High-Level "
                   f"Conference on Counter-Terrorism{sfx} in Dushanbe on 3 May {year}.", [
        Actor(id="a1", kind=person, name=f"Maria {smith}", affiliation="a2"),
        Actor(id="a2", kind=body, name=f"{org}Ministry of Interior{sfx}", iso3="TJK"),
    ], [Event(id="e1", type=EventType.CONFERENCE, name=f"High-Level Conference on Counter-Terrorism{sfx}",
              start=f"{year}-05-03", city="Dushanbe", country="TJK",
              roles=[Role(actor="a1", role=RoleType.PARTICIPANT), Role(actor="a2", role=RoleType.ORGANIZER)])])
    second = doc(2, f"Mario {smith} of the {org}Ministry of the Interior{sfx} spoke at the high-level conference "
                    f"on counter terrorism{sfx} held in Tajikistan in May {year}.", [
        Actor(id="a1", kind=person, name=f"Mario {smith}"),
        Actor(id="a2", kind=body, name=f"{org}Ministry of the Interior{sfx}", iso3="TJK"),
    ], [Event(id="e1", type=EventType.CONFERENCE, name=f"high-level conference on counter terrorism{sfx}",
              start=f"{year}-05", country="TJK", roles=[Role(actor="a1", role=RoleType.SPEAKER)])])
    third = doc(3, f"John {smith} of the {org}Ministry of Interior{sfx} of Kazakhstan hosted a conference on "
                   f"border security{sfx} in Astana on 20 May {year}.", [
        Actor(id="a1", kind=person, name=f"John {smith}", affiliation="a2"),
        Actor(id="a2", kind=body, name=f"{org}Ministry of Interior{sfx}", iso3="KAZ"),
        Actor(id="a3", kind=state, name="Kazakhstan", iso3="KAZ"),
    ], [Event(id="e1", type=EventType.CONFERENCE, name=f"Conference on Border Security{sfx}",
              start=f"{year}-05-20", city="Astana", country="KAZ",
              roles=[Role(actor="a1", role=RoleType.ORGANIZER), Role(actor="a3", role=RoleType.SUBJECT)])])
    return [first, second, third]


def save_lookalikes(engine, groups: int = 1, first: int = 0) -> None:
    """Store look-alike groups ``first`` … ``first + groups - 1`` (:func:`lookalike_documents`) in ``engine``."""
    from ctrack.store import repo
    from ctrack.store.db import session_scope

    for i in range(first, first + groups):
        for document, record in lookalike_documents(i):
            with session_scope(engine) as s:
                repo.save_document(s, document, record)


__all__ = ["lookalike_documents", "save_lookalikes"]
