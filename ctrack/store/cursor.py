"""Keyset page cursors: the sort values of a page's last row, as an opaque URL-safe string.

A listing that pages by keyset (:func:`ctrack.store.repo.page_events`,
:func:`ctrack.store.repo.page_actors`) hands out the cursor of its last row;
given back, the next read starts right after that row with an indexed range
condition instead of skipping ``offset`` rows.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for the keyset ``values`` (JSON scalars) of a page's last row (URL-safe base64)."""
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    """The keyset values of ``cursor``; raises ValueError when it is not a cursor of ``size`` values."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        raise ValueError(f"bad page cursor {cursor!r}") from None
    if not isinstance(values, list) or len(values) != size:
        raise ValueError(f"page cursor {cursor!r} does not belong to this listing")
    return values


__all__ = ["encode_cursor", "decode_cursor"]
