"""The declarative base shared by every table of ctrack.

All SQLAlchemy models, whichever stage owns them (``ctrack.store.models``,
``ctrack.track.models``, ``ctrack.web.models``), derive from :class:`Base` so
that one metadata and one Alembic migration history cover the whole database.
"""
from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so that Alembic migrations run the same on SQLite
# (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of all ctrack tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
