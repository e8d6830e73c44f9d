"""ISO dates at text precision ("2018", "2018-05", "2018-05-03") as intervals of days.

``ctrack.extraction/1`` keeps dates at the precision the text gives. To
compare two of them, each is read as the interval of days it covers
("2018-05" is 1–31 May 2018), so two events overlap "at the coarser
precision" exactly when their intervals meet: "2018-05" and "2018-05-03"
overlap; "2018-05-03" and "2018-05-10" do not.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

YEAR, MONTH, DAY = 1, 2, 3


def parse(value: str | None) -> tuple[int, int | None, int | None] | None:
    """``"2018-05"`` → ``(2018, 5, None)``; None, "" or a malformed/impossible date → None."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    year, month, day = int(m[1]), (int(m[2]) if m[2] else None), (int(m[3]) if m[3] else None)
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return year, month, day


def precision(value: str | None) -> int | None:
    """1 for a year, 2 for a month, 3 for a day; None when ``value`` is not an ISO date."""
    parts = parse(value)
    if parts is None:
        return None
    return 1 + (parts[1] is not None) + (parts[2] is not None)


def bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day ``value`` covers ("2018-05" → 2018-05-01, 2018-05-31); None if not a date."""
    parts = parse(value)
    if parts is None:
        return None
    year, month, day = parts
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day), dt.date(year, month, day)


def interval(start: str | None, end: str | None) -> tuple[dt.date, dt.date] | None:
    """Days covered by an event from ``start`` to ``end`` (``end`` None = same as start).

    None when the event has no usable start date. An end before the start (a
    source error) is ignored.
    """
    first = bounds(start)
    if first is None:
        return None
    last = bounds(end) or first
    lo, hi = first[0], max(first[1], last[1])
    return lo, hi


def overlaps(a_start: str | None, a_end: str | None, b_start: str | None, b_end: str | None) -> bool:
    """True when two events' day intervals meet (False when either is undated)."""
    a, b = interval(a_start, a_end), interval(b_start, b_end)
    if a is None or b is None:
        return False
    return a[0] <= b[1] and b[0] <= a[1]


def refines(coarse: str | None, fine: str | None) -> bool:
    """True when ``fine`` is more precise than ``coarse`` and lies inside it ("2018-05" → "2018-05-03")."""
    pc, pf = precision(coarse), precision(fine)
    if pc is None or pf is None or pf <= pc:
        return False
    return fine.startswith(coarse)


def compatible(a: str | None, b: str | None) -> bool:
    """True when two dates agree at the coarser of their precisions ("2018-05" and "2018-05-03")."""
    if a == b:
        return True
    return refines(a, b) or refines(b, a)


def sort_key(start: str | None) -> tuple[int, str]:
    """Sort key putting dated events in date order (coarser first on ties) and undated ones last."""
    return (0, start) if parse(start) else (1, "")


def to_bound(value: str, upper: bool) -> dt.date:
    """A filter bound: ``"2018"`` is 2018-01-01 as ``since`` and 2018-12-31 as ``until``.

    Raises ValueError for a value that is not an ISO date at any precision.
    """
    b = bounds(value)
    if b is None:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    return b[1] if upper else b[0]
