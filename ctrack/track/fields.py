"""Reading values people type (CLI arguments, spreadsheet cells) into stored values.

Each parser takes text (or an already typed value, e.g. a date cell of an
XLSX sheet) and returns the value to store, or raises ``ValueError`` with a
message meant for the user ("unknown member state 'Atlantis'"). Used by
corrections (:mod:`ctrack.track.review`), imports (:mod:`ctrack.track.io`)
and the recommendation commands.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import Enum
from typing import Any

from ctrack.store.track_models import Priority, RecStatus, TermScheme
from ctrack.track.vocabulary import vocabulary

#: Separator of list cells in imports and exports (issue 4: "lists separated by ;").
LIST_SEP = ";"


#: What each parser reads, for forms that offer the right input (:func:`input_of`): "text", "state" (a member
#: state), "day" (a calendar day), "partial_date" (year, year-month or day), "flag" (yes/no), "integer",
#: "choice" (one value of ``parser.choices``), "list" (values separated by ";"), "actor"/"event" (a record id).
INPUT_KINDS = ("text", "state", "day", "partial_date", "flag", "integer", "choice", "list", "actor", "event")


def typed(parser: Callable[[Any], Any], kind: str, *, required: bool = False,
          choices: list[str] | None = None) -> Callable[[Any], Any]:
    """Label ``parser`` with the input it reads (``kind``, one of :data:`INPUT_KINDS`), whether a blank value is
    refused (``required``) and, for a choice, its ``choices``; returns ``parser``."""
    if kind not in INPUT_KINDS:
        raise ValueError(f"unknown input kind {kind!r}")
    parser.input_kind = kind  # type: ignore[attr-defined]
    parser.required = required  # type: ignore[attr-defined]
    parser.choices = list(choices or [])  # type: ignore[attr-defined]
    return parser


def input_of(parser: Callable[[Any], Any]) -> tuple[str, bool, list[str]]:
    """``(kind, required, choices)`` of a parser labelled by :func:`typed`; ``("text", False, [])`` otherwise."""
    return (getattr(parser, "input_kind", "text"), getattr(parser, "required", False),
            list(getattr(parser, "choices", [])))


def blank(value: Any) -> bool:
    """True for None and for text that is empty once stripped."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """Required text: stripped, not empty."""
    if blank(value):
        raise ValueError("a value is required")
    return str(value).strip()


def optional_text(value: Any) -> str | None:
    """Text, or None when blank."""
    return None if blank(value) else str(value).strip()


def state(value: Any) -> str:
    """A member state as ISO 3166-1 alpha-3, from a code or a name ("TJK", "tjk", "Tajikistan", "Republic of Tajikistan").

    Names are looked up in the project gazetteer (:meth:`ctrack.gazetteer.Gazetteer.lookup_state`).
    Raises ``ValueError`` for a name it does not know.
    """
    from ctrack.gazetteer import get_gazetteer

    raw = text(value)
    gaz = get_gazetteer()
    st = gaz.lookup_state(raw)
    if st is None and len(raw) == 3 and raw.isalpha():
        try:
            st = gaz.state(raw.upper())
        except KeyError:
            st = None
    if st is None:
        raise ValueError(f"unknown member state {raw!r} (give an ISO3 code or a state name)")
    return st.iso3


def optional_state(value: Any) -> str | None:
    """:func:`state`, or None when blank."""
    return None if blank(value) else state(value)


def day(value: Any) -> dt.date:
    """A calendar day from an ISO date ("2024-06-30"), a date/datetime cell, or a written date ("30 June 2024").

    Raises ``ValueError`` for anything that is not one unambiguous day.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    if re.fullmatch(r"\d{1,2} [A-Za-z]+ \d{4}|[A-Za-z]+ \d{1,2},? \d{4}", raw):
        import dateparser

        parsed = dateparser.parse(raw, languages=["en"], settings={"STRICT_PARSING": True})
        if parsed is not None:
            return parsed.date()
    raise ValueError(f"not a date: {raw!r} (use YYYY-MM-DD)")


def optional_day(value: Any) -> dt.date | None:
    """:func:`day`, or None when blank."""
    return None if blank(value) else day(value)


def iso_partial(value: Any) -> str | None:
    """An event date at text precision: "2018", "2018-05" or "2018-05-03" (None when blank)."""
    if blank(value):
        return None
    from ctrack.resolve import dates

    raw = str(value).strip()
    if dates.parse(raw) is None:
        raise ValueError(f"not an ISO date at year, month or day precision: {raw!r}")
    return raw


_TRUE = {"yes", "y", "true", "t", "1", "x", "needed", "required"}
_FALSE = {"no", "n", "false", "f", "0", "", "none", "not needed"}


def flag(value: Any) -> bool:
    """A yes/no cell: yes/no, true/false, 1/0, y/n (blank is no)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    raw = "" if value is None else str(value).strip().casefold()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"not yes or no: {value!r}")


def integer(value: Any) -> int | None:
    """A whole number (None when blank)."""
    if blank(value):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"not a whole number: {value!r}") from None


def member(enum_cls: type[Enum], what: str | None = None) -> Callable[[Any], Any]:
    """A parser for one value of ``enum_cls`` (its value, case-insensitive, spaces or hyphens for underscores).

    ``what`` names the value in error messages (default: the class name in words, "rec status").
    """
    what = what or re.sub(r"(?<!^)(?=[A-Z])", " ", enum_cls.__name__).lower()

    def parse(value: Any) -> Any:
        if isinstance(value, enum_cls):
            return value
        raw = text(value)
        key = re.sub(r"[\s-]+", "_", raw.casefold())
        for m in enum_cls:
            if key in (m.value, m.name.casefold()):
                return m
        raise ValueError(f"unknown {what} {raw!r} (accepted: {', '.join(m.value for m in enum_cls)})")

    parse.__name__ = f"parse_{enum_cls.__name__}"
    return typed(parse, "choice", required=True, choices=[m.value for m in enum_cls])


def optional(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parser``, with blank giving None."""

    def parse(value: Any) -> Any:
        return None if blank(value) else parser(value)

    kind, _required, choices = input_of(parser)
    return typed(parse, kind, choices=choices)


status = member(RecStatus, "status")
priority = optional(member(Priority, "priority"))


def items(value: Any) -> list[str]:
    """A list cell split on ";" (also accepts a Python list), blanks dropped."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        parts = str(value).split(LIST_SEP)
    return [p.strip() for p in parts if p.strip()]


def terms(scheme: TermScheme) -> Callable[[Any], list[str]]:
    """A parser for a list of vocabulary terms of ``scheme`` (codes, labels or aliases) → codes.

    Reports every unknown term at once.
    """

    def parse(value: Any) -> list[str]:
        codes, bad = [], []
        for item in items(value):
            try:
                codes.append(vocabulary().code(scheme, item))
            except ValueError as exc:
                bad.append(str(exc))
        if bad:
            raise ValueError("; ".join(bad))
        return list(dict.fromkeys(codes))

    return typed(parse, "list")


def names(value: Any) -> list[str]:
    """A list of institution names (lead institutions, partners)."""
    return list(dict.fromkeys(items(value)))


for _parser, _kind, _required in ((text, "text", True), (optional_text, "text", False), (state, "state", True),
                                  (optional_state, "state", False), (day, "day", True), (optional_day, "day", False),
                                  (iso_partial, "partial_date", False), (flag, "flag", False),
                                  (integer, "integer", False), (items, "list", False), (names, "list", False)):
    typed(_parser, _kind, required=_required)
