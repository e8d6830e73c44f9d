"""``/api/v1/me`` and ``/api/v1/users``: who am I; account management for admins."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ctrack.api.deps import Principal, admin, get_db, viewer
from ctrack.api.paging import Page, PageParams, page_params, paginate
from ctrack.errors import StoreError
from ctrack.service import accounts
from ctrack.service.accounts import UserOut
from ctrack.store.web_models import UserRole

router = APIRouter(tags=["accounts"])


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
    return accounts.account(db, who.name)


@router.get("/users", response_model=Page[UserOut], summary="List accounts (admin)")
def list_users(page: PageParams = Depends(page_params), db: Session = Depends(get_db),
               _: Principal = Depends(admin)):
    """The accounts, by name, one page at a time (a team's accounts are few: read whole, then cut)."""
    return paginate(accounts.list_accounts(db), page)


@router.post("/users", response_model=UserOut, status_code=201, summary="Create an account (admin)")
def create_user(body: UserIn, db: Session = Depends(get_db), _: Principal = Depends(admin)):
    """Create an account (as ``ctrack user add``)."""
    try:
        user = accounts.add_account(db, body.name, body.role, body.password)
    except StoreError as exc:
        raise HTTPException(422, exc.message) from None
    db.commit()
    return user


@router.patch("/users/{name}", response_model=UserOut, summary="Change an account (admin)")
def update_user(name: str, body: UserPatch, db: Session = Depends(get_db), who: Principal = Depends(admin)):
    """Change an account's role or disable it. An admin cannot demote or disable themself, and the last
    active admin cannot be demoted or disabled."""
    try:
        user = accounts.change_account(db, name, role=body.role, active=body.active, by=who.name)
    except StoreError as exc:
        raise HTTPException(422, exc.message) from None
    db.commit()
    return user
