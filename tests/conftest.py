"""Fixtures every test folder sees: the session's PostgreSQL server (see :mod:`ctrack.store.testing`)."""
from ctrack.store.testing import pg_base_url  # noqa: F401
