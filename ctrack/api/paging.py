"""Paging of the API's list endpoints: the query parameters, over :mod:`ctrack.service.paging`.

Every list endpoint answers with a :class:`~ctrack.service.paging.Page`
(``items``, ``total``, ``limit``, ``offset``, ``next_cursor``). ``limit`` is
1–:data:`MAX_LIMIT`; ``after`` takes a page's ``next_cursor`` for keyset paging
where the listing supports it. ``sort`` names a sort key, ``-`` first for descending.
"""
from __future__ import annotations

from fastapi import Query

from ctrack.service.paging import MAX_LIMIT, Page, PageParams, paginate, sort_items


async def page_params(limit: int = Query(50, ge=1, le=MAX_LIMIT, description="items per page"),
                      offset: int = Query(0, ge=0, description="items to skip"),
                      after: str | None = Query(None, description="the next_cursor of the previous page (keyset "
                                                "paging: a deep page costs as much as the first)")) -> PageParams:
    """Dependency reading ``limit``, ``offset`` and ``after`` from the query string. ``async`` because it does
    no I/O: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-over to another thread and back
    for every list request."""
    return PageParams(limit=limit, offset=offset, after=after)


__all__ = ["Page", "PageParams", "page_params", "paginate", "sort_items", "MAX_LIMIT"]
