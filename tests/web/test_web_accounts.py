"""Accounts, API tokens and browser sessions (ctrack.store.web_repo) on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ctrack.errors import NotFound, StoreError
from ctrack.store import web_repo
from ctrack.store.web_models import DbApiToken, DbUser, DbWebSession, UserRole


def test_user_password_is_stored_as_argon2_and_checked(session):
    user = web_repo.create_user(session, "amina", "analyst", "correct horse battery")
    session.commit()
    stored = session.scalar(select(DbUser.password_hash).where(DbUser.id == user.id))
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert web_repo.authenticate(session, "amina", "correct horse battery").id == user.id
    assert web_repo.authenticate(session, "amina", "wrong password!") is None
    assert web_repo.authenticate(session, "nobody", "correct horse battery") is None


def test_bad_users_are_refused(session):
    web_repo.create_user(session, "amina", UserRole.VIEWER, "long enough passphrase")
    with pytest.raises(StoreError, match="already exists"):
        web_repo.create_user(session, "amina", "viewer", "long enough passphrase")
    with pytest.raises(StoreError, match="too short"):
        web_repo.create_user(session, "bob", "viewer", "short")
    with pytest.raises(StoreError, match="unknown role"):
        web_repo.create_user(session, "bob", "superuser", "long enough passphrase")
    with pytest.raises(StoreError, match="bad user name"):
        web_repo.create_user(session, "bob smith", "viewer", "long enough passphrase")
    with pytest.raises(NotFound):
        web_repo.get_user(session, "bob")


def test_roles_rank():
    assert UserRole.ADMIN.allows(UserRole.ANALYST) and UserRole.ANALYST.allows(UserRole.VIEWER)
    assert not UserRole.VIEWER.allows(UserRole.ANALYST) and not UserRole.ANALYST.allows(UserRole.ADMIN)


def test_token_is_shown_once_and_stored_hashed(session):
    web_repo.create_user(session, "amina", "analyst", "long enough passphrase")
    token, row = web_repo.create_token(session, "amina", label="scripts")
    session.commit()
    assert token.startswith(web_repo.TOKEN_PREFIX) and len(token) > 40
    assert token not in {row.token_hash, row.prefix} and row.prefix == token[:12]
    assert web_repo.user_for_token(session, token).name == "amina"
    assert session.get(DbApiToken, row.id).last_used_at is not None
    assert web_repo.user_for_token(session, token + "x") is None
    assert web_repo.user_for_token(session, "not-a-token") is None
    web_repo.revoke_token(session, row.id, "amina")
    assert web_repo.user_for_token(session, token) is None
    with pytest.raises(NotFound):
        web_repo.revoke_token(session, row.id + 100)


def test_disabled_user_loses_tokens_and_sessions(session):
    user = web_repo.create_user(session, "amina", "analyst", "long enough passphrase")
    token, _ = web_repo.create_token(session, "amina")
    cookie, _ = web_repo.create_web_session(session, user)
    web_repo.set_active(session, "amina", False)
    session.commit()
    assert web_repo.user_for_token(session, token) is None
    assert web_repo.get_web_session(session, cookie) is None
    assert web_repo.authenticate(session, "amina", "long enough passphrase") is None


def test_web_session_lifecycle(session):
    user = web_repo.create_user(session, "amina", "viewer", "long enough passphrase")
    cookie, row = web_repo.create_web_session(session, user)
    session.commit()
    assert row.id != cookie and len(row.csrf_token) >= 32
    live = web_repo.get_web_session(session, cookie)
    assert live is not None and live.user.name == "amina"
    web_repo.end_web_session(session, cookie)
    session.commit()
    assert web_repo.get_web_session(session, cookie) is None
    old, _ = web_repo.create_web_session(session, user, lifetime=dt.timedelta(seconds=-1))
    session.commit()
    assert web_repo.get_web_session(session, old) is None
    session.commit()
    assert session.scalars(select(DbWebSession)).all() == []


def test_password_change_ends_sessions(session):
    user = web_repo.create_user(session, "amina", "admin", "long enough passphrase")
    cookie, _ = web_repo.create_web_session(session, user)
    web_repo.set_password(session, "amina", "another long one")
    session.commit()
    assert web_repo.get_web_session(session, cookie) is None
    assert web_repo.authenticate(session, "amina", "another long one") is not None
    web_repo.set_role(session, "amina", "viewer")
    assert [u.role for u in web_repo.list_users(session)] == [UserRole.VIEWER]
