"""``/api/v1/search``: full-text search over documents, actors, events and recommendations."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db, viewer
from ctrack.api.paging import MAX_LIMIT
from ctrack.store import search as search_index
from ctrack.store.web_models import SearchKind

router = APIRouter(tags=["search"])

#: Where each kind of hit lives in the API.
API_PATHS = {SearchKind.DOCUMENT: "/api/v1/documents/{}", SearchKind.ACTOR: "/api/v1/actors/{}",
             SearchKind.EVENT: "/api/v1/events/{}", SearchKind.RECOMMENDATION: "/api/v1/recs/{}"}


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
    """A page of search results (``total`` matches in all)."""

    query: str
    total: int
    limit: int
    offset: int
    items: list[HitOut]


def run_search(db: Session, q: str, kinds: list[SearchKind] | None, limit: int, offset: int) -> SearchOut:
    """Search and shape the result (shared with the search page)."""
    found = search_index.search(db, q, kinds=kinds or None, limit=limit, offset=offset)
    db.commit()  # keep what the refresh indexed
    return SearchOut(query=q, total=found.total, limit=found.limit, offset=found.offset, items=[
        HitOut(kind=h.kind, id=h.ref_id, href=API_PATHS[h.kind].format(h.ref_id), title=h.title,
               snippet=h.snippet, highlights=h.highlights, score=round(h.score, 6)) for h in found.hits])


@router.get("/search", response_model=SearchOut, summary="Full-text search")
def search(q: str = Query(..., description="words; each matches as a word prefix, all are required"),
           kind: list[SearchKind] | None = Query(None, description="limit to these kinds (repeatable)"),
           limit: int = Query(20, ge=1, le=min(MAX_LIMIT, 200)), offset: int = Query(0, ge=0),
           db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """Search documents, actors, events and recommendations; best matches first. Case and accents are
    ignored ("michele" finds "Michèle"); SQLite uses FTS5, PostgreSQL its full-text search."""
    return run_search(db, q, kind, limit, offset)
