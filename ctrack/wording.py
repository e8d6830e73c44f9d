"""Counted nouns in messages: ``plural(1, "document")`` → "1 document", ``plural(3, "entry")`` → "3 entries".

The one helper every face uses for a count followed by what it counts (CLI
messages and tables, web pages through the ``plural`` Jinja filter, service
summaries, figure captions), instead of "document(s)" or an ``if`` at each
place.
"""
from __future__ import annotations

#: Nouns whose plural does not follow the English spelling rules of :func:`plural_of`.
IRREGULAR = {"person": "persons", "analysis": "analyses", "child": "children", "criterion": "criteria"}


def plural_of(noun: str) -> str:
    """The plural of ``noun``, a word or a phrase whose last word is the noun ("new actor" → "new actors").

    English spelling rules: consonant + "y" → "ies" ("entry" → "entries"), a final "s", "x", "z", "ch"
    or "sh" takes "es" ("alias" → "aliases"), any other word takes "s"; :data:`IRREGULAR` first.
    """
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower in IRREGULAR:
        word = IRREGULAR[lower]
    elif len(lower) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        word = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def noun(count: int, noun: str, plural_form: str | None = None) -> str:
    """``noun`` alone, in the number ``count`` asks for: singular for 1, else plural ("0 events"); for a
    count shown apart from its noun (a figure tile)."""
    return noun if count == 1 else (plural_form or plural_of(noun))


def plural(count: int, noun_: str, plural_form: str | None = None) -> str:
    """``count`` and ``noun_``, in the plural unless ``count`` is 1: "1 event", "0 events", "2 events".

    ``plural_form`` gives the plural when the spelling rules of :func:`plural_of` do not. ``count`` is
    printed as given (an int; thousands are not grouped). Web and report templates have it as the
    ``plural`` filter: ``{{ n|plural("event") }}``."""
    return f"{count} {noun(count, noun_, plural_form)}"


__all__ = ["IRREGULAR", "noun", "plural", "plural_of"]
