"""Full-text search over documents, actors, events and recommendations (``/api/v1/search``, ``/search``)."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.service.paging import MAX_LIMIT, PageParams, check_page
from ctrack.store import search as search_index
from ctrack.store.web_models import SearchKind

#: Where each kind of hit lives in the API.
API_PATHS = {SearchKind.DOCUMENT: "/api/v1/documents/{}", SearchKind.ACTOR: "/api/v1/actors/{}",
             SearchKind.EVENT: "/api/v1/events/{}", SearchKind.RECOMMENDATION: "/api/v1/recs/{}"}
#: Largest page of search hits.
MAX_HITS = min(MAX_LIMIT, 200)


class HitOut(BaseModel):
    """A search result: its kind and id, API path, title, snippet with highlight offsets, and score."""

    kind: SearchKind
    id: int
    href: str
    title: str
    snippet: str
    highlights: list[tuple[int, int]] = Field(default_factory=list)
    score: float


class SearchOut(BaseModel):
    """A page of search results (``total`` matches in all; when ``total_exact`` is false, more than ``total``
    match and the hits are the best of the most recently indexed ``total``)."""

    query: str
    total: int
    limit: int
    offset: int
    items: list[HitOut]
    total_exact: bool = Field(True, description="false when more entries match than a search ranks "
                              f"({search_index.CANDIDATES}): then total is that cap, and the hits are the best "
                              "of the most recently indexed matches")


def search(db: Session, q: str, kinds: list[SearchKind] | None = None, page: PageParams | None = None) -> SearchOut:
    """Best matches first for the words of ``q`` (each a word prefix, all required; case and accents
    ignored), limited to ``kinds``. Brings the index up to date first (:func:`ctrack.store.search.search`);
    the caller commits to keep that. Raises :class:`BadQuery` for a page over :data:`MAX_HITS`."""
    page = check_page(page or PageParams(limit=20))
    if page.limit > MAX_HITS:
        from ctrack.errors import BadQuery

        raise BadQuery(f"at most {MAX_HITS} search hits per page")
    found = search_index.search(db, q, kinds=kinds or None, limit=page.limit, offset=page.offset)
    return SearchOut(query=q, total=found.total, total_exact=found.total_exact, limit=found.limit,
                     offset=found.offset, items=[
        HitOut(kind=h.kind, id=h.ref_id, href=API_PATHS[h.kind].format(h.ref_id), title=h.title,
               snippet=h.snippet, highlights=h.highlights, score=round(h.score, 6)) for h in found.hits])


__all__ = ["API_PATHS", "MAX_HITS", "HitOut", "SearchOut", "search"]
