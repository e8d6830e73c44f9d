"""The knowledge base: SQLAlchemy models, Alembic migrations and the repository API.

- :mod:`ctrack.store.db` — :func:`~ctrack.store.db.open_store` (engine, migrations), :func:`~ctrack.store.db.session_scope`;
- :mod:`ctrack.store.models` — the tables and :class:`~ctrack.store.models.ReviewState`;
- :mod:`ctrack.store.repo` — every query and write (the CLI, reports, API and web use only these);
- :mod:`ctrack.store.views` — the plain pydantic models the repository returns.
"""
