"""Knowledge-base fixtures (``db_url``, ``engine``, ``session``): see :mod:`ctrack.store.testing`."""
from ctrack.store.testing import db_url, engine, session  # noqa: F401
