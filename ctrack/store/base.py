"""The declarative base shared by every table of ctrack.

All SQLAlchemy models, whichever stage owns them (``ctrack.store.models``,
``ctrack.track.models``, ``ctrack.web.models``), derive from :class:`Base` so
that one metadata and one Alembic migration history cover the whole database.

Timestamps (``DateTime(timezone=True)`` columns) are UTC. PostgreSQL returns
them with their offset; SQLite keeps no offset, so a row loaded from SQLite
gets UTC attached to its timestamps (:func:`_utc_on_load`): the API then
answers RFC 3339 times (``…+00:00``) on both back ends, as its OpenAPI
document says.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.orm import DeclarativeBase, attributes

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


@lru_cache(maxsize=None)
def _utc_columns(cls: type) -> tuple[str, ...]:
    """The attributes of mapped class ``cls`` that are ``DateTime(timezone=True)`` columns."""
    from sqlalchemy import inspect

    out = []
    for prop in inspect(cls).column_attrs:
        column = prop.columns[0]
        if isinstance(column.type, DateTime) and column.type.timezone:
            out.append(prop.key)
    return tuple(out)


@event.listens_for(Base, "load", propagate=True)
def _utc_on_load(target: Base, _context) -> None:
    """Attach UTC to the naive timestamps of a row SQLite just loaded (nothing is marked changed)."""
    for key in _utc_columns(type(target)):
        value = target.__dict__.get(key)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            attributes.set_committed_value(target, key, value.replace(tzinfo=dt.timezone.utc))


@event.listens_for(Base, "refresh", propagate=True)
def _utc_on_refresh(target: Base, context, _attrs) -> None:
    _utc_on_load(target, context)
