"""Account rules shared by ``ctrack user``, ``/api/v1/users`` and ``/admin/users``."""
from __future__ import annotations

import pytest

from ctrack.errors import NotFound, StoreError
from ctrack.service import accounts
from ctrack.store.web_models import UserRole

PASSWORD = "mauve tractor lagoon"


def test_an_admin_cannot_demote_or_disable_themself(session):
    accounts.add_account(session, "ada", UserRole.ADMIN, PASSWORD)
    accounts.add_account(session, "bea", UserRole.ADMIN, PASSWORD)
    with pytest.raises(StoreError, match="your own account"):
        accounts.change_account(session, "ada", role=UserRole.VIEWER, by="ada")
    with pytest.raises(StoreError, match="your own account"):
        accounts.change_account(session, "ada", active=False, by="ada")
    # another admin may; a no-op on oneself is not an error
    assert accounts.change_account(session, "ada", role="admin", by="ada").role is UserRole.ADMIN
    assert accounts.change_account(session, "ada", active=False, by="bea").active is False


def test_the_last_active_admin_stays(session):
    accounts.add_account(session, "ada", UserRole.ADMIN, PASSWORD)
    accounts.add_account(session, "cy", UserRole.ANALYST, PASSWORD)
    with pytest.raises(StoreError, match="last active admin"):
        accounts.change_account(session, "ada", role="analyst")          # from the CLI: by=None
    with pytest.raises(StoreError, match="last active admin"):
        accounts.change_account(session, "ada", active=False)
    # nothing changed by the refused calls, and a second admin lifts the guard
    assert accounts.account(session, "ada").role is UserRole.ADMIN and accounts.account(session, "ada").active
    accounts.change_account(session, "cy", role="admin")
    assert accounts.change_account(session, "ada", role="viewer").role is UserRole.VIEWER


def test_bad_changes_change_nothing(session):
    accounts.add_account(session, "ada", UserRole.ADMIN, PASSWORD)
    accounts.add_account(session, "cy", UserRole.VIEWER, PASSWORD)
    with pytest.raises(StoreError, match="unknown role"):
        accounts.change_account(session, "cy", role="superuser", active=False)
    with pytest.raises(StoreError):
        accounts.change_account(session, "cy", password="short", role="analyst")
    assert accounts.account(session, "cy").role is UserRole.VIEWER and accounts.account(session, "cy").active
    with pytest.raises(NotFound):
        accounts.change_account(session, "nobody", role="viewer")


def test_listing_and_presence(session):
    assert not accounts.has_accounts(session)
    accounts.add_account(session, "zed", UserRole.VIEWER, PASSWORD)
    accounts.add_account(session, "ada", UserRole.ADMIN, PASSWORD)
    assert accounts.has_accounts(session)
    assert [u.name for u in accounts.list_accounts(session)] == ["ada", "zed"]
