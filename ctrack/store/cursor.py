"""Keyset page cursors: the sort values of a page's last row, as an opaque URL-safe string.

A listing that pages by keyset (:func:`ctrack.store.repo.page_events`,
:func:`ctrack.store.repo.page_actors`) hands out the cursor of its last row;
given back, the next read starts right after that row with an indexed range
condition instead of skipping ``offset`` rows.
"""
from __future__ import annotations

import base64
import datetime as dt
import enum
import json
from collections.abc import Sequence
from typing import Any


def _scalar(value: Any) -> Any:
    """A sort value as JSON: an enum member as its value, a date or datetime as ISO 8601 text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for the keyset ``values`` of a page's last row (URL-safe base64 of a JSON list).

    Values are JSON scalars, enum members (stored as their value) or dates and datetimes (ISO 8601 text;
    :func:`typed_value` reads them back)."""
    return base64.urlsafe_b64encode(json.dumps([_scalar(v) for v in values], separators=(",", ":"))
                                    .encode()).decode().rstrip("=")


def typed_value(value: Any, sql_type: Any) -> Any:
    """A cursor's ``value`` as the column type ``sql_type`` (a SQLAlchemy type) binds it: ISO 8601 text back
    to a date or datetime for a date or datetime column, anything else as it is. Raises ValueError for text
    that is not such a date."""
    if not isinstance(value, str):
        return value
    try:
        python_type = sql_type.python_type
    except NotImplementedError:
        return value
    try:
        if issubclass(python_type, dt.datetime):
            return dt.datetime.fromisoformat(value)
        if issubclass(python_type, dt.date):
            return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"bad page cursor value {value!r}") from None
    return value


def decode_cursor(cursor: str, size: int) -> list[Any]:
    """The keyset values of ``cursor``; raises ValueError when it is not a cursor of ``size`` values."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        raise ValueError(f"bad page cursor {cursor!r}") from None
    if not isinstance(values, list) or len(values) != size:
        raise ValueError(f"page cursor {cursor!r} does not belong to this listing")
    return values


__all__ = ["encode_cursor", "decode_cursor", "typed_value"]
