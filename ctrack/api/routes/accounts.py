"""``/api/v1/me`` and ``/api/v1/users``: who am I; account management for admins."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, admin, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params, paginate
from ctrack.errors import StoreError
from ctrack.store import web_repo
from ctrack.store.web_models import DbUser, UserRole

router = APIRouter(tags=["accounts"])


class UserOut(BaseModel):
    """An account as the API shows it (never the password hash)."""

    name: str
    role: UserRole
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user: DbUser) -> UserOut:
        return cls(name=user.name, role=user.role, active=user.active, created_at=user.created_at)


class UserIn(BaseModel):
    """A new account: name, role and initial password (at least 8 characters)."""

    name: str
    role: UserRole = UserRole.VIEWER
    password: str


class UserPatch(BaseModel):
    """Changes to an account: a new role, enabled or disabled."""

    role: UserRole | None = None
    active: bool | None = None


@router.get("/me", response_model=UserOut, summary="The signed-in account")
def me(who: Principal = Depends(viewer), db: Session = Depends(get_db)):
    """The account the request is authenticated as."""
    return UserOut.of(web_repo.get_user(db, who.name))


@router.get("/users", response_model=Page[UserOut], summary="List accounts (admin)")
def list_users(page: PageParams = Depends(page_params), db: Session = Depends(get_db),
               _: Principal = Depends(admin)):
    """The accounts, by name, one page at a time (a team's accounts are few: read whole, then cut)."""
    return paginate([UserOut.of(u) for u in web_repo.list_users(db)], page)


@router.post("/users", response_model=UserOut, status_code=201, summary="Create an account (admin)")
def create_user(body: UserIn, db: Session = Depends(get_db), _: Principal = Depends(admin)):
    """Create an account (as ``ctrack user add``)."""
    try:
        user = web_repo.create_user(db, body.name, body.role, body.password)
    except StoreError as exc:
        raise HTTPException(422, exc.message) from None
    db.commit()
    return UserOut.of(user)


@router.patch("/users/{name}", response_model=UserOut, summary="Change an account (admin)")
def update_user(name: str, body: UserPatch, db: Session = Depends(get_db), who: Principal = Depends(admin)):
    """Change an account's role or disable it. An admin cannot demote or disable themself."""
    if name == who.name and (body.active is False or (body.role and body.role is not UserRole.ADMIN)):
        raise HTTPException(422, "you cannot demote or disable your own account")
    if body.role:
        web_repo.set_role(db, name, body.role)
    if body.active is not None:
        web_repo.set_active(db, name, body.active)
    db.commit()
    return UserOut.of(web_repo.get_user(db, name))
