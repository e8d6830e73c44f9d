"""Pages of a list: every list operation of the service layer answers with a :class:`Page`.

``items`` (at most ``limit``, from ``offset`` on), ``total`` (matches before
paging, from ``COUNT``; a lower bound when ``total_exact`` is false), the
``limit``/``offset`` used, and ``next_cursor``:
an opaque keyset cursor for the following page where the listing supports
it (passing it as ``after`` reads the next page without skipping rows, so a
deep page costs as much as the first). ``sort`` names one of the listing's
sort keys, ``-`` first for descending; missing values sort last either way.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from ctrack.errors import BadQuery
from ctrack.store.cursor import decode_cursor as _decode
from ctrack.store.cursor import encode_cursor

T = TypeVar("T")

#: Largest page a client may ask for (every list endpoint and page).
MAX_LIMIT = 500
#: Page size when none is asked for.
DEFAULT_LIMIT = 50


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` from ``offset`` on, ``total`` matches in all, ``next_cursor`` for keyset paging."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_cursor: str | None = None
    total_exact: bool = Field(True, description="false when counting stopped: then more than ``total`` match "
                              "(a listing that bounds its count says so, e.g. the review queue)")


class PageParams(BaseModel):
    """``limit`` (1–:data:`MAX_LIMIT`, default 50), ``offset`` (≥ 0) and an optional keyset cursor ``after``."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    after: str | None = None


def check_page(params: PageParams | None) -> PageParams:
    """``params`` (default: first page of 50), checked. Raises :class:`BadQuery` for a limit outside
    1–:data:`MAX_LIMIT` or a negative offset."""
    params = params or PageParams()
    if not 1 <= params.limit <= MAX_LIMIT:
        raise BadQuery(f"page size {params.limit} is outside 1–{MAX_LIMIT}")
    if params.offset < 0:
        raise BadQuery(f"offset {params.offset} is negative")
    return params


def paginate(items: Sequence[T], params: PageParams) -> Page[T]:
    """The page of an in-memory ``items`` list that ``params`` asks for (for short lists only, such as a
    recommendation list; long listings page in SQL)."""
    params = check_page(params)
    return Page[Any](items=list(items[params.offset:params.offset + params.limit]), total=len(items),
                     limit=params.limit, offset=params.offset)


def parse_sort(sort: str | None, keys: Sequence[str]) -> tuple[str | None, bool]:
    """(key, descending) of a ``sort`` parameter ("start", "-start"); (None, False) when none is given.

    Raises :class:`BadQuery` for a key not in ``keys``."""
    if not sort:
        return None, False
    name = sort.lstrip("-+")
    if name not in keys:
        raise BadQuery(f"cannot sort by {name!r}; one of: {', '.join(sorted(keys))}")
    return name, sort.startswith("-")


def sort_items(items: Sequence[T], sort: str | None, keys: dict[str, Callable[[T], Any]]) -> list[T]:
    """``items`` sorted by ``sort`` (a key of ``keys``, ``-`` first for descending); None keeps their order.

    Items whose key is None go last in both directions. Raises :class:`BadQuery` for an unknown key."""
    name, descending = parse_sort(sort, list(keys))
    if name is None:
        return list(items)
    key = keys[name]
    present = [i for i in items if key(i) is not None]
    missing = [i for i in items if key(i) is None]
    return sorted(present, key=key, reverse=descending) + missing


def decode_cursor(cursor: str, size: int) -> list[Any]:
    """The keyset values of ``cursor`` (:func:`ctrack.store.cursor.decode_cursor`); raises :class:`BadQuery`
    when it is not a cursor of ``size`` values."""
    try:
        return _decode(cursor, size)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None


__all__ = ["Page", "PageParams", "MAX_LIMIT", "DEFAULT_LIMIT", "check_page", "paginate", "parse_sort", "sort_items",
           "encode_cursor", "decode_cursor"]
