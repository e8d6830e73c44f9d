"""Pagination and sorting of list endpoints.

Every list endpoint answers with a :class:`Page`: ``items`` (at most
``limit``, from ``offset`` on), ``total`` (matches before paging), and the
``limit``/``offset`` used. ``sort`` names one of the endpoint's sort keys,
with a leading ``-`` for descending order (``sort=-start``); values that are
missing sort last either way.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from fastapi import HTTPException, Query
from pydantic import BaseModel

T = TypeVar("T")

#: Largest page a client may ask for.
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` from ``offset`` on, ``total`` matches in all."""

    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    """``limit`` (1–500, default 50) and ``offset`` (≥ 0) of a list request."""

    limit: int = 50
    offset: int = 0


def page_params(limit: int = Query(50, ge=1, le=MAX_LIMIT, description="items per page"),
                offset: int = Query(0, ge=0, description="items to skip")) -> PageParams:
    """Dependency reading ``limit`` and ``offset`` from the query string."""
    return PageParams(limit=limit, offset=offset)


def paginate(items: Sequence[T], params: PageParams) -> Page[T]:
    """The page of ``items`` that ``params`` asks for."""
    return Page[Any](items=list(items[params.offset:params.offset + params.limit]), total=len(items),
                     limit=params.limit, offset=params.offset)


def sort_items(items: Sequence[T], sort: str | None, keys: dict[str, Callable[[T], Any]]) -> list[T]:
    """``items`` sorted by ``sort`` (a key of ``keys``, ``-`` first for descending); None keeps their order.

    Items whose key is None go last in both directions. Raises
    :class:`fastapi.HTTPException` 422 for a sort key the endpoint does not offer.
    """
    if not sort:
        return list(items)
    descending = sort.startswith("-")
    name = sort.lstrip("-+")
    if name not in keys:
        raise HTTPException(422, f"cannot sort by {name!r}; one of: {', '.join(sorted(keys))}")
    key = keys[name]
    present = [i for i in items if key(i) is not None]
    missing = [i for i in items if key(i) is None]
    return sorted(present, key=key, reverse=descending) + missing


__all__ = ["Page", "PageParams", "page_params", "paginate", "sort_items", "MAX_LIMIT"]
