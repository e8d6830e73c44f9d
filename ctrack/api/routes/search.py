"""``/api/v1/search``: full-text search over documents, actors, events and recommendations."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db, viewer
from ctrack.service import search as service
from ctrack.service.paging import PageParams
from ctrack.service.search import SearchOut
from ctrack.store.web_models import SearchKind

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchOut, summary="Full-text search")
def search(q: str = Query(..., description="words; each matches as a word prefix, all are required"),
           kind: list[SearchKind] | None = Query(None, description="limit to these kinds (repeatable)"),
           limit: int = Query(20, ge=1, le=service.MAX_HITS), offset: int = Query(0, ge=0),
           db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """Search documents, actors, events and recommendations; best matches first. Case and accents are
    ignored ("michele" finds "Michèle"); SQLite uses FTS5, PostgreSQL its full-text search."""
    found = service.search(db, q, kind, PageParams(limit=limit, offset=offset))
    db.commit()  # keep what the refresh indexed
    return found
