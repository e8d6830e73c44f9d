"""Accounts as every face manages them: ``ctrack user add|list|set``, ``/api/v1/users`` and ``/admin/users``.

The rules live here once: an admin cannot demote or disable their own account, and the knowledge base never
loses its last active admin (nobody could then manage accounts from the web app or the API; the CLI on the
server could, but a team would not know to look there). Storage, password policy and sign-in stay in
:mod:`ctrack.store.web_repo`.
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctrack.errors import StoreError
from ctrack.store import web_repo
from ctrack.store.web_models import DbUser, UserRole


class UserOut(BaseModel):
    """An account as the faces show it (never the password hash)."""

    name: str
    role: UserRole
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user: DbUser) -> "UserOut":
        """The view of a stored account row."""
        return cls(name=user.name, role=user.role, active=user.active, created_at=user.created_at)


def list_accounts(db: Session) -> list[UserOut]:
    """Every account, by name (a team's accounts are a few dozen: read whole)."""
    return [UserOut.of(u) for u in web_repo.list_users(db)]


def has_accounts(db: Session) -> bool:
    """Whether any account exists (``ctrack serve`` says how to create the first one when none does)."""
    return db.scalar(select(func.count()).select_from(DbUser)) > 0


def account(db: Session, name: str) -> UserOut:
    """The account ``name``. Raises :class:`ctrack.errors.NotFound`."""
    return UserOut.of(web_repo.get_user(db, name))


def add_account(db: Session, name: str, role: UserRole | str, password: str) -> UserOut:
    """Create an account; returns it. Raises :class:`ctrack.errors.StoreError` for a bad name, an unknown role,
    a weak password (:func:`ctrack.store.web_repo.check_password`) or a name already taken."""
    return UserOut.of(web_repo.create_user(db, name, role, password))


def _active_admins(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(DbUser)
                     .where(DbUser.role == UserRole.ADMIN, DbUser.active.is_(True)))


def change_account(db: Session, name: str, *, role: UserRole | str | None = None, active: bool | None = None,
                   password: str | None = None, by: str | None = None) -> UserOut:
    """Change an account's role, enable or disable it, or set a new password; returns the account after.

    ``by``: the admin making the change through the web app or the API (``None`` from the CLI on the server).
    Raises :class:`ctrack.errors.NotFound` for an unknown account and :class:`ctrack.errors.StoreError` for an
    unknown role, a weak password, an admin demoting or disabling their own account, or a change that would
    leave no active admin. Nothing is changed when an error is raised."""
    user = web_repo.get_user(db, name)
    try:
        new_role = UserRole(role) if role is not None else user.role
    except ValueError:
        raise StoreError(f"unknown role {role!r}: one of {', '.join(r.value for r in UserRole)}") from None
    new_active = user.active if active is None else bool(active)
    loses_admin = user.role is UserRole.ADMIN and user.active and (new_role is not UserRole.ADMIN or not new_active)
    if loses_admin and by == name:
        raise StoreError("you cannot demote or disable your own account")
    if loses_admin and _active_admins(db) <= 1:
        raise StoreError(f"{name!r} is the last active admin: make another account admin first")
    if password is not None:
        web_repo.set_password(db, name, password)
    if role is not None:
        web_repo.set_role(db, name, new_role)
    if active is not None:
        web_repo.set_active(db, name, new_active)
    return UserOut.of(user)


__all__ = ["UserOut", "list_accounts", "has_accounts", "account", "add_account", "change_account"]
