"""Fixtures: ``api`` (see :mod:`ctrack.web.testing`) and the knowledge-base fixtures of :mod:`ctrack.store.testing`."""
from ctrack.web.testing import api  # noqa: F401
from ctrack.store.testing import db_url, engine, session  # noqa: F401
