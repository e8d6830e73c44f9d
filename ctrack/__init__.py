"""ctrack — a counter-terrorism cooperation tracker.

Documents (txt, HTML, PDF, DOCX) go in; a reviewed, queryable record of
persons, organizations, member states and events with their roles comes out.
The stages are subpackages: :mod:`ctrack.ingest`, :mod:`ctrack.extract`,
:mod:`ctrack.resolve`, :mod:`ctrack.store`, :mod:`ctrack.track`,
:mod:`ctrack.report`, :mod:`ctrack.api`, :mod:`ctrack.web`, :mod:`ctrack.cli`.
The record types they exchange are declared once in :mod:`ctrack.schema`.
"""

__version__ = "0.1.0"
