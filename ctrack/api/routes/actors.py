"""``/api/v1/actors`` and ``/api/v1/show``: actors, one actor, an actor's timeline (``ctrack actors``, ``ctrack show``)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params
from ctrack.schema import ActorKind
from ctrack.service import actors as service
from ctrack.store.models import ReviewState
from ctrack.store.views import ActorRow, Timeline

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=Page[ActorRow], summary="List actors")
def list_actors(
    kind: ActorKind | None = Query(None, description="person, member_state, government_body, un_entity, …"),
    q: str | None = Query(None, description="part of the name, acronym, ISO3 or an alias"),
    review_state: ReviewState | None = Query(None, description="proposed, confirmed or corrected"),
    sort: str | None = Query(None, description=f"one of {', '.join(service.SORTS)}; '-' first for descending"),
    page: PageParams = Depends(page_params),
    db: Session = Depends(get_db), _: Principal = Depends(viewer),
):
    """Actors (rejected ones left out), by kind then name unless ``sort`` says otherwise; filtered,
    counted and paged in the database (``after``: keyset paging with ``next_cursor``)."""
    return service.list_actors(db, kind=kind, q=q, review_state=review_state, sort=sort, page=page)


@router.get("/actors/{actor_id}", response_model=ActorRow, summary="Get an actor")
def get_actor(actor_id: int, db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """One actor with its current title, affiliation, aliases and counts."""
    return service.get_actor(db, actor_id)


@router.get("/actors/{actor_id}/timeline", response_model=Timeline, summary="An actor's timeline")
def actor_timeline(actor_id: int, page: PageParams = Depends(page_params), db: Session = Depends(get_db),
                   _: Principal = Depends(viewer)):
    """One page of the actor's events in date order with its roles, its people's roles, counterparts and
    sources, and a person's dated titles (``total`` events; ``next_cursor`` for the next page)."""
    return service.timeline(db, actor_id, page)


@router.get("/show", response_model=Timeline, summary="Show an actor by name (ctrack show)")
def show(name: str = Query(..., description="a name, alias, acronym or ISO3 code"),
         page: PageParams = Depends(page_params), db: Session = Depends(get_db), _: Principal = Depends(viewer)):
    """The timeline (one page) of the actor a name, acronym or ISO3 code means, as ``ctrack show NAME``."""
    return service.show(db, name, page)
